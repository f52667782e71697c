// The engine alone on the portal's typical identify request (issue 14's
// load target: POST /api/v1/identify at least 0.7x "the engine alone on the
// same note, times the cores"). Parses REQUEST.json once as the portal
// does, then identifies its inputs over and over for about two seconds of
// CPU and prints the CPU time per request and what the cores could do:
//   cpu_us_per_request 812.3
//   engine_requests_per_second 2462.1   (cores / CPU time per request)
// Used by bench/portal/load.sh.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

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
  auto request = kintsugi::portal::ParseIdentifyRequest(body.str());
  if (!request) {
    std::fprintf(stderr, "%s\n", request.error().ToString().c_str());
    return 1;
  }
  // Warm-up, then about 2 s of CPU.
  std::size_t candidates = (*kb)->Identify(request->inputs).candidates.size();
  const double start = CpuSeconds();
  std::size_t runs = 0;
  while (CpuSeconds() - start < 2.0) {
    candidates += (*kb)->Identify(request->inputs).candidates.size();
    ++runs;
  }
  const double per_request = (CpuSeconds() - start) / static_cast<double>(runs);
  // What the portal adds outside HTTP, apart: parsing the request (base64,
  // JSON, classifying the inputs) and writing the report's JSON.
  const std::string text = body.str();
  double mark = CpuSeconds();
  std::size_t parses = 0;
  while (CpuSeconds() - mark < 1.0) {
    if (!kintsugi::portal::ParseIdentifyRequest(text)) return 1;
    ++parses;
  }
  const double per_parse = (CpuSeconds() - mark) / static_cast<double>(parses);
  const kintsugi::identify::Report report = (*kb)->Identify(request->inputs);
  mark = CpuSeconds();
  std::size_t writes = 0;
  std::size_t bytes = 0;
  while (CpuSeconds() - mark < 1.0) {
    bytes = kintsugi::IdentifyReportJson(report, request->unread).size();
    ++writes;
  }
  const double per_write = (CpuSeconds() - mark) / static_cast<double>(writes);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("cpu_us_per_request %.1f\n", per_request * 1e6);
  std::printf("engine_requests_per_second %.1f\n",
              static_cast<double>(cores) / per_request);
  std::printf("parse_cpu_us %.1f\n", per_parse * 1e6);
  std::printf("json_cpu_us %.1f (%zu bytes)\n", per_write * 1e6, bytes);
  std::printf("candidates_seen %zu\n", candidates);
  return 0;
}
