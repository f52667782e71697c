// Sources are read-only: the reading half of the file-system interface has
// no call that writes, and a view of a writable file system hides its
// writing half completely.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/fs.h"

namespace kintsugi::io {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

// One concept per writing call: true when `T` offers it.
template <typename T>
concept CanCreateNew = requires(T& fs, const Path& p) {
  fs.CreateNew(p);
};
template <typename T>
concept CanCreateNewWithMode = requires(T& fs, const Path& p) {
  fs.CreateNew(p, 0600u);
};
template <typename T>
concept CanRenameNoReplace = requires(T& fs, const Path& p) {
  fs.RenameNoReplace(p, p);
};
template <typename T>
concept CanRenameReplacing = requires(T& fs, const Path& p) {
  fs.RenameReplacing(p, p);
};
template <typename T>
concept CanRemove = requires(T& fs, const Path& p) {
  fs.Remove(p);
};
template <typename T>
concept CanSyncDir = requires(T& fs, const Path& p) {
  fs.SyncDir(p);
};
template <typename T>
concept CanCreateDirs = requires(T& fs, const Path& p) {
  fs.CreateDirs(p);
};
template <typename T>
concept CanFreeSpace = requires(T& fs, const Path& p) {
  fs.FreeSpace(p);
};

template <typename T>
concept HasAnyWriteCall = CanCreateNew<T> || CanCreateNewWithMode<T> ||
    CanRenameNoReplace<T> || CanRenameReplacing<T> || CanRemove<T> ||
    CanSyncDir<T> || CanCreateDirs<T> || CanFreeSpace<T>;
template <typename T>
concept HasEveryWriteCall = CanCreateNew<T> && CanCreateNewWithMode<T> &&
    CanRenameNoReplace<T> && CanRenameReplacing<T> && CanRemove<T> &&
    CanSyncDir<T> && CanCreateDirs<T> && CanFreeSpace<T>;

// The checks can fail: the writable interface and the in-memory one have
// every writing call.
static_assert(HasEveryWriteCall<FileSystem>);
static_assert(HasEveryWriteCall<MemoryFileSystem>);
// The read-only interface has none, and nothing makes a WritableFile.
static_assert(!HasAnyWriteCall<ReadOnlyFileSystem>);
static_assert(!HasAnyWriteCall<const ReadOnlyFileSystem>);

TEST(ReadOnlyViewTest, ReadsWhatTheFileSystemHolds) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/src/a.txt", Text("hello")), IsOk());
  const std::unique_ptr<ReadOnlyFileSystem> view = ReadOnlyView(fs);
  EXPECT_THAT(ReadWholeFile(*view, "/src/a.txt", 100),
              IsOkAndHolds(Text("hello")));
  ASSERT_OK_AND_ASSIGN(const FileInfo info, view->Stat("/src/a.txt"));
  EXPECT_EQ(info.type, FileType::kRegular);
  EXPECT_EQ(info.size, 5u);
  EXPECT_THAT(view->ListDir("/src"),
              IsOkAndHolds(ElementsAre(Field(&DirEntry::name, "a.txt"))));
  EXPECT_THAT(view->OpenForRead("/src/none"), StatusIs(StatusCode::kNotFound));
}

TEST(ReadOnlyViewTest, CannotBeCastBackToAWritableFileSystem) {
  MemoryFileSystem fs;
  const std::unique_ptr<ReadOnlyFileSystem> view = ReadOnlyView(fs);
  EXPECT_EQ(dynamic_cast<FileSystem*>(view.get()), nullptr);
  // A plain reference would have been: this is why the view exists.
  ReadOnlyFileSystem& reference = fs;
  EXPECT_NE(dynamic_cast<FileSystem*>(&reference), nullptr);
}

TEST(ReadOnlyViewTest, MakesNoChangeAndSeesLaterWrites) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/src"), IsOk());
  const std::unique_ptr<ReadOnlyFileSystem> view = ReadOnlyView(fs);
  const std::uint64_t mutations = fs.mutation_count();
  EXPECT_THAT(view->ListDir("/src"), IsOkAndHolds(::testing::IsEmpty()));
  EXPECT_EQ(fs.mutation_count(), mutations);
  ASSERT_THAT(WriteNewFile(fs, "/src/b.txt", Text("later")), IsOk());
  EXPECT_THAT(ReadHead(*view, "/src/b.txt", 3), IsOkAndHolds(Text("lat")));
}

TEST(ReadOnlyViewTest, ViewsTheRealFileSystem) {
  const std::unique_ptr<ReadOnlyFileSystem> view =
      ReadOnlyView(RealFileSystem());
  ASSERT_OK_AND_ASSIGN(const FileInfo info, view->Stat("/", true));
  EXPECT_EQ(info.type, FileType::kDirectory);
}

}  // namespace
}  // namespace kintsugi::io
