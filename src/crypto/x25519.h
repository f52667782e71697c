#pragma once

// X25519 (RFC 7748), SHA-256 and SHA-512 over libsodium, for the Babuk
// decryptors' key derivation (recovery-schemes.md §3.8: key =
// SHA-256(X25519(attacker private key, the file's public key)); Windows,
// recovery-schemes-2.md §3.3: SHA-512 of it) and their specimen generator.

#include <cstddef>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kX25519KeyBytes = 32;
inline constexpr std::size_t kSha256Bytes = 32;
inline constexpr std::size_t kSha512Bytes = 64;

// The shared secret X25519(private_key, public_key); the private key is
// clamped as RFC 7748 says (as Go's curve25519 and libsodium do).
// kInvalidArgument for keys that are not 32 bytes; kCorrupt when the
// public key is a low-order point (the secret would be all zeros: no
// Babuk file is made so).
Result<SecretBytes> X25519(const SecretBytes& private_key, ByteView public_key);

// The public key of `private_key` (X25519 with the base point).
// kInvalidArgument for a key that is not 32 bytes.
Result<Bytes> X25519PublicKey(const SecretBytes& private_key);

// SHA-256 of `data`, kept secret (it is key material here).
SecretBytes Sha256(ByteView data);

// SHA-512 of `data`, kept secret (it is key material here).
SecretBytes Sha512(ByteView data);

}  // namespace kintsugi::crypto
