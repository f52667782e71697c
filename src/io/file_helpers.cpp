// The free helpers of include/kintsugi/fs.h, written once against the
// FileSystem interface so that they behave the same on disk and in memory.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "kintsugi/fs.h"
#include "kintsugi/limits.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

std::string Describe(const char* what, const Path& path) {
  std::string text(what);
  text += ": ";
  text += path.native();
  return text;
}

}  // namespace

Result<Bytes> ReadWholeFile(ReadOnlyFileSystem& fs, const Path& path,
                            std::size_t max_bytes) {
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, file->Size());
  if (size > max_bytes) {
    return ResourceExhaustedError(Describe("file larger than the limit", path) +
                                  " (" + std::to_string(size) + " > " +
                                  std::to_string(max_bytes) + " bytes)");
  }
  // The file may grow (or shrink) while we read it: read until end of file,
  // never past `max_bytes`, and growing in bounded steps.
  Bytes out(static_cast<std::size_t>(size));
  std::size_t total = 0;
  while (true) {
    if (total == out.size()) {
      if (out.size() >= max_bytes) {
        std::array<std::uint8_t, 1> probe{};
        KINTSUGI_ASSIGN_OR_RETURN(const std::size_t n,
                                  file->ReadAt(total, probe));
        if (n == 0) break;
        return ResourceExhaustedError(
            Describe("file grew past the limit while read", path));
      }
      const std::size_t step =
          std::max<std::size_t>(limits::kStreamChunkBytes / 16, out.size() / 2);
      out.resize(out.size() + std::min(step, max_bytes - out.size()));
    }
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::size_t n,
        file->ReadAt(total, std::span<std::uint8_t>(out).subspan(total)));
    if (n == 0) break;
    total += n;
  }
  out.resize(total);
  return out;
}

Result<std::size_t> ReadFullyAt(ReadableFile& file, std::uint64_t offset,
                                std::span<std::uint8_t> out) {
  std::size_t total = 0;
  while (total < out.size()) {
    KINTSUGI_ASSIGN_OR_RETURN(const std::size_t n,
                              file.ReadAt(offset + total, out.subspan(total)));
    if (n == 0) break;
    total += n;
  }
  return total;
}

Result<Bytes> ReadHead(ReadOnlyFileSystem& fs, const Path& path,
                       std::size_t max_bytes) {
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, file->Size());
  Bytes out(static_cast<std::size_t>(std::min<std::uint64_t>(size, max_bytes)));
  KINTSUGI_ASSIGN_OR_RETURN(const std::size_t n, ReadFullyAt(*file, 0, out));
  out.resize(n);
  return out;
}

Result<Bytes> ReadTail(ReadOnlyFileSystem& fs, const Path& path,
                       std::size_t max_bytes) {
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, file->Size());
  const std::uint64_t length = std::min<std::uint64_t>(size, max_bytes);
  Bytes out(static_cast<std::size_t>(length));
  KINTSUGI_ASSIGN_OR_RETURN(const std::size_t n,
                            ReadFullyAt(*file, size - length, out));
  // Shorter only if the file shrank meanwhile: what we have is still its
  // end as far as it went.
  out.resize(n);
  return out;
}

Status WriteNewFile(FileSystem& fs, const Path& path, ByteView data,
                    std::uint32_t mode) {
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.CreateNew(path, mode));
  // From here on the file is ours: on any failure remove the partial file
  // (best effort; a crash may prevent that too).
  Status status = file->Append(data);
  if (status.ok()) status = file->Sync();
  if (status.ok()) status = file->Close();
  if (!status.ok()) {
    file.reset();
    fs.Remove(path).IgnoreError();
    return status;
  }
  return Status::Ok();
}

}  // namespace kintsugi
