// Fuzz target: a disk image (kintsugi/disk_image.h) from arbitrary bytes,
// opened from memory, walked and read a bounded amount. It must never
// crash or hang, and keeps these promises:
//  - opening fails only with kCorrupt, kUnsupported or kResourceExhausted
//    (never kInternal);
//  - ListDir's names are sorted, unique, single components, never "." or
//    "..";
//  - a ReadAt never returns more than asked, and a file reads no further
//    than the size Stat gave it.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "kintsugi/disk_image.h"
#include "kintsugi/log.h"

namespace {

using kintsugi::FileType;
using kintsugi::Path;
using kintsugi::StatusCode;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

// What the walk may do on one input: enough to reach every structure of a
// small image, bounded so that one input is quick.
constexpr std::size_t kMaxFolders = 64;
constexpr std::size_t kMaxEntries = 512;
constexpr std::size_t kMaxDepth = 8;
constexpr std::size_t kReadChunk = 4096;
constexpr std::uint64_t kMaxReadBytes = 1 << 20;

void CheckExpected(const kintsugi::Status& status) {
  Check(status.code() != StatusCode::kInternal);
  Check(status.code() != StatusCode::kOk);
}

void ReadSome(kintsugi::ReadOnlyFileSystem& fs, const Path& path,
              std::uint64_t size, std::uint64_t& budget) {
  auto file = fs.OpenForRead(path);
  if (!file) return CheckExpected(file.error());
  std::vector<std::uint8_t> buffer(kReadChunk);
  // The head, and the tail where it is elsewhere.
  for (std::uint64_t at :
       {std::uint64_t{0}, size > kReadChunk ? size - kReadChunk : 0}) {
    if (budget < kReadChunk) return;
    budget -= kReadChunk;
    auto n = (*file)->ReadAt(at, buffer);
    if (!n) return CheckExpected(n.error());
    Check(*n <= buffer.size());
    Check(at + *n <= size);
  }
  auto past = (*file)->ReadAt(size, buffer);
  Check(!past || *past == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  kintsugi::SetLogLevel(kintsugi::LogLevel::kOff);
  auto opened = kintsugi::OpenDiskImageBytes(kintsugi::ByteView(data, size));
  if (!opened) {
    const StatusCode code = opened.error().code();
    Check(code == StatusCode::kCorrupt || code == StatusCode::kUnsupported ||
          code == StatusCode::kResourceExhausted);
    return 0;
  }
  kintsugi::ReadOnlyFileSystem& fs = **opened;
  std::deque<std::pair<Path, std::size_t>> folders = {{Path("/"), 0}};
  std::size_t folders_listed = 0;
  std::size_t entries_seen = 0;
  std::uint64_t read_budget = kMaxReadBytes;
  while (!folders.empty() && folders_listed < kMaxFolders) {
    const auto [dir, depth] = folders.front();
    folders.pop_front();
    ++folders_listed;
    auto listing = fs.ListDir(dir);
    if (!listing) {
      CheckExpected(listing.error());
      continue;
    }
    for (std::size_t i = 0; i < listing->size(); ++i) {
      const std::string& name = (*listing)[i].name;
      Check(!name.empty() && name != "." && name != "..");
      Check(name.find('/') == std::string::npos);
      if (i > 0) Check((*listing)[i - 1].name < name);
      if (++entries_seen > kMaxEntries) return 0;
      const Path path = dir / name;
      auto info = fs.Stat(path, false);
      if (!info) {
        CheckExpected(info.error());
        continue;
      }
      if (info->type == FileType::kDirectory && depth < kMaxDepth) {
        folders.emplace_back(path, depth + 1);
      } else if (info->type == FileType::kRegular) {
        ReadSome(fs, path, info->size, read_budget);
      } else if (info->type == FileType::kSymlink) {
        auto target = fs.Stat(path, true);
        if (!target) CheckExpected(target.error());
      }
    }
  }
  return 0;
}
