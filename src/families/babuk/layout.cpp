#include "families/babuk/layout.h"

#include <algorithm>

namespace kintsugi::families {

std::size_t BabukFooterBytes(BabukBuild build) {
  return build == BabukBuild::kNas ? kBabukNasFooterBytes
                                   : kBabukEsxiFooterBytes;
}

BabukFooterParse ParseBabukFooter(BabukBuild build, ByteView file_tail) {
  BabukFooterParse parse;
  auto footer = file_tail.Tail(BabukFooterBytes(build));
  if (build == BabukBuild::kNas &&
      !file_tail.EndsWith(ByteView::FromString(kBabukNasMarker))) {
    parse.error =
        footer ? BabukFooterError::kNoMarker : BabukFooterError::kTooShort;
    return parse;
  }
  if (!footer) {
    parse.error = BabukFooterError::kTooShort;
    return parse;
  }
  parse.public_key = footer->First(kBabukPublicKeyBytes);
  return parse;
}

std::optional<BabukSpan> BabukSpanFrom(BabukBuild build,
                                       std::uint64_t original_size,
                                       std::uint64_t offset) {
  if (build == BabukBuild::kEsxi) {
    const std::uint64_t end = std::min(original_size, kBabukEsxiMaxBytes);
    if (offset >= end) return std::nullopt;
    return BabukSpan{0, end, 0};
  }
  if (original_size <= kBabukNasSmallLimit) {
    const std::uint64_t end = std::min(original_size, kBabukNasSmallBytes);
    if (offset >= end) return std::nullopt;
    return BabukSpan{0, end, 0};
  }
  // blocks = floor(n / 10 MiB); block i is 1 MiB at i * 10 MiB, and its
  // keystream follows block i - 1's.
  const std::uint64_t blocks = original_size / kBabukNasBlockPeriod;
  std::uint64_t i = offset / kBabukNasBlockPeriod;
  if (offset - i * kBabukNasBlockPeriod >= kBabukNasBlockBytes) ++i;
  if (i >= blocks) return std::nullopt;
  const std::uint64_t begin = i * kBabukNasBlockPeriod;
  return BabukSpan{begin, begin + kBabukNasBlockBytes, i * kBabukNasBlockBytes};
}

}  // namespace kintsugi::families
