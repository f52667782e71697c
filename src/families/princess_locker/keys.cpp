// Princess Locker's key string, victim ID and AES key (recovery-schemes.md
// §3.6 "Crypto", §4.3 MSVC rand(), §4.5 CryptDeriveKey).

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "families/princess_locker/princess_locker.h"
#include "prng/prng.h"
#include "recover/decryptor.h"

namespace kintsugi::families {
namespace {

constexpr std::size_t kStringLength = 32;

}  // namespace

std::string PrincessKeyString(std::uint32_t seed) {
  prng::MsvcRand random(seed);
  std::string string(kStringLength, '\0');
  for (char& c : string) {
    c = kPrincessCharset[static_cast<std::size_t>(
        random.Next() % static_cast<int>(kPrincessCharset.size()))];
  }
  return string;
}

std::string PrincessId(std::uint32_t seed, std::size_t length) {
  prng::MsvcRand random(seed);
  std::string id(length, '\0');
  for (char& c : id) {
    c = kPrincessCharset[static_cast<std::size_t>(
        random.Next() % static_cast<int>(kPrincessCharset.size()))];
  }
  return recover::AsciiLower(id);
}

std::string_view PrincessHashingName(PrincessHashing hashing) {
  return hashing == PrincessHashing::kHalf ? "half" : "full";
}

std::array<std::uint8_t, 16> PrincessAesKey(std::string_view key_string,
                                            std::size_t length,
                                            PrincessHashing hashing) {
  // The characters as UTF-16LE (all ASCII: each byte, then a zero).
  std::uint8_t utf16[2 * kStringLength] = {};
  length = std::min({length, key_string.size(), kStringLength});
  for (std::size_t i = 0; i < length; ++i) {
    utf16[2 * i] = static_cast<std::uint8_t>(key_string[i]);
  }
  const std::size_t hashed =
      hashing == PrincessHashing::kHalf ? length : 2 * length;
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(utf16, hashed, digest);
  std::array<std::uint8_t, 16> key{};
  std::copy(digest, digest + key.size(), key.begin());
  return key;
}

}  // namespace kintsugi::families
