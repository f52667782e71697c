#include "identify/similarity.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "text/shingles.h"

namespace kintsugi::identify {

using text::NoteShingles;

void SimilarityModel::AddReference(std::uint32_t family,
                                   std::string_view folded) {
  std::vector<std::uint64_t> shingles = NoteShingles(folded);
  if (shingles.empty()) return;
  notes_.push_back({family, 0.0});
  pending_.push_back(std::move(shingles));
}

void SimilarityModel::Finish() {
  std::unordered_set<std::uint32_t> families;
  for (const Note& note : notes_) families.insert(note.family);
  family_count_ = families.size();
  const auto n = static_cast<double>(std::max<std::size_t>(family_count_, 1));
  unseen_idf_ = std::log(1.0 + n);
  // Every (shingle, note) pair, sorted: each shingle's notes ascending.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> pairs;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    for (const std::uint64_t s : pending_[i]) {
      pairs.emplace_back(s, static_cast<std::uint32_t>(i));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  shingles_.clear();
  idf_.clear();
  posting_begin_.clear();
  postings_.clear();
  postings_.reserve(pairs.size());
  std::vector<std::uint32_t> in_families;
  for (std::size_t k = 0; k < pairs.size();) {
    const std::uint64_t shingle = pairs[k].first;
    shingles_.push_back(shingle);
    posting_begin_.push_back(static_cast<std::uint32_t>(postings_.size()));
    in_families.clear();
    for (; k < pairs.size() && pairs[k].first == shingle; ++k) {
      postings_.push_back(pairs[k].second);
      in_families.push_back(notes_[pairs[k].second].family);
    }
    std::sort(in_families.begin(), in_families.end());
    const auto distinct = static_cast<double>(
        std::unique(in_families.begin(), in_families.end()) -
        in_families.begin());
    idf_.push_back(std::log(1.0 + n / distinct));
  }
  posting_begin_.push_back(static_cast<std::uint32_t>(postings_.size()));
  for (std::size_t i = 0; i < notes_.size(); ++i) {
    double sum = 0.0;
    for (const std::uint64_t s : pending_[i]) {
      const double w = idf_[Find(s)];
      sum += w * w;
    }
    notes_[i].norm = std::sqrt(sum);
  }
  pending_.clear();
  pending_.shrink_to_fit();
  Index();
}

void SimilarityModel::Index() {
  directory_.clear();
  const std::size_t n = shingles_.size();
  // About two shingles a bucket; none for a model too small to need one.
  unsigned bits = 0;
  while (bits < 24 && (std::size_t{2} << bits) <= n / 2) ++bits;
  if (bits == 0) return;
  shift_ = 64 - bits;
  const std::size_t buckets = std::size_t{1} << bits;
  directory_.resize(buckets + 1);
  std::size_t i = 0;
  for (std::size_t b = 0; b <= buckets; ++b) {
    while (i < n && (shingles_[i] >> shift_) < b) ++i;
    directory_[b] = static_cast<std::uint32_t>(i);
  }
}

std::size_t SimilarityModel::Find(std::uint64_t shingle) const {
  auto first = shingles_.begin();
  auto last = shingles_.end();
  if (!directory_.empty()) {
    const std::size_t b = static_cast<std::size_t>(shingle >> shift_);
    first = shingles_.begin() + directory_[b];
    last = shingles_.begin() + directory_[b + 1];
  }
  const auto found = std::lower_bound(first, last, shingle);
  if (found == last || *found != shingle) return shingles_.size();
  return static_cast<std::size_t>(found - shingles_.begin());
}

bool SimilarityModel::WellFormed(std::size_t families) const {
  if (idf_.size() != shingles_.size() ||
      posting_begin_.size() != shingles_.size() + 1 ||
      posting_begin_.front() != 0 ||
      posting_begin_.back() != postings_.size() ||
      !std::is_sorted(posting_begin_.begin(), posting_begin_.end()) ||
      std::adjacent_find(shingles_.begin(), shingles_.end(),
                         std::greater_equal<>()) != shingles_.end()) {
    return false;
  }
  return std::all_of(
             notes_.begin(), notes_.end(),
             [&](const Note& note) { return note.family < families; }) &&
         std::all_of(postings_.begin(), postings_.end(),
                     [&](std::uint32_t note) { return note < notes_.size(); });
}

std::vector<SimilarityModel::Match> SimilarityModel::Score(
    std::string_view folded, double min_cosine, std::size_t limit) const {
  std::vector<Match> out;
  if (notes_.empty()) return out;
  const std::vector<std::uint64_t> shingles = NoteShingles(folded);
  if (shingles.empty()) return out;
  std::vector<double> dot(notes_.size(), 0.0);
  std::vector<std::uint32_t> shared(notes_.size(), 0);
  // The lookups in passes, each starting the next one's memory reads for
  // every shingle before any is needed: the reads overlap instead of
  // waiting one after another when the tables are not in the cache (a
  // server between requests).
  if (!directory_.empty()) {
    for (const std::uint64_t s : shingles) {
      __builtin_prefetch(&directory_[static_cast<std::size_t>(s >> shift_)]);
    }
    for (const std::uint64_t s : shingles) {
      // data() + i: i may be the end (an empty last bucket).
      __builtin_prefetch(shingles_.data() +
                         directory_[static_cast<std::size_t>(s >> shift_)]);
    }
  }
  std::vector<std::size_t> found(shingles.size());
  for (std::size_t k = 0; k < shingles.size(); ++k) {
    found[k] = Find(shingles[k]);
    if (found[k] != shingles_.size()) {
      __builtin_prefetch(&idf_[found[k]]);
      __builtin_prefetch(&posting_begin_[found[k]]);
    }
  }
  for (const std::size_t index : found) {
    if (index != shingles_.size()) {
      __builtin_prefetch(postings_.data() + posting_begin_[index]);
    }
  }
  double query_sum = 0.0;
  for (const std::size_t index : found) {
    if (index == shingles_.size()) {
      query_sum += unseen_idf_ * unseen_idf_;
      continue;
    }
    const double w = idf_[index];
    query_sum += w * w;
    for (std::uint32_t p = posting_begin_[index]; p < posting_begin_[index + 1];
         ++p) {
      dot[postings_[p]] += w * w;
      ++shared[postings_[p]];
    }
  }
  const double query_norm = std::sqrt(query_sum);
  if (query_norm == 0.0) return out;
  std::unordered_map<std::uint32_t, Match> best;
  for (std::size_t i = 0; i < notes_.size(); ++i) {
    if (dot[i] == 0.0 || notes_[i].norm == 0.0) continue;
    const double cosine = dot[i] / (query_norm * notes_[i].norm);
    if (cosine < min_cosine) continue;
    Match& m = best[notes_[i].family];
    if (cosine > m.cosine) {
      m = {notes_[i].family, cosine, shared[i]};
    }
  }
  for (const auto& [family, match] : best) out.push_back(match);
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    return a.cosine != b.cosine ? a.cosine > b.cosine : a.family < b.family;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace kintsugi::identify
