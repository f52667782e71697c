#include "scan/name_screen.h"

#include <algorithm>

#include "kintsugi/identify.h"

namespace kintsugi::scan {
namespace {

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

// Shorter than the shortest token text::ExtractIndicators takes for
// anything (a bech32 address: 14; an onion, a victim ID: 16).
constexpr std::size_t kLongestPlainRun = 13;

bool EndsWithLower(std::string_view name, std::string_view lower_suffix) {
  if (name.size() < lower_suffix.size()) return false;
  const std::string_view end = name.substr(name.size() - lower_suffix.size());
  for (std::size_t i = 0; i < end.size(); ++i) {
    char c = end[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_suffix[i]) return false;
  }
  return true;
}

}  // namespace

bool NameCarriesNothing(std::string_view name) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (IsAlnum(c)) {
      if (++run > kLongestPlainRun) return false;
      continue;
    }
    run = 0;
    switch (c) {
      case '@':
      case '/':
      case '\\':
      case '[':
      case '(':
      case '{':
        return false;
      case '-':
      case '_':
        // "id-..." / "id_...": ParseFileName's ID (any "id", whatever
        // precedes it).
        if (i >= 2 && (name[i - 1] == 'd' || name[i - 1] == 'D') &&
            (name[i - 2] == 'i' || name[i - 2] == 'I')) {
          return false;
        }
        break;
      default:
        break;
    }
  }
  return true;
}

std::optional<NameScreen> NameScreen::Make(
    const identify::CompiledKb* kb,
    std::span<const recover::PreparedDecryptor> runs) {
  NameScreen screen;
  screen.kb_ = kb;
  for (const recover::PreparedDecryptor& run : runs) {
    auto suffixes = run.run->NameSuffixes();
    if (!suffixes) return std::nullopt;
    screen.suffixes_.insert(screen.suffixes_.end(), suffixes->begin(),
                            suffixes->end());
  }
  std::sort(screen.suffixes_.begin(), screen.suffixes_.end());
  screen.suffixes_.erase(
      std::unique(screen.suffixes_.begin(), screen.suffixes_.end()),
      screen.suffixes_.end());
  return screen;
}

void NameScreen::Screen(std::span<const DirEntry> entries,
                        std::vector<bool>& plain) const {
  plain.assign(entries.size(), false);
  std::vector<std::string_view> names;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const DirEntry& entry = entries[i];
    if (entry.type != FileType::kRegular) continue;
    const std::string_view name = entry.name;
    if (!NameCarriesNothing(name)) continue;
    if (std::any_of(
            suffixes_.begin(), suffixes_.end(),
            [&](const std::string& s) { return EndsWithLower(name, s); })) {
      continue;
    }
    names.push_back(name);
    at.push_back(i);
  }
  std::vector<bool> matched(names.size(), false);
  if (kb_ != nullptr && !names.empty()) kb_->MatchNameRules(names, matched);
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (!matched[k]) plain[at[k]] = true;
  }
}

}  // namespace kintsugi::scan
