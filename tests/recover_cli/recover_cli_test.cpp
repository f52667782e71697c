// End to end (issue 4): what a user at a terminal sees of `kintsugi
// recover`. The progress bar shows on a terminal (stderr on a
// pseudo-terminal) and never when stderr is a pipe, with --json or with
// --quiet; Ctrl-C (SIGINT) or SIGTERM stops the run with exit 130, loses
// nothing, and a rerun finishes it; a second signal stops it at once, still
// losing nothing.
//
// Specimens: synthetic text encrypted with Jigsaw's published key 1
// (recovery-schemes.md §0, §3.1), one explicit file at a time, inside a
// mkdtemp folder.
//
// No test here depends on timing for its verdict: the interrupt tests wait
// for the first output to appear (a long timeout only guards against a
// hang), and the run they interrupt has hundreds of files left at that
// point.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// Only a guard against a hung child; no verdict depends on it.
constexpr auto kHangGuard = std::chrono::minutes(5);
constexpr int kExitInterrupted = 130;

std::string Binary() { return testing::KintsugiBinary(); }
using testing::MakeTestDir;

std::string ReadText(const Path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// How a child starts, beyond its arguments.
struct SpawnOptions {
  // A signal made pending before exec, with SIGINT and SIGTERM blocked: it
  // is there from kintsugi's first instruction (pending signals and the
  // mask survive execve) and arrives the moment kintsugi can take it, long
  // before the KB could have loaded, whatever the timing.
  int pending_signal = 0;
  Path cwd;  // The working folder; empty: ours.
};

SpawnOptions WithPendingSignal(int signal) {
  SpawnOptions how;
  how.pending_signal = signal;
  return how;
}

SpawnOptions InFolder(const Path& cwd) {
  SpawnOptions how;
  how.cwd = cwd;
  return how;
}

// Starts `kintsugi ARGS...` with stdout and stderr on the given descriptors
// (stdin from /dev/null).
pid_t Spawn(const std::vector<std::string>& args, int out_fd, int err_fd,
            const SpawnOptions& how = {}) {
  std::string binary = Binary();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {binary.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (how.pending_signal != 0) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &signals, nullptr) != 0 ||
        raise(how.pending_signal) != 0) {
      _exit(127);
    }
  }
  if (!how.cwd.empty() && chdir(how.cwd.c_str()) != 0) _exit(127);
  const int in_fd = open("/dev/null", O_RDONLY);
  if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0 ||
      dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) {
    _exit(127);
  }
  execv(argv[0], argv.data());
  _exit(127);
}

// The exit code, or -N when signal N killed it: a process killed by SIGINT
// must not pass for one that exited 130 as documented.
int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return ExitCode(status);
}

struct Finished {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `kintsugi ARGS...` to the end with stdout and stderr in files.
Finished RunToFiles(const std::vector<std::string>& args, const Path& dir,
                    const SpawnOptions& how = {}) {
  const Path out = dir / "stdout.txt";
  const Path err = dir / "stderr.txt";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  Finished result;
  if (out_fd >= 0 && err_fd >= 0) {
    result.code = Wait(Spawn(args, out_fd, err_fd, how));
  }
  close(out_fd);
  close(err_fd);
  result.out = ReadText(out);
  result.err = ReadText(err);
  return result;
}

// Runs `kintsugi ARGS...` with stderr on a pseudo-terminal `columns` wide
// (raw output: no "\n" -> "\r\n", so every '\r' is the program's) and
// stdout in a file. `err` gets everything written to the terminal.
Finished RunWithStderrOnTerminal(const std::vector<std::string>& args,
                                 const Path& dir, unsigned short columns) {
  Finished result;
  int master = -1;
  int slave = -1;
  struct winsize size {};
  size.ws_col = columns;
  size.ws_row = 24;
  if (openpty(&master, &slave, nullptr, nullptr, &size) != 0) return result;
  struct termios mode {};
  tcgetattr(slave, &mode);
  mode.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  tcsetattr(slave, TCSANOW, &mode);
  const Path out = dir / "stdout.txt";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const pid_t pid = Spawn(args, out_fd, slave);
  close(slave);
  close(out_fd);
  // Drain the terminal until the child's side closes (EIO), so a chatty
  // child can never block on a full terminal buffer.
  const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    struct pollfd ready = {master, POLLIN, 0};
    if (poll(&ready, 1, 1000) <= 0) continue;
    const ssize_t got = read(master, buffer, sizeof(buffer));
    if (got <= 0) break;
    result.err.append(buffer, static_cast<std::size_t>(got));
  }
  close(master);
  result.code = Wait(pid);
  result.out = ReadText(out);
  return result;
}

class RecoverCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "KINTSUGI_BINARY not set";
    dir_ = MakeTestDir("recover-cli");
    ASSERT_FALSE(dir_.empty());
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directory(victim_));
    // Without --out the journal goes to the per-user state folder: ours
    // (the children inherit the environment), never the real user's.
    state_ = dir_ / "state";
    ASSERT_EQ(setenv("XDG_STATE_HOME", state_.c_str(), 1), 0);
    ASSERT_EQ(setenv("HOME", (dir_ / "home").c_str(), 1), 0);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // `count` specimens doc000.txt.fun, ... of `size` bytes of text each (the
  // walker sorts names, so with --threads 1 doc000 is done first).
  void MakeSpecimens(int count, std::size_t size) {
    plain_ = formats::samples::MakeText(size);
    encrypted_ = families_testing::JigsawEncrypt(plain_, 1);
    for (int i = 0; i < count; ++i) {
      char name[32];
      std::snprintf(name, sizeof(name), "doc%03d.txt", i);
      ASSERT_THAT(families_testing::WriteSpecimen(
                      RealFileSystem(), victim_, std::string(name) + ".fun",
                      encrypted_, "jigsaw key 1", false),
                  IsOk());
      names_.emplace_back(name);
    }
  }

  // Every original byte-identical; every output under a final name
  // complete and right; nothing unverified or renamed aside. Returns how
  // many outputs there are. Temporaries are allowed only if `temps_ok`.
  int CheckTree(bool temps_ok) {
    int outputs = 0;
    for (const auto& entry : stdfs::directory_iterator(victim_)) {
      const std::string name = entry.path().filename().string();
      if (name == ".kintsugi-journal") continue;
      EXPECT_EQ(name.find(".unverified"), std::string::npos) << name;
      EXPECT_EQ(name.find("(recovered"), std::string::npos) << name;
      if (name.find(".kintsugi-tmp-") != std::string::npos) {
        EXPECT_TRUE(temps_ok) << "temporary left behind: " << name;
        continue;
      }
      auto bytes = ReadWholeFile(RealFileSystem(), entry.path(), 1 << 22);
      EXPECT_TRUE(bytes.has_value()) << name;
      if (!bytes) continue;
      if (entry.path().extension() == ".fun") {
        EXPECT_TRUE(*bytes == encrypted_) << "original changed: " << name;
      } else {
        EXPECT_TRUE(*bytes == plain_) << "wrong output under " << name;
        ++outputs;
      }
    }
    return outputs;
  }

  // Reruns with --json: every file recovered, exactly `earlier` of them
  // reported as done by the earlier run; no temporary left.
  void RerunFinishes(int earlier) {
    SCOPED_TRACE("rerun");
    const Finished rerun =
        RunToFiles({"recover", victim_.string(), "--json"}, dir_);
    ASSERT_EQ(rerun.code, 0) << rerun.err;
    const auto report = nlohmann::json::parse(rerun.out);
    ASSERT_EQ(report["files"].size(), names_.size());
    int already = 0;
    for (const auto& f : report["files"]) {
      EXPECT_EQ(f["status"], "recovered") << f.dump();
      if (f["detail"] == "already done by an earlier run") ++already;
    }
    EXPECT_EQ(already, earlier);
    EXPECT_FALSE(report["summary"]["interrupted"].get<bool>());
    EXPECT_EQ(CheckTree(/*temps_ok=*/false), static_cast<int>(names_.size()));
  }

  // Starts a run over the victim folder and returns once its first output
  // exists (so it has started, and has hundreds of files to go).
  pid_t StartAndWaitForFirstOutput(const std::vector<std::string>& args,
                                   int out_fd, int err_fd) {
    const pid_t pid = Spawn(args, out_fd, err_fd);
    const Path first = victim_ / names_.front();
    const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
    while (!stdfs::exists(first)) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        ADD_FAILURE() << "ended (" << ExitCode(status)
                      << ") before its first output";
        return -1;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        Wait(pid);
        ADD_FAILURE() << "no output after " << kHangGuard.count() << " min";
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return pid;
  }

  // The journal folders in the state folder.
  std::vector<Path> StateJournals() const {
    std::vector<Path> found;
    std::error_code ec;
    for (const auto& entry :
         stdfs::directory_iterator(state_ / "kintsugi" / "journals", ec)) {
      found.push_back(entry.path());
    }
    return found;
  }

  // How many files a --json report says an earlier run did.
  static int AlreadyDone(const Finished& run) {
    int already = 0;
    const auto report = nlohmann::json::parse(run.out);
    for (const auto& f : report["files"]) {
      if (f["detail"] == "already done by an earlier run") ++already;
    }
    return already;
  }

  Path dir_;
  Path state_;
  Path victim_;
  Bytes plain_;
  Bytes encrypted_;
  std::vector<std::string> names_;
};

// Splits terminal output into the lines as drawn (at '\r' and '\n').
std::vector<std::string> DrawnLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\r' || c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

TEST_F(RecoverCli, ProgressBarOnATerminal) {
  MakeSpecimens(3, 2000);
  const Finished run = RunWithStderrOnTerminal(
      {"recover", victim_.string(), "--threads", "1"}, dir_, 72);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  // The first update is drawn at once (a running line, with an ETA, ending
  // in '\r'); the last one says it is done and ends the line.
  EXPECT_THAT(run.err, HasSubstr("1/3 files"));
  EXPECT_THAT(run.err, HasSubstr("ETA "));
  EXPECT_THAT(run.err, HasSubstr("MiB/s"));
  EXPECT_THAT(run.err, HasSubstr("3/3 files"));
  EXPECT_THAT(run.err, HasSubstr("done in "));
  EXPECT_NE(run.err.find('\r'), std::string::npos);
  EXPECT_EQ(run.err.back(), '\n');
  for (const std::string& line : DrawnLines(run.err)) {
    EXPECT_LE(line.size(), 71u) << "wider than the terminal: " << line;
  }
  // The summary goes to stdout, untouched by the bar.
  EXPECT_THAT(run.out, HasSubstr("3 recovered"));
  EXPECT_THAT(run.out, Not(HasSubstr("\r")));
  EXPECT_THAT(run.out, Not(HasSubstr("ETA")));
}

TEST_F(RecoverCli, NoBarWhenStderrIsNotATerminal) {
  MakeSpecimens(3, 2000);
  const Finished run =
      RunToFiles({"recover", victim_.string(), "--threads", "1"}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("3 recovered"));
  for (const std::string* text : {&run.out, &run.err}) {
    EXPECT_THAT(*text, Not(HasSubstr("\r")));
    EXPECT_THAT(*text, Not(HasSubstr("ETA")));
    EXPECT_THAT(*text, Not(HasSubstr("MiB/s")));
  }
}

// Issue 16, "Verification says how strong it is": a flipped ciphertext
// byte in a PDF gave an output that passed the structure checks with 17
// wrong bytes, and the answer did not say that only the structure had been
// checked. Each file's JSON says `verified_by`, and the human summary counts
// the recovered files by it; under a checksum the same flip is caught.
TEST_F(RecoverCli, SaysHowStronglyEachOutputWasVerified) {
  namespace samples = formats::samples;
  auto add = [&](const std::string& name, const Bytes& plain, bool flip) {
    Bytes encrypted = families_testing::JigsawEncrypt(plain, 1);
    if (flip) encrypted[encrypted.size() / 2] ^= 0x01;
    ASSERT_THAT(families_testing::WriteSpecimen(RealFileSystem(), victim_,
                                                name + ".fun", encrypted,
                                                "jigsaw key 1", false),
                IsOk());
  };
  add("a.png", samples::MakePng(40, 40), false);
  add("b.docx", samples::MakeDocx(3000), false);
  add("c.pdf", samples::MakePdf(3000), false);
  add("d.png", samples::MakePng(40, 40), true);  // 17 bytes under a CRC
  add("e.pdf", samples::MakePdf(3000), true);    // 17 bytes, no checksum

  const Finished dry = RunToFiles(
      {"recover", victim_.string(), "--dry-run", "--threads", "1"}, dir_);
  EXPECT_EQ(dry.code, 1) << dry.err;  // d.png is unverified.
  EXPECT_THAT(dry.out, HasSubstr("4 recovered, 0 partial, 1 unverified"));
  EXPECT_THAT(dry.out, HasSubstr("\n2 verified by checksum, 2 by structure "
                                 "only\n"));

  const Finished run = RunToFiles(
      {"recover", victim_.string(), "--json", "--threads", "1"}, dir_);
  EXPECT_EQ(run.code, 1) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  std::map<std::string, std::pair<std::string, std::string>> by_name;
  for (const auto& f : report["files"]) {
    by_name[Path(f["path"].get<std::string>()).filename().string()] = {
        f["status"].get<std::string>(), f["verified_by"].get<std::string>()};
  }
  using Outcome = std::pair<std::string, std::string>;
  EXPECT_EQ(by_name["a.png.fun"], Outcome("recovered", "checksum"));
  EXPECT_EQ(by_name["b.docx.fun"], Outcome("recovered", "checksum"));
  EXPECT_EQ(by_name["c.pdf.fun"], Outcome("recovered", "structure"));
  EXPECT_EQ(by_name["d.png.fun"], Outcome("unverified", "none"));
  EXPECT_EQ(by_name["e.pdf.fun"], Outcome("recovered", "structure"));
  EXPECT_EQ(report["summary"]["verified_by"]["checksum"], 2);
  EXPECT_EQ(report["summary"]["verified_by"]["structure"], 2);
  EXPECT_EQ(report["summary"]["verified_by"]["none"], 0);
  EXPECT_TRUE(stdfs::exists(victim_ / "d.png.unverified"));

  // A rerun checks nothing again: it says so rather than "verified".
  const Finished rerun = RunToFiles({"recover", victim_.string()}, dir_);
  EXPECT_THAT(rerun.out, HasSubstr("\n0 verified by checksum, 0 by structure "
                                   "only, 4 not checked (empty, or recovered "
                                   "by an earlier run)\n"));
}

TEST_F(RecoverCli, NoBarWithJsonOrQuietEvenOnATerminal) {
  MakeSpecimens(3, 2000);
  for (const char* flag : {"--json", "--quiet"}) {
    SCOPED_TRACE(flag);
    const Finished run = RunWithStderrOnTerminal(
        {"recover", victim_.string(), "--threads", "1", flag}, dir_, 80);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_EQ(run.err, "");  // Nothing at all on the terminal.
    EXPECT_THAT(run.out, Not(HasSubstr("\r")));
    EXPECT_THAT(run.out, Not(HasSubstr("ETA")));
    if (std::string(flag) == "--json") {
      EXPECT_TRUE(nlohmann::json::accept(run.out)) << run.out;
    } else {
      EXPECT_EQ(run.out, "");
    }
  }
}

// Without --journal or --out the journal is in the state folder, private,
// named by the run: a rerun spelling the same input another way finds it.
TEST_F(RecoverCli, JournalInTheStateFolderByDefault) {
  MakeSpecimens(3, 2000);
  const Finished run =
      RunToFiles({"recover", victim_.string() + "/", "--json"}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_FALSE(stdfs::exists(victim_ / ".kintsugi-journal"));
  const std::vector<Path> journals = StateJournals();
  ASSERT_EQ(journals.size(), 1u);
  EXPECT_EQ(journals[0].filename().string().size(), 64u);  // Hex SHA-256.
  EXPECT_FALSE(stdfs::is_empty(journals[0]));
  EXPECT_EQ(stdfs::status(journals[0]).permissions() & stdfs::perms::all,
            stdfs::perms::owner_all);
  const Finished rerun = RunToFiles(
      {"recover", (dir_ / "home" / ".." / "victim").string(), "--json"}, dir_);
  ASSERT_EQ(rerun.code, 0) << rerun.err;
  EXPECT_EQ(AlreadyDone(rerun), 3);
  EXPECT_EQ(StateJournals().size(), 1u);
  // Another run (a different --family) keeps a journal of its own.
  ASSERT_EQ(
      RunToFiles({"recover", victim_.string(), "--family", "jigsaw"}, dir_)
          .code,
      0);
  EXPECT_EQ(StateJournals().size(), 2u);
}

TEST_F(RecoverCli, JournalWhereJournalSays) {
  MakeSpecimens(3, 2000);
  const Path journal = dir_ / "my-journal";
  const std::vector<std::string> args = {
      "recover", victim_.string(), "--journal", journal.string(), "--json"};
  const Finished run = RunToFiles(args, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_FALSE(stdfs::is_empty(journal));
  EXPECT_TRUE(StateJournals().empty());
  EXPECT_FALSE(stdfs::exists(victim_ / ".kintsugi-journal"));
  const Finished rerun = RunToFiles(args, dir_);
  ASSERT_EQ(rerun.code, 0) << rerun.err;
  EXPECT_EQ(AlreadyDone(rerun), 3);
}

TEST_F(RecoverCli, JournalInOutWithOut) {
  MakeSpecimens(3, 2000);
  const Path out = dir_ / "out";
  const Finished run =
      RunToFiles({"recover", victim_.string(), "--out", out.string()}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_FALSE(stdfs::is_empty(out / ".kintsugi-journal"));
  EXPECT_TRUE(StateJournals().empty());
}

TEST_F(RecoverCli, RefusesWithoutAPlaceForTheJournal) {
  MakeSpecimens(1, 2000);
  ASSERT_EQ(unsetenv("XDG_STATE_HOME"), 0);
  ASSERT_EQ(unsetenv("HOME"), 0);
  const Finished run = RunToFiles({"recover", victim_.string()}, dir_);
  EXPECT_EQ(run.code, 3) << run.err;  // Unusable input (docs/cli.md).
  EXPECT_THAT(run.err, HasSubstr("--journal"));
  EXPECT_EQ(CheckTree(/*temps_ok=*/false), 0);  // Nothing written.
  // --out is a place: the run goes ahead.
  const Finished with_out = RunToFiles(
      {"recover", victim_.string(), "--out", (dir_ / "out").string()}, dir_);
  EXPECT_EQ(with_out.code, 0) << with_out.err;
}

struct InterruptCase {
  int signal;
  bool json;
};

// Readable test names under ctest ("SIGINT, human").
void PrintTo(const InterruptCase& c, std::ostream* os) {
  *os << (c.signal == SIGINT ? "SIGINT" : "SIGTERM")
      << (c.json ? ", --json" : ", human");
}

class RecoverInterrupt : public RecoverCli,
                         public ::testing::WithParamInterface<InterruptCase> {};

// The run stops after the file in flight, says it was interrupted, exits
// 130, leaves no temporary and nothing wrong under a final name; a rerun
// finishes every file and reports the earlier ones as done.
TEST_P(RecoverInterrupt, StopsCleanlyAndARerunFinishes) {
  const InterruptCase c = GetParam();
  MakeSpecimens(200, 1 << 20);
  std::vector<std::string> args = {"recover", victim_.string(), "--threads",
                                   "1"};
  if (c.json) args.push_back("--json");
  const Path out = dir_ / "run1.out";
  const Path err = dir_ / "run1.err";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(out_fd, 0);
  ASSERT_GE(err_fd, 0);
  const pid_t pid = StartAndWaitForFirstOutput(args, out_fd, err_fd);
  close(out_fd);
  close(err_fd);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, c.signal), 0);
  EXPECT_EQ(Wait(pid), kExitInterrupted) << ReadText(err);
  const std::string stdout_text = ReadText(out);
  EXPECT_THAT(ReadText(err), HasSubstr("finishing the files in flight"));

  const int outputs = CheckTree(/*temps_ok=*/false);
  EXPECT_GE(outputs, 1);
  EXPECT_LT(outputs, 200);
  // The journal the rerun resumes from is in the state folder.
  EXPECT_FALSE(stdfs::exists(victim_ / ".kintsugi-journal"));
  EXPECT_EQ(StateJournals().size(), 1u);
  if (c.json) {
    const auto report = nlohmann::json::parse(stdout_text);
    EXPECT_TRUE(report["summary"]["interrupted"].get<bool>());
    EXPECT_EQ(report["summary"]["counts"]["recovered"], outputs);
    EXPECT_EQ(report["summary"]["counts"]["error"], 0);
    EXPECT_LT(report["files"].size(), 200u);
  } else {
    EXPECT_THAT(stdout_text, HasSubstr(std::to_string(outputs) +
                                       " recovered, 0 partial, 0 unverified"));
    EXPECT_THAT(stdout_text,
                HasSubstr("Interrupted: run the same command again to "
                          "finish."));
  }
  RerunFinishes(outputs);
}

INSTANTIATE_TEST_SUITE_P(
    Signals, RecoverInterrupt,
    ::testing::Values(InterruptCase{SIGINT, false},
                      InterruptCase{SIGTERM, true}),
    [](const ::testing::TestParamInfo<InterruptCase>& param_info) {
      const InterruptCase& c = param_info.param;
      return std::string(c.signal == SIGINT ? "Sigint" : "Sigterm") +
             (c.json ? "Json" : "Human");
    });

// A second signal while the first is being honoured stops the run at once:
// no summary, exit 130. Both signals are made pending while the process is
// stopped (SIGSTOP), so the second certainly arrives before the first is
// honoured, with no timing involved; two SIGINTs would merge into one
// pending signal, so the second is a SIGTERM (the same handler). Nothing is
// lost: the temporary of the file in flight may remain, and the rerun
// removes it and finishes.
TEST_F(RecoverCli, SecondSignalStopsAtOnceAndLosesNothing) {
  MakeSpecimens(200, 1 << 20);
  const Path out = dir_ / "run1.out";
  const Path err = dir_ / "run1.err";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(out_fd, 0);
  ASSERT_GE(err_fd, 0);
  const pid_t pid = StartAndWaitForFirstOutput(
      {"recover", victim_.string(), "--threads", "1"}, out_fd, err_fd);
  close(out_fd);
  close(err_fd);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGSTOP), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
  ASSERT_TRUE(WIFSTOPPED(status)) << "ended before it could be stopped";
  ASSERT_EQ(kill(pid, SIGINT), 0);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  ASSERT_EQ(kill(pid, SIGCONT), 0);
  EXPECT_EQ(Wait(pid), kExitInterrupted);
  EXPECT_EQ(ReadText(out), "") << "the run went on to its summary";
  EXPECT_THAT(ReadText(err), HasSubstr("stopped at once"));

  const int outputs = CheckTree(/*temps_ok=*/true);
  EXPECT_GE(outputs, 1);
  EXPECT_LT(outputs, 200);
  RerunFinishes(outputs);
}

class RecoverSignalAtStart
    : public RecoverCli,
      public ::testing::WithParamInterface<InterruptCase> {};

// Regression (issue 16): Ctrl-C or SIGTERM in the first moments (while the
// KB loaded) killed the process without a summary. A signal that is there
// before kintsugi could do anything (SpawnOptions::pending_signal) now
// stops the run before its first file: exit 130 (an exit, not a death by
// signal), the summary (valid JSON with --json) saying "interrupted",
// nothing written, and a rerun does everything.
TEST_P(RecoverSignalAtStart, ExitsWith130AndTheSummary) {
  const InterruptCase c = GetParam();
  MakeSpecimens(3, 2000);
  std::vector<std::string> args = {"recover", victim_.string()};
  if (c.json) args.push_back("--json");
  const Finished run = RunToFiles(args, dir_, WithPendingSignal(c.signal));
  EXPECT_EQ(run.code, kExitInterrupted) << run.err;
  if (c.json) {
    ASSERT_TRUE(nlohmann::json::accept(run.out)) << run.out;
    const auto report = nlohmann::json::parse(run.out);
    EXPECT_TRUE(report["summary"]["interrupted"].get<bool>());
    EXPECT_EQ(report["summary"]["counts"]["recovered"], 0);
    EXPECT_TRUE(report["files"].empty());
  } else {
    EXPECT_THAT(run.out, HasSubstr("0 recovered"));
    EXPECT_THAT(run.out, HasSubstr("Interrupted: run the same command again to "
                                   "finish."));
  }
  EXPECT_THAT(run.err, HasSubstr("interrupted"));
  EXPECT_EQ(CheckTree(/*temps_ok=*/false), 0);
  RerunFinishes(0);
}

INSTANTIATE_TEST_SUITE_P(
    Signals, RecoverSignalAtStart,
    ::testing::Values(InterruptCase{SIGINT, false},
                      InterruptCase{SIGTERM, true},
                      InterruptCase{SIGINT, true}),
    [](const ::testing::TestParamInfo<InterruptCase>& param_info) {
      const InterruptCase& c = param_info.param;
      return std::string(c.signal == SIGINT ? "Sigint" : "Sigterm") +
             (c.json ? "Json" : "Human");
    });

// Regression (issue 16): `--pair X=DIR` (the original a folder) was
// reported as a size mismatch. Both sides are checked up front: a folder is
// named as one, a missing file as missing; nothing is written.
TEST_F(RecoverCli, PairSideThatIsNoFileIsSaidUpFront) {
  MakeSpecimens(1, 2000);
  const std::string enc = (victim_ / "doc000.txt.fun").string();
  const std::string folder = dir_.string();
  for (const std::string& pair : {enc + "=" + folder, folder + "=" + enc}) {
    SCOPED_TRACE(pair);
    const Finished run =
        RunToFiles({"recover", victim_.string(), "--pair", pair}, dir_);
    EXPECT_EQ(run.code, 3) << run.err;  // Unusable input (docs/cli.md).
    EXPECT_THAT(run.err, HasSubstr(folder + ": is a folder, not a file"));
    EXPECT_THAT(run.err, Not(HasSubstr("differ in size")));
  }
  const Finished missing = RunToFiles(
      {"recover", victim_.string(), "--pair", enc + "=" + folder + "/none"},
      dir_);
  EXPECT_EQ(missing.code, 3) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("not_found"));
  EXPECT_EQ(CheckTree(/*temps_ok=*/false), 0);
}

// Regression (issue 16): with a relative --out, "output" in the JSON was
// relative while "path" was absolute. Both are absolute, and name the
// files that are there.
TEST_F(RecoverCli, RelativeOutIsReportedAbsolute) {
  MakeSpecimens(1, 2000);
  const Finished run =
      RunToFiles({"recover", "victim", "--out", "rescued", "--json"}, dir_,
                 InFolder(dir_));
  ASSERT_EQ(run.code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["files"].size(), 1u);
  const Path path = report["files"][0]["path"].get<std::string>();
  const Path output = report["files"][0]["output"].get<std::string>();
  EXPECT_TRUE(path.is_absolute()) << path;
  EXPECT_TRUE(output.is_absolute()) << output;
  EXPECT_TRUE(stdfs::equivalent(path, victim_ / "doc000.txt.fun"));
  EXPECT_TRUE(
      stdfs::equivalent(output, dir_ / "rescued" / "victim" / "doc000.txt"));
}

// RFC 4648 base64, for checking the JSON's *_bytes.
std::string FromBase64(const std::string& text) {
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::size_t value = alphabet.find(c);
    if (value == std::string::npos) break;  // '=' padding.
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// Regression (issue 16): a file name that is not valid UTF-8 came out of
// --json with U+FFFD and no longer named the file. "path_bytes" and
// "output_bytes" carry the exact bytes (base64); names that are valid UTF-8
// have neither.
TEST_F(RecoverCli, NameThatIsNotUtf8CarriesItsBytesInJson) {
  MakeSpecimens(1, 2000);
  const std::string odd = "caf\xE9.txt";  // Latin-1: not UTF-8.
  ASSERT_THAT(
      families_testing::WriteSpecimen(RealFileSystem(), victim_, odd + ".fun",
                                      encrypted_, "jigsaw key 1", false),
      IsOk());
  const Finished run =
      RunToFiles({"recover", victim_.string(), "--json"}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  ASSERT_TRUE(nlohmann::json::accept(run.out)) << run.out;
  const auto report = nlohmann::json::parse(run.out);
  int odd_files = 0;
  for (const auto& f : report["files"]) {
    const std::string path = f["path"];
    if (path.find("doc000") != std::string::npos) {
      EXPECT_FALSE(f.contains("path_bytes")) << f.dump();
      EXPECT_FALSE(f.contains("output_bytes")) << f.dump();
      continue;
    }
    ++odd_files;
    ASSERT_TRUE(f.contains("path_bytes")) << f.dump();
    ASSERT_TRUE(f.contains("output_bytes")) << f.dump();
    EXPECT_EQ(FromBase64(f["path_bytes"]), (victim_ / (odd + ".fun")).string());
    EXPECT_EQ(FromBase64(f["output_bytes"]), (victim_ / odd).string());
    EXPECT_TRUE(stdfs::exists(FromBase64(f["output_bytes"])));
  }
  EXPECT_EQ(odd_files, 1);
}

// Regression (issue 16): the same file named twice, however spelled, or
// inside a folder also named, wrote "doc.txt" and "doc (recovered).txt"
// and counted 2; a hard link is the same file too.
TEST_F(RecoverCli, TheSameFileTwiceIsRecoveredOnce) {
  MakeSpecimens(1, 2000);
  const Path file = victim_ / "doc000.txt.fun";
  ASSERT_EQ(::link(file.c_str(), (victim_ / "hard.txt.fun").c_str()), 0);
  const Finished run = RunToFiles(
      {"recover", file.string(), (victim_ / "." / "doc000.txt.fun").string(),
       victim_.string(), "--json"},
      dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["files"].size(), 1u) << run.out;
  EXPECT_EQ(report["summary"]["counts"]["recovered"], 1);
  EXPECT_EQ(report["summary"]["duplicates_skipped"], 3);
  EXPECT_TRUE(stdfs::exists(victim_ / "doc000.txt"));
  EXPECT_FALSE(stdfs::exists(victim_ / "doc000 (recovered).txt"));
  EXPECT_FALSE(stdfs::exists(victim_ / "hard.txt"));
}

// Regression (issue 16): a link to / or /usr inside the tree made a dry run
// walk the whole system. Links are counted, not followed, unless asked.
TEST_F(RecoverCli, LinksInsideTheTreeAreNotFollowedUnlessAsked) {
  MakeSpecimens(2, 2000);
  const Path elsewhere = dir_ / "elsewhere";
  stdfs::create_directories(elsewhere);
  stdfs::copy_file(victim_ / "doc000.txt.fun", elsewhere / "far.txt.fun");
  stdfs::create_directory_symlink("/", victim_ / "to-root");
  stdfs::create_directory_symlink(elsewhere, victim_ / "shortcut");
  stdfs::create_symlink("/etc/passwd", victim_ / "passwd.txt");
  const Finished run =
      RunToFiles({"recover", victim_.string(), "--dry-run", "--json"}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["summary"]["symlinks_skipped"], 3);
  ASSERT_EQ(report["files"].size(), 2u) << run.out;
  for (const auto& f : report["files"]) {
    const std::string path = f["path"].get<std::string>();
    EXPECT_EQ(path.rfind(victim_.string() + "/", 0), 0u) << path;
  }
  const Finished human =
      RunToFiles({"recover", victim_.string(), "--dry-run"}, dir_);
  EXPECT_NE(human.out.find("3 symbolic link(s) inside the inputs not followed"),
            std::string::npos)
      << human.out;
  // Asked to follow: the folder link is walked; / is too big to be asked
  // for here, so it goes.
  stdfs::remove(victim_ / "to-root");
  const Finished followed = RunToFiles(
      {"recover", victim_.string(), "--dry-run", "--json", "--follow-symlinks"},
      dir_);
  ASSERT_EQ(followed.code, 0) << followed.err;
  report = nlohmann::json::parse(followed.out);
  EXPECT_EQ(report["summary"]["symlinks_skipped"], 0);
  EXPECT_EQ(report["summary"]["counts"]["recovered"], 3);
}

// The files' lines come as they are done, in input order; the summary is
// the last thing printed.
TEST_F(RecoverCli, FileLinesComeInInputOrderAndTheSummaryLast) {
  MakeSpecimens(30, 2000);
  const Finished run = RunToFiles({"recover", victim_.string()}, dir_);
  ASSERT_EQ(run.code, 0) << run.err;
  std::vector<std::string> lines;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_GE(lines.size(), 31u) << run.out;
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(lines[i].rfind(
                  "recovered  " + (victim_ / names_[i]).string() + ".fun", 0),
              0u)
        << lines[i];
  }
  EXPECT_EQ(lines[30].rfind("30 recovered, 0 partial, 0 unverified", 0), 0u)
      << lines[30];
}

// Issue 8: a key found during the run is said in the same English as
// before (rendered from its message) on the terminal, and in JSON with the
// message beside it.
TEST_F(RecoverCli, AKeyFoundIsSaidInEnglishAndAsAMessage) {
  const auto key = families_testing::MakeNemucodKey(255, 2048, 31);
  const Bytes plain = formats::samples::MakeText(5000);
  ASSERT_THAT(
      families_testing::WriteSpecimen(
          RealFileSystem(), victim_, "a.txt.crypted",
          families_testing::NemucodEncrypt(plain, key), "nemucod", false),
      IsOk());
  {
    std::ofstream original(dir_ / "a.txt", std::ios::binary);
    original.write(reinterpret_cast<const char*>(plain.data()),
                   static_cast<std::streamsize>(plain.size()));
  }
  const std::string pair =
      (victim_ / "a.txt.crypted").string() + "=" + (dir_ / "a.txt").string();
  const std::string english =
      "XOR over the first 2048 bytes with a 255-byte key; reuse it with "
      "--family nemucod --key HEX";
  const Finished human = RunToFiles(
      {"recover", victim_.string(), "--pair", pair, "--dry-run"}, dir_);
  EXPECT_EQ(human.code, 0) << human.err;
  EXPECT_THAT(
      human.out,
      HasSubstr("Key found (nemucod, from --pair a.txt.crypted=a.txt): " +
                ToHex(key.key) + "\n  " + english + "\n"));
  const Finished json = RunToFiles(
      {"recover", victim_.string(), "--pair", pair, "--dry-run", "--json"},
      dir_);
  EXPECT_EQ(json.code, 0) << json.err;
  const auto report = nlohmann::json::parse(json.out);
  ASSERT_EQ(report["summary"]["keys"].size(), 1u) << json.out;
  const auto& found = report["summary"]["keys"][0];
  EXPECT_EQ(found["detail"], english);
  EXPECT_EQ(found["message"]["id"], "recover.nemucod_key_from_pair");
  EXPECT_EQ(found["message"]["args"]["region"], 2048);
  EXPECT_EQ(found["message"]["args"]["length"], 255);
}

}  // namespace
}  // namespace kintsugi
