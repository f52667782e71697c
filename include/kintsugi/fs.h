#pragma once

// The file-system interface. Every piece of Kintsugi that touches files goes
// through it, so that "nothing is lost" (a full disk, a refused folder, a
// crash mid-write) is an ordinary unit test against the in-memory
// implementation (src/io/memory_file_system.h) and the real POSIX one is
// small enough to audit.
//
// The interface has no call that opens an existing file for writing,
// truncates one, or replaces one on rename by default: encrypted originals
// can only be read. It comes in two parts: ReadOnlyFileSystem, through which
// sources are read (a folder today, a disk image later), and FileSystem,
// which adds the calls that write (where outputs and the journal go).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi {

using Path = std::filesystem::path;

// Permission bits for files whose readers are not known: owner only.
inline constexpr std::uint32_t kPrivateFileMode = 0600;

enum class FileType : std::uint8_t { kRegular, kDirectory, kSymlink, kOther };

struct FileInfo {
  FileType type = FileType::kOther;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // Nanoseconds since the Unix epoch.
  std::uint32_t mode = 0;     // Permission bits (st_mode & 07777).
  std::uint64_t device = 0;   // With `inode`, identifies the file (loops).
  std::uint64_t inode = 0;
};

struct DirEntry {
  std::string name;                  // A single component, never "." or "..".
  FileType type = FileType::kOther;  // Of the entry itself (not followed).
};

class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to out.size() bytes at `offset`; returns how many were read,
  // 0 only at end of file.
  virtual Result<std::size_t> ReadAt(std::uint64_t offset,
                                     std::span<std::uint8_t> out) = 0;
  virtual Result<std::uint64_t> Size() = 0;
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` at the end, or fails (a short write is an error).
  virtual Status Append(ByteView data) = 0;
  // Makes the written data durable (fsync).
  virtual Status Sync() = 0;
  // Closes the file; later calls fail with kInvalidArgument. A file that is
  // destroyed without Close is closed silently.
  virtual Status Close() = 0;
};

// What reading a source needs, and nothing that writes: code handed a
// ReadOnlyFileSystem cannot change it, whatever it is backed by.
class ReadOnlyFileSystem {
 public:
  virtual ~ReadOnlyFileSystem() = default;

  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(
      const Path& path) = 0;
  // Information about `path` itself (lstat), or what it points to when
  // `follow_symlinks`.
  virtual Result<FileInfo> Stat(const Path& path,
                                bool follow_symlinks = false) = 0;
  // The entries of `dir`, sorted by name.
  virtual Result<std::vector<DirEntry>> ListDir(const Path& dir) = 0;
  // Whether the folder `dir` is on a pseudo file system whose "files" are
  // the kernel's views (procfs, sysfs, cgroup, debugfs, ...): a walk does not
  // enter it (/proc/self/root leads back to the whole system). False for a
  // source without such file systems.
  virtual Result<bool> IsPseudoFileSystem(const Path& dir) {
    (void)dir;
    return false;
  }
};

// A file system that can also be written to. Every implementation is a
// ReadOnlyFileSystem too, so one object can serve as both source and
// destination; ReadOnlyView() hides the writing half completely.
class FileSystem : public ReadOnlyFileSystem {
 public:
  // Creates `path`, which must not exist (O_CREAT | O_EXCL), with the
  // permission bits `mode` (less the process umask): kAlreadyExists
  // otherwise. Never follows a symlink at `path`. A recovered file takes the
  // encrypted file's permissions, so it is never readable by more users
  // than the encrypted copy was.
  virtual Result<std::unique_ptr<WritableFile>> CreateNew(
      const Path& path, std::uint32_t mode) = 0;
  // The same, readable by the owner only (kPrivateFileMode): Kintsugi's own
  // files, and anything whose readers are not known.
  Result<std::unique_ptr<WritableFile>> CreateNew(const Path& path) {
    return CreateNew(path, kPrivateFileMode);
  }
  // Gives `from` the name `to` only if `to` does not exist (kAlreadyExists
  // otherwise); atomic. How outputs reach their final name.
  virtual Status RenameNoReplace(const Path& from, const Path& to) = 0;
  // Atomic rename that may replace `to`. Only for Kintsugi's own files
  // (journals, state), never for user files.
  virtual Status RenameReplacing(const Path& from, const Path& to) = 0;
  // Removes a file. Only for Kintsugi's own temporaries.
  virtual Status Remove(const Path& path) = 0;
  // Makes the directory's entries durable (fsync on the directory).
  virtual Status SyncDir(const Path& dir) = 0;
  // Creates `dir` and missing parents; OK if it exists as a directory.
  virtual Status CreateDirs(const Path& dir) = 0;
  // Bytes available to an unprivileged writer on the file system of `path`.
  virtual Result<std::uint64_t> FreeSpace(const Path& path) = 0;
};

// A view of `fs` with only the reading calls: unlike a ReadOnlyFileSystem&
// bound to a FileSystem, it cannot be cast back to one. Reads go to `fs`,
// which must outlive the view; what is written to `fs` meanwhile shows.
std::unique_ptr<ReadOnlyFileSystem> ReadOnlyView(ReadOnlyFileSystem& fs);

// The process-wide POSIX file system.
FileSystem& RealFileSystem();

// Reads a whole file; kResourceExhausted if it is larger than `max_bytes`
// (the file is not read then).
Result<Bytes> ReadWholeFile(ReadOnlyFileSystem& fs, const Path& path,
                            std::size_t max_bytes);
// Reads at most `max_bytes` from the start / the end of a file.
Result<Bytes> ReadHead(ReadOnlyFileSystem& fs, const Path& path,
                       std::size_t max_bytes);
Result<Bytes> ReadTail(ReadOnlyFileSystem& fs, const Path& path,
                       std::size_t max_bytes);
// Creates `path` exclusively with permission bits `mode`, writes `data`,
// syncs and closes it. On failure the partial file is removed.
Status WriteNewFile(FileSystem& fs, const Path& path, ByteView data,
                    std::uint32_t mode = kPrivateFileMode);
// Fills `out` from `offset` on through as many ReadAt calls as it takes
// (a read may return fewer bytes than asked); returns the number of bytes
// read, less than out.size() only at the end of the file.
Result<std::size_t> ReadFullyAt(ReadableFile& file, std::uint64_t offset,
                                std::span<std::uint8_t> out);

}  // namespace kintsugi
