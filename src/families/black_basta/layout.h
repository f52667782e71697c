#pragma once

// The Black Basta file layout of the 2023 strain that reuses one 64-byte
// keystream block (recovery-schemes-2.md §3.9, recovery-schemes-3.md
// §3.14): the 314-byte footer, which bytes of the original are XORed with
// the reused block K, which are lost to a keystream that does advance, and
// the two ways of learning K (known plaintext, encrypted zero regions).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {

// §3.9 "Recognition / footer": 314 bytes appended; the last 12 are an
// 11-character ASCII magic (constant per campaign) and a NUL; the version
// byte sits at EOF-23 and the progress counter (LE u64) at EOF-22.
inline constexpr std::uint64_t kBlackBastaFooterBytes = 314;
inline constexpr std::size_t kBlackBastaMagicChars = 11;
inline constexpr std::size_t kBlackBastaVersionFromEnd = 23;
inline constexpr std::size_t kBlackBastaCounterFromEnd = 22;
// The version of the weak strain; SRLabs' tools refuse any other.
inline constexpr std::uint8_t kBlackBastaWeakVersion = 0x06;
// §3.14 "Identification": the appended extension is 9 random characters.
inline constexpr std::size_t kBlackBastaExtensionChars = 9;

// §3.9 "Encrypted ranges": 64-byte blocks; below 5,000 bytes the keystream
// advances (lost but for the first block); up to 1 GiB a block every 192
// bytes; above, [0, 5,000) then a block every 6,400 bytes from 5,000.
inline constexpr std::size_t kBlackBastaBlockBytes = 64;
inline constexpr std::uint64_t kBlackBastaHeadBytes = 5000;
inline constexpr std::uint64_t kBlackBastaMediumStride = 192;
inline constexpr std::uint64_t kBlackBastaLargeStride = 6400;
inline constexpr std::uint64_t kBlackBastaLargeFrom = 1ull << 30;  // n > it

using BlackBastaBlock = std::array<std::uint8_t, kBlackBastaBlockBytes>;

// The fields of a footer that the recovery uses.
struct BlackBastaFooter {
  std::uint8_t version = 0;
  std::uint64_t counter = 0;  // Bytes of the original processed.
  std::string magic;          // The 11 characters, without the NUL.
};

// The footer of a file of `file_size` bytes from its last bytes
// (`file_tail`, at least 23 of them): nothing when the file is shorter than
// the footer or its last 12 bytes are not 11 printable ASCII characters and
// a NUL. Any version is returned; the caller checks it.
std::optional<BlackBastaFooter> ParseBlackBastaFooter(ByteView file_tail,
                                                      std::uint64_t file_size);

enum class BlackBastaSizeClass : std::uint8_t { kSmall, kMedium, kLarge };

// Which bytes of an original of `size` bytes (the file less its footer)
// were encrypted how, given the footer's progress counter. Blocks at or
// beyond the counter were never encrypted (an interrupted run).
// `large_from` is 1 GiB; tests lower it to exercise the large class with
// small files.
class BlackBastaLayout {
 public:
  BlackBastaLayout(std::uint64_t size, std::uint64_t counter,
                   std::uint64_t large_from = kBlackBastaLargeFrom);

  std::uint64_t size() const { return size_; }
  std::uint64_t counter() const { return counter_; }
  BlackBastaSizeClass size_class() const { return class_; }
  // The distance between blocks XORed with K after the first (medium: 192,
  // large: 6,400); 0 for the small class, which has one such block.
  std::uint64_t stride() const;
  // Whether the run stopped before the end of the original (counter < size).
  bool interrupted() const { return counter_ < size_; }

  // The first block XORed with K that ends after `offset` (it may contain
  // it), or nothing when none does.
  std::optional<std::uint64_t> KBlockFrom(std::uint64_t offset) const;
  // Whether any byte is XORed with K.
  bool AnyKBlock() const { return KBlockFrom(0).has_value(); }
  // How many blocks are XORed with K.
  std::uint64_t KBlockCount() const;
  // Where byte `offset` lies in K when it is XORed with K.
  std::optional<std::size_t> KIndex(std::uint64_t offset) const;

  // The bytes encrypted with a keystream that advances, which K cannot
  // recover (small: the blocks after the first; large: bytes 64..4,999),
  // in increasing offset order and merged.
  std::vector<ByteRange> Lost() const;
  std::uint64_t LostTotal() const;

  // The K-blocks whose four neighbours (the 64-byte blocks at o-128, o-64,
  // o+64 and o+128) are never encrypted and lie inside the original: the
  // places where an encrypted zero region shows K (§3.9 step 2(b)).
  // The first one at or after `offset`.
  std::optional<std::uint64_t> WindowBlockFrom(std::uint64_t offset) const;

 private:
  std::uint64_t size_;
  std::uint64_t counter_;
  BlackBastaSizeClass class_;
};

// A window around a K-block: its four neighbours and the block itself,
// bytes [o - 128, o + 192).
inline constexpr std::uint64_t kBlackBastaWindowBefore = 128;
inline constexpr std::size_t kBlackBastaWindowBytes = 320;

// §3.9 step 2(b), SRLabs' rule: the block of `window` (kBlackBastaWindowBytes
// from o - 128) when it is not zero while its four neighbours are: in a
// zero region, an encrypted block is K itself.
std::optional<BlackBastaBlock> ZeroRegionCandidate(ByteView window);

// How a candidate K reads in a window (the §3.14 validator "zero runs stay
// zero in sparse areas"): kUnjudged when the neighbours are neither all
// zero nor all text; else whether the decrypted block joins them (all zero
// between zeros; text, but for a few bytes, between text).
enum class BlackBastaJoin : std::uint8_t { kUnjudged, kJoins, kBreaks };
BlackBastaJoin JudgeWindow(ByteView window, const BlackBastaBlock& key);

// K from known plaintext (§3.9 step 2(a)): every known byte of the original
// that lies in a K-block fixes one byte of K. Add the known bytes with the
// file's bytes at the same offsets; K is complete when all 64 are fixed.
class BlackBastaKnownBlock {
 public:
  explicit BlackBastaKnownBlock(const BlackBastaLayout& layout)
      : layout_(layout) {}
  // `plain` is the original's bytes from `offset`, `cipher` the encrypted
  // file's (the shorter decides).
  void Add(std::uint64_t offset, ByteView plain, ByteView cipher);
  bool complete() const { return fixed_ == kBlackBastaBlockBytes; }
  std::size_t fixed() const { return fixed_; }
  // The offset of the original where two known bytes imply different K
  // bytes: the known bytes are not all this file's.
  std::optional<std::uint64_t> conflict() const { return conflict_; }
  const BlackBastaBlock& block() const { return block_; }

 private:
  const BlackBastaLayout& layout_;
  BlackBastaBlock block_{};
  std::array<bool, kBlackBastaBlockBytes> set_{};
  std::size_t fixed_ = 0;
  std::optional<std::uint64_t> conflict_;
};

// XORs `data`, the original's bytes from `offset`, with K where the layout
// says so.
void BlackBastaXor(const BlackBastaLayout& layout, const BlackBastaBlock& key,
                   std::uint64_t offset, std::span<std::uint8_t> data);

}  // namespace kintsugi::families
