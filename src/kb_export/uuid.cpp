// UUIDs of the exports (docs/exports.md "Identifiers"): name-based,
// version 5, RFC 9562 §5.5, with SHA-1 from OpenSSL.

#include <openssl/evp.h>

#include <cstdlib>

#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Where the hyphens of the 8-4-4-4-12 form sit.
bool IsHyphenAt(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

Uuid Constant(std::string_view text) {
  auto parsed = ParseUuid(text);
  // Only ever called on the literals below, which the tests read back.
  if (!parsed.has_value()) std::abort();
  return *parsed;
}

}  // namespace

std::string Uuid::ToString() const {
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0x0f];
  }
  return out;
}

Result<Uuid> ParseUuid(std::string_view text) {
  Uuid uuid;
  if (text.size() != 36) return InvalidArgumentError(std::string(text));
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (IsHyphenAt(i)) {
      if (text[i] != '-') return InvalidArgumentError(std::string(text));
      ++i;
      continue;
    }
    const int high = HexValue(text[i]);
    const int low = HexValue(text[i + 1]);
    if (high < 0 || low < 0 || IsHyphenAt(i + 1)) {
      return InvalidArgumentError(std::string(text));
    }
    uuid.bytes[byte++] = static_cast<std::uint8_t>(high * 16 + low);
    i += 2;
  }
  return uuid;
}

Uuid UuidV5(const Uuid& name_space, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok = context != nullptr &&
                  EVP_DigestInit_ex(context, EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(context, name_space.bytes.data(),
                                   name_space.bytes.size()) == 1 &&
                  EVP_DigestUpdate(context, name.data(), name.size()) == 1 &&
                  EVP_DigestFinal_ex(context, digest, &length) == 1 &&
                  length >= 16;
  EVP_MD_CTX_free(context);
  // SHA-1 of a buffer in memory fails only when OpenSSL cannot allocate a
  // context: an id that silently differed would break every export's
  // determinism, so this is fatal like any allocation failure.
  if (!ok) std::abort();
  Uuid uuid;
  for (std::size_t i = 0; i < uuid.bytes.size(); ++i) {
    uuid.bytes[i] = digest[i];
  }
  // RFC 9562 §5.5: the version in the high nibble of octet 6, the variant
  // (0b10) in the two high bits of octet 8.
  uuid.bytes[6] = static_cast<std::uint8_t>((uuid.bytes[6] & 0x0f) | 0x50);
  uuid.bytes[8] = static_cast<std::uint8_t>((uuid.bytes[8] & 0x3f) | 0x80);
  return uuid;
}

Uuid DnsNamespace() {
  static const Uuid uuid = Constant("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  return uuid;
}

Uuid UrlNamespace() {
  static const Uuid uuid = Constant("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  return uuid;
}

Uuid KintsugiNamespace() {
  static const Uuid uuid = Constant("c17153af-a23a-5aee-a186-5faff6e58fa8");
  return uuid;
}

}  // namespace kintsugi::kb_export
