#include "families/nemucod/nemucod_pair.h"

#include <algorithm>

#include "formats/file_validator.h"
#include "formats/known_header.h"

namespace kintsugi::families {

// §3.2's primitives (nemucod.h).
std::uint64_t NemucodRegionForKeyLength(std::size_t key_length) {
  return (key_length == 255 || key_length > 1024) ? 2048 : 1024;
}

void NemucodXor(ByteView key, std::uint64_t region, std::uint64_t offset,
                std::span<std::uint8_t> data) {
  if (key.empty() || offset >= region) return;
  const std::size_t n = static_cast<std::size_t>(
      std::min<std::uint64_t>(data.size(), region - offset));
  const auto k = key.span();
  std::size_t at = static_cast<std::size_t>(offset % key.size());
  for (std::size_t i = 0; i < n; ++i) {
    data[i] ^= k[at];
    if (++at == k.size()) at = 0;
  }
}

namespace {

// A near period leaves at most one byte in this many disagreeing; a
// keystream that does not repeat leaves about all of them.
constexpr std::size_t kMaxDisagreeingShare = 32;
// Each key byte seen this many times, so a wrong byte is outvoted.
constexpr std::size_t kMinSightings = 3;
constexpr std::size_t kMaxListedOffsets = 8;

// The offsets of `keystream` that disagree with the majority value of their
// byte of a period-`period` key (Boyer-Moore vote: without a majority, a
// count that only overstates).
std::vector<std::uint64_t> Disagreeing(ByteView keystream, std::size_t period) {
  const auto d = keystream.span();
  std::vector<std::uint64_t> out;
  for (std::size_t r = 0; r < period; ++r) {
    std::uint8_t candidate = d[r];
    std::size_t votes = 0;
    for (std::size_t i = r; i < d.size(); i += period) {
      if (votes == 0) {
        candidate = d[i];
        votes = 1;
      } else if (d[i] == candidate) {
        ++votes;
      } else {
        --votes;
      }
    }
    for (std::size_t i = r; i < d.size(); i += period) {
      if (d[i] != candidate) out.push_back(i);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<PairDisagreement> NearPeriodDisagreement(ByteView keystream) {
  const std::size_t n = keystream.size();
  std::optional<PairDisagreement> best;
  for (std::size_t period = 1; period * kMinSightings <= n; ++period) {
    std::vector<std::uint64_t> offsets = Disagreeing(keystream, period);
    if (offsets.empty() || offsets.size() * kMaxDisagreeingShare > n) continue;
    if (!best || offsets.size() < best->offsets.size()) {
      best = PairDisagreement{period, std::move(offsets)};
    }
  }
  return best;
}

std::optional<HeaderFit> FitKnownHeader(ByteView key, std::uint64_t region,
                                        std::string_view original_name,
                                        std::uint64_t size, ByteView head) {
  const std::size_t dot = original_name.rfind('.');
  if (dot == std::string_view::npos || key.empty()) return std::nullopt;
  const auto header =
      formats::KnownHeaderFor(original_name.substr(dot + 1), size);
  if (!header) return std::nullopt;
  const std::uint64_t reach = std::min<std::uint64_t>(region, head.size());
  Bytes plain = head.First(static_cast<std::size_t>(reach)).ToBytes();
  NemucodXor(key, region, 0, plain);
  HeaderFit fit;
  fit.kind = formats::FileKindName(header->kind);
  for (const formats::KnownBytes& run : header->runs) {
    if (run.certainty != formats::Certainty::kFixed) continue;
    for (std::size_t i = 0; i < run.bytes.size(); ++i) {
      const std::uint64_t at = run.offset + i;
      if (at >= reach) break;
      if (plain[static_cast<std::size_t>(at)] == run.bytes[i]) {
        ++fit.agree;
      } else {
        fit.disagree.push_back(at);
      }
    }
  }
  if (fit.agree == 0 && fit.disagree.empty()) return std::nullopt;
  std::sort(fit.disagree.begin(), fit.disagree.end());
  return fit;
}

std::optional<HeaderContradiction> FindHeaderContradiction(
    ByteView key, std::uint64_t region,
    std::span<const NemucodSample> samples) {
  for (const NemucodSample& s : samples) {
    const auto fit =
        FitKnownHeader(key, region, s.original_name, s.size, s.head);
    if (fit && fit->agree >= kMinAgreeingHeaderBytes &&
        !fit->disagree.empty()) {
      return HeaderContradiction{
          s.original_name + std::string(kNemucodExtension), fit->disagree};
    }
  }
  return std::nullopt;
}

PairCheck CheckPair(ByteView encrypted, ByteView original, std::uint64_t region,
                    std::size_t key_length, const std::string& pair_name) {
  PairCheck check;
  const std::size_t covered = static_cast<std::size_t>(std::min<std::uint64_t>(
      region, std::min(encrypted.size(), original.size())));
  if (2 * key_length <= covered) return check;
  Bytes keystream(covered);
  const auto enc = encrypted.span();
  const auto orig = original.span();
  for (std::size_t i = 0; i < covered; ++i) {
    keystream[i] = static_cast<std::uint8_t>(enc[i] ^ orig[i]);
  }
  check.checked = false;
  if (auto near = NearPeriodDisagreement(keystream)) {
    check.refusal =
        Message{MessageId::kRecoverPairInconsistent,
                {{"pair", pair_name},
                 {"length", static_cast<std::int64_t>(near->key_length)},
                 {"count", static_cast<std::int64_t>(near->offsets.size())},
                 {"offsets", OffsetList(near->offsets)}}};
  }
  return check;
}

Message CheckKeyAgainstHeaders(ByteView key, std::uint64_t region,
                               std::span<const NemucodSample> samples,
                               const std::string& pair_name) {
  const auto against = FindHeaderContradiction(key, region, samples);
  if (!against) return {};
  return Message{MessageId::kRecoverPairContradicted,
                 {{"pair", pair_name},
                  {"file", against->file},
                  {"count", static_cast<std::int64_t>(against->offsets.size())},
                  {"offsets", OffsetList(against->offsets)}}};
}

std::string OffsetList(std::span<const std::uint64_t> offsets) {
  std::string out;
  for (std::size_t i = 0; i < offsets.size() && i < kMaxListedOffsets; ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(offsets[i]);
  }
  if (offsets.size() > kMaxListedOffsets) out += ", ...";
  return out;
}

}  // namespace kintsugi::families
