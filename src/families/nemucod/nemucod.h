#pragma once

// Nemucod ".crypted": the first 1024 or 2048 bytes of each file XORed with a
// short repeating key, the rest untouched (recovery-schemes.md §3.2). The
// key comes from one encrypted/original pair and serves the whole run.

#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.2 "Scheme": the two observed header sizes, ascending.
inline constexpr std::uint64_t kNemucodRegions[] = {1024, 2048};

const recover::Decryptor& NemucodDecryptor();

// The region a key of `key_length` bytes implies when given with --key:
// 2048 for the 255-byte variant and for keys longer than 1024, else 1024
// (§3.2 observed (H, K) pairs).
std::uint64_t NemucodRegionForKeyLength(std::size_t key_length);

// XORs bytes [offset, offset + data.size()) of a file in place with `key`
// repeated over its first `region` bytes.
void NemucodXor(ByteView key, std::uint64_t region, std::uint64_t offset,
                std::span<std::uint8_t> data);

}  // namespace kintsugi::families
