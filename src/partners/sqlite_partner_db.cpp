// The partner tables in the SQLite store file (partner_db.h): the store's
// schema version 3 (src/store/sqlite_store.cpp). Statements are prepared
// once per connection and kept; a transaction is BEGIN IMMEDIATE, which
// holds the file's write lock, so that the audit log's appends and the key
// store's imports from other connections wait for it.

#include <sqlite3.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "audit/audit_log_internal.h"
#include "partners/partner_db.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_store.h"

namespace kintsugi::partners::internal {
namespace {

// The PostgreSQL spelling of partner_db.h in SQLite's: "$N" as "?N", no
// "kintsugi." schema.
std::string ToSqlite(std::string_view sql) {
  constexpr std::string_view kSchema = "kintsugi.";
  std::string out;
  out.reserve(sql.size());
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql.substr(i, kSchema.size()) == kSchema) {
      i += kSchema.size() - 1;
      continue;
    }
    const bool parameter = sql[i] == '$' && i + 1 < sql.size() &&
                           sql[i + 1] >= '0' && sql[i + 1] <= '9';
    out += parameter ? '?' : sql[i];
  }
  return out;
}

class SqlitePartnerDb final : public PartnerDb {
 public:
  SqlitePartnerDb(store::SqliteDb db, AuditClock clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}

  Result<SqlResult> Run(std::string_view sql,
                        std::span<const SqlValue> params) override {
    sqlite3* db = db_.get();
    KINTSUGI_ASSIGN_OR_RETURN(sqlite3_stmt* const statement, Prepared(sql));
    store::SqliteStatementUse use(statement);
    int index = 1;
    for (const SqlValue& value : params) {
      int code = SQLITE_OK;
      if (const auto* text = std::get_if<std::string_view>(&value)) {
        KINTSUGI_RETURN_IF_ERROR(
            store::SqliteBindText(db, statement, index, *text));
      } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
        code = sqlite3_bind_int64(statement, index, *number);
      } else {
        code = sqlite3_bind_null(statement, index);
      }
      if (code != SQLITE_OK) {
        return store::SqliteStatus(code, db, "binding a value");
      }
      ++index;
    }
    SqlResult result;
    const int columns = sqlite3_column_count(statement);
    while (true) {
      const int code = sqlite3_step(statement);
      if (code == SQLITE_DONE) break;
      if (code != SQLITE_ROW) {
        return store::SqliteStatus(code, db, "the partner tables");
      }
      SqlRow row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int column = 0; column < columns; ++column) {
        if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(store::SqliteColumnText(statement, column)));
        }
      }
      result.rows.push_back(std::move(row));
    }
    if (sqlite3_stmt_readonly(statement) == 0) {
      result.changed = sqlite3_changes64(db);
    }
    return result;
  }

  Status Transaction(const std::function<Status()>& body) override {
    if (in_transaction_) return InternalError("a transaction is open already");
    store::SqliteTransaction transaction(db_.get());
    KINTSUGI_RETURN_IF_ERROR(transaction.Begin());
    in_transaction_ = true;
    const Status status = body();
    in_transaction_ = false;
    KINTSUGI_RETURN_IF_ERROR(status);
    return transaction.Commit();
  }

  Result<AuditEntry> Append(const AuditRecord& record) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return audit::AppendInSqliteTransaction(db_.get(), record, clock_);
  }

  Status ImportKeys(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return store::SqliteImportKeys(db_.get(), records);
  }

  Status ReleaseKeys(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return store::SqliteReleaseKeys(db_.get(), records);
  }

 private:
  Status InTransaction() const {
    return in_transaction_
               ? Status::Ok()
               : InternalError("outside a partner tables' transaction");
  }

  // The kept statement for `sql`, prepared on first use.
  Result<sqlite3_stmt*> Prepared(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
      const std::string text = ToSqlite(sql);
      KINTSUGI_ASSIGN_OR_RETURN(store::SqliteStatement statement,
                                store::SqlitePrepare(db_.get(), text.c_str()));
      found = statements_.emplace(std::string(sql), std::move(statement)).first;
    }
    return found->second.get();
  }

  // Declared first: the statements are finalized before the file closes.
  store::SqliteDb db_;
  AuditClock clock_;
  std::map<std::string, store::SqliteStatement, std::less<>> statements_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<PartnerDb>> OpenSqlitePartnerDb(
    const std::string& path, KeyStoreCreation creation, AuditClock clock) {
  KINTSUGI_ASSIGN_OR_RETURN(store::SqliteDb db,
                            store::OpenSqliteStoreFile(path, creation));
  return std::unique_ptr<PartnerDb>(
      std::make_unique<SqlitePartnerDb>(std::move(db), std::move(clock)));
}

}  // namespace kintsugi::partners::internal
