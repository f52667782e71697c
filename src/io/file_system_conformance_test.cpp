// One test body, run against both FileSystem implementations, so that the
// in-memory one that other subsystems test against behaves like the disk.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "io/file_system_test_env.h"
#include "kintsugi/fs.h"

namespace kintsugi::io {
namespace {

using ::testing::Field;
using ::testing::Ne;
using ::testing::Not;

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

template <typename Env>
class FileSystemConformanceTest : public ::testing::Test {
 protected:
  FileSystem& fs() { return env_.fs(); }
  Path At(const std::string& relative) const { return env_.root() / relative; }
  void Write(const std::string& relative, const std::string& text) {
    ASSERT_THAT(WriteNewFile(fs(), At(relative), Text(text)), IsOk());
  }
  Result<Bytes> Read(const std::string& relative) {
    return ReadWholeFile(fs(), At(relative), 1 << 20);
  }

  Env env_;
};

struct EnvNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Envs = ::testing::Types<testing::PosixEnv, testing::MemoryEnv>;
TYPED_TEST_SUITE(FileSystemConformanceTest, Envs, EnvNames);

TYPED_TEST(FileSystemConformanceTest, WrittenFileReadsBack) {
  this->Write("a.txt", "hello");
  EXPECT_THAT(this->Read("a.txt"), IsOkAndHolds(Text("hello")));
  ASSERT_OK_AND_ASSIGN(const FileInfo info, this->fs().Stat(this->At("a.txt")));
  EXPECT_EQ(info.type, FileType::kRegular);
  EXPECT_EQ(info.size, 5u);
  EXPECT_EQ(info.mode & 0600u, 0600u);
  EXPECT_EQ(info.mode & 0022u, 0u);  // Never group/world writable.
}

TYPED_TEST(FileSystemConformanceTest, AppendsAccumulate) {
  ASSERT_OK_AND_ASSIGN(auto file, this->fs().CreateNew(this->At("f")));
  EXPECT_THAT(file->Append(Text("ab")), IsOk());
  EXPECT_THAT(file->Append(Bytes{}), IsOk());
  EXPECT_THAT(file->Append(Text("cd")), IsOk());
  EXPECT_THAT(file->Sync(), IsOk());
  EXPECT_THAT(file->Close(), IsOk());
  EXPECT_THAT(this->Read("f"), IsOkAndHolds(Text("abcd")));
}

TYPED_TEST(FileSystemConformanceTest, ClosedFileRefusesEverything) {
  ASSERT_OK_AND_ASSIGN(auto file, this->fs().CreateNew(this->At("f")));
  ASSERT_THAT(file->Close(), IsOk());
  EXPECT_THAT(file->Append(Text("x")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(file->Sync(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(file->Close(), StatusIs(StatusCode::kInvalidArgument));
}

TYPED_TEST(FileSystemConformanceTest, CreateNewRefusesAnExistingFile) {
  this->Write("a", "original");
  EXPECT_THAT(this->fs().CreateNew(this->At("a")),
              StatusIs(StatusCode::kAlreadyExists));
  // WriteNewFile must not remove a file it did not create.
  EXPECT_THAT(WriteNewFile(this->fs(), this->At("a"), Text("new")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->Read("a"), IsOkAndHolds(Text("original")));
}

TYPED_TEST(FileSystemConformanceTest, CreateNewRefusesASymlink) {
  this->Write("target", "keep");
  this->env_.MakeSymlink(this->At("link"), this->At("target"));
  this->env_.MakeSymlink(this->At("dangling"), this->At("nowhere"));
  EXPECT_THAT(this->fs().CreateNew(this->At("link")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->fs().CreateNew(this->At("dangling")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->Read("target"), IsOkAndHolds(Text("keep")));
  EXPECT_THAT(this->fs().Stat(this->At("nowhere")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, CreateNewInAMissingDirectoryIsNotFound) {
  EXPECT_THAT(this->fs().CreateNew(this->At("missing/f")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, RenameNoReplaceMovesAFile) {
  this->Write("from", "data");
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("from"), this->At("to")),
              IsOk());
  EXPECT_THAT(this->Read("to"), IsOkAndHolds(Text("data")));
  EXPECT_THAT(this->fs().Stat(this->At("from")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, RenameNoReplaceNeverReplaces) {
  this->Write("from", "new");
  this->Write("to", "old");
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("from"), this->At("to")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->Read("from"), IsOkAndHolds(Text("new")));
  EXPECT_THAT(this->Read("to"), IsOkAndHolds(Text("old")));
  // Not even a dangling symlink is replaced.
  this->env_.MakeSymlink(this->At("link"), this->At("nowhere"));
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("from"), this->At("link")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->fs().Stat(this->At("link")),
              IsOkAndHolds(Field(&FileInfo::type, FileType::kSymlink)));
}

TYPED_TEST(FileSystemConformanceTest, RenameOfAMissingFileIsNotFound) {
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("none"), this->At("to")),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->fs().RenameReplacing(this->At("none"), this->At("to")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, RenameReplacingReplaces) {
  this->Write("from", "new");
  this->Write("to", "old");
  EXPECT_THAT(this->fs().RenameReplacing(this->At("from"), this->At("to")),
              IsOk());
  EXPECT_THAT(this->Read("to"), IsOkAndHolds(Text("new")));
  EXPECT_THAT(this->fs().Stat(this->At("from")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, RenameMovesADirectoryButNotIntoItself) {
  ASSERT_THAT(this->fs().CreateDirs(this->At("d/sub")), IsOk());
  this->Write("d/f", "x");
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("d"), this->At("d/sub/d")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->fs().RenameNoReplace(this->At("d"), this->At("e")), IsOk());
  EXPECT_THAT(this->Read("e/f"), IsOkAndHolds(Text("x")));
}

TYPED_TEST(FileSystemConformanceTest, RemoveRemovesOnlyFiles) {
  this->Write("f", "x");
  ASSERT_THAT(this->fs().CreateDirs(this->At("d")), IsOk());
  EXPECT_THAT(this->fs().Remove(this->At("f")), IsOk());
  EXPECT_THAT(this->fs().Stat(this->At("f")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->fs().Remove(this->At("f")),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->fs().Remove(this->At("d")), Not(IsOk()));
  EXPECT_THAT(this->fs().Stat(this->At("d")), IsOk());
}

TYPED_TEST(FileSystemConformanceTest, OpenHandlesSurviveRenameAndRemove) {
  ASSERT_OK_AND_ASSIGN(auto writer, this->fs().CreateNew(this->At("tmp")));
  ASSERT_THAT(this->fs().RenameNoReplace(this->At("tmp"), this->At("final")),
              IsOk());
  EXPECT_THAT(writer->Append(Text("late")), IsOk());
  EXPECT_THAT(writer->Close(), IsOk());
  EXPECT_THAT(this->Read("final"), IsOkAndHolds(Text("late")));

  ASSERT_OK_AND_ASSIGN(auto reader, this->fs().OpenForRead(this->At("final")));
  ASSERT_THAT(this->fs().Remove(this->At("final")), IsOk());
  std::array<std::uint8_t, 8> buffer{};
  EXPECT_THAT(reader->ReadAt(0, buffer), IsOkAndHolds(4u));
  EXPECT_EQ(buffer[0], 'l');
}

TYPED_TEST(FileSystemConformanceTest, ReadAtStopsAtTheEnd) {
  this->Write("f", "0123456789");
  ASSERT_OK_AND_ASSIGN(auto file, this->fs().OpenForRead(this->At("f")));
  EXPECT_THAT(file->Size(), IsOkAndHolds(10u));
  std::array<std::uint8_t, 4> buffer{};
  EXPECT_THAT(file->ReadAt(8, buffer), IsOkAndHolds(2u));
  EXPECT_EQ(buffer[0], '8');
  EXPECT_EQ(buffer[1], '9');
  EXPECT_THAT(file->ReadAt(10, buffer), IsOkAndHolds(0u));
  EXPECT_THAT(file->ReadAt(1000, buffer), IsOkAndHolds(0u));
  EXPECT_THAT(file->ReadAt(0, buffer), IsOkAndHolds(4u));
  EXPECT_EQ(buffer[3], '3');
}

TYPED_TEST(FileSystemConformanceTest, OpenForReadRefusesMissingAndNonFiles) {
  EXPECT_THAT(this->fs().OpenForRead(this->At("none")),
              StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(this->fs().CreateDirs(this->At("d")), IsOk());
  const auto folder = this->fs().OpenForRead(this->At("d"));
  EXPECT_THAT(folder, StatusIs(StatusCode::kUnsupported));
  // Issue 16: a folder is named as one, in words a user reads.
  EXPECT_THAT(folder.status().message(),
              ::testing::HasSubstr("a folder, not a file"));
  EXPECT_THAT(this->fs().OpenForRead(this->At("none/f")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, OpenForReadFollowsSymlinks) {
  this->Write("target", "via link");
  this->env_.MakeSymlink(this->At("link"), "target");  // Relative target.
  EXPECT_THAT(this->Read("link"), IsOkAndHolds(Text("via link")));
}

TYPED_TEST(FileSystemConformanceTest, UnreadableFileIsPermissionDenied) {
  if (!TypeParam::PermissionsEnforced()) GTEST_SKIP() << "running as root";
  this->Write("secret", "x");
  this->env_.SetReadable(this->At("secret"), false);
  EXPECT_THAT(this->fs().OpenForRead(this->At("secret")),
              StatusIs(StatusCode::kPermissionDenied));
  ASSERT_THAT(this->fs().CreateDirs(this->At("closed")), IsOk());
  this->env_.SetReadable(this->At("closed"), false);
  EXPECT_THAT(this->fs().ListDir(this->At("closed")),
              StatusIs(StatusCode::kPermissionDenied));
}

TYPED_TEST(FileSystemConformanceTest, StatTellsSymlinksFromTargets) {
  ASSERT_THAT(this->fs().CreateDirs(this->At("dir")), IsOk());
  this->env_.MakeSymlink(this->At("link"), this->At("dir"));
  ASSERT_OK_AND_ASSIGN(const FileInfo link, this->fs().Stat(this->At("link")));
  EXPECT_EQ(link.type, FileType::kSymlink);
  ASSERT_OK_AND_ASSIGN(const FileInfo followed,
                       this->fs().Stat(this->At("link"), true));
  ASSERT_OK_AND_ASSIGN(const FileInfo dir, this->fs().Stat(this->At("dir")));
  EXPECT_EQ(followed.type, FileType::kDirectory);
  // Device and inode identify the directory: how a walker spots loops.
  EXPECT_EQ(followed.inode, dir.inode);
  EXPECT_EQ(followed.device, dir.device);
  EXPECT_NE(link.inode, dir.inode);
}

TYPED_TEST(FileSystemConformanceTest, SymlinkLoopsFailInsteadOfHanging) {
  this->env_.MakeSymlink(this->At("a"), this->At("b"));
  this->env_.MakeSymlink(this->At("b"), this->At("a"));
  EXPECT_THAT(this->fs().Stat(this->At("a"), true),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->fs().OpenForRead(this->At("a")),
              StatusIs(StatusCode::kInvalidArgument));
}

TYPED_TEST(FileSystemConformanceTest, DirectoryLoopsResolveToTheSameInode) {
  ASSERT_THAT(this->fs().CreateDirs(this->At("top/sub")), IsOk());
  this->env_.MakeSymlink(this->At("top/sub/up"), "..");
  ASSERT_OK_AND_ASSIGN(const FileInfo top, this->fs().Stat(this->At("top")));
  ASSERT_OK_AND_ASSIGN(const FileInfo again,
                       this->fs().Stat(this->At("top/sub/up"), true));
  EXPECT_EQ(again.inode, top.inode);
  // Going round the loop still works, as on disk.
  ASSERT_OK_AND_ASSIGN(const FileInfo deep,
                       this->fs().Stat(this->At("top/sub/up/sub/up/sub")));
  EXPECT_EQ(deep.type, FileType::kDirectory);
}

TYPED_TEST(FileSystemConformanceTest, ListDirIsSortedAndTyped) {
  this->Write("b.txt", "x");
  this->Write("a.txt", "x");
  ASSERT_THAT(this->fs().CreateDirs(this->At("c")), IsOk());
  this->env_.MakeSymlink(this->At("d"), this->At("a.txt"));
  ASSERT_OK_AND_ASSIGN(const auto entries,
                       this->fs().ListDir(this->env_.root()));
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].name, "a.txt");
  EXPECT_EQ(entries[0].type, FileType::kRegular);
  EXPECT_EQ(entries[1].name, "b.txt");
  EXPECT_EQ(entries[2].name, "c");
  EXPECT_EQ(entries[2].type, FileType::kDirectory);
  EXPECT_EQ(entries[3].name, "d");
  EXPECT_EQ(entries[3].type, FileType::kSymlink);
}

TYPED_TEST(FileSystemConformanceTest, ListDirOfMissingOrFileIsNotFound) {
  this->Write("f", "x");
  EXPECT_THAT(this->fs().ListDir(this->At("none")),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->fs().ListDir(this->At("f")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, CreateDirsMakesParentsAndIsIdempotent) {
  EXPECT_THAT(this->fs().CreateDirs(this->At("x/y/z")), IsOk());
  EXPECT_THAT(this->fs().CreateDirs(this->At("x/y/z")), IsOk());
  EXPECT_THAT(this->fs().CreateDirs(this->At("x/y/z/")), IsOk());
  EXPECT_THAT(this->fs().Stat(this->At("x/y/z")),
              IsOkAndHolds(Field(&FileInfo::type, FileType::kDirectory)));
  this->Write("x/file", "x");
  EXPECT_THAT(this->fs().CreateDirs(this->At("x/file")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->fs().CreateDirs(this->At("x/file/below")), Not(IsOk()));
}

TYPED_TEST(FileSystemConformanceTest, SyncDirNeedsADirectory) {
  EXPECT_THAT(this->fs().SyncDir(this->env_.root()), IsOk());
  EXPECT_THAT(this->fs().SyncDir(this->At("none")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, FreeSpaceIsReported) {
  EXPECT_THAT(this->fs().FreeSpace(this->env_.root()), IsOkAndHolds(Ne(0u)));
  EXPECT_THAT(this->fs().FreeSpace(this->At("none")),
              StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, PathsWithNulBytesAreRefused) {
  const Path bad = this->env_.root() / std::string("a\0b", 3);
  EXPECT_THAT(this->fs().CreateNew(bad),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->fs().OpenForRead(bad),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->fs().Stat(bad), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->fs().Stat(this->At("a")), StatusIs(StatusCode::kNotFound));
}

TYPED_TEST(FileSystemConformanceTest, HelpersReadHeadTailAndWhole) {
  this->Write("f", "0123456789");
  EXPECT_THAT(ReadHead(this->fs(), this->At("f"), 3),
              IsOkAndHolds(Text("012")));
  EXPECT_THAT(ReadTail(this->fs(), this->At("f"), 3),
              IsOkAndHolds(Text("789")));
  // Short files come back whole.
  EXPECT_THAT(ReadHead(this->fs(), this->At("f"), 100),
              IsOkAndHolds(Text("0123456789")));
  EXPECT_THAT(ReadTail(this->fs(), this->At("f"), 100),
              IsOkAndHolds(Text("0123456789")));
  EXPECT_THAT(ReadWholeFile(this->fs(), this->At("f"), 10),
              IsOkAndHolds(Text("0123456789")));
  EXPECT_THAT(ReadWholeFile(this->fs(), this->At("f"), 9),
              StatusIs(StatusCode::kResourceExhausted));
}

TYPED_TEST(FileSystemConformanceTest, HelpersOnEmptyFiles) {
  this->Write("empty", "");
  EXPECT_THAT(ReadWholeFile(this->fs(), this->At("empty"), 0),
              IsOkAndHolds(Bytes{}));
  EXPECT_THAT(ReadHead(this->fs(), this->At("empty"), 4),
              IsOkAndHolds(Bytes{}));
  EXPECT_THAT(ReadTail(this->fs(), this->At("empty"), 4),
              IsOkAndHolds(Bytes{}));
}

}  // namespace
}  // namespace kintsugi::io
