#pragma once

// KCipher-2 (RFC 7008), written from the RFC because neither OpenSSL nor
// libsodium has it, for Akira's 2024 Linux/ESXi build
// (recovery-schemes-3.md §3.9, §4.7): a 128-bit key and a 128-bit IV, both
// read as big-endian 32-bit words; keystream words ZH then ZL, each emitted
// big-endian.
//
// Two entry points:
//   - KCipher2: the stream (byte-granular: a call may end inside an 8-byte
//     output, the rest is kept for the next call), for decryption.
//   - KCipher2Key + KCipher2First8: the seed search's candidate test (§3.9
//     "Cheapest candidate test"): the key expansion is done once per key
//     and reused for every IV; KCipher2First8 runs the 24 initialisation
//     clocks and returns the first 8 keystream bytes.
//
// A stream cipher: decryption is encryption. The state is wiped when the
// object is destroyed.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kKCipher2KeyBytes = 16;
inline constexpr std::size_t kKCipher2IvBytes = 16;

// A key expanded to the RFC's IK[0..11] (§2.3 "Key expansion"). Cheap to
// copy; holds key material (wipe it when done where that matters).
struct KCipher2Key {
  std::array<std::uint32_t, 12> ik{};
};

// Expands a 16-byte key (big-endian words, RFC 7008 order).
KCipher2Key KCipher2Expand(const std::uint8_t key[kKCipher2KeyBytes]);

// The first 8 keystream bytes for (key, iv) as one integer read big-endian:
// ZH in the high 32 bits, ZL in the low 32 bits, so that the bytes of the
// keystream are (result >> 56) & 0xff, (result >> 48) & 0xff, ... in order.
std::uint64_t KCipher2First8(const KCipher2Key& key,
                             const std::uint8_t iv[kKCipher2IvBytes]);

class KCipher2 {
 public:
  KCipher2() = default;
  KCipher2(const KCipher2&) = default;
  KCipher2& operator=(const KCipher2&) = default;
  ~KCipher2();

  // Loads (key, iv) and runs the 24 initialisation clocks. kInvalidArgument
  // for a key or an IV that is not 16 bytes.
  Status Init(ByteView key, ByteView iv);
  // The same from an expanded key.
  void Init(const KCipher2Key& key, const std::uint8_t iv[kKCipher2IvBytes]);

  // The next out.size() keystream bytes.
  void Keystream(std::span<std::uint8_t> out);
  // XORs the next in.size() keystream bytes into `out` (at least in.size()
  // bytes; may be the same memory as `in`). kInvalidArgument for a short
  // `out`.
  Status Xor(ByteView in, std::span<std::uint8_t> out);

 private:
  void Next();
  void Wipe();

  std::array<std::uint32_t, 5> a_{};
  std::array<std::uint32_t, 11> b_{};
  std::uint32_t l1_ = 0, r1_ = 0, l2_ = 0, r2_ = 0;
  std::array<std::uint8_t, 8> out_{};
  std::size_t used_ = 8;  // Bytes of out_ already given out.
};

}  // namespace kintsugi::crypto
