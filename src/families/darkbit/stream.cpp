#include "families/darkbit/stream.h"

#include <algorithm>
#include <cstdint>

#include "families/darkbit/layout.h"

namespace kintsugi::families {

std::optional<DarkBitNameCodes> DarkBitCodesOf(std::string_view random) {
  if (random.size() != kDarkBitNameChars) return std::nullopt;
  DarkBitNameCodes codes{};
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::size_t at = kDarkBitCharset.find(random[i]);
    if (at == std::string_view::npos) return std::nullopt;
    codes[i] = static_cast<std::uint8_t>(at);
  }
  return codes;
}

bool DarkBitNameDrawnAt(std::span<const std::uint8_t> codes, std::size_t p,
                        const DarkBitNameCodes& name) {
  std::size_t matched = 0;
  for (std::size_t q = p; q < codes.size(); ++q) {
    if (codes[q] == kDarkBitRedrawn) {
      if (q == p) return false;  // A name starts with a kept draw.
      continue;
    }
    if (codes[q] != name[matched]) return false;
    if (++matched == name.size()) return true;
  }
  return false;
}

std::optional<std::array<std::uint8_t, 32>> DarkBitKeyIvBefore(
    std::span<const std::uint64_t> draws, std::span<const std::uint8_t> codes,
    std::size_t p, int leftover) {
  if (leftover < 0 || leftover > 6 || p > draws.size() ||
      codes.size() != draws.size()) {
    return std::nullopt;
  }
  const auto left = static_cast<std::size_t>(leftover);
  const std::size_t fresh = (32 - left + 6) / 7;  // New draws Read takes.
  if (p < fresh) return std::nullopt;
  std::array<std::uint8_t, 32> out{};
  std::size_t n = 0;
  if (left > 0) {
    // Back over the previous file's name: 8 kept draws and the redrawn
    // ones among them.
    std::size_t q = p - fresh;
    std::size_t kept = 0;
    while (kept < kDarkBitNameChars) {
      if (q == 0) return std::nullopt;
      --q;
      if (codes[q] != kDarkBitRedrawn) ++kept;
    }
    if (q == 0) return std::nullopt;
    // The top `left` of the 7 bytes of Read's draw before that name.
    const std::uint64_t v = draws[q - 1] & 0x7fffffffffffffffULL;
    for (std::size_t b = 7 - left; b < 7; ++b) {
      out[n++] = static_cast<std::uint8_t>(v >> (8 * b));
    }
  }
  for (std::size_t d = p - fresh; d < p && n < out.size(); ++d) {
    const std::uint64_t v = draws[d] & 0x7fffffffffffffffULL;
    for (std::size_t b = 0; b < 7 && n < out.size(); ++b) {
      out[n++] = static_cast<std::uint8_t>(v >> (8 * b));
    }
  }
  return out;
}

std::size_t DarkBitModelPosition(std::size_t index) {
  return (32 * (index + 1) + 6) / 7 + 8 * index;
}

std::array<int, 7> DarkBitAlignments(std::size_t p) {
  // The file whose model position is nearest p (about 12.6 draws each).
  std::size_t j = p / 13;
  while (DarkBitModelPosition(j + 1) <= p) ++j;
  const std::size_t bytes = 32 * j;
  const int model = static_cast<int>((7 - bytes % 7) % 7);
  std::array<int, 7> order{};
  order[0] = model;
  std::size_t n = 1;
  for (int l = 0; l < 7; ++l) {
    if (l != model) order[n++] = l;
  }
  return order;
}

}  // namespace kintsugi::families
