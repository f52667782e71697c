// Issue 11's "Done when": on a generated tree of 200,000 files mixing
// several families' specimens, ransom notes, untouched files and random
// data, the counts per class are exact. Labelled "slow" (ctest -L slow).
//
// The tree is made fast: 2,000 folders of 100 files, most of them empty,
// each specimen made once and written under many names (recovery-schemes.md
// §0: synthetic plaintext; Jigsaw's published key, STOP/Djvu under a
// locally generated RSA key).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/rsa_oaep.h"
#include "families/stop_djvu/testing/specimens.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/identify.h"
#include "kintsugi/scan.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;

constexpr int kFolders = 2000;
constexpr int kFilesPerFolder = 100;

// Writes `bytes` to a new file `path` (plain POSIX: the generation must be
// quick); false on failure.
bool Put(const std::string& path, ByteView bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return false;
  bool ok = true;
  if (!bytes.empty()) {
    ok = ::write(fd, bytes.data(), bytes.size()) ==
         static_cast<ssize_t>(bytes.size());
  }
  return ::close(fd) == 0 && ok;
}

TEST(ScanTreeOf200000Files, CountsPerClassAreExact) {
  const Path dir = testing::MakeTestDir("scan-tree");
  ASSERT_FALSE(dir.empty());
  const Bytes jigsaw = families_testing::JigsawEncrypt(
      ByteView::FromString("quarterly figures, do not share"));
  const auto key = crypto::RsaPrivateKey::Generate(2048);
  ASSERT_TRUE(key.has_value());
  const auto stop = families_testing::StopDjvuEncrypt(
      formats::samples::MakeJpeg(8000), *key,
      families_testing::MakeStopPersonalId(9, /*offline=*/false),
      families_testing::MakeStopUuid(9));
  ASSERT_TRUE(stop.has_value());
  const Bytes random = formats::samples::PseudoRandomBytes(2048, 5);
  std::ifstream note_file(std::string(std::getenv("KINTSUGI_SOURCE_ROOT")) +
                          "/kb/notes/stop-djvu/stop.txt");
  std::stringstream note;
  note << note_file.rdbuf();
  ASSERT_FALSE(note.str().empty());

  std::uint64_t want_notes = 0, want_jigsaw = 0, want_stop = 0, want_random = 0,
                want_clean = 0;
  for (int d = 0; d < kFolders; ++d) {
    const std::string folder =
        (dir / ("d" + std::to_string(d / 100)) / ("f" + std::to_string(d)))
            .string();
    std::error_code ec;
    stdfs::create_directories(folder, ec);
    ASSERT_FALSE(ec) << folder;
    int files = 0;
    auto put = [&](const std::string& name, ByteView bytes,
                   std::uint64_t& count) {
      ASSERT_TRUE(Put(folder + "/" + name, bytes)) << folder << "/" << name;
      ++count;
      ++files;
    };
    if (d % 4 == 0) {
      put("_readme.txt", ByteView::FromString(note.str()), want_notes);
    }
    put("budget.xls.fun", jigsaw, want_jigsaw);
    put("plan.doc.fun", jigsaw, want_jigsaw);
    if (d % 10 == 0) put("photo.jpg.boop", *stop, want_stop);
    put("dump.bin", random, want_random);
    for (int i = 0; files < kFilesPerFolder; ++i) {
      put("file" + std::to_string(i) + ".dat", ByteView(), want_clean);
    }
  }
  ASSERT_EQ(want_notes + want_jigsaw + want_stop + want_random + want_clean,
            static_cast<std::uint64_t>(kFolders * kFilesPerFolder));

  ScanOptions options;
  options.paths = {dir};
  options.kb = *identify::CompileBuiltInKb();
  options.threads = 4;
  auto report = RunScan(RealFileSystem(), options);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->files.size(), 200'000u);
  EXPECT_EQ(report->count(ScanClass::kEncrypted), want_jigsaw + want_stop);
  EXPECT_EQ(report->count(ScanClass::kNote), want_notes);
  EXPECT_EQ(report->count(ScanClass::kSuspicious), want_random);
  EXPECT_EQ(report->count(ScanClass::kClean), want_clean);
  EXPECT_TRUE(report->errors.empty());
  ASSERT_EQ(report->families.size(), 2u);
  EXPECT_EQ(report->families[0].family, "jigsaw");
  EXPECT_EQ(report->families[0].files, want_jigsaw);
  EXPECT_EQ(report->families[0].recoverable_now, want_jigsaw);
  EXPECT_EQ(report->families[1].family, "stop-djvu");
  EXPECT_EQ(report->families[1].files, want_stop);
  EXPECT_EQ(report->families[1].notes, want_notes);

  std::error_code ec;
  stdfs::remove_all(dir, ec);  // Our own mkdtemp folder only.
}

}  // namespace
}  // namespace kintsugi
