// The journal (docs/journal-format.md): its bytes round-trip, a torn or
// corrupted segment is read up to the first bad record and no further,
// nothing the journal cannot vouch for is ever removed, version-1 segments
// are still read (their outputs unchecked), and a failed append is
// remembered for the run to stop on.

#include "recover/journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/crc32c.h"
#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "recover/journal_format.h"

namespace kintsugi::recover {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const Path kOut = "/out";
const Path kJournalDir = kOut / std::string(kJournalDirName);
const Path kSegment = kJournalDir / "segment-00000000000000000001-0000abcd.log";

JournalRecord Begin(Path encrypted, Path temp) {
  JournalRecord record;
  record.type = RecordType::kBegin;
  record.encrypted = std::move(encrypted);
  record.temp = std::move(temp);
  return record;
}

// The digest of an output holding "abc": its XXH3-128, canonical (from
// Python's xxhash module, an independent build of the algorithm).
OutputDigest DigestOfAbc() {
  OutputDigest digest;
  digest.size = 3;
  const Bytes hash = FromHex("06b05ab6733a618578af5f94892f3950").value();
  std::copy(hash.begin(), hash.end(), digest.xxh3.begin());
  return digest;
}

// Another digest, told apart by its size and first byte.
OutputDigest OtherDigest(std::uint64_t size) {
  OutputDigest digest;
  digest.size = size;
  digest.xxh3.fill(0x5a);
  digest.xxh3[0] = static_cast<std::uint8_t>(size);
  return digest;
}

JournalRecord Committing(Path encrypted, Path temp, Path final_path,
                         std::optional<OutputDigest> digest = DigestOfAbc()) {
  JournalRecord record = Begin(std::move(encrypted), std::move(temp));
  record.type = RecordType::kCommitting;
  record.final_path = std::move(final_path);
  record.digest = digest;
  return record;
}

JournalRecord Finished(Path encrypted, Path final_path,
                       RecoverStatus status = RecoverStatus::kRecovered,
                       std::optional<OutputDigest> digest = DigestOfAbc()) {
  JournalRecord record;
  record.type = RecordType::kFinished;
  record.encrypted = std::move(encrypted);
  record.final_path = std::move(final_path);
  record.status = status;
  record.digest = digest;
  return record;
}

// The same record as version 1 writes it: no digest.
JournalRecord V1(JournalRecord record) {
  record.digest.reset();
  return record;
}

JournalRecord Abandoned(Path encrypted) {
  JournalRecord record;
  record.type = RecordType::kAbandoned;
  record.encrypted = std::move(encrypted);
  return record;
}

Bytes Encode(const JournalRecord& record,
             std::uint16_t version = kJournalVersion) {
  auto bytes = EncodeJournalRecord(record, version);
  EXPECT_THAT(bytes.status(), IsOk());
  return bytes ? *bytes : Bytes();
}

// A segment: the header, then each record. `starts` gets each record's
// offset, and the end.
Bytes Segment(const std::vector<JournalRecord>& records,
              std::vector<std::size_t>* starts = nullptr,
              std::uint16_t version = kJournalVersion) {
  Bytes out = EncodeJournalHeader(version);
  for (const JournalRecord& record : records) {
    if (starts != nullptr) starts->push_back(out.size());
    const Bytes bytes = Encode(record, version);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  if (starts != nullptr) starts->push_back(out.size());
  return out;
}

// Records compared by their exact bytes (Path's == is lexical).
std::vector<std::string> Describe(const std::vector<JournalRecord>& records) {
  std::vector<std::string> out;
  for (const JournalRecord& record : records) {
    out.push_back(std::string(1, static_cast<char>(record.type)) + "|" +
                  record.encrypted.native() + "|" + record.temp.native() + "|" +
                  record.final_path.native() + "|" +
                  std::string(RecoverStatusName(record.status)) + "|" +
                  (record.digest
                       ? std::to_string(record.digest->size) + ":" +
                             ToHex(ByteView(record.digest->xxh3.data(),
                                            record.digest->xxh3.size()))
                       : "-"));
  }
  return out;
}

Bytes Cat(ByteView a, ByteView b) {
  Bytes out = a.ToBytes();
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

void PutU32(Bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFFu));
  }
}

// A record with a right checksum around any payload.
Bytes RawRecord(ByteView payload, std::uint32_t length) {
  Bytes out;
  PutU32(out, length);
  Bytes checked = out;
  checked.insert(checked.end(), payload.begin(), payload.end());
  PutU32(out, Crc32c(checked));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes RawRecord(ByteView payload) {
  return RawRecord(payload, static_cast<std::uint32_t>(payload.size()));
}

const std::vector<JournalRecord> kThree = {
    Begin("/v/a.txt.fun", "/out/.a.txt.kintsugi-tmp-0123456789abcdef"),
    Committing("/v/a.txt.fun", "/out/.a.txt.kintsugi-tmp-0123456789abcdef",
               "/out/a.txt"),
    Finished("/v/a.txt.fun", "/out/a.txt"),
};

// kThree as version 1 writes it.
std::vector<JournalRecord> kThreeV1() {
  std::vector<JournalRecord> out;
  for (const JournalRecord& record : kThree) out.push_back(V1(record));
  return out;
}

// --- The format, byte by byte ----------------------------------------------

TEST(JournalFormatTest, HeaderBytesAreTheDocumentedOnes) {
  // docs/journal-format.md, "Segment header".
  const Bytes header = EncodeJournalHeader();
  ASSERT_EQ(header.size(), kJournalHeaderBytes);
  const Bytes expected_start = {0x89, 'K',  'S',  'J',  0x0D, 0x0A,
                                0x1A, 0x0A, 0x02, 0x00, 0x00, 0x00};
  EXPECT_EQ(ByteView(header).First(12), ByteView(expected_start));
  EXPECT_EQ(ByteView(header).U32Le(12).value(), Crc32c(expected_start));
}

TEST(JournalFormatTest, RecordBytesAreTheDocumentedOnes) {
  // docs/journal-format.md, "Records": an A record for "/x".
  const Bytes record = Encode(Abandoned("/x"));
  const Bytes payload = {'A', 2, 0, 0, 0, '/', 'x'};
  Bytes expected = {7, 0, 0, 0};
  PutU32(expected, Crc32c(Cat(ByteView(expected), payload)));
  expected.insert(expected.end(), payload.begin(), payload.end());
  EXPECT_EQ(record, expected);
  // A D record ends with its status byte (1 recovered, 2 unverified, 3
  // partial), then
  // the output's size (u64) and XXH3-128 (16 bytes).
  const Bytes done = Encode(Finished("/x", "/y"));
  ASSERT_GT(done.size(), 25u);
  EXPECT_EQ(done[done.size() - 25], 1);
  EXPECT_EQ(ToHex(ByteView(done).From(done.size() - 24).value()),
            "0300000000000000"
            "06b05ab6733a618578af5f94892f3950");
  const Bytes unverified =
      Encode(Finished("/x", "/y", RecoverStatus::kUnverified));
  EXPECT_EQ(unverified[unverified.size() - 25], 2);
  // Issue 17: 3 partial, and it reads back as such.
  const Bytes partial = Encode(Finished("/x", "/y", RecoverStatus::kPartial));
  EXPECT_EQ(partial[partial.size() - 25], 3);
  // A C record ends with the same digest after its final path.
  const Bytes commit = Encode(Committing("/x", "/t", "/y"));
  EXPECT_EQ(ByteView(commit).From(commit.size() - 24).value(),
            ByteView(done).From(done.size() - 24).value());
  // Version 1: no digest; a D record ends with its status byte.
  EXPECT_EQ(Encode(V1(Finished("/x", "/y")), 1).back(), 1);
  EXPECT_EQ(Encode(V1(Committing("/x", "/t", "/y")), 1).back(), 'y');
}

TEST(JournalFormatTest, TheDocumentsExamplesAreExact) {
  // docs/journal-format.md, sections 3 and 4, byte for byte: version 2,
  // then the same for version 1 (section 8).
  EXPECT_EQ(ToHex(EncodeJournalHeader()), "894b534a0d0a1a0a02000000bd56ca97");
  EXPECT_EQ(ToHex(Encode(Finished("/v/a.txt.fun", "/out/a.txt"))),
            "380000000d7af1f244"
            "0c0000002f762f612e7478742e66756e"
            "0a0000002f6f75742f612e747874"
            "01"
            "0300000000000000"
            "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(ToHex(EncodeJournalHeader(1)), "894b534a0d0a1a0a0100000084dfe8f5");
  EXPECT_EQ(ToHex(Encode(V1(Finished("/v/a.txt.fun", "/out/a.txt")), 1)),
            "200000005a81057144"
            "0c0000002f762f612e7478742e66756e"
            "0a0000002f6f75742f612e747874"
            "01");
}

TEST(JournalFormatTest, EveryRecordTypeRoundTripsWithAnyBytesInPaths) {
  const std::vector<JournalRecord> records = {
      Begin("/v/with space\nand newline.fun",
            "/out/.x.kintsugi-tmp-0000000000000000"),
      Committing("relative/\xff\xfe.fun",
                 "relative/.x.kintsugi-tmp-0000000000000001",
                 "relative/caf\xc3\xa9 (recovered).txt", OtherDigest(0)),
      Finished("/v/b.fun", "/out/b.txt.unverified", RecoverStatus::kUnverified,
               OtherDigest(0xFFFFFFFFFFFFFFFFull)),
      Finished("/v/c.fun", "/out/c.txt"),
      Finished("/v/e.fun", "/out/e.vmdk.partial", RecoverStatus::kPartial,
               OtherDigest(7)),
      Abandoned("/v/d.fun"),
  };
  const Bytes segment = Segment(records);
  const SegmentParse parse = ParseJournalSegment(segment);
  EXPECT_EQ(parse.end, SegmentEnd::kClean);
  EXPECT_EQ(parse.valid_bytes, segment.size());
  EXPECT_EQ(parse.version, kJournalVersion);
  EXPECT_EQ(Describe(parse.records), Describe(records));
}

TEST(JournalFormatTest, VersionOneSegmentsAreStillReadWithoutDigests) {
  // docs/journal-format.md, "Compatibility": a segment an earlier Kintsugi
  // wrote reads as it did, its C and D records without a digest.
  std::vector<JournalRecord> records;
  for (const JournalRecord& record : kThreeV1()) records.push_back(record);
  records.push_back(Abandoned("/v/d.fun"));
  const Bytes segment = Segment(records, nullptr, 1);
  const SegmentParse parse = ParseJournalSegment(segment);
  EXPECT_EQ(parse.end, SegmentEnd::kClean);
  EXPECT_EQ(parse.valid_bytes, segment.size());
  EXPECT_EQ(parse.version, 1);
  EXPECT_EQ(Describe(parse.records), Describe(records));
  for (const JournalRecord& record : parse.records) {
    EXPECT_FALSE(record.digest.has_value());
  }
  // Version-1 records under a version-2 header lack their digest, and
  // version-2 records under a version-1 header have bytes to spare.
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(ParseJournalSegment(
                  Cat(EncodeJournalHeader(2), Encode(kThreeV1()[i], 1)))
                  .end,
              SegmentEnd::kMalformedRecord)
        << i;
    EXPECT_EQ(
        ParseJournalSegment(Cat(EncodeJournalHeader(1), Encode(kThree[i]))).end,
        SegmentEnd::kMalformedRecord)
        << i;
  }
}

TEST(JournalFormatTest, EmptySegmentAndBareHeaderAreClean) {
  EXPECT_EQ(ParseJournalSegment(ByteView()).end, SegmentEnd::kClean);
  const SegmentParse parse = ParseJournalSegment(EncodeJournalHeader());
  EXPECT_EQ(parse.end, SegmentEnd::kClean);
  EXPECT_EQ(parse.valid_bytes, kJournalHeaderBytes);
  EXPECT_THAT(parse.records, IsEmpty());
}

TEST(JournalFormatTest, HeaderCutAtEveryByteIsATornHeader) {
  const Bytes header = EncodeJournalHeader();
  for (std::size_t cut = 1; cut < header.size(); ++cut) {
    const SegmentParse parse = ParseJournalSegment(ByteView(header).First(cut));
    EXPECT_EQ(parse.end, SegmentEnd::kTornHeader) << cut;
    EXPECT_EQ(parse.valid_bytes, 0u);
  }
}

TEST(JournalFormatTest, LastRecordCutAtEveryByteKeepsTheOthers) {
  std::vector<std::size_t> starts;
  const Bytes segment = Segment(kThree, &starts);
  for (std::size_t cut = starts[2]; cut < starts[3]; ++cut) {
    const SegmentParse parse =
        ParseJournalSegment(ByteView(segment).First(cut));
    if (cut == starts[2]) {
      EXPECT_EQ(parse.end, SegmentEnd::kClean);
    } else {
      EXPECT_EQ(parse.end, SegmentEnd::kTruncatedRecord) << cut;
    }
    EXPECT_EQ(parse.valid_bytes, starts[2]) << cut;
    EXPECT_EQ(Describe(parse.records), Describe({kThree[0], kThree[1]})) << cut;
  }
}

TEST(JournalFormatTest, AFlippedBitInAnyFieldOfAnyRecordEndsTheSegmentThere) {
  // Length, checksum, type, path lengths, path bytes and status: every bit
  // of every record. What follows the damaged record is dropped too.
  std::vector<std::size_t> starts;
  const Bytes segment = Segment(kThree, &starts);
  for (std::size_t r = 0; r < kThree.size(); ++r) {
    const std::vector<JournalRecord> before(
        kThree.begin(), kThree.begin() + static_cast<std::ptrdiff_t>(r));
    for (std::size_t byte = starts[r]; byte < starts[r + 1]; ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes damaged = segment;
        damaged[byte] ^= static_cast<std::uint8_t>(1u << bit);
        const SegmentParse parse = ParseJournalSegment(damaged);
        EXPECT_NE(parse.end, SegmentEnd::kClean) << byte << ":" << bit;
        EXPECT_EQ(parse.valid_bytes, starts[r]) << byte << ":" << bit;
        EXPECT_EQ(Describe(parse.records), Describe(before))
            << byte << ":" << bit;
      }
    }
  }
}

TEST(JournalFormatTest, AFlippedBitInTheHeaderRejectsTheSegment) {
  const Bytes segment = Segment(kThree);
  for (std::size_t byte = 0; byte < kJournalHeaderBytes; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes damaged = segment;
      damaged[byte] ^= static_cast<std::uint8_t>(1u << bit);
      const SegmentParse parse = ParseJournalSegment(damaged);
      EXPECT_EQ(parse.end, byte < 8 ? SegmentEnd::kBadMagic
                                    : SegmentEnd::kBadHeaderChecksum)
          << byte << ":" << bit;
      EXPECT_EQ(parse.valid_bytes, 0u);
      EXPECT_THAT(parse.records, IsEmpty());
    }
  }
}

TEST(JournalFormatTest, RecordLengthPastTheEndOrAbsurdStopsThere) {
  const Bytes good = Segment({kThree[0]});
  const Bytes payload = {'A', 2, 0, 0, 0, '/', 'x'};
  struct Case {
    std::uint32_t length;
    SegmentEnd end;
  };
  const Case cases[] = {
      {8, SegmentEnd::kTruncatedRecord},  // One byte past the end.
      {1000, SegmentEnd::kTruncatedRecord},
      {static_cast<std::uint32_t>(kMaxJournalRecordBytes),
       SegmentEnd::kTruncatedRecord},
      {static_cast<std::uint32_t>(kMaxJournalRecordBytes + 1),
       SegmentEnd::kBadLength},
      {static_cast<std::uint32_t>(limits::kMaxJournalBytes),
       SegmentEnd::kBadLength},
      {0xFFFFFFFFu, SegmentEnd::kBadLength},
      {0, SegmentEnd::kBadLength},
  };
  for (const Case& c : cases) {
    const Bytes segment = Cat(good, RawRecord(payload, c.length));
    const SegmentParse parse = ParseJournalSegment(segment);
    EXPECT_EQ(parse.end, c.end) << c.length;
    EXPECT_EQ(parse.valid_bytes, good.size()) << c.length;
    EXPECT_EQ(Describe(parse.records), Describe({kThree[0]})) << c.length;
  }
}

TEST(JournalFormatTest, ACorruptedRecordInTheMiddleHidesEveryLaterOne) {
  std::vector<std::size_t> starts;
  Bytes segment = Segment(kThree, &starts);
  segment[starts[1] + 4] ^= 0x40;  // The middle record's checksum.
  const SegmentParse parse = ParseJournalSegment(segment);
  EXPECT_EQ(parse.end, SegmentEnd::kBadChecksum);
  EXPECT_EQ(parse.valid_bytes, starts[1]);
  EXPECT_EQ(Describe(parse.records), Describe({kThree[0]}));
}

TEST(JournalFormatTest, ARightChecksumOnAPayloadThatDoesNotDecodeIsMalformed) {
  std::vector<Bytes> payloads = {
      {'X', 2, 0, 0, 0, '/', 'x'},     // Unknown type.
      {'A', 2, 0, 0, 0, '/', 'x', 0},  // Trailing byte.
      {'A', 0, 0, 0, 0},               // Empty path.
      {'A', 3, 0, 0, 0, '/', 0, 'x'},  // NUL in a path.
      {'A', 9, 0, 0, 0, '/', 'x'},     // Path past the payload.
      {'D', 2, 0, 0, 0, '/', 'x', 2, 0, 0, 0, '/', 'y', 3},  // Status 3.
      {'D', 2, 0, 0, 0, '/', 'x', 2, 0, 0, 0, '/', 'y'},     // No status.
      {'D', 2, 0, 0, 0, '/', 'x', 2, 0, 0, 0, '/', 'y', 1},  // No digest.
      {'B', 2, 0, 0, 0, '/', 'x'},  // B without its temp.
  };
  // A digest cut short, and one with a byte to spare, on C and D.
  for (const JournalRecord& record : {kThree[1], kThree[2]}) {
    Bytes payload = ByteView(Encode(record)).From(8).value().ToBytes();
    payload.pop_back();
    payloads.push_back(payload);
    payload.push_back(0);
    payload.push_back(0);
    payloads.push_back(payload);
  }
  for (const Bytes& payload : payloads) {
    const Bytes segment = Cat(EncodeJournalHeader(), RawRecord(payload));
    const SegmentParse parse = ParseJournalSegment(segment);
    EXPECT_EQ(parse.end, SegmentEnd::kMalformedRecord) << ToHex(payload);
    EXPECT_EQ(parse.valid_bytes, kJournalHeaderBytes);
  }
}

TEST(JournalFormatTest, TheWriterRefusesWhatTheReaderWouldReject) {
  EXPECT_THAT(EncodeJournalRecord(Abandoned("")).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeJournalRecord(Abandoned(std::string("/a\0b", 4))).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeJournalRecord(Begin("/a", "")).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      EncodeJournalRecord(Finished("/a", "/b", RecoverStatus::kError)).status(),
      StatusIs(StatusCode::kInvalidArgument));
  const std::string long_path(kMaxJournalRecordBytes, 'x');
  EXPECT_THAT(EncodeJournalRecord(Abandoned("/" + long_path)).status(),
              StatusIs(StatusCode::kResourceExhausted));
  // Version 2's C and D need the digest; version 1's have none; no other
  // version is written.
  EXPECT_THAT(EncodeJournalRecord(V1(Finished("/a", "/b"))).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeJournalRecord(V1(Committing("/a", "/t", "/b"))).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeJournalRecord(Finished("/a", "/b"), 1).status(),
              StatusIs(StatusCode::kInvalidArgument));
  JournalRecord begin = Begin("/a", "/t");
  begin.digest = DigestOfAbc();
  EXPECT_THAT(EncodeJournalRecord(begin).status(),
              StatusIs(StatusCode::kInvalidArgument));
  for (const std::uint16_t version : {std::uint16_t{0}, std::uint16_t{3}}) {
    EXPECT_THAT(EncodeJournalRecord(Abandoned("/a"), version).status(),
                StatusIs(StatusCode::kInvalidArgument));
  }
}

TEST(JournalFormatTest, OlderTextFormatAndNewerVersionsAreRecognised) {
  const std::string text = "D 2f762f612e66756e 2f6f75742f61 recovered\n";
  EXPECT_EQ(ParseJournalSegment(ByteView::FromString(text)).end,
            SegmentEnd::kLegacyText);
  Bytes newer = EncodeJournalHeader();
  newer[8] = 3;
  newer.resize(12);
  PutU32(newer, Crc32c(newer));
  const SegmentParse parse = ParseJournalSegment(newer);
  EXPECT_EQ(parse.end, SegmentEnd::kUnsupportedVersion);
  EXPECT_EQ(parse.version, 3);
  Bytes zero = EncodeJournalHeader();
  zero[8] = 0;
  zero.resize(12);
  PutU32(zero, Crc32c(zero));
  EXPECT_EQ(ParseJournalSegment(zero).end, SegmentEnd::kUnsupportedVersion);
  Bytes flagged = EncodeJournalHeader();
  flagged[10] = 1;
  flagged.resize(12);
  PutU32(flagged, Crc32c(flagged));
  EXPECT_EQ(ParseJournalSegment(flagged).end, SegmentEnd::kUnsupportedVersion);
  EXPECT_EQ(ParseJournalSegment(ByteView::FromString("hello")).end,
            SegmentEnd::kBadMagic);
}

// --- The journal on a file system ------------------------------------------

const Path kEncA = "/v/a.txt.fun";
const Path kEncB = "/v/b.txt.fun";
const Path kTempA = kOut / ".a.txt.kintsugi-tmp-0123456789abcdef";
const Path kTempB = kOut / ".b.txt.kintsugi-tmp-fedcba9876543210";

std::vector<std::string> SegmentsIn(io::MemoryFileSystem& fs) {
  std::vector<std::string> out;
  for (const std::string& path : fs.ListAllFiles()) {
    if (Path(path).parent_path() == kJournalDir) out.push_back(path);
  }
  return out;
}

std::unique_ptr<Journal> OpenOk(io::MemoryFileSystem& fs,
                                bool read_only = false) {
  auto journal = Journal::Open(fs, kJournalDir, read_only);
  EXPECT_THAT(journal.status(), IsOk());
  return journal ? std::move(*journal) : nullptr;
}

// A world with a prepared segment and the files its records may name.
void AddWorld(io::MemoryFileSystem& fs, ByteView segment) {
  ASSERT_THAT(fs.AddFile(kSegment, segment), IsOk());
  for (const Path& path : {kEncA, kEncB, kTempA, kTempB}) {
    ASSERT_THAT(fs.AddFile(path, ByteView::FromString(path.native())), IsOk());
  }
}

TEST(JournalTest, RecordsSurviveAReopenAndAreCompactedIntoOneSegment) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kOut), IsOk());
  {
    auto journal = OpenOk(fs);
    ASSERT_NE(journal, nullptr);
    ASSERT_THAT(journal->Begin(kEncA, kTempA), IsOk());
    ASSERT_THAT(
        journal->Committing(kEncA, kTempA, kOut / "a.txt", DigestOfAbc()),
        IsOk());
    ASSERT_THAT(journal->Finished(kEncA, kOut / "a.txt",
                                  RecoverStatus::kRecovered, DigestOfAbc()),
                IsOk());
    ASSERT_THAT(journal->Finished(kEncB, kOut / "b.txt.unverified",
                                  RecoverStatus::kUnverified, OtherDigest(9)),
                IsOk());
    ASSERT_THAT(journal->Begin("/v/c.fun", kOut / ".c.kintsugi-tmp-00"),
                IsOk());
    ASSERT_THAT(journal->Abandoned("/v/c.fun"), IsOk());
  }
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  auto a = journal->FindDone(kEncA);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->output, kOut / "a.txt");
  EXPECT_EQ(a->status, RecoverStatus::kRecovered);
  EXPECT_EQ(a->digest, DigestOfAbc());
  auto b = journal->FindDone(kEncB);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, RecoverStatus::kUnverified);
  EXPECT_EQ(b->digest, OtherDigest(9));
  EXPECT_FALSE(journal->FindDone("/v/c.fun").has_value());
  EXPECT_TRUE(journal->IsOutput(kOut / "b.txt.unverified"));
  EXPECT_EQ(journal->load_report().segments, 1u);
  EXPECT_EQ(journal->load_report().records, 6u);
  EXPECT_EQ(journal->load_report().damaged_segments, 0u);
  EXPECT_THAT(journal->load_report().first_damage, IsEmpty());
  // Compacted: one segment holding a D record per finished file.
  const auto segments = SegmentsIn(fs);
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Bytes bytes, fs.Contents(segments[0]));
  const SegmentParse parse = ParseJournalSegment(bytes);
  EXPECT_EQ(parse.end, SegmentEnd::kClean);
  EXPECT_EQ(Describe(parse.records),
            Describe({Finished(kEncA, kOut / "a.txt"),
                      Finished(kEncB, kOut / "b.txt.unverified",
                               RecoverStatus::kUnverified, OtherDigest(9))}));
}

TEST(JournalTest, AnInterruptedRunsTemporaryIsRemovedAndTheFileRedone) {
  io::MemoryFileSystem fs;
  AddWorld(fs, Segment({Begin(kEncA, kTempA)}));
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  EXPECT_FALSE(fs.Exists(kTempA));
  EXPECT_TRUE(fs.Exists(kTempB));
  EXPECT_TRUE(fs.Exists(kEncA));
  EXPECT_EQ(journal->stale_temporaries_removed(), 1u);
  EXPECT_FALSE(journal->FindDone(kEncA).has_value());
}

TEST(JournalTest, ACommitWhoseRenameHappenedCountsAsDone) {
  io::MemoryFileSystem fs;
  const Path final_path = kOut / "a (recovered).txt.unverified";
  ASSERT_THAT(fs.AddFile(final_path, ByteView::FromString("x")), IsOk());
  ASSERT_THAT(
      fs.AddFile(kSegment, Segment({Begin(kEncA, kTempA),
                                    Committing(kEncA, kTempA, final_path,
                                               OtherDigest(1))})),
      IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  auto done = journal->FindDone(kEncA);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->output, final_path);
  EXPECT_EQ(done->status, RecoverStatus::kUnverified);
  // The C record's digest is the output's: checked like a D record's.
  EXPECT_EQ(done->digest, OtherDigest(1));
  EXPECT_TRUE(journal->IsOutput(final_path));
  // Compacted into a D record with that digest.
  const auto segments = SegmentsIn(fs);
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Bytes bytes, fs.Contents(segments[0]));
  EXPECT_EQ(Describe(ParseJournalSegment(bytes).records),
            Describe({Finished(kEncA, final_path, RecoverStatus::kUnverified,
                               OtherDigest(1))}));
}

TEST(JournalTest, AVersionOneJournalOpensWithItsOutputsUnchecked) {
  // docs/journal-format.md, "Compatibility": its files are done without a
  // digest (so a run redoes them), their outputs stay ours for this run,
  // and compaction writes version 2 without them; a committed rename
  // settles the same way.
  io::MemoryFileSystem fs;
  const Path settled = kOut / "b.txt";
  ASSERT_THAT(fs.AddFile(settled, ByteView::FromString("b")), IsOk());
  ASSERT_THAT(
      fs.AddFile(kSegment,
                 Segment({V1(Finished(kEncA, kOut / "a.txt")),
                          Begin(kEncB, "/out/.b.txt.kintsugi-tmp-00"),
                          V1(Committing(kEncB, "/out/.b.txt.kintsugi-tmp-00",
                                        settled))},
                         nullptr, 1)),
      IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  for (const auto& [encrypted, output] :
       {std::pair{kEncA, kOut / "a.txt"}, std::pair{kEncB, settled}}) {
    auto done = journal->FindDone(encrypted);
    ASSERT_TRUE(done.has_value()) << encrypted;
    EXPECT_EQ(done->output, output);
    EXPECT_FALSE(done->digest.has_value()) << encrypted;
    EXPECT_TRUE(journal->IsOutput(output)) << output;
  }
  EXPECT_EQ(journal->load_report().records, 3u);
  EXPECT_EQ(journal->load_report().damaged_segments, 0u);
  const auto segments = SegmentsIn(fs);
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Bytes bytes, fs.Contents(segments[0]));
  const SegmentParse parse = ParseJournalSegment(bytes);
  EXPECT_EQ(parse.end, SegmentEnd::kClean);
  EXPECT_EQ(parse.version, kJournalVersion);
  EXPECT_THAT(parse.records, IsEmpty());
  // Redone and finished anew, it is recorded with its digest.
  ASSERT_THAT(journal->Finished(kEncA, kOut / "a.txt",
                                RecoverStatus::kRecovered, DigestOfAbc()),
              IsOk());
  journal.reset();
  journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  EXPECT_EQ(journal->FindDone(kEncA)->digest, DigestOfAbc());
  EXPECT_FALSE(journal->FindDone(kEncB).has_value());
}

TEST(JournalTest, ATornTailIsIgnoredCountedAndReported) {
  std::vector<std::size_t> starts;
  const Bytes whole =
      Segment({Finished(kEncA, kOut / "a.txt"), Begin(kEncB, kTempB)}, &starts);
  for (std::size_t cut = starts[1] + 1; cut < starts[2]; ++cut) {
    io::MemoryFileSystem fs;
    AddWorld(fs, ByteView(whole).First(cut));
    auto journal = OpenOk(fs);
    ASSERT_NE(journal, nullptr);
    EXPECT_TRUE(journal->FindDone(kEncA).has_value()) << cut;
    // The torn B named kTempB: not trusted, so kept.
    EXPECT_TRUE(fs.Exists(kTempB)) << cut;
    EXPECT_EQ(journal->stale_temporaries_removed(), 0u);
    const Journal::LoadReport& report = journal->load_report();
    EXPECT_EQ(report.records, 1u);
    EXPECT_EQ(report.damaged_segments, 1u);
    EXPECT_EQ(report.bytes_ignored, cut - starts[1]) << cut;
    EXPECT_THAT(report.first_damage, HasSubstr("truncated record at byte " +
                                               std::to_string(starts[1])));
  }
}

TEST(JournalTest, ACorruptedRecordNamingAFileNeverCausesItsRemoval) {
  // Regression guard for the promise in docs/journal-format.md, "Loading":
  // with every bit of the B record that names kTempB flipped in turn, kTempB
  // survives; the valid B before it still cleans up kTempA.
  std::vector<std::size_t> starts;
  const Bytes whole =
      Segment({Begin(kEncA, kTempA), Begin(kEncB, kTempB)}, &starts);
  for (std::size_t byte = starts[1]; byte < starts[2]; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes damaged = whole;
      damaged[byte] ^= static_cast<std::uint8_t>(1u << bit);
      io::MemoryFileSystem fs;
      AddWorld(fs, damaged);
      auto journal = OpenOk(fs);
      ASSERT_NE(journal, nullptr);
      EXPECT_TRUE(fs.Exists(kTempB)) << byte << ":" << bit;
      EXPECT_FALSE(fs.Exists(kTempA)) << byte << ":" << bit;
      EXPECT_TRUE(fs.Exists(kEncA) && fs.Exists(kEncB));
      EXPECT_EQ(journal->load_report().damaged_segments, 1u);
    }
  }
}

TEST(JournalTest, AValidRecordRemovesOnlyOurTemporaryWhereItSays) {
  // Each record is valid, but what it names is not a temporary this journal
  // may remove: not our name, a ".." detour, a symlink, a folder, the
  // encrypted file itself, or a temporary away from its final name.
  io::MemoryFileSystem fs;
  const Path plain = kOut / "a.txt";
  const Path wrong_suffix = kOut / ".a.txt.kintsugi-tmp-XYZ";
  const Path detour =
      kOut / "sub" / ".." / ".a.txt.kintsugi-tmp-0123456789abcdef";
  const Path link = kOut / ".l.kintsugi-tmp-1111111111111111";
  const Path folder = kOut / ".d.kintsugi-tmp-2222222222222222";
  const Path self = kOut / ".e.kintsugi-tmp-3333333333333333";
  ASSERT_THAT(fs.AddDirs(kOut / "sub"), IsOk());
  ASSERT_THAT(fs.AddDirs(folder), IsOk());
  ASSERT_THAT(fs.AddFile(plain, ByteView::FromString("output")), IsOk());
  ASSERT_THAT(fs.AddFile(wrong_suffix, ByteView::FromString("x")), IsOk());
  ASSERT_THAT(fs.AddFile(kTempA, ByteView::FromString("x")), IsOk());
  ASSERT_THAT(fs.AddFile(kTempB, ByteView::FromString("x")), IsOk());
  ASSERT_THAT(fs.AddFile(self, ByteView::FromString("x")), IsOk());
  ASSERT_THAT(fs.AddSymlink(link, plain), IsOk());
  ASSERT_THAT(
      fs.AddFile(kSegment,
                 Segment({Begin("/v/1", plain), Begin("/v/2", wrong_suffix),
                          Begin("/v/3", detour), Begin("/v/4", link),
                          Begin("/v/5", folder), Begin(self, self),
                          Committing("/v/7", kTempB, kOut / "sub" / "b.txt")})),
      IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  EXPECT_EQ(journal->stale_temporaries_removed(), 0u);
  for (const Path& path :
       {plain, wrong_suffix, kTempA, kTempB, link, folder, self}) {
    EXPECT_TRUE(fs.Exists(path)) << path;
  }
}

TEST(JournalTest, LaterSegmentsAreReadAfterADamagedOne) {
  // A crash while compacting leaves the old segment and the new one; a
  // damaged first segment does not hide the second.
  io::MemoryFileSystem fs;
  Bytes first = Segment({Finished(kEncA, kOut / "a.txt")});
  first.back() ^= 0x01;
  AddWorld(fs, first);
  ASSERT_THAT(
      fs.AddFile(kJournalDir / "segment-00000000000000000002-0000abcd.log",
                 Segment({Finished(kEncB, kOut / "b.txt")})),
      IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  EXPECT_FALSE(journal->FindDone(kEncA).has_value());
  EXPECT_TRUE(journal->FindDone(kEncB).has_value());
  EXPECT_EQ(journal->load_report().segments, 2u);
  EXPECT_EQ(journal->load_report().damaged_segments, 1u);
  EXPECT_THAT(journal->load_report().first_damage,
              HasSubstr("segment-00000000000000000001-0000abcd.log: "
                        "record checksum mismatch at byte 16"));
  EXPECT_EQ(SegmentsIn(fs).size(), 1u);
}

TEST(JournalTest, AnOlderTextJournalIsRefusedAndLeftUntouched) {
  // docs/journal-format.md, "Compatibility": the pre-version-1 text format
  // is not read; the user is told to remove the folder.
  const std::string text = "B " + ToHex(ByteView::FromString(kEncA.native())) +
                           " " + ToHex(ByteView::FromString(kTempA.native())) +
                           "\n";
  for (bool read_only : {false, true}) {
    io::MemoryFileSystem fs;
    AddWorld(fs, ByteView::FromString(text));
    const auto before = fs.ListAllFiles();
    auto journal = Journal::Open(fs, kJournalDir, read_only);
    ASSERT_THAT(journal.status(), StatusIs(StatusCode::kUnsupported));
    EXPECT_THAT(journal.status().message(), HasSubstr("older Kintsugi"));
    EXPECT_THAT(journal.status().message(), HasSubstr(kJournalDir.string()));
    EXPECT_EQ(fs.ListAllFiles(), before);
  }
}

TEST(JournalTest, ANewerVersionIsRefusedAndLeftUntouched) {
  io::MemoryFileSystem fs;
  Bytes newer = EncodeJournalHeader();
  newer[8] = 7;
  newer.resize(12);
  PutU32(newer, Crc32c(newer));
  AddWorld(fs, Cat(newer, Encode(Begin(kEncA, kTempA))));
  const auto before = fs.ListAllFiles();
  auto journal = Journal::Open(fs, kJournalDir, false);
  ASSERT_THAT(journal.status(), StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(journal.status().message(), HasSubstr("version 7"));
  EXPECT_EQ(fs.ListAllFiles(), before);
}

TEST(JournalTest, ADryRunReadsButChangesNothing) {
  io::MemoryFileSystem fs;
  Bytes segment = Segment({Begin(kEncA, kTempA), Finished(kEncB, "/out/b")});
  segment.push_back(0xAA);  // A torn tail.
  AddWorld(fs, segment);
  const auto before = fs.ListAllFiles();
  auto journal = OpenOk(fs, /*read_only=*/true);
  ASSERT_NE(journal, nullptr);
  EXPECT_TRUE(journal->FindDone(kEncB).has_value());
  EXPECT_EQ(journal->load_report().bytes_ignored, 1u);
  EXPECT_THAT(journal->Begin("/v/x", kTempA), IsOk());
  EXPECT_EQ(fs.ListAllFiles(), before);
  ASSERT_OK_AND_ASSIGN(Bytes after, fs.Contents(kSegment));
  EXPECT_EQ(after, segment);
}

TEST(JournalTest, AfterAFailedAppendLaterRecordsGoToANewSegment) {
  // A short write leaves a torn record in the segment; without a new
  // segment every later record would sit behind it, unread.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kOut), IsOk());
  {
    auto journal = OpenOk(fs);
    ASSERT_NE(journal, nullptr);
    fs.SetFaultPlan(io::FaultPlan::ShortWriteOnAppend(1));
    EXPECT_THAT(journal->Finished(kEncA, kOut / "a.txt",
                                  RecoverStatus::kRecovered, DigestOfAbc()),
                StatusIs(StatusCode::kIoError));
    fs.SetFaultPlan({});
    ASSERT_THAT(journal->Finished(kEncB, kOut / "b.txt",
                                  RecoverStatus::kRecovered, DigestOfAbc()),
                IsOk());
    EXPECT_EQ(SegmentsIn(fs).size(), 2u);
  }
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  EXPECT_FALSE(journal->FindDone(kEncA).has_value());
  EXPECT_TRUE(journal->FindDone(kEncB).has_value());
  EXPECT_EQ(journal->load_report().damaged_segments, 1u);
}

TEST(JournalTest, AFullDiskLeavesNoEmptySegmentPerRecord) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kOut), IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  fs.SetFaultPlan(io::FaultPlan::DiskFullAt(0));
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(journal->Abandoned(kEncA),
                StatusIs(StatusCode::kResourceExhausted));
  }
  EXPECT_EQ(SegmentsIn(fs).size(), 1u);
}

TEST(JournalTest, AFailedAppendIsRememberedAsTheJournalsIoError) {
  // Issue 16: a full disk under the journal stops the run with exit 6
  // (docs/cli.md), so the failure reads as the journal's I/O error,
  // whatever its own code, and names the folder and the reason.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kOut), IsOk());
  auto journal = OpenOk(fs);
  ASSERT_NE(journal, nullptr);
  ASSERT_THAT(journal->Begin(kEncA, kTempA), IsOk());
  EXPECT_THAT(journal->write_failure(), IsOk());
  EXPECT_FALSE(journal->write_failed());
  fs.SetFaultPlan(io::FaultPlan::DiskFullAt(0));
  EXPECT_THAT(journal->Abandoned(kEncA),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_TRUE(journal->write_failed());
  const Status failure = journal->write_failure();
  EXPECT_THAT(failure, StatusIs(StatusCode::kIoError));
  EXPECT_THAT(failure.message(), HasSubstr(kJournalDir.string()));
  EXPECT_THAT(failure.message(), HasSubstr("--journal"));
  // The first failure stays, through later ones and later successes.
  fs.SetFaultPlan(io::FaultPlan::FailOperation(io::Operation::kSync, 1,
                                               StatusCode::kPermissionDenied));
  EXPECT_THAT(journal->Abandoned(kEncB),
              StatusIs(StatusCode::kPermissionDenied));
  fs.SetFaultPlan({});
  EXPECT_THAT(journal->Abandoned(kEncB), IsOk());
  EXPECT_EQ(journal->write_failure(), failure);
}

TEST(JournalTest, ADryRunsJournalNeverFails) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kOut), IsOk());
  auto journal = OpenOk(fs, /*read_only=*/true);
  ASSERT_NE(journal, nullptr);
  fs.SetFaultPlan(io::FaultPlan::DiskFullAt(0));
  EXPECT_THAT(journal->Begin(kEncA, kTempA), IsOk());
  EXPECT_THAT(journal->write_failure(), IsOk());
}

TEST(JournalTest, ACrashAtEveryStepLeavesAJournalThatOpens) {
  // The journal's own writes: open, two records, reopen. After a crash at
  // any of them the journal opens, and only temporaries are ever removed.
  auto workflow = [](io::MemoryFileSystem& fs) {
    auto journal = Journal::Open(fs, kJournalDir, false);
    if (!journal) return;
    (*journal)->Begin(kEncA, kTempA).IgnoreError();
    (*journal)
        ->Finished(kEncB, kOut / "b.txt", RecoverStatus::kRecovered,
                   DigestOfAbc())
        .IgnoreError();
  };
  io::MemoryFileSystem probe;
  ASSERT_THAT(probe.AddDirs(kOut), IsOk());
  workflow(probe);
  const std::uint64_t steps = probe.mutation_count();
  ASSERT_GT(steps, 3u);
  for (std::uint64_t n = 0; n <= steps; ++n) {
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddFile(kEncA, ByteView::FromString("a")), IsOk());
    ASSERT_THAT(fs.AddFile(kOut / "keep.txt", ByteView::FromString("k")),
                IsOk());
    fs.SetFaultPlan(io::FaultPlan::CrashAfterMutations(n));
    workflow(fs);
    fs.SimulateCrashRecovery();
    auto journal = Journal::Open(fs, kJournalDir, false);
    ASSERT_THAT(journal.status(), IsOk()) << "crash after " << n;
    EXPECT_TRUE(fs.Exists(kEncA) && fs.Exists(kOut / "keep.txt")) << n;
    EXPECT_EQ(SegmentsIn(fs).size(), 1u) << n;
  }
}

}  // namespace
}  // namespace kintsugi::recover
