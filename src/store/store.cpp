// The backend-independent part of the key store: names and record checks
// (include/kintsugi/store.h).

#include "kintsugi/store.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/enum_names.h"
#include "kintsugi/limits.h"
#include "store/postgres_store.h"

namespace kintsugi {
namespace {

constexpr std::array<std::pair<KeyType, std::string_view>, 7> kKeyTypes = {{
    {KeyType::kRsaPrivatePem, "rsa-private-pem"},
    {KeyType::kRsaPrivateDer, "rsa-private-der"},
    {KeyType::kX25519Private, "x25519-private"},
    {KeyType::kSymmetric, "symmetric"},
    {KeyType::kSeed, "seed"},
    {KeyType::kSecp256k1Private, "secp256k1-private"},
    {KeyType::kRsaPrivateBlob, "rsa-private-blob"},
}};

constexpr std::array<std::pair<HandleKind, std::string_view>, 4> kHandleKinds =
    {{
        {HandleKind::kNone, "none"},
        {HandleKind::kVictimId, "victim-id"},
        {HandleKind::kCampaign, "campaign"},
        {HandleKind::kFingerprint, "fingerprint"},
    }};

constexpr std::array<std::pair<ReleaseState, std::string_view>, 2>
    kReleaseStates = {{
        {ReleaseState::kReleased, "released"},
        {ReleaseState::kEmbargoed, "embargoed"},
    }};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// YYYY-MM-DD with a month 01-12 and a day 01-31; not a calendar check.
bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!IsDigit(text[i])) return false;
  }
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

Status KeyStore::Release(std::span<const KeyRecord>) {
  return UnsupportedError("this key store cannot release keys");
}

std::string_view KeyTypeName(KeyType type) {
  return ::kintsugi::internal::EnumName(kKeyTypes, type);
}
Result<KeyType> ParseKeyType(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kKeyTypes, name, "key type");
}

std::string_view HandleKindName(HandleKind kind) {
  return ::kintsugi::internal::EnumName(kHandleKinds, kind);
}
Result<HandleKind> ParseHandleKind(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kHandleKinds, name, "handle kind");
}

std::string_view ReleaseStateName(ReleaseState state) {
  return ::kintsugi::internal::EnumName(kReleaseStates, state);
}
Result<ReleaseState> ParseReleaseState(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kReleaseStates, name,
                                             "release state");
}

std::uint64_t KeyStoreStats::Total() const {
  std::uint64_t total = 0;
  for (const Row& row : rows) total += row.count;
  return total;
}

Status ValidateKeyRecord(const KeyRecord& record) {
  if (record.family.empty() ||
      record.family.size() > limits::kMaxKeyFamilyBytes) {
    return InvalidArgumentError(fmt::format("the family must be 1 to {} bytes",
                                            limits::kMaxKeyFamilyBytes));
  }
  if (KeyTypeName(record.key_type).empty()) {
    return InvalidArgumentError("unknown key type");
  }
  if (HandleKindName(record.handle.kind).empty()) {
    return InvalidArgumentError("unknown handle kind");
  }
  if (ReleaseStateName(record.state).empty()) {
    return InvalidArgumentError("unknown release state");
  }
  if (record.handle.kind == HandleKind::kNone) {
    if (!record.handle.value.empty()) {
      return InvalidArgumentError("a handle of kind none has no value");
    }
  } else if (record.handle.value.empty() ||
             record.handle.value.size() > limits::kMaxKeyHandleBytes) {
    return InvalidArgumentError(fmt::format("a {} handle must be 1 to {} bytes",
                                            HandleKindName(record.handle.kind),
                                            limits::kMaxKeyHandleBytes));
  }
  if (record.key.empty() || record.key.size() > limits::kMaxKeyBytes) {
    return InvalidArgumentError(
        fmt::format("the key must be 1 to {} bytes", limits::kMaxKeyBytes));
  }
  if (record.provenance.source.size() > limits::kMaxKeyProvenanceBytes ||
      record.provenance.case_reference.size() >
          limits::kMaxKeyProvenanceBytes) {
    return InvalidArgumentError(
        fmt::format("the source and case reference must be at most {} bytes",
                    limits::kMaxKeyProvenanceBytes));
  }
  if (!record.provenance.date.empty() && !IsDate(record.provenance.date)) {
    return InvalidArgumentError("the date must be YYYY-MM-DD");
  }
  return Status::Ok();
}

bool IsPostgresKeyStoreUrl(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<std::unique_ptr<KeyStore>> OpenKeyStore(const std::string& db,
                                               KeyStoreCreation creation) {
  if (IsPostgresKeyStoreUrl(db)) return OpenPostgresKeyStore(db);
  return OpenSqliteKeyStore(db, creation);
}

std::string KeyStoreDisplayName(const std::string& db) {
  if (IsPostgresKeyStoreUrl(db)) return store::RedactConninfo(db);
  return db;
}

}  // namespace kintsugi
