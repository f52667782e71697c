// The `kintsugi` command as a whole (issue 16, "The CLI"; docs/cli.md):
// what it does with an unknown subcommand, an empty option value, a --kb
// folder that is not a knowledge base, and a signal that comes before it
// has done anything. Runs the built binary ($KINTSUGI_BINARY).
//
// A signal "at start" is made deterministic without any hook: the child
// blocks SIGINT/SIGTERM and sends itself the signal before exec, so it is
// pending from before kintsugi's first instruction (pending signals and the
// mask survive execve) and is delivered the moment kintsugi is able to take
// it, long before a knowledge base could have loaded.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr int kExitUsage = 2;
constexpr int kExitKbInvalid = 7;
constexpr int kExitInterrupted = 130;

std::string ReadText(const stdfs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  // The exit code; -N when killed by signal N (never confused with an
  // exit code, as 128 + N would be).
  int code = -1000;
  std::string out;
  std::string err;
};

// Runs `kintsugi ARGS...` to the end, stdout and stderr in files under
// `dir`. With `pending_signal`, that signal is pending and blocked from
// before exec (see the top of this file).
Outcome Kintsugi(const std::vector<std::string>& args, const stdfs::path& dir,
                 int pending_signal = 0) {
  const stdfs::path out = dir / "stdout.txt";
  const stdfs::path err = dir / "stderr.txt";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  Outcome run;
  if (out_fd < 0 || err_fd < 0) return run;
  std::string binary = testing::KintsugiBinary();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {binary.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (pending_signal != 0) {
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGINT);
      sigaddset(&signals, SIGTERM);
      if (sigprocmask(SIG_BLOCK, &signals, nullptr) != 0 ||
          raise(pending_signal) != 0) {
        _exit(127);
      }
    }
    const int in_fd = open("/dev/null", O_RDONLY);
    if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0 ||
        dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid) {
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  run.out = ReadText(out);
  run.err = ReadText(err);
  return run;
}

std::string JoinArgs(const std::vector<std::string>& args) {
  std::string joined;
  for (const std::string& a : args) joined += " '" + a + "'";
  return joined;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("cli");
    ASSERT_FALSE(dir_.empty());
    // recover keeps its journal in the state folder: ours, not the user's.
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    empty_ = dir_ / "empty";
    ASSERT_TRUE(stdfs::create_directory(empty_));
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  stdfs::path dir_;
  stdfs::path empty_;  // An empty folder.
};

// Regression (issue 16): `kintsugi frobnicate` said "A subcommand is
// required". It names the word and lists the subcommands (exit 2).
TEST_F(CliTest, UnknownSubcommandIsNamedWithTheKnownOnes) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"frobnicate"},
        std::vector<std::string>{"--json", "frobnicate", "x"},
        std::vector<std::string>{"--kb", empty_.string(), "frobnicate"}}) {
    SCOPED_TRACE(JoinArgs(args));
    const Outcome run = Kintsugi(args, dir_);
    EXPECT_EQ(run.code, kExitUsage);
    EXPECT_THAT(run.err, HasSubstr("unknown subcommand 'frobnicate'"));
    EXPECT_THAT(run.err, HasSubstr("identify, recover, scan, serve, kb, "
                                   "keys, families, release, audit, "
                                   "partners"));
    EXPECT_THAT(run.err, Not(HasSubstr("A subcommand is required")));
  }
  // Without any word it still says one is required.
  const Outcome none = Kintsugi({"--json"}, dir_);
  EXPECT_EQ(none.code, kExitUsage);
  EXPECT_THAT(none.err, Not(HasSubstr("unknown subcommand")));
}

// Regression (issue 16): `--key ""`, `--family ""`, `--kb ""` and the like
// were silently taken as "not given". Every option whose value cannot be
// empty refuses it as a usage error, before any work.
TEST_F(CliTest, EmptyOptionValuesAreUsageErrors) {
  const std::string folder = empty_.string();
  const std::string out = (dir_ / "out").string();
  const std::vector<std::vector<std::string>> cases = {
      {"--kb", "", "families"},
      {"identify", "--contact", ""},
      {"identify", "--contact", "a@b.example", "--yara", ""},
      {"identify", "--contact", "a@b.example", ""},
      {"recover", ""},
      {"recover", folder, "--family", ""},
      {"recover", folder, "--family", "jigsaw", "--key", ""},
      {"recover", folder, "--family", "jigsaw", "--key", "00", "--iv", ""},
      {"recover", folder, "--pair", ""},
      {"recover", folder, "--out", ""},
      {"recover", folder, "--journal", ""},
      {"recover", folder, "--threads", ""},
      {"kb", "import", "--sources", "", "--out", out},
      {"kb", "import", "--sources", folder, "--out", ""},
      {"kb", "import", "--sources", folder, "--out", out, "--hold-out", ""},
      {"kb", "import", "--sources", folder, "--out", out, "--curated", ""},
      // The systemd unit's `--db ${KINTSUGI_DB}` with the variable unset:
      // not the default store (made under $HOME), a usage error.
      {"serve", "--db", ""},
      {"serve", "--listen", ""},
      {"serve", "--tls-cert", ""},
  };
  for (const std::vector<std::string>& args : cases) {
    SCOPED_TRACE(JoinArgs(args));
    const Outcome run = Kintsugi(args, dir_);
    EXPECT_EQ(run.code, kExitUsage) << run.err;
    EXPECT_THAT(run.err, HasSubstr("an empty value is not allowed"));
    EXPECT_FALSE(stdfs::exists(out)) << "it went to work";
  }
}

// Regression (issue 16): `--kb` naming an empty folder, or one that is no
// knowledge base, was accepted and everything came out "unknown". Every
// command that loads the KB refuses it with exit 7 and says why.
TEST_F(CliTest, KbFolderWithoutFamiliesIsRefused) {
  const stdfs::path not_kb = dir_ / "not-a-kb";
  ASSERT_TRUE(stdfs::create_directory(not_kb));
  std::ofstream(not_kb / "shopping.txt") << "milk\n";
  const stdfs::path victim = dir_ / "victim";
  ASSERT_TRUE(stdfs::create_directory(victim));
  std::ofstream(victim / "a.txt") << "plain text\n";
  for (const stdfs::path& kb : {empty_, not_kb}) {
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"identify", "--contact", "a@b.example"},
          std::vector<std::string>{"families"},
          std::vector<std::string>{"kb", "lint"},
          std::vector<std::string>{"kb", "stats"},
          std::vector<std::string>{"recover", victim.string(), "--dry-run"}}) {
      std::vector<std::string> args = {"--json", "--kb", kb.string()};
      args.insert(args.end(), command.begin(), command.end());
      SCOPED_TRACE(JoinArgs(args));
      const Outcome run = Kintsugi(args, dir_);
      EXPECT_EQ(run.code, kExitKbInvalid) << run.out << run.err;
      EXPECT_THAT(run.err, HasSubstr("not a knowledge base"));
      ASSERT_TRUE(nlohmann::json::accept(run.out)) << run.out;
      EXPECT_TRUE(nlohmann::json::parse(run.out).contains("error")) << run.out;
    }
  }
}

// Issue 13: --version says the program's version, the commit it was built
// from and which knowledge base answers, in words and as JSON, the same.
TEST_F(CliTest, VersionSaysTheBuildAndTheKnowledgeBase) {
  // No installed release: the built-in KB answers.
  ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
  const Outcome text = Kintsugi({"--version"}, dir_);
  ASSERT_EQ(text.code, 0) << text.err;
  std::vector<std::string> lines;
  std::stringstream stream(text.out);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << text.out;
  EXPECT_THAT(lines[0], MatchesRegex("kintsugi [0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_THAT(lines[1], MatchesRegex("commit ([0-9a-f]{12}(-dirty)?|unknown)"));
  EXPECT_THAT(lines[2], MatchesRegex("knowledge base: built-in( \\(kb/ of "
                                     "[0-9]{4}-[0-9]{2}-[0-9]{2}\\))?, "
                                     "[0-9]+ families"));
  const std::string version = lines[0].substr(std::string("kintsugi ").size());
  const std::string commit = lines[1].substr(std::string("commit ").size());
  const std::size_t comma = lines[2].rfind(", ");
  ASSERT_NE(comma, std::string::npos);
  const unsigned long families = std::stoul(lines[2].substr(comma + 2));
  EXPECT_GT(families, 2000u);
  const std::size_t of = lines[2].find("(kb/ of ");
  const std::string date =
      of == std::string::npos ? "" : lines[2].substr(of + 8, 10);

  // Global options may come first: the same in JSON.
  const Outcome json = Kintsugi({"--json", "--version"}, dir_);
  ASSERT_EQ(json.code, 0) << json.err;
  const nlohmann::json v = nlohmann::json::parse(json.out);
  EXPECT_EQ(v["version"], version);
  EXPECT_EQ(v["commit"], commit);
  EXPECT_EQ(v["kb"]["source"], "built-in");
  EXPECT_TRUE(v["kb"]["release"].is_null());
  EXPECT_TRUE(v["kb"]["path"].is_null());
  EXPECT_EQ(v["kb"]["families"], families);
  if (!date.empty()) {
    EXPECT_EQ(v["kb"]["date"], date);
  } else {
    EXPECT_TRUE(v["kb"]["date"].is_null());
  }

  // A --kb folder of one family: that folder.
  const stdfs::path folder = dir_ / "one-family";
  ASSERT_TRUE(stdfs::create_directory(folder));
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr);
  stdfs::copy_file(stdfs::path(root) / "kb/16x.yaml", folder / "16x.yaml");
  const Outcome one =
      Kintsugi({"--version", "--json", "--kb", folder.string()}, dir_);
  ASSERT_EQ(one.code, 0) << one.err;
  const nlohmann::json w = nlohmann::json::parse(one.out);
  EXPECT_EQ(w["kb"]["source"], "folder");
  EXPECT_EQ(w["kb"]["path"], folder.string());
  EXPECT_EQ(w["kb"]["families"], 1);

  // A --kb folder that is no KB: the version all the same, and the error.
  const Outcome none =
      Kintsugi({"--version", "--json", "--kb", empty_.string()}, dir_);
  EXPECT_EQ(none.code, kExitKbInvalid);
  const nlohmann::json e = nlohmann::json::parse(none.out);
  EXPECT_EQ(e["version"], version);
  EXPECT_THAT(e["kb"]["error"].get<std::string>(),
              HasSubstr("not a knowledge base"));
}

// The text of docs/cli.md's section `heading` ("## `kintsugi scan`"): up to
// the next heading of its level; empty when there is none.
std::string Section(const std::string& doc, const std::string& heading) {
  const std::size_t at = doc.find("\n" + heading + "\n");
  if (at == std::string::npos) return "";
  const std::size_t end = doc.find("\n## ", at + heading.size() + 2);
  return doc.substr(at,
                    end == std::string::npos ? std::string::npos : end - at);
}

// Whether `text` names `option` ("--db"), not as the start of a longer one
// ("--dbx", "--db-file").
bool Names(const std::string& text, const std::string& option) {
  for (std::size_t at = text.find(option); at != std::string::npos;
       at = text.find(option, at + 1)) {
    const std::size_t end = at + option.size();
    const bool starts = at == 0 || text[at - 1] != '-';
    const bool ends = end == text.size() ||
                      !(std::isalnum(static_cast<unsigned char>(text[end])) ||
                        text[end] == '-');
    if (starts && ends) return true;
  }
  return false;
}

// Every option of `command` and its subcommands, "--db", ... (long names;
// --help and -h are everywhere and documented once).
void OptionsOf(const nlohmann::json& command, std::set<std::string>* out) {
  for (const auto& option : command["options"]) {
    const std::string name = option.get<std::string>();
    if (name.rfind("--", 0) == 0 && name != "--help") out->insert(name);
  }
  for (const auto& [name, sub] : command["subcommands"].items()) {
    OptionsOf(sub, out);
  }
}

// Issue 13: docs/cli.md documents every option each subcommand has, and
// its synopses name no option the subcommand lacks (the man pages and
// completions are made from the same definitions).
TEST_F(CliTest, DocsNameEveryOptionAndNoOther) {
  const Outcome dump = Kintsugi({"--dump-cli-json"}, dir_);
  ASSERT_EQ(dump.code, 0) << dump.err;
  const nlohmann::json cli = nlohmann::json::parse(dump.out);
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr);
  const std::string doc = ReadText(stdfs::path(root) / "docs/cli.md");
  ASSERT_FALSE(doc.empty());

  std::set<std::string> global;
  for (const auto& option : cli["options"]) {
    const std::string name = option.get<std::string>();
    if (name.rfind("--", 0) == 0 && name != "--help") global.insert(name);
  }
  const std::string globals = Section(doc, "## Global options");
  ASSERT_FALSE(globals.empty());
  for (const std::string& option : global) {
    EXPECT_TRUE(Names(globals, option)) << "global option " << option;
  }
  ASSERT_GE(cli["subcommands"].size(), 10u);
  for (const auto& [name, command] : cli["subcommands"].items()) {
    SCOPED_TRACE(name);
    const std::string section = Section(doc, "## `kintsugi " + name + "`");
    ASSERT_FALSE(section.empty()) << "no section for kintsugi " << name;
    std::set<std::string> options;
    OptionsOf(command, &options);
    for (const std::string& option : options) {
      EXPECT_TRUE(Names(section, option))
          << "kintsugi " << name << " " << option << " is not documented";
    }
    // The synopses ("kintsugi NAME ..." lines) name only real options.
    std::stringstream lines(section);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("kintsugi " + name, 0) != 0) continue;
      for (std::size_t at = line.find("--"); at != std::string::npos;
           at = line.find("--", at + 2)) {
        std::size_t end = at + 2;
        while (end < line.size() &&
               (std::isalnum(static_cast<unsigned char>(line[end])) ||
                line[end] == '-')) {
          ++end;
        }
        const std::string word = line.substr(at, end - at);
        if (word == "--") continue;
        EXPECT_TRUE(options.count(word) > 0 || global.count(word) > 0)
            << line << ": " << word << " is no option of kintsugi " << name;
      }
    }
  }
}

// Each command of the dump, "kintsugi", "kintsugi kb", "kintsugi kb update",
// with its own options (long names, "--from").
void Commands(
    const nlohmann::json& command, const std::string& path,
    std::vector<std::pair<std::string, std::vector<std::string>>>* out) {
  std::vector<std::string> options;
  for (const auto& option : command["options"]) {
    const std::string name = option.get<std::string>();
    if (name.rfind("--", 0) == 0) options.push_back(name);
  }
  out->emplace_back(path, options);
  for (const auto& [name, sub] : command["subcommands"].items()) {
    Commands(sub, path + " " + name, out);
  }
}

// Issue 13: a manual page for kintsugi and one for every subcommand, at
// every depth, each naming every option of its command, and (where groff
// is installed) without a warning.
TEST_F(CliTest, ManPagesCoverEverySubcommandAndOption) {
  const Outcome dump = Kintsugi({"--dump-cli-json"}, dir_);
  ASSERT_EQ(dump.code, 0) << dump.err;
  std::vector<std::pair<std::string, std::vector<std::string>>> commands;
  Commands(nlohmann::json::parse(dump.out), "kintsugi", &commands);
  ASSERT_GT(commands.size(), 30u);
  const stdfs::path man = dir_ / "man";
  const Outcome made = Kintsugi({"--dump-man", man.string()}, dir_);
  ASSERT_EQ(made.code, 0) << made.err;
  std::size_t pages = 0;
  for (const auto& entry : stdfs::directory_iterator(man)) {
    pages += entry.path().extension() == ".1" ? 1u : 0u;
  }
  EXPECT_EQ(pages, commands.size());
  for (const auto& [path, options] : commands) {
    std::string name = path;
    for (char& c : name) c = c == ' ' ? '-' : c;
    SCOPED_TRACE(name);
    const std::string page = ReadText(man / (name + ".1"));
    ASSERT_FALSE(page.empty());
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    std::string th;
    for (char c : upper)
      th += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_EQ(page.rfind(".TH " + th + " 1 ", 0), 0u) << page.substr(0, 80);
    for (const std::string& option : options) {
      std::string roff;
      for (char c : option)
        roff += c == '-' ? std::string("\\-") : std::string(1, c);
      // The last of an option's names ends its bold item.
      EXPECT_THAT(page, HasSubstr(roff + "\\fR")) << option;
    }
  }
  if (stdfs::exists("/usr/bin/groff")) {
    const std::string command = "LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z '" +
                                man.string() + "'/*.1 2> '" +
                                (dir_ / "groff.txt").string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    EXPECT_EQ(ReadText(dir_ / "groff.txt"), "");
  }
}

// What bash's completion offers for `words` (the last one being completed),
// through the script `kintsugi completion bash` printed into `script`.
std::vector<std::string> BashCompletes(const stdfs::path& script,
                                       const std::vector<std::string>& words,
                                       const stdfs::path& dir) {
  const stdfs::path driver = dir / "complete.sh";
  const stdfs::path out = dir / "completes.txt";
  {
    std::ofstream d(driver);
    d << "source '" << script.string() << "'\nCOMP_WORDS=(";
    for (const std::string& word : words) d << " '" << word << "'";
    d << ")\nCOMP_CWORD=" << words.size() - 1
      << "\n_kintsugi\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  }
  const std::string command =
      "bash --norc '" + driver.string() + "' > '" + out.string() + "'";
  if (std::system(command.c_str()) != 0) return {"(bash failed)"};
  std::vector<std::string> offered;
  std::stringstream text(ReadText(out));
  for (std::string word; std::getline(text, word);) {
    if (!word.empty()) offered.push_back(word);
  }
  return offered;
}

// Issue 13: the bash completion offers each level's subcommands and
// options (the global ones everywhere), made from the same definitions as
// the command line itself.
TEST_F(CliTest, BashCompletionOffersSubcommandsAndOptions) {
  const Outcome script = Kintsugi({"completion", "bash"}, dir_);
  ASSERT_EQ(script.code, 0) << script.err;
  const stdfs::path file = dir_ / "kintsugi.bash";
  std::ofstream(file) << script.out;
  using ::testing::Contains;
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(BashCompletes(file, {"kintsugi", "k"}, dir_),
              UnorderedElementsAre("kb", "keys"));
  EXPECT_THAT(BashCompletes(file, {"kintsugi", "recover", "--fa"}, dir_),
              UnorderedElementsAre("--family"));
  EXPECT_THAT(BashCompletes(file, {"kintsugi", "--json", "kb", "up"}, dir_),
              UnorderedElementsAre("update"));
  const std::vector<std::string> update =
      BashCompletes(file, {"kintsugi", "kb", "update", "--"}, dir_);
  EXPECT_THAT(update, Contains("--from"));
  EXPECT_THAT(update, Contains("--json"));  // Global.
  EXPECT_THAT(update, Not(Contains("--family")));
  // A file name where no subcommand or option is being typed.
  std::ofstream(dir_ / "victim-note.txt") << "x";
  EXPECT_THAT(
      BashCompletes(file, {"kintsugi", "identify", (dir_ / "victim-").string()},
                    dir_),
      UnorderedElementsAre((dir_ / "victim-note.txt").string()));
  // zsh is offered too; a shell that is neither is a usage error.
  EXPECT_EQ(Kintsugi({"completion", "zsh"}, dir_).code, 0);
  EXPECT_EQ(Kintsugi({"completion", "fish"}, dir_).code, kExitUsage);
}

// Regression (issue 16): "knowledge baseopen directory": a context prefix
// glued to the message.
TEST_F(CliTest, KbErrorKeepsItsSeparator) {
  const Outcome run = Kintsugi({"--kb", (dir_ / "missing").string(), "identify",
                                "--contact", "a@b.example"},
                               dir_);
  EXPECT_EQ(run.code, kExitKbInvalid);
  EXPECT_THAT(run.err, HasSubstr("knowledge base: open directory: "));
}

// Regression (issue 16): Ctrl-C or SIGTERM before the KB had loaded killed
// the process without a word. identify stops with exit 130 and, with
// --json, a JSON error; a subcommand that does not watch for it ends with
// exit 130 before doing its work.
TEST_F(CliTest, SignalAtStartStopsIdentifyWithExit130AndJson) {
  for (const int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(signal);
    const Outcome run = Kintsugi(
        {"identify", "--json", "--contact", "a@b.example"}, dir_, signal);
    EXPECT_EQ(run.code, kExitInterrupted) << run.err;
    ASSERT_TRUE(nlohmann::json::accept(run.out)) << run.out;
    EXPECT_EQ(nlohmann::json::parse(run.out)["error"]["code"], "cancelled");
    EXPECT_THAT(run.err, HasSubstr("interrupted"));
  }
  const Outcome families = Kintsugi({"families"}, dir_, SIGINT);
  EXPECT_EQ(families.code, kExitInterrupted);
  EXPECT_EQ(families.out, "");
}

}  // namespace
}  // namespace kintsugi
