#pragma once

// Chimera's leaked RSA keys (recovery-schemes-2.md §3.6 "Leaked key
// format", HIGH): each key of the 2016 leak is the hex of a 1,155-byte blob,
// the parts of an RSA-2048 private key big-endian at fixed widths,
// N (256) ‖ E (3) ‖ D (256) ‖ P (128) ‖ Q (128) ‖ DP (128) ‖ DQ (128) ‖
// QInv (128). Read here, once, for both the key store's import (which
// refuses a blob whose parts disagree) and the chimera decryptor.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/rsa_oaep.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

// The widths of the parts, in blob order.
inline constexpr std::array<std::size_t, 8> kRsaKeyBlobWidths = {
    256, 3, 256, 128, 128, 128, 128, 128};
inline constexpr std::size_t kRsaKeyBlobBytes = 1155;
static_assert(kRsaKeyBlobWidths[0] + kRsaKeyBlobWidths[1] +
                  kRsaKeyBlobWidths[2] + 5 * kRsaKeyBlobWidths[3] ==
              kRsaKeyBlobBytes);
inline constexpr std::size_t kRsaKeyBlobHexDigits = 2 * kRsaKeyBlobBytes;

// The blob written as `hex` (either case, nothing else): exactly 2,310
// digits, or 2,311, the last a dangling nibble that is ignored (§3.6: the
// published test key carries one). kInvalidArgument otherwise.
Result<SecretBytes> RsaKeyBlobFromHex(std::string_view hex);

// The key a blob holds, its parts checked (RsaPrivateKey::FromParts):
// kInvalidArgument for a blob not 1,155 bytes long, whose modulus is not
// 2,048 bits, or whose parts disagree.
Result<RsaPrivateKey> ParseRsaKeyBlob(ByteView blob);

// The blob of an RSA-2048 key (the specimen generators write a test "leak"
// with it); kInvalidArgument for a key whose parts do not fit the widths.
Result<SecretBytes> MakeRsaKeyBlob(const RsaPrivateKey& key);

// How a key is named in reports without showing it: the first 16 hex
// digits of SHA-256 of its modulus (ModulusBytes() bytes, big-endian), the
// first 512 hex digits of a blob.
std::string RsaModulusFingerprint(const RsaPrivateKey& key);

}  // namespace kintsugi::crypto
