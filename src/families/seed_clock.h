#pragma once

// Seed searches over clock seeds: families that called srand(time(NULL))
// and drew their keys from MSVC rand() (recovery-schemes.md §4.3), so a
// seed is a Unix time in seconds: DMA Locker (§3.5) and Princess Locker
// (§3.6). What they share around the seed-search engine
// (recover/seed_search.h): the window from the user's options or the
// files' times, the checkpoint and plan, and the messages that show seeds
// as UTC times.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"
#include "recover/seed_search.h"

namespace kintsugi::families {

// The largest seed: srand takes an unsigned int (time_t cut to 32 bits).
inline constexpr std::uint64_t kLastClockSeed = 0xffffffffULL;

// `unix_seconds` as "2016-02-20 21:46:40" (UTC).
std::string UtcTime(std::uint64_t unix_seconds);

// recover.seed_shard_empty: this part (--shard K/N) of a search had no
// seeds of the window to search (more parts than chunks). Shared by every
// seed-searching family.
Message ShardEmptyMessage(const SeedSearchOptions& options);

// The modification time of `path` in whole seconds (rounded down); nullopt
// when it cannot be read or is before 1970.
std::optional<std::uint64_t> MtimeSeconds(ReadOnlyFileSystem& fs,
                                          const Path& path);

// The seeds to search, both ends included, and where to start.
struct ClockWindow {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t center = 0;
};

// The window for a search: --seed-range when given (starting at --around,
// else at `estimate`, else at its top); else `below` seconds under and
// `above` over `estimate` (a time the seed cannot be much later than, such
// as the earliest file's modification time); with --around instead of an
// estimate, `below` seconds either side of it. Clipped to 0 ..
// kLastClockSeed. nullopt when there is nothing to start from (no range,
// no --around, no estimate); kInvalidArgument for a range beyond
// kLastClockSeed.
Result<std::optional<ClockWindow>> ResolveClockWindow(
    const recover::SeedSearchInputs& seed,
    std::optional<std::uint64_t> estimate, std::uint64_t below,
    std::uint64_t above);

// One search of a clock-seeded family.
struct ClockSearch {
  std::string decryptor;    // "dma-locker": names the checkpoint file.
  std::string fingerprint;  // What is searched (sample, parameters).
  std::string variant;      // For the plan: "v1 and v2 key generators".
  std::uint64_t keys = 1;   // Candidates per seed, for the plan.
  ClockWindow window;
  std::uint32_t chunk = 1 << 10;
};

struct ClockSearchOutcome {
  SeedSearchOptions options;  // As run (window, shard).
  SeedSearchResult result;
};

// Runs `search` with `tester` on the run's pool (or the calling thread),
// with the run's stop token, progress, plan (recover.seed_clock_plan) and
// checkpoint (seed-search-DECRYPTOR-K-of-N.json in the journal folder).
Result<ClockSearchOutcome> RunClockSearch(const SeedTester& tester,
                                          const ClockSearch& search,
                                          const recover::RunInputs& inputs);

// Why a search that found nothing found nothing, for every file:
// recover.seed_shard_empty for a part with no seeds of the window, else
// recover.seed_clock_not_found.
Message ClockNotFoundMessage(const ClockSearchOutcome& outcome,
                             std::uint64_t keys);

}  // namespace kintsugi::families
