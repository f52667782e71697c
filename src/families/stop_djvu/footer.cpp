#include "families/stop_djvu/footer.h"

#include <algorithm>

namespace kintsugi::families {

StopFooterParse ParseStopFooter(ByteView file_tail) {
  StopFooterParse parse;
  const ByteView marker = ByteView::FromString(kStopMarker);
  if (!file_tail.EndsWith(marker)) {
    parse.error = file_tail.size() < kStopFooterBytes
                      ? StopFooterError::kTooShort
                      : StopFooterError::kNoMarker;
    return parse;
  }
  auto footer = file_tail.Tail(kStopFooterBytes);
  if (!footer) {
    parse.error = StopFooterError::kTooShort;
    return parse;
  }
  const std::string_view id =
      footer->Sub(kStopRsaBlockBytes, kStopIdBytes)->AsChars();
  if (!std::all_of(id.begin(), id.end(),
                   [](char c) { return c > ' ' && c < 0x7f; })) {
    parse.error = StopFooterError::kIdDamaged;
    return parse;
  }
  parse.footer.rsa_block = footer->First(kStopRsaBlockBytes);
  parse.footer.personal_id = std::string(id);
  return parse;
}

StopRegion StopRegionFor(std::uint64_t encrypted_size) {
  StopRegion region;
  region.original_size =
      encrypted_size > kStopFooterBytes ? encrypted_size - kStopFooterBytes : 0;
  region.begin = kStopPlainHeadBytes;
  region.end = region.begin;
  if (region.original_size > kStopPlainHeadBytes) {
    region.end += std::min(region.original_size - kStopPlainHeadBytes,
                           kStopEncryptedBytes);
  }
  return region;
}

std::span<const StopOfflineId> StopKnownOfflineIds() {
  // recovery-schemes.md §3.7 "Recognition", from the identification script
  // listing offline IDs per extension that §3.7's sources name (a
  // code-index hit). `.stone` (…VCt2) and `.roland` (…gmv9) are quoted
  // only in part there, so they are not listed.
  static constexpr StopOfflineId kIds[] = {
      {"cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1",
       ".promoz, .promock, .promorad",
       "recovery-schemes.md §3.7 (identification script listing offline IDs)"},
      {"6se9RaIxXF9m70zWmx7nL3bVRp691w4SNY8UCir0", ".djvu, early builds",
       "recovery-schemes.md §3.7 (identification script listing offline IDs)"},
  };
  return kIds;
}

StopIdKind ClassifyStopId(std::string_view id, const StopOfflineId** known) {
  for (const StopOfflineId& entry : StopKnownOfflineIds()) {
    if (entry.id == id) {
      if (known != nullptr) *known = &entry;
      return StopIdKind::kKnownOffline;
    }
  }
  return id.ends_with("t1") ? StopIdKind::kOfflineLike : StopIdKind::kOnline;
}

}  // namespace kintsugi::families
