// End to end (issue 18, Akira 2024 Linux/ESXi): `kintsugi recover --family
// akira` through the real binary on specimens from the generator
// (recovery-schemes-3.md §3.9 "Synthetic specimens": our own timestamps,
// test-sized gaps of about 1.5 us, a local random trailer, one explicit
// file in a mkdtemp folder).
//   - a --seed-range window: the file recovered, its key reported;
//   - the same window split over two processes running at once (--shard
//     1/2 and 2/2): exactly one finds it, with the same key;
//   - the window from the file's nanosecond mtime and a --log line;
//   - Stage A's pairs on an OpenCL device (pocl's CPU device here): the
//     same key as the CPU path.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/akira/testing/specimens.h"
#include "families/akira/window.h"
#include "formats/testing/sample_files.h"
#include "gpu/opencl.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadJson;
namespace stdfs = std::filesystem;

constexpr std::uint64_t kMs = 1741841294372000000;  // A whole millisecond.
constexpr families_testing::AkiraTimes kTimes{kMs - 2'700, kMs - 1'200,
                                              kMs + 300, kMs + 1'800};
// 2,000 timestamps around T3, gaps 1,400-1,600 ns: 402,000 candidates.
const std::string kRange =
    std::to_string(kMs - 1'000) + "-" + std::to_string(kMs + 999);
const char kGap[] = "1400-1600";
const char kName[] = "photo.png.akira";

class AkiraCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("akira");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    png_ = formats::samples::MakeSample(formats::FileKind::kPng, 200'000);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // A victim folder `name` holding the specimen.
  Path Victim(const std::string& name) const {
    const Path victim = dir_ / name;
    EXPECT_TRUE(stdfs::create_directories(victim));
    EXPECT_THAT(families_testing::WriteAkiraSpecimen(RealFileSystem(), victim,
                                                     kName, png_, kTimes),
                IsOk());
    return victim;
  }

  std::vector<std::string> Args(const Path& victim) const {
    return {"recover", victim.string(), "--json", "--family", "akira", "--gap",
            kGap,      "--threads",     "2"};
  }

  nlohmann::json Entry(const Path& json) const {
    const nlohmann::json report = ReadJson(json);
    if (report.contains("files")) {
      for (const nlohmann::json& f : report["files"]) {
        if (Path(f["path"].get<std::string>()).filename() == kName) return f;
      }
    }
    ADD_FAILURE() << report.dump();
    return nlohmann::json::object();
  }

  Path dir_;
  Bytes png_;
};

TEST_F(AkiraCli, ARangeFindsTheKeyAndTwoShardsFindTheSameOne) {
  const Path one = Victim("one");
  std::vector<std::string> args = Args(one);
  args.insert(args.end(), {"--seed-range", kRange});
  const Path json = dir_ / "one.json";
  EXPECT_EQ(testing::RunCliToFile(args, json), 0);
  const nlohmann::json entry = Entry(json);
  EXPECT_EQ(entry["status"], "recovered") << entry.dump();
  auto out = ReadWholeFile(RealFileSystem(), one / "photo.png", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(png_));
  const nlohmann::json report = ReadJson(json);
  ASSERT_EQ(report["summary"]["keys"].size(), 1U) << report.dump();
  const nlohmann::json key = report["summary"]["keys"][0];
  EXPECT_EQ(key["decryptor"], "akira");
  EXPECT_THAT(key.dump(), HasSubstr(std::to_string(kTimes.t3)));

  // Two processes at once, one shard each, each its own journal.
  const Path two = Victim("two");
  int codes[2] = {-1, -1};
  std::vector<std::thread> shards;
  for (int k = 0; k < 2; ++k) {
    shards.emplace_back([&, k] {
      std::vector<std::string> a = Args(two);
      a.insert(a.end(), {"--seed-range", kRange, "--shard",
                         std::to_string(k + 1) + "/2", "--journal",
                         (dir_ / ("journal" + std::to_string(k))).string()});
      codes[k] = testing::RunCliToFile(
          a, dir_ / ("shard" + std::to_string(k) + ".json"));
    });
  }
  for (std::thread& t : shards) t.join();
  int found = 0;
  for (int k = 0; k < 2; ++k) {
    const Path shard_json = dir_ / ("shard" + std::to_string(k) + ".json");
    const nlohmann::json e = Entry(shard_json);
    if (e["status"] == "recovered") {
      ++found;
      EXPECT_EQ(codes[k], 0);
      const nlohmann::json r = ReadJson(shard_json);
      ASSERT_EQ(r["summary"]["keys"].size(), 1U);
      EXPECT_EQ(r["summary"]["keys"][0]["key"], key["key"]);
      EXPECT_EQ(r["summary"]["keys"][0]["iv"], key["iv"]);
    } else {
      EXPECT_EQ(e["status"], "key_not_found") << e.dump();
      EXPECT_EQ(codes[k], 1);
    }
  }
  EXPECT_EQ(found, 1);
}

TEST_F(AkiraCli, TheWindowComesFromTheMtimeAndALog) {
  const Path victim = Victim("vm1");
  // The file's nanosecond mtime is the window's top...
  const std::uint64_t mtime = kTimes.t4 + 200;
  const struct timespec times[2] = {{static_cast<time_t>(mtime / 1'000'000'000),
                                     static_cast<long>(mtime % 1'000'000'000)},
                                    {static_cast<time_t>(mtime / 1'000'000'000),
                                     static_cast<long>(mtime % 1'000'000'000)}};
  ASSERT_EQ(utimensat(AT_FDCWD, (victim / kName).c_str(), times, 0), 0);
  // ... and the log line naming the VM's folder, its bottom.
  const Path log = dir_ / "hostd.log";
  testing::WriteTextFile(
      log, families::akira::UtcNanos(kMs).substr(0, 23) +
               "Z info hostd[2099] [Originator@6876] vm1: power off\n");
  std::vector<std::string> args = Args(victim);
  args.insert(args.end(), {"--log", log.string()});
  const Path json = dir_ / "out.json";
  EXPECT_EQ(testing::RunCliToFile(args, json), 0);
  const nlohmann::json entry = Entry(json);
  EXPECT_EQ(entry["status"], "recovered") << entry.dump();
  // Without the log the window is a second: not run here; a missing log is
  // refused before any search.
  std::vector<std::string> bad = Args(victim);
  bad.insert(bad.end(), {"--log", (dir_ / "none.log").string()});
  EXPECT_NE(testing::RunCliToFile(bad, dir_ / "bad.json"), 0);
}

// Issue 18: with an OpenCL device the Stage A pairs run there (here pocl's
// CPU device, which KINTSUGI_OPENCL_DEVICE=any lets the search take; by
// default only a GPU is): the plan names the device, the planted-answer
// self-test passes on it, and the key found is the CPU path's.
TEST_F(AkiraCli, OnAnOpenClDeviceTheSameKeyIsFound) {
  if (!gpu::OpenClCompiledIn()) GTEST_SKIP() << "this build has no OpenCL";
  const auto devices = gpu::OpenClDevices();
  ASSERT_TRUE(devices.ok());
  ASSERT_FALSE(devices->empty())
      << "no OpenCL driver: scripts/install-deps installs pocl";
  const Path victim = Victim("gpu");
  std::vector<std::string> args = Args(victim);
  args.insert(args.end(), {"--seed-range", kRange});
  const testing::CliRun run = testing::RunKintsugi(
      args, dir_, {{"KINTSUGI_OPENCL_DEVICE", std::string("any")}});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("on the OpenCL device")) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["summary"]["keys"].size(), 1U) << report.dump();
  EXPECT_THAT(report["summary"]["keys"][0].dump(),
              HasSubstr(std::to_string(kTimes.t3)));
  auto out = ReadWholeFile(RealFileSystem(), victim / "photo.png", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(png_));
  // Off: the CPU path, and no device named.
  const Path cpu = Victim("cpu");
  std::vector<std::string> cpu_args = Args(cpu);
  cpu_args.insert(cpu_args.end(), {"--seed-range", kRange});
  const testing::CliRun off = testing::RunKintsugi(
      cpu_args, dir_, {{"KINTSUGI_OPENCL_DEVICE", std::string("off")}});
  EXPECT_EQ(off.code, 0) << off.err;
  EXPECT_THAT(off.err, Not(HasSubstr("OpenCL"))) << off.err;
}

}  // namespace
}  // namespace kintsugi
