// MemoryFileSystem's stand-in for pseudo file systems (procfs, sysfs), kept
// apart from the file tree: a folder marked here is "pseudo" with all that
// lies below it, whatever it holds.

#include <algorithm>
#include <mutex>

#include "io/memory_file_system.h"

namespace kintsugi::io {

void MemoryFileSystem::MarkPseudoFileSystem(const Path& dir) {
  std::lock_guard<std::mutex> lock(pseudo_mutex_);
  pseudo_dirs_.push_back(dir.lexically_normal());
}

Result<bool> MemoryFileSystem::IsPseudoFileSystem(const Path& dir) {
  KINTSUGI_ASSIGN_OR_RETURN(const FileInfo info, Stat(dir, true));
  if (info.type != FileType::kDirectory) {
    return Status(StatusCode::kInvalidArgument,
                  "statfs: not a directory: " + dir.string());
  }
  const Path normal = dir.lexically_normal();
  std::lock_guard<std::mutex> lock(pseudo_mutex_);
  return std::any_of(pseudo_dirs_.begin(), pseudo_dirs_.end(),
                     [&](const Path& pseudo) {
                       const Path rel = normal.lexically_relative(pseudo);
                       return !rel.empty() && *rel.begin() != "..";
                     });
}

}  // namespace kintsugi::io
