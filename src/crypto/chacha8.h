#pragma once

// ChaCha with 8 rounds in Bernstein's original layout (recovery-schemes-3.md
// §4.8), for Akira's 2024 Linux/ESXi build (§3.9): a 16-byte key ("expand
// 16-byte k", the key repeated) or a 32-byte one ("expand 32-byte k"), a
// 64-bit block counter in words 12-13 and a 64-bit nonce in words 14-15,
// all little-endian. Neither OpenSSL nor libsodium has 8 rounds (both fix
// 20), and crypto/chacha20.h is libsodium's IETF form (12-byte nonce,
// 32-bit counter): a different layout, so this is its own small file.
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

inline constexpr std::size_t kChaCha8NonceBytes = 8;
inline constexpr std::size_t kChaCha8BlockBytes = 64;

// The first 8 bytes of block 0 for a 16-byte key and an 8-byte nonce, read
// big-endian (byte 0 in the high 8 bits), as KCipher2First8 reads its
// keystream: the seed search's candidate test (§3.9 Stage B).
std::uint64_t ChaCha8First8(const std::uint8_t key[16],
                            const std::uint8_t nonce[kChaCha8NonceBytes]);

class ChaCha8 {
 public:
  ChaCha8() = default;
  ChaCha8(const ChaCha8&) = default;
  ChaCha8& operator=(const ChaCha8&) = default;
  ~ChaCha8();

  // Loads (key, nonce) at block 0. kInvalidArgument for a key that is not
  // 16 or 32 bytes or a nonce that is not 8.
  Status Init(ByteView key, ByteView nonce);

  // Moves to the start of block `counter` (the rest of the current block
  // is dropped).
  void Seek(std::uint64_t counter);
  // Moves to the start of the next block unless at one already: Akira
  // starts every ChaCha8 chunk on a fresh block (§3.9 step 7).
  void AlignToBlock();
  // The block the next keystream byte comes from.
  std::uint64_t block() const { return used_ == 64 ? counter_ : counter_ - 1; }

  // XORs the next in.size() keystream bytes into `out` (at least in.size()
  // bytes; may be the same memory as `in`). kInvalidArgument for a short
  // `out`.
  Status Xor(ByteView in, std::span<std::uint8_t> out);

 private:
  void Refill();

  std::array<std::uint32_t, 16> input_{};
  std::array<std::uint8_t, 64> block_{};
  std::uint64_t counter_ = 0;  // The block Refill() makes next.
  std::size_t used_ = 64;      // Bytes of block_ already given out.
};

}  // namespace kintsugi::crypto
