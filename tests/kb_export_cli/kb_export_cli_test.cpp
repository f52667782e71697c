// `kintsugi kb export` as a partner runs it (issue 12, docs/cli.md
// "kb export"): a new file or stdout, never a replaced file, the same bytes
// on every run, the time from --created or SOURCE_DATE_EPOCH, --family
// filtering, and a clear error with the status table's exit code for a
// family the KB does not have. Runs the built binary ($KINTSUGI_BINARY).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/testing/cli_testing.h"
#include "kintsugi/status_table.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Outcome = testing::CliRun;
using testing::ReadTextFile;

// Runs `kintsugi ARGS...` with `env` added to its environment (and
// SOURCE_DATE_EPOCH removed unless `env` sets it), stdout and stderr in
// files under `dir`, and `dir` as XDG_DATA_HOME: no release installed by
// `kb update` on this machine stands in for the built-in KB.
Outcome Kintsugi(
    const std::vector<std::string>& args, const stdfs::path& dir,
    const std::vector<std::pair<std::string, std::string>>& env = {}) {
  testing::CliEnv changes = {{"SOURCE_DATE_EPOCH", std::nullopt},
                             {"XDG_DATA_HOME", dir.string()}};
  for (const auto& [name, value] : env) changes.push_back({name, value});
  return testing::RunKintsugi(args, dir, changes);
}

int ExitCodeOf(StatusCode code) { return OutcomeOf(code).exit_code; }

std::vector<std::string> MalwareNames(const Json& bundle) {
  std::vector<std::string> names;
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "malware") names.push_back(object["name"]);
  }
  return names;
}

std::string CreatedOf(const Json& bundle) {
  return bundle["objects"][0]["created"].get<std::string>();
}

class KbExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("kb-export");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // Every file in the test folder but the runner's own.
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& entry : stdfs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name != "stdout.txt" && name != "stderr.txt") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  stdfs::path dir_;
};

TEST_F(KbExportCliTest, WritesANewFileAndNeverReplacesOne) {
  const stdfs::path out = dir_ / "kb.stix.json";
  Outcome run =
      Kintsugi({"kb", "export", "--format", "stix", "--out", out}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("STIX 2.1 bundle"));
  const std::string written = ReadTextFile(out);
  const Json bundle = Json::parse(written);
  EXPECT_EQ(bundle["type"], "bundle");
  EXPECT_GT(MalwareNames(bundle).size(), 1000u);

  run =
      Kintsugi({"kb", "export", "--format", "misp-galaxy", "--out", out}, dir_);
  EXPECT_EQ(run.code, ExitCodeOf(StatusCode::kAlreadyExists));
  EXPECT_THAT(run.err, HasSubstr("exists"));
  EXPECT_EQ(ReadTextFile(out), written);
  // Nothing else was left behind (no partial file).
  EXPECT_THAT(Files(), ElementsAre("kb.stix.json"));
}

TEST_F(KbExportCliTest, TheSameKbGivesTheSameBytesOnStdoutAndInFiles) {
  for (const char* format : {"stix", "misp-galaxy"}) {
    const stdfs::path first = dir_ / (std::string(format) + "-1.json");
    const stdfs::path second = dir_ / (std::string(format) + "-2.json");
    ASSERT_EQ(
        Kintsugi({"kb", "export", "--format", format, "--out", first}, dir_)
            .code,
        0);
    ASSERT_EQ(
        Kintsugi({"kb", "export", "--format", format, "--out", second}, dir_)
            .code,
        0);
    const Outcome piped =
        Kintsugi({"kb", "export", "--format", format, "--out", "-"}, dir_);
    ASSERT_EQ(piped.code, 0) << piped.err;
    const std::string bytes = ReadTextFile(first);
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(ReadTextFile(second), bytes) << format;
    EXPECT_EQ(piped.out, bytes) << format;
    // The summary goes to stderr when stdout holds the export.
    EXPECT_THAT(piped.err, HasSubstr("Exported")) << format;
  }
}

TEST_F(KbExportCliTest, TheTimeComesFromCreatedThenSourceDateEpoch) {
  const std::vector<std::string> args = {"kb",    "export",   "--format",
                                         "stix",  "--family", "stop-djvu",
                                         "--out", "-"};
  Outcome run = Kintsugi(args, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(CreatedOf(Json::parse(run.out)), "2024-01-01T00:00:00.000Z");

  run = Kintsugi(args, dir_, {{"SOURCE_DATE_EPOCH", "86400"}});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(CreatedOf(Json::parse(run.out)), "1970-01-02T00:00:00.000Z");

  std::vector<std::string> created = args;
  created.insert(created.end(), {"--created", "2025-03-01T12:00:00.5+01:00"});
  run = Kintsugi(created, dir_, {{"SOURCE_DATE_EPOCH", "86400"}});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(CreatedOf(Json::parse(run.out)), "2025-03-01T11:00:00.500Z");

  created.back() = "yesterday";
  run = Kintsugi(created, dir_);
  EXPECT_EQ(run.code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("--created 'yesterday'"));
  EXPECT_THAT(run.out, IsEmpty());

  run = Kintsugi(args, dir_, {{"SOURCE_DATE_EPOCH", "-5"}});
  EXPECT_EQ(run.code, ExitCodeOf(StatusCode::kInvalidArgument));
  EXPECT_THAT(run.err, HasSubstr("SOURCE_DATE_EPOCH"));
  EXPECT_THAT(run.out, IsEmpty());
}

TEST_F(KbExportCliTest, FamiliesAreChosenWithFamily) {
  Outcome run = Kintsugi({"kb", "export", "--format", "stix", "--family",
                          "stop-djvu", "--family", "Djvu", "--out", "-"},
                         dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(MalwareNames(Json::parse(run.out)), ElementsAre("STOP/Djvu"));

  run = Kintsugi({"kb", "export", "--format", "misp-galaxy", "--family",
                  "stop-djvu", "--family", "babuk", "--out", "-"},
                 dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  const Json cluster = Json::parse(run.out);
  ASSERT_EQ(cluster["values"].size(), 2u);
  EXPECT_EQ(cluster["values"][0]["meta"]["kintsugi-id"], "babuk");
  EXPECT_EQ(cluster["values"][1]["meta"]["kintsugi-id"], "stop-djvu");
}

TEST_F(KbExportCliTest, AnUnknownFamilyIsAClearErrorAndWritesNothing) {
  const stdfs::path out = dir_ / "never.json";
  const Outcome run =
      Kintsugi({"kb", "export", "--format", "stix", "--family", "stop-djvu",
                "--family", "no-such-family", "--out", out},
               dir_);
  EXPECT_EQ(run.code, ExitCodeOf(StatusCode::kNotFound));
  EXPECT_THAT(run.err, HasSubstr("no family 'no-such-family'"));
  EXPECT_FALSE(stdfs::exists(out));
  EXPECT_THAT(Files(), IsEmpty());
}

TEST_F(KbExportCliTest, ReadsTheKbGivenWithKb) {
  const stdfs::path kb = dir_ / "kb";
  ASSERT_TRUE(stdfs::create_directory(kb));
  std::ofstream(kb / "tiny.yaml") << "id: \"tiny\"\n"
                                     "name: \"Tiny\"\n"
                                     "rules:\n"
                                     "  - id: \"ext-tiny\"\n"
                                     "    kind: extension\n"
                                     "    pattern: \".tiny\"\n"
                                     "    sources:\n"
                                     "      - \"curated:test\"\n";
  const Outcome run = Kintsugi(
      {"--kb", kb.string(), "kb", "export", "--format", "stix", "--out", "-"},
      dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  const Json bundle = Json::parse(run.out);
  EXPECT_THAT(MalwareNames(bundle), ElementsAre("Tiny"));
  std::vector<std::string> patterns;
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "indicator") patterns.push_back(object["pattern"]);
  }
  EXPECT_THAT(patterns, ElementsAre("[file:name LIKE '%.tiny']"));
}

TEST_F(KbExportCliTest, FormatAndOutAreRequired) {
  EXPECT_EQ(Kintsugi({"kb", "export", "--out", "-"}, dir_).code, kExitUsage);
  EXPECT_EQ(Kintsugi({"kb", "export", "--format", "stix"}, dir_).code,
            kExitUsage);
  EXPECT_EQ(
      Kintsugi({"kb", "export", "--format", "yaml", "--out", "-"}, dir_).code,
      kExitUsage);
}

}  // namespace
}  // namespace kintsugi
