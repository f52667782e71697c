// Akira's Stage A candidate test (recovery-schemes-3.md §3.9: KCipher-2
// keyed with K(T3), IV K(T3 + gap), first 8 keystream bytes compared) in
// (T3, gap) pairs per second, on every device this machine has (issue 18):
//
//   BM_AkiraPairsCpu/threads/N    the CPU path (crypto::KCipher2First8, one
//                                 key expansion per T3), on 1 and on all
//                                 cores;
//   BM_AkiraPairsOpenCl/DEVICE    the OpenCL kernel (src/gpu) on each
//                                 OpenCL device found (pocl's CPU device
//                                 where there is no GPU).
//
// Each prints pairs/s and vs_rtx8000, its ratio to the published figure of
// the public GPU tool: a Quadro RTX 8000 at 8.66e8 pairs/s (spec §3.9
// "Published rates", the third-party run). The keys are random and the
// target is one they do not give: every pair is tested, none passes, as in
// a search that has not found the answer yet.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crypto/kcipher2.h"
#include "gpu/akira_pairs.h"
#include "gpu/opencl.h"

namespace kintsugi::gpu {
namespace {

// Pairs per second of the public tool on a Quadro RTX 8000 (spec §3.9).
constexpr double kPublishedRtx8000 = 8.66e8;

// A band of 4096 gaps: one launch row as wide as a real band's tile.
constexpr std::uint32_t kGaps = 4096;

std::vector<AkiraKey> RandomKeys(std::size_t count) {
  std::mt19937_64 random(20250313);
  std::vector<AkiraKey> keys(count);
  for (AkiraKey& key : keys) {
    for (std::uint8_t& byte : key) byte = static_cast<std::uint8_t>(random());
  }
  return keys;
}

void SetRates(benchmark::State& state, double pairs) {
  state.SetItemsProcessed(static_cast<std::int64_t>(pairs));
  state.counters["pairs/s"] =
      benchmark::Counter(pairs, benchmark::Counter::kIsRate);
  state.counters["vs_rtx8000"] = benchmark::Counter(
      pairs / kPublishedRtx8000, benchmark::Counter::kIsRate);
}

// The CPU path on state.range(0) threads, each on its own T3 rows (the
// threads are started in each iteration: tens of microseconds against tens
// of milliseconds of work).
void BM_AkiraPairsCpu(benchmark::State& state) {
  constexpr std::uint32_t kRows = 16;
  static const std::vector<AkiraKey> keys = RandomKeys(4096 + kGaps);
  const auto threads = static_cast<std::uint32_t>(state.range(0));
  const std::uint64_t target = 0x0123456789abcdefULL;
  std::atomic<std::uint64_t> hits{0};
  std::uint32_t row = 0;
  double pairs = 0;
  const auto work = [&](std::uint32_t first) {
    std::uint64_t found = 0;
    for (std::uint32_t r = 0; r < kRows; ++r) {
      const std::uint32_t index = (first + r) % 4096;
      const crypto::KCipher2Key key =
          crypto::KCipher2Expand(keys[index].data());
      for (std::uint32_t gap = 1; gap <= kGaps; ++gap) {
        found +=
            crypto::KCipher2First8(key, keys[index + gap].data()) == target;
      }
    }
    hits += found;
  };
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (std::uint32_t t = 0; t < threads; ++t) {
      pool.emplace_back(work, row + t * kRows);
    }
    for (std::thread& thread : pool) thread.join();
    row += threads * kRows;
    pairs += static_cast<double>(threads) * kRows * kGaps;
  }
  benchmark::DoNotOptimize(hits.load());
  SetRates(state, pairs);
}

// One OpenCL device: launches of about a quarter second each.
void BM_AkiraPairsOpenCl(benchmark::State& state,
                         std::shared_ptr<AkiraPairSearch> search) {
  const std::uint32_t rows =
      search->device().kind == DeviceKind::kCpu ? 128 : 16384;
  const std::vector<AkiraKey> keys = RandomKeys(std::size_t{rows} + kGaps);
  AkiraPairJob job;
  job.keys = keys;
  job.count = rows;
  job.gap_min = 1;
  job.gap_max = kGaps;
  job.targets = {AkiraTarget{0x0123456789abcdefULL}};
  // The first launch pays for the driver's lazy set-up.
  if (const auto warm = search->Run(job); !warm.ok()) {
    state.SkipWithError(warm.status().ToString().c_str());
    return;
  }
  double pairs = 0;
  for (auto _ : state) {
    const auto hits = search->Run(job);
    if (!hits.ok()) {
      state.SkipWithError(hits.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(hits->size());
    pairs += static_cast<double>(rows) * kGaps;
  }
  SetRates(state, pairs);
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  benchmark::RegisterBenchmark("BM_AkiraPairsCpu/threads", BM_AkiraPairsCpu)
      ->Arg(1)
      ->Arg(static_cast<int>(cores))
      ->MeasureProcessCPUTime()
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  const auto devices = OpenClDevices();
  if (!devices.ok()) {
    benchmark::AddCustomContext("opencl", devices.status().ToString());
  } else if (devices->empty()) {
    benchmark::AddCustomContext("opencl", "no OpenCL device");
  }
  for (const OpenClDevice& device :
       devices.value_or(std::vector<OpenClDevice>())) {
    const std::string name = DescribeOpenClDevice(device);
    auto search = AkiraPairSearch::Open(device);
    if (!search.ok()) {
      benchmark::AddCustomContext("opencl " + name, search.status().ToString());
      continue;
    }
    benchmark::AddCustomContext("opencl " + name,
                                (*search)->local_tables()
                                    ? "tables in local memory"
                                    : "tables in constant memory");
    benchmark::RegisterBenchmark(
        ("BM_AkiraPairsOpenCl/" + device.name).c_str(), BM_AkiraPairsOpenCl,
        std::shared_ptr<AkiraPairSearch>(std::move(*search)))
        ->MeasureProcessCPUTime()
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace kintsugi::gpu

int main(int argc, char** argv) { return kintsugi::gpu::Main(argc, argv); }
