#pragma once

// HC-128 (Wu, eSTREAM portfolio, profile 1), implemented from its
// specification because neither OpenSSL nor libsodium has it, with the
// "8-word" key/IV mode the Babuk Windows encryptor uses
// (recovery-schemes-2.md §2.2). One primitive, Hc128Init, takes the eight
// key words and eight IV words that fill W[0..15]; standard HC-128 is its
// special case key16 || key16, iv16 || iv16 (Hc128Standard), so the
// published vectors test the same code as Babuk's mode (hc128_test.cpp).
//
// Written in the style of the eSTREAM optimised code: P and Q in one table
// updated in place, the last 16 words of each kept in a small array, and
// 16 steps unrolled per 64-byte block. A stream cipher: decryption is
// encryption. The state is wiped when the object is destroyed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

// W[0..7] and W[8..15] (§2.2).
inline constexpr std::size_t kHc128Words = 8;
// Standard HC-128: a 128-bit key and a 128-bit IV.
inline constexpr std::size_t kHc128StandardBytes = 16;
// Babuk's mode: 32 bytes of key and 32 of IV, each read as 8 LE words.
inline constexpr std::size_t kHc128EightWordBytes = 32;
// Keystream is made 16 words (64 bytes) at a time.
inline constexpr std::size_t kHc128BlockBytes = 64;

class Hc128 {
 public:
  Hc128(const Hc128&) = delete;
  Hc128& operator=(const Hc128&) = delete;
  Hc128(Hc128&& other) noexcept;
  Hc128& operator=(Hc128&& other) noexcept;
  ~Hc128();

  // XORs the next in.size() bytes of the keystream into `out` (at least
  // in.size() bytes; may be the same memory as `in`). The keystream goes on
  // from where the last call stopped, whatever the call sizes: unlike the
  // reference `process_bytes`, a call that ends inside a 64-byte block
  // keeps the rest of the block for the next call (§2.2 "Partial-block
  // semantics"; Babuk's whole-MiB calls never see the difference).
  // kInvalidArgument for a short `out`.
  Status Xor(ByteView in, std::span<std::uint8_t> out);

  // Advances the keystream by `bytes` without producing output (it is
  // computed and dropped: HC-128 cannot jump; about the cost of Xor).
  void Skip(std::uint64_t bytes);

  // Keystream bytes produced or skipped so far.
  std::uint64_t position() const { return position_; }

 private:
  friend Hc128 Hc128Init(std::span<const std::uint32_t, kHc128Words>,
                         std::span<const std::uint32_t, kHc128Words>);
  Hc128() = default;
  // The next 16 keystream words.
  void NextWords(std::uint32_t (&words)[16]);
  void Wipe();

  // P in table_[0..511], Q in table_[512..1023].
  std::array<std::uint32_t, 1024> table_{};
  std::array<std::uint32_t, 16> x_{};  // The last 16 words of P, by j % 16.
  std::array<std::uint32_t, 16> y_{};  // The last 16 words of Q, by j % 16.
  std::uint32_t counter_ = 0;          // The step number, mod 1024.
  std::array<std::uint8_t, kHc128BlockBytes> block_{};
  std::size_t used_ = kHc128BlockBytes;  // Bytes of block_ consumed.
  std::uint64_t position_ = 0;
};

// §2.2: W[0..7] = key_words, W[8..15] = iv_words, the expansion to 1280
// words, and the 1024 set-up steps whose outputs go back into the tables.
Hc128 Hc128Init(std::span<const std::uint32_t, kHc128Words> key_words,
                std::span<const std::uint32_t, kHc128Words> iv_words);

// Standard HC-128: 16 bytes of key and 16 of IV, as LE words, each
// repeated to fill eight. kInvalidArgument for other sizes.
Result<Hc128> Hc128Standard(ByteView key, ByteView iv);

// Babuk's 8-word mode: 32 bytes of key and 32 of IV, as LE words, nothing
// repeated. kInvalidArgument for other sizes.
Result<Hc128> Hc128EightWord(ByteView key, ByteView iv);

}  // namespace kintsugi::crypto
