#pragma once

// Helpers for end-to-end tests that run the built `kintsugi` binary.

#include <stdlib.h>  // mkdtemp
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
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
inline int RunCliToFile(const std::vector<std::string>& args,
                        const std::filesystem::path& stdout_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::string binary = KintsugiBinary();
    std::vector<std::string> copy = args;
    std::vector<char*> argv = {binary.data()};
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (std::freopen(stdout_path.c_str(), "w", stdout) == nullptr ||
        std::freopen("/dev/null", "w", stderr) == nullptr) {
      _exit(127);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace kintsugi::testing
