#include "identify/similarity.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "text/shingles.h"

namespace kintsugi::identify {

using text::NoteShingles;

void SimilarityModel::AddReference(std::uint32_t family,
                                   std::string_view folded) {
  std::vector<std::uint64_t> shingles = NoteShingles(folded);
  if (shingles.empty()) return;
  const auto index = static_cast<std::uint32_t>(notes_.size());
  notes_.push_back({family, 0.0});
  for (const std::uint64_t s : shingles) postings_[s].push_back(index);
  pending_.push_back(std::move(shingles));
}

void SimilarityModel::Finish() {
  std::unordered_set<std::uint32_t> families;
  for (const Note& note : notes_) families.insert(note.family);
  family_count_ = families.size();
  const auto n = static_cast<double>(std::max<std::size_t>(family_count_, 1));
  unseen_idf_ = std::log(1.0 + n);
  for (const auto& [shingle, notes] : postings_) {
    std::unordered_set<std::uint32_t> in_families;
    for (const std::uint32_t note : notes) {
      in_families.insert(notes_[note].family);
    }
    idf_[shingle] = std::log(1.0 + n / static_cast<double>(in_families.size()));
  }
  for (std::size_t i = 0; i < notes_.size(); ++i) {
    double sum = 0.0;
    for (const std::uint64_t s : pending_[i]) {
      const double w = idf_[s];
      sum += w * w;
    }
    notes_[i].norm = std::sqrt(sum);
  }
  pending_.clear();
  pending_.shrink_to_fit();
}

std::vector<SimilarityModel::Match> SimilarityModel::Score(
    std::string_view folded, double min_cosine, std::size_t limit) const {
  std::vector<Match> out;
  if (notes_.empty()) return out;
  const std::vector<std::uint64_t> shingles = NoteShingles(folded);
  if (shingles.empty()) return out;
  std::vector<double> dot(notes_.size(), 0.0);
  std::vector<std::uint32_t> shared(notes_.size(), 0);
  double query_sum = 0.0;
  for (const std::uint64_t s : shingles) {
    const auto idf = idf_.find(s);
    if (idf == idf_.end()) {
      query_sum += unseen_idf_ * unseen_idf_;
      continue;
    }
    const double w = idf->second;
    query_sum += w * w;
    for (const std::uint32_t note : postings_.at(s)) {
      dot[note] += w * w;
      ++shared[note];
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
