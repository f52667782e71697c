#pragma once

// Family names mentioned in a note ("Akira", "BlackField", "LockBit 3.0"):
// many notes sign with the family's name, and a name is a stable part that
// carries over to notes the KB has never seen. Names that are ordinary
// words, or that the reference notes of two or more other families also
// contain, are not used (they would match everywhere).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kintsugi::identify {

// The words of `text`: lowercase runs of ASCII letters and digits (and
// non-ASCII bytes, so names in other scripts survive), in order.
std::vector<std::string> NameWords(std::string_view text);

// Whether a one-word name is also an ordinary English word.
bool IsCommonWordName(std::string_view name);

class FamilyNames {
 public:
  // Adds a name or alias of `family`; ignored when it is too short, too
  // long (> 3 words) or a generic word.
  void Add(std::uint32_t family, std::string_view name);
  // Marks the names a reference note of `family` mentions that belong to
  // other families (for the "generic" test in Finish).
  void SeeReferenceNote(std::uint32_t family, std::string_view folded);
  // Drops names that notes of >= 2 other families mention.
  void Finish();

  struct Mention {
    std::uint32_t family = 0;
    std::string name;
    // The name is also an ordinary English word ("protected", "hive").
    bool common = false;
  };
  // Names in `text`, each (family, name) once.
  std::vector<Mention> Find(std::string_view text) const;
  // Names of 5 letters or more joined to digits or to a word such as
  // "team" or "support" inside a longer word of `text` ("kuipersupport",
  // "decryptorkrypt", "novagroup2023"), each family once; never an
  // ordinary word.
  std::vector<Mention> FindInWords(std::string_view text) const;
  // One-word names that `host` (an onion address, lowercase) begins with:
  // groups choose vanity addresses that spell their name
  // ("lynxch2k5...onion", "akiral2iz6...onion").
  std::vector<Mention> FindHostPrefix(std::string_view host) const;

  std::size_t size() const { return names_.size(); }

  // True when every family index is below `n` (names read back from the
  // precompiled KB are checked before use).
  bool FamiliesBelow(std::size_t n) const;

  // Calls `f` with every member, for the precompiled KB (precompiled_kb.cpp,
  // docs/kb-format.md §9): a member added below and not here fails to
  // compile.
  template <typename Self, typename F>
  static void VisitFields(Self& self, F&& f) {
    auto& [names, seen_by] = self;
    f(names, seen_by);
  }

 private:
  template <typename F>
  void ForEachNgram(const std::vector<std::string>& words, F&& f) const;

  std::unordered_map<std::string, std::vector<std::uint32_t>> names_;
  // Name -> other families whose reference notes mention it.
  std::unordered_map<std::string, std::vector<std::uint32_t>> seen_by_;
};

}  // namespace kintsugi::identify
