// The seed-search engine (seed_search.h).
//
// The checkpoint (a small JSON file, rewritten atomically): what search it
// belongs to (fingerprint, range, center, chunk, shard) and which of the
// shard's chunks are done, as a count of leading chunks done and the
// numbers of the ones done beyond it (chunks finish out of order across
// threads). A chunk cut short by a stop is not done: it is searched again.

#include "recover/seed_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kintsugi {
namespace {

// Seeds handed to the tester at once: small enough that a stop is seen
// within a fraction of a second, large enough for its batching.
constexpr std::uint32_t kTestBatch = 256;
// Seeds timed to estimate a search's rate before it starts.
constexpr std::uint64_t kCalibrationSeeds = 64;
constexpr std::size_t kMaxCheckpointBytes = 16 * 1024 * 1024;
constexpr int kCheckpointVersion = 1;

// The chunks on each side of the center.
struct Sides {
  std::uint64_t up = 0;    // Chunks at and above the center.
  std::uint64_t down = 0;  // Chunks below it.
};

Sides CountSides(const SeedSearchOptions& o) {
  const std::uint64_t center = std::clamp(o.center, o.first, o.last);
  Sides sides;
  sides.up = (o.last - center) / o.chunk + 1;
  const std::uint64_t below = center - o.first;
  sides.down = below / o.chunk + (below % o.chunk != 0 ? 1 : 0);
  return sides;
}

// The per-shard sequence numbers m (chunk k + N * m) of a shard.
std::uint64_t ShardChunks(const SeedSearchOptions& o) {
  const std::uint64_t total = SeedChunkCount(o);
  if (o.shard.index >= total) return 0;
  return (total - o.shard.index + o.shard.count - 1) / o.shard.count;
}

Status CheckOptions(const SeedSearchOptions& o) {
  if (o.first > o.last) {
    return InvalidArgumentError("seed range: the first seed is after the last");
  }
  if (o.chunk == 0) return InvalidArgumentError("seed chunk of 0");
  if (o.shard.count == 0 || o.shard.index >= o.shard.count) {
    return InvalidArgumentError("bad shard");
  }
  return Status::Ok();
}

// The checkpoint's identity: what must match for it to be used.
nlohmann::json Identity(const SeedSearchOptions& o) {
  return {{"fingerprint", o.fingerprint},
          {"first", o.first},
          {"last", o.last},
          {"center", std::clamp(o.center, o.first, o.last)},
          {"chunk", o.chunk},
          {"shard", {o.shard.index, o.shard.count}}};
}

// Done chunks of the shard: all below `below`, and those in `above`.
struct Progress {
  std::uint64_t below = 0;
  std::set<std::uint64_t> above;

  void Add(std::uint64_t m) {
    if (m < below) return;
    above.insert(m);
    while (!above.empty() && *above.begin() == below) {
      above.erase(above.begin());
      ++below;
    }
  }
  bool Has(std::uint64_t m) const { return m < below || above.count(m) != 0; }
};

// Reads the checkpoint at `path` into `progress` when it belongs to this
// search. A missing file or another search's: nothing (fresh start).
Status ReadCheckpoint(FileSystem& fs, const SeedSearchOptions& o,
                      std::uint64_t shard_chunks, Progress& progress) {
  Result<Bytes> bytes = ReadWholeFile(fs, o.checkpoint, kMaxCheckpointBytes);
  if (!bytes) {
    if (bytes.error().code() == StatusCode::kNotFound) return Status::Ok();
    return bytes.error();
  }
  const nlohmann::json doc = nlohmann::json::parse(
      bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&] {
    return CorruptError(fmt::format(
        "the seed search checkpoint {} is damaged; remove it to start the "
        "search over",
        o.checkpoint.string()));
  };
  if (!doc.is_object() || !doc.contains("kintsugi_seed_checkpoint") ||
      !doc.contains("search") || !doc.contains("done_below") ||
      !doc.contains("done")) {
    return corrupt();
  }
  if (doc["kintsugi_seed_checkpoint"] != kCheckpointVersion ||
      doc["search"] != Identity(o)) {
    return Status::Ok();  // Another search's: not used.
  }
  const nlohmann::json& below = doc["done_below"];
  const nlohmann::json& done = doc["done"];
  if (!below.is_number_unsigned() || !done.is_array() ||
      below.get<std::uint64_t>() > shard_chunks) {
    return corrupt();
  }
  progress.below = below.get<std::uint64_t>();
  for (const nlohmann::json& m : done) {
    if (!m.is_number_unsigned() || m.get<std::uint64_t>() >= shard_chunks) {
      return corrupt();
    }
    progress.Add(m.get<std::uint64_t>());
  }
  return Status::Ok();
}

Status WriteCheckpoint(FileSystem& fs, const SeedSearchOptions& o,
                       const Progress& progress) {
  const nlohmann::json doc = {{"kintsugi_seed_checkpoint", kCheckpointVersion},
                              {"search", Identity(o)},
                              {"done_below", progress.below},
                              {"done", progress.above}};
  const std::string text = doc.dump() + "\n";
  const Path temporary = o.checkpoint.string() + ".tmp";
  if (Status removed = fs.Remove(temporary);
      !removed.ok() && removed.code() != StatusCode::kNotFound) {
    return removed;
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                            fs.CreateNew(temporary));
  KINTSUGI_RETURN_IF_ERROR(file->Append(ByteView(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
  KINTSUGI_RETURN_IF_ERROR(file->Sync());
  KINTSUGI_RETURN_IF_ERROR(file->Close());
  KINTSUGI_RETURN_IF_ERROR(fs.RenameReplacing(temporary, o.checkpoint));
  return fs.SyncDir(o.checkpoint.parent_path().empty()
                        ? Path(".")
                        : o.checkpoint.parent_path());
}

// The seeds that chunks 0..n-1 (all shards' numbers) span, for
// `covered_*`: from the outermost "down" chunk among them to the outermost
// "up" one.
void CoveredBounds(const SeedSearchOptions& o, std::uint64_t n,
                   SeedSearchResult& result) {
  result.covered_first = 1;
  result.covered_last = 0;
  if (n == 0) return;
  const Sides sides = CountSides(o);
  const std::uint64_t center = std::clamp(o.center, o.first, o.last);
  // How many chunks of each side are among the first n (SeedChunk's order).
  const std::uint64_t both = std::min(sides.up, sides.down);
  std::uint64_t ups = 0;
  std::uint64_t downs = 0;
  if (n <= 2 * both) {
    ups = (n + 1) / 2;
    downs = n / 2;
  } else if (sides.up > sides.down) {
    ups = n - both;
    downs = both;
  } else {
    ups = both;
    downs = n - both;
  }
  // The outermost chunk of each side among them (up: ups >= 1, since
  // chunk 0 is "up").
  const std::uint64_t up_first = center + (ups - 1) * std::uint64_t{o.chunk};
  result.covered_last =
      up_first + std::min<std::uint64_t>(o.chunk - 1, o.last - up_first);
  result.covered_first = center;
  if (downs > 0) {
    const std::uint64_t down_last =
        center - (downs - 1) * std::uint64_t{o.chunk} - 1;
    result.covered_first =
        down_last - std::min<std::uint64_t>(o.chunk - 1, down_last - o.first);
  }
}

}  // namespace

Result<SeedShard> ParseSeedShard(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("bad shard \"{}\": give K/N with 1 <= K <= N", text));
  };
  if (slash == std::string_view::npos) return bad();
  std::uint32_t k = 0;
  std::uint32_t n = 0;
  const std::string_view ks = text.substr(0, slash);
  const std::string_view ns = text.substr(slash + 1);
  auto parse = [](std::string_view s, std::uint32_t& out) {
    if (s.empty()) return false;
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
    return error == std::errc() && end == s.data() + s.size();
  };
  if (!parse(ks, k) || !parse(ns, n) || k == 0 || n == 0 || k > n) {
    return bad();
  }
  return SeedShard{k - 1, n};
}

std::uint64_t SeedChunkCount(const SeedSearchOptions& o) {
  if (!CheckOptions(o).ok()) return 0;
  const Sides sides = CountSides(o);
  return sides.up + sides.down;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> SeedChunk(
    const SeedSearchOptions& o, std::uint64_t n) {
  if (!CheckOptions(o).ok() || n >= SeedChunkCount(o)) return std::nullopt;
  const Sides sides = CountSides(o);
  const std::uint64_t center = std::clamp(o.center, o.first, o.last);
  // Alternating while both sides have chunks (2j: "up" j, 2j + 1: "down"
  // j), then the side that has more, so that every number is a chunk and
  // shards by number stay even.
  const std::uint64_t both = std::min(sides.up, sides.down);
  bool up = false;
  std::uint64_t j = 0;
  if (n < 2 * both) {
    up = n % 2 == 0;
    j = n / 2;
  } else {
    up = sides.up > sides.down;
    j = both + (n - 2 * both);
  }
  if (up) {
    const std::uint64_t first = center + j * o.chunk;
    const std::uint64_t last =
        first + std::min<std::uint64_t>(o.chunk - 1, o.last - first);
    return std::make_pair(first, last);
  }
  const std::uint64_t last = center - j * o.chunk - 1;
  const std::uint64_t first =
      last - std::min<std::uint64_t>(o.chunk - 1, last - o.first);
  return std::make_pair(first, last);
}

Result<SeedSearchResult> RunSeedSearch(const SeedTester& tester,
                                       const SeedSearchOptions& options,
                                       WorkerPool& pool, FileSystem* state,
                                       const StopToken& stop) {
  KINTSUGI_RETURN_IF_ERROR(CheckOptions(options));
  if (!options.checkpoint.empty() && state == nullptr) {
    return InvalidArgumentError("a seed search checkpoint needs a file system");
  }
  const std::uint64_t shard_chunks = ShardChunks(options);
  const auto chunk_of = [&](std::uint64_t m) {
    return SeedChunk(
        options, options.shard.index + std::uint64_t{options.shard.count} * m);
  };
  SeedSearchResult result;
  for (std::uint64_t m = 0; m < shard_chunks; ++m) {
    if (auto c = chunk_of(m)) result.shard_seeds += c->second - c->first + 1;
  }
  Progress progress;
  if (!options.checkpoint.empty()) {
    KINTSUGI_RETURN_IF_ERROR(
        ReadCheckpoint(*state, options, shard_chunks, progress));
  }
  for (std::uint64_t m = 0; m < shard_chunks; ++m) {
    if (!progress.Has(m)) continue;
    if (auto c = chunk_of(m)) result.resumed += c->second - c->first + 1;
  }
  if (options.on_plan) {
    // The rate: one worker's time for a batch at the center, times the
    // workers (the candidates are independent). These seeds are searched
    // again in order; a batch costs a fraction of a second.
    SeedSearchPlan plan;
    plan.shard_seeds = result.shard_seeds;
    plan.left = result.shard_seeds - result.resumed;
    plan.workers = pool.size();
    if (auto first = chunk_of(0); first && plan.left > 0) {
      const auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(
          first->second - first->first + 1, kCalibrationSeeds));
      std::vector<std::uint64_t> ignored;
      const auto start = std::chrono::steady_clock::now();
      tester.Test(first->first, count, ignored);
      const double seconds = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
      if (seconds > 0) {
        plan.seeds_per_second = count / seconds * plan.workers;
      }
    }
    options.on_plan(plan);
  }
  SearchControl control(stop, result.shard_seeds, options.on_progress);
  if (result.resumed > 0) control.Advance(result.resumed).IgnoreError();

  std::mutex mutex;  // Guards progress, found, last_write, write_error.
  std::optional<std::uint64_t> found;
  auto last_write = std::chrono::steady_clock::now();
  Status write_error = Status::Ok();
  std::atomic<std::uint64_t> tested{0};
  // A task that found the seed stops the batch with this status.
  const Status found_sentinel = AlreadyExistsError("seed found");

  auto save = [&]() -> Status {
    if (options.checkpoint.empty()) return Status::Ok();
    return WriteCheckpoint(*state, options, progress);
  };

  Status batch = pool.ParallelFor(
      static_cast<std::size_t>(shard_chunks), stop,
      [&](std::size_t index, unsigned) -> Status {
        const std::uint64_t m = index;
        {
          std::lock_guard lock(mutex);
          if (found) return found_sentinel;
          if (progress.Has(m)) return Status::Ok();
        }
        const auto chunk = chunk_of(m);
        if (chunk) {
          std::vector<std::uint64_t> hits;
          std::uint64_t seed = chunk->first;
          while (true) {
            const std::uint64_t left = chunk->second - seed + 1;
            const auto count = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(left, kTestBatch));
            hits.clear();
            tester.Test(seed, count, hits);
            tested += count;
            for (std::uint64_t hit : hits) {
              if (hit < seed || hit - seed >= count) continue;
              if (tester.Confirm(hit)) {
                std::lock_guard lock(mutex);
                if (!found) found = hit;
                return found_sentinel;
              }
            }
            KINTSUGI_RETURN_IF_ERROR(control.Advance(count));
            if (count == left) break;
            seed += count;
          }
        }
        std::lock_guard lock(mutex);
        progress.Add(m);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_write >= options.checkpoint_interval) {
          last_write = now;
          if (Status saved = save(); !saved.ok()) {
            write_error = saved;
            return saved;
          }
        }
        return Status::Ok();
      });

  result.tested = tested.load();
  std::lock_guard lock(mutex);
  if (found) {
    result.seed = found;
    // The search is over: its checkpoint is of no more use.
    if (!options.checkpoint.empty()) {
      Status removed = state->Remove(options.checkpoint);
      if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
        return removed;
      }
    }
  } else {
    if (!write_error.ok()) return write_error;
    // Stopped or exhausted: what was done is kept for the next run.
    KINTSUGI_RETURN_IF_ERROR(save());
    if (!batch.ok()) return batch;
    result.complete = progress.below == shard_chunks;
  }
  CoveredBounds(
      options,
      progress.below == 0
          ? 0
          : options.shard.index +
                std::uint64_t{options.shard.count} * (progress.below - 1) + 1,
      result);
  return result;
}

}  // namespace kintsugi
