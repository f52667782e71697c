#pragma once

// Akira's 2024 Linux/ESXi build ("v3 Linux", recovery-schemes-3.md §3.9):
// four per-file keys drawn from nettle's Yarrow-256 seeded with the decimal
// nanosecond clock, KCipher-2 over the first and last 0xFFFF-byte chunk of
// each encrypted part and ChaCha8 over the middle chunks, a 512-byte RSA
// trailer. The keys are found by a two-stage clock search
// (families/akira/file_search.h) run only when the user asks for it with
// --family akira, in a window from --seed-range, or the file's
// modification time and --log files.
//
// --variant N: the encryption percent the operator gave (1..100); default
// 15, as the public decryptor hard-codes (§3.9 "Uncertain"). --gap A-B:
// the band of nanoseconds between clock reads (default: 1.0-1.8 ms, then
// widened). Files with the 2023 builds' footer (v1/v2: keys under RSA) are
// told apart and answered as not this build.

#include <cstdint>

#include "kintsugi/bytes.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& AkiraDecryptor();

namespace akira {

// Whether the last bytes of a file of `size` bytes are the 2023 builds'
// 534-byte footer (§3.9 "Identification": mode 0..2 at EOF-10, percent
// 0..100 at EOF-9, the original size as uint64 LE at EOF-8, equal to the
// size less the footer). `tail` is the file's last bytes (at least 10).
bool HasOlderFooter(ByteView tail, std::uint64_t size);

}  // namespace akira
}  // namespace kintsugi::families
