#pragma once

// Test environments for the KeyStore backends: each opens a fresh, empty
// store and can open it again (a restart). Shared by the conformance suite
// and the per-backend tests; the PostgreSQL backend adds its own.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "kintsugi/store.h"

namespace kintsugi::store::testing {

// A fresh folder under testing::TempDir(), removed when the test ends.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern += '/';
    pattern += "kintsugi_store_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// An SQLite store in a file of its own temporary folder.
class SqliteEnv {
 public:
  static constexpr const char* kName = "Sqlite";

  // Opens the environment's store (creating it the first time). Every call
  // opens a new connection to the same store.
  Result<std::unique_ptr<KeyStore>> Open() {
    return OpenSqliteKeyStore(file().string());
  }
  std::filesystem::path file() const { return folder_.path() / "keys.sqlite"; }

 private:
  TempFolder folder_;
};

}  // namespace kintsugi::store::testing
