#pragma once

// Recording and describing the bytes a partial recovery could not recover
// (kintsugi/recover.h LostBytes, StreamDecryption::Lost()).

#include <cstddef>
#include <cstdint>
#include <string>

#include "kintsugi/recover.h"

namespace kintsugi::recover {

// Collects lost ranges as a stream meets them, in increasing offset order:
// a range that touches the last one is merged into it; after
// limits::kMaxLostRanges ranges the rest are only counted. An empty range
// is ignored; a range that starts before the last one ended is counted
// from where the last one ended (never twice).
class LostBytesRecorder {
 public:
  void Add(std::uint64_t offset, std::uint64_t length);
  // The original's tail from `offset` on, `length` bytes, that the output
  // does not hold (LostBytes::missing): the last range recorded.
  void AddMissing(std::uint64_t offset, std::uint64_t length);
  const LostBytes& lost() const { return lost_; }

 private:
  LostBytes lost_;
  std::uint64_t end_ = 0;  // Where the last recorded range ends.
  bool any_ = false;
};

// The first `shown` lost ranges as numbers, "0-4999, 10000-10063" (both
// ends included): a message argument; the message says how many more
// there are (range_count - shown). Empty for nothing lost.
inline constexpr std::size_t kLostRangesShown = 8;
std::string DescribeLostRanges(const LostBytes& lost,
                               std::size_t shown = kLostRangesShown);

}  // namespace kintsugi::recover
