#pragma once

// DMA Locker, time-seeded builds (recovery-schemes.md §3.5): every file
// starts with the marker "!DMALOCK" and has its own AES-256 key, drawn one
// after another from MSVC rand() after srand(the time the attack started)
// by one of two key generators. The seed is found by a search outward from
// the earliest encrypted file's modification time (recover/seed_search.h,
// families/seed_clock.h): each candidate seed's first keys, of both
// generators, decrypt that file's first block to the header its name
// promises (DMA Locker keeps names), confirmed by a full check of the whole
// file decrypted. Each file then takes the key of the stream that fits it,
// looked for from where its modification time ranks it.
//
// The search runs when the user asks for it (--family dma-locker): without
// it, a marked file says how to ask. --key: a file's 32-byte key.

#include <array>
#include <cstdint>
#include <string_view>

#include "prng/prng.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& DmaLockerDecryptor();

// §3.5 "Key generation": "v1", 32 characters from a..y, A..Y and digits,
// two rand() calls each; "v2", 32 bytes (rand() mod 254) + 1.
enum class DmaKeyGenerator : std::uint8_t { kV1, kV2 };

std::string_view DmaKeyGeneratorName(DmaKeyGenerator generator);

// The next key of `random`'s stream by `generator`.
std::array<std::uint8_t, 32> DmaNextKey(DmaKeyGenerator generator,
                                        prng::MsvcRand& random);

}  // namespace kintsugi::families
