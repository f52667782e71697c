// The partner tables in the PostgreSQL store (partner_db.h): the store's
// schema version 3 (src/store/postgres_store.cpp). Parameters travel as
// text and rows come back as text, so that both backends hand the same
// strings up; nothing is ever put into SQL text. A transaction takes the
// audit log's append lock first (audit::kPostgresAppendLock): partner
// writes are serialised with each other and with every append, and what a
// transaction read cannot change before it writes.

#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "audit/audit_log_internal.h"
#include "partners/partner_db.h"
#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kintsugi::partners::internal {
namespace {

class PostgresPartnerDb final : public PartnerDb {
 public:
  PostgresPartnerDb(store::PgConn conn, AuditClock clock)
      : conn_(std::move(conn)), clock_(std::move(clock)) {}

  Result<SqlResult> Run(std::string_view sql,
                        std::span<const SqlValue> params) override {
    if (!in_transaction_) KINTSUGI_RETURN_IF_ERROR(Reconnect());
    // Text parameters must end in a NUL for libpq: copies.
    std::vector<std::string> texts;
    texts.reserve(params.size());
    std::vector<const char*> values;
    for (const SqlValue& value : params) {
      if (const auto* text = std::get_if<std::string_view>(&value)) {
        if (!store::IsPgText(*text)) {
          return InvalidArgumentError(
              "text must be UTF-8 without NUL bytes in a PostgreSQL store");
        }
        texts.emplace_back(*text);
      } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
        texts.push_back(std::to_string(*number));
      } else {
        texts.emplace_back();
      }
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      values.push_back(std::holds_alternative<std::nullptr_t>(params[i])
                           ? nullptr
                           : texts[i].c_str());
    }
    const std::string text(sql);
    const store::PgResult result(
        PQexecParams(conn(), text.c_str(), static_cast<int>(values.size()),
                     nullptr, values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (result == nullptr ||
        (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)) {
      return store::PgStatus(result.get(), conn(), "the partner tables");
    }
    SqlResult out;
    const int rows = PQntuples(result.get());
    const int columns = PQnfields(result.get());
    for (int row = 0; row < rows; ++row) {
      SqlRow line;
      for (int column = 0; column < columns; ++column) {
        if (PQgetisnull(result.get(), row, column) != 0) {
          line.emplace_back(std::nullopt);
        } else {
          line.emplace_back(
              std::string(store::PgValue(result.get(), row, column)));
        }
      }
      out.rows.push_back(std::move(line));
    }
    const char* changed = PQcmdTuples(result.get());
    if (changed != nullptr && changed[0] != '\0') {
      out.changed = std::strtoll(changed, nullptr, 10);
    }
    return out;
  }

  Status Transaction(const std::function<Status()>& body) override {
    if (in_transaction_) return InternalError("a transaction is open already");
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        store::PgCommand(conn(), "BEGIN", "starting a transaction"));
    in_transaction_ = true;
    const std::string lock = "SELECT pg_advisory_xact_lock(" +
                             std::to_string(audit::kPostgresAppendLock) + ")";
    Status status =
        store::PgCommand(conn(), lock.c_str(), "locking the partner tables");
    if (status.ok()) status = body();
    in_transaction_ = false;
    if (status.ok()) status = store::PgCommand(conn(), "COMMIT", "committing");
    if (!status.ok()) {
      store::PgCommand(conn(), "ROLLBACK", "rollback").IgnoreError();
    }
    return status;
  }

  Result<AuditEntry> Append(const AuditRecord& record) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return audit::AppendInPostgresTransaction(conn(), record, clock_);
  }

  Status ImportKeys(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return store::PgImportKeys(conn(), records);
  }

  Status ReleaseKeys(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(InTransaction());
    return store::PgReleaseKeys(conn(), records);
  }

 private:
  PGconn* conn() { return conn_.get(); }

  Status InTransaction() const {
    return in_transaction_
               ? Status::Ok()
               : InternalError("outside a partner tables' transaction");
  }

  // A connection the server dropped (a restart) is made again before the
  // next statement outside a transaction.
  Status Reconnect() {
    return store::PgReconnectIfDropped(conn(), "the PostgreSQL partner tables")
        .status();
  }

  store::PgConn conn_;
  AuditClock clock_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<PartnerDb>> OpenPostgresPartnerDb(
    const std::string& conninfo, AuditClock clock) {
  KINTSUGI_ASSIGN_OR_RETURN(store::PgConn conn,
                            store::OpenPostgresStoreConnection(conninfo));
  return std::unique_ptr<PartnerDb>(
      std::make_unique<PostgresPartnerDb>(std::move(conn), std::move(clock)));
}

}  // namespace kintsugi::partners::internal
