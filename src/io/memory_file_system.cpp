#include "io/memory_file_system.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/path_check.h"

namespace kintsugi::io {
namespace {

constexpr std::size_t kOperationKinds =
    static_cast<std::size_t>(Operation::kFreeSpace) + 1;
constexpr int kMaxSymlinkHops = 40;  // Like Linux's MAXSYMLINKS.
constexpr std::uint64_t kDefaultFreeSpace = std::uint64_t{1} << 40;
constexpr std::int64_t kClockStartNs = 1'000'000'000'000'000'000;
constexpr std::uint32_t kOwnerRead = 0400;
constexpr std::uint32_t kOwnerWrite = 0200;
constexpr std::uint64_t kDevice = 1;  // Of every memory file (FileInfo).

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kOpenForRead:
      return "open";
    case Operation::kRead:
      return "read";
    case Operation::kCreateNew:
      return "create";
    case Operation::kAppend:
      return "append";
    case Operation::kSync:
      return "sync";
    case Operation::kClose:
      return "close";
    case Operation::kRename:
      return "rename";
    case Operation::kRemove:
      return "remove";
    case Operation::kSyncDir:
      return "sync directory";
    case Operation::kStat:
      return "stat";
    case Operation::kListDir:
      return "list directory";
    case Operation::kCreateDirs:
      return "mkdir";
    case Operation::kFreeSpace:
      return "free space";
  }
  return "unknown";
}

std::string What(std::string_view operation, const Path& path) {
  std::string what(operation);
  what += ": ";
  what += path.native();
  return what;
}

Status Errno(int errno_value, std::string_view operation, const Path& path) {
  return ErrnoToStatus(errno_value, What(operation, path));
}

// Lexically normal, without a trailing separator ("a/b/" is "a/b").
Path Normalize(const Path& path) {
  Path normal = path.lexically_normal();
  if (normal.has_relative_path() && normal.filename().empty()) {
    normal = normal.parent_path();
  }
  return normal;
}

// Whether `inner` is `outer` or below it, component by component.
bool IsWithin(const Path& inner, const Path& outer) {
  const Path a = Normalize(inner);
  const Path b = Normalize(outer);
  auto [b_end, a_pos] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  static_cast<void>(a_pos);
  return b_end == b.end();
}

struct Inode;
using InodePtr = std::shared_ptr<Inode>;

struct Inode {
  FileType type = FileType::kRegular;
  std::uint32_t mode = 0644;
  std::int64_t mtime_ns = 0;
  std::uint64_t number = 0;
  // Regular files.
  Bytes data;
  Bytes durable_data;
  // Directories.
  std::map<std::string, InodePtr> entries;
  std::map<std::string, InodePtr> durable_entries;
  // Symlinks.
  std::string target;
};

// Where a path leads: the directory holding its last component and the
// thing there (null if missing). `parent` is null for a root or a path
// ending in "." or "..", which cannot be created, renamed or removed.
struct Location {
  InodePtr parent;
  std::string name;
  InodePtr node;
};

}  // namespace

struct MemoryFileSystem::State {
  State() {
    abs_root = NewInode(FileType::kDirectory, 0755);
    rel_root = NewInode(FileType::kDirectory, 0755);
  }
  ~State() {
    // Durable entries can make directories reach each other in a cycle
    // (see SimulateCrashRecovery); break them so nothing leaks.
    for (const auto& weak : directories) {
      if (InodePtr dir = weak.lock()) {
        dir->entries.clear();
        dir->durable_entries.clear();
      }
    }
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  InodePtr NewInode(FileType type, std::uint32_t mode) {
    auto inode = std::make_shared<Inode>();
    inode->type = type;
    inode->mode = mode;
    inode->number = next_inode++;
    inode->mtime_ns = clock_ns;
    if (type == FileType::kDirectory) directories.push_back(inode);
    return inode;
  }

  std::int64_t Tick() { return ++clock_ns; }

  // Counts a call and applies the fault plan to it.
  Status Begin(Operation operation, const Path& path) {
    ++operation_count;
    const bool mutation = IsMutation(operation);
    if (mutation) ++mutation_count;
    if (crashed) return CancelledError(What("simulated crash", path));
    if (mutation) {
      ++mutations_since_plan;
      if (plan.crash_after_mutations.has_value() &&
          mutations_since_plan > *plan.crash_after_mutations) {
        crashed = true;
        return CancelledError(What("simulated crash", path));
      }
    }
    const std::uint64_t nth = ++counts[static_cast<std::size_t>(operation)];
    for (const OperationFault& fault : plan.fail_operations) {
      if (fault.operation == operation &&
          (fault.nth == 0 || fault.nth == nth)) {
        const StatusCode code =
            fault.code == StatusCode::kOk ? StatusCode::kInternal : fault.code;
        return Status(code, What(std::string("injected fault: ") +
                                     std::string(OperationName(operation)),
                                 path));
      }
    }
    return Status::Ok();
  }

  // For handles: their calls fail once the file system was "rebooted".
  Status CheckGeneration(std::uint64_t handle_generation, const Path& path) {
    if (handle_generation != generation) {
      return CancelledError(What("handle from before a simulated crash", path));
    }
    return Status::Ok();
  }

  bool WritesDenied(const Path& path) const {
    const Path parent = Normalize(path).parent_path();
    return std::any_of(
        plan.deny_writes_under.begin(), plan.deny_writes_under.end(),
        [&](const Path& denied) { return IsWithin(parent, denied); });
  }

  // Whether an entry may be created, renamed or removed at `loc`.
  Status CheckWritable(const Location& loc, std::string_view operation,
                       const Path& path) const {
    if (WritesDenied(path) || (loc.parent->mode & kOwnerWrite) == 0) {
      return Errno(EACCES, operation, path);
    }
    return Status::Ok();
  }

  // Resolves `path` like the kernel: symlinks in the middle are always
  // followed, the last one only if `follow_last`.
  Result<Location> Lookup(const Path& path, bool follow_last,
                          std::string_view operation) const {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    if (path.empty()) return Errno(ENOENT, operation, path);
    const Path normal = Normalize(path);
    std::vector<InodePtr> stack{normal.has_root_directory() ? abs_root
                                                            : rel_root};
    std::deque<std::string> pending;
    for (const Path& part : normal.relative_path()) {
      pending.push_back(part.native());
    }
    int hops = 0;
    while (!pending.empty()) {
      const std::string part = std::move(pending.front());
      pending.pop_front();
      const bool last = pending.empty();
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        if (stack.size() > 1) stack.pop_back();
        continue;
      }
      const InodePtr dir = stack.back();
      const auto it = dir->entries.find(part);
      if (it == dir->entries.end()) {
        if (last) return Location{dir, part, nullptr};
        return Errno(ENOENT, operation, path);
      }
      const InodePtr child = it->second;
      if (child->type == FileType::kSymlink && (!last || follow_last)) {
        if (++hops > kMaxSymlinkHops) return Errno(ELOOP, operation, path);
        if (child->target.empty()) return Errno(ENOENT, operation, path);
        const Path target = Normalize(child->target);
        if (target.has_root_directory()) stack.assign(1, abs_root);
        std::vector<std::string> parts;
        for (const Path& target_part : target.relative_path()) {
          parts.push_back(target_part.native());
        }
        pending.insert(pending.begin(), parts.begin(), parts.end());
        continue;
      }
      if (last) return Location{dir, part, child};
      if (child->type != FileType::kDirectory) {
        return Errno(ENOTDIR, operation, path);
      }
      stack.push_back(child);
    }
    // A root, or a path ending in "." or "..": the directory itself.
    return Location{nullptr, std::string(), stack.back()};
  }

  // mkdir -p. `durable` (test set-up) also records each directory in its
  // parent's durable entries; `checked` applies permissions and the plan.
  Status MakeDirs(const Path& dir, bool durable, bool checked) {
    if (dir.empty()) return Errno(ENOENT, "mkdir", dir);
    Path prefix;
    for (const Path& part : Normalize(dir)) {
      prefix /= part;
      if (part.empty() || part == "." || part == "..") continue;
      if (prefix == prefix.root_path()) continue;
      KINTSUGI_ASSIGN_OR_RETURN(const Location loc,
                                Lookup(prefix, /*follow_last=*/true, "mkdir"));
      if (loc.node != nullptr) {
        if (loc.node->type != FileType::kDirectory) {
          return AlreadyExistsError(
              What("mkdir: exists and is not a directory", prefix));
        }
        if (durable && loc.parent != nullptr) {
          loc.parent->durable_entries[loc.name] = loc.node;
        }
        continue;
      }
      if (checked)
        KINTSUGI_RETURN_IF_ERROR(CheckWritable(loc, "mkdir", prefix));
      InodePtr created = NewInode(FileType::kDirectory, 0755);
      if (checked) {
        const std::int64_t now = Tick();
        created->mtime_ns = now;
        loc.parent->mtime_ns = now;
      }
      loc.parent->entries[loc.name] = created;
      if (durable) loc.parent->durable_entries[loc.name] = created;
    }
    return Status::Ok();
  }

  // Whether `dir` is `ancestor` or inside it (for "move a directory into
  // itself"). Bounded by a visited set.
  static bool IsInside(const InodePtr& dir, const InodePtr& ancestor) {
    std::set<const Inode*> visited;
    std::vector<const Inode*> todo{ancestor.get()};
    while (!todo.empty()) {
      const Inode* current = todo.back();
      todo.pop_back();
      if (current == dir.get()) return true;
      if (!visited.insert(current).second) continue;
      for (const auto& [name, child] : current->entries) {
        if (child->type == FileType::kDirectory) todo.push_back(child.get());
      }
    }
    return false;
  }

  Status Rename(const Path& from, const Path& to, bool replace) {
    KINTSUGI_RETURN_IF_ERROR(Begin(Operation::kRename, from));
    KINTSUGI_ASSIGN_OR_RETURN(const Location src,
                              Lookup(from, /*follow_last=*/false, "rename"));
    if (src.node == nullptr) return Errno(ENOENT, "rename", from);
    KINTSUGI_ASSIGN_OR_RETURN(const Location dst,
                              Lookup(to, /*follow_last=*/false, "rename"));
    if (src.parent == nullptr) return Errno(EBUSY, "rename", from);
    if (dst.parent == nullptr) {
      return Errno(replace ? EBUSY : EEXIST, "rename", to);
    }
    if (dst.node != nullptr && !replace) return Errno(EEXIST, "rename", to);
    KINTSUGI_RETURN_IF_ERROR(CheckWritable(src, "rename", from));
    KINTSUGI_RETURN_IF_ERROR(CheckWritable(dst, "rename", to));
    if (dst.node == src.node) return Status::Ok();  // Same file: no-op.
    if (src.node->type == FileType::kDirectory &&
        IsInside(dst.parent, src.node)) {
      return Errno(EINVAL, "rename", from);
    }
    if (dst.node != nullptr) {
      const bool src_dir = src.node->type == FileType::kDirectory;
      const bool dst_dir = dst.node->type == FileType::kDirectory;
      if (dst_dir && !src_dir) return Errno(EISDIR, "rename", to);
      if (!dst_dir && src_dir) return Errno(ENOTDIR, "rename", to);
      if (dst_dir && !dst.node->entries.empty()) {
        return Errno(ENOTEMPTY, "rename", to);
      }
    }
    const InodePtr node = src.node;
    src.parent->entries.erase(src.name);
    dst.parent->entries[dst.name] = node;
    const std::int64_t now = Tick();
    src.parent->mtime_ns = now;
    dst.parent->mtime_ns = now;
    return Status::Ok();
  }

  mutable std::mutex mu;
  InodePtr abs_root;
  InodePtr rel_root;
  // Every directory ever made, to break reference cycles at the end.
  std::vector<std::weak_ptr<Inode>> directories;
  std::uint64_t next_inode = 2;
  std::int64_t clock_ns = kClockStartNs;
  std::uint64_t free_space = kDefaultFreeSpace;

  FaultPlan plan;
  bool crashed = false;
  std::uint64_t appended_since_plan = 0;
  std::uint64_t mutations_since_plan = 0;
  std::array<std::uint64_t, kOperationKinds> counts{};

  // Bumped by SimulateCrashRecovery; handles remember the one they saw.
  std::uint64_t generation = 0;
  std::uint64_t operation_count = 0;
  std::uint64_t mutation_count = 0;
};

namespace {

using State = MemoryFileSystem::State;

class MemoryReadableFile final : public ReadableFile {
 public:
  MemoryReadableFile(std::shared_ptr<State> state, InodePtr node, Path path)
      : state_(std::move(state)),
        node_(std::move(node)),
        path_(std::move(path)),
        generation_(state_->generation) {}

  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kRead, path_));
    KINTSUGI_RETURN_IF_ERROR(state_->CheckGeneration(generation_, path_));
    const Bytes& data = node_->data;
    if (offset >= data.size()) return std::size_t{0};
    // offset < data.size(), so the cast is exact.
    const ByteView rest =
        ByteView(data).Last(data.size() - static_cast<std::size_t>(offset));
    const std::size_t n = std::min(out.size(), rest.size());
    std::copy_n(rest.begin(), n, out.begin());
    return n;
  }

  Result<std::uint64_t> Size() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kRead, path_));
    KINTSUGI_RETURN_IF_ERROR(state_->CheckGeneration(generation_, path_));
    return static_cast<std::uint64_t>(node_->data.size());
  }

 private:
  std::shared_ptr<State> state_;
  InodePtr node_;
  Path path_;
  std::uint64_t generation_;
};

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::shared_ptr<State> state, InodePtr node, Path path)
      : state_(std::move(state)),
        node_(std::move(node)),
        path_(std::move(path)),
        generation_(state_->generation) {}

  Status Append(ByteView data) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kAppend, path_));
    KINTSUGI_RETURN_IF_ERROR(state_->CheckGeneration(generation_, path_));
    if (closed_) return InvalidArgumentError(What("append: closed", path_));
    const FaultPlan& plan = state_->plan;
    std::size_t n = data.size();
    bool short_write = false;
    if (plan.short_write_on_append.has_value() &&
        state_->counts[static_cast<std::size_t>(Operation::kAppend)] ==
            *plan.short_write_on_append) {
      n = data.size() / 2;
      short_write = true;
    }
    bool disk_full = false;
    if (plan.disk_full_at_byte.has_value()) {
      const std::uint64_t limit = *plan.disk_full_at_byte;
      const std::uint64_t left = limit > state_->appended_since_plan
                                     ? limit - state_->appended_since_plan
                                     : 0;
      if (n > left) {
        n = static_cast<std::size_t>(left);
        disk_full = true;
      }
    }
    const ByteView written = data.First(n);
    node_->data.insert(node_->data.end(), written.begin(), written.end());
    state_->appended_since_plan += n;
    if (n > 0) node_->mtime_ns = state_->Tick();
    if (disk_full) return Errno(ENOSPC, "write", path_);
    if (short_write) {
      return IoError(What("write: injected short write", path_));
    }
    return Status::Ok();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kSync, path_));
    KINTSUGI_RETURN_IF_ERROR(state_->CheckGeneration(generation_, path_));
    if (closed_) return InvalidArgumentError(What("sync: closed", path_));
    node_->durable_data = node_->data;
    return Status::Ok();
  }

  Status Close() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (closed_) return InvalidArgumentError(What("close: closed", path_));
    // Like close(2): the handle is gone even if the call reports an error.
    closed_ = true;
    KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kClose, path_));
    KINTSUGI_RETURN_IF_ERROR(state_->CheckGeneration(generation_, path_));
    return Status::Ok();
  }

 private:
  std::shared_ptr<State> state_;
  InodePtr node_;
  Path path_;
  std::uint64_t generation_;
  bool closed_ = false;
};

}  // namespace

MemoryFileSystem::MemoryFileSystem() : state_(std::make_shared<State>()) {}

MemoryFileSystem::~MemoryFileSystem() = default;

Result<std::unique_ptr<ReadableFile>> MemoryFileSystem::OpenForRead(
    const Path& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kOpenForRead, path));
  KINTSUGI_ASSIGN_OR_RETURN(const Location loc,
                            state_->Lookup(path, /*follow_last=*/true, "open"));
  if (loc.node == nullptr) return Errno(ENOENT, "open", path);
  if ((loc.node->mode & kOwnerRead) == 0) return Errno(EACCES, "open", path);
  if (loc.node->type != FileType::kRegular) {
    const bool dir = loc.node->type == FileType::kDirectory;
    return UnsupportedError(What(
        dir ? "open: a folder, not a file" : "open: not a regular file", path));
  }
  return std::unique_ptr<ReadableFile>(
      std::make_unique<MemoryReadableFile>(state_, loc.node, path));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::CreateNew(
    const Path& path, std::uint32_t mode) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kCreateNew, path));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/false, "create"));
  if (loc.node != nullptr || loc.parent == nullptr) {
    return Errno(EEXIST, "create", path);
  }
  KINTSUGI_RETURN_IF_ERROR(state_->CheckWritable(loc, "create", path));
  InodePtr node = state_->NewInode(FileType::kRegular, mode & 0777u);
  const std::int64_t now = state_->Tick();
  node->mtime_ns = now;
  loc.parent->mtime_ns = now;
  loc.parent->entries[loc.name] = node;
  return std::unique_ptr<WritableFile>(
      std::make_unique<MemoryWritableFile>(state_, node, path));
}

Status MemoryFileSystem::RenameNoReplace(const Path& from, const Path& to) {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->Rename(from, to, /*replace=*/false);
}

Status MemoryFileSystem::RenameReplacing(const Path& from, const Path& to) {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->Rename(from, to, /*replace=*/true);
}

Status MemoryFileSystem::Remove(const Path& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kRemove, path));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/false, "remove"));
  if (loc.node == nullptr) return Errno(ENOENT, "remove", path);
  if (loc.parent == nullptr || loc.node->type == FileType::kDirectory) {
    return Errno(EISDIR, "remove", path);
  }
  KINTSUGI_RETURN_IF_ERROR(state_->CheckWritable(loc, "remove", path));
  loc.parent->entries.erase(loc.name);
  loc.parent->mtime_ns = state_->Tick();
  return Status::Ok();
}

Status MemoryFileSystem::SyncDir(const Path& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kSyncDir, dir));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(dir, /*follow_last=*/true, "open directory"));
  if (loc.node == nullptr) return Errno(ENOENT, "open directory", dir);
  if (loc.node->type != FileType::kDirectory) {
    return Errno(ENOTDIR, "open directory", dir);
  }
  if ((loc.node->mode & kOwnerRead) == 0) {
    return Errno(EACCES, "open directory", dir);
  }
  loc.node->durable_entries = loc.node->entries;
  return Status::Ok();
}

Result<FileInfo> MemoryFileSystem::Stat(const Path& path,
                                        bool follow_symlinks) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kStat, path));
  KINTSUGI_ASSIGN_OR_RETURN(const Location loc,
                            state_->Lookup(path, follow_symlinks, "stat"));
  if (loc.node == nullptr) return Errno(ENOENT, "stat", path);
  FileInfo info;
  info.type = loc.node->type;
  switch (loc.node->type) {
    case FileType::kRegular:
      info.size = loc.node->data.size();
      break;
    case FileType::kSymlink:
      info.size = loc.node->target.size();
      break;
    default:
      info.size = 0;
      break;
  }
  info.mtime_ns = loc.node->mtime_ns;
  info.mode = loc.node->mode;
  info.device = kDevice;
  info.inode = loc.node->number;
  return info;
}

Result<std::vector<DirEntry>> MemoryFileSystem::ListDir(const Path& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kListDir, dir));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(dir, /*follow_last=*/true, "open directory"));
  if (loc.node == nullptr) return Errno(ENOENT, "open directory", dir);
  if (loc.node->type != FileType::kDirectory) {
    return Errno(ENOTDIR, "open directory", dir);
  }
  if ((loc.node->mode & kOwnerRead) == 0) {
    return Errno(EACCES, "open directory", dir);
  }
  std::vector<DirEntry> entries;
  entries.reserve(loc.node->entries.size());
  for (const auto& [name, child] : loc.node->entries) {
    entries.push_back(DirEntry{name, child->type});
  }
  return entries;  // std::map keeps them sorted by name.
}

Status MemoryFileSystem::CreateDirs(const Path& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kCreateDirs, dir));
  KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
  return state_->MakeDirs(dir, /*durable=*/false, /*checked=*/true);
}

Result<std::uint64_t> MemoryFileSystem::FreeSpace(const Path& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(state_->Begin(Operation::kFreeSpace, path));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/true, "statvfs"));
  if (loc.node == nullptr) return Errno(ENOENT, "statvfs", path);
  if (state_->plan.disk_full_at_byte.has_value()) {
    const std::uint64_t limit = *state_->plan.disk_full_at_byte;
    return limit > state_->appended_since_plan
               ? limit - state_->appended_since_plan
               : std::uint64_t{0};
  }
  return state_->free_space;
}

Status MemoryFileSystem::AddFile(const Path& path, ByteView contents,
                                 std::int64_t mtime_ns) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
  const Path parent = Normalize(path).parent_path();
  if (!parent.empty()) {
    KINTSUGI_RETURN_IF_ERROR(
        state_->MakeDirs(parent, /*durable=*/true, /*checked=*/false));
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/false, "create"));
  if (loc.node != nullptr || loc.parent == nullptr) {
    return Errno(EEXIST, "create", path);
  }
  InodePtr node = state_->NewInode(FileType::kRegular, 0644);
  node->data = contents.ToBytes();
  node->durable_data = node->data;
  node->mtime_ns = mtime_ns;
  loc.parent->entries[loc.name] = node;
  loc.parent->durable_entries[loc.name] = node;
  return Status::Ok();
}

Status MemoryFileSystem::AddDirs(const Path& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
  return state_->MakeDirs(dir, /*durable=*/true, /*checked=*/false);
}

Status MemoryFileSystem::AddSymlink(const Path& path, const Path& target) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_RETURN_IF_ERROR(CheckPath(target));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/false, "symlink"));
  if (loc.node != nullptr || loc.parent == nullptr) {
    return Errno(EEXIST, "symlink", path);
  }
  InodePtr node = state_->NewInode(FileType::kSymlink, 0777);
  node->target = target.native();
  loc.parent->entries[loc.name] = node;
  loc.parent->durable_entries[loc.name] = node;
  return Status::Ok();
}

Result<Bytes> MemoryFileSystem::Contents(const Path& path) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc,
      state_->Lookup(path, /*follow_last=*/true, "contents"));
  if (loc.node == nullptr) return Errno(ENOENT, "contents", path);
  if (loc.node->type != FileType::kRegular) {
    return UnsupportedError(What("contents: not a regular file", path));
  }
  return loc.node->data;
}

std::vector<std::string> MemoryFileSystem::ListAllFiles() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<std::string> files;
  std::set<const Inode*> visited;
  std::vector<std::pair<Path, const Inode*>> todo{
      {Path("/"), state_->abs_root.get()}, {Path(), state_->rel_root.get()}};
  while (!todo.empty()) {
    auto [dir_path, dir] = todo.back();
    todo.pop_back();
    if (!visited.insert(dir).second) continue;
    for (const auto& [name, child] : dir->entries) {
      if (child->type == FileType::kRegular) {
        files.push_back((dir_path / name).native());
      } else if (child->type == FileType::kDirectory) {
        todo.emplace_back(dir_path / name, child.get());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool MemoryFileSystem::Exists(const Path& path) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  const Result<Location> loc =
      state_->Lookup(path, /*follow_last=*/false, "exists");
  return loc.has_value() && loc->node != nullptr;
}

Status MemoryFileSystem::SetMode(const Path& path, std::uint32_t mode) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc, state_->Lookup(path, /*follow_last=*/false, "chmod"));
  if (loc.node == nullptr) return Errno(ENOENT, "chmod", path);
  loc.node->mode = mode & 07777;
  return Status::Ok();
}

Status MemoryFileSystem::SetReadable(const Path& path, bool readable) {
  std::lock_guard<std::mutex> lock(state_->mu);
  KINTSUGI_ASSIGN_OR_RETURN(
      const Location loc, state_->Lookup(path, /*follow_last=*/false, "chmod"));
  if (loc.node == nullptr) return Errno(ENOENT, "chmod", path);
  if (readable) {
    loc.node->mode |= kOwnerRead;
  } else {
    loc.node->mode &= ~kOwnerRead;
  }
  return Status::Ok();
}

void MemoryFileSystem::SetFreeSpace(std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->free_space = bytes;
}

void MemoryFileSystem::SetFaultPlan(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->plan = std::move(plan);
  state_->crashed = false;
  state_->appended_since_plan = 0;
  state_->mutations_since_plan = 0;
  state_->counts.fill(0);
}

void MemoryFileSystem::SimulateCrashRecovery() {
  std::lock_guard<std::mutex> lock(state_->mu);
  // Rebuild what is reachable from the roots through durable entries. A
  // directory reachable twice (see the header) is reverted once.
  std::set<const Inode*> visited;
  std::vector<Inode*> todo{state_->abs_root.get(), state_->rel_root.get()};
  while (!todo.empty()) {
    Inode* dir = todo.back();
    todo.pop_back();
    if (!visited.insert(dir).second) continue;
    dir->entries = dir->durable_entries;
    for (const auto& [name, child] : dir->entries) {
      if (child->type == FileType::kDirectory) {
        todo.push_back(child.get());
      } else if (child->type == FileType::kRegular) {
        child->data = child->durable_data;
      }
    }
  }
  ++state_->generation;
  state_->plan = FaultPlan();
  state_->crashed = false;
  state_->appended_since_plan = 0;
  state_->mutations_since_plan = 0;
  state_->counts.fill(0);
}

bool MemoryFileSystem::crashed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->crashed;
}

std::uint64_t MemoryFileSystem::operation_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->operation_count;
}

std::uint64_t MemoryFileSystem::mutation_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->mutation_count;
}

}  // namespace kintsugi::io
