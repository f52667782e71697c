#pragma once

// The SQLite connection of a store file and the small pieces every table
// of that file is read and written with: the key store
// (sqlite_store.cpp) and the audit log (src/audit/) share one file and
// one schema_version. Internal.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* statement) const {
    sqlite3_finalize(statement);
  }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// The Status for an SQLite result `code` (what SQLite says, after `what`):
// a damaged file is kCorrupt, a full disk kResourceExhausted, a lock held
// too long kUnavailable, a constraint kAlreadyExists.
Status SqliteStatus(int code, sqlite3* db, std::string_view what);

// Runs `sql` (no parameters, no rows wanted).
Status SqliteExec(sqlite3* db, const char* sql, std::string_view what);

// A statement kept for the connection's life.
Result<SqliteStatement> SqlitePrepare(sqlite3* db, const char* sql);

// Binds `text` to parameter `index` without copying: `text` must outlive
// the statement's use.
Status SqliteBindText(sqlite3* db, sqlite3_stmt* statement, int index,
                      std::string_view text);

// Column `column` of the current row as bytes (empty for NULL).
std::string_view SqliteColumnText(sqlite3_stmt* statement, int column);

// Resets a kept statement when a use of it ends, however it ends.
class SqliteStatementUse {
 public:
  explicit SqliteStatementUse(sqlite3_stmt* statement)
      : statement_(statement) {}
  ~SqliteStatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  SqliteStatementUse(const SqliteStatementUse&) = delete;
  SqliteStatementUse& operator=(const SqliteStatementUse&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// Rolls back unless Commit() succeeded.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(sqlite3* db) : db_(db) {}
  ~SqliteTransaction() {
    if (open_) SqliteExec(db_, "ROLLBACK", "rollback").IgnoreError();
  }
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  // IMMEDIATE: takes the write lock now, so that no other writer slips in
  // between a read and the write that depends on it.
  Status Begin();
  Status Commit();

 private:
  sqlite3* db_;
  bool open_ = false;
};

// Opens the store file at `path` as OpenSqliteKeyStore documents (created
// 0600 when `creation` allows, WAL, its schema brought up to date: the
// keys and the audit log); errors name `path`.
Result<SqliteDb> OpenSqliteStoreFile(const std::string& path,
                                     KeyStoreCreation creation);

}  // namespace kintsugi::store
