// The SQLite helpers shared by the tables of a store file
// (sqlite_connection.h).

#include "store/sqlite_connection.h"

#include <fmt/format.h>

#include <climits>
#include <cstddef>
#include <string>

namespace kintsugi::store {

Status SqliteStatus(int code, sqlite3* db, std::string_view what) {
  const std::string message =
      fmt::format("{}: {}", what,
                  db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return CorruptError(message);
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return ResourceExhaustedError(message);
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return PermissionDeniedError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(message);
    case SQLITE_CONSTRAINT:
      return AlreadyExistsError(message);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return IoError(message);
    default:
      return InternalError(message);
  }
}

Status SqliteExec(sqlite3* db, const char* sql, std::string_view what) {
  const int code = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return SqliteStatus(code, db, what);
  return Status::Ok();
}

Result<SqliteStatement> SqlitePrepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                      &statement, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(statement);
    return SqliteStatus(code, db, "preparing a statement");
  }
  return SqliteStatement(statement);
}

Status SqliteBindText(sqlite3* db, sqlite3_stmt* statement, int index,
                      std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    return ResourceExhaustedError("text too long for the store");
  }
  const int code =
      sqlite3_bind_text(statement, index, text.data(),
                        static_cast<int>(text.size()), SQLITE_STATIC);
  if (code != SQLITE_OK) return SqliteStatus(code, db, "binding a value");
  return Status::Ok();
}

std::string_view SqliteColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  const int size = sqlite3_column_bytes(statement, column);
  if (text == nullptr || size <= 0) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<std::size_t>(size));
}

Status SqliteTransaction::Begin() {
  KINTSUGI_RETURN_IF_ERROR(
      SqliteExec(db_, "BEGIN IMMEDIATE", "starting a transaction"));
  open_ = true;
  return Status::Ok();
}

Status SqliteTransaction::Commit() {
  KINTSUGI_RETURN_IF_ERROR(SqliteExec(db_, "COMMIT", "committing"));
  open_ = false;
  return Status::Ok();
}

}  // namespace kintsugi::store
