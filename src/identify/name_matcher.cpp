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

std::size_t FilterHash(std::string_view last) {
  std::size_t h = 0;
  for (const char c : last) h = h * 131 + static_cast<unsigned char>(c);
  return h;
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
  IndexSuffixes();
  return Status::Ok();
}

void NameMatcher::IndexSuffixes() {
  index_.long_ends.assign(kFilterBits / 64, 0);
  index_.short_ends.assign(kFilterBits / 64, 0);
  index_.single.clear();
  for (const auto& [literal, ids] : suffixes_) {
    const std::string_view view(literal);
    if (view.size() < 2) {
      index_.single.push_back(literal);
      continue;
    }
    auto& filter = view.size() >= 4 ? index_.long_ends : index_.short_ends;
    const std::size_t ends = view.size() >= 4 ? 4 : 2;
    const std::size_t bit =
        FilterHash(view.substr(view.size() - ends)) % kFilterBits;
    filter[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

bool NameMatcher::MaySuffix(std::string_view lower) const {
  if (index_.long_ends.empty()) return !suffixes_.empty();  // Not indexed.
  auto in = [&lower](const std::vector<std::uint64_t>& filter,
                     std::size_t ends) {
    if (lower.size() < ends) return false;
    const std::size_t bit =
        FilterHash(lower.substr(lower.size() - ends)) % kFilterBits;
    return (filter[bit / 64] >> (bit % 64) & 1u) != 0;
  };
  if (in(index_.long_ends, 4) || in(index_.short_ends, 2)) return true;
  return std::any_of(index_.single.begin(), index_.single.end(),
                     [&lower](const std::string& literal) {
                       return lower.ends_with(literal);
                     });
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
  const bool may_suffix = MaySuffix(lower);
  for (const std::size_t length : suffix_lengths_) {
    if (!may_suffix || length > lower.size()) break;
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

bool NameMatcher::AnyMatch(std::string_view name, hs_scratch_t* scratch) const {
  if (count_ == 0) return false;
  const std::string lower = Lower(name);
  if (MaySuffix(lower)) {
    for (const std::size_t length : suffix_lengths_) {
      if (length > lower.size()) break;
      if (suffixes_.count(lower.substr(lower.size() - length)) > 0) return true;
    }
  }
  if (!wholes_.empty() && wholes_.count(FoldWholeName(name)) > 0) return true;
  bool any = false;
  patterns_.Scan(name, scratch,
                 [&any](unsigned, unsigned long long) { any = true; });
  return any;
}

}  // namespace kintsugi::identify
