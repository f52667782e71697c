#pragma once

// Where DarkBit's draws sit in a Go math/rand stream (recovery-schemes-3.md
// §3.11 "Key derivation"): per file, Read(16) key, Read(16) IV (7 bytes of
// each Int63, leftovers kept across calls), then 8 name characters
// charset[Intn(62)] (Int31 = Int63 >> 32, redrawn above 2,147,483,645).
// A stream position is the number of Int63 draws before a draw, from the
// seed (0: the first). The name of file j of a single-threaded run starts
// at ceil(32(j + 1) / 7) + 8j: about 12.6 draws a file.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace kintsugi::families {

// A draw's name character (its index in kDarkBitCharset), or kDarkBitRedrawn
// when Intn(62) rejects it.
inline constexpr std::uint8_t kDarkBitRedrawn = 0xff;
inline std::uint8_t DarkBitNameCode(std::uint64_t draw) {
  const auto v =
      static_cast<std::uint32_t>((draw & 0x7fffffffffffffffULL) >> 32);
  return v > 2147483645U ? kDarkBitRedrawn : static_cast<std::uint8_t>(v % 62);
}

using DarkBitNameCodes = std::array<std::uint8_t, 8>;

// The codes of a renamed name's 8 random characters; nullopt for a
// character outside the charset.
std::optional<DarkBitNameCodes> DarkBitCodesOf(std::string_view random);

// Draws a name check may read after its first one: 8, and redrawn ones.
inline constexpr std::size_t kDarkBitNameLookahead = 16;
// Draws before a name its key and IV can come from: 5 new ones, the
// previous file's name (8, and a few redrawn), and the draw before it,
// whose leftover bytes start the key.
inline constexpr std::size_t kDarkBitKeyLookback = 24;

// Whether `codes[p...]` (one per draw, redrawn ones skipped) spell `name`.
bool DarkBitNameDrawnAt(std::span<const std::uint8_t> codes, std::size_t p,
                        const DarkBitNameCodes& name);

// The 32 bytes (key, then IV) Read drew just before the name at `p`, with
// `leftover` (0..6) bytes left from Read's previous draw: the one before
// the previous file's name (Intn's draws do not touch Read's leftovers).
// `draws` are the Int63 values from position 0, `codes` their name codes.
// nullopt when p is too early.
std::optional<std::array<std::uint8_t, 32>> DarkBitKeyIvBefore(
    std::span<const std::uint64_t> draws, std::span<const std::uint8_t> codes,
    std::size_t p, int leftover);

// The 7 leftover counts to try for a name at `p`, the one a
// single-threaded run gives there first (file j's key starts with
// 7 * ceil(32j / 7) - 32j leftover bytes).
std::array<int, 7> DarkBitAlignments(std::size_t p);

// The stream position of file `index`'s name in a single-threaded run.
std::size_t DarkBitModelPosition(std::size_t index);

}  // namespace kintsugi::families
