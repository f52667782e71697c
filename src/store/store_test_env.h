#pragma once

// Test environments for the KeyStore backends: each opens a fresh, empty
// store and can open it again (a restart). Shared by the conformance suite
// and the per-backend tests. Each says whether it needs the test binary's
// PostgreSQL cluster (kNeedsPostgres); one that does gets Prepare()d with
// it first.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "kintsugi/store.h"
#include "store/testing/postgres_cluster.h"

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
  static constexpr bool kNeedsPostgres = false;

  // Opens the environment's store (creating it the first time). Every call
  // opens a new connection to the same store.
  Result<std::unique_ptr<KeyStore>> Open() {
    return OpenSqliteKeyStore(file().string());
  }
  std::filesystem::path file() const { return folder_.path() / "keys.sqlite"; }

 private:
  TempFolder folder_;
};

// A PostgreSQL store in a new database of the binary's cluster.
class PostgresEnv {
 public:
  static constexpr const char* kName = "Postgres";
  static constexpr bool kNeedsPostgres = true;

  // Makes the environment's database in `cluster`.
  Status Prepare(PostgresCluster& cluster) {
    KINTSUGI_ASSIGN_OR_RETURN(database_, cluster.CreateDatabase());
    cluster_ = &cluster;
    return Status::Ok();
  }
  Result<std::unique_ptr<KeyStore>> Open() {
    return OpenPostgresKeyStore(url());
  }
  std::string url() const {
    return cluster_ == nullptr ? "" : cluster_->Url(database_);
  }
  // Runs `sql` in the environment's database, behind the store's back.
  Result<std::string> Query(const std::string& sql) const {
    return cluster_->Query(database_, sql);
  }

 private:
  PostgresCluster* cluster_ = nullptr;
  std::string database_;
};

}  // namespace kintsugi::store::testing
