// The tree walker on its own (recover and, later, scan walk with it).

#include "recover/walker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  for (const WalkItem& item : items) EXPECT_FALSE(item.preset.has_value());
}

TEST(WalkerTest, ALinkLoopIsReportedOnceAndNotFollowed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kRoot / "sub" / "a.txt", Some(1)), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "sub" / "up", kRoot), IsOk());
  const std::vector<WalkItem> items = Walk(fs);
  ASSERT_THAT(Paths(items), ElementsAre("/v/sub/a.txt", "/v/sub/up"));
  ASSERT_TRUE(items[1].preset.has_value());
  EXPECT_EQ(items[1].preset->status, RecoverStatus::kUnsupported);
  EXPECT_EQ(items[1].preset->detail.id, MessageId::kRecoverFolderVisited);
  EXPECT_TRUE(HasDeclaredArgs(items[1].preset->detail));
}

TEST(WalkerTest, ADanglingLinkIsReportedAndTheWalkGoesOn) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kRoot), IsOk());
  ASSERT_THAT(fs.AddSymlink(kRoot / "a-gone", kRoot / "nowhere"), IsOk());
  ASSERT_THAT(fs.AddFile(kRoot / "b.txt", Some(1)), IsOk());
  const std::vector<WalkItem> items = Walk(fs);
  ASSERT_THAT(Paths(items), ElementsAre("/v/a-gone", "/v/b.txt"));
  ASSERT_TRUE(items[0].preset.has_value());
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
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].path, deep);
  ASSERT_TRUE(items[0].preset.has_value());
  EXPECT_EQ(items[0].preset->status, RecoverStatus::kError);
  EXPECT_EQ(items[0].preset->detail.id, MessageId::kRecoverTooDeep);
  EXPECT_TRUE(HasDeclaredArgs(items[0].preset->detail));
  EXPECT_EQ(items[1].path, deep.parent_path() / "deep-enough.txt");
  EXPECT_FALSE(items[1].preset.has_value());
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
  ASSERT_TRUE(items[0].preset.has_value());
  EXPECT_EQ(items[0].preset->status, RecoverStatus::kError);
}

}  // namespace
}  // namespace kintsugi::recover
