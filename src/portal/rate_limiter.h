#pragma once

// Per-client rate limits of the portal (issue 14 "Robustness"; the key
// lookups' limit against enumeration): a token bucket per client address,
// in a bounded table.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kintsugi::portal {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` requests a second on average, `burst` at once; a
  // per_second of 0 or less allows everything. At most `max_clients`
  // addresses are remembered: past that, those whose bucket has refilled
  // are forgotten first (they would be allowed anyway), then all of them.
  RateLimiter(double per_second, double burst, std::size_t max_clients = 65536);

  // Whether `client` may make one more request at `now` (taking a token if
  // so); when not, `retry_after` (if given) is set to the seconds until it
  // may, rounded up.
  bool Allow(std::string_view client, Clock::time_point now,
             unsigned* retry_after = nullptr);
  bool Allow(std::string_view client, unsigned* retry_after = nullptr) {
    return Allow(client, Clock::now(), retry_after);
  }

  // Whether `client` would be allowed one more request at `now`, taking
  // nothing: for limits on failures, checked before the attempt and
  // charged (Allow) only when it fails.
  bool Check(std::string_view client, Clock::time_point now,
             unsigned* retry_after = nullptr);
  bool Check(std::string_view client, unsigned* retry_after = nullptr) {
    return Check(client, Clock::now(), retry_after);
  }

  bool unlimited() const { return per_second_ <= 0; }
  double per_second() const { return per_second_; }
  double burst() const { return burst_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  void Sweep(Shard& shard, Clock::time_point now);
  // Allow and Check: refills `client`'s bucket and takes a token if `take`.
  bool Take(std::string_view client, Clock::time_point now, bool take,
            unsigned* retry_after);

  double per_second_;
  double burst_;
  std::size_t max_per_shard_;
  Shard shards_[kShards];
};

}  // namespace kintsugi::portal
