#pragma once

// Sosemanuk (eSTREAM portfolio, profile 1; Berbain et al., "SOSEMANUK, a
// fast software-oriented stream cipher"), implemented from its
// specification because neither OpenSSL nor libsodium has it. Used by the
// Babuk ESXi decryptor (recovery-schemes.md §3.8 "ESXi layout and crypto")
// and its specimen generator. Checked against the reference submission's
// vector and eSTREAM set 6 (sosemanuk_test.cpp).
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

inline constexpr std::size_t kSosemanukMaxKeyBytes = 32;
inline constexpr std::size_t kSosemanukIvBytes = 16;
// The keystream comes in blocks of 20 LFSR steps.
inline constexpr std::size_t kSosemanukBlockBytes = 80;

class Sosemanuk {
 public:
  // Keys of 1 to 32 bytes are padded as Serpent pads them (a 0x01 byte,
  // then zeros); an IV of 0 to 16 bytes is padded with zeros, as the
  // reference implementation does (so "no IV" is the all-zero IV).
  // kInvalidArgument for an empty or longer key, or a longer IV.
  static Result<Sosemanuk> Create(ByteView key, ByteView iv);

  Sosemanuk(const Sosemanuk&) = delete;
  Sosemanuk& operator=(const Sosemanuk&) = delete;
  Sosemanuk(Sosemanuk&& other) noexcept;
  Sosemanuk& operator=(Sosemanuk&& other) noexcept;
  ~Sosemanuk();

  // XORs the next in.size() bytes of the keystream into `out` (at least
  // in.size() bytes; may be the same memory as `in`). The keystream goes
  // on from where the last call stopped, whatever the call sizes.
  // kInvalidArgument for a short `out`.
  Status Xor(ByteView in, std::span<std::uint8_t> out);

  // Advances the keystream by `bytes` without producing output.
  void Skip(std::uint64_t bytes);

 private:
  Sosemanuk() = default;
  void NextBlock();
  void Wipe();

  std::array<std::uint32_t, 10> s_{};  // The LFSR, s_[0] the oldest.
  std::uint32_t r1_ = 0;
  std::uint32_t r2_ = 0;
  std::array<std::uint8_t, kSosemanukBlockBytes> block_{};
  std::size_t used_ = kSosemanukBlockBytes;  // Bytes of block_ consumed.
};

}  // namespace kintsugi::crypto
