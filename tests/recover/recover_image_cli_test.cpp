// `kintsugi recover --image FILE --out DIR` end to end (issue 11): Jigsaw
// specimens put into an ext4 image (mke2fs -d, nothing mounted) are
// recovered from it into --out, byte for byte, the image untouched; a path
// inside the image limits the run to it; the command line's rules and a
// file that is no image give clear exits. Skipped only without mke2fs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/testing/image_tools.h"
#include "kintsugi/fs.h"
#include "kintsugi/status_table.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using testing::RunCliToFile;

Bytes ReadBytes(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::string ReadText(const stdfs::path& path) {
  const Bytes bytes = ReadBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

class RecoverImageCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("recover-image");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // Jigsaw specimens in two folders of a victim tree, plus a file that is
  // not encrypted, made into an ext4 image. The plaintexts by their path
  // inside the image; empty when mke2fs is missing.
  std::map<std::string, Bytes> MakeImage() {
    const std::string mke2fs = testing::FindImageTool("mke2fs");
    if (mke2fs.empty()) return {};
    const stdfs::path victim = dir_ / "victim";
    stdfs::create_directories(victim / "docs" / "2024");
    stdfs::create_directories(victim / "photos");
    std::map<std::string, Bytes> plain;
    for (int i = 0; i < 12; ++i) {
      const std::string folder = i % 3 == 0   ? "docs"
                                 : i % 3 == 1 ? "docs/2024"
                                              : "photos";
      const std::string name = "file" + std::to_string(i) + ".txt";
      // Sizes from a few bytes to past the 64 KiB the walk reads first.
      const Bytes original =
          formats::samples::MakeText(static_cast<std::size_t>(7 + i * 9000));
      EXPECT_THAT(families_testing::WriteSpecimen(
                      RealFileSystem(), victim / folder, name + ".fun",
                      families_testing::JigsawEncrypt(original, 1 + i % 2),
                      "jigsaw", /*sidecar=*/false),
                  IsOk());
      plain["/" + folder + "/" + name] = original;
    }
    std::ofstream(victim / "readme.md") << "not encrypted\n";
    image_ = dir_ / "disk.img";
    EXPECT_TRUE(testing::RunQuietly(mke2fs + " -q -t ext4 -F -d " +
                                    testing::ShellQuote(victim) + " " +
                                    testing::ShellQuote(image_) + " 16M"));
    return plain;
  }

  int Recover(std::vector<std::string> args, const stdfs::path& json) {
    args.insert(args.begin(), "recover");
    return RunCliToFile(args, json);
  }

  stdfs::path dir_;
  stdfs::path image_;
};

TEST_F(RecoverImageCli, RecoversEverySpecimenFromTheImageIntoOut) {
  const auto plain = MakeImage();
  if (plain.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  const Bytes image_before = ReadBytes(image_);
  const stdfs::path out = dir_ / "out";
  const stdfs::path json = dir_ / "report.json";
  const int code = Recover({"--image", image_.string(), "--out", out.string(),
                            "--family", "jigsaw", "--json", "--threads", "2"},
                           json);
  ASSERT_EQ(code, kExitOk) << ReadText(json).substr(0, 2000);
  for (const auto& [path, bytes] : plain) {
    const stdfs::path output = out.string() + path;
    ASSERT_TRUE(stdfs::exists(output)) << output;
    EXPECT_TRUE(ReadBytes(output) == bytes) << output;
  }
  const auto report = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(report["summary"]["counts"]["recovered"], plain.size());
  EXPECT_EQ(report["summary"]["counts"]["not_encrypted"], 1);
  // The report names files by their paths inside the image.
  bool found = false;
  for (const auto& f : report["files"]) {
    if (f["path"] == "/docs/file0.txt.fun") found = true;
  }
  EXPECT_TRUE(found) << report["files"].dump().substr(0, 1000);
  // The evidence is as it was.
  EXPECT_TRUE(ReadBytes(image_) == image_before);
}

TEST_F(RecoverImageCli, APathInsideTheImageLimitsTheRun) {
  const auto plain = MakeImage();
  if (plain.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  const stdfs::path out = dir_ / "out";
  const stdfs::path json = dir_ / "report.json";
  ASSERT_EQ(Recover({"--image", image_.string(), "--out", out.string(),
                     "--family", "jigsaw", "--json", "docs/2024"},
                    json),
            kExitOk)
      << ReadText(json).substr(0, 2000);
  std::size_t outputs = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(out)) {
    if (!e.is_regular_file()) continue;
    if (e.path().string().find(".kintsugi-journal") != std::string::npos) {
      continue;
    }
    ++outputs;
    const std::string inside =
        "/docs/" + e.path().lexically_relative(out).string();
    auto it = plain.find(inside);
    ASSERT_NE(it, plain.end()) << e.path();
    EXPECT_TRUE(ReadBytes(e.path()) == it->second) << e.path();
    EXPECT_EQ(inside.rfind("/docs/2024/", 0), 0u) << inside;
  }
  EXPECT_EQ(outputs, 4u);
}

TEST_F(RecoverImageCli, CommandLineRulesAndBadImages) {
  const stdfs::path json = dir_ / "out.json";
  // --image needs --out: nothing is ever written into the image.
  EXPECT_EQ(Recover({"--image", (dir_ / "x.img").string()}, json), kExitUsage);
  // Neither a PATH nor an image.
  EXPECT_EQ(Recover({}, json), kExitUsage);
  // A missing image, and a file that is no image.
  EXPECT_EQ(Recover({"--image", (dir_ / "missing.img").string(), "--out",
                     (dir_ / "o1").string()},
                    json),
            kExitBadInput);
  std::ofstream(dir_ / "notes.img") << "just some text, not a disk\n";
  EXPECT_EQ(Recover({"--image", (dir_ / "notes.img").string(), "--out",
                     (dir_ / "o2").string(), "--json"},
                    json),
            kExitBadInput);
  const auto error = nlohmann::json::parse(ReadText(json));
  EXPECT_EQ(error["error"]["code"], "unsupported");
  EXPECT_THAT(error["error"]["message"].get<std::string>(),
              ::testing::StartsWith("disk_image.unrecognised: "));
  EXPECT_FALSE(stdfs::exists(dir_ / "o2"));
}

}  // namespace
}  // namespace kintsugi
