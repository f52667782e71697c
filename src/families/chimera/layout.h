#pragma once

// The Chimera file layout (recovery-schemes-2.md §3.6 "Encrypted file
// layout", MEDIUM: derived from 12 public test files, consistent on all):
//
//   0        ciphertext, the original's size rounded up to 1,024 bytes
//   EOF-280  16 random-looking bytes (an IV or a MAC: not known)
//   EOF-264  the original's size, uint64 little-endian
//   EOF-256  RSA-2048 PKCS#1 v1.5 (block type 2) encryption of the file's
//            16-byte key, under the victim's RSA key
//
// and the check that a leaked key fits a file: its raw RSA operation on
// the last 256 bytes shows the padding and a 16-byte payload. The padding
// is checked here, not by OpenSSL: OpenSSL 3.2 and later answer a bad
// PKCS#1 v1.5 padding with a random plaintext ("implicit rejection"), which
// would make every key look as if it fitted.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"

namespace kintsugi::families {

inline constexpr std::uint64_t kChimeraBlockBytes = 1024;
inline constexpr std::size_t kChimeraFieldBytes = 16;
inline constexpr std::size_t kChimeraSizeBytes = 8;
inline constexpr std::size_t kChimeraRsaBlockBytes = 256;
inline constexpr std::size_t kChimeraFooterBytes =
    kChimeraFieldBytes + kChimeraSizeBytes + kChimeraRsaBlockBytes;
static_assert(kChimeraFooterBytes == 280);
// The per-file key the RSA block wraps.
inline constexpr std::size_t kChimeraFileKeyBytes = 16;
// PKCS#1 v1.5 (RFC 8017 §7.2.2): at least 8 nonzero padding bytes.
inline constexpr std::size_t kPkcs1MinPaddingBytes = 8;

struct ChimeraFooter {
  std::uint64_t original_size = 0;
  ByteView field;      // The 16 bytes at EOF-280.
  ByteView rsa_block;  // The 256 bytes at EOF-256.
};

// The footer of a file of `file_size` bytes whose last bytes are
// `file_tail` (at least the footer's 280; any view is safe), when the
// layout holds: the size field rounded up to a multiple of 1,024 is exactly
// the bytes before the footer. Nothing otherwise (too short, or a size that
// does not fit).
std::optional<ChimeraFooter> ParseChimeraFooter(std::uint64_t file_size,
                                                ByteView file_tail);

// Whether `block` looks like an RSA ciphertext rather than text or zeros:
// at least 64 distinct byte values among its 256 (random bytes have about
// 162, and practically never fewer than 100).
bool ChimeraBlockLooksRandom(ByteView block);

// The 16-byte key inside `decrypted`, the raw RSA result of a 256-byte
// block: 00 02, at least 8 nonzero padding bytes, 00, then exactly 16
// bytes. Nothing when the layout does not hold (a wrong key: about one in
// 2^24 passes by chance).
std::optional<SecretBytes> ChimeraFileKey(ByteView decrypted);

}  // namespace kintsugi::families
