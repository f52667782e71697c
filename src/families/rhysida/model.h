#pragma once

// Rhysida's key derivation and file transform as a reconstruction model
// (recovery-schemes-3.md §3.10). The mechanism is the spec's (MEDIUM):
// srand(time) once, then PROCS + 1 LibTomCrypt chacha20_prng generators
// (§4.9) fed from successive MSVC rand() values (recovery-schemes.md §4.3),
// generator 0 never used, worker w drawing each file's key then IV from
// generator w, the file AES-CTR encrypted and a wrapped-key trailer
// appended. The byte layout is NOT confirmed by any real sample (LOW): every
// part the spec leaves open is a named parameter here, with the spec's
// candidates, so that a search can try them in turn and the user can pin
// them (docs/cli.md "Rhysida"):
//   Feed     how rand() values become the 40 entropy bytes of a generator;
//   Draw     key and IV sizes drawn per file (32 + 16 assumed);
//   Counter  LibTomCrypt's CTR counter convention (§4.12);
//   ChunkRule which bytes of the original are encrypted (not in any source
//            we could read: "whole" is our default, the others are guesses);
//   trailer  how many bytes are appended (512: one RSA-4096 block; 1024).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aes_ecb.h"
#include "crypto/chacha20_prng.h"
#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families::rhysida {

inline constexpr std::size_t kAesBlock = 16;

// How successive rand() values (0..0x7fff) fill a generator's 40 entropy
// bytes (§3.10 "Key derivation" step 2, unknown). Generators are fed one
// after another from the same rand() stream, generator 0 first.
enum class Feed : std::uint8_t {
  kByte,  // "byte": 40 calls, each rand() & 0xff.
  kLe16,  // "le16": 20 calls, each two bytes, low byte first.
  kBe16,  // "be16": 20 calls, each two bytes, high byte first.
  kLe32,  // "le32": 10 calls, each stored as a 32-bit int (LE).
};
inline constexpr Feed kAllFeeds[] = {Feed::kByte, Feed::kLe16, Feed::kBe16,
                                     Feed::kLe32};
std::string_view FeedName(Feed feed);
std::optional<Feed> FeedFromName(std::string_view name);
// rand() calls one generator takes.
unsigned FeedCalls(Feed feed);

// §4.12: LibTomCrypt CTR, first keystream block E(IV), the 16-byte counter
// incremented big-endian from the last byte (OpenSSL's CTR) or
// little-endian from byte 0.
enum class Counter : std::uint8_t { kBigEndian, kLittleEndian };
inline constexpr Counter kAllCounters[] = {Counter::kBigEndian,
                                           Counter::kLittleEndian};
std::string_view CounterName(Counter counter);  // "be", "le"
std::optional<Counter> CounterFromName(std::string_view name);

// Bytes drawn from a worker's generator per file: the key, then the IV.
struct Draw {
  std::size_t key_bytes = 32;  // 16, 24 or 32 (AES-128/192/256).
  std::size_t iv_bytes = 16;   // 1..16; a short IV leaves the rest 0.
  std::size_t per_file() const { return key_bytes + iv_bytes; }
  std::string Name() const;  // "32+16"
};
// "KEY+IV", e.g. "32+16"; kInvalidArgument otherwise.
Result<Draw> ParseDraw(std::string_view text);

// Which bytes of the original (the file less its trailer) are encrypted:
// size 0 means all of them; else `size` bytes at the start of every `step`
// (step 0: only the first `size`). One CTR stream runs on across the
// encrypted pieces. MODEL, UNCONFIRMED: no source gives Rhysida's rule.
struct ChunkRule {
  std::uint64_t size = 0;
  std::uint64_t step = 0;
  bool whole() const { return size == 0; }
  // "whole", "head:SIZE", "stripes:SIZE:STEP" (sizes in bytes).
  std::string Name() const;
  // Encrypted bytes of an original before offset `at`: the keystream
  // offset of the byte at `at` when it is encrypted.
  std::uint64_t EncryptedBefore(std::uint64_t at) const;
  // Whether the byte at `at` is encrypted, and where its run ends (the
  // next offset where that changes; max for "to the end").
  bool Encrypted(std::uint64_t at, std::uint64_t* run_end) const;
};
// "whole", "head:SIZE" or "stripes:SIZE:STEP", SIZE and STEP in bytes with
// an optional k/K or m/M suffix (KiB, MiB); SIZE a multiple of 16 (so every
// encrypted piece is whole blocks of the stream) and under STEP.
Result<ChunkRule> ParseChunkRule(std::string_view text);

inline constexpr std::uint64_t kTrailerCandidates[] = {512, 1024};

// The PROCS + 1 generators one srand(seed) starts, under `feed`: Worker(w)
// for w = 1..workers (generator 0 is made, fed and discarded, as §3.10
// says Rhysida does).
class SeedGenerators {
 public:
  SeedGenerators(std::uint32_t seed, Feed feed, unsigned workers);
  unsigned workers() const { return static_cast<unsigned>(generators_.size()); }
  const crypto::ChaCha20Prng& Worker(unsigned w) const {
    return generators_[w - 1];
  }

 private:
  std::vector<crypto::ChaCha20Prng> generators_;
};

// One file's key and IV (IV zero-padded to 16 bytes).
struct FileKey {
  std::array<std::uint8_t, 32> key{};
  std::size_t key_bytes = 32;
  std::array<std::uint8_t, kAesBlock> iv{};
  ByteView key_view() const { return ByteView(key.data(), key_bytes); }
};
// The key and IV of the `index`-th file (0 = the first) a worker
// encrypted: bytes [index * per_file, ...) of its generator.
FileKey KeyAt(const crypto::ChaCha20Prng& generator, const Draw& draw,
              std::uint64_t index);

// AES-CTR keystream under a key, seekable by block: E(IV + n) under the
// counter convention.
class CtrKeystream {
 public:
  static Result<CtrKeystream> Create(const FileKey& key, Counter counter);
  // XORs the keystream from stream byte `offset` on into `data`.
  Status Apply(std::uint64_t offset, std::span<std::uint8_t> data);

 private:
  CtrKeystream(crypto::AesEcb cipher, const FileKey& key, Counter counter)
      : cipher_(std::move(cipher)), iv_(key.iv), counter_(counter) {}
  crypto::AesEcb cipher_;
  std::array<std::uint8_t, kAesBlock> iv_;
  Counter counter_;
};

// The counter block for block `n` of the stream: IV + n in the convention,
// 128 bits wide (LibTomCrypt's default width is the block size).
std::array<std::uint8_t, kAesBlock> CounterBlock(
    const std::array<std::uint8_t, kAesBlock>& iv, Counter counter,
    std::uint64_t n);

// Transforms `data`, the original's bytes from `offset` on (CTR: the same
// both ways), by the chunk rule.
Status TransformOriginal(CtrKeystream& stream, const ChunkRule& rule,
                         std::uint64_t offset, std::span<std::uint8_t> data);

// One reading of every open parameter: what a run settles on.
struct Reading {
  Feed feed = Feed::kByte;
  Draw draw;
  Counter counter = Counter::kBigEndian;
  ChunkRule chunks;
  std::uint64_t trailer = 512;
  // "feed byte, draw 32+16, counter be, chunks whole, trailer 512".
  std::string Name() const;
};

// Decrypts a file of `file_size` bytes as a stream: the original's bytes
// by `reading`'s chunk rule and counter under `key`, the trailer dropped.
// kCorrupt for a file shorter than the trailer.
Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
    const FileKey& key, const Reading& reading, std::uint64_t file_size);

}  // namespace kintsugi::families::rhysida
