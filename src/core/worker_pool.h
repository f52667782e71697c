#pragma once

// WorkerPool: the one pool of worker threads of a run (recover now, seed
// search and scan later). One pool per process: a library that needs
// parallel work takes the caller's pool instead of starting its own, so
// that --threads means what it says and nothing oversubscribes the cores.
//
// Work is handed over as a batch, ParallelFor(count, stop, task): task(i, w)
// runs once for each i in [0, count) on worker w. Once the stop token stops
// (Ctrl-C, a deadline) or a task fails, no new task starts; tasks already
// running finish (they may poll the token themselves to end early), and the
// caller learns why the batch stopped from the returned Status.
//
// Tasks return a Status and must not throw. A task may call ParallelFor on
// the pool it runs on: the inner batch then runs on that task's thread
// alone, in order (it cannot wait for workers that may all be busy in the
// outer batch). It must not wait for another pool whose tasks wait for this
// one.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/stop_token.h"
#include "kintsugi/status.h"

namespace kintsugi {

class WorkerPool {
 public:
  // One task: `index` in [0, count), `worker` in [0, size()). No two tasks
  // with the same `worker` run at once, so a task can use per-worker
  // buffers; a nested batch's tasks get the worker of the task that started
  // them, and must not touch the buffers that task is using.
  using Task = std::function<Status(std::size_t index, unsigned worker)>;

  // `threads` workers in all, the thread that calls ParallelFor counted
  // (it works too, as worker 0), so `threads - 1` threads are started; 0
  // means one per core. Capped at limits::kMaxThreads.
  explicit WorkerPool(unsigned threads);
  // Joins the threads. No batch may be running.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // The number of workers, the calling thread included.
  unsigned size() const { return size_; }

  // Runs `task` for every index, spread over the workers, and returns when
  // none is running. Returns, in this order of precedence:
  //  - the first error a task returned (by time; it stopped the batch);
  //  - stop.status() (kCancelled or kDeadlineExceeded) when the token
  //    stopped the batch before every task had started;
  //  - OK: every task ran once and returned OK.
  // Batches from different threads run one after the other.
  Status ParallelFor(std::size_t count, const StopToken& stop,
                     const Task& task);

 private:
  struct Batch;

  static void Run(Batch& batch, unsigned worker);
  void WorkerLoop(unsigned worker);

  const unsigned size_;
  std::vector<std::thread> threads_;

  std::mutex batch_mutex_;  // One batch at a time.
  std::mutex mutex_;        // Guards what follows.
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  Batch* batch_ = nullptr;
  std::uint64_t generation_ = 0;  // Counts batches handed to the threads.
  unsigned busy_threads_ = 0;     // Threads still in the current batch.
  bool shutting_down_ = false;
};

}  // namespace kintsugi
