#pragma once

// The storage under the partners (include/kintsugi/partners.h): one
// connection to the store's database (the SQLite file or the PostgreSQL
// database of the key store and the audit log), and nothing else. Every
// rule (who may do what, lockouts, four-eyes, embargoes) lives above it,
// once, in partners_*.cpp; the rows are read and written by
// partner_tables.cpp with one set of SQL for both backends. Internal.
//
// The SQL is PostgreSQL's: parameters $1, $2..., tables named
// kintsugi.NAME. The SQLite backend reads "$N" as SQLite's "?N" and drops
// the "kintsugi." prefix (its tables have none); the statements use only
// what both databases understand (INSERT ... RETURNING, LIMIT, COALESCE).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kintsugi/audit.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi::partners::internal {

// A value bound to a parameter: NULL, text (UTF-8, no NUL byte) or an
// integer. Text is a view: it must outlive the Run() it is passed to.
using SqlValue = std::variant<std::nullptr_t, std::string_view, std::int64_t>;

// A row as the database gives it back: each column as text (an integer in
// decimal), nullopt for NULL.
using SqlRow = std::vector<std::optional<std::string>>;

struct SqlResult {
  std::vector<SqlRow> rows;
  std::int64_t changed = 0;  // Rows an INSERT, UPDATE or DELETE touched.
};

class PartnerDb {
 public:
  virtual ~PartnerDb() = default;

  // Runs one statement with `params` ($1 is params[0]).
  virtual Result<SqlResult> Run(std::string_view sql,
                                std::span<const SqlValue> params) = 0;

  // Runs `body` in one transaction that holds the database's write lock
  // and the audit log's append lock from its start (SQLite: BEGIN
  // IMMEDIATE; PostgreSQL: the advisory lock every append takes): what
  // `body` reads cannot change before it writes, and its writes, its audit
  // entries and its keys commit together when it returns OK, or not at all.
  // Not nested.
  virtual Status Transaction(const std::function<Status()>& body) = 0;

  // Inside Transaction() only: the next audit log entry, and the key
  // store's Import and Release, on this connection.
  virtual Result<AuditEntry> Append(const AuditRecord& record) = 0;
  virtual Status ImportKeys(std::span<const KeyRecord> records) = 0;
  virtual Status ReleaseKeys(std::span<const KeyRecord> records) = 0;
};

// The backends. Each opens (and creates, when `creation` allows for an
// SQLite file) the store and brings its schema up to date, with the key
// store's errors. `clock` stamps audit entries.
Result<std::unique_ptr<PartnerDb>> OpenSqlitePartnerDb(
    const std::string& path, KeyStoreCreation creation, AuditClock clock);
Result<std::unique_ptr<PartnerDb>> OpenPostgresPartnerDb(
    const std::string& conninfo, AuditClock clock);

}  // namespace kintsugi::partners::internal
