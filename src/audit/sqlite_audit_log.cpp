// The audit log in the SQLite store file (include/kintsugi/audit.h;
// docs/audit-log.md §4): the table audit_log, made by the store's schema
// version 2 (src/store/sqlite_store.cpp). An append reads the head and
// writes the next entry in one IMMEDIATE transaction, which holds the
// file's write lock: appends from other connections and processes wait
// (busy timeout) and chain after it.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "audit/audit_log_internal.h"
#include "kintsugi/audit.h"
#include "store/sqlite_connection.h"

namespace kintsugi::audit {
namespace {

using store::SqliteStatement;
using store::SqliteStatementUse;
using store::SqliteStatus;

constexpr const char* kColumns =
    "seq, time, actor, organisation, action, object, detail, prev_hash, hash";

ByteView ColumnBlob(sqlite3_stmt* statement, int column) {
  const void* data = sqlite3_column_blob(statement, column);
  const int size = sqlite3_column_bytes(statement, column);
  if (data == nullptr || size <= 0) return {};
  return ByteView(static_cast<const std::uint8_t*>(data),
                  static_cast<std::size_t>(size));
}

// The current row of a SELECT of kColumns.
StoredEntry ReadRow(sqlite3_stmt* statement) {
  StoredEntry stored;
  stored.seq = sqlite3_column_int64(statement, 0);
  stored.time = store::SqliteColumnText(statement, 1);
  stored.actor = store::SqliteColumnText(statement, 2);
  stored.organisation = store::SqliteColumnText(statement, 3);
  stored.action = store::SqliteColumnText(statement, 4);
  stored.object = store::SqliteColumnText(statement, 5);
  stored.detail = store::SqliteColumnText(statement, 6);
  stored.prev_hash = ColumnBlob(statement, 7);
  stored.hash = ColumnBlob(statement, 8);
  return stored;
}

// Writes `entry` as the next row of the audit table.
Status Insert(sqlite3* db, const AuditEntry& entry) {
  const std::string sql = std::string("INSERT INTO audit_log(") + kColumns +
                          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
  KINTSUGI_ASSIGN_OR_RETURN(const SqliteStatement statement,
                            store::SqlitePrepare(db, sql.c_str()));
  sqlite3_stmt* insert = statement.get();
  int code =
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(entry.seq));
  if (code != SQLITE_OK) return SqliteStatus(code, db, "binding a value");
  int index = 2;
  for (std::string_view text :
       {std::string_view(entry.time), std::string_view(entry.actor),
        std::string_view(entry.organisation), AuditActionName(entry.action),
        std::string_view(entry.object), std::string_view(entry.detail)}) {
    KINTSUGI_RETURN_IF_ERROR(store::SqliteBindText(db, insert, index++, text));
  }
  for (const AuditHash* hash : {&entry.prev_hash, &entry.hash}) {
    code = sqlite3_bind_blob(insert, index++, hash->data(),
                             static_cast<int>(hash->size()), SQLITE_STATIC);
    if (code != SQLITE_OK) return SqliteStatus(code, db, "binding a value");
  }
  code = sqlite3_step(insert);
  if (code != SQLITE_DONE) {
    return SqliteStatus(code, db, "appending to the audit log");
  }
  return Status::Ok();
}

class SqliteAuditLog final : public AuditLog {
 public:
  SqliteAuditLog(store::SqliteDb db, AuditClock clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}

  Status PrepareStatements() {
    const std::string all =
        std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq";
    KINTSUGI_ASSIGN_OR_RETURN(all_,
                              store::SqlitePrepare(db_.get(), all.c_str()));
    return Status::Ok();
  }

  Result<AuditEntry> Append(const AuditRecord& record) override {
    KINTSUGI_RETURN_IF_ERROR(ValidateAuditRecord(record));
    store::SqliteTransaction transaction(db_.get());
    KINTSUGI_RETURN_IF_ERROR(
        transaction.Begin().WithContext("appending to the audit log: "));
    KINTSUGI_ASSIGN_OR_RETURN(
        AuditEntry entry, AppendInSqliteTransaction(db_.get(), record, clock_));
    KINTSUGI_RETURN_IF_ERROR(
        transaction.Commit().WithContext("appending to the audit log: "));
    return entry;
  }

  Result<AuditVerification> Verify(
      const std::optional<AuditHash>& expected_head) override {
    ChainCheck check(expected_head);
    KINTSUGI_RETURN_IF_ERROR(ForEachRow([&check](const StoredEntry& stored) {
      check.Add(stored);
      return Status::Ok();
    }));
    return check.Finish();
  }

  Status Export(const AuditVisitor& visit) override {
    return ForEachRow([&visit](const StoredEntry& stored) -> Status {
      KINTSUGI_ASSIGN_OR_RETURN(const AuditEntry entry, ReadEntry(stored));
      return visit(entry);
    });
  }

 private:
  // Hands each row, in seq order, to `visit`: one SELECT, so one snapshot.
  template <typename Visit>
  Status ForEachRow(const Visit& visit) {
    sqlite3_stmt* all = all_.get();
    SqliteStatementUse use(all);
    while (true) {
      const int code = sqlite3_step(all);
      if (code == SQLITE_DONE) return Status::Ok();
      if (code != SQLITE_ROW) {
        return SqliteStatus(code, db_.get(), "reading the audit log");
      }
      KINTSUGI_RETURN_IF_ERROR(visit(ReadRow(all)));
    }
  }

  // Declared first: the statements are finalized before the file closes.
  store::SqliteDb db_;
  AuditClock clock_;
  SqliteStatement all_;
};

}  // namespace

Result<AuditEntry> AppendInSqliteTransaction(sqlite3* db,
                                             const AuditRecord& record,
                                             const AuditClock& clock) {
  KINTSUGI_RETURN_IF_ERROR(ValidateAuditRecord(record));
  const std::string head_sql = std::string("SELECT ") + kColumns +
                               " FROM audit_log ORDER BY seq DESC LIMIT 1";
  KINTSUGI_ASSIGN_OR_RETURN(const SqliteStatement head,
                            store::SqlitePrepare(db, head_sql.c_str()));
  const int code = sqlite3_step(head.get());
  if (code != SQLITE_ROW && code != SQLITE_DONE) {
    return SqliteStatus(code, db, "reading the audit log's head");
  }
  std::optional<StoredEntry> last;
  if (code == SQLITE_ROW) last = ReadRow(head.get());
  KINTSUGI_ASSIGN_OR_RETURN(AuditEntry entry, NextEntry(record, last, clock));
  KINTSUGI_RETURN_IF_ERROR(Insert(db, entry));
  return entry;
}

Result<std::unique_ptr<AuditLog>> OpenSqliteAuditLog(const std::string& path,
                                                     KeyStoreCreation creation,
                                                     AuditClock clock) {
  KINTSUGI_ASSIGN_OR_RETURN(store::SqliteDb db,
                            store::OpenSqliteStoreFile(path, creation));
  auto log = std::make_unique<SqliteAuditLog>(std::move(db), std::move(clock));
  if (Status status = log->PrepareStatements(); !status.ok()) {
    return status.WithContext(path + ": ");
  }
  return std::unique_ptr<AuditLog>(std::move(log));
}

}  // namespace kintsugi::audit
