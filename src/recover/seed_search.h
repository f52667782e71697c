#pragma once

// The seed search (issue 10): brute-force recovery of keys drawn from a
// PRNG seeded with a clock (recovery-schemes.md §3.3-3.6). A family
// describes its candidate test (SeedTester); this engine decides the order,
// spreads the work over the run's WorkerPool, reports progress, stops on
// the run's token, keeps a checkpoint so that an interrupted search
// resumes, and splits one search into shards (--shard K/N) that machines
// run without talking to each other.
//
// Order: the range is cut into chunks of `chunk` seeds, numbered outward
// from the center: chunk 0 starts at the center and goes up, chunk 1 ends
// just below the center, chunk 2 follows chunk 0, chunk 3 precedes chunk 1,
// and so on (a side that reaches the end of the range has no more chunks).
// So the seeds near the estimate are tried first, whatever the number of
// threads or shards. Shard K of N takes the chunks whose number is K
// modulo N: the shards of one search cover the range exactly once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi {

// A family's candidate test. Both calls come from many threads at once.
class SeedTester {
 public:
  virtual ~SeedTester() = default;
  // Appends to `hits` the seeds of [first, first + count) that pass the
  // cheap test (one block decrypted to a known header, say): usually none.
  virtual void Test(std::uint64_t first, std::uint32_t count,
                    std::vector<std::uint64_t>& hits) const = 0;
  // Confirms a hit fully (the whole check the family has, e.g. the padding
  // too). A false positive of Test() must not pass.
  virtual bool Confirm(std::uint64_t seed) const = 0;
};

// One shard of a search split over N machines: `index` in [0, count).
struct SeedShard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};

// Parses "K/N" (1 <= K <= N, as users count) into {K - 1, N};
// kInvalidArgument otherwise.
Result<SeedShard> ParseSeedShard(std::string_view text);

// What a search is about to do, for the user to check before it runs.
struct SeedSearchPlan {
  std::uint64_t shard_seeds = 0;  // This shard's seeds in the range.
  std::uint64_t left = 0;         // Of those, not in the checkpoint.
  double seeds_per_second = 0;    // Measured here, every worker counted.
  unsigned workers = 1;
};

struct SeedSearchOptions {
  std::uint64_t first = 0;  // The range, both ends included.
  std::uint64_t last = 0;
  std::uint64_t center = 0;       // Where to start; clamped into the range.
  std::uint32_t chunk = 1 << 14;  // Seeds per chunk (>= 1).
  SeedShard shard;
  // What is searched, for the checkpoint: a checkpoint made for another
  // search (another family, file or parameter set) is not used.
  std::string fingerprint;
  // The checkpoint file; empty: none. Written (atomically, through `fs`)
  // while the search runs, at most every `checkpoint_interval` (as a chunk
  // ends), so that a killed search loses little; and when it stops or ends
  // without a find. Read at the start when it exists and fits.
  Path checkpoint;
  std::chrono::milliseconds checkpoint_interval{2000};
  SearchProgressCallback on_progress;  // Candidates of this shard.
  // Called once before the search starts, with what is left to search and
  // the rate measured on a few candidates (all workers counted).
  std::function<void(const SeedSearchPlan&)> on_plan;
};

struct SeedSearchResult {
  std::optional<std::uint64_t> seed;  // Found and confirmed.
  std::uint64_t tested = 0;           // Seeds tried by this call.
  std::uint64_t resumed = 0;          // Seeds skipped: the checkpoint had them.
  std::uint64_t shard_seeds = 0;      // Seeds of this shard in the range.
  // The interval around the center that the chunks tried so far (this call
  // and the checkpoint's) cover with no gap: [covered_first, covered_last];
  // empty (covered_first > covered_last) when none. For a shard, the
  // interval its leading chunks span; the other shards' chunks inside it
  // are theirs to cover.
  std::uint64_t covered_first = 1;
  std::uint64_t covered_last = 0;
  bool complete = false;  // Every chunk of this shard was tried.
};

// Number of chunks in the outward order for `options` (all shards).
std::uint64_t SeedChunkCount(const SeedSearchOptions& options);
// The seeds of chunk `n` in the outward order, [first, last]; nullopt for a
// number past the end or a side that ran out.
std::optional<std::pair<std::uint64_t, std::uint64_t>> SeedChunk(
    const SeedSearchOptions& options, std::uint64_t n);

// Runs the search on `pool`. Returns the result when a seed is found (the
// checkpoint is then removed) or the shard is exhausted (the checkpoint
// then says so, and a rerun tries nothing); when `stop` stops it, the stop
// token's status (kCancelled, kDeadlineExceeded), after the checkpoint is
// written, so that a later call resumes. kInvalidArgument for a range with
// first > last, a chunk of 0 or a bad shard; a damaged checkpoint of this
// search is kCorrupt (its message says to remove it); an I/O error writing
// it is returned as is. `fs` holds the checkpoint; it may be null only when
// there is none.
Result<SeedSearchResult> RunSeedSearch(const SeedTester& tester,
                                       const SeedSearchOptions& options,
                                       WorkerPool& pool, FileSystem* fs,
                                       const StopToken& stop);

}  // namespace kintsugi
