#pragma once

// CRC-32/MPEG-2: polynomial 0x04C11DB7, MSB first, no reflection, no final
// XOR, with a chosen initial value. Babuk Windows stores the CRC of every
// file's key material in its footer, computed from the initial value
// 0x676E6F64 ("dong" as a LE word), which tells which key encrypted the
// file before any data is decrypted (recovery-schemes-2.md §2.4).

#include <cstdint>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto {

// The standard initial value; Crc32Mpeg2("123456789") is 0x0376E6E7.
inline constexpr std::uint32_t kCrc32Mpeg2Init = 0xFFFFFFFF;

// crc = (crc << 8) ^ T[(crc >> 24) ^ byte] for each byte of `data`, from
// `init`.
std::uint32_t Crc32Mpeg2(ByteView data, std::uint32_t init = kCrc32Mpeg2Init);

}  // namespace kintsugi::crypto
