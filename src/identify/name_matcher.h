#pragma once

// Matches file names against name rules: literal extensions as a
// case-insensitive suffix table, literal note names as a whole-name table,
// and only real patterns through Hyperscan. Hyperscan compiles anchored
// literals slowly (~1 ms each for `\.ext$`), while a hash lookup per
// distinct suffix length is exact and as fast (issue #3 "Speed": compile
// the full KB well under a second).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "identify/pattern_set.h"

namespace kintsugi::identify {

// A note name as whole-name rules compare it: ASCII lower case, every run
// of separators and brackets (space _ - + ! ~ # [ ] ( ) { }) one '_', and a
// copy's " (N)" before the extension dropped. Names mangled by a download
// or a sanitiser still match ("_README-WARNING_.txt" is Makop's
// "+README-WARNING+.txt"), while "_README_.txt" stays apart from
// "README.txt".
std::string FoldWholeName(std::string_view name);

class NameMatcher {
 public:
  // A whole-name entry: its id, and its literal in lower case, which tells
  // an exact match from a folded one.
  struct WholeEntry {
    unsigned id = 0;
    std::string literal;
  };

  // `literal` matches a name that ends with it, ignoring ASCII case.
  void AddSuffix(std::string_view literal, unsigned id);
  // `literal` matches a name equal to it as FoldWholeName compares them.
  void AddWhole(std::string_view literal, unsigned id);
  // A Hyperscan pattern over the whole name.
  void AddPattern(PatternSet::Pattern pattern);

  // Compiles the patterns (invalid ones are dropped into `warnings`) for
  // `platform` (null: this CPU).
  Status Compile(std::vector<std::string>& warnings,
                 const hs_platform_info_t* platform = nullptr);
  Status AllocScratch(hs_scratch_t** scratch) const {
    return patterns_.AllocScratch(scratch);
  }

  // Calls `on_match(id)` once for each entry that matches `name`, in
  // increasing id order. The whole-name entries that match only once
  // folded (the name is not the literal, ignoring case) are also added to
  // `folded` when given, before `on_match` is called.
  void Match(std::string_view name, hs_scratch_t* scratch,
             const std::function<void(unsigned)>& on_match,
             std::vector<unsigned>* folded = nullptr) const;

  // Whether any entry matches `name` (Match calling `on_match` at least
  // once), without listing them: a names-only scan's screen asks it of
  // every file name.
  bool AnyMatch(std::string_view name, hs_scratch_t* scratch) const;

  std::size_t size() const { return count_; }

  // True when every literal's id is below `n` (a matcher read back from the
  // precompiled KB is checked before use).
  bool IdsBelow(std::size_t n) const;

  // Builds the quick filter of the suffix literals, which Compile does; a
  // matcher read back from the precompiled KB (whose fields VisitFields
  // lists) calls it once read.
  void IndexSuffixes();

  // Calls `f` with every member, for the precompiled KB (precompiled_kb.cpp,
  // docs/kb-format.md §9): a member added below and not here fails to
  // compile.
  template <typename Self, typename F>
  static void VisitFields(Self& self, F&& f) {
    // `index` is derived (IndexSuffixes), not stored.
    auto& [suffixes, suffix_lengths, wholes, pending, patterns, count, index] =
        self;
    (void)index;
    f(suffixes, suffix_lengths, wholes, pending, patterns, count);
  }

 private:
  std::unordered_map<std::string, std::vector<unsigned>> suffixes_;
  std::vector<std::size_t> suffix_lengths_;  // Distinct, ascending.
  // Keyed by FoldWholeName.
  std::unordered_map<std::string, std::vector<WholeEntry>> wholes_;
  std::vector<PatternSet::Pattern> pending_;
  PatternSet patterns_;
  std::size_t count_ = 0;
  // Derived from `suffixes_` (IndexSuffixes), not stored: one bit per hash
  // of the last four characters of each literal at least that long
  // (`long_ends`), and of the last two of the shorter ones (`short_ends`),
  // so that most names need no lookup per suffix length; literals of one
  // character are listed.
  static constexpr std::size_t kFilterBits = 1u << 16;
  struct SuffixIndex {
    std::vector<std::uint64_t> long_ends;
    std::vector<std::uint64_t> short_ends;
    std::vector<std::string> single;
  };
  SuffixIndex index_;
  // Whether a suffix literal may end `lower` (the name in lower case).
  bool MaySuffix(std::string_view lower) const;
};

}  // namespace kintsugi::identify
