#include "families/seed_clock.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/worker_pool.h"

namespace kintsugi::families {

std::string UtcTime(std::uint64_t unix_seconds) {
  const auto t = static_cast<time_t>(unix_seconds);
  struct tm utc {};
  if (gmtime_r(&t, &utc) == nullptr) return std::to_string(unix_seconds);
  char text[96];  // Room for any int the fields could hold.
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec);
  return text;
}

std::optional<std::uint64_t> MtimeSeconds(ReadOnlyFileSystem& fs,
                                          const Path& path) {
  auto info = fs.Stat(path, /*follow_symlinks=*/true);
  if (!info || info->mtime_ns < 0) return std::nullopt;
  return static_cast<std::uint64_t>(info->mtime_ns / 1'000'000'000);
}

Result<std::optional<ClockWindow>> ResolveClockWindow(
    const recover::SeedSearchInputs& seed,
    std::optional<std::uint64_t> estimate, std::uint64_t below,
    std::uint64_t above) {
  const auto clip_down = [](std::uint64_t at, std::uint64_t by) {
    return at > by ? at - by : 0;
  };
  const auto clip_up = [](std::uint64_t at, std::uint64_t by) {
    return std::min(kLastClockSeed, at + std::min(by, kLastClockSeed));
  };
  ClockWindow window;
  if (seed.range) {
    const auto [first, last] = *seed.range;
    if (first > last || last > kLastClockSeed) {
      return InvalidArgumentError(
          "a seed range of this family is within 0-4294967295 (Unix times in "
          "seconds)");
    }
    window.first = first;
    window.last = last;
    window.center = seed.around.value_or(estimate.value_or(last));
    window.center = std::clamp(window.center, first, last);
    return std::optional<ClockWindow>(window);
  }
  if (seed.around) {
    const std::uint64_t at = std::min(*seed.around, kLastClockSeed);
    window.first = clip_down(at, below);
    window.last = clip_up(at, below);
    window.center = at;
    return std::optional<ClockWindow>(window);
  }
  if (!estimate) return std::optional<ClockWindow>();
  const std::uint64_t at = std::min(*estimate, kLastClockSeed);
  window.first = clip_down(at, below);
  window.last = clip_up(at, above);
  window.center = at;
  return std::optional<ClockWindow>(window);
}

namespace {

Message PlanMessage(const ClockSearch& search, const SeedSearchOptions& options,
                    const SeedSearchPlan& plan) {
  const double seconds =
      plan.seeds_per_second > 0
          ? static_cast<double>(plan.left) / plan.seeds_per_second
          : 0.0;
  return Message{
      MessageId::kRecoverSeedClockPlan,
      {{"seeds", static_cast<std::int64_t>(plan.left)},
       {"first", UtcTime(options.first)},
       {"last", UtcTime(options.last)},
       {"center",
        UtcTime(std::clamp(options.center, options.first, options.last))},
       {"variant", search.variant},
       {"keys", static_cast<std::int64_t>(search.keys)},
       {"minutes", static_cast<std::int64_t>(seconds / 60.0 + 0.999)},
       {"rate", static_cast<std::int64_t>(plan.seeds_per_second)},
       {"workers", static_cast<std::int64_t>(plan.workers)}}};
}

}  // namespace

Result<ClockSearchOutcome> RunClockSearch(const SeedTester& tester,
                                          const ClockSearch& search,
                                          const recover::RunInputs& inputs) {
  ClockSearchOutcome outcome;
  SeedSearchOptions& options = outcome.options;
  options.first = search.window.first;
  options.last = search.window.last;
  options.center = search.window.center;
  options.chunk = search.chunk;
  options.shard = inputs.seed.shard;
  options.fingerprint = search.decryptor + "|" + search.fingerprint;
  options.on_progress = inputs.search.on_progress;
  if (inputs.seed.state_fs != nullptr && !inputs.seed.checkpoint_dir.empty()) {
    options.checkpoint = inputs.seed.checkpoint_dir /
                         ("seed-search-" + search.decryptor + "-" +
                          std::to_string(options.shard.index + 1) + "-of-" +
                          std::to_string(options.shard.count) + ".json");
  }
  if (inputs.search.on_plan) {
    options.on_plan = [&](const SeedSearchPlan& plan) {
      inputs.search.on_plan(PlanMessage(search, options, plan));
    };
    // One candidate first, so that the rate the plan measures leaves out
    // one-time costs (OpenSSL loading its ciphers: 7x too slow a rate for a
    // DMA Locker search otherwise).
    std::vector<std::uint64_t> ignored;
    tester.Test(std::clamp(options.center, options.first, options.last), 1,
                ignored);
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

Message ShardEmptyMessage(const SeedSearchOptions& options) {
  return Message{MessageId::kRecoverSeedShardEmpty,
                 {{"shard", std::to_string(options.shard.index + 1) + "/" +
                                std::to_string(options.shard.count)},
                  {"first", static_cast<std::int64_t>(options.first)},
                  {"last", static_cast<std::int64_t>(options.last)}}};
}

Message ClockNotFoundMessage(const ClockSearchOutcome& outcome,
                             std::uint64_t keys) {
  const SeedSearchOptions& options = outcome.options;
  const SeedSearchResult& result = outcome.result;
  if (result.shard_seeds == 0) return ShardEmptyMessage(options);
  return Message{
      MessageId::kRecoverSeedClockNotFound,
      {{"first", static_cast<std::int64_t>(options.first)},
       {"last", static_cast<std::int64_t>(options.last)},
       {"covered_first", static_cast<std::int64_t>(result.covered_first)},
       {"covered_last", static_cast<std::int64_t>(result.covered_last)},
       {"from", UtcTime(result.covered_first)},
       {"to", UtcTime(result.covered_last)},
       {"keys", static_cast<std::int64_t>(keys)}}};
}

}  // namespace kintsugi::families
