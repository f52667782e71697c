#pragma once

// Internals of CompiledKb shared by its translation units.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "identify/family_names.h"
#include "identify/name_matcher.h"
#include "identify/pattern_set.h"
#include "identify/similarity.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"

namespace kintsugi::identify {

struct CompiledKb::Impl {
  struct FamilyInfo {
    std::string id;
    std::string name;
    std::vector<std::string> related;
    kb::Recovery recovery;
  };
  // A rule as the matcher needs it; PatternSet ids index `rules`.
  struct RuleInfo {
    std::uint32_t family = 0;
    kb::Rule rule;
    // Weight on its own, after the family-specificity discount (a pattern
    // defined by k families says less about each).
    double weight = 0.0;
  };
  struct ContactInfo {
    std::uint32_t family = 0;
    std::string value;
    double weight = 0.0;
  };

  std::vector<FamilyInfo> families;
  std::vector<RuleInfo> rules;
  std::vector<kb::AllowEntry> allow;
  NameMatcher file_names;   // kExtension, kFilenamePattern.
  NameMatcher note_names;   // kNoteName.
  PatternSet note_text;     // kNotePhrase, kNoteRegex over folded text.
  PatternSet victim_ids;    // kVictimId, anchored, over extracted IDs.
  NameMatcher allow_names;  // Allow-list name entries (ids index `allow`).
  std::vector<std::uint32_t> markers;  // kFileMarker, kSizeRelation rules.
  std::unordered_map<std::string, std::vector<ContactInfo>> contacts;
  SimilarityModel similarity;
  FamilyNames family_names;  // Names a note may mention.
  Scratch prototype;
  CompileStats stats;

  // Scratch spaces of finished Identify calls, reused so a call costs no
  // allocation (100,000 file names a second, issue #3 "Speed").
  Scratch TakeScratch() const;
  void ReturnScratch(Scratch scratch) const;
  mutable std::mutex pool_mutex;
  mutable std::vector<Scratch> pool;
};

// The lookup key of a contact: what ExtractIndicators yields for it.
std::string ContactKey(std::string_view value);

}  // namespace kintsugi::identify
