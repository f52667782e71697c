#pragma once

// Stopping long work: one token that carries both a cancel (Ctrl-C, a
// portal request that went away) and a deadline (a request's time limit, a
// seed search's budget), so that every loop asks one question, "should I
// stop, and why?", and the answer reaches the user as kCancelled or
// kDeadlineExceeded (conventions.md "Errors": hitting a time limit returns
// kDeadlineExceeded, never a hang).
//
//   StopSource source(&g_interrupted);  // The CLI's SIGINT flag.
//   source.SetTimeout(std::chrono::seconds(30));
//   Status s = pool.ParallelFor(n, source.token(), task);
//
// The first reason recorded wins and sticks: once a token has answered
// kDeadlineExceeded, a later cancel does not change the answer (and the
// reverse), so a report and a log line never disagree.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "kintsugi/status.h"

namespace kintsugi {

namespace internal {
struct StopState;  // Shared by a StopSource and its tokens.
}  // namespace internal

// What a worker looks at. Cheap to copy and to poll (two atomic loads, and a
// clock read only when a deadline is set); thread-safe. A default token
// never stops.
class StopToken {
 public:
  StopToken() = default;

  // True once the source was cancelled, its watched flag became true, or its
  // deadline passed.
  bool stop_requested() const { return reason() != StatusCode::kOk; }
  // kOk while the work may go on; then kCancelled or kDeadlineExceeded.
  StatusCode reason() const;
  // OK, or a CancelledError / DeadlineExceededError saying why, for a loop
  // to return as is.
  Status status() const;

 private:
  friend class StopSource;
  explicit StopToken(std::shared_ptr<internal::StopState> state)
      : state_(std::move(state)) {}

  std::shared_ptr<internal::StopState> state_;
};

// Owned by whoever may stop the work: hands out tokens, cancels, sets the
// deadline. Thread-safe. Its tokens keep working (and keep their answer)
// after it is destroyed.
class StopSource {
 public:
  StopSource();
  // Also stops, as cancelled, once `*cancel_flag` is true: a flag that a
  // signal handler sets (a signal handler may store to a lock-free atomic,
  // and not much else). The flag must outlive every token.
  explicit StopSource(const std::atomic<bool>* cancel_flag);

  // Stops every token, as cancelled. Lock-free: safe in a signal handler
  // when the source is reachable from one.
  void RequestCancel();
  // Stops every token, as past its deadline, once the steady clock reaches
  // `deadline`. A later call replaces an earlier one (unless the token has
  // already stopped).
  void SetDeadline(std::chrono::steady_clock::time_point deadline);
  // The same, `timeout` from now.
  void SetTimeout(std::chrono::steady_clock::duration timeout);

  StopToken token() const { return StopToken(state_); }

 private:
  std::shared_ptr<internal::StopState> state_;
};

// How far a long key search (a seed search over 2^32 seeds, a key store
// lookup) has come, for a progress bar.
struct SearchProgress {
  std::uint64_t done = 0;   // Candidates tried.
  std::uint64_t total = 0;  // Candidates in the search space.
};

// Called with the progress of a search. May be called from the search's
// worker threads, but never by two at once (SearchControl serialises it),
// and `done` never goes down from one call to the next.
using SearchProgressCallback = std::function<void(const SearchProgress&)>;

// What a long search is handed: where to report progress and when to stop.
// The search calls Advance() every few thousand candidates, from any of its
// workers, and returns the status it gets when that is not OK:
//
//   for (std::uint64_t seed = begin; seed < end; ++seed) {
//     ...
//     if ((seed & 0xfff) == 0xfff)
//     KINTSUGI_RETURN_IF_ERROR(control.Advance(4096));
//   }
class SearchControl {
 public:
  SearchControl(StopToken stop, std::uint64_t total,
                SearchProgressCallback on_progress = {});
  SearchControl(const SearchControl&) = delete;
  SearchControl& operator=(const SearchControl&) = delete;

  // Counts `tried` more candidates as done, tells the callback, and returns
  // OK to go on, or the stop token's status (kCancelled,
  // kDeadlineExceeded) to stop.
  Status Advance(std::uint64_t tried);
  // Whether to stop, without reporting progress.
  Status Check() const { return stop_.status(); }
  SearchProgress progress() const;
  const StopToken& stop() const { return stop_; }

 private:
  const StopToken stop_;
  const std::uint64_t total_;
  const SearchProgressCallback on_progress_;
  std::atomic<std::uint64_t> done_{0};
  std::mutex callback_mutex_;  // One callback at a time.
};

}  // namespace kintsugi
