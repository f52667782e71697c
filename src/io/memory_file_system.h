#pragma once

// MemoryFileSystem: an in-memory FileSystem (include/kintsugi/fs.h) with
// fault injection, so that "nothing is lost" on a full disk, a short write,
// a refused folder or a crash mid-write is an ordinary unit test
// (conventions.md "Tests").
//
// The model, exactly:
//  - A tree of directories, regular files and symlinks with POSIX-like
//    semantics: directories are explicit (creating a file in a missing
//    directory is kNotFound), symlinks are resolved component by component
//    (at most 40 hops, then kInvalidArgument like ELOOP), files are shared by
//    open handles (a renamed or removed file stays readable/writable through
//    a handle opened before). Errors use the same codes as RealFileSystem
//    (ErrnoToStatus of the errno POSIX would give).
//  - Paths are made lexically normal first ("a/./b/../c" is "a/c", even if
//    "a/b" is a symlink: unlike POSIX). Absolute paths live under "/",
//    relative ones under a separate root "."; both roots always exist.
//  - Permissions: as an unprivileged owner. A file needs mode bit 0400 to be
//    opened; a directory needs 0400 to be listed and 0200 to have entries
//    created, renamed or removed in it (kPermissionDenied otherwise).
//    New files are 0644, new directories 0755.
//  - Time: a logical clock. Every successful mutation sets the mtime of
//    what it touched to the next tick (ticks start at 1e18 ns, step 1 ns).
//  - Durability: each file has its contents and its durable contents (as of
//    its last Sync); each directory has its entries and its durable entries
//    (as of its last SyncDir). Files and directories added with AddFile /
//    AddDirs are durable at once. SimulateCrashRecovery() reverts every file
//    to its durable contents and every directory to its durable entries,
//    starting from the roots. So an unsynced append vanishes, a file never
//    synced is empty, and a create/rename/remove is undone unless its
//    directory was synced after it (a rename between directories whose
//    source directory is not synced leaves the file under both names, like
//    a hard link). It does NOT simulate: torn writes inside one Append,
//    reordering between Sync of different files, metadata (mode, mtime)
//    durability, or file systems whose journal makes a directory entry
//    durable with the file's fsync (ext4 data=ordered often does; POSIX
//    does not promise it, so we don't either).
//
// Thread-safe: one mutex guards the whole state, including the state behind
// open handles.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::io {

// The kinds of FileSystem calls, for counting and for OperationFault.
enum class Operation : std::uint8_t {
  kOpenForRead,
  kRead,  // ReadableFile::ReadAt and Size.
  kCreateNew,
  kAppend,
  kSync,    // WritableFile::Sync.
  kClose,   // WritableFile::Close.
  kRename,  // RenameNoReplace and RenameReplacing.
  kRemove,
  kSyncDir,
  kStat,
  kListDir,
  kCreateDirs,
  kFreeSpace,
};

// True for the kinds that change the file system (counted by
// mutation_count() and by FaultPlan::crash_after_mutations): kCreateNew,
// kAppend, kSync, kRename, kRemove, kSyncDir, kCreateDirs.
bool IsMutation(Operation operation);

// Fails calls of one kind with a chosen code (before they do anything).
struct OperationFault {
  Operation operation = Operation::kOpenForRead;
  // Which call of that kind fails, counting from 1 since SetFaultPlan; 0
  // fails every call of that kind.
  std::uint64_t nth = 1;
  StatusCode code = StatusCode::kIoError;
};

// What goes wrong, and when. Counters start when the plan is set. Build one
// with the factories (designated initializers that leave fields out warn
// under -Wextra) and combine by setting more fields.
struct FaultPlan {
  static FaultPlan DiskFullAt(std::uint64_t byte);
  static FaultPlan ShortWriteOnAppend(std::uint64_t k);
  static FaultPlan DenyWritesUnder(Path dir);
  static FaultPlan CrashAfterMutations(std::uint64_t n);
  static FaultPlan FailOperation(Operation operation, std::uint64_t nth,
                                 StatusCode code);

  // Disk full: once this many bytes have been appended (across all files,
  // since SetFaultPlan), appends fail with kResourceExhausted; the append
  // that crosses the limit writes the bytes up to it and then fails (a real
  // partial write). FreeSpace() reports what is left.
  std::optional<std::uint64_t> disk_full_at_byte;
  // Short write: the k-th Append (from 1) writes the first half of its data
  // (rounded down) and fails with kIoError.
  std::optional<std::uint64_t> short_write_on_append;
  // Refused directories: creating, renaming or removing anything whose
  // parent directory is one of these or below one of them fails with
  // kPermissionDenied (as does CreateDirs and SyncDir there); reading still
  // works. Compared on lexically normal paths.
  std::vector<Path> deny_writes_under;
  // Crash: the first `n` mutating calls run; call n+1 and every later call
  // of any kind fail with kCancelled ("simulated crash") until
  // SimulateCrashRecovery(). Every call of a mutating kind counts, whether
  // it succeeds or not.
  std::optional<std::uint64_t> crash_after_mutations;
  // Calls of given kinds that fail with given codes.
  std::vector<OperationFault> fail_operations;
};

class MemoryFileSystem final : public FileSystem {
 public:
  MemoryFileSystem();
  ~MemoryFileSystem() override;
  MemoryFileSystem(const MemoryFileSystem&) = delete;
  MemoryFileSystem& operator=(const MemoryFileSystem&) = delete;

  // --- FileSystem -----------------------------------------------------------
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& path) override;
  using FileSystem::CreateNew;
  Result<std::unique_ptr<WritableFile>> CreateNew(const Path& path,
                                                  std::uint32_t mode) override;
  Status RenameNoReplace(const Path& from, const Path& to) override;
  Status RenameReplacing(const Path& from, const Path& to) override;
  Status Remove(const Path& path) override;
  Status SyncDir(const Path& dir) override;
  // The default matches ReadOnlyFileSystem::Stat.
  Result<FileInfo> Stat(const Path& path,
                        bool follow_symlinks = false) override;
  Result<std::vector<DirEntry>> ListDir(const Path& dir) override;
  // True at and below the folders given to MarkPseudoFileSystem.
  Result<bool> IsPseudoFileSystem(const Path& dir) override;
  Status CreateDirs(const Path& dir) override;
  // The bytes left before the plan's disk_full_at_byte, or the configured
  // free space (SetFreeSpace; default 1 TiB) when there is none.
  Result<std::uint64_t> FreeSpace(const Path& path) override;

  // --- Test set-up and inspection (no faults, not counted) ------------------
  // Creates a durable file with its missing parent directories;
  // kAlreadyExists if something is at `path`.
  Status AddFile(const Path& path, ByteView contents,
                 std::int64_t mtime_ns = 0);
  // Creates durable directories (like CreateDirs, then synced).
  Status AddDirs(const Path& dir);
  // Creates a symlink at `path` (parents must exist) pointing to `target`,
  // which is stored as given (it may dangle or form a loop).
  Status AddSymlink(const Path& path, const Path& target);
  // The current contents of the regular file at `path` (symlinks followed).
  Result<Bytes> Contents(const Path& path) const;
  // Every regular file reachable from the roots without following symlinks,
  // as paths, sorted.
  std::vector<std::string> ListAllFiles() const;
  // Whether anything is at `path` (lstat-like: a dangling symlink exists).
  bool Exists(const Path& path) const;
  // Sets the permission bits of `path` (not followed).
  Status SetMode(const Path& path, std::uint32_t mode);
  // Clears (false) or sets (true) the owner read bit of `path`.
  Status SetReadable(const Path& path, bool readable);
  // Makes `dir` and everything below it count as a pseudo file system
  // (procfs, sysfs) for IsPseudoFileSystem.
  void MarkPseudoFileSystem(const Path& dir);
  // What FreeSpace reports when the plan has no disk_full_at_byte.
  void SetFreeSpace(std::uint64_t bytes);

  // --- Faults ----------------------------------------------------------------
  // Replaces the fault plan and restarts its counters.
  void SetFaultPlan(FaultPlan plan);
  // Reboots after a simulated crash (or at any time, to model power loss):
  // applies the durability model above, invalidates every open handle (its
  // calls then fail with kCancelled) and clears the fault plan.
  void SimulateCrashRecovery();
  // Whether the plan's crash has happened.
  bool crashed() const;

  // Calls made so far through the FileSystem, ReadableFile and WritableFile
  // interfaces (all kinds / mutating kinds), including failed ones. Not
  // reset by SetFaultPlan: a test runs a workflow once to learn how many
  // crash points it has.
  std::uint64_t operation_count() const;
  std::uint64_t mutation_count() const;

  struct State;  // Shared with open handles.

 private:
  std::shared_ptr<State> state_;
  // MarkPseudoFileSystem's folders (memory_file_system_pseudo.cpp).
  mutable std::mutex pseudo_mutex_;
  std::vector<Path> pseudo_dirs_;
};

}  // namespace kintsugi::io
