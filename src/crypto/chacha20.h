#pragma once

// ChaCha20 over libsodium, seekable: in its IETF form (RFC 8439: 32-byte
// key, 12-byte nonce, 32-bit block counter) for the Babuk NAS decryptor
// (recovery-schemes.md §3.8 "NAS (Go) layout and crypto") and its specimen
// generator; in DJB's original layout (8-byte IV, 64-bit block counter) for
// LibTomCrypt's chacha20_prng (recovery-schemes-3.md §4.9, Rhysida).

#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kChaCha20KeyBytes = 32;
inline constexpr std::size_t kChaCha20IetfNonceBytes = 12;
inline constexpr std::size_t kChaCha20BlockBytes = 64;
inline constexpr std::size_t kChaCha20DjbIvBytes = 8;

// XORs `in` into `out` (at least in.size() bytes; may be the same memory)
// with the keystream of (key, nonce) from its byte `stream_offset` on: the
// block counter starts at stream_offset / 64, as
// crypto_stream_chacha20_ietf_xor_ic counts it (so offset 0 is counter 0).
// kInvalidArgument for a key that is not 32 bytes, a nonce that is not 12
// or a short `out`; kResourceExhausted past the 32-bit counter (256 GiB).
Status ChaCha20IetfXor(ByteView key, ByteView nonce,
                       std::uint64_t stream_offset, ByteView in,
                       std::span<std::uint8_t> out);

// The same in DJB's layout: words 12-13 a 64-bit block counter starting at
// stream_offset / 64, words 14-15 the 8-byte IV (libsodium's
// crypto_stream_chacha20_xor_ic; LibTomCrypt's chacha_ivctr64).
// kInvalidArgument for a key that is not 32 bytes, an IV that is not 8 or
// a short `out`; kResourceExhausted past the end of the 64-bit offset.
Status ChaCha20DjbXor(ByteView key, ByteView iv, std::uint64_t stream_offset,
                      ByteView in, std::span<std::uint8_t> out);

}  // namespace kintsugi::crypto
