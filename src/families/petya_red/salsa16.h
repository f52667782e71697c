#pragma once

// Petya "Red" (2016): the broken 16-bit "Salsa10" that encrypts the MFT and
// the verification sector (recovery-schemes-3.md §3.12 "The cipher"). The
// state is 16 words of 16 bits; every Salsa rotation is done on a 16-bit
// sum promoted to 32 bits and truncated back, so rotate-by-18 keeps only
// the sum's top two bits. Only the 8 key characters at even positions of
// the 16 the victim types matter.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kintsugi::petya_red {

// The 54 symbols Petya draws the key characters from (§3.12).
inline constexpr std::string_view kKeyAlphabet =
    "123456789abcdefghijkmnopqrstuvwxABCDEFGHJKLMNPQRSTUVWX";
inline constexpr std::size_t kKeyCharacters = 8;  // Effective characters.
inline constexpr std::size_t kSectorBytes = 512;
inline constexpr std::size_t kBlockBytes = 64;
inline constexpr std::size_t kSectorBlocks = kSectorBytes / kBlockBytes;
// Sector 54 holds the nonce at this offset; sector 55 is 512 bytes of this
// value encrypted (§3.12 "Disk layout").
inline constexpr std::size_t kNonceOffset = 33;
inline constexpr std::uint8_t kVerificationByte = 0x37;

using KeyCharacters = std::array<char, kKeyCharacters>;
using Nonce = std::array<std::uint8_t, 8>;
using Words = std::array<std::uint16_t, 16>;
using Sector = std::array<std::uint8_t, kSectorBytes>;

// The 16-bit key word of one key character: low byte c + 0x7A, high byte
// 2c (mod 256 each).
constexpr std::uint16_t KeyWord(char c) {
  const auto u = static_cast<std::uint8_t>(c);
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(u + 0x7A) |
                                    (static_cast<std::uint8_t>(u * 2) << 8));
}

// The input state of block `counter`: the constants in words 0, 5, 10,
// 15, the key words of characters 0-3 in words 1-4 and 4-7 in words 11-14,
// nonce bytes 0-1 and 4-5 in words 6-7, the counter in words 8-9.
Words InitialState(const KeyCharacters& key, const Nonce& nonce,
                   std::uint32_t counter);

// 10 column+row iterations over `input`, then the input added word by
// word: the 16 output words of one block.
Words Salsa16(const Words& input);

// Block `counter`'s output words for a key and nonce.
Words KeystreamBlock(const KeyCharacters& key, const Nonce& nonce,
                     std::uint32_t counter);

// A sector's keystream: block n covers bytes [64n, 64n + 64), output word j
// little-endian at 64n + 4j; bytes 64n + 4j + 2 and + 3 are 0.
Sector SectorKeystream(const KeyCharacters& key, const Nonce& nonce);

// Sector 55 as Petya writes it: 512 bytes of 0x37 XOR the keystream.
Sector VerificationSector(const KeyCharacters& key, const Nonce& nonce);

// The 16 characters to type at Petya's prompt: the 8 effective characters
// at even positions, `filler` at odd positions (§3.12 "Recovery" step 4).
std::array<char, 2 * kKeyCharacters> TypedKey(const KeyCharacters& key,
                                              char filler = 'x');

}  // namespace kintsugi::petya_red
