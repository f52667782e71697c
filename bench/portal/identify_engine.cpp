// The engine alone on the portal's typical identify request (issue 14's
// load target: POST /api/v1/identify at least 0.7x "the engine alone on the
// same note, times the cores"). Decodes REQUEST.json once as the portal
// does, then reads and identifies its evidence over and over for about two
// seconds of CPU (what `kintsugi identify` does with the same files), and
// prints the CPU time per request and what the cores could do:
//   cpu_us_per_request 812.3
//   engine_requests_per_second 2462.1   (cores / CPU time per request)
//   engine_all_cores_requests_per_second 2301.7   (measured, all cores)
// Used by bench/portal/load.sh.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "kintsugi/identify.h"
#include "kintsugi/report_json.h"
#include "portal/identify_request.h"

namespace {

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) +
         static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s REQUEST.json\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  auto kb = kintsugi::identify::CompileBuiltInKb();
  if (!kb) {
    std::fprintf(stderr, "%s\n", kb.error().ToString().c_str());
    return 1;
  }
  const std::string text = body.str();
  auto evidence = kintsugi::portal::DecodeIdentifyRequest(text);
  if (!evidence) {
    std::fprintf(stderr, "%s\n", evidence.error().ToString().c_str());
    return 1;
  }
  // The engine: identify reading the evidence (the note's text, the files'
  // names and bytes, the contacts) as `kintsugi identify` reads files, then
  // scoring it. Warm-up, then about 2 s of CPU.
  const auto engine = [&]() -> std::size_t {
    const auto request = kintsugi::portal::ReadEvidence(*evidence);
    auto report = kintsugi::portal::IdentifyAsCli(**kb, request);
    return report ? report->candidates.size() : 0;
  };
  std::size_t candidates = engine();
  const double start = CpuSeconds();
  std::size_t runs = 0;
  while (CpuSeconds() - start < 2.0) {
    candidates += engine();
    ++runs;
  }
  const double per_request = (CpuSeconds() - start) / static_cast<double>(runs);
  // What the portal adds outside HTTP, apart: decoding the request (JSON,
  // base64) and writing the report's JSON (compact, as the API answers).
  double mark = CpuSeconds();
  std::size_t decodes = 0;
  while (CpuSeconds() - mark < 1.0) {
    if (!kintsugi::portal::DecodeIdentifyRequest(text)) return 1;
    ++decodes;
  }
  const double per_decode =
      (CpuSeconds() - mark) / static_cast<double>(decodes);
  const auto request = kintsugi::portal::ReadEvidence(*evidence);
  const kintsugi::identify::Report report = (*kb)->Identify(request.inputs);
  mark = CpuSeconds();
  std::size_t writes = 0;
  std::size_t bytes = 0;
  while (CpuSeconds() - mark < 1.0) {
    bytes = kintsugi::IdentifyReportJson(report, request.unread, -1).size();
    ++writes;
  }
  const double per_write = (CpuSeconds() - mark) / static_cast<double>(writes);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("cpu_us_per_request %.1f\n", per_request * 1e6);
  std::printf("engine_requests_per_second %.1f\n",
              static_cast<double>(cores) / per_request);
  // The same engine on every core at once, by the wall clock: what "times
  // the cores" leaves out (the cores share caches and memory bandwidth).
  std::vector<std::size_t> counts(cores, 0);
  std::vector<std::size_t> seen(cores, 0);
  std::vector<std::thread> threads;
  const auto wall_start = std::chrono::steady_clock::now();
  const auto deadline = wall_start + std::chrono::seconds(2);
  for (unsigned t = 0; t < cores; ++t) {
    threads.emplace_back([&, t] {
      while (std::chrono::steady_clock::now() < deadline) {
        seen[t] += engine();
        ++counts[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double wall = std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - wall_start)
                          .count();
  std::size_t together = 0;
  for (const std::size_t n : counts) together += n;
  for (const std::size_t n : seen) candidates += n;
  std::printf("engine_all_cores_requests_per_second %.1f\n",
              static_cast<double>(together) / wall);
  std::printf("decode_cpu_us %.1f\n", per_decode * 1e6);
  std::printf("json_cpu_us %.1f (%zu bytes)\n", per_write * 1e6, bytes);
  std::printf("candidates_seen %zu\n", candidates);
  return 0;
}
