#pragma once

// Internals of CompiledKb shared by its translation units.

#include <cstdint>
#include <map>
#include <memory>
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

// A member added here is stored in the precompiled KB only once it is added
// to the list in precompiled_kb.cpp (VisitFields for Impl); until then the
// build fails there, by design (docs/kb-format.md §9.1).
struct CompiledKb::Impl {
  struct FamilyInfo {
    std::string id;
    std::string name;
    std::vector<std::string> related;
    kb::Recovery recovery;
    // Index in `groups`, or kNoGroup.
    std::uint32_t group = kNoGroup;
  };
  static constexpr std::uint32_t kNoGroup = 0xFFFFFFFF;
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
  // kb/groups.yaml, members that are compiled (enabled) only.
  std::vector<kb::Group> groups;
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

  // Allocates `prototype` for every database; the last step of compiling
  // or loading a precompiled KB.
  Status AllocPrototype();
  // The finished KB, shared (a nested class may call CompiledKb's private
  // constructor).
  static std::shared_ptr<const CompiledKb> Share(std::unique_ptr<Impl> impl);

  // Scratch spaces of finished Identify calls, reused so a call costs no
  // allocation (100,000 file names a second, issue #3 "Speed").
  Scratch TakeScratch() const;
  void ReturnScratch(Scratch scratch) const;
  mutable std::mutex pool_mutex;
  mutable std::vector<Scratch> pool;
};

// The lookup key of a contact: what ExtractIndicators yields for it.
std::string ContactKey(std::string_view value);

// What a hit of a rule of `kind` is evidence of.
EvidenceKind EvidenceKindOf(kb::RuleKind kind);

namespace internal {

// Compile() with the Hyperscan databases built for `platform` (null: this
// CPU); the build-time precompiler builds them for a baseline CPU
// (precompiled_kb.h).
Result<std::unique_ptr<CompiledKb::Impl>> CompileImpl(
    const kb::KnowledgeBase& kb, const CompileOptions& options,
    const hs_platform_info_t* platform);

// The finding for the best candidate's group `group` (an index in
// kb.groups): its members among `candidates`, and the member that
// `separating` evidence (per family id) favours (group_finding.cpp).
GroupFinding FindGroupFinding(
    const CompiledKb::Impl& kb, std::uint32_t group,
    const std::vector<Candidate>& candidates,
    const std::map<std::string, std::vector<Evidence>>& separating);

}  // namespace internal

}  // namespace kintsugi::identify
