#include "recover/walker.h"

#include <algorithm>
#include <utility>

#include "kintsugi/limits.h"
#include "recover/decryptor.h"
#include "recover/journal.h"

namespace kintsugi::recover {

std::vector<FileId> RepeatedIds(std::vector<FileId>& ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<FileId> repeated;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1] &&
        (repeated.empty() || repeated.back() != ids[i])) {
      repeated.push_back(ids[i]);
    }
  }
  return repeated;
}

Walker::Walker(ReadOnlyFileSystem& fs, WalkOptions options)
    : fs_(fs), options_(std::move(options)) {
  for (const std::string& name : options_.side_file_names) {
    side_file_names_.insert(AsciiLower(name));
  }
  std::sort(options_.repeated.begin(), options_.repeated.end());
}

WalkItem Walker::Problem(const Path& path, RecoverStatus status,
                         Message detail) {
  auto outcome = std::make_unique<FileOutcome>();
  outcome->path = path;
  outcome->status = status;
  outcome->detail = std::move(detail);
  return WalkItem{
      path, path.lexically_relative(base_), 0, std::move(outcome), {}, 0};
}

bool Walker::Emit(WalkBatch batch) {
  if (batch.items.empty()) return true;
  if (sink_ != nullptr) return (*sink_)(std::move(batch));
  for (WalkItem& item : batch.items) items_.push_back(std::move(item));
  return true;
}

void Walker::WalkRoot(const Path& root, const Path& base) {
  const BatchSink* saved = sink_;
  sink_ = nullptr;
  WalkRoot(root, base, BatchSink());
  sink_ = saved;
}

bool Walker::WalkRoot(const Path& root, const Path& base,
                      const BatchSink& sink) {
  sink_ = sink ? &sink : nullptr;
  base_ = base;
  ancestors_.clear();
  // A root is followed when it is a link: the user named it.
  auto info = fs_.Stat(root, true);
  WalkBatch batch{root.parent_path(), {}};
  if (!info) {
    batch.items.push_back(
        Problem(root, RecoverStatus::kError,
                Message{MessageId::kRecoverCannotRead,
                        {{"error", info.error().message()}}}));
    return Emit(std::move(batch));
  }
  root_device_ = info->device;
  if (info->type == FileType::kDirectory) {
    if (MayEnter(root, *info, 0, batch.items)) {
      return WalkFolder(root, FolderId{info->device, info->inode}, 0);
    }
    return Emit(std::move(batch));
  }
  if (info->type == FileType::kRegular) {
    AddFile(root, *info, batch.items);
  } else {
    batch.items.push_back(Problem(root, RecoverStatus::kUnsupported,
                                  Message{MessageId::kRecoverNotRegular, {}}));
  }
  return Emit(std::move(batch));
}

void Walker::AddFile(const Path& path, const FileInfo& info,
                     std::vector<WalkItem>& items) {
  if (options_.is_own_output && options_.is_own_output(path)) return;
  const FileId id{info.device, info.inode};
  if (std::binary_search(options_.repeated.begin(), options_.repeated.end(),
                         id) &&
      !repeated_seen_.insert(id).second) {
    ++counts_.duplicates;
    return;
  }
  if (side_file_names_.count(AsciiLower(path.filename().native())) > 0) {
    side_files_.push_back(path);
  }
  items.push_back(WalkItem{path, path.lexically_relative(base_), info.size,
                           nullptr, id, info.mtime_ns});
}

bool Walker::MayEnter(const Path& path, const FileInfo& info, std::size_t depth,
                      std::vector<WalkItem>& problems) {
  const FolderId id{info.device, info.inode};
  if (std::find(options_.skip_folders.begin(), options_.skip_folders.end(),
                id) != options_.skip_folders.end()) {
    return false;
  }
  if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
    // A link back up the tree: a loop.
    problems.push_back(Problem(path, RecoverStatus::kUnsupported,
                               Message{MessageId::kRecoverFolderVisited, {}}));
    return false;
  }
  if (options_.one_file_system && depth > 0 && info.device != root_device_) {
    ++counts_.other_file_systems;
    return false;
  }
  if (!visited_.insert(id).second) {
    // Another path to a folder walked already (an input inside another
    // input, or a second link to it): its files were handed over once.
    ++counts_.duplicates;
    return false;
  }
  if (depth >= limits::kMaxDirectoryDepth) {
    problems.push_back(Problem(path, RecoverStatus::kError,
                               Message{MessageId::kRecoverTooDeep, {}}));
    return false;
  }
  if (auto pseudo = fs_.IsPseudoFileSystem(path); pseudo && *pseudo) {
    problems.push_back(
        Problem(path, RecoverStatus::kUnsupported,
                Message{MessageId::kRecoverPseudoFileSystem, {}}));
    return false;
  }
  return true;
}

bool Walker::WalkFolder(const Path& dir, FolderId self, std::size_t depth) {
  WalkBatch batch{dir, {}};
  auto entries = fs_.ListDir(dir);
  if (!entries) {
    batch.items.push_back(
        Problem(dir, RecoverStatus::kError,
                Message{MessageId::kRecoverCannotList,
                        {{"error", entries.error().message()}}}));
    return Emit(std::move(batch));
  }
  std::vector<std::pair<Path, FileInfo>> folders;
  for (const DirEntry& entry : *entries) {
    if (entry.name == kJournalDirName || IsTempName(entry.name)) continue;
    Path child = dir / entry.name;
    FileInfo info;
    if (entry.type == FileType::kSymlink) {
      if (!options_.follow_symlinks) {
        ++counts_.symlinks_skipped;
        continue;
      }
      auto followed = fs_.Stat(child, true);
      if (!followed) {
        batch.items.push_back(
            Problem(child, RecoverStatus::kUnsupported,
                    Message{MessageId::kRecoverBadSymlink,
                            {{"error", followed.error().message()}}}));
        continue;
      }
      info = *followed;
    } else if (entry.type == FileType::kDirectory ||
               entry.type == FileType::kRegular) {
      auto stat = fs_.Stat(child, false);
      if (!stat) {
        batch.items.push_back(
            Problem(child, RecoverStatus::kError,
                    Message{MessageId::kRecoverCannotRead,
                            {{"error", stat.error().message()}}}));
        continue;
      }
      info = *stat;
    } else {
      info.type = entry.type;
    }
    if (options_.exclude &&
        (info.type == FileType::kRegular ||
         info.type == FileType::kDirectory) &&
        options_.exclude(child, info.type == FileType::kDirectory)) {
      ++counts_.excluded;
      continue;
    }
    if (info.type == FileType::kRegular) {
      AddFile(child, info, batch.items);
    } else if (info.type == FileType::kDirectory) {
      folders.emplace_back(std::move(child), info);
    } else {
      batch.items.push_back(
          Problem(child, RecoverStatus::kUnsupported,
                  Message{MessageId::kRecoverNotRegular, {}}));
    }
  }
  entries->clear();
  entries->shrink_to_fit();
  if (!Emit(std::move(batch))) return false;
  ancestors_.push_back(self);
  bool go_on = true;
  for (const auto& [path, info] : folders) {
    WalkBatch problems{dir, {}};
    if (MayEnter(path, info, depth + 1, problems.items)) {
      go_on = WalkFolder(path, FolderId{info.device, info.inode}, depth + 1);
    } else {
      go_on = Emit(std::move(problems));
    }
    if (!go_on) break;
  }
  ancestors_.pop_back();
  return go_on;
}

}  // namespace kintsugi::recover
