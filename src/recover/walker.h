#pragma once

// The tree walker of a recovery (and of scan, later): every regular file
// under the inputs, in a stable order, with a clear outcome for anything it
// cannot or will not enter. It follows symbolic links but enters a folder
// only once (loops and second paths are reported, not followed), stops at
// limits::kMaxDirectoryDepth, and skips Kintsugi's own journal folder and
// temporaries.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/recover.h"

namespace kintsugi::recover {

// One input file found by the walk, or a problem with an input (`preset`
// then holds its outcome and the file is not processed).
struct WalkItem {
  Path path;
  Path rel;  // Relative to its root's base (OutputBases), for --out.
  std::uint64_t size = 0;
  std::optional<FileOutcome> preset;
};

// A folder's identity on its device: (device, inode).
using FolderId = std::pair<std::uint64_t, std::uint64_t>;

struct WalkOptions {
  // Files that are outputs of an earlier run (the journal knows them): not
  // inputs. May be empty.
  std::function<bool(const Path&)> is_own_output;
  // Folders not to enter: --out inside an input (our own outputs) and the
  // journal's folder wherever it is (--journal inside an input).
  std::vector<FolderId> skip_folders;
  // Side-file names the decryptors want (DecryptorInfo::side_files),
  // compared ignoring ASCII case. Such files are inputs too, and are also
  // listed by TakeSideFiles().
  std::vector<std::string> side_file_names;
};

class Walker {
 public:
  Walker(ReadOnlyFileSystem& fs, WalkOptions options);

  // Walks `root`; items' `rel` is relative to `base` (a folder above it).
  // Folders are listed in name order (ReadOnlyFileSystem::ListDir), so the
  // items come in the same order on every run.
  void WalkRoot(const Path& root, const Path& base);

  std::vector<WalkItem> TakeItems() { return std::move(items_); }
  std::vector<Path> TakeSideFiles() { return std::move(side_files_); }

 private:
  void Visit(const Path& path, const FileInfo& info, std::size_t depth);
  void Problem(const Path& path, RecoverStatus status, Message detail);

  ReadOnlyFileSystem& fs_;
  WalkOptions options_;
  std::set<std::string> side_file_names_;  // Lowercase.
  Path base_;
  std::set<FolderId> visited_;
  std::vector<WalkItem> items_;
  std::vector<Path> side_files_;
};

}  // namespace kintsugi::recover
