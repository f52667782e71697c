#include "recover/walker.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "kintsugi/limits.h"
#include "recover/decryptor.h"
#include "recover/journal.h"

namespace kintsugi::recover {

// A folder's entries, and which of them WalkOptions::screen passed.
struct Listing {
  Result<std::vector<DirEntry>> entries = std::vector<DirEntry>{};
  std::vector<bool> plain;
};

namespace {

Listing ListFolder(ReadOnlyFileSystem& fs, const WalkOptions& options,
                   const Path& dir) {
  Listing listing;
  listing.entries = fs.ListDir(dir);
  if (listing.entries && options.screen) {
    options.screen(*listing.entries, listing.plain);
  }
  return listing;
}

}  // namespace

// Lists the folders the walk will reach next on threads of its own
// (WalkOptions::list_ahead_threads): Want() queues a folder, Take() hands
// its listing over, waiting for it, or lists it now when no thread has
// started on it yet.
class ListAhead {
 public:
  ListAhead(ReadOnlyFileSystem& fs, const WalkOptions& options,
            unsigned threads)
      : fs_(fs), options_(options) {
    for (unsigned i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { Work(); });
    }
  }
  ~ListAhead() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wanted_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }
  ListAhead(const ListAhead&) = delete;
  ListAhead& operator=(const ListAhead&) = delete;

  void Want(const Path& dir) {
    {
      std::lock_guard lock(mutex_);
      if (!slots_.try_emplace(dir.native()).second) return;
      queue_.push_back(dir);
    }
    wanted_.notify_one();
  }

  Listing Take(const Path& dir) {
    std::unique_lock lock(mutex_);
    auto slot = slots_.find(dir.native());
    if (slot != slots_.end()) {
      const auto queued = std::find(queue_.begin(), queue_.end(), dir);
      if (queued != queue_.end()) {
        queue_.erase(queued);
        slots_.erase(slot);
      } else {
        done_.wait(lock, [&] { return slot->second.done; });
        Listing listing = std::move(slot->second.listing);
        slots_.erase(slot);
        return listing;
      }
    }
    lock.unlock();
    return ListFolder(fs_, options_, dir);
  }

  // Forgets a folder wanted but not entered.
  void Drop(const Path& dir) {
    std::unique_lock lock(mutex_);
    auto slot = slots_.find(dir.native());
    if (slot == slots_.end()) return;
    const auto queued = std::find(queue_.begin(), queue_.end(), dir);
    if (queued != queue_.end()) {
      queue_.erase(queued);
    } else {
      done_.wait(lock, [&] { return slot->second.done; });
    }
    slots_.erase(slot);
  }

 private:
  struct Slot {
    bool done = false;
    Listing listing;
  };

  void Work() {
    std::unique_lock lock(mutex_);
    while (true) {
      wanted_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      const Path dir = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      Listing listing = ListFolder(fs_, options_, dir);
      lock.lock();
      // The slot stays until Take() or Drop(), which wait for it.
      Slot& slot = slots_[dir.native()];
      slot.listing = std::move(listing);
      slot.done = true;
      done_.notify_all();
    }
  }

  ReadOnlyFileSystem& fs_;
  const WalkOptions options_;  // A copy: the walker may move.
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::condition_variable done_;
  std::deque<Path> queue_;
  std::unordered_map<std::string, Slot> slots_;
  bool stopping_ = false;
};

std::vector<FileId> RepeatedIds(std::vector<FileId>& ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<FileId> repeated;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1] &&
        (repeated.empty() || repeated.back() != ids[i])) {
      repeated.push_back(ids[i]);
    }
  }
  return repeated;
}

Walker::Walker(ReadOnlyFileSystem& fs, WalkOptions options)
    : fs_(fs), options_(std::move(options)) {
  for (const std::string& name : options_.side_file_names) {
    side_file_names_.insert(AsciiLower(name));
  }
  std::sort(options_.repeated.begin(), options_.repeated.end());
  if (options_.list_ahead_threads > 0) {
    ahead_ =
        std::make_unique<ListAhead>(fs_, options_, options_.list_ahead_threads);
  }
}

Walker::~Walker() = default;
Walker::Walker(Walker&&) noexcept = default;

WalkItem Walker::Problem(const Path& path, RecoverStatus status,
                         Message detail) {
  auto outcome = std::make_unique<FileOutcome>();
  outcome->path = path;
  outcome->status = status;
  outcome->detail = std::move(detail);
  return WalkItem{
      path, path.lexically_relative(base_), 0, std::move(outcome), {}, 0};
}

bool Walker::Emit(WalkBatch batch) {
  if (batch.items.empty() && batch.screened.empty()) return true;
  if (sink_ != nullptr) return (*sink_)(std::move(batch));
  for (WalkItem& item : batch.items) items_.push_back(std::move(item));
  return true;
}

void Walker::WalkRoot(const Path& root, const Path& base) {
  const BatchSink* saved = sink_;
  sink_ = nullptr;
  WalkRoot(root, base, BatchSink());
  sink_ = saved;
}

bool Walker::WalkRoot(const Path& root, const Path& base,
                      const BatchSink& sink) {
  sink_ = sink ? &sink : nullptr;
  base_ = base;
  ancestors_.clear();
  // A root is followed when it is a link: the user named it.
  auto info = fs_.Stat(root, true);
  WalkBatch batch{root.parent_path(), {}, {}};
  if (!info) {
    batch.items.push_back(
        Problem(root, RecoverStatus::kError,
                Message{MessageId::kRecoverCannotRead,
                        {{"error", info.error().message()}}}));
    return Emit(std::move(batch));
  }
  root_device_ = info->device;
  if (info->type == FileType::kDirectory) {
    if (MayEnter(root, *info, 0, batch.items)) {
      return WalkFolder(root, FolderId{info->device, info->inode}, 0);
    }
    return Emit(std::move(batch));
  }
  if (info->type == FileType::kRegular) {
    AddFile(root, *info, batch.items);
  } else {
    batch.items.push_back(Problem(root, RecoverStatus::kUnsupported,
                                  Message{MessageId::kRecoverNotRegular, {}}));
  }
  return Emit(std::move(batch));
}

void Walker::AddFile(const Path& path, const FileInfo& info,
                     std::vector<WalkItem>& items) {
  if (options_.is_own_output && options_.is_own_output(path)) return;
  const FileId id{info.device, info.inode};
  if (std::binary_search(options_.repeated.begin(), options_.repeated.end(),
                         id) &&
      !repeated_seen_.insert(id).second) {
    ++counts_.duplicates;
    return;
  }
  if (side_file_names_.count(AsciiLower(path.filename().native())) > 0) {
    side_files_.push_back(path);
  }
  items.push_back(WalkItem{path, path.lexically_relative(base_), info.size,
                           nullptr, id, info.mtime_ns});
}

bool Walker::MayEnter(const Path& path, const FileInfo& info, std::size_t depth,
                      std::vector<WalkItem>& problems) {
  const FolderId id{info.device, info.inode};
  if (std::find(options_.skip_folders.begin(), options_.skip_folders.end(),
                id) != options_.skip_folders.end()) {
    return false;
  }
  if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
    // A link back up the tree: a loop.
    problems.push_back(Problem(path, RecoverStatus::kUnsupported,
                               Message{MessageId::kRecoverFolderVisited, {}}));
    return false;
  }
  if (options_.one_file_system && depth > 0 && info.device != root_device_) {
    ++counts_.other_file_systems;
    return false;
  }
  if (!visited_.insert(id).second) {
    // Another path to a folder walked already (an input inside another
    // input, or a second link to it): its files were handed over once.
    ++counts_.duplicates;
    return false;
  }
  if (depth >= limits::kMaxDirectoryDepth) {
    problems.push_back(Problem(path, RecoverStatus::kError,
                               Message{MessageId::kRecoverTooDeep, {}}));
    return false;
  }
  if (auto pseudo = fs_.IsPseudoFileSystem(path); pseudo && *pseudo) {
    problems.push_back(
        Problem(path, RecoverStatus::kUnsupported,
                Message{MessageId::kRecoverPseudoFileSystem, {}}));
    return false;
  }
  return true;
}

bool Walker::WalkFolder(const Path& dir, FolderId self, std::size_t depth) {
  WalkBatch batch{dir, {}, {}};
  Listing listing = ahead_ ? ahead_->Take(dir) : ListFolder(fs_, options_, dir);
  auto& entries = listing.entries;
  const std::vector<bool>& plain = listing.plain;
  if (!entries) {
    batch.items.push_back(
        Problem(dir, RecoverStatus::kError,
                Message{MessageId::kRecoverCannotList,
                        {{"error", entries.error().message()}}}));
    return Emit(std::move(batch));
  }
  std::vector<std::pair<Path, FileInfo>> folders;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    DirEntry& entry = (*entries)[i];
    if (entry.name == kJournalDirName || IsTempName(entry.name)) continue;
    if (!plain.empty() && plain[i]) {
      if (options_.exclude && options_.exclude(dir / entry.name, false)) {
        ++counts_.excluded;
      } else {
        batch.screened.push_back(std::move(entry.name));
      }
      continue;
    }
    Path child = dir / entry.name;
    FileInfo info;
    if (entry.type == FileType::kSymlink) {
      if (!options_.follow_symlinks) {
        ++counts_.symlinks_skipped;
        continue;
      }
      auto followed = fs_.Stat(child, true);
      if (!followed) {
        batch.items.push_back(
            Problem(child, RecoverStatus::kUnsupported,
                    Message{MessageId::kRecoverBadSymlink,
                            {{"error", followed.error().message()}}}));
        continue;
      }
      info = *followed;
    } else if (entry.type == FileType::kDirectory ||
               entry.type == FileType::kRegular) {
      auto stat = fs_.Stat(child, false);
      if (!stat) {
        batch.items.push_back(
            Problem(child, RecoverStatus::kError,
                    Message{MessageId::kRecoverCannotRead,
                            {{"error", stat.error().message()}}}));
        continue;
      }
      info = *stat;
    } else {
      info.type = entry.type;
    }
    if (options_.exclude &&
        (info.type == FileType::kRegular ||
         info.type == FileType::kDirectory) &&
        options_.exclude(child, info.type == FileType::kDirectory)) {
      ++counts_.excluded;
      continue;
    }
    if (info.type == FileType::kRegular) {
      AddFile(child, info, batch.items);
    } else if (info.type == FileType::kDirectory) {
      folders.emplace_back(std::move(child), info);
    } else {
      batch.items.push_back(
          Problem(child, RecoverStatus::kUnsupported,
                  Message{MessageId::kRecoverNotRegular, {}}));
    }
  }
  entries->clear();
  entries->shrink_to_fit();
  if (!Emit(std::move(batch))) return false;
  ancestors_.push_back(self);
  bool go_on = true;
  // Listed ahead: the next few subfolders (each one's own subfolders are
  // wanted when it is walked, so the nearest come first).
  const std::size_t window =
      ahead_ ? std::size_t{4} * options_.list_ahead_threads : 0;
  for (std::size_t i = 0; i < std::min(window, folders.size()); ++i) {
    ahead_->Want(folders[i].first);
  }
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const auto& [path, info] = folders[i];
    if (ahead_ && i + window < folders.size()) {
      ahead_->Want(folders[i + window].first);
    }
    WalkBatch problems{dir, {}, {}};
    if (MayEnter(path, info, depth + 1, problems.items)) {
      go_on = WalkFolder(path, FolderId{info.device, info.inode}, depth + 1);
    } else {
      if (ahead_) ahead_->Drop(path);
      go_on = Emit(std::move(problems));
    }
    if (!go_on) {
      if (ahead_) {
        for (std::size_t k = i + 1;
             k < std::min(folders.size(), i + 1 + window); ++k) {
          ahead_->Drop(folders[k].first);
        }
      }
      break;
    }
  }
  ancestors_.pop_back();
  return go_on;
}

}  // namespace kintsugi::recover
