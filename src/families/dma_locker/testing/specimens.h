#pragma once

// The DMA Locker specimen generator, for tests only (recovery-schemes.md §0
// and §3.5 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The key is one of the stream srand(seed)
// starts, with a seed the test chooses, as the malware's came from the
// clock.

#include <array>
#include <cstdint>
#include <string_view>

#include "families/dma_locker/dma_locker.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// Key `index` (0 = the first) of srand(seed)'s stream by `generator`.
std::array<std::uint8_t, 32> DmaLockerStreamKey(
    std::uint32_t seed, families::DmaKeyGenerator generator,
    std::uint64_t index);

// §3.5: "!DMALOCK", 128 header bytes (zeros here: the real ones hold the
// key for the attacker, which a specimen has no use for), then
// `plaintext` with the chunk rule applied under AES-256-ECB and `key`.
Bytes DmaLockerEncrypt(ByteView plaintext, ByteView key);

// Encrypts `plaintext` with key `index` of srand(seed)'s stream and writes
// `dir`/`name` (DMA Locker keeps names: e.g. "report.pdf") with a sidecar
// recording the seed, the generator and the index.
Status WriteDmaLockerSpecimen(FileSystem& fs, const Path& dir,
                              std::string_view name, ByteView plaintext,
                              std::uint32_t seed,
                              families::DmaKeyGenerator generator,
                              std::uint64_t index);

}  // namespace kintsugi::families_testing
