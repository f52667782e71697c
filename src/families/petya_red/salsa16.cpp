#include "families/petya_red/salsa16.h"

namespace kintsugi::petya_red {
namespace {

// §3.12: a 32-bit rotate of a 16-bit value, truncated back to 16 bits (the
// malware's bug). By 7 and 9 it is a plain shift, by 13 only the low 3 bits
// survive, by 18 only the top two bits do (x >> 14).
constexpr std::uint16_t Rotate(std::uint16_t x, unsigned n) {
  const std::uint32_t wide = x;
  return static_cast<std::uint16_t>((wide << n) | (wide >> (32 - n)));
}

constexpr std::uint16_t Sum(std::uint16_t a, std::uint16_t b) {
  return static_cast<std::uint16_t>(a + b);
}

inline void QuarterRound(Words& x, std::size_t a, std::size_t b, std::size_t c,
                         std::size_t d) {
  x[b] ^= Rotate(Sum(x[a], x[d]), 7);
  x[c] ^= Rotate(Sum(x[b], x[a]), 9);
  x[d] ^= Rotate(Sum(x[c], x[b]), 13);
  x[a] ^= Rotate(Sum(x[d], x[c]), 18);
}

}  // namespace

Words InitialState(const KeyCharacters& key, const Nonce& nonce,
                   std::uint32_t counter) {
  Words w{};
  w[0] = 0x7865;
  w[5] = 0x646e;
  w[10] = 0x2d32;
  w[15] = 0x6574;
  for (std::size_t i = 0; i < 4; ++i) {
    w[1 + i] = KeyWord(key[i]);
    w[11 + i] = KeyWord(key[4 + i]);
  }
  w[6] = static_cast<std::uint16_t>(nonce[0] | (nonce[1] << 8));
  w[7] = static_cast<std::uint16_t>(nonce[4] | (nonce[5] << 8));
  w[8] = static_cast<std::uint16_t>(counter & 0xffff);
  w[9] = static_cast<std::uint16_t>(counter >> 16);
  return w;
}

Words Salsa16(const Words& input) {
  Words x = input;
  for (int i = 0; i < 10; ++i) {
    // Columns.
    QuarterRound(x, 0, 4, 8, 12);
    QuarterRound(x, 5, 9, 13, 1);
    QuarterRound(x, 10, 14, 2, 6);
    QuarterRound(x, 15, 3, 7, 11);
    // Rows.
    QuarterRound(x, 0, 1, 2, 3);
    QuarterRound(x, 5, 6, 7, 4);
    QuarterRound(x, 10, 11, 8, 9);
    QuarterRound(x, 15, 12, 13, 14);
  }
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = Sum(x[j], input[j]);
  return x;
}

Words KeystreamBlock(const KeyCharacters& key, const Nonce& nonce,
                     std::uint32_t counter) {
  return Salsa16(InitialState(key, nonce, counter));
}

Sector SectorKeystream(const KeyCharacters& key, const Nonce& nonce) {
  Sector out{};
  for (std::uint32_t n = 0; n < kSectorBlocks; ++n) {
    const Words block = KeystreamBlock(key, nonce, n);
    for (std::size_t j = 0; j < block.size(); ++j) {
      const std::size_t at = n * kBlockBytes + 4 * j;
      out[at] = static_cast<std::uint8_t>(block[j] & 0xff);
      out[at + 1] = static_cast<std::uint8_t>(block[j] >> 8);
    }
  }
  return out;
}

Sector VerificationSector(const KeyCharacters& key, const Nonce& nonce) {
  Sector out = SectorKeystream(key, nonce);
  for (auto& b : out) b = static_cast<std::uint8_t>(b ^ kVerificationByte);
  return out;
}

std::array<char, 2 * kKeyCharacters> TypedKey(const KeyCharacters& key,
                                              char filler) {
  std::array<char, 2 * kKeyCharacters> typed{};
  for (std::size_t i = 0; i < kKeyCharacters; ++i) {
    typed[2 * i] = key[i];
    typed[2 * i + 1] = filler;
  }
  return typed;
}

}  // namespace kintsugi::petya_red
