#include "families/hive/layout.h"

#include <algorithm>

#include "kintsugi/bytes.h"

namespace kintsugi::families {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Base64UrlValue(char c) {
  const std::size_t at = kBase64Url.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The ransom extension: letters and digits (any case), as far as names
// seen show; a dot, a separator or a control character is not one.
bool ExtensionCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::optional<HiveName> HiveNameFromToken(std::span<const std::uint8_t> token) {
  if (token.size() != kHiveNameTokenBytes ||
      token[kHiveTableIdBytes] != kHiveNameMarker) {
    return std::nullopt;
  }
  HiveName name;
  std::copy_n(token.begin(), kHiveTableIdBytes, name.table_id.begin());
  const auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(token[at]) |
           static_cast<std::uint32_t>(token[at + 1]) << 8 |
           static_cast<std::uint32_t>(token[at + 2]) << 16 |
           static_cast<std::uint32_t>(token[at + 3]) << 24;
  };
  name.n1 = u32(kHiveTableIdBytes + 1);
  name.n2 = u32(kHiveTableIdBytes + 5);
  name.last = token[kHiveNameTokenBytes - 1];
  return name;
}

std::optional<HiveName> ParseHiveName(std::string_view file_name) {
  constexpr std::size_t kTail =
      1 + kHiveNameTokenChars + 1 + kHiveExtensionChars;
  // At least one character of the original name before the token.
  if (file_name.size() <= kTail) return std::nullopt;
  const std::size_t token_at = file_name.size() - kTail + 1;
  if (file_name[token_at - 1] != '.' ||
      file_name[token_at + kHiveNameTokenChars] != '.') {
    return std::nullopt;
  }
  const std::string_view extension =
      file_name.substr(file_name.size() - kHiveExtensionChars);
  if (!std::all_of(extension.begin(), extension.end(), ExtensionCharacter)) {
    return std::nullopt;
  }
  // 56 characters of 6 bits are exactly 42 bytes: no padding, no spare bits.
  std::array<std::uint8_t, kHiveNameTokenBytes> token{};
  std::uint32_t bits = 0;
  int held = 0;
  std::size_t out = 0;
  for (char c : file_name.substr(token_at, kHiveNameTokenChars)) {
    const int value = Base64UrlValue(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    held += 6;
    if (held >= 8) {
      held -= 8;
      token[out++] = static_cast<std::uint8_t>(bits >> held);
      bits &= (1u << held) - 1;
    }
  }
  auto name = HiveNameFromToken(token);
  if (!name) return std::nullopt;
  name->original_name = std::string(file_name.substr(0, token_at - 1));
  name->extension = std::string(extension);
  return name;
}

std::array<std::uint8_t, kHiveNameTokenBytes> HiveNameToken(
    const HiveName& name) {
  std::array<std::uint8_t, kHiveNameTokenBytes> token{};
  std::copy(name.table_id.begin(), name.table_id.end(), token.begin());
  token[kHiveTableIdBytes] = kHiveNameMarker;
  for (std::size_t i = 0; i < 4; ++i) {
    token[kHiveTableIdBytes + 1 + i] =
        static_cast<std::uint8_t>(name.n1 >> (8 * i));
    token[kHiveTableIdBytes + 5 + i] =
        static_cast<std::uint8_t>(name.n2 >> (8 * i));
  }
  token[kHiveNameTokenBytes - 1] = name.last;
  return token;
}

std::string HiveNameTokenText(const HiveTableId& id, std::uint32_t n1,
                              std::uint32_t n2, std::uint8_t last) {
  HiveName name;
  name.table_id = id;
  name.n1 = n1;
  name.n2 = n2;
  name.last = last;
  const auto token = HiveNameToken(name);
  std::string text;
  for (std::size_t i = 0; i < token.size(); i += 3) {
    const std::uint32_t group = static_cast<std::uint32_t>(token[i]) << 16 |
                                static_cast<std::uint32_t>(token[i + 1]) << 8 |
                                static_cast<std::uint32_t>(token[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) {
      text += kBase64Url[(group >> shift) & 63];
    }
  }
  return text;
}

std::string HiveTableLabel(const HiveTableId& id) {
  return ToHex(ByteView(id.data(), 4));
}

std::vector<HiveBlock> HiveBlocks(std::uint64_t size,
                                  const HiveParameters& version) {
  std::vector<HiveBlock> blocks;
  if (size == 0) return blocks;
  if (size <= kHiveBlockBytes) {
    blocks.push_back({0, size, 0});
    return blocks;
  }
  std::uint64_t count = 30 * (size / kHiveBlockBytes) / 100;
  count = std::clamp<std::uint64_t>(count, 2, version.max_blocks);
  // gap = (n - nb * 4096) / (nb - 1): negative only for 4096 < n < 8192
  // (two blocks, divisor 1, so no rounding question arises), kept apart so
  // that no size can overflow a signed number.
  const std::uint64_t blocks_bytes = count * kHiveBlockBytes;
  const std::uint64_t gap =
      size >= blocks_bytes ? (size - blocks_bytes) / (count - 1) : 0;
  const std::uint64_t overlap = size >= blocks_bytes ? 0 : blocks_bytes - size;
  std::uint64_t at = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    // The running offset never passes n - 4096 (gap is rounded down), so
    // the last block always lands there.
    const std::uint64_t offset = k + 1 == count ? size - kHiveBlockBytes : at;
    blocks.push_back({offset, kHiveBlockBytes, k * kHiveBlockBytes});
    at = offset + kHiveBlockBytes + gap - overlap;
  }
  return blocks;
}

std::uint64_t HiveEncryptedBytes(const std::vector<HiveBlock>& blocks) {
  std::uint64_t total = 0;
  std::uint64_t covered_to = 0;
  for (const HiveBlock& block : blocks) {
    const std::uint64_t end = block.offset + block.length;
    const std::uint64_t from = std::max(block.offset, covered_to);
    if (end > from) total += end - from;
    covered_to = std::max(covered_to, end);
  }
  return total;
}

std::vector<HiveRegion> HiveEncryptedRegions(
    std::uint64_t size, std::span<const HiveParameters* const> versions) {
  std::vector<HiveBlock> all;
  for (const HiveParameters* version : versions) {
    for (const HiveBlock& b : HiveBlocks(size, *version)) all.push_back(b);
  }
  std::sort(all.begin(), all.end(), [](const HiveBlock& x, const HiveBlock& y) {
    return x.offset < y.offset;
  });
  std::vector<HiveRegion> merged;
  for (const HiveBlock& b : all) {
    const std::uint64_t end = b.offset + b.length;
    if (!merged.empty() && b.offset <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, end);
    } else {
      merged.push_back({b.offset, end});
    }
  }
  return merged;
}

HiveWindows HiveWindowsFor(std::uint32_t n1, std::uint32_t n2,
                           const HiveParameters& version) {
  return {n1 % (version.table_bytes - version.window1),
          n2 % (version.table_bytes - version.window2)};
}

}  // namespace kintsugi::families
