#include "identify/family_names.h"

#include <algorithm>
#include <array>
#include <functional>

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

// One-word family names that notes also use as ordinary words
// ("Protected", "Waiting", "Revolution", "Nightmare"): a note may mean the
// word, so such a mention is evidence, never the note naming itself
// (Mention::common). The KB's one-word names found in a standard English
// word list (Debian's wamerican), less those that in a ransom note can only
// be the name (proper names and rare words: "Hive", "Hades", "Phobos",
// "Sugar", "Valencia"), plus "good day". Sorted.
constexpr std::string_view kCommonWordNames[] = {
    "agenda",       "alma",        "alpha",         "alphabet",     "amnesia",
    "android",      "apocalypse",  "arcane",        "armageddon",   "assembly",
    "atom",         "aura",        "aurora",        "aware",        "bart",
    "beast",        "bert",        "blackout",      "blank",        "blind",
    "blog",         "blooper",     "boom",          "brazilian",    "brick",
    "brotherhood",  "cactus",      "chaos",         "cheers",       "chip",
    "christmas",    "clay",        "cloak",         "clock",        "clouded",
    "colossus",     "common",      "consciousness", "core",         "corp",
    "cortex",       "creeper",     "creepy",        "crying",       "crypt",
    "crystal",      "curator",     "cute",          "cyclone",      "czech",
    "dale",         "damage",      "dangerous",     "deadlock",     "deadly",
    "death",        "defender",    "delta",         "demo",         "desktop",
    "desolated",    "diamond",     "district",      "dodger",       "domino",
    "done",         "donut",       "dumb",          "dusk",         "embargo",
    "encrypt",      "endurance",   "enigma",        "enmity",       "entropy",
    "epsilon",      "eruption",    "eternal",       "eternity",     "evil",
    "evolution",    "executioner", "exorcist",      "exotic",       "explorer",
    "extractor",    "fake",        "final",         "first",        "flamingo",
    "foxy",         "frag",        "freezing",      "frog",         "frozen",
    "fury",         "fusion",      "gamma",         "genesis",      "gentlemen",
    "ghost",        "gibberish",   "global",        "globe",        "good day",
    "gotcha",       "grep",        "grief",         "groove",       "hacked",
    "havoc",        "haze",        "homeland",      "honor",        "house",
    "hunt",         "hunters",     "insane",        "insomnia",     "interlock",
    "iron",         "jackpot",     "james",         "judge",        "karma",
    "karo",         "kindest",     "knight",        "knot",         "korean",
    "lamer",        "landslide",   "lick",          "light",        "lime",
    "lock",         "locked",      "locker",        "lockout",      "locus",
    "losers",       "lucky",       "mafia",         "magic",        "magician",
    "mars",         "matrix",      "meow",          "mercury",      "mimic",
    "mine",         "mini",        "monte",         "monument",     "mortar",
    "moth",         "mystic",      "nemesis",       "nightmare",    "nitrogen",
    "nova",         "nuke",        "oceans",        "offline",      "ogre",
    "ordinal",      "outsider",    "paradise",      "parasite",     "payday",
    "payload",      "payment",     "pear",          "phantom",      "phoenix",
    "pickles",      "planetary",   "play",          "playboy",      "plus",
    "poison",       "polyglot",    "pompous",       "potato",       "prank",
    "predator",     "prism",       "protected",     "providence",   "pulpy",
    "pump",         "purge",       "python",        "quantum",      "qwerty",
    "radar",        "ramp",        "ransomed",      "rapid",        "rapture",
    "razor",        "rector",      "relic",         "resurrection", "revenge",
    "revolution",   "reynolds",    "risen",         "rook",         "root",
    "rotor",        "ruby",        "rush",          "russian",      "sage",
    "salami",       "salsa",       "sanction",      "sanctions",    "scarecrow",
    "scatterbrain", "scraper",     "serpent",       "shade",        "shadow",
    "shark",        "shrug",       "sigma",         "silent",       "skull",
    "slam",         "slug",        "smash",         "snake",        "snatch",
    "solider",      "solo",        "solve",         "spider",       "spook",
    "sport",        "spring",      "steel",         "stinger",      "stop",
    "storm",        "streamer",    "stupid",        "superb",       "surprise",
    "survey",       "telegram",    "tilde",         "tortoise",     "toxic",
    "trojan",       "tron",        "turkish",       "tycoon",       "tyrant",
    "underground",  "unknown",     "unsafe",        "vanguard",     "vapor",
    "vendetta",     "vortex",      "waffle",        "waiting",      "warlock",
    "warrior",      "wiki",        "your",          "zero",         "zipper",
};

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || u >= 0x80;
}

}  // namespace

bool IsCommonWordName(std::string_view name) {
  return std::binary_search(std::begin(kCommonWordNames),
                            std::end(kCommonWordNames), name);
}

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
      if (const std::vector<std::uint32_t>* owners = Lookup(key)) {
        f(key, *owners, i, i + n + 1);
      }
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
  // "0apt", "3am": three letters with digits are a name, not a word.
  const bool digits = std::any_of(key.begin(), key.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  if (letters < kMinNameLetters &&
      !(digits && letters + 1 >= kMinNameLetters && key.size() >= 4)) {
    return;
  }
  if (words.size() == 1 && IsGenericName(key)) return;
  // "Ragnar Locker" signs as "Ragnar" too, "Osiris Project" as "Osiris"
  // (its onion address begins "osiris...").
  static constexpr std::string_view kGenericLastWords[] = {
      "locker", "ransomware", "team", "group", "gang", "project"};
  if (words.size() == 2 &&
      std::find(std::begin(kGenericLastWords), std::end(kGenericLastWords),
                words[1]) != std::end(kGenericLastWords)) {
    Add(family, words[0]);
  }
  // "The Gentlemen" signs as "GENTLEMEN" too, "Ragnar Locker" as
  // "RagnarLocker".
  if (words.size() > 1 && words[0] == "the") {
    Add(family, std::string_view(key).substr(4));
  }
  // "AbyssLocker" is written "Abyss Locker", "BlackHunt" "Black Hunt".
  if (words.size() == 1) {
    static constexpr std::string_view kSuffixes[] = {
        "locker", "lock", "crypt", "crypter", "cryptor", "spy",   "leaks",
        "leak",   "team", "group", "gang",    "ware",    "ransom"};
    static constexpr std::string_view kPrefixes[] = {
        "black", "dark",  "red",   "blue",  "white",
        "green", "cyber", "money", "hello", "big"};
    const std::string_view word = key;
    for (const std::string_view suffix : kSuffixes) {
      if (word.size() >= suffix.size() + 4 && word.ends_with(suffix)) {
        Add(family, std::string(word.substr(0, word.size() - suffix.size())) +
                        " " + std::string(suffix));
      }
    }
    for (const std::string_view prefix : kPrefixes) {
      if (word.size() >= prefix.size() + 4 && word.starts_with(prefix)) {
        Add(family, std::string(prefix) + " " +
                        std::string(word.substr(prefix.size())));
      }
    }
  }
  if (words.size() > 1) {
    std::string joined;
    for (const std::string& word : words) joined += word;
    auto& owners = names_[joined];
    if (std::find(owners.begin(), owners.end(), family) == owners.end()) {
      owners.push_back(family);
    }
  }
  auto& families = names_[key];
  if (std::find(families.begin(), families.end(), family) == families.end()) {
    families.push_back(family);
  }
}

void FamilyNames::SeeReferenceNote(std::uint32_t family,
                                   std::string_view folded) {
  ForEachNgram(NameWords(folded), [&](const std::string& key,
                                      const std::vector<std::uint32_t>& owners,
                                      std::size_t, std::size_t) {
    if (std::find(owners.begin(), owners.end(), family) != owners.end()) return;
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
  Index();
}

namespace {

constexpr std::size_t kFilterBits = std::size_t{1} << 16;

// The filter's two bits for `key`.
std::array<std::size_t, 2> FilterBits(std::string_view key) {
  const std::size_t h = std::hash<std::string_view>{}(key);
  return {h & (kFilterBits - 1), (h >> 32) & (kFilterBits - 1)};
}

}  // namespace

void FamilyNames::Index() {
  filter_.assign(kFilterBits / 64, 0);
  for (const auto& entry : names_) {
    for (const std::size_t bit : FilterBits(entry.first)) {
      filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
  }
}

const std::vector<std::uint32_t>* FamilyNames::Lookup(
    std::string_view key) const {
  if (!filter_.empty()) {
    for (const std::size_t bit : FilterBits(key)) {
      if ((filter_[bit / 64] >> (bit % 64) & 1) == 0) return nullptr;
    }
  }
  const auto found = names_.find(std::string(key));
  return found == names_.end() ? nullptr : &found->second;
}

bool FamilyNames::FamiliesBelow(std::size_t n) const {
  for (const auto* table : {&names_, &seen_by_}) {
    for (const auto& [name, families] : *table) {
      for (const std::uint32_t family : families) {
        if (family >= n) return false;
      }
    }
  }
  return true;
}

std::vector<FamilyNames::Mention> FamilyNames::Find(
    std::string_view text) const {
  std::vector<Mention> out;
  const std::vector<std::string> words = NameWords(text);
  // An ordinary word used as a name: "encrypted by Shadow Ransomware",
  // "we call ourselves Fog".
  static constexpr std::string_view kNameFollowers[] = {
      "ransomware", "locker", "team", "group", "gang", "crew"};
  const auto used_as_name = [&](std::size_t begin, std::size_t end) {
    return (end < words.size() &&
            std::find(std::begin(kNameFollowers), std::end(kNameFollowers),
                      words[end]) != std::end(kNameFollowers)) ||
           (begin > 0 && words[begin - 1] == "ourselves");
  };
  ForEachNgram(words, [&](const std::string& key,
                          const std::vector<std::uint32_t>& owners,
                          std::size_t begin, std::size_t end) {
    const bool common = IsCommonWordName(key) && !used_as_name(begin, end);
    for (const std::uint32_t family : owners) {
      const auto seen =
          std::find_if(out.begin(), out.end(),
                       [&](const Mention& m) { return m.family == family; });
      if (seen == out.end() && out.size() < 64) {
        out.push_back({family, key, common});
      } else if (seen != out.end() && seen->common && !common) {
        seen->common = false;
      }
    }
  });
  return out;
}

std::vector<FamilyNames::Mention> FamilyNames::FindInWords(
    std::string_view text) const {
  // Words that groups glue to their name in e-mail addresses, handles and
  // sites ("kuipersupport@", "blacksnaketeam", "decryptorkrypt@").
  static constexpr std::string_view kGlue[] = {
      "team",      "support",  "help",    "group",   "gang",     "decrypt",
      "decryptor", "recovery", "restore", "service", "official", "leaks",
      "leak",      "blog",     "news",    "chat",    "mail",     "locker",
      "ransom",    "data",     "files",   "admin",   "company",  "corp"};
  const auto glue_or_digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(),
                       [](char c) { return c >= '0' && c <= '9'; }) ||
           std::find(std::begin(kGlue), std::end(kGlue), part) !=
               std::end(kGlue);
  };
  // Names of 5 letters or more, not ordinary words, joined to glue or
  // digits only: a name inside an ordinary word ("conti" in "continue")
  // is not the name.
  constexpr std::size_t kMinInWord = 5;
  std::vector<Mention> out;
  const auto add = [&](std::string_view name) {
    if (name.size() < kMinInWord || IsCommonWordName(name)) return;
    const std::vector<std::uint32_t>* owners = Lookup(name);
    if (owners == nullptr) return;
    for (const std::uint32_t family : *owners) {
      const bool seen =
          std::any_of(out.begin(), out.end(),
                      [&](const Mention& m) { return m.family == family; });
      if (!seen && out.size() < 64) {
        out.push_back({family, std::string(name), false});
      }
    }
  };
  for (const std::string& word : NameWords(text)) {
    if (word.size() <= kMinInWord) continue;
    const std::string_view w(word);
    for (std::size_t cut = kMinInWord; cut + 1 < w.size(); ++cut) {
      if (glue_or_digits(w.substr(cut))) add(w.substr(0, cut));
      if (glue_or_digits(w.substr(0, w.size() - cut))) {
        add(w.substr(w.size() - cut));
      }
    }
  }
  return out;
}

std::vector<FamilyNames::Mention> FamilyNames::FindHostPrefix(
    std::string_view host) const {
  // A v3 onion address is 56 base32 characters: a prefix that spells a
  // name of 4 letters or more is chosen, not chance (1 in 26^4 per name).
  constexpr std::size_t kMinPrefix = kMinNameLetters;
  constexpr std::size_t kMaxPrefix = 24;
  std::vector<Mention> out;
  std::string key;
  for (std::size_t i = 0; i < host.size() && i < kMaxPrefix; ++i) {
    const char c = host[i];
    if (c < 'a' || c > 'z') break;
    key.push_back(c);
    if (key.size() < kMinPrefix) continue;
    const std::vector<std::uint32_t>* owners = Lookup(key);
    if (owners == nullptr) continue;
    // A vanity address is chosen: even an ordinary word is the name.
    for (const std::uint32_t family : *owners) {
      out.push_back({family, key, false});
    }
  }
  return out;
}

}  // namespace kintsugi::identify
