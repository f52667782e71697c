#include "crypto/salsa20.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace kintsugi::crypto {

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
  std::uint64_t block = stream_offset / kSalsa20BlockBytes;
  const std::size_t skip =
      static_cast<std::size_t>(stream_offset % kSalsa20BlockBytes);
  std::size_t done = 0;
  if (skip != 0) {
    // The rest of a block begun earlier: XOR a whole block in a buffer and
    // keep the part that lines up with `in`.
    std::array<std::uint8_t, kSalsa20BlockBytes> buffer{};
    const std::size_t take = std::min(in.size(), kSalsa20BlockBytes - skip);
    std::copy_n(in.begin(), take,
                buffer.begin() + static_cast<std::ptrdiff_t>(skip));
    crypto_stream_salsa20_xor_ic(buffer.data(), buffer.data(), buffer.size(),
                                 nonce.data(), block, key.data());
    std::copy_n(buffer.begin() + static_cast<std::ptrdiff_t>(skip), take,
                out.begin());
    sodium_memzero(buffer.data(), buffer.size());
    done = take;
    ++block;
  }
  if (done < in.size()) {
    const ByteView rest = in.Last(in.size() - done);
    crypto_stream_salsa20_xor_ic(out.subspan(done).data(), rest.data(),
                                 rest.size(), nonce.data(), block, key.data());
  }
  return Status::Ok();
}

}  // namespace kintsugi::crypto
