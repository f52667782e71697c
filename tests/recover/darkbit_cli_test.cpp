// End to end (issue 18, DarkBit, recovery-schemes-3.md §3.11): `kintsugi
// recover PATH --family darkbit [--seed-range A-B] --json` through the real
// binary. The search finds the seed from the renamed names, every file of
// the run takes its own key from the same stream and gets back the name its
// footer holds; the plan says the window and its cost first; a window
// without the seed says what it covered and writes nothing.
//
// Specimens (recovery-schemes.md §0): synthetic plaintext, a seed we
// choose (a UnixNano time), one explicit file at a time in a mkdtemp
// folder, modified a second after its rename.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/darkbit/search.h"
#include "families/darkbit/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// §3.11's example seed (2023-02-12 14:32:25 UTC), renamed after the
// demo's 10-second countdown.
constexpr std::int64_t kSeed = 1676212345123456789;
constexpr std::uint64_t kRename = 1676212356;

class DarkBitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("darkbit");
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

  // Writes file `index` of the run seeded with `seed`, originally
  // `original`; returns its renamed name.
  std::string Specimen(const std::string& original, const Bytes& plain,
                       std::int64_t seed, std::size_t index,
                       std::uint64_t rename) {
    const families_testing::DarkBitParams params{
        seed, index, rename, families::DarkBitReading::kKib};
    auto name = families_testing::WriteDarkBitSpecimen(
        RealFileSystem(), victim_, original, plain, params);
    EXPECT_TRUE(name.ok());
    if (!name.ok()) return "";
    const auto when =
        std::chrono::file_clock::from_sys(std::chrono::sys_seconds(
            std::chrono::seconds(static_cast<std::int64_t>(rename) + 1)));
    stdfs::last_write_time(victim_ / *name, when);
    return *name;
  }

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

TEST_F(DarkBitCli, ASeedRangeFindsTheRunAndEveryFileGetsItsNameBack) {
  const Bytes pdf = formats::samples::MakePdf(5000);
  const Bytes jpg = formats::samples::MakeJpeg(30'000);
  const std::string a = Specimen("Budget 2023.pdf", pdf, kSeed, 0, kRename);
  const std::string b = Specimen("holiday.jpg", jpg, kSeed, 2, kRename);
  const auto s = static_cast<std::uint64_t>(kSeed);
  const testing::CliRun run = testing::RunKintsugi(
      {"recover", victim_.string(), "--family", "darkbit", "--seed-range",
       std::to_string(s - 3000) + "-" + std::to_string(s + 1000), "--json",
       "--threads", "2"},
      dir_);
  EXPECT_EQ(run.code, 0) << run.err;
  // The window and its cost, before the search.
  EXPECT_THAT(run.err, HasSubstr("searching 4001 seeds: UnixNano times " +
                                 std::to_string(s - 3000)));
  const nlohmann::json report = nlohmann::json::parse(run.out);
  for (const auto& [renamed, original, plain] :
       {std::tuple{a, "Budget 2023.pdf", &pdf},
        std::tuple{b, "holiday.jpg", &jpg}}) {
    const nlohmann::json entry = Entry(report, renamed);
    EXPECT_EQ(entry["status"], "recovered") << entry.dump();
    EXPECT_EQ(entry["decryptor"], "darkbit");
    EXPECT_THAT(entry["message"].dump(), HasSubstr("recover.darkbit_file_key"));
    EXPECT_THAT(entry["detail"].get<std::string>(),
                HasSubstr("Go seed 1706785683"));
    auto out = ReadWholeFile(RealFileSystem(), victim_ / original, 1 << 20);
    ASSERT_TRUE(out.ok()) << original;
    EXPECT_THAT(*out, ElementsAreArray(*plain));
  }
  ASSERT_EQ(report["summary"]["keys"].size(), 1U) << report.dump();
  EXPECT_EQ(report["summary"]["keys"][0]["decryptor"], "darkbit");
  // The encrypted files are as they were.
  EXPECT_TRUE(stdfs::exists(victim_ / a));
  EXPECT_TRUE(stdfs::exists(victim_ / b));
}

TEST_F(DarkBitCli, WithoutARangeTheNameAndTimeStartTheSearch) {
  // The seed is 2.5 us after the estimate (10 s before the name's second,
  // mid-second): the whole seed space is the window, and its first chunk
  // holds the seed.
  const std::uint64_t rename = 1700000000;
  const auto seed =
      static_cast<std::int64_t>(families::DarkBitEstimate(rename) + 2500);
  const Bytes doc = formats::samples::MakeOle2(3000);
  const std::string name = Specimen("minutes.doc", doc, seed, 0, rename);
  const testing::CliRun run =
      testing::RunKintsugi({"recover", victim_.string(), "--family", "darkbit",
                            "--json", "--threads", "2"},
                           dir_);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("searching 2147483647 seeds"));
  EXPECT_THAT(run.err, HasSubstr("(2023-11-14 22:13:10 UTC)"));
  const nlohmann::json entry = Entry(nlohmann::json::parse(run.out), name);
  EXPECT_EQ(entry["status"], "recovered") << entry.dump();
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "minutes.doc", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(doc));
}

TEST_F(DarkBitCli, TwoShardsSplitTheWindowAndOneFindsTheSeed) {
  // 40,001 seeds in chunks of 4,096, outward from B (the names' estimate
  // lies outside): shard K/N takes the chunks numbered K - 1 modulo N, so
  // the seed, 20,000 below B, is in one part only.
  const Bytes pdf = formats::samples::MakePdf(3000);
  const std::string name = Specimen("a.pdf", pdf, kSeed, 0, kRename);
  const auto s = static_cast<std::uint64_t>(kSeed);
  const std::string range =
      std::to_string(s - 20'000) + "-" + std::to_string(s + 20'000);
  int found = 0;
  int not_found = 0;
  for (const char* shard : {"1/2", "2/2"}) {
    const testing::CliRun run = testing::RunKintsugi(
        {"recover", victim_.string(), "--family", "darkbit", "--seed-range",
         range, "--shard", shard, "--json", "--threads", "2"},
        dir_);
    const nlohmann::json entry = Entry(nlohmann::json::parse(run.out), name);
    if (run.code == 0) {
      ++found;
      EXPECT_EQ(entry["status"], "recovered") << entry.dump();
      EXPECT_THAT(entry["detail"].get<std::string>(),
                  HasSubstr("Go seed 1706785683"));
    } else {
      ++not_found;
      EXPECT_EQ(run.code, 1) << run.err;
      EXPECT_EQ(entry["status"], "key_not_found") << entry.dump();
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(not_found, 1);
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "a.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(pdf));
}

TEST_F(DarkBitCli, AWindowWithoutTheSeedSaysSoAndWritesNothing) {
  const std::string name = Specimen(
      "report.pdf", formats::samples::MakePdf(3000), kSeed, 0, kRename);
  const auto s = static_cast<std::uint64_t>(kSeed);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", victim_.string(), "--json", "--family", "darkbit",
                 "--seed-range",
                 std::to_string(s + 10'000) + "-" + std::to_string(s + 12'000),
                 "--threads", "2"},
                json),
            1);
  const nlohmann::json entry = Entry(testing::ReadJson(json), name);
  EXPECT_EQ(entry["status"], "key_not_found") << entry.dump();
  EXPECT_THAT(
      entry["detail"].get<std::string>(),
      HasSubstr("no seed of UnixNano times " + std::to_string(s + 10'000) +
                " to " + std::to_string(s + 12'000)));
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
}

}  // namespace
}  // namespace kintsugi
