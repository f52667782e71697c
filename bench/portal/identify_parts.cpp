// Where the portal's identify time goes under load (bench/portal/load.sh):
// a server on the portal's own HTTP layer (HttpServer, the same security
// headers, JsonResponse) that answers POST /api/v1/identify with what the
// portal answers for REQUEST.json, doing only part of the portal's work:
//   canned    answers the report's JSON, written once at start: the cost of
//             HTTP alone (libmicrohttpd, the kernel's TCP, the client);
//   no-json   decodes and identifies every request as the portal does, and
//             answers the JSON written at start: everything but writing
//             the report's JSON;
//   full      decodes, identifies and writes the JSON for every request:
//             the portal's identify work without its router, rate limiter
//             and metrics.
// A request with another body is answered 400: this is a measuring tool,
// not a server. Prints the port on stdout, then serves until SIGTERM or
// SIGINT.
// Usage: portal_identify_parts MODE REQUEST.json [REPEAT]
//   REPEAT (no-json and full): decode and identify each request that many
//   times, the last one answered: the CPU per request, less canned's, over
//   REPEAT is what the engine costs in the server run back to back rather
//   than between one request's network work and the next.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "kintsugi/identify.h"
#include "kintsugi/report_json.h"
#include "portal/api_response.h"
#include "portal/http_server.h"
#include "portal/identify_request.h"

namespace {

using kintsugi::portal::HttpRequest;
using kintsugi::portal::HttpResponse;

// The report's JSON for `body`, as the portal writes it; empty on failure
// (the error printed).
std::string Answer(const kintsugi::identify::CompiledKb& kb,
                   std::string_view body) {
  auto request = kintsugi::portal::ParseIdentifyRequest(body);
  if (!request) {
    std::fprintf(stderr, "%s\n", request.error().ToString().c_str());
    return "";
  }
  auto report = kintsugi::portal::IdentifyAsCli(kb, *request);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return "";
  }
  return kintsugi::IdentifyReportJson(*report, request->unread, -1);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 || argc == 4 ? argv[1] : "";
  const int repeat = argc == 4 ? std::atoi(argv[3]) : 1;
  if ((mode != "canned" && mode != "no-json" && mode != "full") || repeat < 1) {
    std::fprintf(stderr,
                 "usage: %s canned|no-json|full REQUEST.json [REPEAT]\n",
                 argv[0]);
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::ostringstream read;
  read << in.rdbuf();
  const std::string body = read.str();
  auto kb = kintsugi::identify::CompileBuiltInKb();
  if (!kb) {
    std::fprintf(stderr, "%s\n", kb.error().ToString().c_str());
    return 1;
  }
  const kintsugi::identify::CompiledKb& compiled = **kb;
  const std::string canned = Answer(compiled, body);
  if (canned.empty()) return 1;

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // the server's threads too

  kintsugi::portal::HttpServerOptions options;
  options.port = 0;
  options.max_body_bytes = 1 << 20;
  options.default_headers = kintsugi::portal::SecurityHeaders(false);
  auto server = kintsugi::portal::HttpServer::Start(
      options, [&](const HttpRequest& request) -> HttpResponse {
        if (request.method != "POST" || request.path != "/api/v1/identify" ||
            request.body != body) {
          return kintsugi::portal::JsonError(400, "invalid_argument",
                                             "not the request measured");
        }
        if (mode == "canned") {
          return kintsugi::portal::JsonResponse(200, canned);
        }
        for (int i = 1; i < repeat; ++i) {
          auto again = kintsugi::portal::ParseIdentifyRequest(request.body);
          if (!again) return kintsugi::portal::StatusError(again.error());
          if (!kintsugi::portal::IdentifyAsCli(compiled, *again)) {
            return kintsugi::portal::JsonError(500, "internal", "identify");
          }
        }
        auto parsed = kintsugi::portal::ParseIdentifyRequest(request.body);
        if (!parsed) return kintsugi::portal::StatusError(parsed.error());
        auto report = kintsugi::portal::IdentifyAsCli(compiled, *parsed);
        if (!report) return kintsugi::portal::StatusError(report.error());
        if (mode == "no-json") {
          return kintsugi::portal::JsonResponse(200, canned);
        }
        return kintsugi::portal::JsonResponse(
            200, kintsugi::IdentifyReportJson(*report, parsed->unread, -1));
      });
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().ToString().c_str());
    return 1;
  }
  std::printf("%u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  (*server)->Stop(1);
  return 0;
}
