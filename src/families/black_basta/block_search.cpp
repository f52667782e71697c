#include "families/black_basta/block_search.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kBlock = kBlackBastaBlockBytes;
// Windows closer than this are read together, in chunks of kScanChunk
// (the medium class: one every 192 bytes); farther ones one by one (the
// large class: 320 bytes every 6,400).
constexpr std::uint64_t kDenseStride = kBlackBastaMediumStride;
constexpr std::size_t kScanChunk = 1 << 20;

// Counts the candidate blocks seen, within kBlackBastaMaxCandidates
// distinct values: when full, the values seen once make room.
class CandidateCount {
 public:
  // The count of `block` after this sighting.
  std::size_t Add(const BlackBastaBlock& block) {
    for (auto& [value, count] : seen_) {
      if (value == block) return ++count;
    }
    if (seen_.size() == kBlackBastaMaxCandidates) {
      std::erase_if(seen_, [](const auto& entry) { return entry.second == 1; });
      if (seen_.size() == kBlackBastaMaxCandidates) return 1;
    }
    seen_.emplace_back(block, 1);
    return 1;
  }

 private:
  std::vector<std::pair<BlackBastaBlock, std::size_t>> seen_;
};

}  // namespace

Result<ZeroRegionScan> ScanZeroRegions(ReadableFile& file,
                                       const BlackBastaLayout& layout,
                                       std::uint64_t max_read,
                                       const StopToken& stop) {
  ZeroRegionScan scan;
  CandidateCount candidates;
  Bytes buffer;
  auto window = layout.WindowBlockFrom(0);
  while (window) {
    KINTSUGI_RETURN_IF_ERROR(stop.status());
    if (scan.read >= max_read) {
      scan.capped = true;
      break;
    }
    const std::uint64_t start = *window - kBlackBastaWindowBefore;
    std::uint64_t length = kBlackBastaWindowBytes;
    if (layout.stride() <= kDenseStride) {
      length = std::max<std::uint64_t>(
          length, std::min<std::uint64_t>({kScanChunk, layout.size() - start,
                                           max_read - scan.read}));
    }
    buffer.resize(static_cast<std::size_t>(length));
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got,
                              ReadFullyAt(file, start, buffer));
    scan.read += got;
    const ByteView chunk(buffer.data(), got);
    const std::uint64_t end = start + got;
    std::optional<std::uint64_t> next = window;
    for (; next && *next + kBlock + 2 * kBlock <= end;
         next = layout.WindowBlockFrom(*next + 1)) {
      const ByteView at =
          chunk.First(static_cast<std::size_t>(*next + 3 * kBlock - start))
              .Last(kBlackBastaWindowBytes);
      const auto candidate = ZeroRegionCandidate(at);
      if (!candidate) continue;
      const std::size_t count = candidates.Add(*candidate);
      if (count >= kBlackBastaMinAgreeingBlocks) {
        scan.block = *candidate;
        scan.agreeing = count;
        return scan;
      }
    }
    if (next == window) break;  // The file ended early (it shrank).
    window = next;
  }
  return scan;
}

Result<BlackBastaJoins> CheckJoins(ReadableFile& file,
                                   const BlackBastaLayout& layout,
                                   const BlackBastaBlock& key,
                                   std::size_t windows) {
  BlackBastaJoins joins;
  const auto first = layout.WindowBlockFrom(0);
  if (!first || windows == 0) return joins;
  const std::uint64_t span = std::min(layout.size(), layout.counter()) - *first;
  const std::uint64_t step = std::max<std::uint64_t>(1, span / windows);
  Bytes buffer(kBlackBastaWindowBytes);
  std::optional<std::uint64_t> last;
  for (std::size_t i = 0; i < windows; ++i) {
    const auto at = layout.WindowBlockFrom(*first + i * step);
    if (!at) break;
    if (at == last) continue;
    last = at;
    KINTSUGI_ASSIGN_OR_RETURN(
        std::size_t got,
        ReadFullyAt(file, *at - kBlackBastaWindowBefore, buffer));
    if (got < buffer.size()) break;
    switch (JudgeWindow(buffer, key)) {
      case BlackBastaJoin::kUnjudged:
        break;
      case BlackBastaJoin::kJoins:
        ++joins.judged;
        ++joins.joins;
        break;
      case BlackBastaJoin::kBreaks:
        ++joins.judged;
        break;
    }
  }
  return joins;
}

Result<PairBlock> BlockFromPair(ReadableFile& encrypted, ReadableFile& original,
                                std::uint64_t original_size,
                                const BlackBastaLayout& layout,
                                std::size_t max_blocks) {
  PairBlock pair;
  std::map<BlackBastaBlock, std::size_t> counts;
  BlackBastaBlock c{};
  BlackBastaBlock p{};
  for (auto at = layout.KBlockFrom(0);
       at && *at + kBlock <= original_size && pair.compared < max_blocks;
       at = layout.KBlockFrom(*at + kBlock)) {
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_c,
                              ReadFullyAt(encrypted, *at, c));
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_p, ReadFullyAt(original, *at, p));
    if (got_c < kBlock || got_p < kBlock) break;
    BlackBastaBlock k{};
    for (std::size_t i = 0; i < kBlock; ++i) {
      k[i] = static_cast<std::uint8_t>(c[i] ^ p[i]);
    }
    ++pair.compared;
    const std::size_t count = ++counts[k];
    if (count > pair.agreeing) {
      pair.agreeing = count;
      pair.block = k;
    }
  }
  return pair;
}

}  // namespace kintsugi::families
