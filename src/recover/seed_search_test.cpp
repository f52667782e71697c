#include "recover/seed_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;

// Records every seed it is asked about; "hits" are `cheap` seeds, of which
// only `real` confirms. Can ask a StopSource to stop after `stop_after`
// seeds.
class RecordingTester final : public SeedTester {
 public:
  std::set<std::uint64_t> cheap;
  std::optional<std::uint64_t> real;
  StopSource* stop = nullptr;
  std::uint64_t stop_after = 0;

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    std::lock_guard lock(mutex_);
    for (std::uint64_t s = first; s < first + count; ++s) {
      ++times_[s];
      if (cheap.count(s) != 0 || (real && *real == s)) hits.push_back(s);
    }
    tested_ += count;
    if (stop != nullptr && stop_after != 0 && tested_ >= stop_after) {
      stop->RequestCancel();
    }
  }
  bool Confirm(std::uint64_t seed) const override {
    return real && *real == seed;
  }
  std::map<std::uint64_t, int> times() const {
    std::lock_guard lock(mutex_);
    return times_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::uint64_t, int> times_;
  mutable std::uint64_t tested_ = 0;
};

SeedSearchOptions Options(std::uint64_t first, std::uint64_t last,
                          std::uint64_t center, std::uint32_t chunk) {
  SeedSearchOptions o;
  o.first = first;
  o.last = last;
  o.center = center;
  o.chunk = chunk;
  o.fingerprint = "test";
  return o;
}

TEST(SeedSearchTest, ChunksGoOutwardFromTheCenterAndCoverTheRangeOnce) {
  for (std::uint64_t center : {0ULL, 1ULL, 37ULL, 50ULL, 99ULL, 100ULL}) {
    SCOPED_TRACE(center);
    const SeedSearchOptions o = Options(0, 100, center, 7);
    std::map<std::uint64_t, int> seen;
    std::uint64_t previous_distance = 0;
    for (std::uint64_t n = 0; n < SeedChunkCount(o); ++n) {
      auto chunk = SeedChunk(o, n);
      if (!chunk) continue;
      if (n == 0) {
        EXPECT_EQ(chunk->first, center);
      }
      // The chunk's nearest seed is no nearer than the last chunk's.
      const std::uint64_t distance = chunk->first >= center
                                         ? chunk->first - center
                                         : center - chunk->second;
      EXPECT_GE(distance + 7, previous_distance);
      previous_distance = distance;
      for (std::uint64_t s = chunk->first; s <= chunk->second; ++s) ++seen[s];
    }
    ASSERT_EQ(seen.size(), 101U);
    for (const auto& [seed, count] : seen) EXPECT_EQ(count, 1) << seed;
    EXPECT_FALSE(SeedChunk(o, SeedChunkCount(o)).has_value());
  }
}

TEST(SeedSearchTest, ShardsTogetherTestEverySeedExactlyOnce) {
  io::MemoryFileSystem fs;
  for (std::uint32_t n : {1U, 2U, 3U, 5U}) {
    for (std::uint64_t center : {0ULL, 20ULL, 999ULL}) {
      SCOPED_TRACE(std::to_string(n) + " shards, center " +
                   std::to_string(center));
      RecordingTester tester;
      std::uint64_t shard_seeds = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        SeedSearchOptions o = Options(0, 999, center, 16);
        o.shard = {k, n};
        WorkerPool pool(3);
        auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
        ASSERT_THAT(result, IsOk());
        EXPECT_TRUE(result->complete);
        EXPECT_FALSE(result->seed.has_value());
        shard_seeds += result->shard_seeds;
        // Even shares, whatever side of the center the range lies on.
        EXPECT_LE(result->shard_seeds, (1000 / n) + 2 * 16U);
        EXPECT_GE(result->shard_seeds + 2 * 16U, 1000 / n);
        EXPECT_EQ(result->tested, result->shard_seeds);
      }
      EXPECT_EQ(shard_seeds, 1000U);
      const auto times = tester.times();
      ASSERT_EQ(times.size(), 1000U);
      for (const auto& [seed, count] : times) EXPECT_EQ(count, 1) << seed;
    }
  }
}

TEST(SeedSearchTest, FindsTheSeedThatConfirmsNotACheapFalsePositive) {
  io::MemoryFileSystem fs;
  RecordingTester tester;
  tester.cheap = {10, 500, 70000};
  tester.real = 123456;
  SeedSearchOptions o = Options(0, (1ULL << 20) - 1, 100000, 1024);
  WorkerPool pool(4);
  auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->seed.has_value());
  EXPECT_EQ(*result->seed, 123456U);
  // Outward from 100000, and stopped once found: not the whole space. How
  // far past the answer the other workers got before they saw it depends on
  // the scheduler (a loaded machine once let them test 300,000), so the
  // bound is the space, not a guess at their speed.
  EXPECT_LT(result->tested, 1ULL << 20);
}

TEST(SeedSearchTest, AStoppedSearchResumesFromItsCheckpoint) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(0, 99999, 50000, 100);
  o.checkpoint = "/state/search.json";
  o.checkpoint_interval = std::chrono::milliseconds(0);

  RecordingTester first_run;
  StopSource source;
  first_run.stop = &source;
  first_run.stop_after = 30000;
  {
    WorkerPool pool(3);
    auto stopped = RunSeedSearch(first_run, o, pool, &fs, source.token());
    EXPECT_EQ(stopped.status().code(), StatusCode::kCancelled);
  }
  const auto before = first_run.times();
  ASSERT_GE(before.size(), 30000U);
  ASSERT_LT(before.size(), 100000U);

  RecordingTester second_run;
  WorkerPool pool(3);
  auto resumed = RunSeedSearch(second_run, o, pool, &fs, StopToken());
  ASSERT_THAT(resumed, IsOk());
  EXPECT_TRUE(resumed->complete);
  EXPECT_GE(resumed->resumed, 29000U);  // The checkpoint held most of it.
  EXPECT_EQ(resumed->resumed + resumed->tested, 100000U);
  // Together the runs tried every seed; the second run did not redo what
  // the checkpoint had, beyond the chunks in flight at the stop (at most 3
  // workers * 100 seeds, each cut short).
  const auto after = second_run.times();
  std::uint64_t redone = 0;
  for (const auto& [seed, count] : after) {
    if (before.count(seed) != 0) ++redone;
  }
  EXPECT_LE(redone, 300U);
  std::set<std::uint64_t> all;
  for (const auto& [seed, count] : before) all.insert(seed);
  for (const auto& [seed, count] : after) all.insert(seed);
  EXPECT_EQ(all.size(), 100000U);
}

// A search killed outright (no stop, no final write) still leaves a
// checkpoint of what it had done: it is written while the search runs.
class PeekingTester final : public SeedTester {
 public:
  explicit PeekingTester(io::MemoryFileSystem& fs) : fs_(fs) {}
  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>&) const override {
    if (first >= 5000 && !seen_.exchange(true)) {
      saw_checkpoint_ = fs_.Stat("/state/search.json").ok();
    }
    (void)count;
  }
  bool Confirm(std::uint64_t) const override { return false; }
  bool saw_checkpoint() const { return saw_checkpoint_; }

 private:
  io::MemoryFileSystem& fs_;
  mutable std::atomic<bool> seen_{false};
  mutable std::atomic<bool> saw_checkpoint_{false};
};

TEST(SeedSearchTest, TheCheckpointIsWrittenWhileTheSearchRuns) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(0, 9999, 0, 100);
  o.checkpoint = "/state/search.json";
  o.checkpoint_interval = std::chrono::milliseconds(0);
  PeekingTester tester(fs);
  WorkerPool pool(1);
  ASSERT_THAT(RunSeedSearch(tester, o, pool, &fs, StopToken()), IsOk());
  EXPECT_TRUE(tester.saw_checkpoint());
}

TEST(SeedSearchTest, AFoundSeedRemovesTheCheckpoint) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(0, 9999, 5000, 100);
  o.checkpoint = "/state/search.json";
  o.checkpoint_interval = std::chrono::milliseconds(0);
  RecordingTester tester;
  tester.real = 7777;
  WorkerPool pool(2);
  auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
  ASSERT_THAT(result, IsOk());
  ASSERT_TRUE(result->seed.has_value());
  EXPECT_EQ(*result->seed, 7777U);
  EXPECT_EQ(fs.Stat("/state/search.json").status().code(),
            StatusCode::kNotFound);
}

TEST(SeedSearchTest, AnExhaustedSearchSaysWhatItCoveredAndIsNotRedone) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(1000, 1999, 1500, 64);
  o.checkpoint = "/state/search.json";
  RecordingTester tester;
  WorkerPool pool(2);
  auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
  ASSERT_THAT(result, IsOk());
  EXPECT_FALSE(result->seed.has_value());
  EXPECT_TRUE(result->complete);
  EXPECT_EQ(result->covered_first, 1000U);
  EXPECT_EQ(result->covered_last, 1999U);
  RecordingTester again;
  auto rerun = RunSeedSearch(again, o, pool, &fs, StopToken());
  ASSERT_THAT(rerun, IsOk());
  EXPECT_EQ(rerun->tested, 0U);
  EXPECT_EQ(rerun->resumed, 1000U);
  EXPECT_TRUE(again.times().empty());
}

TEST(SeedSearchTest, ACheckpointOfAnotherSearchIsNotUsed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(0, 999, 0, 10);
  o.checkpoint = "/state/search.json";
  RecordingTester tester;
  WorkerPool pool(2);
  ASSERT_THAT(RunSeedSearch(tester, o, pool, &fs, StopToken()), IsOk());
  o.fingerprint = "another file";
  RecordingTester other;
  auto result = RunSeedSearch(other, o, pool, &fs, StopToken());
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->resumed, 0U);
  EXPECT_EQ(result->tested, 1000U);
}

TEST(SeedSearchTest, ADamagedCheckpointIsAClearError) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/state"), IsOk());
  SeedSearchOptions o = Options(0, 999, 0, 10);
  o.checkpoint = "/state/search.json";
  for (const std::string text :
       {"{not json", "[]", "{\"kintsugi_seed_checkpoint\": 1}"}) {
    SCOPED_TRACE(text);
    fs.Remove(o.checkpoint).IgnoreError();
    auto file = fs.CreateNew(o.checkpoint);
    ASSERT_THAT(file, IsOk());
    ASSERT_THAT(
        (*file)->Append(ByteView(
            reinterpret_cast<const std::uint8_t*>(text.data()), text.size())),
        IsOk());
    ASSERT_THAT((*file)->Close(), IsOk());
    RecordingTester tester;
    WorkerPool pool(1);
    auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), StatusCode::kCorrupt);
    EXPECT_THAT(result.error().message(), HasSubstr("remove it"));
    EXPECT_TRUE(tester.times().empty());
  }
}

TEST(SeedSearchTest, BadOptionsAreRefused) {
  io::MemoryFileSystem fs;
  RecordingTester tester;
  WorkerPool pool(1);
  SeedSearchOptions reversed = Options(10, 5, 7, 1);
  EXPECT_EQ(
      RunSeedSearch(tester, reversed, pool, &fs, StopToken()).error().code(),
      StatusCode::kInvalidArgument);
  SeedSearchOptions no_chunk = Options(0, 5, 0, 0);
  EXPECT_EQ(
      RunSeedSearch(tester, no_chunk, pool, &fs, StopToken()).error().code(),
      StatusCode::kInvalidArgument);
  SeedSearchOptions bad_shard = Options(0, 5, 0, 1);
  bad_shard.shard = {3, 3};
  EXPECT_EQ(
      RunSeedSearch(tester, bad_shard, pool, &fs, StopToken()).error().code(),
      StatusCode::kInvalidArgument);
}

TEST(SeedSearchTest, TheWholeSixtyFourBitRangeDoesNotOverflow) {
  const SeedSearchOptions o = Options(0, UINT64_MAX, UINT64_MAX - 5, 1 << 20);
  auto first = SeedChunk(o, 0);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->first, UINT64_MAX - 5);
  EXPECT_EQ(first->second, UINT64_MAX);
  auto below = SeedChunk(o, 1);
  ASSERT_TRUE(below.has_value());
  EXPECT_EQ(below->second, UINT64_MAX - 6);
  EXPECT_EQ(below->second - below->first + 1, 1U << 20);
  // The top side ran out: the numbers go on down.
  auto next = SeedChunk(o, 2);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->second, below->first - 1);
}

TEST(SeedSearchTest, SaysWhatItWillSearchBeforeItStarts) {
  io::MemoryFileSystem fs;
  RecordingTester tester;
  SeedSearchOptions o = Options(0, 9999, 100, 500);
  std::vector<SeedSearchPlan> plans;
  std::uint64_t tested_before_plan = 0;
  o.on_plan = [&](const SeedSearchPlan& plan) {
    plans.push_back(plan);
    tested_before_plan = tester.times().size();
  };
  WorkerPool pool(2);
  auto result = RunSeedSearch(tester, o, pool, &fs, StopToken());
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans[0].shard_seeds, 10000U);
  EXPECT_EQ(plans[0].left, 10000U);
  EXPECT_EQ(plans[0].workers, 2U);
  EXPECT_GT(plans[0].seeds_per_second, 0.0);
  // Only the few calibration seeds were tried before the plan was said.
  EXPECT_LE(tested_before_plan, 64U);
}

TEST(SeedShardTest, ParsesKOfN) {
  auto shard = ParseSeedShard("2/5");
  ASSERT_THAT(shard, IsOk());
  EXPECT_EQ(shard->index, 1U);
  EXPECT_EQ(shard->count, 5U);
  for (const char* bad : {"0/5", "6/5", "1/0", "1", "/", "a/b", "1/2/3", " 1/2",
                          "1/99999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseSeedShard(bad).ok());
  }
}

}  // namespace
}  // namespace kintsugi
