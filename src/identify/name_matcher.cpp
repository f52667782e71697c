#include "identify/name_matcher.h"

#include <algorithm>

namespace kintsugi::identify {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

void NameMatcher::AddSuffix(std::string_view literal, unsigned id) {
  if (literal.empty()) return;
  suffixes_[Lower(literal)].push_back(id);
  if (std::find(suffix_lengths_.begin(), suffix_lengths_.end(),
                literal.size()) == suffix_lengths_.end()) {
    suffix_lengths_.push_back(literal.size());
    std::sort(suffix_lengths_.begin(), suffix_lengths_.end());
  }
  ++count_;
}

void NameMatcher::AddWhole(std::string_view literal, unsigned id) {
  if (literal.empty()) return;
  wholes_[Lower(literal)].push_back(id);
  ++count_;
}

void NameMatcher::AddPattern(PatternSet::Pattern pattern) {
  pending_.push_back(std::move(pattern));
  ++count_;
}

Status NameMatcher::Compile(std::vector<std::string>& warnings,
                            const hs_platform_info_t* platform) {
  KINTSUGI_ASSIGN_OR_RETURN(
      patterns_, PatternSet::Compile(std::move(pending_), warnings, platform));
  pending_.clear();
  return Status::Ok();
}

bool NameMatcher::IdsBelow(std::size_t n) const {
  for (const auto* table : {&suffixes_, &wholes_}) {
    for (const auto& [literal, ids] : *table) {
      for (const unsigned id : ids) {
        if (id >= n) return false;
      }
    }
  }
  return true;
}

void NameMatcher::Match(std::string_view name, hs_scratch_t* scratch,
                        const std::function<void(unsigned)>& on_match) const {
  std::vector<unsigned> ids;
  const std::string lower = Lower(name);
  for (const std::size_t length : suffix_lengths_) {
    if (length > lower.size()) break;
    const auto found = suffixes_.find(lower.substr(lower.size() - length));
    if (found != suffixes_.end()) {
      ids.insert(ids.end(), found->second.begin(), found->second.end());
    }
  }
  if (const auto found = wholes_.find(lower); found != wholes_.end()) {
    ids.insert(ids.end(), found->second.begin(), found->second.end());
  }
  patterns_.Scan(name, scratch, [&ids](unsigned id, unsigned long long) {
    ids.push_back(id);
  });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const unsigned id : ids) on_match(id);
}

}  // namespace kintsugi::identify
