#include "core/crc32c.h"

#include <array>

namespace kintsugi {
namespace {

// The reflected form of 0x1EDC6F41: the bit order the table loop consumes.
constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ kReflectedPolynomial : crc >> 1;
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

}  // namespace

std::uint32_t Crc32cExtend(std::uint32_t crc, ByteView data) {
  // Undo the previous final XOR, run, and apply it again.
  std::uint32_t state = ~crc;
  for (const std::uint8_t byte : data) {
    state = (state >> 8) ^ kTable[(state ^ byte) & 0xFFu];
  }
  return ~state;
}

std::uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

}  // namespace kintsugi
