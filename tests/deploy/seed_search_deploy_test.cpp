// The cluster files of docs/deploy.md, run on this machine as they are
// written (issue 10): deploy/seed-search/slurm.sbatch as every task of its
// array would run it, and the command of deploy/seed-search/
// k8s-indexed-job.yaml as every pod of the Indexed Job would, with the
// Job's own completion count and environment (only the folders and the
// search window point at the test's). The shards together find the seed,
// and the one that finds it recovers the file into its own output folder.
//
// Specimen (recovery-schemes.md §0, §3.3): synthetic plaintext, a seed we
// choose, one explicit file in a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/hidden_tear/hidden_tear.h"
#include "families/hidden_tear/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

extern char** environ;

namespace kintsugi {
namespace {

using testing::ReadJson;

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;

// Four chunks of 4096 seeds from 0; the seed is in chunk 3.
constexpr std::int32_t kSeed = 3 * 4096 + 7;
const char kSearch[] =
    "--family hidden-tear --variant hiddentear --seed-range 0-16383";

// Runs argv with the environment plus `env`; returns the exit status.
int RunProcess(const std::vector<std::string>& argv,
               const std::map<std::string, std::string>& env) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    for (const auto& [name, value] : env) {
      setenv(name.c_str(), value.c_str(), 1);
    }
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execve(args[0], args.data(), environ);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::optional<Path> Find(const Path& dir, const std::string& name) {
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == name) return it->path();
  }
  return std::nullopt;
}

class SeedSearchDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
    ASSERT_NE(root, nullptr);
    deploy_ = Path(root) / "deploy" / "seed-search";
    dir_ = testing::MakeTestDir("deploy");
    ASSERT_FALSE(dir_.empty());
    evidence_ = dir_ / "encrypted";
    ASSERT_TRUE(stdfs::create_directories(evidence_));
    plain_ = formats::samples::MakePdf(3000);
    ASSERT_THAT(families_testing::WriteHiddenTearSpecimen(
                    RealFileSystem(), evidence_, "report.pdf.locked", plain_,
                    kSeed, families::HiddenTearVariants().front()),
                IsOk());
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // Every shard's report exists; exactly one found the key, and its output
  // folder holds the original.
  void ExpectOneShardRecovered(const Path& results, int shards) {
    int found = 0;
    for (int k = 1; k <= shards; ++k) {
      SCOPED_TRACE("shard " + std::to_string(k));
      const nlohmann::json report =
          ReadJson(results / ("shard-" + std::to_string(k) + ".json"));
      ASSERT_TRUE(report.contains("summary")) << report.dump();
      if (report["summary"]["keys"].empty()) continue;
      ++found;
      EXPECT_THAT(report["summary"]["keys"].dump(),
                  ::testing::HasSubstr(std::to_string(kSeed)));
      const auto out =
          Find(results / ("shard-" + std::to_string(k)), "report.pdf");
      ASSERT_TRUE(out.has_value());
      auto bytes = ReadWholeFile(RealFileSystem(), *out, 1 << 20);
      ASSERT_TRUE(bytes.ok());
      EXPECT_THAT(*bytes, ElementsAreArray(plain_));
    }
    EXPECT_EQ(found, 1);
    // The evidence is only read.
    EXPECT_FALSE(stdfs::exists(evidence_ / "report.pdf"));
  }

  Path deploy_;
  Path dir_;
  Path evidence_;
  Bytes plain_;
};

TEST_F(SeedSearchDeploy, TheSlurmArrayScriptAsEveryTaskRunsIt) {
  const Path results = dir_ / "slurm";
  constexpr int kTasks = 2;
  for (int k = 1; k <= kTasks; ++k) {
    SCOPED_TRACE("task " + std::to_string(k));
    EXPECT_EQ(RunProcess({"/bin/bash", (deploy_ / "slurm.sbatch").string()},
                         {{"SLURM_ARRAY_TASK_ID", std::to_string(k)},
                          {"SLURM_ARRAY_TASK_COUNT", std::to_string(kTasks)},
                          {"SLURM_CPUS_PER_TASK", "2"},
                          {"KINTSUGI", testing::KintsugiBinary()},
                          {"EVIDENCE", evidence_.string()},
                          {"RESULTS", results.string()},
                          {"SEARCH_ARGS", kSearch},
                          {"XDG_STATE_HOME", (dir_ / "state").string()}}),
              0);
  }
  ExpectOneShardRecovered(results, kTasks);
}

TEST_F(SeedSearchDeploy, TheKubernetesIndexedJobAsEveryPodRunsIt) {
  const YAML::Node job =
      YAML::LoadFile((deploy_ / "k8s-indexed-job.yaml").string());
  ASSERT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int completions = job["spec"]["completions"].as<int>();
  const YAML::Node container = job["spec"]["template"]["spec"]["containers"][0];
  std::map<std::string, std::string> env;
  for (const YAML::Node& e : container["env"]) {
    env[e["name"].as<std::string>()] = e["value"].as<std::string>();
  }
  ASSERT_EQ(env["SHARDS"], std::to_string(completions))
      << "SHARDS must equal completions";
  std::vector<std::string> command;
  for (const YAML::Node& c : container["command"]) {
    command.push_back(c.as<std::string>());
  }
  for (const YAML::Node& a : container["args"]) {
    command.push_back(a.as<std::string>());
  }
  ASSERT_FALSE(command.empty());
  // The pod's volumes are the test's folders; its image's PATH has the
  // binary; the search window is the test's.
  const Path results = dir_ / "k8s";
  env["EVIDENCE"] = evidence_.string();
  env["RESULTS"] = results.string();
  env["SEARCH_ARGS"] = kSearch;
  env["XDG_STATE_HOME"] = (dir_ / "state").string();
  const char* path = std::getenv("PATH");
  env["PATH"] = Path(testing::KintsugiBinary()).parent_path().string() + ":" +
                (path != nullptr ? path : "/usr/bin:/bin");
  for (int index = 0; index < completions; ++index) {
    SCOPED_TRACE("pod " + std::to_string(index));
    env["JOB_COMPLETION_INDEX"] = std::to_string(index);
    EXPECT_EQ(RunProcess(command, env), 0);
  }
  ExpectOneShardRecovered(results, completions);
}

}  // namespace
}  // namespace kintsugi
