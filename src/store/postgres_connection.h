#pragma once

// The libpq connection of a PostgreSQL store and the small pieces every
// table of its schema is read and written with: the key store
// (postgres_store.cpp) and the audit log (src/audit/) share one database
// and one kintsugi.schema_version. Internal.

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::store {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// libpq's message `text` up to its first line break, without trailing
// blanks.
std::string_view PgTrimmedLine(const char* text);

// The Status for a failed statement: the code from its SQLSTATE
// (https://www.postgresql.org/docs/current/errcodes-appendix.html), the
// message from the server's primary text only (never its DETAIL, which may
// quote row values). `result` may be null (no memory, connection lost).
Status PgStatus(const PGresult* result, PGconn* conn, std::string_view what);

// Runs `sql` (no parameters) and checks it completed.
Status PgCommand(PGconn* conn, const char* sql, std::string_view what);

// Makes a connection the server or the network dropped (a restart) again,
// so that a long-lived store survives a database restart: false when it
// was fine, true when it was made again (statements prepared on it are
// gone), kUnavailable naming `what` ("the PostgreSQL key store") when it
// cannot be.
Result<bool> PgReconnectIfDropped(PGconn* conn, std::string_view what);

// Whether `text` is UTF-8 without NUL bytes: what a PostgreSQL text value
// can be (the SQLite store takes any bytes).
bool IsPgText(std::string_view text);

// The parameters of one statement, all in binary format with explicit
// lengths (a text value is its UTF-8 bytes; bytea is its raw bytes). The
// values are views: what they point at must outlive the call.
class PgParams {
 public:
  void Add(std::string_view text) {
    values_.push_back(text.data());
    lengths_.push_back(static_cast<int>(text.size()));
    formats_.push_back(1);
  }
  void Add(ByteView bytes) {
    values_.push_back(reinterpret_cast<const char*>(bytes.data()));
    lengths_.push_back(static_cast<int>(bytes.size()));
    formats_.push_back(1);
  }
  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// The bytes of one value of `result` (empty for NULL).
std::string_view PgValue(const PGresult* result, int row, int column);

// Connects to `conninfo` (UTF-8, connect_timeout 10 s unless it sets one,
// notices ignored). Errors name the server and database, never the
// password: kInvalidArgument for a malformed string, kUnavailable,
// kUnauthenticated, kPermissionDenied, kNotFound (OpenPostgresKeyStore).
Result<PgConn> PgConnect(const std::string& conninfo);

// Connects as PgConnect does and brings the store's schema up to date (the
// keys and the audit log, postgres_store.cpp kMigrations); errors name the
// database as OpenPostgresKeyStore documents.
Result<PgConn> OpenPostgresStoreConnection(const std::string& conninfo);

}  // namespace kintsugi::store
