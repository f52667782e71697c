#pragma once

// Linux.Encoder.1's file layout and key stream (recovery-schemes.md §3.4),
// shared by the decryptor (linux_encoder.cpp), its tests and the specimen
// generator of the tests.
//
// A file: the original's st_mode (uint32 LE), L (uint32 LE), L bytes of
// RSA-encrypted key (not needed), the 16-byte IV whose byte 15 low nibble
// is the original size mod 16, then AES-128-CBC of the whole original, no
// padding block, the last partial block filled with stale bytes.
//
// The keys: srand(time(NULL)) once, then per file 16 key characters
// charset[rand() % 69] and 16 IV bytes rand() & 0xff (musl rand(), §4.2):
// 32 rand() calls per file, in the order the files were encrypted. So a
// seed and a file's number in that order give its key, and the IV in the
// file tells both, with no plaintext.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.4 "Key generation": the 69 key characters.
inline constexpr std::string_view kLinuxEncoderCharset =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.-#'?!";
inline constexpr std::size_t kLinuxEncoderBlock = 16;
// The IV bytes a search compares: byte 15's low nibble holds the size.
inline constexpr std::size_t kLinuxEncoderIvCompared = 15;
// The longest RSA key blob read: the IV must lie within the head that
// probing reads (recover/decryptor.h kProbeHeadBytes), so up to a
// 32,576-bit RSA key; the malware's are 2048-bit (256 bytes).
inline constexpr std::uint32_t kLinuxEncoderMaxBlobBytes =
    static_cast<std::uint32_t>(recover::kProbeHeadBytes) - 8 -
    kLinuxEncoderBlock;

using LinuxEncoderIv = std::array<std::uint8_t, kLinuxEncoderBlock>;
inline ByteView IvView(const LinuxEncoderIv& iv) {
  return ByteView(iv.data(), iv.size());
}

// The header of an encrypted file (§3.4 "Layout").
struct LinuxEncoderHeader {
  std::uint32_t mode = 0;          // The original's st_mode.
  std::uint32_t blob_bytes = 0;    // L.
  LinuxEncoderIv iv{};             // As stored: byte 15 carries the size.
  std::uint64_t header_bytes = 0;  // 24 + L: where the ciphertext starts.
  std::uint64_t cipher_bytes = 0;  // What follows the header.

  bool whole_blocks() const { return cipher_bytes % kLinuxEncoderBlock == 0; }
  // The plaintext bytes of the last block (§3.4: IV[15] & 0x0f, 0 meaning
  // a full block).
  std::uint64_t last_block_bytes() const {
    const unsigned nibble = iv[kLinuxEncoderBlock - 1] & 0x0fu;
    return nibble == 0 ? kLinuxEncoderBlock : nibble;
  }
  // The original's size: ciphertext - 16 + the last block's bytes; nullopt
  // when the ciphertext is not whole blocks, or is empty while the nibble
  // says a partial block (truncated or damaged).
  std::optional<std::uint64_t> OriginalSize() const;
};

// The header of a file of `file_size` bytes whose first bytes are `head`
// (at least 24 + L of them); nullopt when they are not Linux.Encoder's:
// too short, a mode with bits a regular file's st_mode never has (type
// bits other than S_IFREG or none), L of 0 or above
// kLinuxEncoderMaxBlobBytes, or a file shorter than its header.
std::optional<LinuxEncoderHeader> ParseLinuxEncoderHeader(
    ByteView head, std::uint64_t file_size);

// One file's key and IV as the malware drew them (the IV before byte 15's
// nibble was replaced).
struct LinuxEncoderKey {
  SecretBytes key;  // 16 ASCII characters of kLinuxEncoderCharset.
  LinuxEncoderIv iv{};
};

// The key and IV of the file numbered `index` (0: the first encrypted)
// after srand(seed).
LinuxEncoderKey LinuxEncoderKeyAt(std::uint32_t seed, std::uint64_t index);

// The number of the first of the first `keys` files of `seed` whose IV
// starts with `iv`'s first 15 bytes; nullopt when none does. One multiply
// and add per file (the generator jumps 32 calls at once).
std::optional<std::uint32_t> FindLinuxEncoderIv(std::uint32_t seed,
                                                std::uint32_t keys,
                                                const LinuxEncoderIv& iv);

// FindLinuxEncoderIv over the seeds [first, first + count) (all below
// 2^32): appends to `hits` each seed that draws `iv` among its first `keys`
// files. Four seeds at a time, for the CPU's pipelines.
void ScanLinuxEncoderSeeds(std::uint64_t first, std::uint32_t count,
                           std::uint32_t keys, const LinuxEncoderIv& iv,
                           std::vector<std::uint64_t>& hits);

// The first 8 IV bytes (as a big-endian number) of each of the first
// `keys` files of `seed`, in order: what a found seed's files are looked up
// by (§3.4 "Recovery" step 3).
std::vector<std::uint64_t> LinuxEncoderIvPrefixes(std::uint32_t seed,
                                                  std::uint32_t keys);
// The same number for one IV.
std::uint64_t LinuxEncoderIvPrefix(const LinuxEncoderIv& iv);

// Where a file's ciphertext starts and how much of its last block is the
// original's, packed into recover::Key::region for StartDecryption (bits
// 0-31: header bytes; bits 32-39: the last block's bytes, 1-16; 0: the
// file is truncated, whole blocks only).
std::uint64_t PackLinuxEncoderRegion(std::uint64_t header_bytes,
                                     std::uint64_t last_block_bytes);

// The stream for one file of `file_size` bytes: the header skipped, the
// ciphertext decrypted with `key` (key and IV as recover::Key holds them,
// `region` packed as above), no padding removed, the output cut to the
// original size. Key::truncated: whole blocks only, never Complete().
// kInvalidArgument for a key or IV of the wrong size or a region that does
// not fit the file.
Result<std::unique_ptr<recover::StreamDecryption>> StartLinuxEncoderDecryption(
    const recover::Key& key, std::uint64_t file_size);

// Whole blocks of ciphertext decrypted with `key` and `iv` and cut to
// `original_size` (at most the ciphertext's size): for confirming a seed on
// a sample held in memory.
Result<Bytes> LinuxEncoderDecrypt(ByteView key, ByteView iv,
                                  ByteView ciphertext,
                                  std::uint64_t original_size);

}  // namespace kintsugi::families
