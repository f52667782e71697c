#pragma once

// Indicators in ransom-note text and file names: attacker contacts, wallet
// addresses and victim IDs, each with its offset (issue #3, "Evidence
// extraction"). Extraction is a hand-written scanner, not a regex engine:
// linear in the input, and every address kind with a checksum is verified
// so random text does not pass for a wallet.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"

namespace kintsugi::text {

enum class IndicatorKind : std::uint8_t {
  kEmail,
  kOnion,     // Host only: 16 (v2) or 56 (v3) base32 characters + ".onion".
  kUrl,       // http(s) URL.
  kBitcoin,   // Base58Check (P2PKH/P2SH) or bech32/bech32m, checksum valid.
  kMonero,    // 95-character standard address.
  kTox,       // 76 hex characters.
  kSession,   // 66 hex characters starting "05".
  kTelegram,  // t.me link or @handle next to the word "telegram".
  kVictimId,  // A long ID near "ID" / "personal ID" / "key".
};

// Stable lowercase name, e.g. "email", "victim-id".
std::string_view IndicatorKindName(IndicatorKind kind);

struct Indicator {
  IndicatorKind kind = IndicatorKind::kEmail;
  // Normalised: e-mails, hosts and hex IDs lowercased; addresses as
  // written (base58 is case-sensitive); Telegram as the bare handle.
  std::string value;
  std::size_t offset = 0;  // Byte offset in the text it was found in.
};

// Every indicator in `text` (plain UTF-8 note text or a file name), in
// order of offset, without duplicates of (kind, value), at most
// limits::kMaxIndicatorsPerInput.
std::vector<Indicator> ExtractIndicators(std::string_view text);

// Checksum validators, exposed for tests.
// Base58Check with SHA-256d (Bitcoin P2PKH "1..." or P2SH "3...").
bool IsValidBase58CheckAddress(std::string_view address);
// BIP-173 bech32 (witness v0) / BIP-350 bech32m (v1+), human part "bc".
bool IsValidBech32Address(std::string_view address);
// Monero standard address shape: 95 base58 characters starting 4 or 8,
// every 11-character block decodable (Keccak checksum not verified:
// OpenSSL 3.0 has no Keccak-256).
bool IsPlausibleMoneroAddress(std::string_view address);

}  // namespace kintsugi::text
