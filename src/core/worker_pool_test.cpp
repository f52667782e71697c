#include "core/worker_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/stop_token.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/limits.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;

TEST(WorkerPoolTest, SizeCountsTheCallerAndIsCapped) {
  EXPECT_EQ(WorkerPool(1).size(), 1u);
  EXPECT_EQ(WorkerPool(3).size(), 3u);
  EXPECT_EQ(WorkerPool(0).size(),
            std::min(std::max(1u, std::thread::hardware_concurrency()),
                     limits::kMaxThreads));
}

TEST(WorkerPoolTest, EveryTaskRunsExactlyOnce) {
  WorkerPool pool(4);
  constexpr std::size_t kCount = 5000;
  std::vector<std::atomic<int>> runs(kCount);
  std::mutex mutex;
  std::map<unsigned, std::thread::id> thread_of_worker;
  bool same_thread_per_worker = true;
  const Status status =
      pool.ParallelFor(kCount, StopToken(), [&](std::size_t i, unsigned w) {
        ++runs[i];
        std::lock_guard lock(mutex);
        if (w >= pool.size()) same_thread_per_worker = false;
        auto [it, added] =
            thread_of_worker.emplace(w, std::this_thread::get_id());
        if (!added && it->second != std::this_thread::get_id()) {
          same_thread_per_worker = false;
        }
        return Status::Ok();
      });
  EXPECT_THAT(status, IsOk());
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  }
  EXPECT_TRUE(same_thread_per_worker);
}

TEST(WorkerPoolTest, RunsBatchAfterBatch) {
  WorkerPool pool(3);
  for (int round = 0; round < 20; ++round) {
    std::atomic<std::size_t> ran{0};
    ASSERT_THAT(pool.ParallelFor(50, StopToken(),
                                 [&](std::size_t, unsigned) {
                                   ++ran;
                                   return Status::Ok();
                                 }),
                IsOk());
    ASSERT_EQ(ran.load(), 50u);
  }
}

TEST(WorkerPoolTest, ZeroTasksRunNothing) {
  WorkerPool pool(4);
  StopSource cancelled;
  cancelled.RequestCancel();
  for (const StopToken& token : {StopToken(), cancelled.token()}) {
    bool called = false;
    EXPECT_THAT(pool.ParallelFor(0, token,
                                 [&](std::size_t, unsigned) {
                                   called = true;
                                   return Status::Ok();
                                 }),
                IsOk());
    EXPECT_FALSE(called);
  }
}

TEST(WorkerPoolTest, OneThreadRunsInOrderOnTheCaller) {
  WorkerPool pool(1);
  std::vector<std::size_t> order;
  const std::thread::id caller = std::this_thread::get_id();
  bool on_caller = true;
  EXPECT_THAT(pool.ParallelFor(5, StopToken(),
                               [&](std::size_t i, unsigned w) {
                                 order.push_back(i);
                                 on_caller =
                                     on_caller && w == 0 &&
                                     std::this_thread::get_id() == caller;
                                 return Status::Ok();
                               }),
              IsOk());
  EXPECT_THAT(order, ElementsAre(0u, 1u, 2u, 3u, 4u));
  EXPECT_TRUE(on_caller);
}

TEST(WorkerPoolTest, CancelStopsNewTasks) {
  WorkerPool pool(1);
  StopSource source;
  std::vector<std::size_t> ran;
  const Status status =
      pool.ParallelFor(10, source.token(), [&](std::size_t i, unsigned) {
        ran.push_back(i);
        if (i == 2) source.RequestCancel();
        return Status::Ok();  // The task in flight finishes.
      });
  EXPECT_THAT(status, StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(ran, ElementsAre(0u, 1u, 2u));
}

TEST(WorkerPoolTest, DeadlineStopsNewTasksAndSaysSo) {
  WorkerPool pool(1);
  StopSource source;
  source.SetTimeout(std::chrono::hours(1));
  std::vector<std::size_t> ran;
  const Status status =
      pool.ParallelFor(10, source.token(), [&](std::size_t i, unsigned) {
        ran.push_back(i);
        // The deadline passes while task 3 runs.
        if (i == 3) source.SetDeadline(std::chrono::steady_clock::now());
        return Status::Ok();
      });
  EXPECT_THAT(status, StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_THAT(ran, ElementsAre(0u, 1u, 2u, 3u));
}

TEST(WorkerPoolTest, StoppedTokenStartsNothing) {
  WorkerPool pool(4);
  StopSource source;
  source.SetDeadline(std::chrono::steady_clock::now());
  std::atomic<int> ran{0};
  EXPECT_THAT(pool.ParallelFor(100, source.token(),
                               [&](std::size_t, unsigned) {
                                 ++ran;
                                 return Status::Ok();
                               }),
              StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(ran.load(), 0);
}

// Every worker blocks in its first task until another thread has cancelled:
// the tasks in flight finish, and no new one starts.
TEST(WorkerPoolTest, CancelFromAnotherThreadWhileTasksBlock) {
  WorkerPool pool(4);
  StopSource source;
  std::mutex mutex;
  std::condition_variable changed;
  unsigned started = 0;
  unsigned finished = 0;
  bool released = false;
  Status status;
  std::thread runner([&] {
    status = pool.ParallelFor(1000, source.token(), [&](std::size_t, unsigned) {
      std::unique_lock lock(mutex);
      ++started;
      changed.notify_all();
      changed.wait(lock, [&] { return released; });
      ++finished;
      return Status::Ok();
    });
  });
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return started == pool.size(); });
    source.RequestCancel();
    released = true;
  }
  changed.notify_all();
  runner.join();
  EXPECT_THAT(status, StatusIs(StatusCode::kCancelled));
  EXPECT_EQ(started, pool.size());
  EXPECT_EQ(finished, pool.size());
}

TEST(WorkerPoolTest, FirstErrorIsKeptAndStopsNewTasks) {
  WorkerPool pool(1);
  std::vector<std::size_t> ran;
  const Status status =
      pool.ParallelFor(10, StopToken(), [&](std::size_t i, unsigned) {
        ran.push_back(i);
        if (i == 2) return CorruptError("task 2");
        if (i == 3) return InternalError("task 3");
        return Status::Ok();
      });
  EXPECT_EQ(status, CorruptError("task 2"));
  EXPECT_THAT(ran, ElementsAre(0u, 1u, 2u));
}

TEST(WorkerPoolTest, ErrorsFromManyWorkersKeepOne) {
  WorkerPool pool(4);
  const Status status =
      pool.ParallelFor(1000, StopToken(), [&](std::size_t i, unsigned) {
        return i % 2 == 0 ? CorruptError("even") : IoError("odd");
      });
  EXPECT_THAT(status, AnyOf(StatusIs(StatusCode::kCorrupt),
                            StatusIs(StatusCode::kIoError)));
}

TEST(WorkerPoolTest, ErrorOutranksStop) {
  WorkerPool pool(1);
  StopSource source;
  EXPECT_THAT(pool.ParallelFor(10, source.token(),
                               [&](std::size_t i, unsigned) {
                                 if (i != 1) return Status::Ok();
                                 source.RequestCancel();
                                 return IoError("read failed");
                               }),
              StatusIs(StatusCode::kIoError));
}

TEST(WorkerPoolTest, NestedBatchRunsOnTheTasksThread) {
  WorkerPool pool(4);
  std::vector<std::atomic<int>> runs(8 * 8);
  std::atomic<bool> same_worker{true};
  const Status status =
      pool.ParallelFor(8, StopToken(), [&](std::size_t outer, unsigned w) {
        const std::thread::id thread = std::this_thread::get_id();
        return pool.ParallelFor(
            8, StopToken(),
            [&, outer, w, thread](std::size_t inner, unsigned inner_w) {
              if (inner_w != w || std::this_thread::get_id() != thread) {
                same_worker = false;
              }
              ++runs[outer * 8 + inner];
              return Status::Ok();
            });
      });
  EXPECT_THAT(status, IsOk());
  for (const auto& r : runs) ASSERT_EQ(r.load(), 1);
  EXPECT_TRUE(same_worker.load());
}

TEST(WorkerPoolTest, BatchesFromTwoThreadsBothComplete) {
  WorkerPool pool(3);
  std::atomic<int> ran{0};
  auto batch = [&] {
    ASSERT_THAT(pool.ParallelFor(200, StopToken(),
                                 [&](std::size_t, unsigned) {
                                   ++ran;
                                   return Status::Ok();
                                 }),
                IsOk());
  };
  std::thread other(batch);
  batch();
  other.join();
  EXPECT_EQ(ran.load(), 400);
}

}  // namespace
}  // namespace kintsugi
