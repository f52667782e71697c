// The hand-over between a run's walk and its workers (feed.h).

#include "recover/feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace kintsugi::recover {
namespace {

using ::testing::ElementsAre;

WalkBatch Batch(const std::string& folder,
                std::initializer_list<const char*> names) {
  WalkBatch batch;
  batch.folder = folder;
  for (const char* name : names) {
    WalkItem item;
    item.path = Path(folder) / name;
    item.size = 1;
    batch.items.push_back(std::move(item));
  }
  return batch;
}

FileOutcome OutcomeFor(const FeedTask& task) {
  FileOutcome outcome;
  outcome.path = task.item().path;
  return outcome;
}

TEST(FeedTest, PassesOutcomesOnInWalkOrderWhateverOrderTheyFinishIn) {
  std::vector<std::string> seen;
  Feed feed(8, StopToken(), [&](FileOutcome&& outcome, std::uint64_t size) {
    EXPECT_EQ(size, 1u);
    seen.push_back(outcome.path.string());
  });
  ASSERT_TRUE(feed.Push(Batch("/a", {"1", "2"})));
  ASSERT_TRUE(feed.Push(Batch("/b", {"3"})));
  feed.Close();
  std::vector<FeedTask> tasks;
  while (auto task = feed.Pop()) tasks.push_back(std::move(*task));
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].batch, tasks[1].batch);  // One folder, one batch.
  feed.Done(tasks[2], OutcomeFor(tasks[2]));
  feed.Done(tasks[1], OutcomeFor(tasks[1]));
  EXPECT_TRUE(seen.empty());  // The first is not done yet.
  EXPECT_FALSE(feed.AllDelivered());
  feed.Done(tasks[0], OutcomeFor(tasks[0]));
  EXPECT_THAT(seen, ElementsAre("/a/1", "/a/2", "/b/3"));
  EXPECT_TRUE(feed.AllDelivered());
}

TEST(FeedTest, TheWalkWaitsWhileAWindowOfItemsIsOutstanding) {
  std::atomic<int> delivered{0};
  Feed feed(2, StopToken(), [&](FileOutcome&&, std::uint64_t) { ++delivered; });
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    EXPECT_TRUE(feed.Push(Batch("/a", {"1", "2", "3"})));
    pushed = true;
    feed.Close();
  });
  auto first = feed.Pop();
  auto second = feed.Pop();
  ASSERT_TRUE(first && second);
  // Two handed out, none done: the third cannot be handed over yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(pushed.load());
  feed.Done(*first, OutcomeFor(*first));
  auto third = feed.Pop();
  ASSERT_TRUE(third);
  feed.Done(*second, OutcomeFor(*second));
  feed.Done(*third, OutcomeFor(*third));
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_FALSE(feed.Pop().has_value());
  EXPECT_EQ(delivered.load(), 3);
}

TEST(FeedTest, AStoppedRunHandsOutNothingMoreAndDrainsWhatFinished) {
  std::atomic<bool> cancel{false};
  StopSource source(&cancel);
  std::vector<std::string> seen;
  Feed feed(8, source.token(), [&](FileOutcome&& outcome, std::uint64_t) {
    seen.push_back(outcome.path.string());
  });
  ASSERT_TRUE(feed.Push(Batch("/a", {"1", "2", "3"})));
  auto first = feed.Pop();
  auto second = feed.Pop();
  ASSERT_TRUE(first && second);
  cancel = true;
  EXPECT_FALSE(feed.Pop().has_value());
  EXPECT_FALSE(feed.Push(Batch("/b", {"4"})));
  feed.Done(*second, OutcomeFor(*second));
  feed.Done(*first, std::nullopt);    // Cut short: not a verdict.
  EXPECT_FALSE(feed.AllDelivered());  // "3" never ran.
  feed.Drain();
  EXPECT_THAT(seen, ElementsAre("/a/2"));
}

TEST(FeedTest, AnAbortedFeedUnblocksTheWalkAndHandsOutNothing) {
  Feed feed(1, StopToken(), [](FileOutcome&&, std::uint64_t) {});
  std::atomic<bool> refused{false};
  std::thread producer([&] {
    refused = !feed.Push(Batch("/a", {"1", "2", "3"}));
  });
  auto first = feed.Pop();
  ASSERT_TRUE(first);
  feed.Abort();  // The window is full: the walk waits until now.
  producer.join();
  EXPECT_TRUE(refused.load());
  EXPECT_FALSE(feed.Pop().has_value());
}

}  // namespace
}  // namespace kintsugi::recover
