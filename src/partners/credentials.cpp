// Partner credentials (kintsugi/credentials.h).

#include "kintsugi/credentials.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kintsugi::credentials {
namespace {

void EnsureSodium() {
  if (sodium_init() < 0) __builtin_trap();
}

const EVP_MD* Digest(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return EVP_sha256();
    case TotpAlgorithm::kSha512:
      return EVP_sha512();
    case TotpAlgorithm::kSha1:
      break;
  }
  return EVP_sha1();
}

std::string_view AlgorithmName(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return "SHA256";
    case TotpAlgorithm::kSha512:
      return "SHA512";
    case TotpAlgorithm::kSha1:
      break;
  }
  return "SHA1";
}

// RFC 4226 §5.3: HMAC of the big-endian counter, dynamic truncation.
std::uint32_t Hotp(ByteView secret, std::uint64_t counter,
                   TotpAlgorithm algorithm) {
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned length = 0;
  HMAC(Digest(algorithm), secret.data(), static_cast<int>(secret.size()),
       message.data(), message.size(), mac.data(), &length);
  const std::size_t offset = mac[length - 1] & 0x0f;
  return (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
         static_cast<std::uint32_t>(mac[offset + 3]);
}

std::string Digits(std::uint32_t value, unsigned digits) {
  std::uint32_t modulus = 1;
  for (unsigned i = 0; i < digits; ++i) modulus *= 10;
  return fmt::format("{:0{}}", value % modulus, digits);
}

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kTokenPrefix = "ksp_";
constexpr std::size_t kTokenBytes = 32;

std::string UriEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes ||
      password.size() > kMaxPasswordBytes) {
    return InvalidArgumentError(fmt::format(
        "a password has {} to {} bytes", kMinPasswordBytes, kMaxPasswordBytes));
  }
  EnsureSodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return ResourceExhaustedError("not enough memory to hash a password");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes ||
      hash.size() >= crypto_pwhash_STRBYTES ||
      !hash.starts_with("$argon2id$")) {
    return false;
  }
  EnsureSodium();
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(),
                                  password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash) {
  EnsureSodium();
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(
             terminated.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

SecretBytes NewTotpSecret() {
  EnsureSodium();
  SecretBytes secret(20);
  randombytes_buf(secret.mutable_span().data(), secret.size());
  return secret;
}

std::string TotpCode(ByteView secret, std::uint64_t unix_seconds,
                     const TotpParameters& parameters) {
  const std::uint64_t step = unix_seconds / parameters.period_seconds;
  return Digits(Hotp(secret, step, parameters.algorithm), parameters.digits);
}

Result<std::uint64_t> VerifyTotp(ByteView secret, std::string_view code,
                                 std::uint64_t unix_seconds,
                                 std::uint64_t last_used_step,
                                 const TotpParameters& parameters,
                                 unsigned window) {
  if (code.size() != parameters.digits ||
      !std::all_of(code.begin(), code.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return UnauthenticatedError("the code is not " +
                                std::to_string(parameters.digits) + " digits");
  }
  const std::uint64_t now = unix_seconds / parameters.period_seconds;
  const std::uint64_t first = now >= window ? now - window : 0;
  bool reused = false;
  for (std::uint64_t step = first; step <= now + window; ++step) {
    const std::string expected =
        Digits(Hotp(secret, step, parameters.algorithm), parameters.digits);
    if (sodium_memcmp(expected.data(), code.data(), code.size()) != 0) {
      continue;
    }
    if (step <= last_used_step) {
      reused = true;
      continue;
    }
    return step;
  }
  return UnauthenticatedError(reused ? "the code was used already"
                                     : "the code is wrong");
}

std::string Base32(ByteView bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

Result<Bytes> FromBase32(std::string_view text) {
  Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const std::size_t value = kBase32Alphabet.find(c);
    if (value == std::string_view::npos) {
      return InvalidArgumentError("not base32");
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string TotpUri(ByteView secret, std::string_view account,
                    std::string_view issuer, const TotpParameters& parameters) {
  return fmt::format(
      "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={}&digits={}&"
      "period={}",
      UriEscape(issuer), UriEscape(account), Base32(secret), UriEscape(issuer),
      AlgorithmName(parameters.algorithm), parameters.digits,
      parameters.period_seconds);
}

std::string NewApiToken() {
  EnsureSodium();
  std::array<std::uint8_t, kTokenBytes> random{};
  randombytes_buf(random.data(), random.size());
  std::string encoded(
      sodium_base64_ENCODED_LEN(kTokenBytes,
                                sodium_base64_VARIANT_URLSAFE_NO_PADDING),
      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), random.data(),
                    random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(encoded.find('\0'));
  sodium_memzero(random.data(), random.size());
  return std::string(kTokenPrefix) + encoded;
}

std::string TokenHash(std::string_view token) {
  EnsureSodium();
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  const ByteView bytes = ByteView::FromString(token);
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

bool LooksLikeApiToken(std::string_view token) {
  if (!token.starts_with(kTokenPrefix) ||
      token.size() != kTokenPrefix.size() + 43) {
    return false;
  }
  token.remove_prefix(kTokenPrefix.size());
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::chrono::seconds LoginDelay(unsigned failures) {
  if (failures < 3) return std::chrono::seconds(0);
  const unsigned doublings = std::min(failures - 3, 6u);
  return std::chrono::seconds(std::min(60u, 1u << doublings));
}

}  // namespace kintsugi::credentials
