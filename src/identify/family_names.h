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
  // Drops names that notes of >= 2 other families mention, then Index.
  void Finish();
  // Builds the quick filter of the names, which Finish does; names read
  // back from the precompiled KB (whose fields VisitFields lists) call it
  // once read.
  void Index();

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
    // `filter` is derived (Index), not stored.
    auto& [names, seen_by, filter] = self;
    (void)filter;
    f(names, seen_by);
  }

 private:
  template <typename F>
  void ForEachNgram(const std::vector<std::string>& words, F&& f) const;
  // The names that `key` may be one of (nullptr when none), the filter
  // asked first: a note's every word and pair and triple of words is
  // looked up, and nearly none is a name.
  const std::vector<std::uint32_t>* Lookup(std::string_view key) const;

  std::unordered_map<std::string, std::vector<std::uint32_t>> names_;
  // Name -> other families whose reference notes mention it.
  std::unordered_map<std::string, std::vector<std::uint32_t>> seen_by_;
  // Derived from `names_` (Index), not stored: a Bloom filter of 2^16 bits,
  // two per name, so that a word that is no name (nearly every one) costs
  // one look into 8 KB instead of a walk of the hash table's nodes, which
  // are cold on a server between requests (issue 14's identify load).
  // Empty: not built, every key passes.
  std::vector<std::uint64_t> filter_;
};

}  // namespace kintsugi::identify
