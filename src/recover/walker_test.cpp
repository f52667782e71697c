// The tree walker on its own (recover and, later, scan walk with it).

#include "recover/walker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/limits.h"
#include "recover/journal.h"

namespace kintsugi::recover {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Path kRoot = "/v";

Bytes Some(std::size_t n) { return Bytes(n, 'x'); }

// The items' paths, as strings, in walk order.
std::vector<std::string> Paths(const std::vector<WalkItem>& items) {
  std::vector<std::string> paths;
  for (const WalkItem& item : items) paths.push_back(item.path.string());
  return paths;
}

std::vector<WalkItem> Walk(io::MemoryFileSystem& fs, WalkOptions options = {},
                           const Path& root = kRoot) {
  Walker walker(fs, std::move(options));
  walker.WalkRoot(root, root.parent_path());
  return walker.TakeItems();
}

TEST(WalkerTest, FilesComeInNameOrderWithSizesAndRelativePaths) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "b.txt", Some(2)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "sub" / "z.txt", Some(3)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt", Some(1)), IsOk());
  const std::vector<WalkItem> items = Walk(fs);
  EXPECT_THAT(Paths(items),
              ElementsAre("/v/a.txt", "/v/b.txt", "/v/sub/z.txt"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].size, 1u);
  EXPECT_EQ(items[2].size, 3u);
  EXPECT_EQ(items[2].rel, Path("v/sub/z.txt"));
  for (const WalkItem& item : items) EXPECT_EQ(item.preset, nullptr);
}

TEST(WalkerTest, FollowingLinksALinkLoopIsReportedOnceAndNotFollowed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "sub" / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "sub" / "up", kRoot), IsOk());
  WalkOptions follow;
  follow.follow_symlinks = true;
  const std::vector<WalkItem> items = Walk(fs, follow);
  ASSERT_THAT(Paths(items), ElementsAre("/v/sub/a.txt", "/v/sub/up"));
  ASSERT_TRUE(items[1].preset != nullptr);
  EXPECT_EQ(items[1].preset->status, RecoverStatus::kUnsupported);
  EXPECT_EQ(items[1].preset->detail.id, MessageId::kRecoverFolderVisited);
  EXPECT_TRUE(HasDeclaredArgs(items[1].preset->detail));
}

TEST(WalkerTest, FollowingLinksADanglingLinkIsReportedAndTheWalkGoesOn) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kRoot), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "a-gone", kRoot / "nowhere"), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "b.txt", Some(1)), IsOk());
  WalkOptions follow;
  follow.follow_symlinks = true;
  const std::vector<WalkItem> items = Walk(fs, follow);
  ASSERT_THAT(Paths(items), ElementsAre("/v/a-gone", "/v/b.txt"));
  ASSERT_TRUE(items[0].preset != nullptr);
  EXPECT_EQ(items[0].preset->detail.id, MessageId::kRecoverBadSymlink);
  EXPECT_TRUE(HasDeclaredArgs(items[0].preset->detail));
}

TEST(WalkerTest, StopsAtTheDepthLimit) {
  io::MemoryFileSystem fs;
  Path deep = kRoot;
  for (std::size_t i = 0; i < limits::kMaxDirectoryDepth; ++i) deep /= "d";
  ASSERT_THAT(fs.AddFile(deep / "too-deep.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(deep.parent_path() / "deep-enough.txt", Some(1)),
              IsOk());
  const std::vector<WalkItem> items = Walk(fs);
  // A folder's files come before its subfolders.
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].path, deep);
  ASSERT_TRUE(items[1].preset != nullptr);
  EXPECT_EQ(items[1].preset->status, RecoverStatus::kError);
  EXPECT_EQ(items[1].preset->detail.id, MessageId::kRecoverTooDeep);
  EXPECT_TRUE(HasDeclaredArgs(items[1].preset->detail));
  EXPECT_EQ(items[0].path, deep.parent_path() / "deep-enough.txt");
  EXPECT_EQ(items[0].preset, nullptr);
}

TEST(WalkerTest, SideFilesAreFoundIgnoringCaseAndStayInputs) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "ENCRYPTEDFILELIST.TXT", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "sub" / "EncryptedFileList.txt", Some(1)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "other.txt", Some(1)), IsOk());
  WalkOptions options;
  options.side_file_names = {"EncryptedFileList.txt"};
  Walker walker(fs, options);
  walker.WalkRoot(kRoot, kRoot.parent_path());
  EXPECT_EQ(walker.TakeItems().size(), 3u);
  EXPECT_THAT(walker.TakeSideFiles(),
              ElementsAre(kRoot / "ENCRYPTEDFILELIST.TXT",
                          kRoot / "sub" / "EncryptedFileList.txt"));
  // Without the name asked for, nothing is a side file.
  Walker plain(fs, WalkOptions{});
  plain.WalkRoot(kRoot, kRoot.parent_path());
  EXPECT_TRUE(plain.TakeSideFiles().empty());
}

TEST(WalkerTest, SkipsOurOwnFilesAndFolders) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt.fun", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / std::string(kJournalDirName) / "j", Some(1)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / MakeTempName("b.txt"), Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "out" / "c.txt", Some(1)), IsOk());
  // A journal given with --journal under another name inside an input.
  ASSERT_THAT(fs.AddFile(kRoot / "my-journal" / "segment", Some(1)), IsOk());
  ASSERT_OK_AND_ASSIGN(FileInfo out, fs.Stat(kRoot / "out"));
  ASSERT_OK_AND_ASSIGN(FileInfo journal, fs.Stat(kRoot / "my-journal"));
  WalkOptions options;
  options.is_own_output = [](const Path& p) { return p == kRoot / "a.txt"; };
  options.skip_folders = {FolderId{out.device, out.inode},
                          FolderId{journal.device, journal.inode}};
  EXPECT_THAT(Paths(Walk(fs, options)), ElementsAre("/v/a.txt.fun"));
}

TEST(WalkerTest, AMissingRootIsAnError) {
  io::MemoryFileSystem fs;
  const std::vector<WalkItem> items = Walk(fs, {}, "/missing");
  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0].preset != nullptr);
  EXPECT_EQ(items[0].preset->status, RecoverStatus::kError);
}

// Records every path a walk asks about: what "read nothing outside the
// tree" is checked against.
class RecordingFileSystem final : public ReadOnlyFileSystem {
 public:
  explicit RecordingFileSystem(ReadOnlyFileSystem& fs) : fs_(fs) {}
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& path) override {
    Record(path);
    return fs_.OpenForRead(path);
  }
  Result<FileInfo> Stat(const Path& path, bool follow) override {
    Record(path);
    return fs_.Stat(path, follow);
  }
  Result<std::vector<DirEntry>> ListDir(const Path& dir) override {
    Record(dir);
    return fs_.ListDir(dir);
  }
  Result<bool> IsPseudoFileSystem(const Path& dir) override {
    Record(dir);
    return fs_.IsPseudoFileSystem(dir);
  }
  std::vector<std::string> touched() const {
    std::lock_guard lock(mutex_);
    return touched_;
  }

 private:
  void Record(const Path& path) {
    std::lock_guard lock(mutex_);
    touched_.push_back(path.string());
  }
  ReadOnlyFileSystem& fs_;
  mutable std::mutex mutex_;
  std::vector<std::string> touched_;
};

TEST(WalkerTest, LinksInsideTheTreeAreCountedAndNeverFollowed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/usr/lib/big.so", Some(5)), IsOk());
  ASSERT_THAT(fs.AddFile("/etc/shadow", Some(5)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "shortcut", "/usr"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "root", "/"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "secret", "/etc/shadow"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "again.txt", kRoot / "a.txt"), IsOk());
  RecordingFileSystem recording(fs);
  Walker walker(recording, WalkOptions{});
  walker.WalkRoot(kRoot, kRoot.parent_path());
  EXPECT_THAT(Paths(walker.TakeItems()), ElementsAre("/v/a.txt"));
  EXPECT_EQ(walker.counts().symlinks_skipped, 4u);
  for (const std::string& path : recording.touched()) {
    EXPECT_TRUE(path == "/v" || path.rfind("/v/", 0) == 0) << path;
  }
}

TEST(WalkerTest, ALinkGivenAsTheRootIsFollowed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/real/a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddSymlink("/link", "/real"), IsOk());
  EXPECT_THAT(Paths(Walk(fs, {}, "/link")), ElementsAre("/link/a.txt"));
}

TEST(WalkerTest, FollowingLinksEachRealFolderIsEnteredOnce) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/outside/o.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "l1", "/outside"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "l2", "/outside"), IsOk());
  WalkOptions follow;
  follow.follow_symlinks = true;
  Walker walker(fs, follow);
  walker.WalkRoot(kRoot, kRoot.parent_path());
  EXPECT_THAT(Paths(walker.TakeItems()),
              ElementsAre("/v/a.txt", "/v/l1/o.txt"));
  EXPECT_EQ(walker.counts().symlinks_skipped, 0u);
  EXPECT_EQ(walker.counts().duplicates, 1u);
}

TEST(WalkerTest, APseudoFileSystemIsNotEntered) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/proc/self/status", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "sys" / "power", Some(1)), IsOk());
  fs.MarkPseudoFileSystem("/proc");
  fs.MarkPseudoFileSystem(kRoot / "sys");
  const std::vector<WalkItem> items = Walk(fs);
  ASSERT_THAT(Paths(items), ElementsAre("/v/a.txt", "/v/sys"));
  ASSERT_NE(items[1].preset, nullptr);
  EXPECT_EQ(items[1].preset->status, RecoverStatus::kUnsupported);
  EXPECT_EQ(items[1].preset->detail.id, MessageId::kRecoverPseudoFileSystem);
  EXPECT_TRUE(HasDeclaredArgs(items[1].preset->detail));
  const std::vector<WalkItem> proc = Walk(fs, {}, "/proc/self");
  ASSERT_THAT(Paths(proc), ElementsAre("/proc/self"));
  EXPECT_EQ(proc[0].preset->detail.id, MessageId::kRecoverPseudoFileSystem);
}

// Walks `roots` with one walker, as a run does, after a first walk that
// finds the files reached twice.
std::vector<std::string> WalkRoots(io::MemoryFileSystem& fs,
                                   const std::vector<Path>& roots,
                                   std::uint64_t* duplicates) {
  std::vector<FileId> ids;
  {
    Walker survey(fs, WalkOptions{});
    for (const Path& root : roots) {
      survey.WalkRoot(root, root.parent_path(), [&](WalkBatch&& batch) {
        for (const WalkItem& item : batch.items) ids.push_back(item.id);
        return true;
      });
    }
  }
  WalkOptions options;
  options.repeated = RepeatedIds(ids);
  Walker walker(fs, options);
  for (const Path& root : roots) walker.WalkRoot(root, root.parent_path());
  *duplicates = walker.counts().duplicates;
  return Paths(walker.TakeItems());
}

TEST(WalkerTest, AFileReachedTwiceIsHandedOverOnce) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/d/scan.pdf.fun", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile("/d/sub/b.txt", Some(1)), IsOk());
  std::uint64_t duplicates = 0;
  EXPECT_THAT(
      WalkRoots(fs, {"/d/scan.pdf.fun", "/d/scan.pdf.fun"}, &duplicates),
      ElementsAre("/d/scan.pdf.fun"));
  EXPECT_EQ(duplicates, 1u);
  EXPECT_THAT(WalkRoots(fs, {"/d", "/d/scan.pdf.fun"}, &duplicates),
              ElementsAre("/d/scan.pdf.fun", "/d/sub/b.txt"));
  EXPECT_EQ(duplicates, 1u);
  EXPECT_THAT(WalkRoots(fs, {"/d/scan.pdf.fun", "/d"}, &duplicates),
              ElementsAre("/d/scan.pdf.fun", "/d/sub/b.txt"));
  EXPECT_EQ(duplicates, 1u);
  // A folder inside another input, either way round, and a folder twice.
  EXPECT_THAT(WalkRoots(fs, {"/d/sub", "/d"}, &duplicates),
              ElementsAre("/d/sub/b.txt", "/d/scan.pdf.fun"));
  EXPECT_EQ(duplicates, 1u);
  EXPECT_THAT(WalkRoots(fs, {"/d", "/d/sub", "/d"}, &duplicates),
              ElementsAre("/d/scan.pdf.fun", "/d/sub/b.txt"));
  EXPECT_EQ(duplicates, 2u);
}

TEST(WalkerTest, HandsOverAFoldersFilesAsOneBatchThenItsSubfolders) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "a" / "x.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "b.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "c.txt", Some(1)), IsOk());
  std::vector<std::pair<std::string, std::size_t>> batches;
  Walker walker(fs, WalkOptions{});
  EXPECT_TRUE(
      walker.WalkRoot(kRoot, kRoot.parent_path(), [&](WalkBatch&& batch) {
        batches.emplace_back(batch.folder.string(), batch.items.size());
        return true;
      }));
  EXPECT_THAT(batches,
              ElementsAre(std::pair<std::string, std::size_t>{"/v", 2},
                          std::pair<std::string, std::size_t>{"/v/a", 1}));
  // A sink that says stop ends the walk.
  int calls = 0;
  Walker stopped(fs, WalkOptions{});
  EXPECT_FALSE(stopped.WalkRoot(kRoot, kRoot.parent_path(),
                                [&](WalkBatch&&) { return ++calls < 1; }));
  EXPECT_EQ(calls, 1);
}

// Listing ahead on other threads changes nothing of what the walk hands
// over, nor its order; the screen's names come by name only, never as
// items, and excludes still apply to them. A stopped walk stops.
TEST(WalkerTest, ListingAheadAndScreeningKeepTheWalk) {
  io::MemoryFileSystem fs;
  for (int d = 0; d < 12; ++d) {
    const Path dir = kRoot / ("d" + std::to_string(d));
    for (int f = 0; f < 7; ++f) {
      ASSERT_THAT(fs.AddFile(dir / ("f" + std::to_string(f) + ".txt"), Some(1)),
                  IsOk());
      ASSERT_THAT(fs.AddFile(dir / "deep" / ("g" + std::to_string(f) + ".bin"),
                             Some(2)),
                  IsOk());
    }
  }
  ASSERT_THAT(fs.AddSymlink(kRoot / "d3" / "up", kRoot), IsOk());
  const auto walk = [&](unsigned threads, bool screen, std::size_t stop_after) {
    WalkOptions options;
    options.list_ahead_threads = threads;
    options.follow_symlinks = true;
    options.exclude = [](const Path& path, bool) {
      return path.filename() == "f6.txt";
    };
    if (screen) {
      options.screen = [](std::span<const DirEntry> entries,
                          std::vector<bool>& plain) {
        plain.assign(entries.size(), false);
        for (std::size_t i = 0; i < entries.size(); ++i) {
          plain[i] = entries[i].type == FileType::kRegular &&
                     entries[i].name.ends_with(".txt");
        }
      };
    }
    Walker walker(fs, std::move(options));
    std::vector<std::string> seen;
    std::size_t batches = 0;
    walker.WalkRoot(kRoot, kRoot.parent_path(), [&](WalkBatch&& batch) {
      for (const WalkItem& item : batch.items)
        seen.push_back(item.path.string());
      for (const std::string& name : batch.screened) {
        seen.push_back("screened " + (batch.folder / name).string());
      }
      return ++batches != stop_after;
    });
    return std::pair{seen, walker.counts().excluded};
  };
  const auto [plain, plain_excluded] = walk(0, false, 0);
  EXPECT_EQ(plain_excluded, 12u);
  EXPECT_EQ(walk(3, false, 0).first, plain);
  const auto [screened, screened_excluded] = walk(0, true, 0);
  EXPECT_EQ(screened_excluded, 12u);
  EXPECT_EQ(walk(2, true, 0).first, screened);
  ASSERT_EQ(screened.size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (plain[i].ends_with(".txt")) {
      EXPECT_EQ(screened[i], "screened " + plain[i]);
    } else {
      EXPECT_EQ(screened[i], plain[i]);
    }
  }
  const auto stopped = walk(3, false, 4).first;
  EXPECT_LT(stopped.size(), plain.size());
  EXPECT_EQ(stopped, walk(0, false, 4).first);
}

}  // namespace
}  // namespace kintsugi::recover
