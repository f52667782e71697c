// How long loading the full KB takes (issue 3: loading and compiling the
// full KB "well under a second"). Figures go to docs/benchmarks.md.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "kintsugi/kb.h"

namespace {

void BM_LoadEmbeddedKb(benchmark::State& state) {
  for (auto _ : state) {
    auto kb = kintsugi::kb::LoadEmbeddedKnowledgeBase();
    if (!kb.has_value()) {
      state.SkipWithError(kb.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(kb->families.size());
  }
}
BENCHMARK(BM_LoadEmbeddedKb)->Unit(benchmark::kMillisecond);

void BM_LoadKbFolder(benchmark::State& state) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::string dir = std::string(root != nullptr ? root : ".") + "/kb";
  for (auto _ : state) {
    auto kb = kintsugi::kb::LoadKnowledgeBase(kintsugi::RealFileSystem(), dir);
    if (!kb.has_value()) {
      state.SkipWithError(kb.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(kb->families.size());
  }
}
BENCHMARK(BM_LoadKbFolder)->Unit(benchmark::kMillisecond);

void BM_LintKb(benchmark::State& state) {
  auto kb = kintsugi::kb::LoadEmbeddedKnowledgeBase();
  if (!kb.has_value()) {
    state.SkipWithError(kb.error().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(kintsugi::kb::Lint(*kb).size());
  }
}
BENCHMARK(BM_LintKb)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
