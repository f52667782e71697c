#pragma once

// AES over raw 16-byte blocks (ECB), one key after another on one reusable
// OpenSSL context: the candidate test of a seed search re-keys it millions
// of times without allocating (DMA Locker's AES-256-ECB, recovery-schemes.md
// §3.5; the first block of Princess Locker's AES-128-CBC under its zero IV,
// §3.6). Not thread-safe: one per worker.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

class AesEcb {
 public:
  // A cipher for keys of `key_bytes` (16, 24 or 32) that decrypts, or
  // encrypts when `encrypt`; kInvalidArgument for another size.
  static Result<AesEcb> Create(std::size_t key_bytes, bool encrypt = false);

  AesEcb(AesEcb&&) noexcept;
  AesEcb& operator=(AesEcb&&) noexcept;
  ~AesEcb();

  // Sets the key for the next calls; kInvalidArgument for a key that is not
  // `key_bytes` long.
  Status SetKey(ByteView key);
  // Runs the whole blocks of `in` through the cipher into `out` (at least
  // in.size() bytes; in and out may be the same bytes). kInvalidArgument
  // when in.size() is not a multiple of 16 or no key was set.
  Status Apply(ByteView in, std::span<std::uint8_t> out);

 private:
  struct State;
  explicit AesEcb(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Encrypts (or decrypts) the whole blocks of `data` in place under `key`:
// for specimen generators and known-answer tests.
Status AesEcbInPlace(ByteView key, std::span<std::uint8_t> data, bool encrypt);

}  // namespace kintsugi::crypto
