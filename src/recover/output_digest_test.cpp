// An output's digest (issue 16, "The journal trusts an output by its
// name"): XXH3-128 known answers, the same digest however the bytes are cut,
// and what CheckEarlierOutput makes of an output that was kept, rewritten,
// resized, removed or replaced, on the in-memory file system.

#include "recover/output_digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"

namespace kintsugi::recover {
namespace {

using ::testing::HasSubstr;

const Path kDir = "/out";
const Path kOutput = kDir / "a.txt";

std::string HexOf(const std::array<std::uint8_t, 16>& digest) {
  return ToHex(ByteView(digest.data(), digest.size()));
}

std::string HashHex(std::string_view text) {
  OutputHash hash;
  hash.Update(ByteView::FromString(text));
  auto digest = hash.Finish();
  EXPECT_THAT(digest.status(), IsOk());
  return digest ? HexOf(*digest) : "";
}

TEST(OutputHashTest, KnownAnswers) {
  // XXH3-128, seed 0, in xxHash's canonical form: the empty input's value
  // is xxHash's own sanity value; the others are from Python's xxhash
  // module (python3-xxhash), an independent build of the same algorithm.
  EXPECT_EQ(HashHex(""), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(HashHex("abc"), "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(HashHex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "3d62d22a5169b016c0d894fd4828a1a7");
}

TEST(OutputHashTest, PiecesHashLikeTheWhole) {
  const Bytes data = formats::samples::PseudoRandomBytes(10000, 1);
  OutputHash whole;
  whole.Update(data);
  ASSERT_OK_AND_ASSIGN(auto expected, whole.Finish());
  for (std::size_t piece : {1u, 63u, 64u, 65u, 4096u}) {
    OutputHash hash;
    for (std::size_t at = 0; at < data.size(); at += piece) {
      hash.Update(
          ByteView(data).Sub(at, std::min(piece, data.size() - at)).value());
    }
    ASSERT_OK_AND_ASSIGN(auto got, hash.Finish());
    EXPECT_EQ(got, expected) << piece;
  }
}

struct World {
  World() {
    EXPECT_THAT(fs.AddDirs(kDir), IsOk());
    EXPECT_THAT(fs.AddFile(kOutput, content), IsOk());
  }
  OutputDigest Digest() {
    Bytes buffer(7);
    auto digest = DigestFile(fs, kOutput, buffer);
    EXPECT_THAT(digest.status(), IsOk());
    return digest ? *digest : OutputDigest{};
  }
  Result<EarlierOutput> Check(const Journal::Done& done) {
    Bytes buffer(5);  // Smaller than the file: several reads.
    return CheckEarlierOutput(fs, done, buffer);
  }

  io::MemoryFileSystem fs;
  const Bytes content = formats::samples::MakeText(100);
};

TEST(DigestFileTest, AnyBufferSizeGivesTheSameDigest) {
  World w;
  OutputHash hash;
  hash.Update(w.content);
  ASSERT_OK_AND_ASSIGN(auto sha, hash.Finish());
  for (std::size_t size : {0u, 1u, 3u, 100u, 4096u}) {
    Bytes buffer(size);
    ASSERT_OK_AND_ASSIGN(OutputDigest digest,
                         DigestFile(w.fs, kOutput, buffer));
    EXPECT_EQ(digest.size, w.content.size()) << size;
    EXPECT_EQ(digest.xxh3, sha) << size;
  }
  Bytes buffer(8);
  EXPECT_THAT(DigestFile(w.fs, kDir / "none", buffer).status(),
              StatusIs(StatusCode::kNotFound));
}

TEST(CheckEarlierOutputTest, AnUntouchedOutputIsUnchanged) {
  World w;
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, w.Digest()};
  EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kUnchanged));
}

TEST(CheckEarlierOutputTest, OtherBytesOfTheSameSizeAreAChange) {
  // Regression (issue 16): an output replaced by other bytes was reported
  // "already done" on the strength of its name.
  World w;
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, w.Digest()};
  for (std::size_t at :
       {std::size_t{0}, w.content.size() / 2, w.content.size() - 1}) {
    Bytes other = w.content;
    other[at] ^= 0x01;
    io::MemoryFileSystem& fs = w.fs;
    ASSERT_THAT(fs.Remove(kOutput), IsOk());
    ASSERT_THAT(fs.AddFile(kOutput, other), IsOk());
    EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kChanged)) << at;
  }
}

TEST(CheckEarlierOutputTest, AnotherSizeIsAChange) {
  World w;
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, w.Digest()};
  for (std::size_t size :
       {std::size_t{0}, w.content.size() - 1, w.content.size() + 1}) {
    Bytes other = w.content;
    other.resize(size, 'x');
    ASSERT_THAT(w.fs.Remove(kOutput), IsOk());
    ASSERT_THAT(w.fs.AddFile(kOutput, other), IsOk());
    EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kChanged)) << size;
  }
}

TEST(CheckEarlierOutputTest, ALinkOrAFolderInItsPlaceIsAChange) {
  // Even a link to a file with the very bytes: it is not our output.
  World w;
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, w.Digest()};
  ASSERT_THAT(w.fs.AddFile(kDir / "copy", w.content), IsOk());
  ASSERT_THAT(w.fs.Remove(kOutput), IsOk());
  ASSERT_THAT(w.fs.AddSymlink(kOutput, kDir / "copy"), IsOk());
  EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kChanged));
  ASSERT_THAT(w.fs.Remove(kOutput), IsOk());
  ASSERT_THAT(w.fs.AddDirs(kOutput), IsOk());
  EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kChanged));
}

TEST(CheckEarlierOutputTest, MissingUncheckedAndUnreadable) {
  World w;
  const OutputDigest digest = w.Digest();
  // A version-1 journal: no digest, nothing to check against.
  EXPECT_THAT(
      w.Check(Journal::Done{kOutput, RecoverStatus::kRecovered, std::nullopt}),
      IsOkAndHolds(EarlierOutput::kUnchecked));
  ASSERT_THAT(w.fs.SetReadable(kOutput, false), IsOk());
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, digest};
  EXPECT_THAT(w.Check(done).status(), StatusIs(StatusCode::kPermissionDenied));
  ASSERT_THAT(w.fs.Remove(kOutput), IsOk());
  EXPECT_THAT(w.Check(done), IsOkAndHolds(EarlierOutput::kMissing));
}

TEST(RedoReasonTest, SaysWhyWithTheDeclaredArguments) {
  const Journal::Done done{kOutput, RecoverStatus::kRecovered, std::nullopt};
  const std::pair<Result<EarlierOutput>, MessageId> cases[] = {
      {EarlierOutput::kChanged, MessageId::kRecoverEarlierOutputChanged},
      {EarlierOutput::kMissing, MessageId::kRecoverEarlierOutputMissing},
      {EarlierOutput::kUnchecked, MessageId::kRecoverEarlierOutputUnchecked},
      {IoError("boom"), MessageId::kRecoverEarlierOutputUnreadable},
  };
  for (const auto& [check, id] : cases) {
    const Message reason = RedoReason(done, check);
    EXPECT_EQ(reason.id, id) << MessageIdName(id);
    EXPECT_TRUE(HasDeclaredArgs(reason)) << MessageIdName(id);
    EXPECT_THAT(RenderEnglish(reason), HasSubstr(kOutput.string()));
    const Message detail =
        RedoneDetail(Message{MessageId::kRecoverVerified, {}}, reason);
    EXPECT_TRUE(HasDeclaredArgs(detail));
    EXPECT_THAT(RenderEnglish(detail), HasSubstr("verified; warning: "));
  }
  EXPECT_THAT(RenderEnglish(RedoReason(done, IoError("boom"))),
              HasSubstr("boom"));
}

// A file that keeps what is appended to it.
class VectorFile final : public WritableFile {
 public:
  Status Append(ByteView data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  Bytes bytes;
};

TEST(DigestingSinkTest, PassesEveryByteOnAndDigestsThem) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  auto journal = Journal::Open(fs, kDir / std::string(kJournalDirName), false);
  ASSERT_THAT(journal.status(), IsOk());
  VectorFile file;
  DigestingSink sink(file, **journal);
  const Bytes data = formats::samples::PseudoRandomBytes(1000, 2);
  for (std::size_t at = 0; at < data.size(); at += 300) {
    ASSERT_THAT(
        sink.Append(ByteView(data)
                        .Sub(at, std::min<std::size_t>(300, data.size() - at))
                        .value()),
        IsOk());
  }
  EXPECT_EQ(file.bytes, data);
  OutputHash hash;
  hash.Update(data);
  ASSERT_OK_AND_ASSIGN(auto sha, hash.Finish());
  ASSERT_OK_AND_ASSIGN(OutputDigest digest, sink.Finish());
  EXPECT_EQ(digest.size, data.size());
  EXPECT_EQ(digest.xxh3, sha);
}

TEST(DigestingSinkTest, RefusesMoreBytesOnceTheJournalCannotBeWritten) {
  // Issue 16: a file in flight stops when the journal fails, so that its
  // temporary is removed rather than finished without a record.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  auto journal = Journal::Open(fs, kDir / std::string(kJournalDirName), false);
  ASSERT_THAT(journal.status(), IsOk());
  VectorFile file;
  DigestingSink sink(file, **journal);
  ASSERT_THAT(sink.Append(ByteView::FromString("abc")), IsOk());
  fs.SetFaultPlan(io::FaultPlan::DiskFullAt(0));
  EXPECT_FALSE((*journal)->Abandoned("/v/x.fun").ok());
  EXPECT_THAT(sink.Append(ByteView::FromString("def")),
              StatusIs(StatusCode::kIoError));
  EXPECT_EQ(file.bytes, Bytes({'a', 'b', 'c'}));
}

}  // namespace
}  // namespace kintsugi::recover
