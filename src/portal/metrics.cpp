// Prometheus text for /metrics (metrics.h).

#include "portal/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace kintsugi::portal {
namespace {

// Appended to, never reordered.
constexpr int kStatusCodes[] = {200, 201, 204, 301, 302, 304, 400,
                                403, 404, 405, 413, 415, 422, 429,
                                500, 503, 303, 401, 409};

const char* RouteName(std::size_t route) {
  static constexpr const char* kNames[] = {
      "page",    "asset", "identify",     "families",
      "family",  "keys",  "openapi",      "healthz",
      "metrics", "other", "partner-page", "partner-api"};
  return kNames[route];
}

}  // namespace

Metrics::Metrics()
    : started_(std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}

void Metrics::Record(Route route, int status, double seconds) {
  PerRoute& r = routes_[std::min(static_cast<std::size_t>(route), kRoutes - 1)];
  std::size_t s = kStatuses - 1;
  for (std::size_t i = 0; i < std::size(kStatusCodes); ++i) {
    if (kStatusCodes[i] == status) s = i;
  }
  r.by_status[s].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBounds.size() && seconds > kBounds[b]) ++b;
  r.latency[b].fetch_add(1, std::memory_order_relaxed);
  r.micros.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e6),
                     std::memory_order_relaxed);
}

std::string Metrics::Prometheus() const {
  std::string out;
  out +=
      "# HELP kintsugi_http_requests_total Requests answered, by route and "
      "status.\n# TYPE kintsugi_http_requests_total counter\n";
  for (std::size_t r = 0; r < kRoutes; ++r) {
    for (std::size_t s = 0; s < kStatuses; ++s) {
      const std::uint64_t n = routes_[r].by_status[s].load();
      if (n == 0) continue;
      out += fmt::format(
          "kintsugi_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
          RouteName(r),
          s < std::size(kStatusCodes) ? std::to_string(kStatusCodes[s])
                                      : std::string("other"),
          n);
    }
  }
  out +=
      "# HELP kintsugi_http_request_duration_seconds Time to answer, by "
      "route.\n# TYPE kintsugi_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutes; ++r) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      cumulative += routes_[r].latency[b].load();
      out += fmt::format(
          "kintsugi_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}"
          "\"}} {}\n",
          RouteName(r),
          b < kBounds.size() ? fmt::format("{}", kBounds[b]) : "+Inf",
          cumulative);
    }
    out += fmt::format(
        "kintsugi_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n"
        "kintsugi_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
        RouteName(r), static_cast<double>(routes_[r].micros.load()) / 1e6,
        RouteName(r), cumulative);
  }
  out += fmt::format(
      "# HELP kintsugi_start_time_seconds When the server started.\n"
      "# TYPE kintsugi_start_time_seconds gauge\n"
      "kintsugi_start_time_seconds {}\n",
      started_);
  return out;
}

}  // namespace kintsugi::portal
