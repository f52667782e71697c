#pragma once

// The portal's /metrics (issue 14): request counts and latencies per route
// and status, in Prometheus' text format. Routes are a fixed list, never a
// path: nothing a client sent (an ID, a file name) becomes a label.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kintsugi::portal {

enum class Route : std::uint8_t {
  kPage,
  kAsset,
  kIdentify,  // POST /api/v1/identify and the result page.
  kFamilies,  // GET /api/v1/families
  kFamily,    // GET /api/v1/families/{id}
  kKeys,      // GET /api/v1/keys/...
  kOpenApi,
  kHealth,
  kMetrics,
  kOther,        // Not found, bad method, refused before routing.
  kPartnerPage,  // /partner/...
  kPartnerApi,   // /api/v1/partner/...
  kCount,
};

class Metrics {
 public:
  Metrics();
  // One answered request.
  void Record(Route route, int status, double seconds);
  // The text for GET /metrics.
  std::string Prometheus() const;

 private:
  static constexpr std::size_t kRoutes =
      static_cast<std::size_t>(Route::kCount);
  // 200 201 204 301 302 304 400 403 404 405 413 415 422 429 500 503 303
  // 401 409, other.
  static constexpr std::size_t kStatuses = 20;
  // Upper bounds in seconds; the last bucket is +Inf.
  static constexpr std::array<double, 11> kBounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};
  static constexpr std::size_t kBuckets = kBounds.size() + 1;
  struct PerRoute {
    std::array<std::atomic<std::uint64_t>, kStatuses> by_status{};
    std::array<std::atomic<std::uint64_t>, kBuckets> latency{};
    std::atomic<std::uint64_t> micros{0};
  };
  std::array<PerRoute, kRoutes> routes_;
  std::int64_t started_ = 0;  // Unix time.
};

}  // namespace kintsugi::portal
