// The audit log in the PostgreSQL store (include/kintsugi/audit.h;
// docs/audit-log.md §4): the table kintsugi.audit_log, made by the store's
// schema version 2 (src/store/postgres_store.cpp). An append takes a
// transaction-level advisory lock that every appender takes, then reads
// the head and inserts the next entry: appends from other connections and
// processes wait and chain after it. An advisory lock rather than LOCK
// TABLE, which needs UPDATE or DELETE on the table, privileges an
// append-only role should not have.
//
// Values travel as binary parameters, rows come back in binary; reads go
// through a cursor in one read-only snapshot.

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "audit/audit_log_internal.h"
#include "kintsugi/audit.h"
#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kintsugi::audit {
namespace {

using store::PgCommand;
using store::PgResult;
using store::PgStatus;
using store::PgValue;

constexpr const char* kColumns =
    "seq, time, actor, organisation, action, object, detail, prev_hash, hash";
constexpr int kColumnCount = 9;
// Rows per FETCH: bounded memory (a detail is at most 16 KiB).
constexpr const char* kFetch = "FETCH 256 FROM kintsugi_audit_scan";

std::string BigEndian(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[7 - i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
  return bytes;
}

ByteView AsBytes(std::string_view value) { return ByteView::FromString(value); }

// Row `row` of a binary SELECT of kColumns; a seq that is not an int8 (a
// table altered by hand) reads as 0, which the chain check reports.
StoredEntry ReadRow(const PGresult* result, int row) {
  StoredEntry stored;
  const std::string_view seq = PgValue(result, row, 0);
  if (seq.size() == 8) {
    std::uint64_t value = 0;
    for (const char byte : seq) {
      value = (value << 8) | static_cast<unsigned char>(byte);
    }
    stored.seq = static_cast<std::int64_t>(value);
  }
  stored.time = PgValue(result, row, 1);
  stored.actor = PgValue(result, row, 2);
  stored.organisation = PgValue(result, row, 3);
  stored.action = PgValue(result, row, 4);
  stored.object = PgValue(result, row, 5);
  stored.detail = PgValue(result, row, 6);
  stored.prev_hash = AsBytes(PgValue(result, row, 7));
  stored.hash = AsBytes(PgValue(result, row, 8));
  return stored;
}

class PostgresAuditLog final : public AuditLog {
 public:
  PostgresAuditLog(store::PgConn conn, AuditClock clock)
      : conn_(std::move(conn)), clock_(std::move(clock)) {}

  Result<AuditEntry> Append(const AuditRecord& record) override {
    KINTSUGI_RETURN_IF_ERROR(ValidateAuditRecord(record));
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), "BEGIN", "appending to the audit log"));
    Result<AuditEntry> entry =
        AppendInPostgresTransaction(conn(), record, clock_);
    Status status = entry.status();
    if (status.ok()) {
      status = PgCommand(conn(), "COMMIT", "appending to the audit log");
    }
    if (!status.ok()) {
      PgCommand(conn(), "ROLLBACK", "rollback").IgnoreError();
      return status;
    }
    return entry;
  }

  Result<AuditVerification> Verify(
      const std::optional<AuditHash>& expected_head) override {
    ChainCheck check(expected_head);
    KINTSUGI_RETURN_IF_ERROR(Scan([&check](const StoredEntry& stored) {
      check.Add(stored);
      return Status::Ok();
    }));
    return check.Finish();
  }

  Status Export(const AuditVisitor& visit) override {
    return Scan([&visit](const StoredEntry& stored) -> Status {
      KINTSUGI_ASSIGN_OR_RETURN(const AuditEntry entry, ReadEntry(stored));
      return visit(entry);
    });
  }

 private:
  PGconn* conn() { return conn_.get(); }

  // A connection the server dropped (a restart) is made again before the
  // next operation.
  Status Reconnect() {
    return store::PgReconnectIfDropped(conn(), "the PostgreSQL audit log")
        .status();
  }

  // Hands each row, in seq order, to `visit`, from one read-only snapshot,
  // a batch at a time.
  template <typename Visit>
  Status Scan(const Visit& visit) {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                  "reading the audit log"));
    Status status = ScanRows(visit);
    const Status ended = PgCommand(conn(), status.ok() ? "COMMIT" : "ROLLBACK",
                                   "reading the audit log");
    return status.ok() ? ended : status;
  }

  template <typename Visit>
  Status ScanRows(const Visit& visit) {
    const std::string declare = fmt::format(
        "DECLARE kintsugi_audit_scan NO SCROLL CURSOR FOR SELECT {} FROM "
        "kintsugi.audit_log ORDER BY seq",
        kColumns);
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), declare.c_str(), "reading the audit log"));
    while (true) {
      const PgResult batch(PQexecParams(conn(), kFetch, 0, nullptr, nullptr,
                                        nullptr, nullptr,
                                        /*resultFormat=*/1));
      if (PQresultStatus(batch.get()) != PGRES_TUPLES_OK ||
          PQnfields(batch.get()) != kColumnCount) {
        return PgStatus(batch.get(), conn(), "reading the audit log");
      }
      const int rows = PQntuples(batch.get());
      if (rows == 0) return Status::Ok();
      for (int row = 0; row < rows; ++row) {
        KINTSUGI_RETURN_IF_ERROR(visit(ReadRow(batch.get(), row)));
      }
    }
  }

  store::PgConn conn_;
  AuditClock clock_;
};

}  // namespace

Result<AuditEntry> AppendInPostgresTransaction(pg_conn* conn,
                                               const AuditRecord& record,
                                               const AuditClock& clock) {
  KINTSUGI_RETURN_IF_ERROR(ValidateAuditRecord(record));
  const std::string lock =
      fmt::format("SELECT pg_advisory_xact_lock({})", kPostgresAppendLock);
  KINTSUGI_RETURN_IF_ERROR(
      PgCommand(conn, lock.c_str(), "locking the audit log"));
  const std::string head_sql = fmt::format(
      "SELECT {} FROM kintsugi.audit_log ORDER BY seq DESC "
      "LIMIT 1",
      kColumns);
  const PgResult head(PQexecParams(conn, head_sql.c_str(), 0, nullptr, nullptr,
                                   nullptr, nullptr,
                                   /*resultFormat=*/1));
  if (PQresultStatus(head.get()) != PGRES_TUPLES_OK ||
      PQnfields(head.get()) != kColumnCount) {
    return PgStatus(head.get(), conn, "reading the audit log's head");
  }
  std::optional<StoredEntry> last;
  if (PQntuples(head.get()) > 0) last = ReadRow(head.get(), 0);
  KINTSUGI_ASSIGN_OR_RETURN(AuditEntry entry, NextEntry(record, last, clock));
  const std::string seq = BigEndian(entry.seq);
  store::PgParams params;
  params.Add(std::string_view(seq));
  params.Add(std::string_view(entry.time));
  params.Add(std::string_view(entry.actor));
  params.Add(std::string_view(entry.organisation));
  params.Add(AuditActionName(entry.action));
  params.Add(std::string_view(entry.object));
  params.Add(std::string_view(entry.detail));
  params.Add(ByteView(entry.prev_hash.data(), entry.prev_hash.size()));
  params.Add(ByteView(entry.hash.data(), entry.hash.size()));
  const std::string insert = fmt::format(
      "INSERT INTO kintsugi.audit_log({}) VALUES($1::bigint, $2, $3, $4, "
      "$5, $6, $7, $8::bytea, $9::bytea)",
      kColumns);
  const PgResult inserted(PQexecParams(conn, insert.c_str(), params.count(),
                                       nullptr, params.values(),
                                       params.lengths(), params.formats(), 0));
  if (PQresultStatus(inserted.get()) != PGRES_COMMAND_OK) {
    return PgStatus(inserted.get(), conn, "appending to the audit log");
  }
  return entry;
}

Result<std::unique_ptr<AuditLog>> OpenPostgresAuditLog(
    const std::string& conninfo, AuditClock clock) {
  KINTSUGI_ASSIGN_OR_RETURN(store::PgConn conn,
                            store::OpenPostgresStoreConnection(conninfo));
  return std::unique_ptr<AuditLog>(
      std::make_unique<PostgresAuditLog>(std::move(conn), std::move(clock)));
}

}  // namespace kintsugi::audit
