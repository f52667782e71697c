#include "identify/similarity.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace kintsugi::identify {
namespace {

// FNV-1a, 64-bit.
std::uint64_t Hash(std::string_view text,
                   std::uint64_t h = 14695981039346656037ull) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
}

// Tokens of a folded note, with what varies between victims replaced by a
// placeholder.
std::vector<std::string_view> Tokens(std::string_view folded) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < folded.size()) {
    // Whitespace-separated chunk.
    while (i < folded.size() && folded[i] == ' ') ++i;
    std::size_t end = i;
    while (end < folded.size() && folded[end] != ' ') ++end;
    const std::string_view chunk = folded.substr(i, end - i);
    i = end;
    if (chunk.empty()) continue;
    if (chunk.find('@') != std::string_view::npos ||
        chunk.find("://") != std::string_view::npos ||
        chunk.find(".onion") != std::string_view::npos ||
        chunk.find("www.") != std::string_view::npos) {
      out.push_back("<contact>");
      continue;
    }
    std::size_t k = 0;
    while (k < chunk.size()) {
      if (!IsWordByte(chunk[k])) {
        ++k;
        continue;
      }
      std::size_t word_end = k;
      bool digit = false;
      bool alpha = false;
      while (word_end < chunk.size() && IsWordByte(chunk[word_end])) {
        if (chunk[word_end] >= '0' && chunk[word_end] <= '9') {
          digit = true;
        } else {
          alpha = true;
        }
        ++word_end;
      }
      const std::string_view word = chunk.substr(k, word_end - k);
      k = word_end;
      if (digit && !alpha) {
        out.push_back("<n>");
      } else if (digit || word.size() > 24) {
        out.push_back("<id>");
      } else {
        out.push_back(word);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::uint64_t> NoteShingles(std::string_view folded) {
  const std::vector<std::string_view> tokens = Tokens(folded);
  std::vector<std::uint64_t> out;
  out.reserve(tokens.size() * 2);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    std::uint64_t h = Hash(tokens[i]);
    h = Hash(" ", h);
    h = Hash(tokens[i + 1], h);
    out.push_back(h);
    if (i + 2 < tokens.size()) {
      std::uint64_t h3 = Hash(" ", h);
      h3 = Hash(tokens[i + 2], h3);
      out.push_back(h3 ^ 0x9E3779B97F4A7C15ull);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

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
