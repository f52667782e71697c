#include "io/memory_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/fs.h"

namespace kintsugi::io {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

class MemoryFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(fs_.AddDirs("/out"), IsOk()); }

  MemoryFileSystem fs_;
};

// --- Set-up accessors and the model -----------------------------------------

TEST_F(MemoryFileSystemTest, AddFileCreatesParentsAndKeepsMtime) {
  ASSERT_THAT(fs_.AddFile("/in/deep/a.txt", Text("abc"), 1234), IsOk());
  EXPECT_THAT(fs_.Contents("/in/deep/a.txt"), IsOkAndHolds(Text("abc")));
  EXPECT_THAT(
      fs_.Stat("/in/deep"),
      IsOkAndHolds(::testing::Field(&FileInfo::type, FileType::kDirectory)));
  EXPECT_THAT(fs_.Stat("/in/deep/a.txt"),
              IsOkAndHolds(::testing::Field(&FileInfo::mtime_ns, 1234)));
  EXPECT_THAT(fs_.AddFile("/in/deep/a.txt", Text("x")),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_TRUE(fs_.Exists("/in/deep/a.txt"));
  EXPECT_FALSE(fs_.Exists("/in/deep/b.txt"));
}

TEST_F(MemoryFileSystemTest, PathsAreLexicallyNormalised) {
  ASSERT_THAT(fs_.AddFile("/in/a.txt", Text("abc")), IsOk());
  EXPECT_THAT(fs_.Contents("/in/./x/../a.txt"), IsOkAndHolds(Text("abc")));
  EXPECT_THAT(fs_.Contents("//in//a.txt"), IsOkAndHolds(Text("abc")));
}

TEST_F(MemoryFileSystemTest, RelativePathsHaveTheirOwnRoot) {
  ASSERT_THAT(fs_.AddFile("rel/a", Text("r")), IsOk());
  EXPECT_THAT(fs_.Contents("./rel/a"), IsOkAndHolds(Text("r")));
  EXPECT_FALSE(fs_.Exists("/rel/a"));
  EXPECT_THAT(fs_.ListAllFiles(), ElementsAre("rel/a"));
}

TEST_F(MemoryFileSystemTest, ListAllFilesSkipsDirectoriesAndSymlinks) {
  ASSERT_THAT(fs_.AddFile("/in/b", Text("")), IsOk());
  ASSERT_THAT(fs_.AddFile("/in/a", Text("")), IsOk());
  ASSERT_THAT(fs_.AddSymlink("/in/link", "/in"), IsOk());
  EXPECT_THAT(fs_.ListAllFiles(), ElementsAre("/in/a", "/in/b"));
}

TEST_F(MemoryFileSystemTest, SetModeControlsReading) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("x")), IsOk());
  ASSERT_THAT(fs_.SetMode("/in/a", 0200), IsOk());
  EXPECT_THAT(fs_.OpenForRead("/in/a"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.Stat("/in/a"),
              IsOkAndHolds(::testing::Field(&FileInfo::mode, 0200u)));
  ASSERT_THAT(fs_.SetReadable("/in/a", true), IsOk());
  EXPECT_THAT(fs_.OpenForRead("/in/a"), IsOk());
}

TEST_F(MemoryFileSystemTest, ReadOnlyDirectoryRefusesNewEntries) {
  ASSERT_THAT(fs_.SetMode("/out", 0555), IsOk());
  EXPECT_THAT(fs_.CreateNew("/out/f"), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.CreateDirs("/out/d"),
              StatusIs(StatusCode::kPermissionDenied));
}

TEST_F(MemoryFileSystemTest, MutationsAdvanceTheClock) {
  ASSERT_OK_AND_ASSIGN(auto file, fs_.CreateNew("/out/f"));
  ASSERT_OK_AND_ASSIGN(const FileInfo before, fs_.Stat("/out/f"));
  ASSERT_THAT(file->Append(Text("x")), IsOk());
  ASSERT_OK_AND_ASSIGN(const FileInfo after, fs_.Stat("/out/f"));
  EXPECT_GT(after.mtime_ns, before.mtime_ns);
}

TEST_F(MemoryFileSystemTest, CountsOperations) {
  const std::uint64_t ops = fs_.operation_count();
  const std::uint64_t mutations = fs_.mutation_count();
  ASSERT_THAT(WriteNewFile(fs_, "/out/f", Text("abc")), IsOk());
  // create, append, sync, close; three of them mutate.
  EXPECT_EQ(fs_.operation_count() - ops, 4u);
  EXPECT_EQ(fs_.mutation_count() - mutations, 3u);
  ASSERT_THAT(fs_.Stat("/out/f"), IsOk());
  EXPECT_EQ(fs_.operation_count() - ops, 5u);
  EXPECT_EQ(fs_.mutation_count() - mutations, 3u);
}

TEST_F(MemoryFileSystemTest, IsThreadSafe) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      const Path dir = "/out/t" + std::to_string(t);
      EXPECT_THAT(fs_.CreateDirs(dir), IsOk());
      for (int i = 0; i < 50; ++i) {
        const Path path = dir / std::to_string(i);
        EXPECT_THAT(WriteNewFile(fs_, path, Text("payload")), IsOk());
        EXPECT_THAT(ReadWholeFile(fs_, path, 100),
                    IsOkAndHolds(Text("payload")));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fs_.ListAllFiles().size(), 200u);
}

// --- Disk full ---------------------------------------------------------------

TEST_F(MemoryFileSystemTest, DiskFullWritesUpToTheLimitThenFails) {
  fs_.SetFaultPlan(FaultPlan::DiskFullAt(10));
  ASSERT_OK_AND_ASSIGN(auto a, fs_.CreateNew("/out/a"));
  ASSERT_OK_AND_ASSIGN(auto b, fs_.CreateNew("/out/b"));
  EXPECT_THAT(a->Append(Text("123456")), IsOk());
  EXPECT_THAT(fs_.FreeSpace("/out"), IsOkAndHolds(4u));
  // The limit counts bytes across all files: b gets 4 of its 6 bytes.
  EXPECT_THAT(b->Append(Text("abcdef")),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(fs_.Contents("/out/b"), IsOkAndHolds(Text("abcd")));
  EXPECT_THAT(fs_.FreeSpace("/out"), IsOkAndHolds(0u));
  EXPECT_THAT(a->Append(Text("7")), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(fs_.Contents("/out/a"), IsOkAndHolds(Text("123456")));
  // Empty appends still succeed on a full disk, as write(fd, p, 0) does.
  EXPECT_THAT(a->Append(Bytes{}), IsOk());
}

TEST_F(MemoryFileSystemTest, DiskFullExactlyAtTheLimitSucceeds) {
  fs_.SetFaultPlan(FaultPlan::DiskFullAt(3));
  EXPECT_THAT(WriteNewFile(fs_, "/out/a", Text("abc")), IsOk());
  EXPECT_THAT(WriteNewFile(fs_, "/out/b", Text("d")),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST_F(MemoryFileSystemTest, WriteNewFileRemovesThePartialFileOnDiskFull) {
  fs_.SetFaultPlan(FaultPlan::DiskFullAt(2));
  EXPECT_THAT(WriteNewFile(fs_, "/out/a", Text("abc")),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_FALSE(fs_.Exists("/out/a"));
}

TEST_F(MemoryFileSystemTest, SetFaultPlanRestartsTheByteCount) {
  fs_.SetFaultPlan(FaultPlan::DiskFullAt(3));
  ASSERT_THAT(WriteNewFile(fs_, "/out/a", Text("abc")), IsOk());
  fs_.SetFaultPlan(FaultPlan::DiskFullAt(3));
  EXPECT_THAT(WriteNewFile(fs_, "/out/b", Text("abc")), IsOk());
  fs_.SetFaultPlan({});
  EXPECT_THAT(WriteNewFile(fs_, "/out/c", Text("abcdef")), IsOk());
}

// --- Short write -------------------------------------------------------------

TEST_F(MemoryFileSystemTest, ShortWriteHitsOnlyTheChosenAppend) {
  fs_.SetFaultPlan(FaultPlan::ShortWriteOnAppend(2));
  ASSERT_OK_AND_ASSIGN(auto file, fs_.CreateNew("/out/f"));
  EXPECT_THAT(file->Append(Text("first")), IsOk());
  EXPECT_THAT(file->Append(Text("12345")), StatusIs(StatusCode::kIoError));
  EXPECT_THAT(fs_.Contents("/out/f"), IsOkAndHolds(Text("first12")));
  EXPECT_THAT(file->Append(Text("third")), IsOk());
  EXPECT_THAT(fs_.Contents("/out/f"), IsOkAndHolds(Text("first12third")));
}

TEST_F(MemoryFileSystemTest, WriteNewFileRemovesThePartialFileOnShortWrite) {
  fs_.SetFaultPlan(FaultPlan::ShortWriteOnAppend(1));
  EXPECT_THAT(WriteNewFile(fs_, "/out/f", Text("abcd")),
              StatusIs(StatusCode::kIoError));
  EXPECT_FALSE(fs_.Exists("/out/f"));
}

// --- Refused directories -----------------------------------------------------

TEST_F(MemoryFileSystemTest, DeniedDirectoryRefusesWritesButNotReads) {
  ASSERT_THAT(fs_.AddFile("/out/locked/existing", Text("old")), IsOk());
  ASSERT_THAT(fs_.AddFile("/out/open/f", Text("x")), IsOk());
  fs_.SetFaultPlan(FaultPlan::DenyWritesUnder("/out/locked"));
  EXPECT_THAT(fs_.CreateNew("/out/locked/new"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.CreateDirs("/out/locked/sub"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.Remove("/out/locked/existing"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.RenameNoReplace("/out/locked/existing", "/out/open/g"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(fs_.RenameNoReplace("/out/open/f", "/out/locked/f"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(ReadWholeFile(fs_, "/out/locked/existing", 100),
              IsOkAndHolds(Text("old")));
  EXPECT_THAT(fs_.ListDir("/out/locked"), IsOk());
  // A sibling whose name merely starts the same is not under it.
  ASSERT_THAT(fs_.CreateDirs("/out/locked2"), IsOk());
  EXPECT_THAT(WriteNewFile(fs_, "/out/locked2/f", Text("x")), IsOk());
  EXPECT_THAT(WriteNewFile(fs_, "/out/open/g", Text("x")), IsOk());
}

TEST_F(MemoryFileSystemTest, DeniedPrefixCoversSubdirectories) {
  ASSERT_THAT(fs_.AddDirs("/out/locked/a/b"), IsOk());
  fs_.SetFaultPlan(FaultPlan::DenyWritesUnder("/out/locked/"));
  EXPECT_THAT(WriteNewFile(fs_, "/out/locked/a/b/f", Text("x")),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_FALSE(fs_.Exists("/out/locked/a/b/f"));
}

// --- Failing chosen operations -----------------------------------------------

TEST_F(MemoryFileSystemTest, FailsTheNthOperationOfAKind) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("x")), IsOk());
  fs_.SetFaultPlan(FaultPlan::FailOperation(Operation::kOpenForRead, 2,
                                            StatusCode::kIoError));
  EXPECT_THAT(fs_.OpenForRead("/in/a"), IsOk());
  EXPECT_THAT(fs_.OpenForRead("/in/a"), StatusIs(StatusCode::kIoError));
  EXPECT_THAT(fs_.OpenForRead("/in/a"), IsOk());
  EXPECT_THAT(fs_.Stat("/in/a"), IsOk());
}

TEST_F(MemoryFileSystemTest, NthZeroFailsEveryOperationOfThatKind) {
  fs_.SetFaultPlan(
      FaultPlan::FailOperation(Operation::kSync, 0, StatusCode::kIoError));
  EXPECT_THAT(WriteNewFile(fs_, "/out/a", Text("x")),
              StatusIs(StatusCode::kIoError));
  EXPECT_THAT(WriteNewFile(fs_, "/out/b", Text("x")),
              StatusIs(StatusCode::kIoError));
  EXPECT_FALSE(fs_.Exists("/out/a"));
  EXPECT_FALSE(fs_.Exists("/out/b"));
}

TEST_F(MemoryFileSystemTest, InjectedFaultsCoverRenameAndRead) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("abc")), IsOk());
  FaultPlan plan = FaultPlan::FailOperation(Operation::kRename, 1,
                                            StatusCode::kPermissionDenied);
  plan.fail_operations.push_back(
      FaultPlan::FailOperation(Operation::kRead, 0, StatusCode::kIoError)
          .fail_operations[0]);
  fs_.SetFaultPlan(plan);
  EXPECT_THAT(fs_.RenameNoReplace("/in/a", "/in/b"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_TRUE(fs_.Exists("/in/a"));
  EXPECT_THAT(ReadWholeFile(fs_, "/in/a", 10), StatusIs(StatusCode::kIoError));
}

// --- Crash -------------------------------------------------------------------

TEST_F(MemoryFileSystemTest, CrashFailsEveryLaterCall) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("abc")), IsOk());
  fs_.SetFaultPlan(FaultPlan::CrashAfterMutations(2));
  ASSERT_OK_AND_ASSIGN(auto file, fs_.CreateNew("/out/f"));  // Mutation 1.
  EXPECT_THAT(file->Append(Text("x")), IsOk());              // Mutation 2.
  EXPECT_FALSE(fs_.crashed());
  EXPECT_THAT(file->Sync(), StatusIs(StatusCode::kCancelled));  // 3: crash.
  EXPECT_TRUE(fs_.crashed());
  EXPECT_THAT(fs_.OpenForRead("/in/a"), StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(fs_.Stat("/in/a"), StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(file->Close(), StatusIs(StatusCode::kCancelled));
}

TEST_F(MemoryFileSystemTest, CrashAfterZeroMutationsStopsTheFirstOne) {
  fs_.SetFaultPlan(FaultPlan::CrashAfterMutations(0));
  EXPECT_THAT(fs_.Stat("/out"), IsOk());  // Reads are not counted...
  EXPECT_THAT(fs_.CreateNew("/out/f"), StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(fs_.Stat("/out"), StatusIs(StatusCode::kCancelled));  // ...dead.
  EXPECT_FALSE(fs_.Exists("/out/f"));
}

TEST_F(MemoryFileSystemTest, RecoveryDropsUnsyncedData) {
  ASSERT_OK_AND_ASSIGN(auto file, fs_.CreateNew("/out/f"));
  ASSERT_THAT(file->Append(Text("durable")), IsOk());
  ASSERT_THAT(file->Sync(), IsOk());
  ASSERT_THAT(file->Append(Text("-lost")), IsOk());
  ASSERT_THAT(fs_.SyncDir("/out"), IsOk());
  fs_.SimulateCrashRecovery();
  EXPECT_THAT(fs_.Contents("/out/f"), IsOkAndHolds(Text("durable")));
}

TEST_F(MemoryFileSystemTest, RecoveryEmptiesAFileNeverSynced) {
  ASSERT_OK_AND_ASSIGN(auto file, fs_.CreateNew("/out/f"));
  ASSERT_THAT(file->Append(Text("lost")), IsOk());
  ASSERT_THAT(file->Close(), IsOk());
  ASSERT_THAT(fs_.SyncDir("/out"), IsOk());
  fs_.SimulateCrashRecovery();
  EXPECT_THAT(fs_.Contents("/out/f"), IsOkAndHolds(IsEmpty()));
}

TEST_F(MemoryFileSystemTest, RecoveryDropsEntriesOfUnsyncedDirectories) {
  // The file is synced but its directory is not: the name is lost.
  ASSERT_THAT(WriteNewFile(fs_, "/out/f", Text("data")), IsOk());
  ASSERT_THAT(fs_.CreateDirs("/out/sub"), IsOk());
  fs_.SimulateCrashRecovery();
  EXPECT_FALSE(fs_.Exists("/out/f"));
  EXPECT_FALSE(fs_.Exists("/out/sub"));
  // Set-up files are durable.
  EXPECT_TRUE(fs_.Exists("/out"));
}

TEST_F(MemoryFileSystemTest, RecoveryKeepsEntriesOfSyncedDirectories) {
  ASSERT_THAT(WriteNewFile(fs_, "/out/f", Text("data")), IsOk());
  ASSERT_THAT(fs_.SyncDir("/out"), IsOk());
  fs_.SimulateCrashRecovery();
  EXPECT_THAT(fs_.Contents("/out/f"), IsOkAndHolds(Text("data")));
}

TEST_F(MemoryFileSystemTest, RecoveryUndoesUnsyncedRenameAndRemove) {
  ASSERT_THAT(fs_.AddFile("/out/a", Text("a")), IsOk());
  ASSERT_THAT(fs_.AddFile("/out/b", Text("b")), IsOk());
  ASSERT_THAT(fs_.RenameNoReplace("/out/a", "/out/a2"), IsOk());
  ASSERT_THAT(fs_.Remove("/out/b"), IsOk());
  fs_.SimulateCrashRecovery();
  EXPECT_THAT(fs_.ListAllFiles(), ElementsAre("/out/a", "/out/b"));
}

TEST_F(MemoryFileSystemTest, RecoveryKeepsARenameBetweenDirectoriesTwice) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("a")), IsOk());
  ASSERT_THAT(fs_.RenameNoReplace("/in/a", "/out/a"), IsOk());
  ASSERT_THAT(fs_.SyncDir("/out"), IsOk());
  fs_.SimulateCrashRecovery();
  // "/in" was not synced: the old name is back, next to the new one.
  EXPECT_THAT(fs_.ListAllFiles(), ElementsAre("/in/a", "/out/a"));
}

TEST_F(MemoryFileSystemTest, RecoveryInvalidatesHandlesAndClearsThePlan) {
  ASSERT_THAT(fs_.AddFile("/in/a", Text("a")), IsOk());
  ASSERT_OK_AND_ASSIGN(auto reader, fs_.OpenForRead("/in/a"));
  ASSERT_OK_AND_ASSIGN(auto writer, fs_.CreateNew("/out/f"));
  fs_.SetFaultPlan(FaultPlan::CrashAfterMutations(0));
  EXPECT_THAT(writer->Append(Text("x")), StatusIs(StatusCode::kCancelled));
  fs_.SimulateCrashRecovery();
  EXPECT_FALSE(fs_.crashed());
  EXPECT_THAT(reader->Size(), StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(writer->Append(Text("x")), StatusIs(StatusCode::kCancelled));
  EXPECT_THAT(WriteNewFile(fs_, "/out/g", Text("x")), IsOk());
}

// The safe way to publish a file, as recover does: write a temporary, sync
// it, give it its final name without replacing, sync the directory.
Status PublishSafely(FileSystem& fs, ByteView data) {
  KINTSUGI_RETURN_IF_ERROR(WriteNewFile(fs, "/out/.tmp", data));
  KINTSUGI_RETURN_IF_ERROR(fs.RenameNoReplace("/out/.tmp", "/out/final"));
  return fs.SyncDir("/out");
}

// The same without the file's fsync.
Status PublishWithoutSync(FileSystem& fs, ByteView data) {
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.CreateNew("/out/.tmp"));
  KINTSUGI_RETURN_IF_ERROR(file->Append(data));
  KINTSUGI_RETURN_IF_ERROR(file->Close());
  KINTSUGI_RETURN_IF_ERROR(fs.RenameNoReplace("/out/.tmp", "/out/final"));
  return fs.SyncDir("/out");
}

struct CrashOutcomes {
  // Crash points after which "/out/final" exists but is not whole.
  int torn = 0;
  // Whether it is whole after a crash right after the last step.
  bool whole_after_last_step = false;
};

// Runs `publish` with a crash after every possible number of mutations.
template <typename Publish>
CrashOutcomes CrashEverywhere(Publish publish) {
  const Bytes data = Text("the recovered file");
  std::uint64_t mutations = 0;
  {
    MemoryFileSystem fs;
    EXPECT_THAT(fs.AddDirs("/out"), IsOk());
    const std::uint64_t before = fs.mutation_count();
    EXPECT_THAT(publish(fs, data), IsOk());
    mutations = fs.mutation_count() - before;
  }
  EXPECT_GT(mutations, 0u);
  CrashOutcomes outcomes;
  for (std::uint64_t n = 0; n <= mutations; ++n) {
    MemoryFileSystem fs;
    EXPECT_THAT(fs.AddDirs("/out"), IsOk());
    fs.SetFaultPlan(FaultPlan::CrashAfterMutations(n));
    const Status status = publish(fs, data);
    EXPECT_EQ(status.ok(), n == mutations) << "crash point " << n;
    fs.SimulateCrashRecovery();
    if (fs.Exists("/out/final")) {
      const Result<Bytes> contents = fs.Contents("/out/final");
      const bool whole = contents.ok() && *contents == data;
      if (!whole) ++outcomes.torn;
      if (n == mutations) outcomes.whole_after_last_step = whole;
    }
  }
  return outcomes;
}

TEST(MemoryFileSystemCrashPoints, SafePublishIsNeverTorn) {
  const CrashOutcomes outcomes = CrashEverywhere(PublishSafely);
  EXPECT_EQ(outcomes.torn, 0);
  EXPECT_TRUE(outcomes.whole_after_last_step);
}

TEST(MemoryFileSystemCrashPoints, PublishWithoutFsyncIsCaught) {
  const CrashOutcomes outcomes = CrashEverywhere(PublishWithoutSync);
  EXPECT_GT(outcomes.torn, 0);
  EXPECT_FALSE(outcomes.whole_after_last_step);
}

TEST(MemoryFileSystemCrashPoints, ForgettingTheDirectorySyncIsCaught) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/out"), IsOk());
  ASSERT_THAT(WriteNewFile(fs, "/out/.tmp", Text("x")), IsOk());
  ASSERT_THAT(fs.RenameNoReplace("/out/.tmp", "/out/final"), IsOk());
  // No SyncDir: after power loss the name is gone (the temporary too, as its
  // creation was never made durable either).
  fs.SimulateCrashRecovery();
  EXPECT_FALSE(fs.Exists("/out/final"));
  EXPECT_FALSE(fs.Exists("/out/.tmp"));
}

}  // namespace
}  // namespace kintsugi::io
