// The PostgreSQL key store: one connection per KeyStore (libpq), tables in
// their own schema, schema migrations serialised by an advisory lock, every
// import one transaction sent as a pipeline of prepared inserts, scans
// through a cursor (include/kintsugi/store.h; docs/key-format.md §7).
//
// Every value travels as a binary parameter of a prepared or parameterised
// statement, never in SQL text. Key bytes are bytea; they are never part of
// a Status (server messages are reduced to their primary text, which for
// bytea never quotes the value), and the result buffers that held them are
// wiped before they are freed.

#include "store/postgres_store.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/store.h"
#include "store/postgres_connection.h"

namespace kintsugi {
namespace {

// Each step brings the schema from version i to i + 1 (kMigrations[i]).
// Append only: a released step is never edited, a fix is a new step.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the keys. Text compares and sorts by bytes (COLLATE "C"), as
    // in SQLite, whatever the database's locale. Unique per (family, handle
    // kind, handle, key); the key enters the index as its SHA-256, since a
    // B-tree entry cannot hold a 64 KiB key. That index also serves lookups
    // by handle and scans by family.
    R"sql(
CREATE TABLE kintsugi.keys(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  family TEXT COLLATE "C" NOT NULL,
  key_type TEXT COLLATE "C" NOT NULL,
  handle_kind TEXT COLLATE "C" NOT NULL,
  handle TEXT COLLATE "C" NOT NULL,
  key BYTEA NOT NULL,
  source TEXT NOT NULL,
  case_reference TEXT NOT NULL,
  obtained TEXT NOT NULL,
  state TEXT COLLATE "C" NOT NULL CHECK(state IN ('released', 'embargoed')),
  imported_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX keys_by_handle
  ON kintsugi.keys(family, handle_kind, handle, sha256(key));
)sql",
    // 1 -> 2: the audit log (include/kintsugi/audit.h, docs/audit-log.md),
    // in the same database as the keys. The triggers keep it append-only: a
    // row goes in only as the next seq, and none is ever changed, removed
    // or truncated away. They stop mistakes, not a role that may drop them;
    // the hash chain is what catches that.
    R"sql(
CREATE TABLE kintsugi.audit_log(
  seq BIGINT PRIMARY KEY CHECK(seq >= 1),
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  organisation TEXT NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash BYTEA NOT NULL,
  hash BYTEA NOT NULL
);
CREATE FUNCTION kintsugi.audit_log_check_append() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS DISTINCT FROM
      (SELECT COALESCE(MAX(seq), 0) + 1 FROM kintsugi.audit_log) THEN
    RAISE EXCEPTION 'the audit log only grows at its end';
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION kintsugi.audit_log_refuse() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE INSERT ON kintsugi.audit_log
  FOR EACH ROW EXECUTE FUNCTION kintsugi.audit_log_check_append();
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE
  ON kintsugi.audit_log
  FOR EACH ROW EXECUTE FUNCTION kintsugi.audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON kintsugi.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION kintsugi.audit_log_refuse();
)sql",
    // 2 -> 3: the partners (include/kintsugi/partners.h, docs/partners.md):
    // organisations, their users, API tokens and web sessions (stored as
    // SHA-256 hashes, never the tokens), and submissions. Times are RFC 3339
    // UTC text ('' for none), which sorts as it reads; flags are integers,
    // as in SQLite, so that both backends read the same rows.
    R"sql(
CREATE TABLE kintsugi.organisations(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  kind TEXT COLLATE "C" NOT NULL,
  created TEXT COLLATE "C" NOT NULL
);
CREATE TABLE kintsugi.users(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  organisation BIGINT NOT NULL REFERENCES kintsugi.organisations(id),
  role TEXT COLLATE "C" NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  last_failure TEXT COLLATE "C" NOT NULL DEFAULT '',
  locked_until TEXT COLLATE "C" NOT NULL DEFAULT '',
  created TEXT COLLATE "C" NOT NULL,
  last_login TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TABLE kintsugi.api_tokens(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES kintsugi.users(id),
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scopes INTEGER NOT NULL,
  created TEXT COLLATE "C" NOT NULL,
  expires TEXT COLLATE "C" NOT NULL,
  revoked TEXT COLLATE "C" NOT NULL DEFAULT '',
  last_used TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_by_user ON kintsugi.api_tokens(user_id);
CREATE TABLE kintsugi.sessions(
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES kintsugi.users(id),
  csrf TEXT COLLATE "C" NOT NULL,
  created TEXT COLLATE "C" NOT NULL,
  expires TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_user ON kintsugi.sessions(user_id);
CREATE TABLE kintsugi.submissions(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind TEXT COLLATE "C" NOT NULL,
  organisation BIGINT NOT NULL REFERENCES kintsugi.organisations(id),
  submitter BIGINT NOT NULL REFERENCES kintsugi.users(id),
  case_reference TEXT NOT NULL,
  embargo_until TEXT COLLATE "C" NOT NULL DEFAULT '',
  created TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  summary TEXT NOT NULL,
  family TEXT COLLATE "C" NOT NULL DEFAULT '',
  key_count BIGINT NOT NULL DEFAULT 0,
  format TEXT COLLATE "C" NOT NULL DEFAULT '',
  content TEXT NOT NULL,
  reviewer BIGINT REFERENCES kintsugi.users(id),
  reviewed TEXT COLLATE "C" NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  embargo_held INTEGER NOT NULL DEFAULT 0,
  embargo_lifted TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX submissions_by_state ON kintsugi.submissions(state, id);
CREATE INDEX submissions_by_organisation
  ON kintsugi.submissions(organisation, id);
)sql",
};
static_assert(std::size(kMigrations) == store::kPostgresSchemaVersion);

// How many inserts go to the server before their results are read: few
// enough that the server's replies (a few bytes each) never fill the
// socket while we are still writing, many enough to hide the round trips.
constexpr std::size_t kPipelineBatch = 256;
// Rows per FETCH of a scan: bounded memory (keys are at most 64 KiB).
constexpr const char* kFetch = "FETCH 256 FROM kintsugi_scan";
using Conn = store::PgConn;
using Params = store::PgParams;
using store::IsPgText;
using store::PgCommand;
using store::PgConnect;
using store::PgResult;
using store::PgStatus;
using store::PgTrimmedLine;
using store::PgValue;

constexpr const char* kRecordColumns =
    "family, key_type, handle_kind, handle, key, source, case_reference, "
    "obtained, state";
constexpr int kRecordColumnCount = 9;
constexpr const char* kInsertSql =
    "INSERT INTO kintsugi.keys(family, key_type, handle_kind, handle, key, "
    "source, case_reference, obtained, state) "
    "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr int kKeyColumn = 4;

// Overwrites the key column of every row of `result` before it is freed.
void WipeKeys(PGresult* result) {
  if (result == nullptr || PQnfields(result) <= kKeyColumn) return;
  for (int row = 0; row < PQntuples(result); ++row) {
    const int length = PQgetlength(result, row, kKeyColumn);
    if (length > 0) {
      volatile char* bytes = PQgetvalue(result, row, kKeyColumn);
      for (int i = 0; i < length; ++i) bytes[i] = 0;
    }
  }
}

struct KeyWipingClearer {
  void operator()(PGresult* result) const {
    WipeKeys(result);
    PQclear(result);
  }
};
using KeyResult = std::unique_ptr<PGresult, KeyWipingClearer>;

// Row `row` of a binary SELECT of kRecordColumns, as a record; kCorrupt for
// values this build does not know (a hand-edited table).
Result<KeyRecord> ReadRecord(const PGresult* result, int row) {
  for (int column = 0; column < kRecordColumnCount; ++column) {
    if (PQgetisnull(result, row, column) != 0) {
      return CorruptError("the key store holds a record with a NULL field");
    }
  }
  KeyRecord record;
  record.family = std::string(PgValue(result, row, 0));
  auto key_type = ParseKeyType(PgValue(result, row, 1));
  auto handle_kind = ParseHandleKind(PgValue(result, row, 2));
  auto state = ParseReleaseState(PgValue(result, row, 8));
  if (!key_type || !handle_kind || !state) {
    return CorruptError("the key store holds a record this build cannot read");
  }
  record.key_type = *key_type;
  record.handle.kind = *handle_kind;
  record.handle.value = std::string(PgValue(result, row, 3));
  const std::string_view key = PgValue(result, row, kKeyColumn);
  if (key.empty()) {
    return CorruptError("the key store holds a record without a key");
  }
  record.key = SecretBytes(
      ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  record.provenance.source = std::string(PgValue(result, row, 5));
  record.provenance.case_reference = std::string(PgValue(result, row, 6));
  record.provenance.date = std::string(PgValue(result, row, 7));
  record.state = *state;
  return record;
}

// A record's fields as the insert's parameters $1..$9.
Params InsertParams(const KeyRecord& record) {
  Params params;
  params.Add(std::string_view(record.family));
  params.Add(KeyTypeName(record.key_type));
  params.Add(HandleKindName(record.handle.kind));
  params.Add(std::string_view(record.handle.value));
  params.Add(record.key.view());
  params.Add(std::string_view(record.provenance.source));
  params.Add(std::string_view(record.provenance.case_reference));
  params.Add(std::string_view(record.provenance.date));
  params.Add(ReleaseStateName(record.state));
  return params;
}

Status CheckText(const KeyRecord& record) {
  for (std::string_view text :
       {std::string_view(record.family), std::string_view(record.handle.value),
        std::string_view(record.provenance.source),
        std::string_view(record.provenance.case_reference),
        std::string_view(record.provenance.date)}) {
    if (!IsPgText(text)) {
      return InvalidArgumentError(
          "the family, handle, source, case reference and date must be UTF-8 "
          "text without NUL bytes in a PostgreSQL key store");
    }
  }
  return Status::Ok();
}

// Reads the results of the inserts of records [first, sent) and the
// sync that follows them.
Status ReadInsertResults(PGconn* conn, std::span<const KeyRecord> records,
                         std::size_t first, std::size_t sent) {
  Status failure;
  if (PQpipelineSync(conn) != 1) {
    return PgStatus(nullptr, conn, "sending the import");
  }
  std::size_t next = first;
  int nulls = 0;  // Two in a row: nothing more will come.
  while (nulls < 2) {
    const PgResult result(PQgetResult(conn));
    if (result == nullptr) {
      ++nulls;
      continue;
    }
    nulls = 0;
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) return failure;
    const std::size_t index = next++;
    if (status == PGRES_COMMAND_OK || !failure.ok()) continue;
    if (index >= sent) {  // A result no insert of ours asked for.
      failure = PgStatus(result.get(), conn, "importing");
      continue;
    }
    const std::string where = fmt::format("record {}", index + 1);
    const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    if (sqlstate != nullptr && std::string_view(sqlstate) == "23505") {
      failure = AlreadyExistsError(fmt::format(
          "{}: the same {} key under the same handle is already stored", where,
          records[index].family));
    } else {
      failure = PgStatus(result.get(), conn, where + ": storing the key");
    }
  }
  if (failure.ok()) {
    failure = PgStatus(nullptr, conn, "reading the import's results");
  }
  return failure;
}

// Sends the inserts kPipelineBatch at a time in pipeline mode (with the
// statement `prepared` on `conn`, or kInsertSql when null) and reads
// their results; the first failure (in record order) wins. Leaves the
// connection out of pipeline mode, in the transaction.
Status InsertAll(PGconn* conn, std::span<const KeyRecord> records,
                 const char* prepared) {
  if (PQenterPipelineMode(conn) != 1) {
    return PgStatus(nullptr, conn, "starting the import");
  }
  Status failure;
  for (std::size_t first = 0; first < records.size() && failure.ok();) {
    const std::size_t end = std::min(records.size(), first + kPipelineBatch);
    std::size_t sent = first;
    Status refused;  // A record refused before it was sent.
    for (; sent < end; ++sent) {
      const KeyRecord& record = records[sent];
      const std::string where = fmt::format("record {}", sent + 1);
      refused = ValidateKeyRecord(record);
      if (refused.ok()) refused = CheckText(record);
      if (!refused.ok()) {
        refused = refused.WithContext(where + ": ");
        break;
      }
      const Params params = InsertParams(record);
      const int queued =
          prepared != nullptr
              ? PQsendQueryPrepared(conn, prepared, params.count(),
                                    params.values(), params.lengths(),
                                    params.formats(), 0)
              : PQsendQueryParams(conn, kInsertSql, params.count(), nullptr,
                                  params.values(), params.lengths(),
                                  params.formats(), 0);
      if (queued != 1) {
        refused = PgStatus(nullptr, conn, where + ": storing the key");
        break;
      }
    }
    Status results = ReadInsertResults(conn, records, first, sent);
    failure = !results.ok() ? results : refused;
    first = sent;
  }
  if (PQexitPipelineMode(conn) != 1 && failure.ok()) {
    failure = PgStatus(nullptr, conn, "ending the import");
  }
  return failure;
}

// Marks each record's stored key released, inside the caller's
// transaction (KeyStore::Release).
Status ReleaseAll(PGconn* conn, std::span<const KeyRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const KeyRecord& record = records[i];
    const std::string where = fmt::format("record {}", i + 1);
    Status valid = ValidateKeyRecord(record);
    if (valid.ok()) valid = CheckText(record);
    KINTSUGI_RETURN_IF_ERROR(valid.WithContext(where + ": "));
    Params params;
    params.Add(std::string_view(record.family));
    params.Add(HandleKindName(record.handle.kind));
    params.Add(std::string_view(record.handle.value));
    params.Add(record.key.view());
    // sha256(key) first: the unique index's expression, so that it is used.
    const PgResult updated(PQexecParams(
        conn,
        "UPDATE kintsugi.keys SET state = 'released' WHERE family = $1 AND "
        "handle_kind = $2 AND handle = $3 AND sha256(key) = sha256($4::bytea) "
        "AND key = $4::bytea",
        params.count(), nullptr, params.values(), params.lengths(),
        params.formats(), 0));
    if (PQresultStatus(updated.get()) != PGRES_COMMAND_OK) {
      return PgStatus(updated.get(), conn, where + ": releasing the key");
    }
    if (std::string_view(PQcmdTuples(updated.get())) == "0") {
      return NotFoundError(
          fmt::format("{}: no such {} key under that handle is stored", where,
                      record.family));
    }
  }
  return Status::Ok();
}

struct Statement {
  const char* name;
  std::string sql;
};

std::vector<Statement> Statements() {
  return {
      {"kintsugi_insert", kInsertSql},
      {"kintsugi_lookup",
       fmt::format("SELECT {} FROM kintsugi.keys WHERE family = $1 AND "
                   "handle_kind = $2 AND handle = $3 AND state = 'released' "
                   "ORDER BY id",
                   kRecordColumns)},
      {"kintsugi_stats",
       "SELECT family, state, COUNT(*) FROM kintsugi.keys "
       "GROUP BY family, state ORDER BY family, state = 'embargoed'"},
  };
}

class PostgresKeyStore final : public KeyStore {
 public:
  explicit PostgresKeyStore(Conn conn) : conn_(std::move(conn)) {}

  Status PrepareStatements() {
    for (const Statement& statement : Statements()) {
      const PgResult result(
          PQprepare(conn(), statement.name, statement.sql.c_str(), 0, nullptr));
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        return PgStatus(result.get(), conn(), "preparing a statement");
      }
    }
    return Status::Ok();
  }

  Status Import(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), "BEGIN", "starting a transaction"));
    Status status = InsertAll(conn(), records, "kintsugi_insert");
    if (status.ok()) status = PgCommand(conn(), "COMMIT", "committing");
    if (!status.ok()) PgCommand(conn(), "ROLLBACK", "rollback").IgnoreError();
    return status;
  }

  Status Release(std::span<const KeyRecord> records) override {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), "BEGIN", "starting a transaction"));
    Status status = ReleaseAll(conn(), records);
    if (status.ok()) status = PgCommand(conn(), "COMMIT", "committing");
    if (!status.ok()) PgCommand(conn(), "ROLLBACK", "rollback").IgnoreError();
    return status;
  }

  Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                        const KeyHandle& handle) override {
    std::vector<KeyRecord> found;
    // Nothing that is not PostgreSQL text can have been stored.
    if (!IsPgText(family) || !IsPgText(handle.value)) return found;
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    Params params;
    params.Add(family);
    params.Add(HandleKindName(handle.kind));
    params.Add(std::string_view(handle.value));
    const KeyResult result(PQexecPrepared(conn(), "kintsugi_lookup",
                                          params.count(), params.values(),
                                          params.lengths(), params.formats(),
                                          /*resultFormat=*/1));
    KINTSUGI_RETURN_IF_ERROR(CheckRows(result.get(), "looking a key up"));
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      KINTSUGI_ASSIGN_OR_RETURN(KeyRecord record,
                                ReadRecord(result.get(), row));
      found.push_back(std::move(record));
    }
    return found;
  }

  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    if (!IsPgText(family)) return Status::Ok();
    Params params;
    params.Add(family);
    const std::string sql = fmt::format(
        "DECLARE kintsugi_scan NO SCROLL CURSOR FOR SELECT {} FROM "
        "kintsugi.keys WHERE family = $1 AND state = 'released' ORDER BY id",
        kRecordColumns);
    return Scan(sql, params, visit);
  }

  Result<KeyStoreStats> Stats() override {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    const PgResult result(PQexecPrepared(conn(), "kintsugi_stats", 0, nullptr,
                                         nullptr, nullptr, /*resultFormat=*/1));
    KINTSUGI_RETURN_IF_ERROR(CheckRows(result.get(), "counting keys"));
    KeyStoreStats stats;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      KeyStoreStats::Row line;
      line.family = std::string(PgValue(result.get(), row, 0));
      auto state = ParseReleaseState(PgValue(result.get(), row, 1));
      const std::string_view count = PgValue(result.get(), row, 2);
      if (!state || count.size() != 8 || (count[0] & 0x80) != 0) {
        return CorruptError("the key store holds a record of unknown state");
      }
      for (char byte : count) {  // int8, big-endian.
        line.count = (line.count << 8) | static_cast<unsigned char>(byte);
      }
      line.state = *state;
      stats.rows.push_back(std::move(line));
    }
    return stats;
  }

  Status Export(const KeyVisitor& visit) override {
    const std::string sql = fmt::format(
        "DECLARE kintsugi_scan NO SCROLL CURSOR FOR SELECT {} FROM "
        "kintsugi.keys ORDER BY id",
        kRecordColumns);
    return Scan(sql, Params(), visit);
  }

 private:
  PGconn* conn() { return conn_.get(); }

  // A connection the server or the network dropped is made again (and its
  // statements prepared again) before the next operation, so that a
  // long-lived store survives a database restart.
  Status Reconnect() {
    KINTSUGI_ASSIGN_OR_RETURN(
        const bool reconnected,
        store::PgReconnectIfDropped(conn(), "the PostgreSQL key store"));
    return reconnected ? PrepareStatements() : Status::Ok();
  }

  Status CheckRows(const PGresult* result, std::string_view what) {
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      return PgStatus(result, conn(), what);
    }
    return Status::Ok();
  }

  // Runs `declare` (a DECLARE kintsugi_scan CURSOR with `params`) in a
  // read-only snapshot and hands each row to `visit`, fetching a batch at a
  // time: the visitor may look keys up between batches.
  Status Scan(const std::string& declare, const Params& params,
              const KeyVisitor& visit) {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        PgCommand(conn(), "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                  "starting a scan"));
    Status status = ScanRows(declare, params, visit);
    // Read only: ending it either way closes the cursor.
    const Status ended =
        PgCommand(conn(), status.ok() ? "COMMIT" : "ROLLBACK", "ending a scan");
    return status.ok() ? ended : status;
  }

  Status ScanRows(const std::string& declare, const Params& params,
                  const KeyVisitor& visit) {
    {
      const PgResult declared(
          PQexecParams(conn(), declare.c_str(), params.count(), nullptr,
                       params.values(), params.lengths(), params.formats(), 0));
      if (PQresultStatus(declared.get()) != PGRES_COMMAND_OK) {
        return PgStatus(declared.get(), conn(), "reading keys");
      }
    }
    while (true) {
      const KeyResult batch(PQexecParams(conn(), kFetch, 0, nullptr, nullptr,
                                         nullptr, nullptr,
                                         /*resultFormat=*/1));
      KINTSUGI_RETURN_IF_ERROR(CheckRows(batch.get(), "reading keys"));
      const int rows = PQntuples(batch.get());
      if (rows == 0) return Status::Ok();
      for (int row = 0; row < rows; ++row) {
        KINTSUGI_ASSIGN_OR_RETURN(const KeyRecord record,
                                  ReadRecord(batch.get(), row));
        KINTSUGI_RETURN_IF_ERROR(visit(record));
      }
    }
  }

  Conn conn_;
};

// One value of a text-format result.
std::string_view TextValue(const PGresult* result, int row, int column) {
  return PgValue(result, row, column);
}

// Brings the schema up to date in one transaction, under the migration
// lock: several portals opening one new database at once migrate it once.
Status Migrate(PGconn* conn) {
  KINTSUGI_RETURN_IF_ERROR(PgCommand(conn, "BEGIN", "starting a transaction"));
  const auto run = [conn]() -> Status {
    const std::string lock = std::to_string(store::kPostgresMigrationLock);
    const std::string schema = store::kPostgresSchema;
    const char* lock_value = lock.c_str();
    {
      const PgResult locked(
          PQexecParams(conn, "SELECT pg_advisory_xact_lock($1::bigint)", 1,
                       nullptr, &lock_value, nullptr, nullptr, 0));
      if (PQresultStatus(locked.get()) != PGRES_TUPLES_OK) {
        return PgStatus(locked.get(), conn, "locking the schema");
      }
    }
    const char* schema_value = schema.c_str();
    const PgResult tables(PQexecParams(
        conn,
        "SELECT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = $1), "
        "to_regclass($1 || '.schema_version') IS NOT NULL, "
        "to_regclass($1 || '.keys') IS NOT NULL",
        1, nullptr, &schema_value, nullptr, nullptr, 0));
    if (PQresultStatus(tables.get()) != PGRES_TUPLES_OK ||
        PQntuples(tables.get()) != 1) {
      return PgStatus(tables.get(), conn, "reading the schema");
    }
    const bool has_schema = TextValue(tables.get(), 0, 0) == "t";
    const bool has_version = TextValue(tables.get(), 0, 1) == "t";
    const bool has_keys = TextValue(tables.get(), 0, 2) == "t";
    if (!has_version) {
      if (has_keys) {
        return InvalidArgumentError(
            "a PostgreSQL database but not a Kintsugi key store (a "
            "kintsugi.keys table without kintsugi.schema_version)");
      }
      if (!has_schema) {
        KINTSUGI_RETURN_IF_ERROR(PgCommand(conn, "CREATE SCHEMA kintsugi",
                                           "creating the kintsugi schema"));
      }
      KINTSUGI_RETURN_IF_ERROR(PgCommand(
          conn,
          "CREATE TABLE kintsugi.schema_version(version INTEGER NOT NULL); "
          "INSERT INTO kintsugi.schema_version VALUES(0)",
          "creating kintsugi.schema_version"));
    }
    const PgResult version(
        PQexec(conn,
               "SELECT version, (SELECT COUNT(*) FROM kintsugi.schema_version) "
               "FROM kintsugi.schema_version"));
    if (PQresultStatus(version.get()) != PGRES_TUPLES_OK) {
      return PgStatus(version.get(), conn, "reading kintsugi.schema_version");
    }
    if (PQntuples(version.get()) == 0) {
      return CorruptError("kintsugi.schema_version is empty");
    }
    const std::string text(TextValue(version.get(), 0, 0));
    const std::string rows(TextValue(version.get(), 0, 1));
    if (PQntuples(version.get()) != 1 || rows != "1" ||
        PQgetisnull(version.get(), 0, 0) != 0 || text.empty() ||
        text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      return CorruptError(
          "kintsugi.schema_version does not hold one version number");
    }
    const int current = std::stoi(text);
    if (current > store::kPostgresSchemaVersion) {
      return UnsupportedError(fmt::format(
          "the key store has schema version {}, written by a newer Kintsugi; "
          "this one reads up to version {}",
          current, store::kPostgresSchemaVersion));
    }
    for (int step = current; step < store::kPostgresSchemaVersion; ++step) {
      const std::string what = fmt::format("migrating to version {}", step + 1);
      KINTSUGI_RETURN_IF_ERROR(
          PgCommand(conn, kMigrations[static_cast<std::size_t>(step)], what));
      const std::string next = std::to_string(step + 1);
      const char* next_value = next.c_str();
      const PgResult updated(PQexecParams(
          conn, "UPDATE kintsugi.schema_version SET version = $1::integer", 1,
          nullptr, &next_value, nullptr, nullptr, 0));
      if (PQresultStatus(updated.get()) != PGRES_COMMAND_OK) {
        return PgStatus(updated.get(), conn, what);
      }
    }
    return Status::Ok();
  };
  Status status = run();
  if (status.ok()) status = PgCommand(conn, "COMMIT", "committing the schema");
  if (!status.ok()) PgCommand(conn, "ROLLBACK", "rollback").IgnoreError();
  return status;
}

}  // namespace

Status store::PgImportKeys(PGconn* conn, std::span<const KeyRecord> records) {
  return InsertAll(conn, records, nullptr);
}

Status store::PgReleaseKeys(PGconn* conn, std::span<const KeyRecord> records) {
  return ReleaseAll(conn, records);
}

Result<store::PgConn> store::OpenPostgresStoreConnection(
    const std::string& conninfo) {
  if (conninfo.empty()) {
    return InvalidArgumentError("no PostgreSQL connection string given");
  }
  KINTSUGI_ASSIGN_OR_RETURN(Conn conn, PgConnect(conninfo));
  if (Status migrated = Migrate(conn.get()); !migrated.ok()) {
    return migrated.WithContext(RedactConninfo(conninfo) + ": ");
  }
  return conn;
}

Result<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(
    const std::string& conninfo) {
  KINTSUGI_ASSIGN_OR_RETURN(Conn conn,
                            store::OpenPostgresStoreConnection(conninfo));
  auto store = std::make_unique<PostgresKeyStore>(std::move(conn));
  if (Status prepared = store->PrepareStatements(); !prepared.ok()) {
    return prepared.WithContext(store::RedactConninfo(conninfo) + ": ");
  }
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace kintsugi
