// The portal's per-client rate limits (rate_limiter.h).

#include "portal/rate_limiter.h"

#include <gtest/gtest.h>

namespace kintsugi::portal {
namespace {

using Clock = RateLimiter::Clock;

TEST(RateLimiterTest, BurstThenSteadyRatePerClient) {
  RateLimiter limiter(2.0, 4.0);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.Allow("a", t0)) << i;
  unsigned retry = 0;
  EXPECT_FALSE(limiter.Allow("a", t0, &retry));
  EXPECT_EQ(retry, 1u);
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.Allow("b", t0));
  // Half a second later, one more token (2 a second).
  EXPECT_TRUE(limiter.Allow("a", t0 + std::chrono::milliseconds(500)));
  EXPECT_FALSE(limiter.Allow("a", t0 + std::chrono::milliseconds(500)));
  // Long idle refills to the burst, not beyond.
  const Clock::time_point later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.Allow("a", later)) << i;
  EXPECT_FALSE(limiter.Allow("a", later));
}

TEST(RateLimiterTest, CheckTakesNothing) {
  RateLimiter limiter(1.0, 2.0);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Check("a", t0)) << i;
  EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("a", t0));
  unsigned retry = 0;
  EXPECT_FALSE(limiter.Check("a", t0, &retry));
  EXPECT_EQ(retry, 1u);
  EXPECT_TRUE(limiter.Check("a", t0 + std::chrono::seconds(1)));
  EXPECT_TRUE(limiter.Check("b", t0));
}

TEST(RateLimiterTest, ZeroRateAllowsEverything) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow("a"));
}

TEST(RateLimiterTest, TheTableIsBoundedAndForgetsRefilledClientsFirst) {
  RateLimiter limiter(1.0, 2.0, /*max_clients=*/16);
  const Clock::time_point t0 = Clock::now();
  // "x" spends its burst; many others come and go.
  EXPECT_TRUE(limiter.Allow("x", t0));
  EXPECT_TRUE(limiter.Allow("x", t0));
  EXPECT_FALSE(limiter.Allow("x", t0));
  for (int i = 0; i < 1000; ++i) {
    limiter.Allow("client-" + std::to_string(i), t0);
  }
  // Whatever was forgotten, an address is never refused more than its
  // rate allows: after a second "x" has a token again.
  EXPECT_TRUE(limiter.Allow("x", t0 + std::chrono::seconds(1)));
}

}  // namespace
}  // namespace kintsugi::portal
