// The SQLite key store: one file, WAL journal, one transaction per import,
// prepared statements kept for the store's life (include/kintsugi/store.h).
// The file is untrusted: a damaged or foreign file gives a Status, never a
// crash (SQLite checks its own pages; we check what we read back).

#include "store/sqlite_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"
#include "kintsugi/store.h"
#include "store/sqlite_connection.h"

namespace kintsugi {
namespace {

// Each step brings the schema from version i to i + 1 (kMigrations[i]).
// Append only: a released step is never edited, a fix is a new step.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the keys, unique per (family, handle kind, handle, key);
    // that index also serves lookups by handle and scans by family.
    R"sql(
CREATE TABLE keys(
  id INTEGER PRIMARY KEY,
  family TEXT NOT NULL,
  key_type TEXT NOT NULL,
  handle_kind TEXT NOT NULL,
  handle TEXT NOT NULL,
  key BLOB NOT NULL,
  source TEXT NOT NULL,
  case_reference TEXT NOT NULL,
  obtained TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('released', 'embargoed')),
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX keys_by_handle ON keys(family, handle_kind, handle, key);
)sql",
    // 1 -> 2: the audit log (include/kintsugi/audit.h, docs/audit-log.md),
    // in the same file as the keys. The triggers keep it append-only: a row
    // goes in only as the next seq, and none is ever changed or removed.
    // They stop mistakes, not whoever can write the file (they can drop
    // the triggers); the hash chain is what catches that.
    R"sql(
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY CHECK(seq >= 1),
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  organisation TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
  WHEN NEW.seq IS NOT (SELECT IFNULL(MAX(seq), 0) + 1 FROM audit_log)
  BEGIN SELECT RAISE(ABORT, 'the audit log only grows at its end'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // 2 -> 3: the partners (include/kintsugi/partners.h, docs/partners.md):
    // organisations, their users, API tokens and web sessions (stored as
    // SHA-256 hashes, never the tokens), and submissions. Times are RFC 3339
    // UTC text ('' for none), which sorts as it reads.
    R"sql(
CREATE TABLE organisations(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  organisation INTEGER NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  last_failure TEXT NOT NULL DEFAULT '',
  locked_until TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  last_login TEXT NOT NULL DEFAULT ''
);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scopes INTEGER NOT NULL,
  created TEXT NOT NULL,
  expires TEXT NOT NULL,
  revoked TEXT NOT NULL DEFAULT '',
  last_used TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created TEXT NOT NULL,
  expires TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE submissions(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  organisation INTEGER NOT NULL REFERENCES organisations(id),
  submitter INTEGER NOT NULL REFERENCES users(id),
  case_reference TEXT NOT NULL,
  embargo_until TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  state TEXT NOT NULL,
  summary TEXT NOT NULL,
  family TEXT NOT NULL DEFAULT '',
  key_count INTEGER NOT NULL DEFAULT 0,
  format TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL,
  reviewer INTEGER REFERENCES users(id),
  reviewed TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  embargo_held INTEGER NOT NULL DEFAULT 0,
  embargo_lifted TEXT NOT NULL DEFAULT ''
);
CREATE INDEX submissions_by_state ON submissions(state, id);
CREATE INDEX submissions_by_organisation ON submissions(organisation, id);
)sql",
};
static_assert(std::size(kMigrations) == store::kSqliteSchemaVersion);

constexpr int kBusyTimeoutMs = 5000;

using Db = store::SqliteDb;
using Statement = store::SqliteStatement;
using StatementUse = store::SqliteStatementUse;
using Transaction = store::SqliteTransaction;
using store::SqliteStatus;

using store::SqliteBindText;
using store::SqliteColumnText;
using store::SqliteExec;
using store::SqlitePrepare;

// Lengths are bounded by limits.h (ValidateKeyRecord) far below INT_MAX.
int Length(std::size_t size) { return static_cast<int>(size); }

// The row of a SELECT of kRecordColumns, as a record; kCorrupt for values
// this build does not know (a damaged or hand-edited file).
constexpr const char* kRecordColumns =
    "family, key_type, handle_kind, handle, key, source, case_reference, "
    "obtained, state";

Result<KeyRecord> ReadRecord(sqlite3_stmt* statement) {
  KeyRecord record;
  record.family = std::string(SqliteColumnText(statement, 0));
  auto key_type = ParseKeyType(SqliteColumnText(statement, 1));
  auto handle_kind = ParseHandleKind(SqliteColumnText(statement, 2));
  auto state = ParseReleaseState(SqliteColumnText(statement, 8));
  if (!key_type || !handle_kind || !state) {
    return CorruptError("the key store holds a record this build cannot read");
  }
  record.key_type = *key_type;
  record.handle.kind = *handle_kind;
  record.handle.value = std::string(SqliteColumnText(statement, 3));
  const void* key = sqlite3_column_blob(statement, 4);
  const int key_size = sqlite3_column_bytes(statement, 4);
  if (key == nullptr || key_size <= 0) {
    return CorruptError("the key store holds a record without a key");
  }
  record.key = SecretBytes(ByteView(static_cast<const std::uint8_t*>(key),
                                    static_cast<std::size_t>(key_size)));
  record.provenance.source = std::string(SqliteColumnText(statement, 5));
  record.provenance.case_reference =
      std::string(SqliteColumnText(statement, 6));
  record.provenance.date = std::string(SqliteColumnText(statement, 7));
  record.state = *state;
  return record;
}

// Runs a kept SELECT of kRecordColumns, its parameters bound, and hands
// each row to `visit`.
Status VisitRows(sqlite3* db, sqlite3_stmt* statement,
                 const KeyVisitor& visit) {
  while (true) {
    const int code = sqlite3_step(statement);
    if (code == SQLITE_DONE) return Status::Ok();
    if (code != SQLITE_ROW) return SqliteStatus(code, db, "reading keys");
    KINTSUGI_ASSIGN_OR_RETURN(const KeyRecord record, ReadRecord(statement));
    KINTSUGI_RETURN_IF_ERROR(visit(record));
  }
}

Status BindRecord(sqlite3* db, sqlite3_stmt* insert, const KeyRecord& record) {
  KINTSUGI_RETURN_IF_ERROR(SqliteBindText(db, insert, 1, record.family));
  KINTSUGI_RETURN_IF_ERROR(
      SqliteBindText(db, insert, 2, KeyTypeName(record.key_type)));
  KINTSUGI_RETURN_IF_ERROR(
      SqliteBindText(db, insert, 3, HandleKindName(record.handle.kind)));
  KINTSUGI_RETURN_IF_ERROR(SqliteBindText(db, insert, 4, record.handle.value));
  const ByteView key = record.key.view();
  const int code = sqlite3_bind_blob(insert, 5, key.data(), Length(key.size()),
                                     SQLITE_STATIC);
  if (code != SQLITE_OK) return SqliteStatus(code, db, "binding the key");
  KINTSUGI_RETURN_IF_ERROR(
      SqliteBindText(db, insert, 6, record.provenance.source));
  KINTSUGI_RETURN_IF_ERROR(
      SqliteBindText(db, insert, 7, record.provenance.case_reference));
  KINTSUGI_RETURN_IF_ERROR(
      SqliteBindText(db, insert, 8, record.provenance.date));
  return SqliteBindText(db, insert, 9, ReleaseStateName(record.state));
}

constexpr const char* kInsertSql =
    "INSERT INTO keys(family, key_type, handle_kind, handle, key, source, "
    "case_reference, obtained, state) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9)";

// Stores `records` with the kept statement `insert` (kInsertSql), inside
// the caller's transaction.
Status InsertRecords(sqlite3* db, sqlite3_stmt* insert,
                     std::span<const KeyRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const KeyRecord& record = records[i];
    const std::string where = fmt::format("record {}", i + 1);
    KINTSUGI_RETURN_IF_ERROR(ValidateKeyRecord(record).WithContext(where));
    StatementUse use(insert);
    KINTSUGI_RETURN_IF_ERROR(BindRecord(db, insert, record));
    const int code = sqlite3_step(insert);
    if ((code & 0xff) == SQLITE_CONSTRAINT) {
      return AlreadyExistsError(fmt::format(
          "{}: the same {} key under the same handle is already stored", where,
          record.family));
    }
    if (code != SQLITE_DONE) {
      return SqliteStatus(code, db, where + ": storing the key");
    }
  }
  return Status::Ok();
}

class SqliteKeyStore final : public KeyStore {
 public:
  explicit SqliteKeyStore(Db db) : db_(std::move(db)) {}

  Status PrepareStatements() {
    KINTSUGI_ASSIGN_OR_RETURN(insert_, SqlitePrepare(db_.get(), kInsertSql));
    const std::string lookup = fmt::format(
        "SELECT {} FROM keys WHERE family = ?1 AND handle_kind = ?2 AND "
        "handle = ?3 AND state = 'released' ORDER BY id",
        kRecordColumns);
    KINTSUGI_ASSIGN_OR_RETURN(lookup_,
                              SqlitePrepare(db_.get(), lookup.c_str()));
    const std::string released = fmt::format(
        "SELECT {} FROM keys WHERE family = ?1 AND state = 'released' "
        "ORDER BY id",
        kRecordColumns);
    KINTSUGI_ASSIGN_OR_RETURN(released_,
                              SqlitePrepare(db_.get(), released.c_str()));
    const std::string all =
        fmt::format("SELECT {} FROM keys ORDER BY id", kRecordColumns);
    KINTSUGI_ASSIGN_OR_RETURN(export_, SqlitePrepare(db_.get(), all.c_str()));
    KINTSUGI_ASSIGN_OR_RETURN(
        stats_, SqlitePrepare(db_.get(),
                              "SELECT family, state, COUNT(*) FROM keys "
                              "GROUP BY family, state "
                              "ORDER BY family, state = 'embargoed'"));
    return Status::Ok();
  }

  Status Import(std::span<const KeyRecord> records) override {
    Transaction transaction(db_.get());
    KINTSUGI_RETURN_IF_ERROR(transaction.Begin());
    KINTSUGI_RETURN_IF_ERROR(InsertRecords(db_.get(), insert_.get(), records));
    return transaction.Commit();
  }

  Status Release(std::span<const KeyRecord> records) override {
    Transaction transaction(db_.get());
    KINTSUGI_RETURN_IF_ERROR(transaction.Begin());
    KINTSUGI_RETURN_IF_ERROR(store::SqliteReleaseKeys(db_.get(), records));
    return transaction.Commit();
  }

  Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                        const KeyHandle& handle) override {
    sqlite3_stmt* lookup = lookup_.get();
    StatementUse use(lookup);
    KINTSUGI_RETURN_IF_ERROR(SqliteBindText(db_.get(), lookup, 1, family));
    KINTSUGI_RETURN_IF_ERROR(
        SqliteBindText(db_.get(), lookup, 2, HandleKindName(handle.kind)));
    KINTSUGI_RETURN_IF_ERROR(
        SqliteBindText(db_.get(), lookup, 3, handle.value));
    std::vector<KeyRecord> found;
    KINTSUGI_RETURN_IF_ERROR(
        VisitRows(db_.get(), lookup, [&found](const KeyRecord& record) {
          found.push_back(record);
          return Status::Ok();
        }));
    return found;
  }

  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    sqlite3_stmt* released = released_.get();
    StatementUse use(released);
    KINTSUGI_RETURN_IF_ERROR(SqliteBindText(db_.get(), released, 1, family));
    return VisitRows(db_.get(), released, visit);
  }

  Result<KeyStoreStats> Stats() override {
    sqlite3_stmt* stats = stats_.get();
    StatementUse use(stats);
    KeyStoreStats result;
    while (true) {
      const int code = sqlite3_step(stats);
      if (code == SQLITE_DONE) return result;
      if (code != SQLITE_ROW) {
        return SqliteStatus(code, db_.get(), "counting keys");
      }
      KeyStoreStats::Row row;
      row.family = std::string(SqliteColumnText(stats, 0));
      auto state = ParseReleaseState(SqliteColumnText(stats, 1));
      const sqlite3_int64 count = sqlite3_column_int64(stats, 2);
      if (!state || count < 0) {
        return CorruptError("the key store holds a record of unknown state");
      }
      row.state = *state;
      row.count = static_cast<std::uint64_t>(count);
      result.rows.push_back(std::move(row));
    }
  }

  Status Export(const KeyVisitor& visit) override {
    sqlite3_stmt* all = export_.get();
    StatementUse use(all);
    return VisitRows(db_.get(), all, visit);
  }

 private:
  // Declared first: the statements are finalized before the database
  // closes.
  Db db_;
  Statement insert_;
  Statement lookup_;
  Statement released_;
  Statement export_;
  Statement stats_;
};

// Makes the missing folders of `folder`, each 0700 (keys live below).
Status MakeFolders(const std::filesystem::path& folder) {
  if (folder.empty()) return Status::Ok();
  struct stat info {};
  if (::stat(folder.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) {
      return AlreadyExistsError(folder.string() + " is not a folder");
    }
    return Status::Ok();
  }
  if (errno != ENOENT) return ErrnoToStatus(errno, "stat " + folder.string());
  if (folder.has_parent_path() && folder.parent_path() != folder) {
    KINTSUGI_RETURN_IF_ERROR(MakeFolders(folder.parent_path()));
  }
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoToStatus(errno, "mkdir " + folder.string());
  }
  return Status::Ok();
}

// Creates an empty file at `path`, mode 0600 whatever the umask, unless a
// file is there already (then its mode is the owner's choice).
Status CreatePrivateFile(const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return ErrnoToStatus(errno, "create " + path);
  }
  const int chmod_result = ::fchmod(fd, 0600);
  const int chmod_errno = errno;
  ::close(fd);
  if (chmod_result != 0) return ErrnoToStatus(chmod_errno, "chmod " + path);
  return Status::Ok();
}

// The version in schema_version; kNoSchemaVersion for a new, empty
// database.
constexpr int kNoSchemaVersion = -1;

Result<int> SchemaVersion(sqlite3* db) {
  Statement tables;
  KINTSUGI_ASSIGN_OR_RETURN(
      tables,
      SqlitePrepare(db,
                    "SELECT SUM(name = 'schema_version'), COUNT(*) FROM "
                    "sqlite_schema WHERE type = 'table'"));
  int code = sqlite3_step(tables.get());
  if (code != SQLITE_ROW) return SqliteStatus(code, db, "reading the schema");
  const sqlite3_int64 has_version = sqlite3_column_int64(tables.get(), 0);
  const sqlite3_int64 table_count = sqlite3_column_int64(tables.get(), 1);
  if (has_version == 0) {
    if (table_count != 0) {
      return InvalidArgumentError(
          "an SQLite database but not a Kintsugi key store (no "
          "schema_version table)");
    }
    return kNoSchemaVersion;
  }
  Statement version;
  KINTSUGI_ASSIGN_OR_RETURN(
      version,
      SqlitePrepare(db,
                    "SELECT version, (SELECT COUNT(*) FROM schema_version) "
                    "FROM schema_version"));
  code = sqlite3_step(version.get());
  if (code != SQLITE_ROW) {
    if (code == SQLITE_DONE) return CorruptError("schema_version is empty");
    return SqliteStatus(code, db, "reading schema_version");
  }
  const sqlite3_int64 value = sqlite3_column_int64(version.get(), 0);
  if (sqlite3_column_type(version.get(), 0) != SQLITE_INTEGER ||
      sqlite3_column_int64(version.get(), 1) != 1 || value < 0 ||
      value > INT_MAX) {
    return CorruptError("schema_version does not hold one version number");
  }
  return static_cast<int>(value);
}

// Applies the missing migrations in one transaction.
Status Migrate(sqlite3* db) {
  Transaction transaction(db);
  KINTSUGI_RETURN_IF_ERROR(transaction.Begin());
  KINTSUGI_ASSIGN_OR_RETURN(const int version, SchemaVersion(db));
  if (version > store::kSqliteSchemaVersion) {
    return UnsupportedError(fmt::format(
        "the key store has schema version {}, written by a newer Kintsugi; "
        "this one reads up to version {}",
        version, store::kSqliteSchemaVersion));
  }
  if (version == store::kSqliteSchemaVersion) return transaction.Commit();
  if (version == kNoSchemaVersion) {
    KINTSUGI_RETURN_IF_ERROR(
        SqliteExec(db,
                   "CREATE TABLE schema_version(version INTEGER NOT NULL); "
                   "INSERT INTO schema_version VALUES(0)",
                   "creating schema_version"));
  }
  for (int step = std::max(version, 0); step < store::kSqliteSchemaVersion;
       ++step) {
    const std::string what = fmt::format("migrating to version {}", step + 1);
    KINTSUGI_RETURN_IF_ERROR(
        SqliteExec(db, kMigrations[static_cast<std::size_t>(step)], what));
    const std::string update =
        fmt::format("UPDATE schema_version SET version = {}", step + 1);
    KINTSUGI_RETURN_IF_ERROR(SqliteExec(db, update.c_str(), what));
  }
  return transaction.Commit();
}

}  // namespace

Status store::SqliteImportKeys(sqlite3* db,
                               std::span<const KeyRecord> records) {
  KINTSUGI_ASSIGN_OR_RETURN(const Statement insert,
                            SqlitePrepare(db, kInsertSql));
  return InsertRecords(db, insert.get(), records);
}

Status store::SqliteReleaseKeys(sqlite3* db,
                                std::span<const KeyRecord> records) {
  KINTSUGI_ASSIGN_OR_RETURN(
      const Statement release,
      SqlitePrepare(db,
                    "UPDATE keys SET state = 'released' WHERE family = ?1 AND "
                    "handle_kind = ?2 AND handle = ?3 AND key = ?4"));
  sqlite3_stmt* update = release.get();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const KeyRecord& record = records[i];
    const std::string where = fmt::format("record {}", i + 1);
    KINTSUGI_RETURN_IF_ERROR(ValidateKeyRecord(record).WithContext(where));
    StatementUse use(update);
    KINTSUGI_RETURN_IF_ERROR(SqliteBindText(db, update, 1, record.family));
    KINTSUGI_RETURN_IF_ERROR(
        SqliteBindText(db, update, 2, HandleKindName(record.handle.kind)));
    KINTSUGI_RETURN_IF_ERROR(
        SqliteBindText(db, update, 3, record.handle.value));
    const ByteView key = record.key.view();
    const int bound = sqlite3_bind_blob(update, 4, key.data(),
                                        Length(key.size()), SQLITE_STATIC);
    if (bound != SQLITE_OK) return SqliteStatus(bound, db, "binding the key");
    const int code = sqlite3_step(update);
    if (code != SQLITE_DONE) {
      return SqliteStatus(code, db, where + ": releasing the key");
    }
    if (sqlite3_changes(db) == 0) {
      return NotFoundError(
          fmt::format("{}: no such {} key under that handle is stored", where,
                      record.family));
    }
  }
  return Status::Ok();
}

Result<store::SqliteDb> store::OpenSqliteStoreFile(const std::string& path,
                                                   KeyStoreCreation creation) {
  if (path.empty()) return InvalidArgumentError("no key store path given");
  if (creation == KeyStoreCreation::kCreateIfMissing) {
    KINTSUGI_RETURN_IF_ERROR(
        MakeFolders(std::filesystem::path(path).parent_path()));
    KINTSUGI_RETURN_IF_ERROR(CreatePrivateFile(path));
  } else {
    // SQLite is opened without SQLITE_OPEN_CREATE below: a store removed
    // between this check and the open fails there, and is not made.
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      const int error = errno;
      if (error == ENOENT || error == ENOTDIR) {
        return NotFoundError(path + ": no key store there");
      }
      return ErrnoToStatus(error, path + ": opening the key store");
    }
  }

  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  Db db(raw);
  const auto context = [&path](Status status) {
    return status.WithContext(path + ": ");
  };
  if (code != SQLITE_OK) {
    return context(SqliteStatus(code, db.get(), "opening the key store"));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // The first statement that reads the file: a foreign or damaged file
  // fails here with SQLITE_NOTADB or SQLITE_CORRUPT. WAL lets lookups run
  // while an import writes; secure_delete overwrites deleted keys.
  Status status = SqliteExec(db.get(), "PRAGMA journal_mode = WAL",
                             "opening the key store");
  if (status.ok()) {
    status = SqliteExec(db.get(),
                        "PRAGMA secure_delete = ON; PRAGMA trusted_schema "
                        "= OFF; PRAGMA cell_size_check = ON",
                        "configuring the key store");
  }
  if (status.ok()) status = Migrate(db.get());
  if (!status.ok()) return context(status);
  return db;
}

Result<std::unique_ptr<KeyStore>> OpenSqliteKeyStore(
    const std::string& path, KeyStoreCreation creation) {
  KINTSUGI_ASSIGN_OR_RETURN(Db db, store::OpenSqliteStoreFile(path, creation));
  auto store = std::make_unique<SqliteKeyStore>(std::move(db));
  if (Status status = store->PrepareStatements(); !status.ok()) {
    return status.WithContext(path + ": ");
  }
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace kintsugi
