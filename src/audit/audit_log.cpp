// The backend-independent part of the audit log: action names, the entry
// hash (docs/audit-log.md §2), canonical details, record checks, the chain
// check (§3) and the choice of backend (include/kintsugi/audit.h).

#include <fmt/format.h>
#include <openssl/evp.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "audit/audit_log_internal.h"
#include "core/utf8.h"
#include "kintsugi/audit.h"
#include "kintsugi/audit_json.h"
#include "kintsugi/limits.h"

namespace kintsugi {
namespace {

constexpr std::array<std::pair<AuditAction, std::string_view>, 15> kActions = {{
    {AuditAction::kLogin, "login"},
    {AuditAction::kLoginFailed, "login-failed"},
    {AuditAction::kLogout, "logout"},
    {AuditAction::kSubmit, "submit"},
    {AuditAction::kReviewApprove, "review-approve"},
    {AuditAction::kReviewReject, "review-reject"},
    {AuditAction::kRelease, "release"},
    {AuditAction::kTokenCreate, "token-create"},
    {AuditAction::kTokenRevoke, "token-revoke"},
    {AuditAction::kUserCreate, "user-create"},
    {AuditAction::kUserChange, "user-change"},
    {AuditAction::kOrgCreate, "org-create"},
    {AuditAction::kKeyImport, "key-import"},
    {AuditAction::kEmbargoLift, "embargo-lift"},
    {AuditAction::kWithdraw, "withdraw"},
}};

constexpr std::array<AuditAction, kActions.size()> kAllActions = [] {
  std::array<AuditAction, kActions.size()> all{};
  for (std::size_t i = 0; i < kActions.size(); ++i) all[i] = kActions[i].first;
  return all;
}();

constexpr std::array<std::pair<AuditFault, std::string_view>, 4> kFaults = {{
    {AuditFault::kEdited, "edited"},
    {AuditFault::kRemoved, "removed"},
    {AuditFault::kReordered, "reordered"},
    {AuditFault::kTruncated, "truncated"},
}};

// docs/audit-log.md §2: the first bytes hashed, naming the encoding.
constexpr std::string_view kHashDomain = "kintsugi-audit-v1";

// Member names a detail must not have: what would hold a secret.
constexpr std::array<std::string_view, 7> kSecretNames = {
    "password", "passphrase", "secret", "key", "private_key", "token", "totp"};

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    ok_ = context_ != nullptr &&
          EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) == 1;
  }
  ~Sha256() { EVP_MD_CTX_free(context_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Add(const void* data, std::size_t size) {
    ok_ = ok_ && EVP_DigestUpdate(context_, data, size) == 1;
  }
  void AddU32(std::uint32_t value) {
    std::array<std::uint8_t, 4> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
    Add(bytes.data(), bytes.size());
  }
  void AddU64(std::uint64_t value) {
    std::array<std::uint8_t, 8> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
    Add(bytes.data(), bytes.size());
  }
  // u32 LE length, then the bytes. Fields are bounded by limits.h far
  // below 4 GiB; a longer one (a hand-edited row) hashes its length
  // clamped, and so can never match a hash Append() wrote.
  void AddText(std::string_view text) {
    AddU32(static_cast<std::uint32_t>(
        std::min<std::size_t>(text.size(), UINT32_MAX)));
    Add(text.data(), text.size());
  }

  AuditHash Finish() {
    AuditHash digest{};
    unsigned int size = 0;
    ok_ = ok_ && EVP_DigestFinal_ex(context_, digest.data(), &size) == 1 &&
          size == digest.size();
    // OpenSSL failing SHA-256 leaves no usable digest: all ones, which no
    // stored hash equals by chance, so Verify() reports the entry rather
    // than passing it.
    if (!ok_) digest.fill(0xff);
    return digest;
  }

 private:
  EVP_MD_CTX* context_;
  bool ok_ = false;
};

bool IsPlainText(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto decoded = DecodeUtf8(text, at);
    if (!decoded || decoded->code < 0x20 || decoded->code == 0x7f ||
        (decoded->code >= 0x80 && decoded->code < 0xa0)) {
      return false;
    }
    at += decoded->length;
  }
  return true;
}

// The deepest nesting of objects and arrays in JSON `text` (strings
// skipped), counted before parsing so that a deep one is refused without
// recursing into it.
std::size_t NestingDepth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool HasSecretName(const nlohmann::json& value) {
  if (value.is_object()) {
    for (const auto& [name, member] : value.items()) {
      if (std::find(kSecretNames.begin(), kSecretNames.end(), name) !=
              kSecretNames.end() ||
          HasSecretName(member)) {
        return true;
      }
    }
  } else if (value.is_array()) {
    for (const auto& element : value) {
      if (HasSecretName(element)) return true;
    }
  }
  return false;
}

std::uint64_t SeqOf(std::int64_t seq) {
  return seq < 0 ? 0 : static_cast<std::uint64_t>(seq);
}

bool IsHash(ByteView bytes) { return bytes.size() == AuditHash().size(); }

AuditHash ToHash(ByteView bytes) {
  AuditHash hash{};
  if (IsHash(bytes)) std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

}  // namespace

std::string_view AuditActionName(AuditAction action) {
  for (const auto& [entry, name] : kActions) {
    if (entry == action) return name;
  }
  return "";
}

Result<AuditAction> ParseAuditAction(std::string_view name) {
  for (const auto& [entry, entry_name] : kActions) {
    if (entry_name == name) return entry;
  }
  return InvalidArgumentError(fmt::format("unknown audit action \"{}\"", name));
}

std::span<const AuditAction> AllAuditActions() { return kAllActions; }

std::string_view AuditFaultName(AuditFault fault) {
  for (const auto& [entry, name] : kFaults) {
    if (entry == fault) return name;
  }
  return "";
}

std::string AuditHashHex(const AuditHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(hash.size() * 2);
  for (const std::uint8_t byte : hash) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

Result<AuditHash> ParseAuditHashHex(std::string_view hex) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  AuditHash hash{};
  if (hex.size() != hash.size() * 2) {
    return InvalidArgumentError("an audit log hash is 64 hex digits");
  }
  for (std::size_t i = 0; i < hash.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return InvalidArgumentError("an audit log hash is 64 hex digits");
    }
    hash[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return hash;
}

AuditHash AuditEntryHash(std::uint64_t seq, std::string_view time,
                         std::string_view actor, std::string_view organisation,
                         std::string_view action, std::string_view object,
                         std::string_view detail, const AuditHash& prev_hash) {
  Sha256 sha;
  sha.Add(kHashDomain.data(), kHashDomain.size());
  sha.AddU64(seq);
  for (std::string_view text :
       {time, actor, organisation, action, object, detail}) {
    sha.AddText(text);
  }
  sha.Add(prev_hash.data(), prev_hash.size());
  return sha.Finish();
}

AuditHash AuditEntryHash(const AuditEntry& entry) {
  return AuditEntryHash(entry.seq, entry.time, entry.actor, entry.organisation,
                        AuditActionName(entry.action), entry.object,
                        entry.detail, entry.prev_hash);
}

Result<std::string> CanonicalAuditDetail(std::string_view detail) {
  if (detail.empty()) return std::string("{}");
  if (detail.size() > limits::kMaxAuditDetailBytes) {
    return ResourceExhaustedError(fmt::format(
        "an audit detail is at most {} bytes", limits::kMaxAuditDetailBytes));
  }
  if (NestingDepth(detail) > limits::kMaxAuditDetailDepth) {
    return ResourceExhaustedError(
        fmt::format("an audit detail nests at most {} levels",
                    limits::kMaxAuditDetailDepth));
  }
  // Strict: invalid UTF-8 and trailing text fail the parse.
  const nlohmann::json parsed =
      nlohmann::json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidArgumentError("an audit detail must be a JSON object");
  }
  if (HasSecretName(parsed)) {
    return InvalidArgumentError(
        "an audit detail must not hold a password, key, secret or token");
  }
  // Members sorted by name (nlohmann keeps objects ordered), no spaces,
  // UTF-8 as it is.
  std::string canonical;
  try {
    canonical = parsed.dump(-1, ' ', /*ensure_ascii=*/false,
                            nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("an audit detail must be UTF-8");
  }
  if (canonical.size() > limits::kMaxAuditDetailBytes) {
    return ResourceExhaustedError(fmt::format(
        "an audit detail is at most {} bytes", limits::kMaxAuditDetailBytes));
  }
  return canonical;
}

Status ValidateAuditRecord(const AuditRecord& record) {
  if (record.actor.empty()) {
    return InvalidArgumentError("an audit entry needs an actor");
  }
  if (AuditActionName(record.action).empty()) {
    return InvalidArgumentError("unknown audit action");
  }
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"actor", record.actor},
      {"organisation", record.organisation},
      {"object", record.object}};
  for (const auto& [name, text] : fields) {
    if (text.size() > limits::kMaxAuditTextBytes) {
      return ResourceExhaustedError(
          fmt::format("an audit entry's {} is at most {} bytes", name,
                      limits::kMaxAuditTextBytes));
    }
    if (!IsPlainText(text)) {
      return InvalidArgumentError(fmt::format(
          "an audit entry's {} must be UTF-8 without control characters",
          name));
    }
  }
  return CanonicalAuditDetail(record.detail).status();
}

std::string AuditTime(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  char text[32] = {};
  if (::gmtime_r(&seconds, &utc) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
    return "0000-00-00T00:00:00Z";
  }
  return text;
}

Result<std::unique_ptr<AuditLog>> OpenAuditLog(const std::string& db,
                                               KeyStoreCreation creation,
                                               AuditClock clock) {
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  if (IsPostgresKeyStoreUrl(db)) {
    return audit::OpenPostgresAuditLog(db, std::move(clock));
  }
  return audit::OpenSqliteAuditLog(db, creation, std::move(clock));
}

namespace audit {

Result<AuditEntry> NextEntry(const AuditRecord& record,
                             std::optional<StoredEntry> head,
                             const AuditClock& clock) {
  KINTSUGI_RETURN_IF_ERROR(ValidateAuditRecord(record));
  AuditEntry entry;
  entry.seq = 1;
  if (head) {
    if (head->seq < 1 || !IsHash(head->hash)) {
      return CorruptError(
          "the audit log's last entry has no valid seq or hash; run "
          "`kintsugi audit verify`");
    }
    entry.seq = SeqOf(head->seq) + 1;
    entry.prev_hash = ToHash(head->hash);
  }
  entry.time = AuditTime(clock());
  entry.actor = record.actor;
  entry.organisation = record.organisation;
  entry.action = record.action;
  entry.object = record.object;
  KINTSUGI_ASSIGN_OR_RETURN(entry.detail, CanonicalAuditDetail(record.detail));
  entry.hash = AuditEntryHash(entry);
  return entry;
}

Result<AuditEntry> ReadEntry(const StoredEntry& stored) {
  if (stored.seq < 1 || !IsHash(stored.prev_hash) || !IsHash(stored.hash)) {
    return CorruptError(
        fmt::format("audit log entry {} has no valid seq or hash", stored.seq));
  }
  auto action = ParseAuditAction(stored.action);
  if (!action) {
    return UnsupportedError(
        fmt::format("audit log entry {} has an action this Kintsugi does not "
                    "know (written by a newer one?)",
                    stored.seq));
  }
  AuditEntry entry;
  entry.seq = SeqOf(stored.seq);
  entry.time = std::string(stored.time);
  entry.actor = std::string(stored.actor);
  entry.organisation = std::string(stored.organisation);
  entry.action = *action;
  entry.object = std::string(stored.object);
  entry.detail = std::string(stored.detail);
  entry.prev_hash = ToHash(stored.prev_hash);
  entry.hash = ToHash(stored.hash);
  return entry;
}

// docs/audit-log.md §3: a gap first (the seq says where), then the link to
// the entry before, then the entry's own hash. A swap of two entries shows
// as a broken link at the first of them; an edit as a hash that does not
// match at the edited entry.
void ChainCheck::Add(const StoredEntry& stored) {
  ++verification_.entries;
  verification_.head = ToHash(stored.hash);
  if (verification_.first_bad) return;
  const std::uint64_t expected_seq = last_seq_ + 1;
  const std::uint64_t seq = SeqOf(stored.seq);
  if (stored.seq < 1 || seq < expected_seq) {
    verification_.first_bad = AuditBreak{seq, AuditFault::kReordered};
  } else if (seq > expected_seq) {
    verification_.first_bad = AuditBreak{expected_seq, AuditFault::kRemoved};
  } else if (stored.prev_hash != ByteView(last_hash_)) {
    verification_.first_bad = AuditBreak{seq, AuditFault::kReordered};
  } else if (!IsHash(stored.hash) ||
             AuditEntryHash(seq, stored.time, stored.actor, stored.organisation,
                            stored.action, stored.object, stored.detail,
                            ToHash(stored.prev_hash)) != ToHash(stored.hash)) {
    verification_.first_bad = AuditBreak{seq, AuditFault::kEdited};
  }
  if (verification_.first_bad) return;
  last_seq_ = seq;
  last_hash_ = stored.hash.ToBytes();
  if (expected_ && *expected_ == verification_.head) expected_seen_ = true;
}

AuditVerification ChainCheck::Finish() const {
  AuditVerification verification = verification_;
  if (!verification.first_bad && expected_ && *expected_ != AuditHash{} &&
      !expected_seen_) {
    verification.first_bad =
        AuditBreak{verification.entries + 1, AuditFault::kTruncated};
  }
  return verification;
}

}  // namespace audit
}  // namespace kintsugi

namespace kintsugi {

nlohmann::ordered_json AuditEntryJson(const AuditEntry& entry) {
  return {{"seq", entry.seq},
          {"time", entry.time},
          {"actor", entry.actor},
          {"organisation", entry.organisation},
          {"action", std::string(AuditActionName(entry.action))},
          {"object", entry.object},
          {"detail", entry.detail},
          {"prev_hash", AuditHashHex(entry.prev_hash)},
          {"hash", AuditHashHex(entry.hash)}};
}

}  // namespace kintsugi
