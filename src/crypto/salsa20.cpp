#include "crypto/salsa20.h"

#include <sodium.h>

#include "crypto/keystream_offset.h"

namespace kintsugi::crypto {

static_assert(kSalsa20BlockBytes == internal::kStreamBlockBytes);

Status Salsa20Xor(ByteView key, ByteView nonce, std::uint64_t stream_offset,
                  ByteView in, std::span<std::uint8_t> out) {
  static_assert(crypto_stream_salsa20_KEYBYTES == kSalsa20KeyBytes);
  static_assert(crypto_stream_salsa20_NONCEBYTES == kSalsa20NonceBytes);
  if (key.size() != kSalsa20KeyBytes) {
    return InvalidArgumentError("a Salsa20 key is 32 bytes");
  }
  if (nonce.size() != kSalsa20NonceBytes) {
    return InvalidArgumentError("a Salsa20 nonce is 8 bytes");
  }
  if (out.size() < in.size()) {
    return InvalidArgumentError("Salsa20 output too small");
  }
  if (in.empty()) return Status::Ok();
  internal::XorFromOffset<std::uint64_t>(
      stream_offset, in, out,
      [&](std::uint8_t* to, const std::uint8_t* from, std::size_t size,
          std::uint64_t block) {
        crypto_stream_salsa20_xor_ic(to, from, size, nonce.data(), block,
                                     key.data());
      });
  return Status::Ok();
}

}  // namespace kintsugi::crypto
