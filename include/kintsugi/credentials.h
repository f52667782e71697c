#pragma once

// Partner credentials (issue 12): passwords hashed with Argon2id, TOTP
// second factors (RFC 6238), API tokens, and the delays against password
// guessing. Pure functions over libsodium and OpenSSL; the partner store
// keeps only what these return (hashes, never a password or a token).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::credentials {

// --- passwords ---------------------------------------------------------------

// Passwords shorter than this are refused; longer than the maximum too (an
// Argon2 input of megabytes is a denial of service, not a password).
inline constexpr std::size_t kMinPasswordBytes = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Argon2id in libsodium's "$argon2id$v=19$m=...,t=...,p=1$salt$hash" form,
// with libsodium's interactive limits (64 MiB, 2 passes): the string records
// them, so that raising them later still verifies old hashes.
// kInvalidArgument for a password outside the lengths above.
Result<std::string> HashPassword(std::string_view password);

// Whether `password` matches `hash` (constant time in the password).
// False for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Whether `hash` was made with weaker limits than HashPassword's now (the
// caller re-hashes after a successful login).
bool PasswordNeedsRehash(std::string_view hash);

// --- TOTP (RFC 6238)
// -----------------------------------------------------------

enum class TotpAlgorithm : std::uint8_t { kSha1, kSha256, kSha512 };

struct TotpParameters {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;  // What every app supports.
  unsigned digits = 6;                             // 6 to 8.
  std::uint64_t period_seconds = 30;
};

// A new shared secret: 20 random bytes (RFC 4226 recommends at least 16).
SecretBytes NewTotpSecret();

// The code for the time step holding `unix_seconds` (RFC 6238 §4), as
// `digits` decimal digits with leading zeros.
std::string TotpCode(ByteView secret, std::uint64_t unix_seconds,
                     const TotpParameters& parameters = {});

// Checks `code` against the steps from `window` before to `window` after
// the one holding `unix_seconds` (clock drift). On success returns the step
// that matched; the caller stores it and passes it as `last_used_step` next
// time, so that a code is never accepted twice (RFC 6238 §5.2).
// kUnauthenticated for a wrong, reused or malformed code.
Result<std::uint64_t> VerifyTotp(ByteView secret, std::string_view code,
                                 std::uint64_t unix_seconds,
                                 std::uint64_t last_used_step,
                                 const TotpParameters& parameters = {},
                                 unsigned window = 1);

// RFC 4648 base32 without padding, as authenticator apps take secrets.
std::string Base32(ByteView bytes);
Result<Bytes> FromBase32(std::string_view text);

// The otpauth:// URI an authenticator app scans (the key-uri format of
// Google Authenticator, also read by FreeOTP, Aegis and others).
std::string TotpUri(ByteView secret, std::string_view account,
                    std::string_view issuer = "Kintsugi",
                    const TotpParameters& parameters = {});

// --- API tokens
// -------------------------------------------------------------------

// A new API token: "ksp_" and 43 characters of base64url (32 random bytes).
// Shown once to its owner; the store keeps only TokenHash(token).
std::string NewApiToken();

// SHA-256 of the token, in hex: what is stored and looked up. Tokens are
// random, so no salt or slow hash is needed (a guess is a 2^256 search).
std::string TokenHash(std::string_view token);

// Whether `token` has the shape NewApiToken gives (checked before any
// lookup).
bool LooksLikeApiToken(std::string_view token);

// --- guessing
// ----------------------------------------------------------------------

// After this many failed logins in a row an account is locked until an
// admin unlocks it or kLockoutDuration passes.
inline constexpr unsigned kLockoutAfterFailures = 10;
inline constexpr std::chrono::seconds kLockoutDuration{15 * 60};

// The wait before the next attempt after `failures` failed ones in a row:
// none for the first two, then doubling from 1 s up to 60 s.
std::chrono::seconds LoginDelay(unsigned failures);

}  // namespace kintsugi::credentials
