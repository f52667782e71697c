// Recovering Jigsaw specimens from the page cache (issue 4, "Speed"): the
// whole pipeline (probe, key check, streaming AES-128-CBC, PKCS#7, file-type
// verification) per thread. bench/recover/compare.sh divides the rates by
// `openssl speed -evp aes-128-cbc -decrypt` and prints the ratios and the
// peak memory (getrusage maxrss, which must stay under 64 MiB).
//
// Specimens are generated once into $KINTSUGI_BENCH_DIR (default
// /var/tmp/kintsugi-bench-recover, on a disk: its page cache is what a
// victim's files are read from; a tmpfs such as /dev/shm works too, and reads
// slower on Linux 6.x), one explicit file at a time (recovery-schemes.md §0),
// and reused by later runs. Each benchmark reads every specimen once before
// it starts timing, so that all reads come from the page cache:
//   text/  128 x 8 MiB of synthetic ASCII prose (1 GiB; `.txt.fun`);
//   <kind>/ 32 x ~8 MiB of PDF, DOCX, PNG or JPEG made by the test-only
//          sample generators (only when built with KINTSUGI_BUILD_TESTS=ON).

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/aes_cbc.h"
#include "families/jigsaw/jigsaw.h"
#include "kintsugi/fs.h"
#include "kintsugi/recover.h"
#if defined(KINTSUGI_BENCH_SAMPLES)
#include "formats/testing/sample_files.h"
#endif

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;

constexpr std::size_t kFileBytes = 8 * 1024 * 1024;  // Jigsaw: < 10 MB.
constexpr int kTextFiles = 128;                      // 1 GiB in all.
constexpr int kKindFiles = 32;                       // ~256 MiB a kind.

struct Kind {
  const char* name;       // Folder and benchmark label.
  const char* extension;  // The original's extension.
};
constexpr Kind kKinds[] = {
    {"text", "txt"}, {"pdf", "pdf"},  {"docx", "docx"},
    {"png", "png"},  {"jpeg", "jpg"},
};

Path SpecimenDir() {
  const char* dir = std::getenv("KINTSUGI_BENCH_DIR");
  return dir != nullptr ? Path(dir) : Path("/var/tmp/kintsugi-bench-recover");
}

Bytes Plaintext(const Kind& kind) {
  const std::string name = kind.name;
#if defined(KINTSUGI_BENCH_SAMPLES)
  namespace samples = formats::samples;
  // A little under 8 MiB: PNG and compressed kinds overshoot min_size.
  constexpr std::size_t kTarget = kFileBytes - 512 * 1024;
  if (name == "pdf") return samples::MakePdf(kTarget);
  if (name == "docx") return samples::MakeDocx(kTarget);
  if (name == "png") return samples::MakePng(1400, 1400);
  if (name == "jpeg") return samples::MakeJpeg(kTarget);
#endif
  // Synthetic prose-like ASCII text (§0).
  Bytes plain(kFileBytes - 1);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] =
        static_cast<std::uint8_t>(i % 64 == 63 ? '\n' : "lorem ipsum "[i % 12]);
  }
  return plain;
}

bool Available(const Kind& kind) {
#if defined(KINTSUGI_BENCH_SAMPLES)
  (void)kind;
  return true;
#else
  return std::string(kind.name) == "text";
#endif
}

// Encrypted with Jigsaw key 1 (§3.1), `files` copies.
Path MakeSpecimens(const Kind& kind) {
  const Path dir = SpecimenDir() / kind.name;
  const int files = std::string(kind.name) == "text" ? kTextFiles : kKindFiles;
  if (stdfs::exists(dir / "ready")) return dir / "in";
  stdfs::create_directories(dir / "in");
  const Bytes enc =
      *crypto::AesCbcEncrypt(*FromHex(families::kJigsawKey1Hex),
                             *FromHex(families::kJigsawIvHex), Plaintext(kind));
  for (int i = 0; i < files; ++i) {
    const std::string name =
        "f" + std::to_string(i) + "." + kind.extension + ".fun";
    if (stdfs::exists(dir / "in" / name)) continue;
    if (!WriteNewFile(RealFileSystem(), dir / "in" / name, enc).ok()) {
      std::abort();
    }
  }
  if (!WriteNewFile(RealFileSystem(), dir / "ready", Bytes{}).ok()) {
    std::abort();
  }
  return dir / "in";
}

// Resets the kernel's peak-RSS mark (VmHWM) so that the peak measured is
// the recovery's, not the specimen generation's. Linux >= 4.0.
bool ResetPeakRss() {
  // Heap the specimen generation freed but malloc kept would otherwise
  // count as resident from the reset on.
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  return static_cast<bool>(clear.flush());
}

// VmHWM in MiB since the last reset; getrusage's maxrss (the whole
// process's peak) where /proc cannot say.
double PeakRssMib(bool reset_worked) {
  if (reset_worked) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmHWM:", 0) == 0) {
        return std::strtod(line.substr(6).c_str(), nullptr) / 1024.0;
      }
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// CPU time of the calling thread (the recovery runs on it with
// threads = 1), split into user and system time. `openssl speed` divides by
// user time only; our system time is mostly the kernel's copy out of the page
// cache, which compare.sh reports separately.
struct CpuTimes {
  double user = 0;
  double system = 0;
};
CpuTimes ThreadCpuTimes() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

// Runs one timed recovery and adds its CPU times to `spent`.
Result<RecoverReport> TimedRecover(const RecoverOptions& options,
                                   CpuTimes& spent) {
  const CpuTimes before = ThreadCpuTimes();
  auto result = Recover(RealFileSystem(), options);
  const CpuTimes after = ThreadCpuTimes();
  spent.user += after.user - before.user;
  spent.system += after.system - before.system;
  return result;
}

void Report(benchmark::State& state, const RecoverReport& report,
            std::uint64_t bytes, bool reset_worked, const CpuTimes& spent) {
  const std::size_t recovered = report.counts[0];
  if (recovered != report.files.size()) {
    state.SkipWithError("not every file was recovered and verified");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
  state.counters["peak_rss_mib"] = PeakRssMib(reset_worked);
  state.counters["user_seconds"] = spent.user;
  state.counters["system_seconds"] = spent.system;
}

std::uint64_t TotalBytes(const Path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : stdfs::directory_iterator(dir)) {
    total += entry.file_size();
  }
  return total;
}

// Decrypt and verify only (--dry-run): the decryption pipeline itself.
void BM_RecoverJigsawDryRun(benchmark::State& state) {
  const Kind& kind = kKinds[state.range(0)];
  if (!Available(kind)) {
    state.SkipWithError("needs KINTSUGI_BUILD_TESTS=ON (sample generators)");
    return;
  }
  const Path in = MakeSpecimens(kind);
  RecoverOptions options;
  options.paths = {in};
  options.threads = 1;
  options.dry_run = true;
  RecoverReport report;
  // Untimed: brings every specimen into the page cache.
  if (!Recover(RealFileSystem(), options)) std::abort();
  const bool reset = ResetPeakRss();
  CpuTimes spent;
  for (auto _ : state) {
    auto result = TimedRecover(options, spent);
    if (!result) state.SkipWithError(result.error().ToString().c_str());
    report = std::move(*result);
  }
  Report(state, report, TotalBytes(in), reset, spent);
  state.SetLabel(kind.name);
}
BENCHMARK(BM_RecoverJigsawDryRun)
    ->DenseRange(0, std::size(kKinds) - 1)
    ->Unit(benchmark::kMillisecond);

// The full run: outputs written, fsynced and renamed under --out beside the
// specimens (on tmpfs, fsync is nearly free; on a disk it is not).
void BM_RecoverJigsawWrite(benchmark::State& state) {
  const Kind& kind = kKinds[state.range(0)];
  if (!Available(kind)) {
    state.SkipWithError("needs KINTSUGI_BUILD_TESTS=ON (sample generators)");
    return;
  }
  const Path in = MakeSpecimens(kind);
  const Path out = SpecimenDir() / kind.name / "out";
  RecoverOptions options;
  options.paths = {in};
  options.threads = 1;
  options.out_dir = out;
  RecoverReport report;
  {
    // Untimed: brings every specimen into the page cache.
    RecoverOptions warm = options;
    warm.dry_run = true;
    if (!Recover(RealFileSystem(), warm)) std::abort();
  }
  const bool reset = ResetPeakRss();
  CpuTimes spent;
  for (auto _ : state) {
    state.PauseTiming();
    std::error_code ec;
    stdfs::remove_all(out, ec);  // Our own bench output only.
    state.ResumeTiming();
    auto result = TimedRecover(options, spent);
    if (!result) state.SkipWithError(result.error().ToString().c_str());
    report = std::move(*result);
  }
  Report(state, report, TotalBytes(in), reset, spent);
  state.SetLabel(kind.name);
  std::error_code ec;
  stdfs::remove_all(out, ec);
}
BENCHMARK(BM_RecoverJigsawWrite)
    ->DenseRange(0, std::size(kKinds) - 1)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();
