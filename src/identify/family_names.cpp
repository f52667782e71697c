#include "identify/family_names.h"

#include <algorithm>
#include <array>

namespace kintsugi::identify {
namespace {

constexpr std::size_t kMaxNameWords = 3;
constexpr std::size_t kMinNameLetters = 4;

// Words that are family "names" in the sources but mean nothing in a note.
bool IsGenericName(std::string_view name) {
  static constexpr std::array<std::string_view, 60> kGeneric = {
      "ransomware", "ransom",     "locker",    "lock",      "locked",
      "crypt",      "crypto",     "cryptor",   "crypted",   "decrypt",
      "decryptor",  "decryption", "encrypt",   "encrypted", "encryption",
      "encrypter",  "files",      "file",      "help",      "readme",
      "restore",    "recovery",   "recover",   "data",      "hacked",
      "hacker",     "hackers",    "virus",     "wallet",    "bitcoin",
      "payment",    "team",       "support",   "global",    "windows",
      "unknown",    "random",     "dark",      "black",     "police",
      "attention",  "your",       "keys",      "password",  "secure",
      "security",   "system",     "important", "warning",   "contact",
      "email",      "mail",       "money",     "time",      "free",
      "test",       "fake",       "open",      "info",      "network"};
  return std::find(kGeneric.begin(), kGeneric.end(), name) != kGeneric.end();
}

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || u >= 0x80;
}

}  // namespace

std::vector<std::string> NameWords(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsWordByte(text[i])) {
      ++i;
      continue;
    }
    std::string word;
    while (i < text.size() && IsWordByte(text[i])) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (word.size() < 64) word.push_back(c);
      ++i;
    }
    out.push_back(std::move(word));
  }
  return out;
}

template <typename F>
void FamilyNames::ForEachNgram(const std::vector<std::string>& words,
                               F&& f) const {
  std::string key;
  for (std::size_t i = 0; i < words.size(); ++i) {
    key.clear();
    for (std::size_t n = 0; n < kMaxNameWords && i + n < words.size(); ++n) {
      if (n > 0) key.push_back(' ');
      key += words[i + n];
      const auto found = names_.find(key);
      if (found != names_.end()) f(found->first, found->second);
    }
  }
}

void FamilyNames::Add(std::uint32_t family, std::string_view name) {
  const std::vector<std::string> words = NameWords(name);
  if (words.empty() || words.size() > kMaxNameWords) return;
  std::string key;
  std::size_t letters = 0;
  for (const std::string& word : words) {
    if (!key.empty()) key.push_back(' ');
    key += word;
    letters += static_cast<std::size_t>(
        std::count_if(word.begin(), word.end(), [](char c) {
          return (c >= 'a' && c <= 'z') ||
                 static_cast<unsigned char>(c) >= 0x80;
        }));
  }
  if (letters < kMinNameLetters) return;
  if (words.size() == 1 && IsGenericName(key)) return;
  auto& families = names_[key];
  if (std::find(families.begin(), families.end(), family) == families.end()) {
    families.push_back(family);
  }
}

void FamilyNames::SeeReferenceNote(std::uint32_t family,
                                   std::string_view folded) {
  ForEachNgram(
      NameWords(folded),
      [&](const std::string& key, const std::vector<std::uint32_t>& owners) {
        if (std::find(owners.begin(), owners.end(), family) != owners.end())
          return;
        auto& seen = seen_by_[key];
        if (std::find(seen.begin(), seen.end(), family) == seen.end()) {
          seen.push_back(family);
        }
      });
}

void FamilyNames::Finish() {
  for (const auto& [key, families] : seen_by_) {
    if (families.size() >= 2) names_.erase(key);
  }
  seen_by_.clear();
}

std::vector<FamilyNames::Mention> FamilyNames::Find(
    std::string_view text) const {
  std::vector<Mention> out;
  ForEachNgram(NameWords(text), [&](const std::string& key,
                                    const std::vector<std::uint32_t>& owners) {
    for (const std::uint32_t family : owners) {
      const bool seen =
          std::any_of(out.begin(), out.end(),
                      [&](const Mention& m) { return m.family == family; });
      if (!seen && out.size() < 64) out.push_back({family, key});
    }
  });
  return out;
}

}  // namespace kintsugi::identify
