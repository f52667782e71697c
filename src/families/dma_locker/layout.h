#pragma once

// DMA Locker's file layout and cipher (recovery-schemes.md §3.5 "Layout and
// cipher"): the 8-byte marker "!DMALOCK" and 0x88 bytes of header, then the
// original, of which only parts are AES-256-ECB encrypted: the first
// E = min(size, 1,000,000,000) bytes are cut into 45 chunks of floor(E/45)
// bytes and one remainder chunk, and inside each chunk only the whole
// 16-byte blocks from its start are encrypted; the rest of a chunk, and
// every byte beyond E, stay plaintext. Nothing is padded: the original's
// size is the file's less 0x88.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

inline constexpr std::string_view kDmaMarker = "!DMALOCK";
inline constexpr std::uint64_t kDmaHeaderBytes = 0x88;
inline constexpr std::size_t kDmaKeyBytes = 32;

class DmaLayout {
 public:
  explicit DmaLayout(std::uint64_t original_size);

  // The run of the original that starts at `at` (< size()) and goes on in
  // the same state: an encrypted block [block, end) holding `at`, or
  // plaintext up to `end`.
  struct Run {
    bool encrypted = false;
    std::uint64_t block = 0;  // Encrypted: where the block starts.
    std::uint64_t end = 0;
  };
  Run At(std::uint64_t at) const;

  std::uint64_t size() const { return size_; }
  // Whether the first 16 bytes are an encrypted block (the chunks are at
  // least a block long: E >= 720), so a key can be tested on them.
  bool FirstBlockEncrypted() const { return chunk_ >= 16; }
  // Whether any byte is encrypted.
  bool AnyEncrypted() const;
  // How many bytes of the original stay plaintext: each chunk's tail short
  // of a whole block, and everything beyond E.
  std::uint64_t PlainBytes() const;

 private:
  std::uint64_t size_;
  std::uint64_t region_;  // E.
  std::uint64_t chunk_;   // floor(E / 45).
};

// Encrypts (or decrypts) an original of `data.size()` bytes in place by
// the layout, under the 32-byte `key`: for the specimen generator and for
// checks on a few kilobytes. `data` may be a prefix of the original when
// `original_size` says how long the whole is.
Status DmaTransform(ByteView key, std::uint64_t original_size,
                    std::span<std::uint8_t> data, bool encrypt);

// The stream that decrypts a whole DMA Locker file of `file_size` bytes
// (header included) under `key`: the original, exactly.
Result<std::unique_ptr<recover::StreamDecryption>> StartDmaDecryption(
    ByteView key, std::uint64_t file_size);

}  // namespace kintsugi::families
