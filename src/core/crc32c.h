#pragma once

// CRC-32C (Castagnoli), the checksum of every recovery-journal record
// (docs/journal-format.md, "Checksums"). No Debian package the project
// already uses offers it (zlib and libdeflate compute the other CRC-32,
// OpenSSL 3 and libsodium none), and the journal checksums a few hundred
// bytes per recovered file, so a table-driven loop is plenty.
//
// Parameters (the "CRC-32/ISCSI" of the CRC catalogues): polynomial
// 0x1EDC6F41, processed reflected (0x82F63B78), initial value 0xFFFFFFFF,
// input and output reflected, final XOR 0xFFFFFFFF. Check value:
// Crc32c("123456789") == 0xE3069283.

#include <cstdint>

#include "kintsugi/bytes.h"

namespace kintsugi {

// The CRC-32C of `data`.
std::uint32_t Crc32c(ByteView data);

// Continues a checksum over more bytes, so that a record split into pieces
// needs no copy: Crc32cExtend(Crc32c(a), b) == Crc32c(a followed by b).
std::uint32_t Crc32cExtend(std::uint32_t crc, ByteView data);

}  // namespace kintsugi
