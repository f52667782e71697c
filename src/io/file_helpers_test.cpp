// The helpers of fs.h against files that change while they are read.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/fs.h"

namespace kintsugi::io {
namespace {

Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }

// A file whose Size() says `reported_size` while it holds `data`: how a file
// that grows or shrinks between the size check and the reads looks.
class ChangingFile final : public ReadableFile {
 public:
  ChangingFile(Bytes data, std::uint64_t reported_size)
      : data_(std::move(data)), reported_size_(reported_size) {}

  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    ++reads_;
    if (offset >= data_.size()) return std::size_t{0};
    const ByteView rest =
        ByteView(data_).Last(data_.size() - static_cast<std::size_t>(offset));
    // One byte at a time at most 3 bytes, like a pipe-ish short read.
    const std::size_t n = std::min({out.size(), rest.size(), std::size_t{3}});
    std::copy_n(rest.begin(), n, out.begin());
    return n;
  }
  Result<std::uint64_t> Size() override { return reported_size_; }

  int reads_ = 0;

 private:
  Bytes data_;
  std::uint64_t reported_size_;
};

// A read-only file system whose OpenForRead hands out a ChangingFile (the
// read helpers need nothing more).
class ChangingFileSystem final : public ReadOnlyFileSystem {
 public:
  ChangingFileSystem(Bytes data, std::uint64_t reported_size)
      : data_(std::move(data)), reported_size_(reported_size) {}

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path&) override {
    return std::unique_ptr<ReadableFile>(
        std::make_unique<ChangingFile>(data_, reported_size_));
  }
  Result<FileInfo> Stat(const Path& p, bool follow) override {
    return base_.Stat(p, follow);
  }
  Result<std::vector<DirEntry>> ListDir(const Path& p) override {
    return base_.ListDir(p);
  }

 private:
  MemoryFileSystem base_;
  Bytes data_;
  std::uint64_t reported_size_;
};

TEST(ReadWholeFileTest, RefusesAFileThatGrewPastTheLimit) {
  ChangingFileSystem fs(Text("0123456789"), /*reported_size=*/4);
  EXPECT_THAT(ReadWholeFile(fs, "/f", 6),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST(ReadWholeFileTest, ReadsAFileThatGrewWithinTheLimit) {
  ChangingFileSystem fs(Text("0123456789"), /*reported_size=*/4);
  EXPECT_THAT(ReadWholeFile(fs, "/f", 10), IsOkAndHolds(Text("0123456789")));
}

TEST(ReadWholeFileTest, ReadsAFileThatShrank) {
  ChangingFileSystem fs(Text("0123"), /*reported_size=*/10);
  EXPECT_THAT(ReadWholeFile(fs, "/f", 10), IsOkAndHolds(Text("0123")));
}

TEST(ReadWholeFileTest, RefusesBeforeReadingWhenTooLarge) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/big", Bytes(100, 7)), IsOk());
  // Reads would fail: the refusal must come from the size alone.
  fs.SetFaultPlan(
      FaultPlan::FailOperation(Operation::kRead, 2, StatusCode::kIoError));
  EXPECT_THAT(ReadWholeFile(fs, "/big", 99),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST(ReadHeadTailTest, CopeWithShortReads) {
  ChangingFileSystem fs(Text("0123456789"), /*reported_size=*/10);
  EXPECT_THAT(ReadHead(fs, "/f", 8), IsOkAndHolds(Text("01234567")));
  EXPECT_THAT(ReadTail(fs, "/f", 8), IsOkAndHolds(Text("23456789")));
}

TEST(ReadFullyAtTest, FillsThroughShortReadsAndStopsAtTheEnd) {
  ChangingFile file(Text("0123456789"), /*reported_size=*/10);
  Bytes out(5);
  EXPECT_THAT(ReadFullyAt(file, 2, out), IsOkAndHolds(5u));
  EXPECT_EQ(out, Text("23456"));
  EXPECT_GE(file.reads_, 2);  // Three bytes a read: it took more than one.
  Bytes past_end(8);
  EXPECT_THAT(ReadFullyAt(file, 6, past_end), IsOkAndHolds(4u));
  EXPECT_TRUE(ByteView(past_end).First(4) == ByteView(Text("6789")));
  EXPECT_THAT(ReadFullyAt(file, 10, past_end), IsOkAndHolds(0u));
}

TEST(ReadFullyAtTest, ReportsAFailedRead) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/f", Bytes(10, 7)), IsOk());
  ASSERT_OK_AND_ASSIGN(auto file, fs.OpenForRead("/f"));
  fs.SetFaultPlan(
      FaultPlan::FailOperation(Operation::kRead, 1, StatusCode::kIoError));
  Bytes out(4);
  EXPECT_THAT(ReadFullyAt(*file, 0, out), StatusIs(StatusCode::kIoError));
}

TEST(ReadHeadTailTest, MissingFileIsNotFound) {
  MemoryFileSystem fs;
  EXPECT_THAT(ReadHead(fs, "/none", 8), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ReadTail(fs, "/none", 8), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ReadWholeFile(fs, "/none", 8), StatusIs(StatusCode::kNotFound));
}

TEST(WriteNewFileTest, RemovesThePartialFileWhenCloseFails) {
  MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/out"), IsOk());
  fs.SetFaultPlan(
      FaultPlan::FailOperation(Operation::kClose, 1, StatusCode::kIoError));
  EXPECT_THAT(WriteNewFile(fs, "/out/f", Text("x")),
              StatusIs(StatusCode::kIoError));
  EXPECT_FALSE(fs.Exists("/out/f"));
}

}  // namespace
}  // namespace kintsugi::io
