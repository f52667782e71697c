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
};
static_assert(std::size(kMigrations) == store::kPostgresSchemaVersion);

// How many inserts go to the server before their results are read: few
// enough that the server's replies (a few bytes each) never fill the
// socket while we are still writing, many enough to hide the round trips.
constexpr std::size_t kPipelineBatch = 256;
// Rows per FETCH of a scan: bounded memory (keys are at most 64 KiB).
constexpr const char* kFetch = "FETCH 256 FROM kintsugi_scan";
// libpq's connect_timeout unless the URL sets one: a store that does not
// answer is an error, not a hang.
constexpr const char* kConnectTimeoutSeconds = "10";

constexpr const char* kRecordColumns =
    "family, key_type, handle_kind, handle, key, source, case_reference, "
    "obtained, state";
constexpr int kRecordColumnCount = 9;
constexpr int kKeyColumn = 4;

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

void IgnoreNotice(void*, const char*) {}

std::string_view TrimmedLine(const char* text) {
  std::string_view line = text == nullptr ? "" : text;
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

// The Status for a failed statement: the code from its SQLSTATE
// (https://www.postgresql.org/docs/current/errcodes-appendix.html), the
// message from the server's primary text only (never its DETAIL, which may
// quote row values). `result` may be null (no memory, connection lost).
Status PgStatus(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* sqlstate = result == nullptr
                             ? nullptr
                             : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary =
      result == nullptr ? nullptr
                        : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message =
      fmt::format("{}: {}", what,
                  primary != nullptr ? std::string_view(primary)
                                     : TrimmedLine(PQerrorMessage(conn)));
  if (sqlstate == nullptr || std::strlen(sqlstate) != 5) {
    // No server answer: the connection is gone or libpq ran out of memory.
    if (PQstatus(conn) == CONNECTION_BAD) return UnavailableError(message);
    return InternalError(message);
  }
  const std::string_view state(sqlstate, 5);
  const std::string_view group = state.substr(0, 2);
  if (state == "23505") return AlreadyExistsError(message);
  if (state == "57014") return CancelledError(message);
  if (state == "53300" || state == "57P01" || state == "57P02" ||
      state == "57P03" || state == "40001" || state == "40P01" ||
      group == "08") {
    return UnavailableError(message);
  }
  if (group == "28") return UnauthenticatedError(message);
  if (state == "42501") return PermissionDeniedError(message);
  if (group == "53" || group == "54") return ResourceExhaustedError(message);
  if (group == "22" || group == "23") return InvalidArgumentError(message);
  if (state == "3D000") return NotFoundError(message);
  if (state == "XX001" || state == "XX002") return CorruptError(message);
  if (group == "58") return IoError(message);
  return InternalError(message);
}

// Runs `sql` (no parameters) and checks it completed.
Status Command(PGconn* conn, const char* sql, std::string_view what) {
  const PgResult result(PQexec(conn, sql));
  const ExecStatusType status = PQresultStatus(result.get());
  if (result == nullptr ||
      (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
    return PgStatus(result.get(), conn, what);
  }
  return Status::Ok();
}

// Whether `text` is UTF-8 without NUL bytes: what a PostgreSQL text value
// can be (the SQLite store takes any bytes).
bool IsPgText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return false;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((byte & 0xe0) == 0xc0) {
      length = 2;
      code = byte & 0x1fu;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
      code = byte & 0x0fu;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4;
      code = byte & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    constexpr std::array<std::uint32_t, 5> kSmallest = {0, 0, 0x80, 0x800,
                                                        0x10000};
    if (code < kSmallest[length] || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

// The parameters of one statement, all in binary format with explicit
// lengths (a text value is its UTF-8 bytes; bytea is its raw bytes). The
// values are views: what they point at must outlive the call.
class Params {
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

std::string_view Value(const PGresult* result, int row, int column) {
  const int length = PQgetlength(result, row, column);
  if (length <= 0) return {};
  return std::string_view(PQgetvalue(result, row, column),
                          static_cast<std::size_t>(length));
}

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
  record.family = std::string(Value(result, row, 0));
  auto key_type = ParseKeyType(Value(result, row, 1));
  auto handle_kind = ParseHandleKind(Value(result, row, 2));
  auto state = ParseReleaseState(Value(result, row, 8));
  if (!key_type || !handle_kind || !state) {
    return CorruptError("the key store holds a record this build cannot read");
  }
  record.key_type = *key_type;
  record.handle.kind = *handle_kind;
  record.handle.value = std::string(Value(result, row, 3));
  const std::string_view key = Value(result, row, kKeyColumn);
  if (key.empty()) {
    return CorruptError("the key store holds a record without a key");
  }
  record.key = SecretBytes(
      ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  record.provenance.source = std::string(Value(result, row, 5));
  record.provenance.case_reference = std::string(Value(result, row, 6));
  record.provenance.date = std::string(Value(result, row, 7));
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

struct Statement {
  const char* name;
  std::string sql;
};

std::vector<Statement> Statements() {
  return {
      {"kintsugi_insert",
       "INSERT INTO kintsugi.keys(family, key_type, handle_kind, handle, key, "
       "source, case_reference, obtained, state) "
       "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
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
        Command(conn(), "BEGIN", "starting a transaction"));
    Status status = InsertAll(records);
    if (status.ok()) status = Command(conn(), "COMMIT", "committing");
    if (!status.ok()) Command(conn(), "ROLLBACK", "rollback").IgnoreError();
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
      line.family = std::string(Value(result.get(), row, 0));
      auto state = ParseReleaseState(Value(result.get(), row, 1));
      const std::string_view count = Value(result.get(), row, 2);
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
    if (PQstatus(conn()) != CONNECTION_BAD) return Status::Ok();
    PQreset(conn());
    if (PQstatus(conn()) != CONNECTION_OK) {
      return UnavailableError(
          fmt::format("the PostgreSQL key store's connection was lost and "
                      "could not be made again: {}",
                      TrimmedLine(PQerrorMessage(conn()))));
    }
    return PrepareStatements();
  }

  Status CheckRows(const PGresult* result, std::string_view what) {
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      return PgStatus(result, conn(), what);
    }
    return Status::Ok();
  }

  // Sends the inserts kPipelineBatch at a time in pipeline mode and reads
  // their results; the first failure (in record order) wins. Leaves the
  // connection out of pipeline mode, in the transaction.
  Status InsertAll(std::span<const KeyRecord> records) {
    if (PQenterPipelineMode(conn()) != 1) {
      return PgStatus(nullptr, conn(), "starting the import");
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
        if (PQsendQueryPrepared(conn(), "kintsugi_insert", params.count(),
                                params.values(), params.lengths(),
                                params.formats(), 0) != 1) {
          refused = PgStatus(nullptr, conn(), where + ": storing the key");
          break;
        }
      }
      Status results = ReadInsertResults(records, first, sent);
      failure = !results.ok() ? results : refused;
      first = sent;
    }
    if (PQexitPipelineMode(conn()) != 1 && failure.ok()) {
      failure = PgStatus(nullptr, conn(), "ending the import");
    }
    return failure;
  }

  // Reads the results of the inserts of records [first, sent) and the
  // sync that follows them.
  Status ReadInsertResults(std::span<const KeyRecord> records,
                           std::size_t first, std::size_t sent) {
    Status failure;
    if (PQpipelineSync(conn()) != 1) {
      return PgStatus(nullptr, conn(), "sending the import");
    }
    std::size_t next = first;
    int nulls = 0;  // Two in a row: nothing more will come.
    while (nulls < 2) {
      const PgResult result(PQgetResult(conn()));
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
        failure = PgStatus(result.get(), conn(), "importing");
        continue;
      }
      const std::string where = fmt::format("record {}", index + 1);
      const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      if (sqlstate != nullptr && std::string_view(sqlstate) == "23505") {
        failure = AlreadyExistsError(fmt::format(
            "{}: the same {} key under the same handle is already stored",
            where, records[index].family));
      } else {
        failure = PgStatus(result.get(), conn(), where + ": storing the key");
      }
    }
    if (failure.ok()) {
      failure = PgStatus(nullptr, conn(), "reading the import's results");
    }
    return failure;
  }

  // Runs `declare` (a DECLARE kintsugi_scan CURSOR with `params`) in a
  // read-only snapshot and hands each row to `visit`, fetching a batch at a
  // time: the visitor may look keys up between batches.
  Status Scan(const std::string& declare, const Params& params,
              const KeyVisitor& visit) {
    KINTSUGI_RETURN_IF_ERROR(Reconnect());
    KINTSUGI_RETURN_IF_ERROR(
        Command(conn(), "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                "starting a scan"));
    Status status = ScanRows(declare, params, visit);
    // Read only: ending it either way closes the cursor.
    const Status ended =
        Command(conn(), status.ok() ? "COMMIT" : "ROLLBACK", "ending a scan");
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
  return Value(result, row, column);
}

// Brings the schema up to date in one transaction, under the migration
// lock: several portals opening one new database at once migrate it once.
Status Migrate(PGconn* conn) {
  KINTSUGI_RETURN_IF_ERROR(Command(conn, "BEGIN", "starting a transaction"));
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
        KINTSUGI_RETURN_IF_ERROR(Command(conn, "CREATE SCHEMA kintsugi",
                                         "creating the kintsugi schema"));
      }
      KINTSUGI_RETURN_IF_ERROR(Command(
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
          Command(conn, kMigrations[static_cast<std::size_t>(step)], what));
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
  if (status.ok()) status = Command(conn, "COMMIT", "committing the schema");
  if (!status.ok()) Command(conn, "ROLLBACK", "rollback").IgnoreError();
  return status;
}

// libpq's message on one line, without any password of `conninfo`.
std::string ConnectionMessage(const char* libpq_message,
                              const std::string& conninfo,
                              const std::string& password) {
  std::string message = libpq_message == nullptr ? "" : libpq_message;
  for (char& c : message) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  std::string single;
  for (char c : message) {
    if (c == ' ' && (single.empty() || single.back() == ' ')) continue;
    single += c;
  }
  while (!single.empty() && single.back() == ' ') single.pop_back();
  return store::ScrubPasswords(std::move(single), conninfo, password);
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

Result<Conn> Connect(const std::string& conninfo) {
  const std::string shown = store::RedactConninfo(conninfo);
  // A malformed string is the caller's mistake, not a server that is down.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    const std::string why = ConnectionMessage(
        parse_error == nullptr ? "out of memory" : parse_error, conninfo, "");
    PQfreemem(parse_error);
    return InvalidArgumentError(fmt::format(
        "{}: not a valid PostgreSQL connection string: {}", shown, why));
  }
  std::string password;
  for (const PQconninfoOption* option = options; option->keyword != nullptr;
       ++option) {
    if (std::string_view(option->keyword) == "password" &&
        option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  // Later entries win: the string's own connect_timeout and
  // application_name beat ours; client_encoding is always UTF8.
  const char* const keywords[] = {"connect_timeout",
                                  "fallback_application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {kConnectTimeoutSeconds, "kintsugi",
                                conninfo.c_str(), "UTF8", nullptr};
  Conn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return ResourceExhaustedError("out of memory connecting to " + shown);
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string why =
        ConnectionMessage(PQerrorMessage(conn.get()), conninfo, password);
    const std::string message = fmt::format(
        "cannot connect to the PostgreSQL key store {}: {}", shown, why);
    if (Contains(why, "authentication failed") ||
        Contains(why, "no password supplied") || Contains(why, "role \"")) {
      return UnauthenticatedError(message);
    }
    if (Contains(why, "no pg_hba.conf entry") ||
        Contains(why, "permission denied")) {
      return PermissionDeniedError(message);
    }
    if (Contains(why, "database \"") && Contains(why, "does not exist")) {
      return NotFoundError(message);
    }
    return UnavailableError(message);
  }
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

}  // namespace

Result<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(
    const std::string& conninfo) {
  if (conninfo.empty()) {
    return InvalidArgumentError("no PostgreSQL connection string given");
  }
  KINTSUGI_ASSIGN_OR_RETURN(Conn conn, Connect(conninfo));
  const std::string context = store::RedactConninfo(conninfo) + ": ";
  if (Status migrated = Migrate(conn.get()); !migrated.ok()) {
    return migrated.WithContext(context);
  }
  auto store = std::make_unique<PostgresKeyStore>(std::move(conn));
  if (Status prepared = store->PrepareStatements(); !prepared.ok()) {
    return prepared.WithContext(context);
  }
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace kintsugi
