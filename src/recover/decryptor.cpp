#include "recover/decryptor.h"

#include <cctype>

namespace kintsugi::recover {

std::string_view StrategyName(Strategy strategy) {
  switch (strategy) {
    case Strategy::kKeyLookup:
      return "key-lookup";
    case Strategy::kHardCodedKey:
      return "hard-coded-key";
    case Strategy::kKnownPlaintext:
      return "known-plaintext";
    case Strategy::kSeedSearch:
      return "seed-search";
  }
  return "unknown";
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> LowerSuffixes(
    std::span<const std::string_view> suffixes) {
  std::vector<std::string> out;
  out.reserve(suffixes.size());
  for (const std::string_view suffix : suffixes) {
    out.push_back(AsciiLower(suffix));
  }
  return out;
}

bool EndsWithIgnoreCase(std::string_view name, std::string_view suffix) {
  if (suffix.size() > name.size()) return false;
  return AsciiLower(name.substr(name.size() - suffix.size())) ==
         AsciiLower(suffix);
}

std::optional<std::string> StripLastExtension(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  return std::string(name.substr(0, dot));
}

}  // namespace kintsugi::recover
