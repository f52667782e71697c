#include "crypto/chacha20.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <limits>

namespace kintsugi::crypto {

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
  auto block = static_cast<std::uint32_t>(stream_offset / kChaCha20BlockBytes);
  const std::size_t skip =
      static_cast<std::size_t>(stream_offset % kChaCha20BlockBytes);
  std::size_t done = 0;
  if (skip != 0) {
    // The rest of a block begun earlier: XOR a whole block in a buffer and
    // keep the part that lines up with `in`.
    std::array<std::uint8_t, kChaCha20BlockBytes> buffer{};
    const std::size_t take = std::min(in.size(), kChaCha20BlockBytes - skip);
    std::copy_n(in.begin(), take,
                buffer.begin() + static_cast<std::ptrdiff_t>(skip));
    crypto_stream_chacha20_ietf_xor_ic(buffer.data(), buffer.data(),
                                       buffer.size(), nonce.data(), block,
                                       key.data());
    std::copy_n(buffer.begin() + static_cast<std::ptrdiff_t>(skip), take,
                out.begin());
    sodium_memzero(buffer.data(), buffer.size());
    done = take;
    ++block;
  }
  if (done < in.size()) {
    const ByteView rest = in.Last(in.size() - done);
    crypto_stream_chacha20_ietf_xor_ic(out.subspan(done).data(), rest.data(),
                                       rest.size(), nonce.data(), block,
                                       key.data());
  }
  return Status::Ok();
}

}  // namespace kintsugi::crypto
