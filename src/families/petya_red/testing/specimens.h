#pragma once

// The Petya "Red" specimen generator, for tests only (recovery-schemes.md
// §0 and recovery-schemes-3.md §3.12 "Synthetic specimens"), under the
// rules of families/testing/specimens.h. It writes harmless data only: the
// two 512-byte sectors Petya leaves (configuration sector 54 with the
// nonce, verification sector 55), or a small raw image of zeros holding
// just those two sectors. Never an MBR, boot code, a bootable disk or an
// encrypted MFT.

#include <string_view>

#include "families/petya_red/salsa16.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// Sector 54: flag 1 at offset 0, 32 zero bytes (the wiped key slot), the
// nonce at offset 33, zeros after it.
Bytes PetyaRedSector54(const petya_red::Nonce& nonce);
// Sector 55: 512 bytes of 0x37 encrypted with the key and nonce.
Bytes PetyaRedSector55(const petya_red::KeyCharacters& key,
                       const petya_red::Nonce& nonce);
// `sectors` sectors of zeros (at least 56) with sectors 54 and 55 as above:
// what the recovery reads from a raw disk image.
Bytes PetyaRedImage(const petya_red::KeyCharacters& key,
                    const petya_red::Nonce& nonce, std::size_t sectors = 56);

// Writes `dir`/sector54.bin and `dir`/sector55.bin with their sidecars.
Status WritePetyaRedSectors(FileSystem& fs, const Path& dir,
                            const petya_red::KeyCharacters& key,
                            const petya_red::Nonce& nonce);
// Writes `dir`/`name`, PetyaRedImage(key, nonce, sectors), with a sidecar.
Status WritePetyaRedImage(FileSystem& fs, const Path& dir,
                          std::string_view name,
                          const petya_red::KeyCharacters& key,
                          const petya_red::Nonce& nonce,
                          std::size_t sectors = 56);

}  // namespace kintsugi::families_testing
