// Token buckets per client (rate_limiter.h).

#include "portal/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace kintsugi::portal {

RateLimiter::RateLimiter(double per_second, double burst,
                         std::size_t max_clients)
    : per_second_(per_second),
      burst_(std::max(1.0, burst)),
      max_per_shard_(std::max<std::size_t>(1, max_clients / kShards)) {}

void RateLimiter::Sweep(Shard& shard, Clock::time_point now) {
  std::erase_if(shard.buckets, [&](const auto& entry) {
    const double elapsed =
        std::chrono::duration<double>(now - entry.second.last).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
  if (shard.buckets.size() >= max_per_shard_) shard.buckets.clear();
}

bool RateLimiter::Allow(std::string_view client, Clock::time_point now,
                        unsigned* retry_after) {
  return Take(client, now, /*take=*/true, retry_after);
}

bool RateLimiter::Check(std::string_view client, Clock::time_point now,
                        unsigned* retry_after) {
  return Take(client, now, /*take=*/false, retry_after);
}

bool RateLimiter::Take(std::string_view client, Clock::time_point now,
                       bool take, unsigned* retry_after) {
  if (unlimited()) return true;
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(std::string(client));
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Sweep(shard, now);
    found =
        shard.buckets.emplace(std::string(client), Bucket{burst_, now}).first;
  }
  Bucket& bucket = found->second;
  const double elapsed =
      std::max(0.0, std::chrono::duration<double>(now - bucket.last).count());
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
  bucket.last = now;
  if (bucket.tokens >= 1.0) {
    if (take) bucket.tokens -= 1.0;
    return true;
  }
  if (retry_after != nullptr) {
    *retry_after =
        static_cast<unsigned>(std::ceil((1.0 - bucket.tokens) / per_second_));
  }
  return false;
}

}  // namespace kintsugi::portal
