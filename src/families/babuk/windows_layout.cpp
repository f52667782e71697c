#include "families/babuk/windows_layout.h"

#include <algorithm>

namespace kintsugi::families {

BabukWindowsRule BabukWindowsRuleFor(std::uint64_t original_size) {
  if (original_size == 0) return BabukWindowsRule::kEmpty;
  if (original_size <= kBabukWindowsWholeLimit) return BabukWindowsRule::kWhole;
  if (original_size <= kBabukWindowsSmallLimit) {
    return BabukWindowsRule::kFirstTenth;
  }
  if (original_size <= kBabukWindowsMediumLimit) {
    return BabukWindowsRule::kThreeBlocks;
  }
  return BabukWindowsRule::kEveryTenMiB;
}

std::optional<BabukSpan> BabukWindowsSpanFrom(std::uint64_t original_size,
                                              std::uint64_t offset) {
  const std::uint64_t n = original_size;
  switch (BabukWindowsRuleFor(n)) {
    case BabukWindowsRule::kEmpty:
      return std::nullopt;
    case BabukWindowsRule::kWhole:
      if (offset >= n) return std::nullopt;
      return BabukSpan{0, n, 0};
    case BabukWindowsRule::kFirstTenth:
      if (offset >= n / 10) return std::nullopt;
      return BabukSpan{0, n / 10, 0};
    case BabukWindowsRule::kThreeBlocks: {
      // Blocks at 0, t and 2t with t = floor(n / 3) > 5 MiB / 3: they
      // neither overlap nor reach past n.
      const std::uint64_t third = n / 3;
      for (std::uint64_t i = 0; i < kBabukWindowsMediumBlocks; ++i) {
        const std::uint64_t begin = i * third;
        if (offset < begin + kBabukWindowsBlockBytes) {
          return BabukSpan{begin, begin + kBabukWindowsBlockBytes,
                           i * kBabukWindowsBlockBytes};
        }
      }
      return std::nullopt;
    }
    case BabukWindowsRule::kEveryTenMiB: {
      // k = floor(n / 10 MiB) blocks; block i at i * 10 MiB, its keystream
      // after block i - 1's.
      const std::uint64_t blocks = n / kBabukWindowsBlockPeriod;
      std::uint64_t i = offset / kBabukWindowsBlockPeriod;
      if (offset - i * kBabukWindowsBlockPeriod >= kBabukWindowsBlockBytes) {
        ++i;
      }
      if (i >= blocks) return std::nullopt;
      const std::uint64_t begin = i * kBabukWindowsBlockPeriod;
      return BabukSpan{begin, begin + kBabukWindowsBlockBytes,
                       i * kBabukWindowsBlockBytes};
    }
  }
  return std::nullopt;
}

std::uint64_t BabukWindowsEncryptedBytes(
    std::span<const std::uint64_t> original_sizes, std::uint64_t limit) {
  // A sweep over the union of every layer's spans, without holding them.
  std::uint64_t total = 0;
  std::uint64_t at = 0;
  while (at < limit) {
    std::optional<std::uint64_t> begin;
    for (const std::uint64_t n : original_sizes) {
      if (auto span = BabukWindowsSpanFrom(n, at)) {
        const std::uint64_t b = std::max(span->begin, at);
        begin = begin ? std::min(*begin, b) : b;
      }
    }
    if (!begin || *begin >= limit) break;
    // Grow the run while some layer's span starts inside or right after it.
    std::uint64_t end = *begin;
    for (bool grew = true; grew && end < limit;) {
      grew = false;
      for (const std::uint64_t n : original_sizes) {
        auto span = BabukWindowsSpanFrom(n, end);
        if (span && span->begin <= end) {
          end = span->end;
          grew = true;
        }
      }
    }
    end = std::min(end, limit);
    total += end - *begin;
    at = end;
  }
  return total;
}

bool EndsWithBabukWindowsMarker(ByteView file_end) {
  return file_end.EndsWith(ByteView::FromString(kBabukWindowsMarker));
}

std::optional<BabukWindowsFooter> ParseBabukWindowsFooter(ByteView file_end) {
  if (!EndsWithBabukWindowsMarker(file_end)) return std::nullopt;
  auto footer = file_end.Tail(kBabukWindowsFooterBytes);
  if (!footer) return std::nullopt;
  BabukWindowsFooter parsed;
  parsed.public_key = footer->First(kBabukPublicKeyBytes);
  parsed.crc = *footer->U32Le(kBabukWindowsCrcOffset);
  return parsed;
}

}  // namespace kintsugi::families
