#include "io/disk_image_tsk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <utility>

#include "io/path_check.h"

namespace kintsugi::io::disk_image {
namespace {

class FileImageBytes final : public ImageBytes {
 public:
  FileImageBytes(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~FileImageBytes() override { ::close(fd_); }
  FileImageBytes(const FileImageBytes&) = delete;
  FileImageBytes& operator=(const FileImageBytes&) = delete;

  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    std::size_t total = 0;
    while (total < out.size() && offset + total < size_) {
      const std::span<std::uint8_t> rest = out.subspan(total);
      const ssize_t n = ::pread(fd_, rest.data(), rest.size(),
                                static_cast<off_t>(offset + total));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(errno, "read of the disk image");
      }
      if (n == 0) break;
      total += static_cast<std::size_t>(n);
    }
    return total;
  }
  std::uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::uint64_t size_;
};

class MemoryImageBytes final : public ImageBytes {
 public:
  explicit MemoryImageBytes(ByteView bytes) : bytes_(bytes.ToBytes()) {}
  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    if (offset >= bytes_.size()) return std::size_t{0};
    const auto at = static_cast<std::size_t>(offset);
    const std::size_t n = std::min(out.size(), bytes_.size() - at);
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(at), n,
                out.begin());
    return n;
  }
  std::uint64_t size() const override { return bytes_.size(); }

 private:
  Bytes bytes_;
};

// What tsk_img_open_external fills in: The Sleuth Kit's image structure
// first (it casts between the two), then our image.
struct ExternalImage {
  TSK_IMG_INFO info;
  TskImage* owner;
};

ssize_t ReadCallback(TSK_IMG_INFO* info, TSK_OFF_T offset, char* buffer,
                     size_t length) {
  auto* external = reinterpret_cast<ExternalImage*>(info);
  return external->owner->Read(offset, buffer, length);
}

// tsk_img_close has released the cache lock already.
void CloseCallback(TSK_IMG_INFO* info) {
  delete reinterpret_cast<ExternalImage*>(info);
}

void StatCallback(TSK_IMG_INFO*, FILE*) {}

}  // namespace

Result<std::unique_ptr<ImageBytes>> OpenImageFile(const Path& path) {
  KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
  int fd;
  do {
    // O_NONBLOCK: a FIFO given as the image cannot hang the open.
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoToStatus(error, "fstat " + path.string());
  }
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    ::close(fd);
    return UnsupportedError("disk_image.not_a_file: " + path.string() +
                            (S_ISDIR(st.st_mode)
                                 ? ": a folder, not an image file"
                                 : ": neither a file nor a block device"));
  }
  // A block device's size is where its end is.
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoToStatus(error, "lseek " + path.string());
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoToStatus(error, "fcntl " + path.string());
  }
  return std::unique_ptr<ImageBytes>(
      std::make_unique<FileImageBytes>(fd, static_cast<std::uint64_t>(end)));
}

std::unique_ptr<ImageBytes> ImageInMemory(ByteView bytes) {
  return std::make_unique<MemoryImageBytes>(bytes);
}

Result<std::unique_ptr<TskImage>> TskImage::Open(
    std::unique_ptr<ImageBytes> bytes, std::string name) {
  if (bytes->size() >
      static_cast<std::uint64_t>(std::numeric_limits<TSK_OFF_T>::max())) {
    return UnsupportedError("disk_image.unrecognised: " + name +
                            ": larger than The Sleuth Kit can address");
  }
  std::unique_ptr<TskImage> image(new TskImage());
  image->bytes_ = std::move(bytes);
  image->name_ = std::move(name);
  // Value-initialised: the 2 MiB read cache inside starts empty.
  auto* external = new ExternalImage{};
  external->owner = image.get();
  TSK_IMG_INFO* info = tsk_img_open_external(
      external, static_cast<TSK_OFF_T>(image->bytes_->size()), 512,
      ReadCallback, CloseCallback, StatCallback);
  if (info == nullptr) {
    delete external;
    return InternalError("disk_image.internal: " + image->name_ + ": " +
                         TakeTskError());
  }
  image->info_ = info;
  return image;
}

TskImage::~TskImage() {
  if (info_ != nullptr) tsk_img_close(info_);
}

void TskImage::StartCall(std::uint64_t bytes) {
  budget_ = bytes;
  exhausted_ = false;
}

long TskImage::Read(std::int64_t offset, char* buffer, std::size_t length) {
  if (offset < 0) return -1;
  if (length > budget_) {
    exhausted_ = true;
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("read budget of the call spent");
    return -1;
  }
  budget_ -= length;
  auto read = bytes_->ReadAt(
      static_cast<std::uint64_t>(offset),
      std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(buffer), length));
  if (!read) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("%s", read.error().message().c_str());
    return -1;
  }
  // Short only at the end of the image (tsk_img_read asks for no more
  // than the size it was given; a file that shrank since reads short).
  return static_cast<long>(*read);
}

std::string TakeTskError() {
  const char* text = tsk_error_get();
  std::string out = text == nullptr ? "" : text;
  tsk_error_reset();
  // One line: The Sleuth Kit's messages may hold newlines.
  std::replace(out.begin(), out.end(), '\n', ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Status TskFailure(TskImage& image, StatusCode code, std::string_view id,
                  std::string_view what) {
  std::string detail = TakeTskError();
  if (image.exhausted()) {
    return ResourceExhaustedError(
        "disk_image.limit: " + std::string(what) +
        ": the image's structures made one call read more than "
        "limits::kMaxDiskImageBytesPerCall (damaged or looping)");
  }
  std::string message = std::string(id) + ": " + std::string(what);
  if (!detail.empty()) message += ": " + detail;
  return Status(code, std::move(message));
}

}  // namespace kintsugi::io::disk_image
