#pragma once

// The note-similarity model: recognises a reworded note of a known family
// (other contacts, other ID, some sentences changed) by the stable parts of
// its reference notes (issue #3: "Learn the stable parts, not whole files").
//
// A note becomes a set of word shingles (text/shingles.h: 2 and 3
// consecutive words, with what changes between victims replaced by a
// placeholder), the shingles the KB importer finds rebrands with. Each
// shingle is weighted by how specific it is to a family (inverse family
// frequency, TF-IDF over families), and a note's similarity to a family is
// the best cosine with one of its reference notes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kintsugi::identify {

class SimilarityModel {
 public:
  // Adds a reference note of `family` (an index chosen by the caller).
  void AddReference(std::uint32_t family, std::string_view folded);
  // Computes weights, then Index; call once after the last AddReference.
  void Finish();
  // Builds the directory of the shingles, which Finish does; a model read
  // back from the precompiled KB (whose fields VisitFields lists) calls it
  // once read and checked (WellFormed).
  void Index();

  struct Match {
    std::uint32_t family = 0;
    double cosine = 0.0;  // 0..1.
    // The most specific shared shingles' count, for the evidence detail.
    std::size_t shared = 0;
  };
  // Families whose best reference note has cosine >= `min_cosine`, best
  // first, at most `limit`.
  std::vector<Match> Score(std::string_view folded, double min_cosine,
                           std::size_t limit) const;

  std::size_t reference_count() const { return notes_.size(); }

  // True when every index inside points inside (a model read back from
  // the precompiled KB is checked before use): notes name families below
  // `families`, postings name notes, the tables agree in length.
  bool WellFormed(std::size_t families) const;

  struct Note {
    std::uint32_t family = 0;
    double norm = 0.0;
  };

  // Calls `f` with every member, for the precompiled KB (precompiled_kb.cpp,
  // docs/kb-format.md §9): a member added below and not here fails to
  // compile.
  template <typename Self, typename F>
  static void VisitFields(Self& self, F&& f) {
    // `directory` and `shift` are derived (Index), not stored.
    auto& [notes, pending, shingles, idf, posting_begin, postings, unseen_idf,
           family_count, directory, shift] = self;
    (void)directory;
    (void)shift;
    f(notes, pending, shingles, idf, posting_begin, postings, unseen_idf,
      family_count);
  }

 private:
  // The index of `shingle` in shingles_, or shingles_.size().
  std::size_t Find(std::uint64_t shingle) const;

  std::vector<Note> notes_;
  std::vector<std::vector<std::uint64_t>> pending_;  // Until Finish.
  // From Finish on: each distinct shingle of the reference notes, in
  // ascending order, with its weight (inverse family frequency) and the
  // notes that contain it, postings_[posting_begin_[i] ..
  // posting_begin_[i + 1]). Flat arrays rather than hash tables: a lookup
  // is a binary search, and the precompiled KB loads them as a few copies
  // of bytes (issue #15 "Cold start").
  std::vector<std::uint64_t> shingles_;
  std::vector<double> idf_;
  std::vector<std::uint32_t> posting_begin_;
  std::vector<std::uint32_t> postings_;
  double unseen_idf_ = 0.0;
  std::size_t family_count_ = 0;
  // Derived from `shingles_` (Index), not stored: directory_[b] is the
  // first shingle whose top bits (shingle >> shift_) are b or more, a few
  // shingles a bucket. A lookup reads one directory entry and one or two
  // cache lines of shingles, where a binary search over the whole table
  // reads a dozen, cold on a server between requests (issue 14's identify
  // load). Empty: not built, Find searches the whole table.
  std::vector<std::uint32_t> directory_;
  unsigned shift_ = 0;
};

}  // namespace kintsugi::identify
