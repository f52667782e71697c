// End to end (issue 18, recovery-schemes-3.md §3.10): `kintsugi recover
// PATH --family rhysida --seed-range A-B --json` through the real binary
// recovers files that several workers of one Rhysida run encrypted in an
// interleaved order; a reading other than the defaults' first is found by
// trying the candidates in turn; a file the order cannot place is said as
// not recovered, never written; the --rhysida-* options are refused for
// other families.
//
// Specimens (recovery-schemes.md §0): synthetic plaintext, a seed, PROCS
// and a (worker, index) per file we choose, one explicit file at a time in
// a mkdtemp folder, their modification times set as the attack left them.
// MODEL, UNVERIFIED: the specimens follow Kintsugi's reconstruction of
// Rhysida (families/rhysida/model.h), which no real sample has confirmed.

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
#include "families/rhysida/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using families_testing::RhysidaRun;
using testing::FileEntry;
using ::testing::HasSubstr;
using testing::ReadJson;

namespace stdfs = std::filesystem;

struct Planted {
  std::string name;  // The original's name; the file is NAME.rhysida.
  Bytes plain;
  unsigned worker;
  std::uint64_t index;
  std::int64_t after_ns;  // Modification time after the seed.
};

class RhysidaCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("rhysida");
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

  void Plant(const RhysidaRun& run, const Planted& file,
             std::uint32_t clock = 0) const {
    if (clock == 0) clock = run.seed;
    const std::string name = file.name + ".rhysida";
    ASSERT_THAT(families_testing::WriteRhysidaSpecimen(
                    RealFileSystem(), victim_, name, file.plain, run,
                    file.worker, file.index),
                IsOk());
    const std::int64_t ns =
        static_cast<std::int64_t>(clock) * 1'000'000'000 + file.after_ns;
    const struct timespec times[2] = {{ns / 1'000'000'000, ns % 1'000'000'000},
                                      {ns / 1'000'000'000, ns % 1'000'000'000}};
    ASSERT_EQ(utimensat(AT_FDCWD, (victim_ / name).c_str(), times, 0), 0);
  }

  // `kintsugi recover victim --family rhysida --seed-range ... --json` and
  // more `options`: the exit code, and the report in `report_`.
  int Recover(std::uint32_t seed, std::vector<std::string> options = {}) {
    std::vector<std::string> args = {
        "recover",
        victim_.string(),
        "--json",
        "--family",
        "rhysida",
        "--seed-range",
        std::to_string(seed - 30) + "-" + std::to_string(seed + 30),
        "--threads",
        "2"};
    args.insert(args.end(), options.begin(), options.end());
    const Path json = dir_ / ("out" + std::to_string(++runs_) + ".json");
    const int code = testing::RunCliToFile(args, json);
    report_ = ReadJson(json);
    return code;
  }

  // Each planted file recovered to its plaintext, its detail naming the
  // seed, its worker and its index.
  void ExpectRecovered(const std::vector<Planted>& planted,
                       std::uint32_t seed) const {
    for (const Planted& file : planted) {
      const nlohmann::json* entry = FileEntry(report_, file.name + ".rhysida");
      ASSERT_NE(entry, nullptr) << report_.dump();
      EXPECT_EQ((*entry)["status"], "recovered") << entry->dump();
      const std::string detail = entry->dump();
      EXPECT_THAT(detail, HasSubstr("recover.rhysida_key"));
      EXPECT_THAT(detail, HasSubstr(std::to_string(seed)));
      EXPECT_THAT(detail,
                  HasSubstr("worker " + std::to_string(file.worker) +
                            ", its file " + std::to_string(file.index)));
      auto out = ReadWholeFile(RealFileSystem(), victim_ / file.name, 1 << 20);
      ASSERT_TRUE(out.ok()) << file.name << ": " << out.status().message();
      EXPECT_EQ(*out, file.plain) << file.name;
    }
  }

  Path dir_;
  Path victim_;
  nlohmann::json report_;
  int runs_ = 0;
};

TEST_F(RhysidaCli, FilesOfFourWorkersInterleavedAreRecovered) {
  RhysidaRun run;
  run.seed = 1705000000;  // 2024-01-11.
  run.procs = 4;
  namespace samples = formats::samples;
  const std::vector<Planted> planted = {
      {"minutes.pdf", samples::MakePdf(3000), 3, 0, 400'000'000},
      {"logo.png", samples::MakePng(40, 30), 1, 0, 450'000'000},
      {"staff.jpg", samples::MakeJpeg(4000), 4, 0, 700'000'000},
      {"budget.docx", samples::MakeDocx(3000), 3, 1, 900'000'000},
      {"plan.pdf", samples::MakePdf(5000), 2, 0, 1'100'000'000},
      {"notes.txt", samples::MakeText(2000), 1, 1, 1'300'000'000},
      {"map.png", samples::MakePng(20, 20), 3, 2, 1'800'000'000},
  };
  for (const Planted& file : planted) Plant(run, file);
  EXPECT_EQ(Recover(run.seed), 0) << report_.dump();
  ExpectRecovered(planted, run.seed);
  const std::string all = report_.dump();
  EXPECT_THAT(all, HasSubstr("recover.rhysida_seed_found"));
  EXPECT_THAT(all, HasSubstr("feed byte, draw 32+16, counter be, chunks "
                             "whole, trailer 512"));
}

TEST_F(RhysidaCli, TheLittleEndianCounterIsFoundByTryingTheCandidates) {
  RhysidaRun run;
  run.seed = 1710000000;
  run.procs = 2;
  run.reading.feed = families::rhysida::Feed::kBe16;
  run.reading.counter = families::rhysida::Counter::kLittleEndian;
  namespace samples = formats::samples;
  const std::vector<Planted> planted = {
      {"scan.pdf", samples::MakePdf(4000), 2, 0, 200'000'000},
      {"photo.png", samples::MakePng(30, 30), 1, 0, 300'000'000},
      {"more.pdf", samples::MakePdf(2500), 2, 1, 900'000'000},
  };
  for (const Planted& file : planted) Plant(run, file);
  // No reading given but PROCS: every feed and both counters are tried.
  EXPECT_EQ(Recover(run.seed, {"--rhysida-procs", "2"}), 0) << report_.dump();
  ExpectRecovered(planted, run.seed);
  EXPECT_THAT(report_.dump(),
              HasSubstr("feed be16, draw 32+16, counter le, chunks whole, "
                        "trailer 512"));
}

TEST_F(RhysidaCli, AFileTheOrderCannotPlaceIsNotRecovered) {
  RhysidaRun run;
  run.seed = 1705000000;
  run.procs = 2;
  RhysidaRun other = run;
  other.seed = 1704000000;  // Another machine's run, copied in.
  namespace samples = formats::samples;
  const std::vector<Planted> planted = {
      {"a.pdf", samples::MakePdf(3000), 1, 0, 100'000'000},
      {"b.png", samples::MakePng(30, 30), 2, 0, 200'000'000},
  };
  for (const Planted& file : planted) Plant(run, file);
  Plant(other, {"c.png", samples::MakePng(30, 30), 1, 0, 500'000'000},
        run.seed);
  EXPECT_EQ(Recover(run.seed, {"--rhysida-procs", "2"}), 1) << report_.dump();
  ExpectRecovered(planted, run.seed);
  const nlohmann::json* stranger = FileEntry(report_, "c.png.rhysida");
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ((*stranger)["status"], "key_not_found") << stranger->dump();
  EXPECT_THAT(stranger->dump(), HasSubstr("recover.rhysida_unresolved"));
  EXPECT_FALSE(stdfs::exists(victim_ / "c.png"));
}

TEST_F(RhysidaCli, ItsOptionsNeedItsFamilyAndValidValues) {
  RhysidaRun run;
  run.seed = 1705000000;
  Plant(run, {"a.pdf", formats::samples::MakePdf(3000), 1, 0, 100'000'000});
  const Path out = dir_ / "usage.txt";
  EXPECT_EQ(testing::RunCliToFile({"recover", victim_.string(), "--family",
                                   "dma-locker", "--rhysida-procs", "4"},
                                  out),
            2);
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", victim_.string(), "--rhysida-ctr", "le"}, out),
            2);
  EXPECT_EQ(Recover(run.seed, {"--rhysida-ctr", "middle"}), 3);
}

}  // namespace
}  // namespace kintsugi
