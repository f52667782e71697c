#include "recover/lost_bytes.h"

#include <algorithm>

#include "kintsugi/limits.h"

namespace kintsugi::recover {

void LostBytesRecorder::Add(std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return;
  std::uint64_t end = offset + length;
  if (end < offset) end = UINT64_MAX;  // Saturate: never wrap.
  if (any_ && offset < end_) offset = end_;
  if (end <= offset) return;
  lost_.total += end - offset;
  if (any_ && offset == end_) {
    // Touches the last range: the same range, longer (listed or not).
    if (lost_.ranges.size() == lost_.range_count) {
      lost_.ranges.back().length += end - offset;
    }
  } else {
    ++lost_.range_count;
    if (lost_.ranges.size() < limits::kMaxLostRanges) {
      lost_.ranges.push_back(ByteRange{offset, end - offset});
    }
  }
  end_ = end;
  any_ = true;
}

void LostBytesRecorder::AddMissing(std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t before = lost_.total;
  Add(offset, length);
  lost_.missing += lost_.total - before;
}

std::string DescribeLostRanges(const LostBytes& lost, std::size_t shown) {
  std::string text;
  shown = std::min(lost.ranges.size(), shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const ByteRange& range = lost.ranges[i];
    if (!text.empty()) text += ", ";
    text += std::to_string(range.offset);
    if (range.length > 1) {
      text += "-" + std::to_string(range.offset + range.length - 1);
    }
  }
  return text;
}

}  // namespace kintsugi::recover
