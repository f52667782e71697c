#include "core/stop_token.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

#include "kintsugi/status.h"

namespace kintsugi {
namespace internal {

// A signal handler may touch only lock-free atomics.
static_assert(std::atomic<std::uint8_t>::is_always_lock_free);
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

struct StopState {
  static constexpr std::int64_t kNoDeadline =
      std::numeric_limits<std::int64_t>::max();

  // The first reason seen; kOk (0) while running.
  std::atomic<std::uint8_t> reason{0};
  // Steady-clock nanoseconds since its epoch.
  std::atomic<std::int64_t> deadline_ns{kNoDeadline};
  const std::atomic<bool>* cancel_flag = nullptr;

  // Records `code` unless a reason is already recorded; returns the one
  // that stands.
  StatusCode Latch(StatusCode code) {
    std::uint8_t expected = 0;
    reason.compare_exchange_strong(expected, static_cast<std::uint8_t>(code));
    return static_cast<StatusCode>(reason.load());
  }

  StatusCode Poll() {
    const std::uint8_t latched = reason.load(std::memory_order_acquire);
    if (latched != 0) return static_cast<StatusCode>(latched);
    if (cancel_flag != nullptr && cancel_flag->load()) {
      return Latch(StatusCode::kCancelled);
    }
    const std::int64_t deadline = deadline_ns.load(std::memory_order_relaxed);
    if (deadline != kNoDeadline && NowNs() >= deadline) {
      return Latch(StatusCode::kDeadlineExceeded);
    }
    return StatusCode::kOk;
  }

  static std::int64_t NowNs() { return ToNs(std::chrono::steady_clock::now()); }
  static std::int64_t ToNs(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               t.time_since_epoch())
        .count();
  }
};

}  // namespace internal

StatusCode StopToken::reason() const {
  return state_ == nullptr ? StatusCode::kOk : state_->Poll();
}

Status StopToken::status() const {
  switch (reason()) {
    case StatusCode::kOk:
      return Status::Ok();
    case StatusCode::kDeadlineExceeded:
      return DeadlineExceededError("stopped: the time limit was reached");
    default:
      return CancelledError("stopped on request");
  }
}

StopSource::StopSource() : state_(std::make_shared<internal::StopState>()) {}

StopSource::StopSource(const std::atomic<bool>* cancel_flag) : StopSource() {
  state_->cancel_flag = cancel_flag;
}

void StopSource::RequestCancel() { state_->Latch(StatusCode::kCancelled); }

void StopSource::SetDeadline(std::chrono::steady_clock::time_point deadline) {
  // Clamped below the "no deadline" marker, which it could only reach some
  // 292 years after boot.
  state_->deadline_ns.store(std::min(internal::StopState::ToNs(deadline),
                                     internal::StopState::kNoDeadline - 1));
}

void StopSource::SetTimeout(std::chrono::steady_clock::duration timeout) {
  SetDeadline(std::chrono::steady_clock::now() + timeout);
}

SearchControl::SearchControl(StopToken stop, std::uint64_t total,
                             SearchProgressCallback on_progress)
    : stop_(std::move(stop)),
      total_(total),
      on_progress_(std::move(on_progress)) {}

Status SearchControl::Advance(std::uint64_t tried) {
  done_.fetch_add(tried);
  if (on_progress_) {
    std::lock_guard lock(callback_mutex_);
    // Read under the lock, so that the callback sees `done` only grow.
    on_progress_(progress());
  }
  return stop_.status();
}

SearchProgress SearchControl::progress() const {
  SearchProgress p;
  p.done = std::min(done_.load(), total_);
  p.total = total_;
  return p;
}

}  // namespace kintsugi
