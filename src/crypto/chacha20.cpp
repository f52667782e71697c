#include "crypto/chacha20.h"

#include <sodium.h>

#include <limits>

#include "crypto/keystream_offset.h"

namespace kintsugi::crypto {

static_assert(kChaCha20BlockBytes == internal::kStreamBlockBytes);

Status ChaCha20IetfXor(ByteView key, ByteView nonce,
                       std::uint64_t stream_offset, ByteView in,
                       std::span<std::uint8_t> out) {
  static_assert(crypto_stream_chacha20_ietf_KEYBYTES == kChaCha20KeyBytes);
  static_assert(crypto_stream_chacha20_ietf_NONCEBYTES ==
                kChaCha20IetfNonceBytes);
  if (key.size() != kChaCha20KeyBytes) {
    return InvalidArgumentError("a ChaCha20 key is 32 bytes");
  }
  if (nonce.size() != kChaCha20IetfNonceBytes) {
    return InvalidArgumentError("an IETF ChaCha20 nonce is 12 bytes");
  }
  if (out.size() < in.size()) {
    return InvalidArgumentError("ChaCha20 output too small");
  }
  if (in.empty()) return Status::Ok();
  // The last block the call touches must have a 32-bit counter.
  const std::uint64_t last_block =
      (stream_offset + (in.size() - 1)) / kChaCha20BlockBytes;
  if (stream_offset > std::numeric_limits<std::uint64_t>::max() - in.size() ||
      last_block > std::numeric_limits<std::uint32_t>::max()) {
    return ResourceExhaustedError(
        "past the end of the IETF ChaCha20 keystream (256 GiB)");
  }
  internal::XorFromOffset<std::uint32_t>(
      stream_offset, in, out,
      [&](std::uint8_t* to, const std::uint8_t* from, std::size_t size,
          std::uint32_t block) {
        crypto_stream_chacha20_ietf_xor_ic(to, from, size, nonce.data(), block,
                                           key.data());
      });
  return Status::Ok();
}

Status ChaCha20DjbXor(ByteView key, ByteView iv, std::uint64_t stream_offset,
                      ByteView in, std::span<std::uint8_t> out) {
  static_assert(crypto_stream_chacha20_KEYBYTES == kChaCha20KeyBytes);
  static_assert(crypto_stream_chacha20_NONCEBYTES == kChaCha20DjbIvBytes);
  if (key.size() != kChaCha20KeyBytes) {
    return InvalidArgumentError("a ChaCha20 key is 32 bytes");
  }
  if (iv.size() != kChaCha20DjbIvBytes) {
    return InvalidArgumentError("a ChaCha20 IV (DJB layout) is 8 bytes");
  }
  if (out.size() < in.size()) {
    return InvalidArgumentError("ChaCha20 output too small");
  }
  if (in.empty()) return Status::Ok();
  if (stream_offset > std::numeric_limits<std::uint64_t>::max() - in.size()) {
    return ResourceExhaustedError("past the end of the ChaCha20 keystream");
  }
  internal::XorFromOffset<std::uint64_t>(
      stream_offset, in, out,
      [&](std::uint8_t* to, const std::uint8_t* from, std::size_t size,
          std::uint64_t block) {
        crypto_stream_chacha20_xor_ic(to, from, size, iv.data(), block,
                                      key.data());
      });
  return Status::Ok();
}

}  // namespace kintsugi::crypto
