#pragma once

// The Sleuth Kit's image layer under a disk image (kintsugi/disk_image.h):
// the image's bytes come through our own read callback
// (tsk_img_open_external), so that the file is opened by us, read-only,
// and every call's reads are counted against a budget
// (limits::kMaxDiskImageBytesPerCall). Not thread-safe: the caller holds
// the image's mutex around every call into The Sleuth Kit.

#include <tsk/libtsk.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::io::disk_image {

// Where an image's bytes come from: a file (or block device) opened
// O_RDONLY, or bytes in memory.
class ImageBytes {
 public:
  virtual ~ImageBytes() = default;
  // Reads up to out.size() bytes at `offset` (fewer only at the end).
  virtual Result<std::size_t> ReadAt(std::uint64_t offset,
                                     std::span<std::uint8_t> out) = 0;
  virtual std::uint64_t size() const = 0;
};

Result<std::unique_ptr<ImageBytes>> OpenImageFile(const Path& path);
std::unique_ptr<ImageBytes> ImageInMemory(ByteView bytes);

// An image opened in The Sleuth Kit over ImageBytes.
class TskImage {
 public:
  static Result<std::unique_ptr<TskImage>> Open(
      std::unique_ptr<ImageBytes> bytes, std::string name);
  ~TskImage();
  TskImage(const TskImage&) = delete;
  TskImage& operator=(const TskImage&) = delete;

  TSK_IMG_INFO* info() { return info_; }
  const std::string& name() const { return name_; }
  std::uint64_t size() const { return bytes_->size(); }

  // Starts a call that may read at most `bytes` bytes of the image; reads
  // beyond fail (The Sleuth Kit then fails the call) and exhausted() says
  // so.
  void StartCall(std::uint64_t bytes);
  bool exhausted() const { return exhausted_; }

  // Called by the read callback.
  long Read(std::int64_t offset, char* buffer, std::size_t length);

 private:
  TskImage() = default;
  TSK_IMG_INFO* info_ = nullptr;
  std::unique_ptr<ImageBytes> bytes_;
  std::string name_;
  std::uint64_t budget_ = 0;
  bool exhausted_ = false;
};

// The Sleuth Kit's last error on this thread, as one line (empty when
// none); resets it.
std::string TakeTskError();

// A failure of a call into The Sleuth Kit on `image`: kResourceExhausted
// ("disk_image.limit") when the call ran out of its read budget, else
// `code` with the message id `id`, `what` (a path inside the image, or the
// image) and The Sleuth Kit's own text.
Status TskFailure(TskImage& image, StatusCode code, std::string_view id,
                  std::string_view what);

}  // namespace kintsugi::io::disk_image
