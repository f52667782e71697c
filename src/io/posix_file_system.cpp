// RealFileSystem(): the FileSystem interface over POSIX system calls
// (include/kintsugi/fs.h). Kept small enough to audit: every call is a thin
// wrapper that retries EINTR and turns errno into a Status naming the
// operation and the path.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/path_check.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::io {
namespace {

std::string What(std::string_view operation, const Path& path) {
  std::string what(operation);
  what += ": ";
  what += path.native();
  return what;
}

Status ErrnoStatus(std::string_view operation, const Path& path) {
  return ErrnoToStatus(errno, What(operation, path));
}

// Closes `fd`, ignoring EINTR: on Linux the descriptor is released even
// then, and retrying could close a descriptor another thread just opened.
int CloseFd(int fd) {
  const int rc = ::close(fd);
  if (rc != 0 && errno == EINTR) return 0;
  return rc;
}

FileType TypeFromMode(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

FileInfo InfoFromStat(const struct stat& st) {
  FileInfo info;
  info.type = TypeFromMode(st.st_mode);
  info.size = st.st_size < 0 ? 0 : static_cast<std::uint64_t>(st.st_size);
  info.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                  static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  info.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  info.device = static_cast<std::uint64_t>(st.st_dev);
  info.inode = static_cast<std::uint64_t>(st.st_ino);
  return info;
}

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, Path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { CloseFd(fd_); }
  PosixReadableFile(const PosixReadableFile&) = delete;
  PosixReadableFile& operator=(const PosixReadableFile&) = delete;

  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    constexpr auto kMaxOffset =
        static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());
    if (offset > kMaxOffset) {
      return InvalidArgumentError(What("read: offset too large", path_));
    }
    // Fill `out` as far as the file goes: a single pread may return less
    // than asked for without being at the end.
    std::size_t total = 0;
    while (total < out.size()) {
      const std::span<std::uint8_t> rest = out.subspan(total);
      const std::uint64_t at = offset + total;
      if (at > kMaxOffset) break;
      const ssize_t n =
          ::pread(fd_, rest.data(), rest.size(), static_cast<off_t>(at));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path_);
      }
      if (n == 0) break;
      total += static_cast<std::size_t>(n);
    }
    return total;
  }

  Result<std::uint64_t> Size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("fstat", path_);
    return st.st_size < 0 ? std::uint64_t{0}
                          : static_cast<std::uint64_t>(st.st_size);
  }

 private:
  int fd_;
  Path path_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, Path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) CloseFd(fd_);
  }
  PosixWritableFile(const PosixWritableFile&) = delete;
  PosixWritableFile& operator=(const PosixWritableFile&) = delete;

  Status Append(ByteView data) override {
    if (fd_ < 0) return InvalidArgumentError(What("append: closed", path_));
    std::span<const std::uint8_t> rest = data.span();
    while (!rest.empty()) {
      const ssize_t n = ::write(fd_, rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_);
      }
      if (n == 0) return IoError(What("write: no progress", path_));
      rest = rest.subspan(static_cast<std::size_t>(n));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (fd_ < 0) return InvalidArgumentError(What("sync: closed", path_));
    while (::fsync(fd_) != 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("fsync", path_);
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return InvalidArgumentError(What("close: closed", path_));
    const int fd = std::exchange(fd_, -1);
    if (CloseFd(fd) != 0) return ErrnoStatus("close", path_);
    return Status::Ok();
  }

 private:
  int fd_;
  Path path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& path) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    // O_NONBLOCK so that opening a FIFO found while scanning cannot hang;
    // only regular files are accepted below.
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("open", path);
    auto file = std::make_unique<PosixReadableFile>(fd, path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return ErrnoStatus("fstat", path);
    if (!S_ISREG(st.st_mode)) {
      return UnsupportedError(What(S_ISDIR(st.st_mode)
                                       ? "open: a folder, not a file"
                                       : "open: not a regular file",
                                   path));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
      return ErrnoStatus("fcntl", path);
    }
    return std::unique_ptr<ReadableFile>(std::move(file));
  }

  using FileSystem::CreateNew;
  Result<std::unique_ptr<WritableFile>> CreateNew(const Path& path,
                                                  std::uint32_t mode) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    // O_EXCL already refuses a symlink at `path` (even a dangling one);
    // O_NOFOLLOW says so explicitly.
    int fd;
    do {
      fd = ::open(
          path.c_str(),
          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
          static_cast<mode_t>(mode & 0777u));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("create", path);
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(fd, path));
  }

  Status RenameNoReplace(const Path& from, const Path& to) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(from));
    KINTSUGI_RETURN_IF_ERROR(CheckPath(to));
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                    RENAME_NOREPLACE) == 0) {
      return Status::Ok();
    }
    const int rename_errno = errno;
    if (rename_errno != EINVAL && rename_errno != ENOSYS) {
      return ErrnoToStatus(rename_errno,
                           What("rename", from) + " -> " + to.native());
    }
    // The file system does not support RENAME_NOREPLACE (or `from` is a
    // directory moved into itself). link() fails with EEXIST instead of
    // replacing, so link + unlink never replaces either; it only works for
    // non-directories.
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) return ErrnoStatus("rename", from);
    if (S_ISDIR(st.st_mode)) {
      return ErrnoToStatus(rename_errno,
                           What("rename", from) + " -> " + to.native());
    }
    if (::link(from.c_str(), to.c_str()) != 0) {
      return ErrnoToStatus(errno,
                           What("rename (link)", from) + " -> " + to.native());
    }
    if (::unlink(from.c_str()) != 0) {
      const int unlink_errno = errno;
      // Undo: `to` is the link we just made to the same file.
      ::unlink(to.c_str());
      return ErrnoToStatus(unlink_errno, What("rename (unlink)", from));
    }
    return Status::Ok();
  }

  Status RenameReplacing(const Path& from, const Path& to) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(from));
    KINTSUGI_RETURN_IF_ERROR(CheckPath(to));
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoToStatus(errno, What("rename", from) + " -> " + to.native());
    }
    return Status::Ok();
  }

  Status Remove(const Path& path) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("remove", path);
    return Status::Ok();
  }

  Status SyncDir(const Path& dir) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
    int fd;
    do {
      fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("open directory", dir);
    int rc;
    do {
      rc = ::fsync(fd);
    } while (rc != 0 && errno == EINTR);
    const int sync_errno = errno;
    CloseFd(fd);
    // EINVAL: the file system cannot sync directories (some FUSE and
    // network file systems); there is nothing more we could do.
    if (rc != 0 && sync_errno != EINVAL) {
      return ErrnoToStatus(sync_errno, What("fsync directory", dir));
    }
    return Status::Ok();
  }

  Result<FileInfo> Stat(const Path& path, bool follow_symlinks) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    struct stat st {};
    const int rc = follow_symlinks ? ::stat(path.c_str(), &st)
                                   : ::lstat(path.c_str(), &st);
    if (rc != 0) return ErrnoStatus("stat", path);
    return InfoFromStat(st);
  }

  Result<bool> IsPseudoFileSystem(const Path& dir) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
    struct statfs fs {};
    if (::statfs(dir.c_str(), &fs) != 0) return ErrnoStatus("statfs", dir);
    // The kernel's magic numbers (linux/magic.h) of file systems that hold
    // no user files. tmpfs and devtmpfs share one and are not listed: /tmp
    // holds real files.
    switch (static_cast<std::uint64_t>(fs.f_type)) {
      case 0x9fa0:      // proc
      case 0x62656572:  // sysfs
      case 0x1cd1:      // devpts
      case 0x27e0eb:    // cgroup
      case 0x63677270:  // cgroup2
      case 0x64626720:  // debugfs
      case 0x74726163:  // tracefs
      case 0x73636673:  // securityfs
      case 0xcafe4a11:  // bpf
      case 0x6165676c:  // pstore
      case 0x62656570:  // configfs
      case 0x65735543:  // fusectl
      case 0x19800202:  // mqueue
      case 0x42494e4d:  // binfmt_misc
      case 0xde5e81e4:  // efivarfs
      case 0xf97cff8c:  // selinuxfs
      case 0x6e736673:  // nsfs
        return true;
      default:
        return false;
    }
  }

  Result<std::vector<DirEntry>> ListDir(const Path& dir) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
    int fd;
    do {
      fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return ErrnoStatus("open directory", dir);
    DIR* stream = ::fdopendir(fd);
    if (stream == nullptr) {
      const Status status = ErrnoStatus("opendir", dir);
      CloseFd(fd);
      return status;
    }
    std::unique_ptr<DIR, int (*)(DIR*)> closer(stream, &::closedir);
    std::vector<DirEntry> entries;
    while (true) {
      errno = 0;
      const dirent* entry = ::readdir(stream);
      if (entry == nullptr) {
        if (errno != 0) return ErrnoStatus("readdir", dir);
        break;
      }
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      DirEntry out;
      out.name = std::string(name);
      switch (entry->d_type) {
        case DT_REG:
          out.type = FileType::kRegular;
          break;
        case DT_DIR:
          out.type = FileType::kDirectory;
          break;
        case DT_LNK:
          out.type = FileType::kSymlink;
          break;
        case DT_UNKNOWN: {
          // Some file systems (XFS without ftype, some FUSE) leave the type
          // out; ask for it. An entry that vanished meanwhile stays kOther.
          struct stat st {};
          if (::fstatat(::dirfd(stream), entry->d_name, &st,
                        AT_SYMLINK_NOFOLLOW) == 0) {
            out.type = TypeFromMode(st.st_mode);
          }
          break;
        }
        default:
          out.type = FileType::kOther;
          break;
      }
      entries.push_back(std::move(out));
    }
    std::sort(
        entries.begin(), entries.end(),
        [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return entries;
  }

  Status CreateDirs(const Path& dir) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(dir));
    if (dir.empty()) return ErrnoToStatus(ENOENT, What("mkdir", dir));
    Path prefix;
    for (const Path& part : dir.lexically_normal()) {
      prefix /= part;
      if (part.empty() || part == "." || part == "..") continue;
      if (prefix == prefix.root_path()) continue;
      if (::mkdir(prefix.c_str(), 0755) == 0) continue;
      const int mkdir_errno = errno;
      if (mkdir_errno != EEXIST) {
        return ErrnoToStatus(mkdir_errno, What("mkdir", prefix));
      }
      // Like `mkdir -p`: an existing directory, or a symlink to one, is
      // fine; anything else is in the way.
      struct stat st {};
      if (::stat(prefix.c_str(), &st) != 0) {
        return ErrnoStatus("mkdir", prefix);
      }
      if (!S_ISDIR(st.st_mode)) {
        return AlreadyExistsError(
            What("mkdir: exists and is not a directory", prefix));
      }
    }
    return Status::Ok();
  }

  Result<std::uint64_t> FreeSpace(const Path& path) override {
    KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return ErrnoStatus("statvfs", path);
    const auto blocks = static_cast<std::uint64_t>(st.f_bavail);
    const auto block_size = static_cast<std::uint64_t>(st.f_frsize);
    if (block_size != 0 &&
        blocks > std::numeric_limits<std::uint64_t>::max() / block_size) {
      return std::numeric_limits<std::uint64_t>::max();
    }
    return blocks * block_size;
  }
};

}  // namespace
}  // namespace kintsugi::io

namespace kintsugi {

FileSystem& RealFileSystem() {
  // Never destroyed: may be used from other static destructors.
  static auto* const fs = new io::PosixFileSystem();
  return *fs;
}

}  // namespace kintsugi
