// End to end (issue 18, Petya Red): `kintsugi recover --family petya-red
// --image FILE [--key-pattern P] [--json]` through the real binary, on a
// raw image holding only the two harmless sectors of §3.12's "Synthetic
// specimens" (zeros elsewhere: no MBR, nothing bootable).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "families/petya_red/salsa16.h"
#include "families/petya_red/testing/specimens.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;

const petya_red::KeyCharacters kKey{'A', 'b', '3', 'd', 'E', 'f', '5', 'h'};
const petya_red::Nonce kNonce{0xd4, 0x0e, 0x32, 0x63, 0xc8, 0x8e, 0x82, 0x20};
// What the victim types: the 8 characters, an 'x' after each.
const char kTyped[] = "Axbx3xdxExfx5xhx";

class PetyaRedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("petya-red");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    ASSERT_THAT(families_testing::WritePetyaRedImage(
                    RealFileSystem(), dir_, "disk.img", kKey, kNonce, 64),
                IsOk());
    image_ = (dir_ / "disk.img").string();
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  stdfs::path dir_;
  std::string image_;
};

TEST_F(PetyaRedCli, PatternFindsTheKeyAsJson) {
  const testing::CliRun run = testing::RunKintsugi(
      {"recover", "--family", "petya-red", "--image", image_, "--key-pattern",
       "A?3dE??h", "--json", "--threads", "2"},
      dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["summary"]["keys"].size(), 1u) << run.out;
  EXPECT_EQ(report["summary"]["keys"][0]["decryptor"], "petya-red");
  EXPECT_EQ(report["summary"]["keys"][0]["key"], kTyped);
  EXPECT_THAT(report["summary"]["keys"][0]["detail"].get<std::string>(),
              HasSubstr("boot screen"));
  // The image is read, never written.
  EXPECT_EQ(stdfs::file_size(image_), 64u * 512);
}

TEST_F(PetyaRedCli, SixteenCharacterPatternAndAHumanLine) {
  const testing::CliRun run =
      testing::RunKintsugi({"recover", "--family", "petya-red", "--image",
                            image_, "--key-pattern", "?xbx3xdxExfx5x?x"},
                           dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr(std::string("Petya Red key: ") + kTyped));
}

TEST_F(PetyaRedCli, GeneticSearchWithoutAPattern) {
  const testing::CliRun run = testing::RunKintsugi(
      {"recover", "--family", "petya-red", "--image", image_, "--json"}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["summary"]["keys"].size(), 1u) << run.out;
  EXPECT_EQ(report["summary"]["keys"][0]["key"], kTyped);
}

TEST_F(PetyaRedCli, WrongPatternSaysNotFound) {
  const testing::CliRun run =
      testing::RunKintsugi({"recover", "--family", "petya-red", "--image",
                            image_, "--key-pattern", "B??dEf5h"},
                           dir_);
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr("no key fits the key pattern"));
  EXPECT_THAT(run.out, HasSubstr("2916"));  // 54^2 keys tried.
}

TEST_F(PetyaRedCli, BadInputsAreClearErrors) {
  // Too short for sectors 54 and 55.
  testing::WriteTextFile(dir_ / "short.img", std::string(1000, 'z'));
  testing::CliRun run =
      testing::RunKintsugi({"recover", "--family", "petya-red", "--image",
                            (dir_ / "short.img").string()},
                           dir_);
  EXPECT_EQ(run.code, 3) << run.out;  // invalid_argument
  EXPECT_THAT(run.err, HasSubstr("56 sectors"));
  // A disk that Petya never touched: no verification sector.
  testing::WriteTextFile(dir_ / "zeros.img", std::string(56 * 512, '\0'));
  run = testing::RunKintsugi({"recover", "--family", "petya-red", "--image",
                              (dir_ / "zeros.img").string()},
                             dir_);
  EXPECT_NE(run.code, 0);
  EXPECT_THAT(run.err, HasSubstr("not a Petya Red verification sector"));
  // A character outside Petya's alphabet.
  run = testing::RunKintsugi({"recover", "--family", "petya-red", "--image",
                              image_, "--key-pattern", "0b3dEf5h"},
                             dir_);
  EXPECT_EQ(run.code, 3);
  EXPECT_THAT(run.err, HasSubstr("key character"));
  // --image is needed; --key-pattern belongs to petya-red.
  run = testing::RunKintsugi({"recover", "--family", "petya-red"}, dir_);
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("--image"));
  run = testing::RunKintsugi(
      {"recover", (dir_ / "disk.img").string(), "--key-pattern", "A???????"},
      dir_);
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("--key-pattern is for --family petya-red"));
  // The file decryptors' options are refused, not silently ignored.
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--out", (dir_ / "out").string()},
        std::vector<std::string>{"--key", "00112233"},
        std::vector<std::string>{"--dry-run"}}) {
    std::vector<std::string> args = {"recover", "--family", "petya-red",
                                     "--image", image_};
    args.insert(args.end(), extra.begin(), extra.end());
    run = testing::RunKintsugi(args, dir_);
    EXPECT_EQ(run.code, 2) << extra[0];
    EXPECT_THAT(run.err, HasSubstr(extra[0] + " is for the file decryptors"));
  }
  EXPECT_FALSE(stdfs::exists(dir_ / "out"));
}

}  // namespace
}  // namespace kintsugi
