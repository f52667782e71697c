#pragma once

// The audit log (issue 12): every partner action (a login, a submission, a
// review, a release, a key import...) as one entry of an append-only,
// hash-chained log, in the same database as the key store (one --db names
// both). Each entry's hash covers its fields and the hash of the entry
// before it (docs/audit-log.md §2, byte by byte), so that an edited,
// removed or reordered entry breaks the chain where it happened, and
// Verify() names the first bad entry. A tail cut off cleanly leaves a valid
// chain: it is caught only against a head recorded elsewhere (Verify's
// `expected_head`).
//
// One interface, two backends (SQLite, PostgreSQL), both run through the
// same conformance suite (src/audit/audit_conformance_test.cpp). An
// AuditLog is used by one thread at a time; open one per thread. Appends
// from several AuditLogs, threads or processes on one database still make
// one chain.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi {

// What was done. The names (AuditActionName) are stored, hashed and
// exported (docs/audit-log.md §1): append only, never rename or reuse.
enum class AuditAction : std::uint8_t {
  kLogin,          // "login": a user signed in.
  kLoginFailed,    // "login-failed": a wrong password or second factor.
  kLogout,         // "logout": a user signed out.
  kSubmit,         // "submit": a key dump or family definition submitted.
  kReviewApprove,  // "review-approve": a reviewer approved a submission.
  kReviewReject,   // "review-reject": a reviewer rejected one.
  kRelease,        // "release": a signed knowledge-base release was made.
  kTokenCreate,    // "token-create": an API token was made.
  kTokenRevoke,    // "token-revoke": an API token was revoked.
  kUserCreate,     // "user-create": an account was made.
  kUserChange,     // "user-change": an account's role, password, second
                   // factor or lock changed.
  kOrgCreate,      // "org-create": an organisation was made.
  kKeyImport,      // "key-import": keys were imported (`keys import`).
  kEmbargoLift,    // "embargo-lift": an approved submission's embargoed
                   // keys were released (its embargo date came).
  kWithdraw,       // "withdraw": a submission was taken back before review.
};

// The stable name of `action`, e.g. "review-approve"; "" for a value
// outside the enum.
std::string_view AuditActionName(AuditAction action);
// The action named `name`; kInvalidArgument for an unknown name.
Result<AuditAction> ParseAuditAction(std::string_view name);
// Every action, in the enum's order.
std::span<const AuditAction> AllAuditActions();

// A SHA-256 digest: an entry's hash, or the head of a log.
using AuditHash = std::array<std::uint8_t, 32>;

// `hash` in lowercase hex (64 characters).
std::string AuditHashHex(const AuditHash& hash);
// The hash written as 64 hex digits (either case); kInvalidArgument
// otherwise.
Result<AuditHash> ParseAuditHashHex(std::string_view hex);

// What a caller appends; the log adds the rest (AuditEntry).
struct AuditRecord {
  std::string actor;         // The user name, or "cli" for the command line.
  std::string organisation;  // The actor's organisation; may be empty.
  AuditAction action = AuditAction::kLogin;
  std::string object;  // What it acted on, e.g. "submission/12"; may be
                       // empty (a login).
  // A JSON object with the particulars (counts, ids, a reason), or empty
  // for {}. Stored as its canonical text (CanonicalAuditDetail). Never key
  // bytes, passwords or tokens: a member named as one is refused.
  std::string detail;
};

// One entry of the log, as stored.
struct AuditEntry {
  std::uint64_t seq = 0;  // 1, 2, 3... with no gap.
  std::string time;       // When it was appended, UTC, RFC 3339 to the
                          // second ("2026-12-04T01:02:03Z"), by the clock of
                          // the process that appended it.
  std::string actor;
  std::string organisation;
  AuditAction action = AuditAction::kLogin;
  std::string object;
  std::string detail;     // Canonical JSON object text.
  AuditHash prev_hash{};  // The previous entry's hash; zeros for entry 1.
  AuditHash hash{};       // AuditEntryHash(*this).
};

// The entry's hash: SHA-256 over the encoding of docs/audit-log.md §2
// ("kintsugi-audit-v1", seq as u64 LE, time, actor, organisation, the
// action's name, object and detail each as u32 LE length + bytes, then
// prev_hash). Ignores `entry.hash`.
AuditHash AuditEntryHash(const AuditEntry& entry);

// The same over fields as stored (the action as its stored name, which may
// be one this build does not know): what Verify() recomputes.
AuditHash AuditEntryHash(std::uint64_t seq, std::string_view time,
                         std::string_view actor, std::string_view organisation,
                         std::string_view action, std::string_view object,
                         std::string_view detail, const AuditHash& prev_hash);

// `detail` as the log stores it: a JSON object with its members sorted by
// name, no white space, strings as UTF-8 (docs/audit-log.md §2); "" becomes
// "{}". kInvalidArgument for text that is not a JSON object, or one with a
// member (at any depth) named "password", "passphrase", "secret", "key",
// "private_key", "token" or "totp"; kResourceExhausted beyond
// limits::kMaxAuditDetailBytes.
Result<std::string> CanonicalAuditDetail(std::string_view detail);

// Checks what every backend refuses before appending `record`:
// kInvalidArgument for an empty actor, an action outside the enum, text
// that is not UTF-8 or holds a NUL or other control character, or a detail
// CanonicalAuditDetail refuses; kResourceExhausted for a field beyond
// limits::kMaxAuditTextBytes.
Status ValidateAuditRecord(const AuditRecord& record);

// How an entry breaks the chain (docs/audit-log.md §3). The names
// (AuditFaultName) reach scripts through `audit verify --json`: append
// only.
enum class AuditFault : std::uint8_t {
  kEdited,     // "edited": its hash does not match its content.
  kRemoved,    // "removed": its seq is missing (the next one is higher).
  kReordered,  // "reordered": its prev_hash is not the hash of the entry
               // before it (entries swapped or renumbered, or an earlier
               // entry rewritten together with its hash).
  kTruncated,  // "truncated": the chain holds, but the caller's expected
               // head is not the hash of any of its entries (entries cut
               // off its end, or the whole log rewritten).
};

std::string_view AuditFaultName(AuditFault fault);

// The first entry where the chain breaks.
struct AuditBreak {
  std::uint64_t seq = 0;  // For kTruncated: one past the last entry.
  AuditFault fault = AuditFault::kEdited;

  bool operator==(const AuditBreak&) const = default;
};

// The answer of Verify(): a verdict, not an error.
struct AuditVerification {
  std::uint64_t entries = 0;  // Entries in the log.
  AuditHash head{};           // The last entry's stored hash; zeros for an
                              // empty log.
  std::optional<AuditBreak> first_bad;  // Empty when the chain holds.

  bool intact() const { return !first_bad.has_value(); }
};

// Receives the entries of an export one at a time; a non-OK Status stops
// the export and is returned by it. It must not append to the same log.
using AuditVisitor = std::function<Status(const AuditEntry&)>;

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends `record` as the next entry: its seq, time, prev_hash and hash
  // are taken and written in one transaction, under a lock that every
  // appender to the database takes, so that appends from several
  // connections at once still make one chain. Fails ValidateAuditRecord's
  // way; kCorrupt if the last entry's stored hash is not 32 bytes (run
  // Verify). The entry as stored.
  virtual Result<AuditEntry> Append(const AuditRecord& record) = 0;

  // Walks the log in seq order and reports the first entry that breaks the
  // chain (AuditFault), or, when it holds and `expected_head` is given, a
  // truncation if no entry has that hash. The chain is read from one
  // snapshot. A Status only for failing to read.
  virtual Result<AuditVerification> Verify(
      const std::optional<AuditHash>& expected_head = std::nullopt) = 0;

  // Visits every entry in seq order, from one snapshot, without holding
  // them all in memory. kUnsupported for an entry whose action this build
  // does not know (written by a newer Kintsugi); kCorrupt for a hash that
  // is not 32 bytes. Does not check the chain (Verify does).
  virtual Status Export(const AuditVisitor& visit) = 0;
};

// Where an entry's time comes from: the system clock, or a test's.
using AuditClock = std::function<std::chrono::system_clock::time_point()>;

// `when` as an entry's time: UTC, RFC 3339 to the second.
std::string AuditTime(std::chrono::system_clock::time_point when);

// Opens the audit log of the store `db` names, as OpenKeyStore does (an
// SQLite path, created when `creation` allows, or a postgresql:// URL; the
// schema brought up to date, with the same errors). `clock` defaults to
// the system clock.
Result<std::unique_ptr<AuditLog>> OpenAuditLog(
    const std::string& db,
    KeyStoreCreation creation = KeyStoreCreation::kCreateIfMissing,
    AuditClock clock = {});

}  // namespace kintsugi
