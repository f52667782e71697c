#include "crypto/crc32_mpeg2.h"

#include <array>

namespace kintsugi::crypto {
namespace {

constexpr std::uint32_t kPolynomial = 0x04C11DB7;

constexpr std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i << 24;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80000000U) != 0 ? (crc << 1) ^ kPolynomial : crc << 1;
    }
    table[i] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

}  // namespace

std::uint32_t Crc32Mpeg2(ByteView data, std::uint32_t init) {
  std::uint32_t crc = init;
  for (const std::uint8_t byte : data) {
    crc = (crc << 8) ^ kTable[((crc >> 24) ^ byte) & 0xFF];
  }
  return crc;
}

}  // namespace kintsugi::crypto
