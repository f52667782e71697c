#pragma once

// What the audit log's backends share (include/kintsugi/audit.h): the
// entry a row becomes, the next entry made from the head, and the chain
// check Verify() runs over rows as stored. Internal.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kintsugi/audit.h"
#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

// The connections of the two backends, for the appends below.
struct sqlite3;
struct pg_conn;

namespace kintsugi::audit {

// pg_advisory_xact_lock's key for appends: "KAuditLg" in ASCII
// (docs/audit-log.md §4). Distinct from the migration lock. Whoever writes
// another table together with an entry takes it first too, so that its
// transactions are serialised with every append.
inline constexpr std::int64_t kPostgresAppendLock = 0x4b41756469744c67;

// A row of the audit table as read, nothing parsed: views into the
// backend's buffers, valid during the call they are passed to.
struct StoredEntry {
  std::int64_t seq = 0;
  std::string_view time;
  std::string_view actor;
  std::string_view organisation;
  std::string_view action;
  std::string_view object;
  std::string_view detail;
  ByteView prev_hash;
  ByteView hash;
};

// The last entry of a log: what the next one chains from.
struct Head {
  std::uint64_t seq = 0;
  AuditHash hash{};
};

// The entry that `record` becomes after `head` (nullopt: an empty log),
// stamped by `clock`. Fails as ValidateAuditRecord; kCorrupt for a head
// whose seq is not positive or whose hash is not 32 bytes.
Result<AuditEntry> NextEntry(const AuditRecord& record,
                             std::optional<StoredEntry> head,
                             const AuditClock& clock);

// `stored` as an entry, for Export: kUnsupported for an action this build
// does not know, kCorrupt for a seq below 1 or a hash not 32 bytes.
Result<AuditEntry> ReadEntry(const StoredEntry& stored);

// Walks rows in seq order and keeps the first break of the chain
// (docs/audit-log.md §3). With `expected_head`, a chain that holds but has
// no entry of that hash is truncated (zeros: the empty log's head, which
// every log starts from).
class ChainCheck {
 public:
  explicit ChainCheck(std::optional<AuditHash> expected_head)
      : expected_(expected_head) {}

  void Add(const StoredEntry& stored);
  // The verdict, once every row was added.
  AuditVerification Finish() const;

 private:
  std::optional<AuditHash> expected_;
  bool expected_seen_ = false;
  AuditVerification verification_;
  std::uint64_t last_seq_ = 0;
  Bytes last_hash_ = Bytes(32, 0);  // As stored: maybe not 32 bytes.
};

// Appends `record` as the next entry on the store file `db`, inside the
// caller's open transaction, which must hold the file's write lock (BEGIN
// IMMEDIATE): a change to another table of the file and its entry then
// commit or roll back together (the partner tables, src/partners/). Fails
// as AuditLog::Append.
Result<AuditEntry> AppendInSqliteTransaction(sqlite3* db,
                                             const AuditRecord& record,
                                             const AuditClock& clock);

// The same on a PostgreSQL store's connection, inside the caller's open
// transaction; takes kPostgresAppendLock (held to the transaction's end).
Result<AuditEntry> AppendInPostgresTransaction(pg_conn* conn,
                                               const AuditRecord& record,
                                               const AuditClock& clock);

// The backends (sqlite_audit_log.cpp, postgres_audit_log.cpp).
Result<std::unique_ptr<AuditLog>> OpenSqliteAuditLog(const std::string& path,
                                                     KeyStoreCreation creation,
                                                     AuditClock clock);
Result<std::unique_ptr<AuditLog>> OpenPostgresAuditLog(
    const std::string& conninfo, AuditClock clock);

}  // namespace kintsugi::audit
