#pragma once

// Seeking in a libsodium stream cipher: libsodium's *_xor_ic starts at a
// block counter, so a call that starts inside a 64-byte block XORs that
// block in a buffer and keeps the part that lines up. Shared by Salsa20
// (STOP/Djvu) and IETF ChaCha20 (Babuk NAS).

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto::internal {

inline constexpr std::size_t kStreamBlockBytes = 64;

// XORs `in` into `out` (at least in.size() bytes) with the keystream from
// its byte `stream_offset` on. `xor_blocks(out, in, size, block)` XORs
// `size` bytes from the start of block `block` (the cipher's *_xor_ic).
template <typename Counter, typename XorBlocks>
void XorFromOffset(std::uint64_t stream_offset, ByteView in,
                   std::span<std::uint8_t> out, XorBlocks xor_blocks) {
  if (in.empty()) return;
  auto block = static_cast<Counter>(stream_offset / kStreamBlockBytes);
  const auto skip = static_cast<std::size_t>(stream_offset % kStreamBlockBytes);
  std::size_t done = 0;
  if (skip != 0) {
    std::array<std::uint8_t, kStreamBlockBytes> buffer{};
    const std::size_t take = std::min(in.size(), kStreamBlockBytes - skip);
    std::copy_n(in.begin(), take,
                buffer.begin() + static_cast<std::ptrdiff_t>(skip));
    xor_blocks(buffer.data(), buffer.data(), buffer.size(), block);
    std::copy_n(buffer.begin() + static_cast<std::ptrdiff_t>(skip), take,
                out.begin());
    sodium_memzero(buffer.data(), buffer.size());
    done = take;
    ++block;
  }
  if (done < in.size()) {
    const ByteView rest = in.Last(in.size() - done);
    xor_blocks(out.subspan(done).data(), rest.data(), rest.size(), block);
  }
}

}  // namespace kintsugi::crypto::internal
