// DarkBit's per-seed cheap test (issue 18; recovery-schemes-3.md §3.11
// "Cheapest candidate test"): seeds/s on one thread and on every core.
//
// BM_DarkBitCheapTest: DarkBitTester::Test over chunks of 4,096 seeds, as
// the seed-search engine calls it: Go's seeding of each candidate
// (prng/go_rand.h, 607 entries of independent products) and its first
// 1,316 draws read as Intn(62) characters, compared with a sample name
// that no seed draws (so the whole window is always read: the worst
// case). items_per_second is seeds/s summed over the threads.
// BM_GoSeed: the seeding alone, for the split.
//
// §3.11 estimates 2-5 us a seed (1-3 core-hours for all 2^31); the
// whole space at the all-core figure is 2^31 / (items_per_second).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <thread>
#include <vector>

#include "families/darkbit/search.h"
#include "families/darkbit/stream.h"
#include "prng/go_rand.h"

namespace kintsugi {
namespace {

constexpr std::uint32_t kChunk = 4096;

families::DarkBitFile Sample() {
  families::DarkBitFile file;
  file.path = "/bench/zzzzzzzz1676212356.Darkbit";
  file.size = 100'000;
  file.footer_bytes = 303;
  file.encrypted_name = Bytes(16, 0x5a);
  file.codes = families::DarkBitCodesOf("zzzzzzzz");
  return file;
}

void BM_DarkBitCheapTest(benchmark::State& state) {
  const std::vector<families::DarkBitFile> samples = {Sample()};
  const families::DarkBitTester tester(samples);
  std::vector<std::uint64_t> hits;
  std::uint64_t first = 1'676'212'345'000'000'000ULL +
                        static_cast<std::uint64_t>(state.thread_index()) *
                            (std::uint64_t{1} << 32);
  for (auto _ : state) {
    hits.clear();
    tester.Test(first, kChunk, hits);
    benchmark::DoNotOptimize(hits.data());
    first += kChunk;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          kChunk);
}
BENCHMARK(BM_DarkBitCheapTest)->Threads(1)->UseRealTime();
BENCHMARK(BM_DarkBitCheapTest)
    ->Threads(static_cast<int>(std::max(1U,
                                        std::thread::hardware_concurrency())))
    ->UseRealTime();

void BM_GoSeed(benchmark::State& state) {
  std::array<std::uint64_t, prng::internal::kGoRngLen> vec{};
  std::int32_t seed = 1;
  for (auto _ : state) {
    prng::GoSeedState(seed, vec);
    benchmark::DoNotOptimize(vec.data());
    seed = seed % 0x7ffffffe + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_GoSeed);

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();
