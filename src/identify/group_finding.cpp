// The group finding (kb/groups.yaml, issue 15 "Rebrands and shared
// templates"): when the best candidate belongs to a group, which members
// the evidence points at and which one it favours.

#include <algorithm>

#include "identify/compiled_kb.h"

namespace kintsugi::identify::internal {

GroupFinding FindGroupFinding(
    const CompiledKb::Impl& kb, std::uint32_t group,
    const std::vector<Candidate>& candidates,
    const std::map<std::string, std::vector<Evidence>>& separating) {
  const kb::Group& source = kb.groups.at(group);
  GroupFinding finding;
  finding.id = source.id;
  finding.name = source.name;
  finding.kind = source.kind;
  finding.shares = source.shares;
  finding.members = source.members;
  for (const std::string& member : source.members) {
    const auto info = std::find_if(
        kb.families.begin(), kb.families.end(),
        [&](const CompiledKb::Impl::FamilyInfo& f) { return f.id == member; });
    finding.member_names.push_back(info != kb.families.end() ? info->name
                                                             : member);
  }
  for (const Candidate& candidate : candidates) {
    if (std::find(source.members.begin(), source.members.end(),
                  candidate.family) == source.members.end()) {
      continue;
    }
    finding.candidates.push_back(candidate.family);
    // The best-ranked member with evidence of its own; members are ranked
    // by score, so the one with more of it comes first.
    const auto own = separating.find(candidate.family);
    if (finding.favoured.empty() && own != separating.end() &&
        !own->second.empty()) {
      finding.favoured = candidate.family;
      finding.separating = own->second;
    }
  }
  return finding;
}

}  // namespace kintsugi::identify::internal
