// Akira's Stage A candidate test (recovery-schemes-3.md §3.9 "Cheapest
// candidate test"): (T3, gap) pairs per second, one KCipher-2
// initialisation each, on one core and on all cores through the search
// engine, beside the figure published for the public GPU tool (a Quadro
// RTX 8000 tests about 8.66e8 pairs/s, §3.9 "Published rates"): the
// counter `vs_rtx8000` is our rate divided by it.
//
// BM_KCipher2First8: the bare test on one core (key expanded once, the IV
// varies). BM_StageA/threads:N: the engine over a window of T3 values with
// a band of 4,096 gaps and a target nothing matches, the Yarrow keys
// already in the cache (a real search derives each once: about 255 us a
// timestamp, BM_Yarrow256, negligible against |band| pairs per T3).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "crypto/kcipher2.h"
#include "families/akira/search.h"
#include "recover/seed_search.h"

namespace kintsugi {
namespace {

namespace akira = families::akira;

constexpr double kRtx8000PairsPerSecond = 8.66e8;
constexpr std::uint64_t kT3 = 1741841294374553498;

void BM_KCipher2First8(benchmark::State& state) {
  const akira::Key16 key = akira::DeriveKey(kT3);
  const crypto::KCipher2Key expanded = crypto::KCipher2Expand(key.data());
  akira::Key16 iv = akira::DeriveKey(kT3 + 1);
  std::uint64_t sink = 0;
  for (auto _ : state) {
    iv[15] = static_cast<std::uint8_t>(iv[15] + 1);
    sink ^= crypto::KCipher2First8(expanded, iv.data());
  }
  benchmark::DoNotOptimize(sink);
  state.counters["pairs_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["vs_rtx8000"] = benchmark::Counter(
      static_cast<double>(state.iterations()) / kRtx8000PairsPerSecond,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KCipher2First8);

void BM_Yarrow256(benchmark::State& state) {
  std::uint64_t t = kT3;
  for (auto _ : state) {
    benchmark::DoNotOptimize(akira::DeriveKey(t++));
  }
  state.counters["keys_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Yarrow256)->Unit(benchmark::kMicrosecond);

void BM_StageA(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  constexpr std::uint64_t kBand = 4096;
  constexpr std::uint64_t kWindow = 1024;
  akira::KeyCache cache(64);
  const akira::GapBand band{1'000'000, 1'000'000 + kBand - 1, 1, 0};
  // Nothing matches: every pair is tested.
  akira::StageATester tester(
      cache, band, {akira::Target{0x0123456789abcdefULL, ~0ULL, "none"}});
  WorkerPool pool(threads);
  SeedSearchOptions options;
  options.first = kT3;
  options.last = kT3 + kWindow - 1;
  options.center = options.first;
  options.chunk = 16;
  // Warm the key cache (a real search derives each key once).
  {
    std::vector<std::uint64_t> ignored;
    tester.Test(options.first, 1, ignored);
    tester.Test(options.last, 1, ignored);
  }
  std::uint64_t pairs = 0;
  for (auto _ : state) {
    auto result = RunSeedSearch(tester, options, pool, nullptr, StopToken());
    if (!result.ok() || result->seed) state.SkipWithError("search failed");
    pairs += kWindow * kBand;
  }
  state.counters["pairs_per_s"] = benchmark::Counter(
      static_cast<double>(pairs), benchmark::Counter::kIsRate);
  state.counters["vs_rtx8000"] =
      benchmark::Counter(static_cast<double>(pairs) / kRtx8000PairsPerSecond,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StageA)
    ->Arg(1)
    ->Arg(static_cast<int>(std::max(1U, std::thread::hardware_concurrency())))
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();
