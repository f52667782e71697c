#include "core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/stop_token.h"
#include "kintsugi/limits.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

// The pool whose task this thread is running, if any, and as which worker:
// how a nested ParallelFor is recognised.
thread_local const WorkerPool* t_pool = nullptr;
thread_local unsigned t_worker = 0;

unsigned PoolSize(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return std::min(threads, limits::kMaxThreads);
}

// Sets this thread's pool and worker for a scope.
class WorkerScope {
 public:
  WorkerScope(const WorkerPool* pool, unsigned worker)
      : saved_pool_(t_pool), saved_worker_(t_worker) {
    t_pool = pool;
    t_worker = worker;
  }
  ~WorkerScope() {
    t_pool = saved_pool_;
    t_worker = saved_worker_;
  }
  WorkerScope(const WorkerScope&) = delete;
  WorkerScope& operator=(const WorkerScope&) = delete;

 private:
  const WorkerPool* saved_pool_;
  unsigned saved_worker_;
};

}  // namespace

struct WorkerPool::Batch {
  Batch(std::size_t count_in, const StopToken& stop_in, const Task& task_in)
      : count(count_in), stop(stop_in), task(task_in) {}

  const std::size_t count;
  const StopToken& stop;
  const Task& task;
  std::atomic<std::size_t> next{0};  // The next index to hand out.
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  Status first_error;  // Guarded by error_mutex.
};

WorkerPool::WorkerPool(unsigned threads) : size_(PoolSize(threads)) {
  threads_.reserve(size_ - 1);
  for (unsigned worker = 1; worker < size_; ++worker) {
    threads_.emplace_back([this, worker] { WorkerLoop(worker); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::Run(Batch& batch, unsigned worker) {
  while (!batch.failed.load()) {
    // Checked before an index is taken, so that `next` tells afterwards
    // whether every task was started.
    if (batch.stop.stop_requested()) return;
    const std::size_t index = batch.next.fetch_add(1);
    if (index >= batch.count) return;
    Status status = batch.task(index, worker);
    if (!status.ok()) {
      std::lock_guard lock(batch.error_mutex);
      if (!batch.failed.load()) {
        batch.first_error = std::move(status);
        batch.failed.store(true);
      }
    }
  }
}

void WorkerPool::WorkerLoop(unsigned worker) {
  const WorkerScope scope(this, worker);
  std::uint64_t seen = 0;
  while (true) {
    Batch* batch = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock,
                       [&] { return shutting_down_ || generation_ != seen; });
      if (shutting_down_) return;
      seen = generation_;
      batch = batch_;
    }
    Run(*batch, worker);
    std::lock_guard lock(mutex_);
    if (--busy_threads_ == 0) work_done_.notify_all();
  }
}

Status WorkerPool::ParallelFor(std::size_t count, const StopToken& stop,
                               const Task& task) {
  Batch batch(count, stop, task);
  if (t_pool == this) {
    // Nested in one of this pool's tasks, whose workers may all be busy in
    // the outer batch: run here, in order, as the outer task's worker.
    Run(batch, t_worker);
  } else if (threads_.empty() || count <= 1) {
    const std::lock_guard batch_lock(batch_mutex_);
    const WorkerScope scope(this, 0);
    Run(batch, 0);
  } else {
    const std::lock_guard batch_lock(batch_mutex_);
    {
      std::lock_guard lock(mutex_);
      batch_ = &batch;
      ++generation_;
      busy_threads_ = static_cast<unsigned>(threads_.size());
    }
    work_ready_.notify_all();
    {
      const WorkerScope scope(this, 0);
      Run(batch, 0);
    }
    std::unique_lock lock(mutex_);
    work_done_.wait(lock, [&] { return busy_threads_ == 0; });
    batch_ = nullptr;
  }
  if (batch.failed.load()) return std::move(batch.first_error);
  if (batch.next.load() < count) return stop.status();
  return Status::Ok();
}

}  // namespace kintsugi
