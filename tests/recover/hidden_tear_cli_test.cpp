// End to end (issue 10, Hidden Tear): `kintsugi recover --family
// hidden-tear --seed-range ... --shard K/N` through the real binary. Two
// shard processes split one search; one of them is killed (SIGKILL) in the
// middle and run again: it resumes from its checkpoint and finds the seed.
//
// Specimens (recovery-schemes.md §0, §3.3): synthetic plaintext, a seed we
// choose, one explicit file in a mkdtemp folder.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/hidden_tear/hidden_tear.h"
#include "families/hidden_tear/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::ReadJson;

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;

// 30 chunks of 4096 seeds from 0; the seed is in chunk 29, shard 2/2's
// last (shard K/N takes the chunks whose number is K - 1 modulo N).
constexpr std::int32_t kSeed = 29 * 4096 + 100;
const char kRange[] = "0-122879";

class HiddenTearCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("hidden-tear");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    plain_ = formats::samples::MakePdf(5000);
    const families::HiddenTearVariant& variant =
        families::HiddenTearVariants().front();
    ASSERT_EQ(variant.name, "hiddentear");
    ASSERT_THAT(families_testing::WriteHiddenTearSpecimen(
                    RealFileSystem(), victim_, "report.pdf.locked", plain_,
                    kSeed, variant),
                IsOk());
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  std::vector<std::string> Args(const std::string& shard) const {
    return {"recover",
            victim_.string(),
            "--json",
            "--family",
            "hidden-tear",
            "--variant",
            "hiddentear",
            "--seed-range",
            kRange,
            "--shard",
            shard,
            "--threads",
            "2"};
  }

  // The report entry of the encrypted file.
  nlohmann::json Entry(const Path& json) const {
    const nlohmann::json report = ReadJson(json);
    if (report.contains("files")) {
      for (const nlohmann::json& f : report["files"]) {
        if (Path(f["path"].get<std::string>()).filename() ==
            "report.pdf.locked") {
          return f;
        }
      }
    }
    ADD_FAILURE() << report.dump();
    return nlohmann::json::object();
  }

  // The shard's checkpoint, wherever the run keeps its journal.
  std::optional<Path> Checkpoint(const std::string& name) const {
    std::error_code ec;
    for (auto it = stdfs::recursive_directory_iterator(dir_ / "state", ec);
         !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename() == name) return it->path();
    }
    return std::nullopt;
  }

  Path dir_;
  Path victim_;
  Bytes plain_;
};

TEST_F(HiddenTearCli, TwoShardsFindTheSeedAndAKilledShardResumes) {
  // Shard 1/2 searches its half and finds nothing, saying what it covered.
  const Path first = dir_ / "first.json";
  EXPECT_EQ(testing::RunCliToFile(Args("1/2"), first), 1);
  const nlohmann::json missed = Entry(first);
  EXPECT_EQ(missed["status"], "key_not_found") << missed.dump();
  EXPECT_THAT(missed.dump(), ::testing::HasSubstr("recover.seed_not_found"));
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));

  // Shard 2/2 is killed outright once its checkpoint is on disk.
  const std::string checkpoint_name =
      "seed-search-hidden-tear-hiddentear-2-of-2.json";
  std::vector<std::string> args = Args("2/2");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::vector<char*> argv;
    const std::string binary = testing::KintsugiBinary();
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  std::optional<Path> checkpoint;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!checkpoint && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    checkpoint = Checkpoint(checkpoint_name);
  }
  kill(pid, SIGKILL);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(checkpoint.has_value()) << "no checkpoint appeared";
  // Killed before it found the seed (in its last chunk): nothing written.
  EXPECT_TRUE(WIFSIGNALED(wstatus));
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  const nlohmann::json saved = ReadJson(*checkpoint);
  ASSERT_TRUE(saved.is_object()) << "a torn checkpoint";

  // Run again: it resumes, finds the seed, recovers, and drops the
  // checkpoint.
  const Path second = dir_ / "second.json";
  EXPECT_EQ(testing::RunCliToFile(Args("2/2"), second), 0);
  const nlohmann::json found = Entry(second);
  EXPECT_EQ(found["status"], "recovered") << found.dump();
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(plain_));
  const nlohmann::json report = ReadJson(second);
  ASSERT_TRUE(report["summary"]["keys"].is_array());
  ASSERT_EQ(report["summary"]["keys"].size(), 1U) << report.dump();
  EXPECT_THAT(report["summary"]["keys"][0].dump(),
              ::testing::HasSubstr(std::to_string(kSeed)));
  EXPECT_FALSE(Checkpoint(checkpoint_name).has_value());
}

}  // namespace
}  // namespace kintsugi
