#include "core/stop_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

using std::chrono::steady_clock;

TEST(StopTokenTest, DefaultTokenNeverStops) {
  const StopToken token;
  EXPECT_FALSE(token.stop_requested());
  EXPECT_EQ(token.reason(), StatusCode::kOk);
  EXPECT_THAT(token.status(), IsOk());
}

TEST(StopTokenTest, CancelStopsEveryToken) {
  StopSource source;
  const StopToken a = source.token();
  const StopToken b = source.token();
  EXPECT_FALSE(a.stop_requested());
  source.RequestCancel();
  EXPECT_TRUE(a.stop_requested());
  EXPECT_EQ(b.reason(), StatusCode::kCancelled);
  EXPECT_THAT(b.status(), StatusIs(StatusCode::kCancelled));
}

TEST(StopTokenTest, WatchedFlagStopsAsCancelled) {
  std::atomic<bool> interrupted{false};
  const StopSource source(&interrupted);
  const StopToken token = source.token();
  EXPECT_FALSE(token.stop_requested());
  interrupted = true;  // What the CLI's SIGINT handler does.
  EXPECT_EQ(token.reason(), StatusCode::kCancelled);
}

TEST(StopTokenTest, PassedDeadlineStopsAsDeadlineExceeded) {
  StopSource source;
  const StopToken token = source.token();
  source.SetDeadline(steady_clock::now());
  EXPECT_TRUE(token.stop_requested());
  EXPECT_THAT(token.status(), StatusIs(StatusCode::kDeadlineExceeded));
}

TEST(StopTokenTest, FarDeadlineDoesNotStop) {
  StopSource source;
  source.SetTimeout(std::chrono::hours(24 * 365));
  EXPECT_FALSE(source.token().stop_requested());
}

TEST(StopTokenTest, FirstReasonSticks) {
  StopSource deadline_first;
  deadline_first.SetDeadline(steady_clock::now());
  ASSERT_EQ(deadline_first.token().reason(), StatusCode::kDeadlineExceeded);
  deadline_first.RequestCancel();
  EXPECT_EQ(deadline_first.token().reason(), StatusCode::kDeadlineExceeded);

  StopSource cancel_first;
  cancel_first.RequestCancel();
  cancel_first.SetDeadline(steady_clock::now());
  EXPECT_EQ(cancel_first.token().reason(), StatusCode::kCancelled);
}

TEST(StopTokenTest, TokenOutlivesItsSource) {
  StopToken token;
  {
    StopSource source;
    token = source.token();
    source.RequestCancel();
  }
  EXPECT_EQ(token.reason(), StatusCode::kCancelled);
}

TEST(SearchControlTest, ReportsGrowingProgressAndGoesOn) {
  std::vector<SearchProgress> seen;
  SearchControl control(StopToken(), 100,
                        [&](const SearchProgress& p) { seen.push_back(p); });
  EXPECT_THAT(control.Advance(40), IsOk());
  EXPECT_THAT(control.Advance(40), IsOk());
  EXPECT_THAT(control.Advance(40), IsOk());  // Never reported past total.
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].done, 40u);
  EXPECT_EQ(seen[1].done, 80u);
  EXPECT_EQ(seen[2].done, 100u);
  EXPECT_EQ(seen[2].total, 100u);
  EXPECT_EQ(control.progress().done, 100u);
}

TEST(SearchControlTest, SaysWhyToStop) {
  StopSource source;
  SearchControl control(source.token(), 1000);
  EXPECT_THAT(control.Advance(1), IsOk());
  EXPECT_THAT(control.Check(), IsOk());
  source.SetDeadline(steady_clock::now());
  EXPECT_THAT(control.Advance(1), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_THAT(control.Check(), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(control.progress().done, 2u);
}

}  // namespace
}  // namespace kintsugi
