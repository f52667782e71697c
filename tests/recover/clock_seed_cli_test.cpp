// End to end (issue 10, families seeded with srand(time)): `kintsugi
// recover --json` through the real binary recovers DMA Locker files
// (recovery-schemes.md §3.5) and Princess Locker files (§3.6: from the note
// among the inputs, without --family; from --victim-id), and each recovered
// file's detail in the JSON report names the seed and the file's key.
//
// Specimens (recovery-schemes.md §0): synthetic plaintext, a seed we
// choose, one explicit file at a time in a mkdtemp folder, its modification
// time set to a few seconds after the seed, as the attack left it.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/dma_locker/testing/specimens.h"
#include "families/princess_locker/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::FileEntry;
using ::testing::HasSubstr;
using testing::ReadJson;

namespace stdfs = std::filesystem;

class ClockSeedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("clock-seed");
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

  // Sets the modification time of the victim's file `name`.
  void SetMtime(const std::string& name, std::int64_t seconds) const {
    const struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, (victim_ / name).c_str(), times, 0), 0);
  }

  Path dir_;
  Path victim_;
};

TEST_F(ClockSeedCli, DmaLockerFilesAreRecoveredWithTheirSeedAndKey) {
  const std::uint32_t seed = 1455000000;  // 2016-02-09.
  const Bytes pdf = formats::samples::MakePdf(3000);
  const Bytes jpg = formats::samples::MakeJpeg(4000);
  ASSERT_THAT(families_testing::WriteDmaLockerSpecimen(
                  RealFileSystem(), victim_, "report.pdf", pdf, seed,
                  families::DmaKeyGenerator::kV2, 0),
              IsOk());
  ASSERT_THAT(families_testing::WriteDmaLockerSpecimen(
                  RealFileSystem(), victim_, "cat.jpg", jpg, seed,
                  families::DmaKeyGenerator::kV2, 1),
              IsOk());
  SetMtime("report.pdf", seed + 3);
  SetMtime("cat.jpg", seed + 4);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", victim_.string(), "--json", "--family",
                 "dma-locker", "--seed-range",
                 std::to_string(seed - 600) + "-" + std::to_string(seed + 60),
                 "--threads", "2"},
                json),
            0);
  const nlohmann::json report = ReadJson(json);
  for (const auto& [name, index] :
       {std::pair{"report.pdf", 0U}, std::pair{"cat.jpg", 1U}}) {
    const nlohmann::json* entry = FileEntry(report, name);
    ASSERT_NE(entry, nullptr) << report.dump();
    EXPECT_EQ((*entry)["status"], "recovered") << entry->dump();
    const std::string detail = entry->dump();
    EXPECT_THAT(detail, HasSubstr("recover.dma_locker_key"));
    EXPECT_THAT(detail, HasSubstr(std::to_string(seed)));
    const auto key = families_testing::DmaLockerStreamKey(
        seed, families::DmaKeyGenerator::kV2, index);
    EXPECT_THAT(detail, HasSubstr(ToHex(ByteView(key.data(), key.size()))));
  }
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report (recovered).pdf",
                           1 << 20);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, pdf);
}

TEST_F(ClockSeedCli, PrincessLockerFilesAreRecoveredFromTheNotesId) {
  const std::uint32_t key_seed = 1479427200;  // 2016-11-18.
  const families_testing::PrincessKeyChoice choice{
      key_seed, 25, families::PrincessHashing::kHalf, true};
  const Bytes pdf = formats::samples::MakePdf(3000);
  ASSERT_THAT(families_testing::WritePrincessSpecimen(
                  RealFileSystem(), victim_, "report.pdf.jqvk", pdf, choice),
              IsOk());
  SetMtime("report.pdf.jqvk", key_seed + 20);
  ASSERT_OK_AND_ASSIGN(const std::string id,
                       families_testing::WritePrincessNote(
                           RealFileSystem(), victim_, "jqvk", key_seed + 9));
  // No --family, no window: the note names the ID, whose seed the search
  // finds near the file's time.
  const Path json = dir_ / "out.json";
  EXPECT_EQ(
      testing::RunCliToFile(
          {"recover", victim_.string(), "--json", "--threads", "2"}, json),
      0);
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json* entry = FileEntry(report, "report.pdf.jqvk");
  ASSERT_NE(entry, nullptr) << report.dump();
  EXPECT_EQ((*entry)["status"], "recovered") << entry->dump();
  EXPECT_EQ((*entry)["decryptor"], "princess-locker") << entry->dump();
  const std::string detail = entry->dump();
  EXPECT_THAT(detail, HasSubstr("recover.princess_locker_key"));
  EXPECT_THAT(detail, HasSubstr(std::to_string(key_seed)));
  const auto key =
      families::PrincessAesKey(families::PrincessKeyString(key_seed), 25,
                               families::PrincessHashing::kHalf);
  EXPECT_THAT(detail, HasSubstr(ToHex(ByteView(key.data(), key.size()))));
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, pdf);

  // --victim-id instead of the note, in another folder.
  const Path other = dir_ / "other";
  ASSERT_TRUE(stdfs::create_directories(other));
  ASSERT_THAT(families_testing::WritePrincessSpecimen(
                  RealFileSystem(), other, "report.pdf.jqvk", pdf, choice),
              IsOk());
  const struct timespec times[2] = {{key_seed + 20, 0}, {key_seed + 20, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (other / "report.pdf.jqvk").c_str(), times, 0),
            0);
  const Path json2 = dir_ / "out2.json";
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", other.string(), "--json", "--family",
                 "princess-locker", "--victim-id", id, "--threads", "2"},
                json2),
            0);
  const nlohmann::json report2 = ReadJson(json2);
  const nlohmann::json* again = FileEntry(report2, "report.pdf.jqvk");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ((*again)["status"], "recovered") << again->dump();
}

}  // namespace
}  // namespace kintsugi
