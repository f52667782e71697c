#pragma once

// LibTomCrypt's chacha20_prng (recovery-schemes-3.md §4.9), bit-exact: the
// CSPRNG Rhysida drew its file keys from (§3.10), so that a seed search can
// regenerate them. Its whole state before `Ready` is 40 bytes of entropy
// (XORed in cyclically); `Ready` keys ChaCha20/20 in DJB's layout with
// ent[0:32] as the key, ent[32:40] as the 8-byte IV and counter 0; reads are
// consecutive keystream bytes.
//
// Not for anything that needs randomness: it is only as good as what is fed
// to it, and Rhysida fed it rand().

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

class ChaCha20Prng {
 public:
  static constexpr std::size_t kEntropyBytes = 40;

  // chacha20_prng_start: the entropy buffer cleared.
  ChaCha20Prng() = default;

  // chacha20_prng_add_entropy. Before Ready: each byte XORed into the
  // buffer at the next position, cyclically over 40 bytes. After Ready: a
  // rekey (the next 40 keystream bytes XOR `in`, cyclically, become the new
  // key and IV, counter 0).
  void AddEntropy(ByteView in);

  // chacha20_prng_ready: keys the cipher from the buffer, then clears it.
  // Calling it again does nothing (LibTomCrypt returns at once).
  void Ready();

  // chacha20_prng_read: the next out.size() keystream bytes (a partial
  // block's rest is used by the next read). kInvalidArgument before Ready.
  Status Read(std::span<std::uint8_t> out);

  // The keystream bytes at `offset` from where Ready (or the last rekey)
  // started it, without moving the read position: for a search that needs
  // one file's key out of a generator's stream. kInvalidArgument before
  // Ready.
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const;

  bool ready() const { return ready_; }

 private:
  void Key(ByteView material);

  std::array<std::uint8_t, kEntropyBytes> entropy_{};
  std::size_t index_ = 0;
  bool ready_ = false;
  std::array<std::uint8_t, 32> key_{};
  std::array<std::uint8_t, 8> iv_{};
  std::uint64_t position_ = 0;
};

}  // namespace kintsugi::crypto
