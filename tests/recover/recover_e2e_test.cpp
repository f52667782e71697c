// End to end (issue 4, "Reliability"): the real `kintsugi recover` process
// over 1,000 Jigsaw specimens, killed with SIGKILL at random moments 20
// times and rerun each time, ends with every file recovered and verified
// and every original unchanged; its CLI contract (JSON shape, exit codes);
// and identify's evidence in its answers, with the built-in KB and --kb.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;

std::string Binary() { return testing::KintsugiBinary(); }
using testing::MakeTestDir;

// Starts `kintsugi recover ARGS...` with stdout to `stdout_path`.
pid_t Start(const std::vector<std::string>& args, const Path& stdout_path) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  std::vector<char*> argv;
  std::string binary = Binary();
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::FILE* out = std::freopen(stdout_path.c_str(), "w", stdout);
  std::FILE* err = std::freopen("/dev/null", "w", stderr);
  if (out == nullptr || err == nullptr) _exit(127);
  execv(argv[0], argv.data());
  _exit(127);
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadText(const Path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A two-family KB for --kb (docs/kb-format.md): Jigsaw by its .fun
// extension, and a made-up family no decryptor exists for. It compiles in
// milliseconds, where the built-in KB takes seconds under the sanitizers.
void WriteSmallKb(const Path& dir) {
  ASSERT_TRUE(stdfs::create_directories(dir));
  std::ofstream(dir / "jigsaw.yaml") << R"(id: jigsaw
name: Jigsaw
rules:
  - id: ext-fun
    kind: extension
    strength: strong
    pattern: .fun
    sources: ["curated:test"]
recovery:
  possible: "yes"
  decryptor: jigsaw
)";
  std::ofstream(dir / "gammatest.yaml") << R"(id: gammatest
name: Gamma Test Locker
rules:
  - id: ext-gammatest
    kind: extension
    strength: strong
    pattern: .gammatest
    sources: ["curated:test"]
recovery:
  possible: "no"
)";
}

class RecoverEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "KINTSUGI_BINARY not set";
    dir_ = MakeTestDir("e2e");
    ASSERT_FALSE(dir_.empty());
    // Journals without --out go to the per-user state folder: ours.
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }
  Path dir_;
};

TEST_F(RecoverEndToEnd, SigkillTwentyTimesThenEverythingRecovered) {
  const Path victim = dir_ / "victim";
  ASSERT_TRUE(stdfs::create_directories(victim / "deep" / "er"));
  std::map<std::string, Bytes> plain;
  std::map<std::string, Bytes> encrypted;
  std::mt19937 rng(12345);
  for (int i = 0; i < 1000; ++i) {
    const Path folder = i % 3 == 0   ? victim
                        : i % 3 == 1 ? victim / "deep"
                                     : victim / "deep" / "er";
    const std::size_t size = 1 + rng() % 6000;
    const Bytes original = formats::samples::MakeText(size);
    const std::string name = "doc" + std::to_string(i) + ".txt";
    const Bytes enc = families_testing::JigsawEncrypt(original, 1 + i % 2);
    ASSERT_THAT(families_testing::WriteSpecimen(
                    RealFileSystem(), folder, name + ".fun", enc,
                    "jigsaw key " + std::to_string(1 + i % 2), false),
                IsOk());
    plain[(folder / name).string()] = original;
    encrypted[(folder / (name + ".fun")).string()] = enc;
  }
  // The small KB keeps start-up short, so the kills land during recovery.
  WriteSmallKb(dir_ / "kb");
  const std::vector<std::string> args = {
      "recover", victim.string(),       "--json", "--threads", "2",
      "--kb",    (dir_ / "kb").string()};
  const Path json = dir_ / "out.json";
  auto check = [&](const std::string& where) {
    SCOPED_TRACE(where);
    for (const auto& entry : stdfs::recursive_directory_iterator(victim)) {
      if (!entry.is_regular_file()) continue;
      const std::string path = entry.path().string();
      const std::string name = entry.path().filename().string();
      if (path.find(".kintsugi-journal") != std::string::npos ||
          name.find(".kintsugi-tmp-") != std::string::npos) {
        continue;
      }
      auto bytes = ReadWholeFile(RealFileSystem(), path, 1 << 20);
      ASSERT_TRUE(bytes.has_value()) << path;
      if (auto it = encrypted.find(path); it != encrypted.end()) {
        ASSERT_TRUE(*bytes == it->second) << "original changed: " << path;
        continue;
      }
      auto it = plain.find(path);
      ASSERT_NE(it, plain.end()) << "unexpected file " << path;
      ASSERT_TRUE(*bytes == it->second)
          << "bad output under final name " << path;
    }
  };
  std::uniform_int_distribution<int> delay_ms(20, 600);
  for (int kill = 0; kill < 20; ++kill) {
    const pid_t pid = Start(args, json);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    Wait(pid);
    check("after kill " + std::to_string(kill));
  }
  const int code = Wait(Start(args, json));
  EXPECT_EQ(code, 0) << ReadText(json).substr(0, 2000);
  check("final");
  for (const auto& [path, bytes] : plain) {
    EXPECT_TRUE(stdfs::exists(path)) << "not recovered: " << path;
  }
  for (const auto& entry : stdfs::recursive_directory_iterator(victim)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".kintsugi-tmp-"), std::string::npos) << name;
    EXPECT_EQ(name.find("(recovered"), std::string::npos) << name;
  }
  const auto report = nlohmann::json::parse(ReadText(json));
  ASSERT_EQ(report["files"].size(), 1000u);
  for (const auto& f : report["files"]) {
    EXPECT_EQ(f["status"], "recovered") << f.dump();
    for (const char* key : {"path", "status", "family", "decryptor", "output",
                            "verified_as", "detail"}) {
      EXPECT_TRUE(f.contains(key)) << key;
    }
  }
  EXPECT_EQ(report["summary"]["counts"]["recovered"], 1000);
}

TEST_F(RecoverEndToEnd, ExitCodesAndDryRun) {
  const Bytes original = formats::samples::MakeText(100);
  ASSERT_THAT(families_testing::WriteSpecimen(
                  RealFileSystem(), dir_, "a.txt.fun",
                  families_testing::JigsawEncrypt(original, 1), "jigsaw key 1"),
              IsOk());
  ASSERT_THAT(
      WriteNewFile(RealFileSystem(), dir_ / "b.doc.crypted", Bytes(3000, 9)),
      IsOk());
  const Path json = dir_ / "out.json";
  EXPECT_EQ(
      Wait(Start({"recover", dir_.string(), "--dry-run", "--json"}, json)),
      1);  // b needs a pair: partial.
  EXPECT_FALSE(stdfs::exists(dir_ / "a.txt"));
  EXPECT_FALSE(stdfs::exists(dir_ / ".kintsugi-journal"));
  const auto dry = nlohmann::json::parse(ReadText(json));
  EXPECT_TRUE(dry["summary"]["dry_run"].get<bool>());
  EXPECT_EQ(Wait(Start({"recover", (dir_ / "a.txt.fun").string()}, json)), 0);
  EXPECT_TRUE(stdfs::exists(dir_ / "a.txt"));
  EXPECT_EQ(Wait(Start({"recover", dir_.string(), "--family", "nope"}, json)),
            3);
  EXPECT_EQ(Wait(Start({"recover", dir_.string(), "--pair", "x"}, json)), 2);
  EXPECT_EQ(Wait(Start({"recover"}, json)), 2);
}

TEST_F(RecoverEndToEnd, IdentifyEvidenceInTheAnswer) {
  const Bytes original = formats::samples::MakeText(100);
  ASSERT_THAT(families_testing::WriteSpecimen(
                  RealFileSystem(), dir_, "a.txt.fun",
                  families_testing::JigsawEncrypt(original, 1), "jigsaw key 1"),
              IsOk());
  const Path other = dir_ / "other";
  ASSERT_TRUE(stdfs::create_directories(other));
  ASSERT_THAT(WriteNewFile(RealFileSystem(), other / "b.doc.gammatest",
                           formats::samples::PseudoRandomBytes(4096, 7)),
              IsOk());
  const Path json = dir_ / "out.json";
  // The built-in KB: the folder of .fun files is Jigsaw's.
  EXPECT_EQ(Wait(Start({"recover", (dir_ / "a.txt.fun").string(), "--dry-run",
                        "--json"},
                       json)),
            0);
  auto report = nlohmann::json::parse(ReadText(json));
  ASSERT_EQ(report["files"].size(), 1u);
  EXPECT_THAT(report["files"][0]["detail"].get<std::string>(),
              ::testing::HasSubstr("identified as Jigsaw from a.txt.fun"));
  // --kb: a family without a decryptor is named, with the KB's word on it.
  WriteSmallKb(dir_ / "kb");
  EXPECT_EQ(Wait(Start({"recover", other.string(), "--json", "--kb",
                        (dir_ / "kb").string()},
                       json)),
            0);  // Unsupported is not a failure.
  report = nlohmann::json::parse(ReadText(json));
  ASSERT_EQ(report["files"].size(), 1u);
  EXPECT_EQ(report["files"][0]["status"], "unsupported");
  const std::string detail = report["files"][0]["detail"].get<std::string>();
  EXPECT_THAT(detail, ::testing::HasSubstr("Gamma Test Locker (gammatest)"));
  EXPECT_THAT(detail, ::testing::HasSubstr("No offline recovery is known"));
  // --family: the user decided, identify says nothing.
  EXPECT_EQ(Wait(Start({"recover", (dir_ / "a.txt.fun").string(), "--dry-run",
                        "--json", "--family", "jigsaw"},
                       json)),
            0);
  report = nlohmann::json::parse(ReadText(json));
  EXPECT_THAT(report["files"][0]["detail"].get<std::string>(),
              ::testing::Not(::testing::HasSubstr("identif")));
}

TEST_F(RecoverEndToEnd, AnOutputChangedAfterTheRunIsNotAlreadyDone) {
  // Regression (issue 16): after a run, an output replaced by other bytes
  // (of the same size, or of another) was reported "already done" by the
  // rerun. Now it is redone under a free name, the user's file is left as
  // it is, and the detail says why; an untouched output is already done.
  const Path victim = dir_ / "victim";
  ASSERT_TRUE(stdfs::create_directories(victim));
  std::map<std::string, Bytes> plain;
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    plain[name] = formats::samples::MakeText(300);
    ASSERT_THAT(families_testing::WriteSpecimen(
                    RealFileSystem(), victim, std::string(name) + ".fun",
                    families_testing::JigsawEncrypt(plain[name], 1),
                    "jigsaw key 1", false),
                IsOk());
  }
  WriteSmallKb(dir_ / "kb");
  const std::vector<std::string> args = {"recover", victim.string(), "--json",
                                         "--kb", (dir_ / "kb").string()};
  const Path json = dir_ / "out.json";
  ASSERT_EQ(Wait(Start(args, json)), 0) << ReadText(json);
  const Bytes same_size(plain["a.txt"].size(), 'A');
  const Bytes other_size = formats::samples::MakeText(7);
  for (const auto& [name, bytes] :
       {std::pair{"a.txt", same_size}, std::pair{"b.txt", other_size}}) {
    stdfs::remove(victim / name);
    ASSERT_THAT(WriteNewFile(RealFileSystem(), victim / name, bytes), IsOk());
  }

  EXPECT_EQ(Wait(Start(args, json)), 0) << ReadText(json);
  const auto report = nlohmann::json::parse(ReadText(json));
  ASSERT_EQ(report["files"].size(), 3u);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& f : report["files"]) {
    by_name[Path(f["path"].get<std::string>()).filename().string()] = f;
  }
  for (const char* name : {"a.txt", "b.txt"}) {
    SCOPED_TRACE(name);
    const auto& f = by_name[std::string(name) + ".fun"];
    EXPECT_EQ(f["status"], "recovered") << f.dump();
    const std::string detail = f["detail"].get<std::string>();
    EXPECT_THAT(detail, ::testing::Not(::testing::HasSubstr("already done")));
    EXPECT_THAT(detail, ::testing::HasSubstr("the output of an earlier run, " +
                                             (victim / name).string() +
                                             ", has changed since"));
    EXPECT_EQ(f["message"]["id"], "recover.with_warning");
    const Path output = f["output"].get<std::string>();
    EXPECT_EQ(output.filename().string(),
              Path(name).stem().string() + " (recovered).txt");
    auto bytes = ReadWholeFile(RealFileSystem(), output, 1 << 20);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_TRUE(*bytes == plain[name]) << "wrong bytes in " << output;
  }
  auto kept_a = ReadWholeFile(RealFileSystem(), victim / "a.txt", 1 << 20);
  auto kept_b = ReadWholeFile(RealFileSystem(), victim / "b.txt", 1 << 20);
  ASSERT_TRUE(kept_a.has_value() && kept_b.has_value());
  EXPECT_TRUE(*kept_a == same_size) << "the changed a.txt was overwritten";
  EXPECT_TRUE(*kept_b == other_size) << "the changed b.txt was overwritten";
  const auto& c = by_name["c.txt.fun"];
  EXPECT_EQ(c["status"], "recovered");
  EXPECT_EQ(c["detail"], "already done by an earlier run");
  EXPECT_EQ(c["output"], (victim / "c.txt").string());
}

}  // namespace
}  // namespace kintsugi
