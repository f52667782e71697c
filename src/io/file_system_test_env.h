#pragma once

// Test environments for the FileSystem implementations: a fresh root to work
// in, plus the few set-up steps the interface deliberately lacks (symlinks,
// permissions). Shared by the conformance test and the per-implementation
// tests.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "io/memory_file_system.h"
#include "kintsugi/fs.h"

namespace kintsugi::io::testing {

// A fresh directory under testing::TempDir(), removed (with what the test put
// in it) when the environment goes.
class PosixEnv {
 public:
  PosixEnv() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern += '/';
    pattern += "kintsugi_io_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    root_ = pattern;
  }
  ~PosixEnv() {
    // Restore permissions a test took away, so the folder can be removed.
    std::error_code ignored;
    for (auto it = std::filesystem::recursive_directory_iterator(
             root_, std::filesystem::directory_options::skip_permission_denied,
             ignored);
         it != std::filesystem::recursive_directory_iterator();
         it.increment(ignored)) {
      if (!it->is_symlink(ignored)) ::chmod(it->path().c_str(), 0755);
    }
    std::filesystem::remove_all(root_, ignored);
  }
  PosixEnv(const PosixEnv&) = delete;
  PosixEnv& operator=(const PosixEnv&) = delete;

  static constexpr const char* kName = "Posix";
  FileSystem& fs() { return RealFileSystem(); }
  const Path& root() const { return root_; }
  void MakeSymlink(const Path& path, const Path& target) {
    ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path;
  }
  void SetReadable(const Path& path, bool readable) {
    ASSERT_EQ(::chmod(path.c_str(), readable ? 0644 : 0200), 0) << path;
  }
  // Root ignores permission bits, so permission tests cannot run as root.
  static bool PermissionsEnforced() { return ::geteuid() != 0; }

 private:
  Path root_;
};

class MemoryEnv {
 public:
  MemoryEnv() : root_("/tmp/work") { EXPECT_TRUE(fs_.AddDirs(root_).ok()); }

  static constexpr const char* kName = "Memory";
  MemoryFileSystem& fs() { return fs_; }
  const Path& root() const { return root_; }
  void MakeSymlink(const Path& path, const Path& target) {
    ASSERT_TRUE(fs_.AddSymlink(path, target).ok()) << path;
  }
  void SetReadable(const Path& path, bool readable) {
    ASSERT_TRUE(fs_.SetReadable(path, readable).ok()) << path;
  }
  static bool PermissionsEnforced() { return true; }

 private:
  MemoryFileSystem fs_;
  Path root_;
};

}  // namespace kintsugi::io::testing
