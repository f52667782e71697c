#pragma once

// Salsa20/20 (a stream cipher: decryption is encryption) over libsodium,
// seekable, for STOP/Djvu (recovery-schemes.md §3.7 "Crypto": OpenSSL has
// no Salsa20) and its specimen generator.

#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kSalsa20KeyBytes = 32;
inline constexpr std::size_t kSalsa20NonceBytes = 8;
inline constexpr std::size_t kSalsa20BlockBytes = 64;

// XORs `in` into `out` (at least in.size() bytes; may be the same memory)
// with the keystream of (key, nonce) from its byte `stream_offset` on: the
// block counter is stream_offset / 64, starting at 0, as
// crypto_stream_salsa20_xor_ic counts it. kInvalidArgument for a key that is
// not 32 bytes, a nonce that is not 8, or a short `out`.
Status Salsa20Xor(ByteView key, ByteView nonce, std::uint64_t stream_offset,
                  ByteView in, std::span<std::uint8_t> out);

}  // namespace kintsugi::crypto
