// Recovering Jigsaw specimens from the page cache (issue 4, "Speed"): the
// whole pipeline (probe, key check, streaming AES-128-CBC, verification)
// over 1 GiB of specimens, per thread. bench/recover/compare.sh divides the
// rate by `openssl speed -evp aes-128-cbc -decrypt` and prints the ratio and
// the peak memory (getrusage maxrss, which must stay under 64 MiB).
//
// Specimens are generated once into $KINTSUGI_BENCH_DIR (default
// /tmp/kintsugi-bench-recover), one explicit file at a time
// (recovery-schemes.md §0), and reused by later runs.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "crypto/aes_cbc.h"
#include "families/jigsaw/jigsaw.h"
#include "kintsugi/fs.h"
#include "kintsugi/recover.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;

constexpr std::size_t kFileBytes = 8 * 1024 * 1024;  // Jigsaw: < 10 MB.
constexpr int kFiles = 128;                          // 1 GiB in all.

Path SpecimenDir() {
  const char* dir = std::getenv("KINTSUGI_BENCH_DIR");
  return dir != nullptr ? Path(dir) : Path("/tmp/kintsugi-bench-recover");
}

void MakeSpecimens(const Path& dir) {
  if (stdfs::exists(dir / "ready")) return;
  stdfs::create_directories(dir / "in");
  // Synthetic prose-like ASCII text (§0), encrypted with key 1 (§3.1).
  Bytes plain(kFileBytes - 1);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] =
        static_cast<std::uint8_t>(i % 64 == 63 ? '\n' : "lorem ipsum "[i % 12]);
  }
  const Bytes enc =
      *crypto::AesCbcEncrypt(*FromHex(families::kJigsawKey1Hex),
                             *FromHex(families::kJigsawIvHex), plain);
  for (int i = 0; i < kFiles; ++i) {
    const std::string name = "f" + std::to_string(i) + ".txt.fun";
    if (stdfs::exists(dir / "in" / name)) continue;
    if (!WriteNewFile(RealFileSystem(), dir / "in" / name, enc).ok()) {
      std::abort();
    }
  }
  if (!WriteNewFile(RealFileSystem(), dir / "ready", Bytes{}).ok()) {
    std::abort();
  }
}

void Report(benchmark::State& state, const RecoverReport& report) {
  if (report.counts[0] != kFiles) state.SkipWithError("not all recovered");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          kFiles * static_cast<std::int64_t>(kFileBytes));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["maxrss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Decrypt and verify only (--dry-run): the decryption pipeline itself.
void BM_RecoverJigsawDryRun(benchmark::State& state) {
  const Path dir = SpecimenDir();
  MakeSpecimens(dir);
  RecoverOptions options;
  options.paths = {dir / "in"};
  options.threads = static_cast<unsigned>(state.range(0));
  options.dry_run = true;
  RecoverReport report;
  for (auto _ : state) {
    auto result = Recover(RealFileSystem(), options);
    if (!result) state.SkipWithError(result.error().ToString().c_str());
    report = std::move(*result);
  }
  Report(state, report);
  state.counters["threads"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_RecoverJigsawDryRun)->Arg(1)->Unit(benchmark::kMillisecond);

// The full run: outputs written, fsynced and renamed under --out (fsync
// cost depends on the disk; on tmpfs it is nearly free).
void BM_RecoverJigsawWrite(benchmark::State& state) {
  const Path dir = SpecimenDir();
  MakeSpecimens(dir);
  RecoverOptions options;
  options.paths = {dir / "in"};
  options.threads = 1;
  RecoverReport report;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::error_code ec;
    stdfs::remove_all(dir / "out", ec);  // Our own bench output only.
    options.out_dir = dir / "out";
    ++round;
    state.ResumeTiming();
    auto result = Recover(RealFileSystem(), options);
    if (!result) state.SkipWithError(result.error().ToString().c_str());
    report = std::move(*result);
  }
  Report(state, report);
}
BENCHMARK(BM_RecoverJigsawWrite)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();
