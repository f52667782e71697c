// Tests of RealFileSystem() that only make sense on a real disk. What both
// implementations share is in file_system_conformance_test.cpp.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "core/testing/status_matchers.h"
#include "io/file_system_test_env.h"
#include "kintsugi/fs.h"

namespace kintsugi::io {
namespace {

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

class PosixFileSystemTest : public ::testing::Test {
 protected:
  FileSystem& fs() { return env_.fs(); }
  Path At(const std::string& relative) const { return env_.root() / relative; }

  testing::PosixEnv env_;
};

TEST_F(PosixFileSystemTest, ProcAndSysArePseudoFileSystemsAndAFolderIsNot) {
  EXPECT_THAT(fs().IsPseudoFileSystem(env_.root()), IsOkAndHolds(false));
  // Where the machine has them mounted (containers may not have /sys).
  if (::access("/proc/self", F_OK) == 0) {
    EXPECT_THAT(fs().IsPseudoFileSystem("/proc/self"), IsOkAndHolds(true));
  }
  struct stat st {};
  if (::stat("/sys/kernel", &st) == 0) {
    EXPECT_THAT(fs().IsPseudoFileSystem("/sys/kernel"), IsOkAndHolds(true));
  }
  EXPECT_FALSE(fs().IsPseudoFileSystem(At("missing")).has_value());
  // A read-only view asks the file system behind it.
  EXPECT_THAT(ReadOnlyView(fs())->IsPseudoFileSystem(env_.root()),
              IsOkAndHolds(false));
}

TEST_F(PosixFileSystemTest, CreateNewIsPrivateUnlessAModeIsGiven) {
  const mode_t old_mask = ::umask(022);
  ASSERT_THAT(WriteNewFile(fs(), At("private"), Text("x")), IsOk());
  ASSERT_THAT(WriteNewFile(fs(), At("shared"), Text("x"), 0664), IsOk());
  ::umask(old_mask);
  struct stat st {};
  ASSERT_EQ(::stat(At("private").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat(At("shared").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);  // 0664 less the umask 022.
}

TEST_F(PosixFileSystemTest, CreateNewDoesNotWriteThroughASymlink) {
  ASSERT_THAT(WriteNewFile(fs(), At("victim"), Text("keep")), IsOk());
  ASSERT_EQ(::symlink(At("victim").c_str(), At("link").c_str()), 0);
  EXPECT_THAT(WriteNewFile(fs(), At("link"), Text("overwrite")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(ReadWholeFile(fs(), At("victim"), 100),
              IsOkAndHolds(Text("keep")));
  // WriteNewFile did not remove the symlink it did not create.
  struct stat st {};
  EXPECT_EQ(::lstat(At("link").c_str(), &st), 0);
}

TEST_F(PosixFileSystemTest, OpeningAFifoDoesNotHang) {
  ASSERT_EQ(::mkfifo(At("fifo").c_str(), 0600), 0);
  EXPECT_THAT(fs().OpenForRead(At("fifo")), StatusIs(StatusCode::kUnsupported));
  ASSERT_OK_AND_ASSIGN(const FileInfo info, fs().Stat(At("fifo")));
  EXPECT_EQ(info.type, FileType::kOther);
}

TEST_F(PosixFileSystemTest, StatReportsMtimeInNanoseconds) {
  ASSERT_THAT(WriteNewFile(fs(), At("f"), Text("x")), IsOk());
  struct timespec times[2] = {{0, UTIME_OMIT}, {1'600'000'000, 123'456'789}};
  ASSERT_EQ(::utimensat(AT_FDCWD, At("f").c_str(), times, 0), 0);
  ASSERT_OK_AND_ASSIGN(const FileInfo info, fs().Stat(At("f")));
  EXPECT_EQ(info.mtime_ns, 1'600'000'000'123'456'789);
}

TEST_F(PosixFileSystemTest, ListDirSeesFilesMadeOutsideTheInterface) {
  ASSERT_EQ(::mkdir(At("d").c_str(), 0755), 0);
  ASSERT_EQ(::mkfifo(At("p").c_str(), 0600), 0);
  ASSERT_OK_AND_ASSIGN(const auto entries, fs().ListDir(env_.root()));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "d");
  EXPECT_EQ(entries[0].type, FileType::kDirectory);
  EXPECT_EQ(entries[1].name, "p");
  EXPECT_EQ(entries[1].type, FileType::kOther);
}

TEST_F(PosixFileSystemTest, RemoveDoesNotFollowSymlinks) {
  ASSERT_THAT(WriteNewFile(fs(), At("target"), Text("keep")), IsOk());
  ASSERT_EQ(::symlink(At("target").c_str(), At("link").c_str()), 0);
  EXPECT_THAT(fs().Remove(At("link")), IsOk());
  EXPECT_THAT(ReadWholeFile(fs(), At("target"), 100),
              IsOkAndHolds(Text("keep")));
}

TEST_F(PosixFileSystemTest, RefusedDirectoryIsPermissionDenied) {
  if (!testing::PosixEnv::PermissionsEnforced()) {
    GTEST_SKIP() << "running as root";
  }
  ASSERT_EQ(::mkdir(At("locked").c_str(), 0555), 0);
  EXPECT_THAT(fs().CreateNew(At("locked/f")),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs().CreateDirs(At("locked/sub")),
              StatusIs(StatusCode::kPermissionDenied));
}

TEST(RealFileSystemTest, IsOneObject) {
  EXPECT_EQ(&RealFileSystem(), &RealFileSystem());
}

}  // namespace
}  // namespace kintsugi::io
