// End to end (issue 10, Linux.Encoder.1): `kintsugi recover DIR --json`
// through the real binary, without --family: the header picks the
// decryptor, the files' modification times place the search, and each
// recovered file's detail carries the seed and its own key; the printed
// seed decrypts a later run with --key and no search; a window without the
// seed says what it covered.
//
// Specimens (recovery-schemes.md §0, §3.4): synthetic plaintext, a seed we
// choose, one explicit file at a time in a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/linux_encoder/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::ReadJson;

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// §3.4's test vector seed: 2015-11-11 15:26:57 UTC.
constexpr std::uint32_t kSeed = 1447255617;

class LinuxEncoderCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("linux-encoder");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // Writes a specimen of file `index` of kSeed, `seconds` after srand.
  void Specimen(const std::string& name, const Bytes& plain,
                std::uint32_t index, std::uint32_t mode, int seconds) {
    families_testing::LinuxEncoderParams params;
    params.seed = kSeed;
    params.index = index;
    params.mode = mode;
    ASSERT_THAT(families_testing::WriteLinuxEncoderSpecimen(
                    RealFileSystem(), victim_, name, plain, params),
                IsOk());
    const auto when =
        std::chrono::file_clock::from_sys(std::chrono::sys_seconds(
            std::chrono::seconds(std::int64_t{kSeed} + seconds)));
    stdfs::last_write_time(victim_ / name, when);
  }

  // The report entry of the file named `name`.
  static nlohmann::json Entry(const nlohmann::json& report,
                              const std::string& name) {
    if (report.contains("files")) {
      for (const nlohmann::json& f : report["files"]) {
        if (Path(f["path"].get<std::string>()).filename() == name) return f;
      }
    }
    ADD_FAILURE() << "no " << name << " in " << report.dump();
    return nlohmann::json::object();
  }

  Path dir_;
  Path victim_;
};

TEST_F(LinuxEncoderCli, TheHeaderAndTheTimesFindTheSeedWithoutFamily) {
  const Bytes pdf = formats::samples::MakePdf(5000);
  const Bytes png = formats::samples::MakePng(20, 20);
  Specimen("report.pdf.encrypted", pdf, 0, 0100600, 3);
  Specimen("logo.png.encrypted", png, 1, 0100755, 4);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(
      testing::RunCliToFile(
          {"recover", victim_.string(), "--json", "--threads", "2"}, json),
      0);
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json pdf_entry = Entry(report, "report.pdf.encrypted");
  EXPECT_EQ(pdf_entry["status"], "recovered") << pdf_entry.dump();
  EXPECT_EQ(pdf_entry["decryptor"], "linux-encoder");
  // The seed and the file's own key, in words and as arguments.
  EXPECT_THAT(pdf_entry["detail"].get<std::string>(),
              HasSubstr("srand(1447255617) (2015-11-11 15:26:57 UTC): "
                        "AES-128 key \".rDeeSw'H569?.73\""));
  EXPECT_THAT(pdf_entry["message"].dump(),
              HasSubstr("recover.linux_encoder_file_key"));
  const nlohmann::json png_entry = Entry(report, "logo.png.encrypted");
  EXPECT_EQ(png_entry["status"], "recovered") << png_entry.dump();
  EXPECT_THAT(png_entry["detail"].get<std::string>(),
              HasSubstr("\"G.9fiDrBmMzQq.Yh\""));
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(pdf));
  // The originals' permission bits are back (none wider than the copy's).
  struct stat st {};
  ASSERT_EQ(::stat((victim_ / "report.pdf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777u, 0600u);
  ASSERT_EQ(::stat((victim_ / "logo.png").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111u, 0111u);
  // The seed, printed for reuse.
  ASSERT_EQ(report["summary"]["keys"].size(), 1U) << report.dump();
  EXPECT_EQ(report["summary"]["keys"][0]["key"], "56435e41")
      << report["summary"]["keys"][0].dump();

  // A later run of the same files elsewhere: --key with the seed, no
  // search needed.
  const Path again = dir_ / "again";
  ASSERT_TRUE(stdfs::create_directories(again));
  stdfs::copy_file(victim_ / "report.pdf.encrypted",
                   again / "report.pdf.encrypted");
  const Path json2 = dir_ / "again.json";
  EXPECT_EQ(
      testing::RunCliToFile({"recover", again.string(), "--json", "--family",
                             "linux-encoder", "--key", "56435e41"},
                            json2),
      0);
  EXPECT_EQ(Entry(ReadJson(json2), "report.pdf.encrypted")["status"],
            "recovered");
}

TEST_F(LinuxEncoderCli, AWindowWithoutTheSeedSaysWhatItCovered) {
  Specimen("report.pdf.encrypted", formats::samples::MakePdf(3000), 0, 0100644,
           3);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", victim_.string(), "--json", "--family",
                 "linux-encoder", "--seed-range", "1447260000-1447260999"},
                json),
            1);
  const nlohmann::json entry = Entry(ReadJson(json), "report.pdf.encrypted");
  EXPECT_EQ(entry["status"], "key_not_found") << entry.dump();
  EXPECT_THAT(entry["detail"].get<std::string>(),
              HasSubstr("no seed from 1447260000 to 1447260999"));
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
}

}  // namespace
}  // namespace kintsugi
