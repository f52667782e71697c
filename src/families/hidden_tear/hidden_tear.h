#pragma once

// Hidden Tear and its derivatives (recovery-schemes.md §3.3): AES-256-CBC
// under a key derived from a 15-character password that .NET's
// Random(Environment.TickCount) drew, so the key is found by searching the
// seed (milliseconds since boot, 0 .. 2^31 - 1) with the seed-search engine
// (recover/seed_search.h): each candidate's password -> SHA-256 ->
// PBKDF2-HMAC-SHA1 (1000 iterations) -> key and IV, its first block
// decrypted to the header the original's name promises, confirmed by the
// last block's PKCS#7 padding.
//
// A search may take hours, so it runs only when the user asks for it with
// --family hidden-tear; otherwise a `.locked` file says how to ask.
// --key: the 48 bytes a search printed (AES key, then IV), as hex.

#include <cstdint>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& HiddenTearDecryptor();

// A parameter set of §3.3's table.
struct HiddenTearVariant {
  std::string_view name;  // "hiddentear", "bankaccountsummary", "mireware".
  std::size_t length;     // Password characters.
  std::string_view charset;
  ByteView salt;
};

std::span<const HiddenTearVariant> HiddenTearVariants();

// The password Random(seed) makes for `variant`.
std::string HiddenTearPassword(const HiddenTearVariant& variant,
                               std::int32_t seed);

// AES-256 key (32 bytes) then IV (16) for `password` (§3.3 steps 1-2).
SecretBytes HiddenTearKeyIv(const HiddenTearVariant& variant,
                            std::string_view password);

}  // namespace kintsugi::families
