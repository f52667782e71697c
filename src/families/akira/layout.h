#pragma once

// Akira 2024 Linux/ESXi ("v3 Linux") file layout and cipher schedule
// (recovery-schemes-3.md §3.9 "File layout and cipher schedule"): which
// bytes of the original are encrypted, with which cipher, and the stream
// that decrypts a file with the four derived keys.

#include <cstdint>
#include <memory>
#include <optional>

#include "crypto/chacha8.h"
#include "crypto/kcipher2.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families::akira {

// The RSA-4096 trailer appended to every file (§3.9 "Identification").
inline constexpr std::uint64_t kTrailerBytes = 512;
// Parts are processed in chunks of 0xFFFF bytes (§3.9 step 5).
inline constexpr std::uint64_t kChunkBytes = 0xFFFF;
// The encryption percent the public decryptor hard-codes (§3.9
// "Uncertain"), and ours unless the user says otherwise.
inline constexpr unsigned kDefaultPercent = 15;

// What a byte of the original is, by its offset.
enum class Segment : std::uint8_t {
  kPlain,     // Outside the encrypted parts.
  kKCipher2,  // First or last chunk of a part.
  kChaCha8,   // A middle chunk of a part.
};

class Layout {
 public:
  // `size` is the original's size (the encrypted size less the trailer),
  // `percent` 1..100. nullopt when the parts would overlap (large
  // percents: the spec's formulas do not say what the encryptor then does).
  static std::optional<Layout> Make(std::uint64_t size, unsigned percent);

  std::uint64_t size() const { return size_; }
  unsigned parts() const { return parts_; }        // Encrypted parts.
  std::uint64_t part_bytes() const { return e_; }  // E.
  std::uint64_t step() const { return step_; }
  // Whether any byte is ChaCha8's (a part longer than two chunks): only
  // then are T1 and T2 needed.
  bool HasChaCha8() const { return e_ > 2 * kChunkBytes; }
  // The segment `offset` is in, where it begins and where it ends
  // (exclusive); a chunk is a segment of its own.
  Segment At(std::uint64_t offset, std::uint64_t& begin,
             std::uint64_t& end) const;
  // Bytes of the original in ChaCha8 chunks.
  std::uint64_t ChaCha8Bytes() const;
  // Bytes of the original that are encrypted at all.
  std::uint64_t EncryptedBytes() const { return e_ * parts_; }

 private:
  std::uint64_t size_ = 0;
  unsigned parts_ = 0;
  std::uint64_t e_ = 0;
  std::uint64_t step_ = 0;
};

// The four secrets of a file (§3.9 "Key derivation"): the KCipher-2 key
// and IV (from T3, T4) and the ChaCha8 key and nonce (from T1, T2), which
// are absent when the file has no ChaCha8 chunk or they were not found.
struct FileKeys {
  SecretBytes kcipher2_key;  // 16 bytes.
  SecretBytes kcipher2_iv;   // 16 bytes.
  SecretBytes chacha_key;    // 16 bytes, or empty.
  SecretBytes chacha_nonce;  // 8 bytes, or empty.
};

// FileKeys packed into a recover::Key: key = KCipher-2 key || ChaCha8 key,
// iv = KCipher-2 IV || ChaCha8 nonce (the ChaCha8 halves may be absent).
recover::Key PackKey(const FileKeys& keys);
Result<FileKeys> UnpackKey(const recover::Key& key);

// Decrypts an Akira file of `file_size` bytes (trailer included) with
// `keys` as one stream: plaintext parts copied, KCipher-2 chunks as one
// keystream, ChaCha8 chunks each from a fresh block; the trailer dropped.
// Without ChaCha8 keys the ChaCha8 chunks are copied as they are and
// reported by Lost(). kInvalidArgument for keys of the wrong sizes or a
// file shorter than the trailer.
Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
    const FileKeys& keys, const Layout& layout);

// Encrypts `original` in place with `keys` (specimens and tests only: the
// same schedule, since every cipher here is its own inverse).
Status EncryptInPlace(const FileKeys& keys, const Layout& layout,
                      std::span<std::uint8_t> original);

}  // namespace kintsugi::families::akira
