#include "families/black_basta/layout.h"

#include <algorithm>

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kBlock = kBlackBastaBlockBytes;

bool IsText(std::uint8_t byte) {
  return byte == '\t' || byte == '\n' || byte == '\r' ||
         (byte >= 0x20 && byte < 0x7F);
}

// The next block of the pattern `first + k * stride` that ends after
// `offset`, from block `min_k` on.
std::uint64_t NextOnStride(std::uint64_t first, std::uint64_t stride,
                           std::uint64_t offset, std::uint64_t min_k) {
  std::uint64_t k = offset <= first ? 0 : (offset - first) / stride;
  k = std::max(k, min_k);
  std::uint64_t at = first + k * stride;
  if (offset >= at + kBlock) at += stride;
  return at;
}

}  // namespace

std::optional<BlackBastaFooter> ParseBlackBastaFooter(ByteView file_tail,
                                                      std::uint64_t file_size) {
  if (file_size < kBlackBastaFooterBytes ||
      file_tail.size() < kBlackBastaVersionFromEnd) {
    return std::nullopt;
  }
  const ByteView end = file_tail.Last(kBlackBastaVersionFromEnd);
  // The last 12 bytes: 11 printable characters and a NUL.
  const auto magic = end.Last(kBlackBastaMagicChars + 1).span();
  if (magic[kBlackBastaMagicChars] != 0) return std::nullopt;
  BlackBastaFooter footer;
  for (std::size_t i = 0; i < kBlackBastaMagicChars; ++i) {
    const std::uint8_t c = magic[i];
    if (c < 0x20 || c >= 0x7F) return std::nullopt;
    footer.magic.push_back(static_cast<char>(c));
  }
  footer.version = end.span()[0];
  auto counter = end.U64Le(1);
  if (!counter) return std::nullopt;
  footer.counter = *counter;
  return footer;
}

BlackBastaLayout::BlackBastaLayout(std::uint64_t size, std::uint64_t counter,
                                   std::uint64_t large_from)
    : size_(size), counter_(counter) {
  if (size < kBlackBastaHeadBytes) {
    class_ = BlackBastaSizeClass::kSmall;
  } else if (size <= large_from) {
    class_ = BlackBastaSizeClass::kMedium;
  } else {
    class_ = BlackBastaSizeClass::kLarge;
  }
}

std::uint64_t BlackBastaLayout::stride() const {
  switch (class_) {
    case BlackBastaSizeClass::kSmall:
      return 0;
    case BlackBastaSizeClass::kMedium:
      return kBlackBastaMediumStride;
    case BlackBastaSizeClass::kLarge:
      return kBlackBastaLargeStride;
  }
  return 0;
}

std::optional<std::uint64_t> BlackBastaLayout::KBlockFrom(
    std::uint64_t offset) const {
  std::uint64_t at = 0;
  switch (class_) {
    case BlackBastaSizeClass::kSmall:
      // Only the first block of [0, n - n mod 64) uses K.
      if (offset >= kBlock) return std::nullopt;
      break;
    case BlackBastaSizeClass::kMedium:
      at = NextOnStride(0, kBlackBastaMediumStride, offset, 0);
      break;
    case BlackBastaSizeClass::kLarge:
      at = offset < kBlock ? 0
                           : NextOnStride(kBlackBastaHeadBytes,
                                          kBlackBastaLargeStride, offset, 0);
      break;
  }
  if (at + kBlock > size_ || at >= counter_) return std::nullopt;
  return at;
}

std::uint64_t BlackBastaLayout::KBlockCount() const {
  if (!AnyKBlock()) return 0;
  switch (class_) {
    case BlackBastaSizeClass::kSmall:
      return 1;
    case BlackBastaSizeClass::kMedium:
      // Blocks 192k with 192k + 64 <= n and 192k < counter.
      return std::min((size_ - kBlock) / kBlackBastaMediumStride,
                      (counter_ - 1) / kBlackBastaMediumStride) +
             1;
    case BlackBastaSizeClass::kLarge: {
      // The first block, then 5,000 + 6,400k likewise.
      const std::uint64_t first = kBlackBastaHeadBytes;
      if (size_ < first + kBlock || counter_ <= first) return 1;
      return 1 +
             std::min((size_ - first - kBlock) / kBlackBastaLargeStride,
                      (counter_ - first - 1) / kBlackBastaLargeStride) +
             1;
    }
  }
  return 0;
}

std::optional<std::size_t> BlackBastaLayout::KIndex(
    std::uint64_t offset) const {
  const auto block = KBlockFrom(offset);
  if (!block || *block > offset) return std::nullopt;
  return static_cast<std::size_t>(offset - *block);
}

std::vector<ByteRange> BlackBastaLayout::Lost() const {
  std::uint64_t end = 0;
  switch (class_) {
    case BlackBastaSizeClass::kSmall: {
      // The blocks after the first of [0, n - n mod 64) that the run
      // reached (a block was processed when it starts below the counter).
      const std::uint64_t region = size_ - size_ % kBlock;
      const std::uint64_t reached = (counter_ + kBlock - 1) / kBlock * kBlock;
      end = std::min(region, reached);
      break;
    }
    case BlackBastaSizeClass::kMedium:
      return {};
    case BlackBastaSizeClass::kLarge:
      end = std::min(kBlackBastaHeadBytes, counter_);
      break;
  }
  if (end <= kBlock) return {};
  return {ByteRange{kBlock, end - kBlock}};
}

std::uint64_t BlackBastaLayout::LostTotal() const {
  std::uint64_t total = 0;
  for (const ByteRange& range : Lost()) total += range.length;
  return total;
}

std::optional<std::uint64_t> BlackBastaLayout::WindowBlockFrom(
    std::uint64_t offset) const {
  std::uint64_t at = 0;
  switch (class_) {
    case BlackBastaSizeClass::kSmall:
      return std::nullopt;
    case BlackBastaSizeClass::kMedium:
      // From the second block: the first has no neighbours before it.
      at = NextOnStride(0, kBlackBastaMediumStride, offset, 1);
      break;
    case BlackBastaSizeClass::kLarge:
      // From the second spaced block: the first borders the lost head.
      at =
          NextOnStride(kBlackBastaHeadBytes, kBlackBastaLargeStride, offset, 1);
      break;
  }
  if (at < offset) at += stride();  // `offset` inside the block: the next.
  if (at + kBlock + 2 * kBlock > size_ || at >= counter_) return std::nullopt;
  return at;
}

std::optional<BlackBastaBlock> ZeroRegionCandidate(ByteView window) {
  if (window.size() != kBlackBastaWindowBytes) return std::nullopt;
  const auto zero = [](ByteView bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](std::uint8_t b) { return b == 0; });
  };
  const ByteView block =
      window.First(kBlackBastaWindowBefore + kBlock).Last(kBlock);
  if (!zero(window.First(kBlackBastaWindowBefore)) ||
      !zero(window.Last(kBlackBastaWindowBefore)) || zero(block)) {
    return std::nullopt;
  }
  BlackBastaBlock k{};
  std::copy(block.begin(), block.end(), k.begin());
  return k;
}

BlackBastaJoin JudgeWindow(ByteView window, const BlackBastaBlock& key) {
  if (window.size() != kBlackBastaWindowBytes) {
    return BlackBastaJoin::kUnjudged;
  }
  const ByteView before = window.First(kBlackBastaWindowBefore);
  const ByteView after = window.Last(kBlackBastaWindowBefore);
  const auto block =
      window.First(kBlackBastaWindowBefore + kBlock).Last(kBlock).span();
  const auto all = [&](auto&& test) {
    return std::all_of(before.begin(), before.end(), test) &&
           std::all_of(after.begin(), after.end(), test);
  };
  std::size_t zeros = 0;
  std::size_t text = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    const auto plain = static_cast<std::uint8_t>(block[i] ^ key[i]);
    if (plain == 0) ++zeros;
    if (IsText(plain)) ++text;
  }
  if (all([](std::uint8_t b) { return b == 0; })) {
    return zeros == kBlock ? BlackBastaJoin::kJoins : BlackBastaJoin::kBreaks;
  }
  if (all(IsText)) {
    // Text but for a few bytes (a wrong K leaves about 37% text).
    return text + 8 >= kBlock ? BlackBastaJoin::kJoins
                              : BlackBastaJoin::kBreaks;
  }
  return BlackBastaJoin::kUnjudged;
}

void BlackBastaKnownBlock::Add(std::uint64_t offset, ByteView plain,
                               ByteView cipher) {
  const std::size_t n = std::min(plain.size(), cipher.size());
  for (std::size_t i = 0; i < n;) {
    const std::uint64_t at = offset + i;
    const auto block = layout_.KBlockFrom(at);
    if (!block) return;
    if (*block > at) {
      // Skip to the block (or past the known bytes).
      if (*block - offset >= n) return;
      i = static_cast<std::size_t>(*block - offset);
      continue;
    }
    const auto index = static_cast<std::size_t>(at - *block);
    const auto value =
        static_cast<std::uint8_t>(plain.span()[i] ^ cipher.span()[i]);
    if (set_[index]) {
      if (block_[index] != value && !conflict_) conflict_ = at;
    } else {
      set_[index] = true;
      block_[index] = value;
      ++fixed_;
    }
    ++i;
  }
}

void BlackBastaXor(const BlackBastaLayout& layout, const BlackBastaBlock& key,
                   std::uint64_t offset, std::span<std::uint8_t> data) {
  const std::uint64_t end = offset + data.size();
  for (auto block = layout.KBlockFrom(offset); block && *block < end;
       block = layout.KBlockFrom(*block + kBlock)) {
    const std::uint64_t from = std::max(*block, offset);
    const std::uint64_t to = std::min(*block + kBlock, end);
    for (std::uint64_t at = from; at < to; ++at) {
      data[static_cast<std::size_t>(at - offset)] ^=
          key[static_cast<std::size_t>(at - *block)];
    }
  }
}

}  // namespace kintsugi::families
