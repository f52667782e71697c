#pragma once

// secp256k1 over OpenSSL 3's EC API, for TeslaCrypt 3.x/4.x
// (recovery-schemes-2.md §2.1): points as 65 uncompressed bytes
// (04 || X || Y, big-endian), the ECDH "shared secret" as the 32-byte
// big-endian X coordinate of (scalar x point), left-padded with zeros --
// what OpenSSL 1.0's ECDH_compute_key returned with no KDF.
//
// Scalars are 32 big-endian bytes. One taken from a hash (TeslaCrypt uses
// SHA-256 of a secret as a private key) is reduced mod n (§2.1: a digest
// >= n is astronomically unlikely, reduce if it ever happens); a scalar
// that is 0 mod n is refused.

#include <cstddef>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kSecp256k1ScalarBytes = 32;
inline constexpr std::size_t kSecp256k1PointBytes = 65;

// Whether `key` is a private key as a key store holds one: 32 bytes, a
// number from 1 to n-1 (no reduction).
bool IsSecp256k1PrivateKey(ByteView key);

// Whether `point` is 65 bytes, 04 || X || Y, and on the curve.
bool IsSecp256k1Point(ByteView point);

// scalar x G, uncompressed. kInvalidArgument for a scalar that is not 32
// bytes or is 0 mod n.
Result<Bytes> Secp256k1PublicKey(const SecretBytes& scalar);

// X(scalar x point), 32 bytes big-endian, left-padded. kInvalidArgument for
// a scalar as above; kCorrupt for a point that is not 65 uncompressed bytes
// on the curve.
Result<SecretBytes> Secp256k1SharedX(const SecretBytes& scalar, ByteView point);

}  // namespace kintsugi::crypto
