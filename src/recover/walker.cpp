#include "recover/walker.h"

#include <algorithm>
#include <utility>

#include "kintsugi/limits.h"
#include "recover/decryptor.h"
#include "recover/journal.h"

namespace kintsugi::recover {

Walker::Walker(ReadOnlyFileSystem& fs, WalkOptions options)
    : fs_(fs), options_(std::move(options)) {
  for (const std::string& name : options_.side_file_names) {
    side_file_names_.insert(AsciiLower(name));
  }
}

void Walker::Problem(const Path& path, RecoverStatus status, Message detail) {
  FileOutcome outcome;
  outcome.path = path;
  outcome.status = status;
  outcome.detail = std::move(detail);
  items_.push_back(
      WalkItem{path, path.lexically_relative(base_), 0, std::move(outcome)});
}

void Walker::WalkRoot(const Path& root, const Path& base) {
  base_ = base;
  auto info = fs_.Stat(root, true);
  if (!info) {
    Problem(root, RecoverStatus::kError,
            Message{MessageId::kRecoverCannotRead,
                    {{"error", info.error().message()}}});
    return;
  }
  Visit(root, *info, 0);
}

void Walker::Visit(const Path& path, const FileInfo& info, std::size_t depth) {
  if (info.type == FileType::kRegular) {
    if (options_.is_own_output && options_.is_own_output(path)) return;
    if (side_file_names_.count(AsciiLower(path.filename().native())) > 0) {
      side_files_.push_back(path);
    }
    items_.push_back(
        WalkItem{path, path.lexically_relative(base_), info.size, {}});
    return;
  }
  if (info.type != FileType::kDirectory) {
    Problem(path, RecoverStatus::kUnsupported,
            Message{MessageId::kRecoverNotRegular, {}});
    return;
  }
  const FolderId id{info.device, info.inode};
  if (std::find(options_.skip_folders.begin(), options_.skip_folders.end(),
                id) != options_.skip_folders.end()) {
    return;
  }
  if (!visited_.insert(id).second) {
    Problem(path, RecoverStatus::kUnsupported,
            Message{MessageId::kRecoverFolderVisited, {}});
    return;
  }
  if (depth >= limits::kMaxDirectoryDepth) {
    Problem(path, RecoverStatus::kError,
            Message{MessageId::kRecoverTooDeep, {}});
    return;
  }
  auto entries = fs_.ListDir(path);
  if (!entries) {
    Problem(path, RecoverStatus::kError,
            Message{MessageId::kRecoverCannotList,
                    {{"error", entries.error().message()}}});
    return;
  }
  for (const DirEntry& entry : *entries) {
    if (entry.name == kJournalDirName || IsTempName(entry.name)) continue;
    const Path child = path / entry.name;
    FileInfo child_info;
    if (entry.type == FileType::kSymlink) {
      auto followed = fs_.Stat(child, true);
      if (!followed) {
        Problem(child, RecoverStatus::kUnsupported,
                Message{MessageId::kRecoverBadSymlink,
                        {{"error", followed.error().message()}}});
        continue;
      }
      child_info = *followed;
    } else if (entry.type == FileType::kDirectory ||
               entry.type == FileType::kRegular) {
      auto stat = fs_.Stat(child, false);
      if (!stat) {
        Problem(child, RecoverStatus::kError,
                Message{MessageId::kRecoverCannotRead,
                        {{"error", stat.error().message()}}});
        continue;
      }
      child_info = *stat;
    } else {
      child_info.type = entry.type;
    }
    Visit(child, child_info, depth + 1);
  }
}

}  // namespace kintsugi::recover
