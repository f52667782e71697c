#pragma once

// Matches file names against name rules: literal extensions as a
// case-insensitive suffix table, literal note names as a whole-name table,
// and only real patterns through Hyperscan. Hyperscan compiles anchored
// literals slowly (~1 ms each for `\.ext$`), while a hash lookup per
// distinct suffix length is exact and as fast (issue #3 "Speed": compile
// the full KB well under a second).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "identify/pattern_set.h"

namespace kintsugi::identify {

class NameMatcher {
 public:
  // `literal` matches a name that ends with it, ignoring ASCII case.
  void AddSuffix(std::string_view literal, unsigned id);
  // `literal` matches a name equal to it, ignoring ASCII case.
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
  // increasing id order.
  void Match(std::string_view name, hs_scratch_t* scratch,
             const std::function<void(unsigned)>& on_match) const;

  std::size_t size() const { return count_; }

  // True when every literal's id is below `n` (a matcher read back from the
  // precompiled KB is checked before use).
  bool IdsBelow(std::size_t n) const;

  // Calls `f` with every member, for the precompiled KB (precompiled_kb.cpp,
  // docs/kb-format.md §9): a member added below and not here fails to
  // compile.
  template <typename Self, typename F>
  static void VisitFields(Self& self, F&& f) {
    auto& [suffixes, suffix_lengths, wholes, pending, patterns, count] = self;
    f(suffixes, suffix_lengths, wholes, pending, patterns, count);
  }

 private:
  std::unordered_map<std::string, std::vector<unsigned>> suffixes_;
  std::vector<std::size_t> suffix_lengths_;  // Distinct, ascending.
  std::unordered_map<std::string, std::vector<unsigned>> wholes_;
  std::vector<PatternSet::Pattern> pending_;
  PatternSet patterns_;
  std::size_t count_ = 0;
};

}  // namespace kintsugi::identify
