#pragma once

// The hand-over between a run's walk and its workers: a bounded queue that
// gives out the walk's items, and takes back their outcomes, which it
// passes on in walk order. The walk (one producer thread) blocks while
// `window` items are handed out but not yet passed on, so a run over
// millions of files holds at most that many items and outcomes, whatever
// the order in which the workers finish them.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/stop_token.h"
#include "kintsugi/recover.h"
#include "recover/evidence.h"
#include "recover/walker.h"

namespace kintsugi::recover {

// One folder's batch, shared by its items while they are in flight, with
// identify's evidence for the folder, computed by the first worker that
// needs it (EvidenceOnce).
struct SharedBatch {
  WalkBatch walk;
  std::once_flag once;
  FolderEvidence evidence;
};

// One item to process.
struct FeedTask {
  std::shared_ptr<SharedBatch> batch;
  std::size_t index = 0;  // In batch->walk.items.
  std::uint64_t seq = 0;  // Walk order.
  const WalkItem& item() const { return batch->walk.items[index]; }
};

class Feed {
 public:
  // Receives each outcome in walk order (with the item's size), serialised.
  using Sink = std::function<void(FileOutcome&&, std::uint64_t size)>;

  Feed(std::size_t window, StopToken stop, Sink sink);

  // Producer: hands over a folder's items; false once the run stops (the
  // walk should end).
  bool Push(WalkBatch batch);
  // Producer: no more items.
  void Close();
  // Anyone: the run ends now (the workers met a failure of the whole run):
  // Push returns false and Pop nothing from here on.
  void Abort();

  // Workers: the next item, or nothing once the feed is closed and empty
  // or the run stops.
  std::optional<FeedTask> Pop();
  // Workers: the outcome of a popped item; nothing when the item was cut
  // short (its outcome is not a verdict and is not passed on).
  void Done(const FeedTask& task, std::optional<FileOutcome> outcome);

  // After the workers are done: passes on what finished behind an item that
  // never ran (the run stopped), in order, skipping the gaps.
  void Drain();

  // Whether every item handed over was done (before Drain).
  bool AllDelivered() const;

 private:
  // Passes on the outcomes that are next in order; the caller holds mutex_.
  void DeliverReady();

  const std::size_t window_;
  const StopToken stop_;
  const Sink sink_;
  mutable std::mutex mutex_;
  std::condition_variable space_;  // The producer waits for room.
  std::condition_variable ready_;  // Workers wait for items.
  std::deque<FeedTask> queue_;
  bool closed_ = false;
  bool aborted_ = false;
  std::uint64_t next_seq_ = 0;      // The next item's seq.
  std::uint64_t next_deliver_ = 0;  // The next seq to pass on.
  struct Finished {
    std::optional<FileOutcome> outcome;
    std::uint64_t size = 0;
  };
  std::map<std::uint64_t, Finished> finished_;
};

}  // namespace kintsugi::recover
