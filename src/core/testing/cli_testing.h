#pragma once

// Helpers for end-to-end tests that run the built `kintsugi` binary.

#include <fcntl.h>
#include <stdlib.h>  // mkdtemp
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kintsugi::testing {

// The binary under test ($KINTSUGI_BINARY, set by the test main), or "" when
// unset.
inline std::string KintsugiBinary() {
  const char* binary = std::getenv("KINTSUGI_BINARY");
  return binary == nullptr ? "" : binary;
}

// A new, empty folder of its own under the system's temporary folder
// ("kintsugi-TAG-XXXXXX"): tests that run side by side never share names.
// Empty path when it cannot be made.
inline std::filesystem::path MakeTestDir(const std::string& tag) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("kintsugi-" + tag + "-XXXXXX"))
          .string();
  const char* made = mkdtemp(pattern.data());
  return made == nullptr ? std::filesystem::path()
                         : std::filesystem::path(made);
}

// Runs `kintsugi ARGS...` to the end; its stdout goes to `stdout_path`,
// its stderr to /dev/null. The exit code, or 128 + the signal that ended it.
// Everything the child needs is made before fork(): a test may have other
// threads (a portal serving), and between fork and exec only
// async-signal-safe calls are allowed (an allocation can wait forever on a
// lock another thread held at the fork).
inline int RunCliToFile(const std::vector<std::string>& args,
                        const std::filesystem::path& stdout_path) {
  std::string binary = KintsugiBinary();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {binary.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int out_fd =
      open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (out_fd < 0 || null_fd < 0) {
    if (out_fd >= 0) close(out_fd);
    if (null_fd >= 0) close(null_fd);
    return 127;
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(null_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_fd);
  close(null_fd);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A whole file as text; empty when it cannot be read.
inline std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` as the whole of `path`.
inline void WriteTextFile(const std::filesystem::path& path,
                          const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// What a run of the binary gave: its exit code (-N when killed by signal
// N, -1000 when it could not be run) and what it wrote.
struct CliRun {
  int code = -1000;
  std::string out;
  std::string err;
};

// An environment change for one run: a value, or nullopt to unset.
using CliEnv = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Runs `kintsugi ARGS...` with `dir` as its working folder, stdin from
// /dev/null and stdout and stderr captured (through dir/stdout.txt and
// dir/stderr.txt), after the changes `env` to the environment.
inline CliRun RunKintsugi(const std::vector<std::string>& args,
                          const std::filesystem::path& dir,
                          const CliEnv& env = {}) {
  const std::filesystem::path out = dir / "stdout.txt";
  const std::filesystem::path err = dir / "stderr.txt";
  const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CliRun run;
  if (out_fd < 0 || err_fd < 0) return run;
  std::string binary = KintsugiBinary();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {binary.data()};
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The child's environment, made here (see RunCliToFile: nothing that
  // allocates after fork).
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    const bool changed = std::any_of(
        env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (!changed) environment.emplace_back(text);
  }
  for (const auto& [name, value] : env) {
    if (value) environment.push_back(name + "=" + *value);
  }
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const std::string folder = dir.string();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(folder.c_str()) != 0 || in_fd < 0 ||
        dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (in_fd >= 0) close(in_fd);
  close(out_fd);
  close(err_fd);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid) {
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  run.out = ReadTextFile(out);
  run.err = ReadTextFile(err);
  return run;
}

}  // namespace kintsugi::testing
