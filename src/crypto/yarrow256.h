#pragma once

// nettle's Yarrow-256 as Akira's 2024 Linux/ESXi build uses it
// (recovery-schemes-3.md §4.6): a fresh context with no entropy sources,
// seeded once with a seed text, then read. nettle (Debian nettle-dev) is
// the reference the spec's vectors were made with, so this calls it rather
// than rebuilding it from SHA-256 and AES: measured here, nettle takes
// about 255 us a seed against 810 us for the same steps through OpenSSL's
// one-shot SHA256() (the 1,500 chained hashes dominate).

#include <cstdint>
#include <span>
#include <string_view>

namespace kintsugi::crypto {

// Fills `out` with the first out.size() output bytes of a Yarrow-256
// context seeded with `seed_text`.
void Yarrow256SeededOutput(std::string_view seed_text,
                           std::span<std::uint8_t> out);

}  // namespace kintsugi::crypto
