#include "families/darkbit/search.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "families/darkbit/layout.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "prng/go_rand.h"

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kMaxUnixNano =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Draws and their name codes from position 0, in `rng`'s stream.
struct Draws {
  std::vector<std::uint64_t> values;
  std::vector<std::uint8_t> codes;
};

void Generate(prng::GoRand& rng, std::size_t count, Draws& out) {
  out.values.resize(count);
  out.codes.resize(count);
  for (std::size_t q = 0; q < count; ++q) {
    const std::uint64_t v = rng.Uint64() & 0x7fffffffffffffffULL;
    out.values[q] = v;
    out.codes[q] = DarkBitNameCode(v);
  }
}

// Tries the alignments at `p` (relative to `draws`) for `file`.
std::optional<DarkBitHit> TryKeys(const DarkBitFile& file, std::size_t index,
                                  std::span<const std::uint64_t> draws,
                                  std::span<const std::uint8_t> codes,
                                  std::size_t p, std::size_t absolute) {
  for (const int leftover : DarkBitAlignments(absolute)) {
    const auto key_iv = DarkBitKeyIvBefore(draws, codes, p, leftover);
    if (!key_iv) continue;
    const ByteView key(key_iv->data(), 16);
    const ByteView iv(key_iv->data() + 16, 16);
    if (auto name = DarkBitKeyFits(file, key, iv)) {
      DarkBitHit hit;
      hit.file = index;
      hit.position = absolute;
      hit.leftover = leftover;
      std::copy(key.begin(), key.end(), hit.key.begin());
      std::copy(iv.begin(), iv.end(), hit.iv.begin());
      hit.original_name = std::move(*name);
      return hit;
    }
  }
  return std::nullopt;
}

std::string NanoUtc(std::uint64_t unix_nano) {
  return UtcTime(unix_nano / 1'000'000'000ULL);
}

}  // namespace

std::optional<std::string> DarkBitKeyFits(const DarkBitFile& file, ByteView key,
                                          ByteView iv) {
  auto plain = crypto::AesCbcDecryptBlocks(key, iv, file.encrypted_name);
  if (!plain) return std::nullopt;
  std::optional<std::string> name = DecodeDarkBitName(*plain);
  if (!name) return std::nullopt;
  const auto kinds = formats::ExpectedKinds(Path(*name).extension().native());
  const std::uint64_t original = file.size - file.footer_bytes;
  if (kinds.empty() || file.first_block.size() != 16 ||
      DarkBitParts(original, DarkBitReading::kKib).empty()) {
    return name;
  }
  auto block = crypto::AesCbcDecryptBlocks(key, iv, file.first_block);
  if (!block) return std::nullopt;
  const bool plausible =
      std::any_of(kinds.begin(), kinds.end(), [&](formats::FileKind kind) {
        return formats::HeaderPlausible(kind, *block, original);
      });
  if (!plausible) return std::nullopt;
  return name;
}

std::int32_t DarkBitSeedOf(std::uint64_t unix_nano) {
  return prng::GoReducedSeed(
      static_cast<std::int64_t>(std::min(unix_nano, kMaxUnixNano)));
}

DarkBitTester::DarkBitTester(std::span<const DarkBitFile> samples)
    : samples_(samples) {
  for (const DarkBitFile& sample : samples_) {
    if (sample.codes) first_codes_ |= std::uint64_t{1} << (*sample.codes)[0];
  }
}

void DarkBitTester::Test(std::uint64_t first, std::uint32_t count,
                         std::vector<std::uint64_t>& hits) const {
  constexpr std::size_t kDraws = kDarkBitSearchDraws + kDarkBitNameLookahead;
  auto rng = std::make_unique<prng::GoRand>(0);
  std::array<std::uint8_t, kDraws> codes{};
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t t = first + i;
    rng->Seed(DarkBitSeedOf(t));
    for (std::uint8_t& code : codes) code = DarkBitNameCode(rng->Uint64());
    bool hit = false;
    for (std::size_t p = 0; p < kDarkBitSearchDraws && !hit; ++p) {
      const std::uint8_t code = codes[p];
      if (code == kDarkBitRedrawn || ((first_codes_ >> code) & 1U) == 0) {
        continue;
      }
      for (const DarkBitFile& sample : samples_) {
        if (sample.codes && DarkBitNameDrawnAt(codes, p, *sample.codes)) {
          hit = true;
          break;
        }
      }
    }
    if (hit) hits.push_back(t);
  }
}

std::optional<DarkBitHit> DarkBitTester::Which(std::uint64_t t) const {
  prng::GoRand rng(DarkBitSeedOf(t));
  Draws draws;
  Generate(rng, kDarkBitSearchDraws + kDarkBitNameLookahead, draws);
  for (std::size_t p = 0; p < kDarkBitSearchDraws; ++p) {
    for (std::size_t s = 0; s < samples_.size(); ++s) {
      const DarkBitFile& sample = samples_[s];
      if (!sample.codes || !DarkBitNameDrawnAt(draws.codes, p, *sample.codes)) {
        continue;
      }
      if (auto hit = TryKeys(sample, s, draws.values, draws.codes, p, p))
        return hit;
    }
  }
  return std::nullopt;
}

std::vector<std::optional<DarkBitHit>> DarkBitFindInStream(
    std::int32_t seed, std::span<const DarkBitFile> files, std::size_t limit) {
  std::vector<std::optional<DarkBitHit>> hits(files.size());
  std::size_t left = 0;
  std::uint64_t first_codes = 0;
  for (const DarkBitFile& file : files) {
    if (!file.codes) continue;
    ++left;
    first_codes |= std::uint64_t{1} << (*file.codes)[0];
  }
  if (left == 0) return hits;
  constexpr std::size_t kBlockDraws = std::size_t{1} << 16;
  constexpr std::size_t kKeep = kDarkBitKeyLookback + kDarkBitNameLookahead;
  prng::GoRand rng(seed);
  Draws draws;
  std::size_t base = 0;  // The position of draws.values[0].
  std::size_t from = 0;  // The first relative position not yet tried.
  while (left > 0 && base + from < limit) {
    const std::size_t have = draws.values.size();
    const std::size_t want = kBlockDraws + kKeep;
    draws.values.resize(want);
    draws.codes.resize(want);
    for (std::size_t q = have; q < want; ++q) {
      const std::uint64_t v = rng.Uint64() & 0x7fffffffffffffffULL;
      draws.values[q] = v;
      draws.codes[q] = DarkBitNameCode(v);
    }
    const std::size_t to = std::min(want - kDarkBitNameLookahead, limit - base);
    for (std::size_t p = from; p < to && left > 0; ++p) {
      const std::uint8_t code = draws.codes[p];
      if (code == kDarkBitRedrawn || ((first_codes >> code) & 1U) == 0) {
        continue;
      }
      for (std::size_t f = 0; f < files.size(); ++f) {
        const DarkBitFile& file = files[f];
        if (hits[f] || !file.codes ||
            !DarkBitNameDrawnAt(draws.codes, p, *file.codes)) {
          continue;
        }
        if (auto hit =
                TryKeys(file, f, draws.values, draws.codes, p, base + p)) {
          hits[f] = std::move(hit);
          --left;
        }
      }
    }
    // Keep the last draws: the next block's first names need them.
    const std::size_t drop = want - kKeep;
    draws.values.erase(
        draws.values.begin(),
        draws.values.begin() + static_cast<std::ptrdiff_t>(drop));
    draws.codes.erase(draws.codes.begin(),
                      draws.codes.begin() + static_cast<std::ptrdiff_t>(drop));
    base += drop;
    from = kDarkBitKeyLookback;
  }
  return hits;
}

std::uint64_t DarkBitEstimate(std::uint64_t seconds) {
  const std::uint64_t ns =
      std::min<std::uint64_t>(seconds, kMaxUnixNano / 1'000'000'000ULL) *
      1'000'000'000ULL;
  return ns > kDarkBitCountdownNs ? ns - kDarkBitCountdownNs + 500'000'000ULL
                                  : ns + 500'000'000ULL;
}

Result<DarkBitWindow> ResolveDarkBitWindow(
    const recover::SeedSearchInputs& seed, std::uint64_t estimate) {
  const std::uint64_t span = kDarkBitSeedModulus;  // Values in a whole window.
  DarkBitWindow window;
  if (seed.range) {
    const auto [a, b] = *seed.range;
    if (a > b || b > kMaxUnixNano) {
      return InvalidArgumentError(
          "a DarkBit seed range is UnixNano times (nanoseconds since "
          "1970), A <= B <= 9223372036854775807");
    }
    window.first = a;
    window.whole = b - a >= span - 1;
    window.last = window.whole ? a + span - 1 : b;
    // The start, moved into the window by whole seed periods when the range
    // is wider than it (the same seed).
    std::uint64_t center = seed.around.value_or(estimate);
    if (center < a || center > b) center = b;
    if (center > window.last) center = a + (center - a) % span;
    window.center = center;
    return window;
  }
  const std::uint64_t at =
      std::min(seed.around.value_or(estimate), kMaxUnixNano - span);
  window.whole = true;
  window.first = at > span / 2 ? at - span / 2 : 0;
  window.last = window.first + span - 1;
  window.center = at;
  return window;
}

namespace {

Message PlanMessage(const DarkBitWindow& window, const SeedSearchPlan& plan) {
  const double seconds =
      plan.seeds_per_second > 0
          ? static_cast<double>(plan.left) / plan.seeds_per_second
          : 0.0;
  return Message{
      MessageId::kRecoverDarkbitSearchPlan,
      {{"seeds", static_cast<std::int64_t>(plan.left)},
       {"first", static_cast<std::int64_t>(window.first)},
       {"last", static_cast<std::int64_t>(window.last)},
       {"center", static_cast<std::int64_t>(window.center)},
       {"time", NanoUtc(window.center)},
       {"draws", static_cast<std::int64_t>(kDarkBitSearchDraws)},
       {"minutes", static_cast<std::int64_t>(seconds / 60.0 + 0.999)},
       {"rate", static_cast<std::int64_t>(plan.seeds_per_second)},
       {"workers", static_cast<std::int64_t>(plan.workers)}}};
}

}  // namespace

Result<DarkBitSearchOutcome> RunDarkBitSearch(
    const DarkBitTester& tester, const DarkBitWindow& window,
    std::string fingerprint, const recover::RunInputs& inputs) {
  DarkBitSearchOutcome outcome;
  SeedSearchOptions& options = outcome.options;
  options.first = window.first;
  options.last = window.last;
  options.center = window.center;
  options.chunk = 1 << 12;
  options.shard = inputs.seed.shard;
  options.fingerprint = "darkbit|" + std::to_string(window.first) + "-" +
                        std::to_string(window.last) + "|" +
                        std::to_string(kDarkBitSearchDraws) + "|" + fingerprint;
  options.on_progress = inputs.search.on_progress;
  if (inputs.seed.state_fs != nullptr && !inputs.seed.checkpoint_dir.empty()) {
    options.checkpoint =
        inputs.seed.checkpoint_dir /
        ("seed-search-darkbit-" + std::to_string(options.shard.index + 1) +
         "-of-" + std::to_string(options.shard.count) + ".json");
  }
  if (inputs.search.on_plan) {
    options.on_plan = [&](const SeedSearchPlan& plan) {
      inputs.search.on_plan(PlanMessage(window, plan));
    };
  }
  std::optional<WorkerPool> own_pool;
  WorkerPool* pool = inputs.seed.pool;
  if (pool == nullptr) pool = &own_pool.emplace(1);
  KINTSUGI_ASSIGN_OR_RETURN(
      outcome.result, RunSeedSearch(tester, options, *pool,
                                    inputs.seed.state_fs, inputs.search.stop));
  options.on_plan = nullptr;  // It refers to this frame.
  return outcome;
}

Message DarkBitNotFoundMessage(const DarkBitSearchOutcome& outcome) {
  const SeedSearchOptions& options = outcome.options;
  const SeedSearchResult& result = outcome.result;
  if (result.shard_seeds == 0) return ShardEmptyMessage(options);
  return Message{
      MessageId::kRecoverDarkbitSeedNotFound,
      {{"first", static_cast<std::int64_t>(options.first)},
       {"last", static_cast<std::int64_t>(options.last)},
       {"covered_first", static_cast<std::int64_t>(result.covered_first)},
       {"covered_last", static_cast<std::int64_t>(result.covered_last)},
       {"from", NanoUtc(result.covered_first)},
       {"to", NanoUtc(result.covered_last)},
       {"draws", static_cast<std::int64_t>(kDarkBitSearchDraws)}}};
}

}  // namespace kintsugi::families
