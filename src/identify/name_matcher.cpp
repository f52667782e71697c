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

// Whether `c` is one of the characters that copying, downloading or
// sanitising a file name turns into another (a space into '_', '+' or '!'
// into '_' or '-', brackets dropped): "+README-WARNING+.txt" arrives as
// "_README-WARNING_.txt", "How to Restore Your Files.html" as
// "How_to_Restore_Your_Files.html".
bool IsNameSeparator(char c) {
  switch (c) {
    case ' ':
    case '_':
    case '-':
    case '+':
    case '!':
    case '~':
    case '#':
    case '[':
    case ']':
    case '(':
    case ')':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string FoldWholeName(std::string_view name) {
  // A copy's " (1)" before the extension ("README (1).txt") is not the
  // note's name.
  std::string_view stem = name;
  std::string_view extension;
  if (const auto dot = name.rfind('.'); dot != std::string_view::npos) {
    stem = name.substr(0, dot);
    extension = name.substr(dot);
  }
  if (stem.size() > 3 && stem.back() == ')') {
    const auto open = stem.rfind('(');
    if (open != std::string_view::npos && open + 2 < stem.size() &&
        open + 5 >= stem.size() && open > 0 &&
        std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(open) + 1,
                    stem.end() - 1,
                    [](char c) { return c >= '0' && c <= '9'; })) {
      stem = stem.substr(0, open);
      while (!stem.empty() && stem.back() == ' ') stem.remove_suffix(1);
    }
  }
  std::string out;
  out.reserve(stem.size() + extension.size());
  for (const std::string_view part : {stem, extension}) {
    for (const char c : part) {
      if (IsNameSeparator(c)) {
        if (out.empty() || out.back() != '_') out.push_back('_');
      } else if (c >= 'A' && c <= 'Z') {
        out.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        out.push_back(c);
      }
    }
  }
  return out;
}

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
  wholes_[FoldWholeName(literal)].push_back({id, Lower(literal)});
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
  for (const auto& [literal, ids] : suffixes_) {
    for (const unsigned id : ids) {
      if (id >= n) return false;
    }
  }
  for (const auto& [folded, entries] : wholes_) {
    for (const auto& entry : entries) {
      if (entry.id >= n) return false;
    }
  }
  return true;
}

void NameMatcher::Match(std::string_view name, hs_scratch_t* scratch,
                        const std::function<void(unsigned)>& on_match,
                        std::vector<unsigned>* folded) const {
  std::vector<unsigned> ids;
  const std::string lower = Lower(name);
  for (const std::size_t length : suffix_lengths_) {
    if (length > lower.size()) break;
    const auto found = suffixes_.find(lower.substr(lower.size() - length));
    if (found != suffixes_.end()) {
      ids.insert(ids.end(), found->second.begin(), found->second.end());
    }
  }
  if (const auto found = wholes_.find(FoldWholeName(name));
      found != wholes_.end()) {
    for (const auto& [id, literal] : found->second) {
      ids.push_back(id);
      if (folded != nullptr && literal != lower) folded->push_back(id);
    }
  }
  patterns_.Scan(name, scratch, [&ids](unsigned id, unsigned long long) {
    ids.push_back(id);
  });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const unsigned id : ids) on_match(id);
}

}  // namespace kintsugi::identify
