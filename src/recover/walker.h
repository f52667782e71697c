#pragma once

// The tree walker of a recovery (and of scan, later): every regular file
// under the inputs, in a stable order, with a clear outcome for anything it
// cannot or will not enter. It hands the files over folder by folder
// (WalkBatch), as it goes, so that a run over millions of files holds one
// folder's listing at a time, never the whole tree.
//
// What it does not do by default: follow a symbolic link met inside the
// tree (they are counted; WalkOptions::follow_symlinks opts in, and a
// folder reached twice is still entered once), enter a pseudo file system
// (/proc, /sys: ReadOnlyFileSystem::IsPseudoFileSystem), go deeper than
// limits::kMaxDirectoryDepth, or hand over one file twice (two inputs that
// overlap, a file given twice under two spellings, a hard link: by file
// identity, WalkOptions::repeated). A symbolic link given as an input is
// followed: the user named it. Kintsugi's own journal folder and
// temporaries are skipped.

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/recover.h"

namespace kintsugi::recover {

// A file's or folder's identity on its device: (device, inode).
using FileId = std::pair<std::uint64_t, std::uint64_t>;
using FolderId = FileId;

// One input file found by the walk, or a problem with an input (`preset`
// then holds its outcome and the file is not processed).
struct WalkItem {
  Path path;
  Path rel;  // Relative to its root's base (OutputBases), for --out.
  std::uint64_t size = 0;
  std::unique_ptr<FileOutcome> preset;
  FileId id{};                // Of a file (not of a problem).
  std::int64_t mtime_ns = 0;  // Of a file (scan's timeline).
};

// What the walk found directly in one folder, in name order: its files and
// the problems with its entries. A root that is a file is a batch of its
// own.
struct WalkBatch {
  Path folder;
  std::vector<WalkItem> items;
  // The regular files WalkOptions::screen passed: their names only, in
  // name order (not stat'ed, not among `items`).
  std::vector<std::string> screened;
};

// Called with each batch as the walk goes; returning false stops the walk
// (a cancelled run).
using BatchSink = std::function<bool(WalkBatch&&)>;

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
  // Follow symbolic links met inside the tree (to files and folders).
  bool follow_symlinks = false;
  // Identities of files the walk may reach more than once (sorted; from a
  // first walk, RepeatedIds): only the first path to each is handed over,
  // the others are counted in WalkCounts::duplicates. Files not listed are
  // handed over as found, so no identity is kept for them.
  std::vector<FileId> repeated;
  // Entries not to hand over or enter (scan --exclude): called with each
  // entry's path and whether it is a folder; true leaves it out (counted in
  // WalkCounts::excluded). Roots are never excluded. May be empty.
  std::function<bool(const Path&, bool folder)> exclude;
  // Enter no folder on another device than its root's (scan
  // --one-file-system); such folders are counted in
  // WalkCounts::other_file_systems.
  bool one_file_system = false;
  // Called with each folder's entries: sets `plain[i]` for the regular
  // files to hand over by name alone (WalkBatch::screened: no stat, no
  // item; --exclude still applies). A names-only scan's screen
  // (src/scan/name_screen.h). May be empty.
  std::function<void(std::span<const DirEntry> entries,
                     std::vector<bool>& plain)>
      screen;
  // Threads that list folders ahead of the walk (ListDir and `screen`),
  // while it hands over the ones before: the walk's order and batches are
  // the same, only sooner. 0: every folder is listed when the walk reaches
  // it. The file system must allow calls from several threads.
  unsigned list_ahead_threads = 0;
};

// What the walk left out on purpose, for the summary.
struct WalkCounts {
  std::uint64_t symlinks_skipped = 0;    // Links inside the tree not followed.
  std::uint64_t duplicates = 0;          // Files or folders reached again.
  std::uint64_t excluded = 0;            // Entries WalkOptions::exclude took.
  std::uint64_t other_file_systems = 0;  // Folders not entered (other device).
};

class ListAhead;  // walker.cpp

class Walker {
 public:
  Walker(ReadOnlyFileSystem& fs, WalkOptions options);
  ~Walker();
  Walker(Walker&&) noexcept;
  Walker& operator=(Walker&&) = delete;

  // Walks `root`; items' `rel` is relative to `base` (a folder above it).
  // Folders are listed in name order (ReadOnlyFileSystem::ListDir): a
  // folder's files come as one batch, then its subfolders' batches, in
  // name order, the same on every run. Returns false when `sink` stopped
  // the walk.
  bool WalkRoot(const Path& root, const Path& base, const BatchSink& sink);
  // The same, keeping the items for TakeItems() (tests, small walks).
  void WalkRoot(const Path& root, const Path& base);

  std::vector<WalkItem> TakeItems() { return std::move(items_); }
  std::vector<Path> TakeSideFiles() { return std::move(side_files_); }
  const WalkCounts& counts() const { return counts_; }

 private:
  // Whether the walk may enter the folder `path` (with `info`): problems go
  // to `problems`, a second visit is counted.
  bool MayEnter(const Path& path, const FileInfo& info, std::size_t depth,
                std::vector<WalkItem>& problems);
  // Lists `dir` and hands over its batch, then walks its subfolders.
  bool WalkFolder(const Path& dir, FolderId self, std::size_t depth);
  // Adds the regular file `path` to `items` unless it is left out.
  void AddFile(const Path& path, const FileInfo& info,
               std::vector<WalkItem>& items);
  WalkItem Problem(const Path& path, RecoverStatus status, Message detail);
  bool Emit(WalkBatch batch);

  ReadOnlyFileSystem& fs_;
  WalkOptions options_;
  std::unique_ptr<ListAhead> ahead_;       // Null: folders listed when reached.
  std::set<std::string> side_file_names_;  // Lowercase.
  Path base_;
  const BatchSink* sink_ = nullptr;
  std::uint64_t root_device_ = 0;  // Of the root being walked.
  std::set<FolderId> visited_;
  std::vector<FolderId> ancestors_;  // Of the folder being walked.
  std::set<FileId> repeated_seen_;
  std::vector<WalkItem> items_;
  std::vector<Path> side_files_;
  WalkCounts counts_;
};

// The identities that occur more than once in `ids` (sorted, unique).
// Sorts `ids`.
std::vector<FileId> RepeatedIds(std::vector<FileId>& ids);

}  // namespace kintsugi::recover
