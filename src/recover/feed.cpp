#include "recover/feed.h"

#include <chrono>
#include <utility>

namespace kintsugi::recover {
namespace {

// How often a waiting thread looks at the stop token, which has no way to
// wake it (a deadline passes silently).
constexpr auto kStopPoll = std::chrono::milliseconds(50);

}  // namespace

Feed::Feed(std::size_t window, StopToken stop, Sink sink)
    : window_(window == 0 ? 1 : window),
      stop_(std::move(stop)),
      sink_(std::move(sink)) {}

bool Feed::Push(WalkBatch batch) {
  auto shared = std::make_shared<SharedBatch>();
  shared->walk = std::move(batch);
  const std::size_t count = shared->walk.items.size();
  for (std::size_t i = 0; i < count; ++i) {
    std::unique_lock lock(mutex_);
    while (next_seq_ - next_deliver_ >= window_) {
      if (stop_.stop_requested() || aborted_) return false;
      space_.wait_for(lock, kStopPoll);
    }
    if (stop_.stop_requested() || aborted_) return false;
    queue_.push_back(FeedTask{shared, i, next_seq_++});
    ready_.notify_one();
  }
  return true;
}

void Feed::Close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  ready_.notify_all();
}

void Feed::Abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  ready_.notify_all();
  space_.notify_all();
}

std::optional<FeedTask> Feed::Pop() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stop_.stop_requested() || aborted_) return std::nullopt;
    if (!queue_.empty()) {
      FeedTask task = std::move(queue_.front());
      queue_.pop_front();
      return task;
    }
    if (closed_) return std::nullopt;
    ready_.wait_for(lock, kStopPoll);
  }
}

void Feed::Done(const FeedTask& task, std::optional<FileOutcome> outcome) {
  std::lock_guard lock(mutex_);
  finished_.emplace(task.seq, Finished{std::move(outcome), task.item().size});
  DeliverReady();
}

void Feed::DeliverReady() {
  while (!finished_.empty() && finished_.begin()->first == next_deliver_) {
    auto node = finished_.extract(finished_.begin());
    if (node.mapped().outcome) {
      sink_(std::move(*node.mapped().outcome), node.mapped().size);
    }
    ++next_deliver_;
  }
  space_.notify_one();
}

void Feed::Drain() {
  std::lock_guard lock(mutex_);
  queue_.clear();
  while (!finished_.empty()) {
    next_deliver_ = finished_.begin()->first;
    DeliverReady();
  }
}

bool Feed::AllDelivered() const {
  std::lock_guard lock(mutex_);
  return next_deliver_ == next_seq_;
}

}  // namespace kintsugi::recover
