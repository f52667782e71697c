#pragma once

// For tests that build disk images from a folder with the system's tools
// (mke2fs -d, mkfs.fat + mcopy; scripts/install-deps installs them):
// finding a tool, and running one quietly. Header-only, tests only.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace kintsugi::testing {

// Where the tool `name` is: PATH, then the sbin folders a user's PATH may
// lack (mke2fs and mkfs.fat live there). Empty when it is not installed.
inline std::string FindImageTool(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream s(path);
    for (std::string dir; std::getline(s, dir, ':');) dirs.push_back(dir);
  }
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
    dirs.push_back(dir);
  }
  for (const std::string& dir : dirs) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// `path` quoted for the shell.
inline std::string ShellQuote(const std::filesystem::path& path) {
  std::string out = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs a shell command with its output discarded; true when it exited 0.
inline bool RunQuietly(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace kintsugi::testing
