// The output stage on its own: names, the same-content check, unverifiable
// outputs and dry runs, through the in-memory file system.

#include "recover/output_stage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "core/testing/status_matchers.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/limits.h"
#include "recover/journal.h"
#include "recover/lost_bytes.h"

namespace kintsugi::recover {
namespace {

using ::testing::HasSubstr;

const Path kDir = "/v";

// A "decryption" that copies its input: the plaintext is the file itself.
class Identity final : public StreamDecryption {
 public:
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    std::copy(in.begin(), in.end(), out.begin());
    return in.size();
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  LostBytes Lost() const override { return lost; }
  LostBytes lost;  // What it says it could not recover (issue 17).
};

struct Stage {
  explicit Stage(OutputOptions options = {}) : options_(options) {
    EXPECT_THAT(fs.AddDirs(kDir), IsOk());
  }

  // Writes the plaintext `plain` (as the "encrypted" file `enc_name`) to
  // `name` in kDir.
  FileOutcome Write(const std::string& enc_name, const Bytes& plain,
                    const std::string& name, const LostBytes& lost = {}) {
    const Path encrypted = kDir / enc_name;
    EXPECT_THAT(fs.AddFile(encrypted, plain), IsOk());
    auto journal = Journal::Open(fs, kDir / std::string(kJournalDirName),
                                 options_.dry_run);
    EXPECT_TRUE(journal.has_value());
    OutputStage stage(fs, **journal, options_);
    auto source = fs.OpenForRead(encrypted);
    EXPECT_TRUE(source.has_value());
    Identity identity;
    identity.lost = lost;
    OutputRequest request{encrypted, source->get(), plain.size(),
                          &identity, kDir,          name};
    StreamBuffers buffers(64);  // Small: several chunks per file.
    FileOutcome outcome;
    outcome.path = encrypted;
    FileOutcome written = stage.Write(request, outcome, buffers);
    bytes_written = stage.bytes_written();
    return written;
  }

  io::MemoryFileSystem fs;
  std::uint64_t bytes_written = 0;

 private:
  OutputOptions options_;
};

TEST(CandidateNameTest, NumbersTheRecoveredNamesAndMarksUnverified) {
  EXPECT_EQ(CandidateName("a.txt", 0, OutputKind::kVerified), "a.txt");
  EXPECT_EQ(CandidateName("a.txt", 1, OutputKind::kVerified),
            "a (recovered).txt");
  EXPECT_EQ(CandidateName("a.txt", 2, OutputKind::kVerified),
            "a (recovered 2).txt");
  EXPECT_EQ(CandidateName("a.txt", 1, OutputKind::kUnverified),
            "a (recovered).txt.unverified");
  EXPECT_EQ(CandidateName("noext", 1, OutputKind::kVerified),
            "noext (recovered)");
}

TEST(CandidateNameTest, APartialOutputIsMarkedSo) {
  EXPECT_EQ(CandidateName("a.txt", 0, OutputKind::kPartial), "a.txt.partial");
  EXPECT_EQ(CandidateName("a.txt", 1, OutputKind::kPartial),
            "a (recovered).txt.partial");
}

TEST(CandidateNameTest, ALongNameIsShortenedKeepingItsExtension) {
  const std::string stem(251, 'n');
  const std::string name = stem + ".pdf";  // 255 bytes: fits as it is.
  bool shortened = true;
  EXPECT_EQ(CandidateName(name, 0, OutputKind::kVerified, &shortened), name);
  EXPECT_FALSE(shortened);
  const std::string second =
      CandidateName(name, 1, OutputKind::kVerified, &shortened);
  EXPECT_TRUE(shortened);
  EXPECT_EQ(second.size(), limits::kMaxFileNameBytes);
  EXPECT_TRUE(second.ends_with(" (recovered).pdf")) << second;
  const std::string unverified =
      CandidateName(name, 0, OutputKind::kUnverified, &shortened);
  EXPECT_TRUE(shortened);
  EXPECT_TRUE(unverified.ends_with("n.pdf.unverified")) << unverified;
  EXPECT_LE(unverified.size(), limits::kMaxFileNameBytes);
  // A multi-byte character is never cut in half.
  std::string accents;
  while (accents.size() < 300) accents += "\xc3\xa9";  // U+00E9
  const std::string cut =
      CandidateName(accents + ".txt", 0, OutputKind::kVerified);
  EXPECT_LE(cut.size(), limits::kMaxFileNameBytes);
  EXPECT_TRUE(cut.ends_with("\xc3\xa9.txt")) << cut;
}

TEST(OutputModeTest, TheOriginalsBitsNeverWidenTheEncryptedCopys) {
  // No original's bits: the encrypted copy's; none readable: owner only.
  EXPECT_EQ(OutputMode(0100640, std::nullopt), 0640u);
  EXPECT_EQ(OutputMode(std::nullopt, std::nullopt), kPrivateFileMode);
  // The original's bits (Linux.Encoder's header), read and write no wider
  // than the encrypted copy's, execute bits its own.
  EXPECT_EQ(OutputMode(0644, 0600), 0600u);
  EXPECT_EQ(OutputMode(0644, 0755), 0755u);
  EXPECT_EQ(OutputMode(0644, 0666), 0644u);
  EXPECT_EQ(OutputMode(0600, 0644), 0600u);
  // No set-user-ID, set-group-ID or sticky bit; the owner can read it.
  EXPECT_EQ(OutputMode(0644, 0104755), 0755u);
  EXPECT_EQ(OutputMode(0644, 07000), 0400u);
  EXPECT_EQ(OutputMode(0644, 0200), 0600u);
}

TEST(OutputStageTest, ALongNameWhoseFirstChoiceIsTakenIsShortenedAndSaysSo) {
  Stage s;
  const std::string name = std::string(251, 'n') + ".txt";
  const Bytes theirs = formats::samples::MakeText(100);
  ASSERT_THAT(s.fs.AddFile(kDir / name, theirs), IsOk());
  const Bytes mine = formats::samples::MakeText(200);
  const FileOutcome out = s.Write("x.fun", mine, name);
  EXPECT_EQ(out.status, RecoverStatus::kRecovered) << RenderEnglish(out.detail);
  EXPECT_EQ(out.output.filename().native().size(), limits::kMaxFileNameBytes);
  EXPECT_TRUE(out.output.filename().native().ends_with(" (recovered).txt"));
  EXPECT_THAT(s.fs.Contents(out.output), IsOkAndHolds(mine));
  EXPECT_THAT(s.fs.Contents(kDir / name), IsOkAndHolds(theirs));
  EXPECT_THAT(RenderEnglish(out.detail), HasSubstr("shortened"));
  EXPECT_TRUE(HasDeclaredArgs(out.detail));
}

TEST(OutputStageTest, AVerifiedOutputTakesItsName) {
  Stage s;
  const Bytes pdf = formats::samples::MakePdf(300);
  const FileOutcome out = s.Write("a.pdf.x", pdf, "a.pdf");
  EXPECT_EQ(out.status, RecoverStatus::kRecovered);
  EXPECT_EQ(out.output, kDir / "a.pdf");
  EXPECT_EQ(out.verified_as, "pdf");
  EXPECT_EQ(RenderEnglish(out.detail), "verified");
  EXPECT_THAT(s.fs.Contents(kDir / "a.pdf"), IsOkAndHolds(pdf));
  EXPECT_EQ(s.bytes_written, pdf.size());
}

// Issue 16, "Verification says how strong it is": a flipped ciphertext byte
// in a PDF or JPEG gave an output that passed the structure checks with 17
// wrong bytes, reported as plainly "verified". Each output now says what
// its verification rests on.
TEST(OutputStageTest, EachOutputSaysHowStronglyItWasVerified) {
  Stage s;
  const FileOutcome png =
      s.Write("a.png.x", formats::samples::MakePng(20, 20), "a.png");
  EXPECT_EQ(png.status, RecoverStatus::kRecovered);
  EXPECT_EQ(png.verified_by, VerifiedBy::kChecksum);
  const FileOutcome docx =
      s.Write("b.docx.x", formats::samples::MakeDocx(2000), "b.docx");
  EXPECT_EQ(docx.status, RecoverStatus::kRecovered);
  EXPECT_EQ(docx.verified_by, VerifiedBy::kChecksum);
  const FileOutcome pdf =
      s.Write("c.pdf.x", formats::samples::MakePdf(300), "c.pdf");
  EXPECT_EQ(pdf.status, RecoverStatus::kRecovered);
  EXPECT_EQ(pdf.verified_by, VerifiedBy::kStructure);
  const FileOutcome jpeg =
      s.Write("d.jpg.x", formats::samples::MakeJpeg(300), "d.jpg");
  EXPECT_EQ(jpeg.verified_by, VerifiedBy::kStructure);
  const FileOutcome empty = s.Write("e.png.x", Bytes{}, "e.png");
  EXPECT_EQ(empty.status, RecoverStatus::kRecovered);
  EXPECT_EQ(empty.verified_by, VerifiedBy::kNone);
  EXPECT_EQ(VerifiedByName(VerifiedBy::kChecksum), "checksum");
  EXPECT_EQ(VerifiedByName(VerifiedBy::kStructure), "structure");
  EXPECT_EQ(VerifiedByName(VerifiedBy::kNone), "none");
}

TEST(OutputStageTest, AWrongByteUnderAChecksumMakesTheOutputUnverified) {
  // 17 bytes garbled as CBC garbles them, inside the pixel data of a PNG
  // and inside a deflated entry of a DOCX: the structure is intact, the
  // checksums are not.
  auto garble = [](Bytes bytes, std::size_t at) {
    for (std::size_t i = at; i < at + 17; ++i) bytes[i] ^= 0x5A;
    return bytes;
  };
  Stage s;
  const Bytes png = formats::samples::MakePng(40, 40);
  const FileOutcome bad_png = s.Write("a.png.x", garble(png, 400), "a.png");
  EXPECT_EQ(bad_png.status, RecoverStatus::kUnverified);
  EXPECT_EQ(bad_png.output, kDir / "a.png.unverified");
  EXPECT_EQ(bad_png.verified_by, VerifiedBy::kNone);
  EXPECT_THAT(RenderEnglish(bad_png.detail), HasSubstr("CRC"));
  // The start of the first entry's deflate data ([Content_Types].xml, at
  // 30 + its 19-byte name).
  const Bytes docx = formats::samples::MakeDocx(2000);
  const FileOutcome bad_docx =
      s.Write("b.docx.x", garble(docx, 30 + 19 + 4), "b.docx");
  EXPECT_EQ(bad_docx.status, RecoverStatus::kUnverified);
  EXPECT_EQ(bad_docx.verified_by, VerifiedBy::kNone);
  // A PDF garbled the same way still passes: structure is all it has.
  const Bytes pdf = formats::samples::MakePdf(3000);
  const FileOutcome bad_pdf = s.Write("c.pdf.x", garble(pdf, 1500), "c.pdf");
  EXPECT_EQ(bad_pdf.status, RecoverStatus::kRecovered);
  EXPECT_EQ(bad_pdf.verified_by, VerifiedBy::kStructure);
}

TEST(OutputStageTest, TakenNamesGetRecoveredNamesAndNothingIsReplaced) {
  Stage s;
  const Bytes mine = formats::samples::MakeText(200);
  const Bytes theirs = formats::samples::MakeText(100);
  ASSERT_THAT(s.fs.AddFile(kDir / "a.txt", theirs), IsOk());
  ASSERT_THAT(s.fs.AddFile(kDir / "a (recovered).txt", theirs), IsOk());
  const FileOutcome out = s.Write("a.txt.x", mine, "a.txt");
  EXPECT_EQ(out.status, RecoverStatus::kRecovered);
  EXPECT_EQ(out.output, kDir / "a (recovered 2).txt");
  EXPECT_THAT(s.fs.Contents(kDir / "a.txt"), IsOkAndHolds(theirs));
  EXPECT_THAT(s.fs.Contents(kDir / "a (recovered 2).txt"), IsOkAndHolds(mine));
}

TEST(OutputStageTest, TheSameContentUnderTheNameIsKeptNotDuplicated) {
  Stage s;
  const Bytes plain = formats::samples::MakeText(300);
  ASSERT_THAT(s.fs.AddFile(kDir / "a.txt", plain), IsOk());
  const FileOutcome out = s.Write("a.txt.x", plain, "a.txt");
  EXPECT_EQ(out.status, RecoverStatus::kRecovered);
  EXPECT_EQ(out.output, kDir / "a.txt");
  EXPECT_EQ(RenderEnglish(out.detail), "already recovered (same content)");
  EXPECT_FALSE(s.fs.Exists(kDir / "a (recovered).txt"));
  for (const std::string& path : s.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
  }
}

TEST(OutputStageTest, AnUnverifiableOutputIsKeptOnlyAsUnverified) {
  const Bytes junk = formats::samples::PseudoRandomBytes(500, 3);
  {
    Stage s;
    const FileOutcome out = s.Write("b.docx.x", junk, "b.docx");
    EXPECT_EQ(out.status, RecoverStatus::kUnverified);
    EXPECT_EQ(out.output, kDir / "b.docx.unverified");
    EXPECT_EQ(out.verified_by, VerifiedBy::kNone);
    EXPECT_FALSE(s.fs.Exists(kDir / "b.docx"));
    EXPECT_THAT(s.fs.Contents(kDir / "b.docx.unverified"), IsOkAndHolds(junk));
  }
  {
    OutputOptions options;
    options.verified_only = true;
    Stage s(options);
    const FileOutcome out = s.Write("b.docx.x", junk, "b.docx");
    EXPECT_EQ(out.status, RecoverStatus::kUnverified);
    EXPECT_TRUE(out.output.empty());
    EXPECT_THAT(RenderEnglish(out.detail), HasSubstr("--verified-only"));
    EXPECT_FALSE(s.fs.Exists(kDir / "b.docx"));
    EXPECT_FALSE(s.fs.Exists(kDir / "b.docx.unverified"));
    for (const std::string& path : s.fs.ListAllFiles()) {
      EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
    }
  }
}

// Issue 17: where the scheme or the evidence leaves bytes unrecoverable,
// what could be decrypted is kept as NAME.partial, never under the final
// name, whatever the verifier says, with the bytes recovered and lost.
LostBytes Lose(std::initializer_list<ByteRange> ranges) {
  LostBytesRecorder recorder;
  for (const ByteRange& r : ranges) recorder.Add(r.offset, r.length);
  return recorder.lost();
}

TEST(OutputStageTest, APartialOutputIsKeptOnlyAsPartialWithItsLostBytes) {
  Stage s;
  // A plaintext the verifier would pass: partial all the same.
  const Bytes pdf = formats::samples::MakePdf(300);
  const FileOutcome out =
      s.Write("a.pdf.x", pdf, "a.pdf", Lose({{0, 10}, {100, 50}}));
  EXPECT_EQ(out.status, RecoverStatus::kPartial);
  EXPECT_EQ(out.output, kDir / "a.pdf.partial");
  EXPECT_EQ(out.verified_by, VerifiedBy::kNone);
  EXPECT_TRUE(out.verified_as.empty());
  EXPECT_EQ(out.output_size, pdf.size());
  EXPECT_EQ(out.lost.total, 60u);
  EXPECT_EQ(out.lost.range_count, 2u);
  EXPECT_EQ(out.lost.ranges, (std::vector<ByteRange>{{0, 10}, {100, 50}}));
  EXPECT_THAT(RenderEnglish(out.detail),
              HasSubstr("partly recovered: " + std::to_string(pdf.size() - 60) +
                        " of " + std::to_string(pdf.size()) +
                        " bytes; 60 bytes could not be recovered (at 0-9, "
                        "100-149)"));
  EXPECT_FALSE(s.fs.Exists(kDir / "a.pdf"));
  EXPECT_THAT(s.fs.Contents(kDir / "a.pdf.partial"), IsOkAndHolds(pdf));

  // A second partial output of the same name never replaces the first.
  const FileOutcome again = s.Write("b.pdf.x", formats::samples::MakePdf(200),
                                    "a.pdf", Lose({{5, 1}}));
  EXPECT_EQ(again.status, RecoverStatus::kPartial);
  EXPECT_EQ(again.output, kDir / "a (recovered).pdf.partial");
  EXPECT_THAT(s.fs.Contents(kDir / "a.pdf.partial"), IsOkAndHolds(pdf));
}

TEST(OutputStageTest, ATruncatedOutputCountsTheTailItLacks) {
  // Issue 17: a truncated file whose original's size is known (TeslaCrypt)
  // gives the bytes it holds; the tail past them is lost, and the
  // accounting is the original's.
  Stage s;
  const Bytes text = formats::samples::MakeText(1000);
  LostBytesRecorder recorder;
  recorder.Add(100, 10);
  recorder.AddMissing(1000, 500);
  const FileOutcome out = s.Write("t.txt.x", text, "t.txt", recorder.lost());
  EXPECT_EQ(out.status, RecoverStatus::kPartial);
  EXPECT_EQ(out.output, kDir / "t.txt.partial");
  EXPECT_EQ(out.output_size, 1000u);
  EXPECT_EQ(out.lost.total, 510u);
  EXPECT_EQ(out.lost.missing, 500u);
  EXPECT_EQ(RenderEnglish(out.detail),
            "partly recovered: 990 of 1500 bytes; 510 bytes could not be "
            "recovered (at 100-109, 1000-1499); kept as .partial, never "
            "under the original name");
  EXPECT_THAT(s.fs.Contents(kDir / "t.txt.partial"), IsOkAndHolds(text));

  // Nothing held at all: nothing recovered, nothing written.
  LostBytesRecorder none;
  none.AddMissing(0, 700);
  const FileOutcome empty = s.Write("e.txt.x", Bytes{}, "e.txt", none.lost());
  EXPECT_EQ(empty.status, RecoverStatus::kError);
  EXPECT_FALSE(s.fs.Exists(kDir / "e.txt.partial"));
}

TEST(OutputStageTest, ManyLostRangesAreCountedAndTheFirstOnesNamed) {
  Stage s;
  const Bytes text = formats::samples::MakeText(4000);
  LostBytesRecorder recorder;
  for (std::uint64_t i = 0; i < 20; ++i) recorder.Add(i * 100, 2);
  const FileOutcome out = s.Write("t.txt.x", text, "t.txt", recorder.lost());
  EXPECT_EQ(out.status, RecoverStatus::kPartial);
  EXPECT_EQ(out.lost.total, 40u);
  EXPECT_THAT(RenderEnglish(out.detail),
              HasSubstr("(at 0-1, 100-101, 200-201, 300-301, 400-401, 500-501, "
                        "600-601, 700-701 and 12 more places)"));
}

TEST(OutputStageTest, VerifiedOnlyKeepsNoPartialOutput) {
  OutputOptions options;
  options.verified_only = true;
  Stage s(options);
  const Bytes pdf = formats::samples::MakePdf(300);
  const FileOutcome out = s.Write("a.pdf.x", pdf, "a.pdf", Lose({{0, 64}}));
  EXPECT_EQ(out.status, RecoverStatus::kPartial);
  EXPECT_TRUE(out.output.empty());
  EXPECT_EQ(out.lost.total, 64u);
  EXPECT_THAT(RenderEnglish(out.detail), HasSubstr("--verified-only"));
  EXPECT_FALSE(s.fs.Exists(kDir / "a.pdf"));
  EXPECT_FALSE(s.fs.Exists(kDir / "a.pdf.partial"));
  for (const std::string& path : s.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
  }
}

TEST(OutputStageTest, AnOutputOfWhichNothingWasRecoveredIsNotWritten) {
  Stage s;
  const Bytes junk = formats::samples::PseudoRandomBytes(500, 4);
  const FileOutcome out = s.Write("j.bin.x", junk, "j.bin", Lose({{0, 500}}));
  EXPECT_EQ(out.status, RecoverStatus::kError);
  EXPECT_TRUE(out.output.empty());
  EXPECT_EQ(RenderEnglish(out.detail),
            "no byte of this file could be recovered; nothing was written");
  EXPECT_FALSE(s.fs.Exists(kDir / "j.bin.partial"));
  for (const std::string& path : s.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
  }
}

TEST(OutputStageTest, ADryRunSaysItWouldWriteAPartialOutput) {
  OutputOptions options;
  options.dry_run = true;
  Stage s(options);
  const Bytes pdf = formats::samples::MakePdf(300);
  const FileOutcome out = s.Write("a.pdf.x", pdf, "a.pdf", Lose({{10, 5}}));
  EXPECT_EQ(out.status, RecoverStatus::kPartial);
  EXPECT_EQ(out.output, kDir / "a.pdf.partial");
  EXPECT_EQ(RenderEnglish(out.detail),
            "dry run: would write /v/a.pdf.partial (partial: " +
                std::to_string(pdf.size() - 5) + " of " +
                std::to_string(pdf.size()) + " bytes recovered)");
  EXPECT_FALSE(s.fs.Exists(kDir / "a.pdf.partial"));
}

TEST(LostBytesRecorderTest, MergesTouchingRangesAndCountsPastTheList) {
  LostBytesRecorder recorder;
  recorder.Add(0, 10);
  recorder.Add(10, 5);  // Touches: merged.
  recorder.Add(12, 6);  // Overlaps: only 15..17 is new.
  recorder.Add(30, 0);  // Empty: ignored.
  recorder.Add(40, 2);
  EXPECT_EQ(recorder.lost().total, 20u);
  EXPECT_EQ(recorder.lost().range_count, 2u);
  EXPECT_EQ(recorder.lost().ranges, (std::vector<ByteRange>{{0, 18}, {40, 2}}));
  EXPECT_EQ(DescribeLostRanges(recorder.lost()), "0-17, 40-41");

  // The tail a truncated file lacks counts as missing too.
  recorder.AddMissing(50, 10);
  EXPECT_EQ(recorder.lost().total, 30u);
  EXPECT_EQ(recorder.lost().missing, 10u);
  recorder.AddMissing(55, 10);  // Overlaps: only 60..64 is new.
  EXPECT_EQ(recorder.lost().missing, 15u);

  LostBytesRecorder many;
  for (std::uint64_t i = 0; i < limits::kMaxLostRanges + 5; ++i) {
    many.Add(i * 10, 3);
  }
  many.Add((limits::kMaxLostRanges + 4) * 10 + 3, 1);  // Touches the last.
  EXPECT_EQ(many.lost().ranges.size(), limits::kMaxLostRanges);
  EXPECT_EQ(many.lost().range_count, limits::kMaxLostRanges + 5);
  EXPECT_EQ(many.lost().total, (limits::kMaxLostRanges + 5) * 3 + 1);
  EXPECT_EQ(many.lost().ranges.back(),
            (ByteRange{(limits::kMaxLostRanges - 1) * 10, 3}));
}

TEST(OutputStageTest, AnEmptyPlaintextIsVerifiedTrivially) {
  // No file type has anything to check in zero bytes, and a docx of zero
  // bytes is what the victim had if the scheme kept the size.
  Stage s;
  const FileOutcome out = s.Write("e.docx.x", Bytes{}, "e.docx");
  EXPECT_EQ(out.status, RecoverStatus::kRecovered);
  EXPECT_EQ(out.output, kDir / "e.docx");
  EXPECT_EQ(RenderEnglish(out.detail), "verified (an empty file)");
  EXPECT_THAT(s.fs.Contents(kDir / "e.docx"), IsOkAndHolds(Bytes{}));
}

TEST(OutputStageTest, ADryRunWritesNothingAndSaysWhatItWould) {
  OutputOptions options;
  options.dry_run = true;
  Stage s(options);
  const Bytes plain = formats::samples::MakeText(300);
  ASSERT_THAT(s.fs.AddFile(kDir / "a.txt", formats::samples::MakeText(10)),
              IsOk());
  const FileOutcome out = s.Write("a.txt.x", plain, "a.txt");
  EXPECT_EQ(out.status, RecoverStatus::kRecovered);
  EXPECT_EQ(out.output, kDir / "a (recovered).txt");
  EXPECT_THAT(RenderEnglish(out.detail), HasSubstr("dry run: would write"));
  EXPECT_EQ(out.verified_by, VerifiedBy::kStructure);  // Text: no checksum.
  EXPECT_EQ(s.fs.ListAllFiles().size(), 2u);
  EXPECT_EQ(s.bytes_written, 0u);

  // The same content already there: the real run would keep it.
  const FileOutcome same = s.Write("b.txt.x", plain, "a (recovered).txt");
  EXPECT_THAT(RenderEnglish(same.detail), HasSubstr("would write"));
  ASSERT_THAT(s.fs.AddFile(kDir / "c.txt", plain), IsOk());
  const FileOutcome kept = s.Write("c.txt.x", plain, "c.txt");
  EXPECT_EQ(kept.output, kDir / "c.txt");
  EXPECT_EQ(RenderEnglish(kept.detail),
            "dry run: already recovered (same content)");
}

TEST(OutputStageTest, ARefusedFolderIsAnErrorAndLeavesNoTemporary) {
  Stage s;
  io::FaultPlan plan;
  plan.deny_writes_under = {kDir / "out"};
  s.fs.SetFaultPlan(plan);
  const Bytes plain = formats::samples::MakeText(100);
  const Path encrypted = kDir / "a.txt.x";
  ASSERT_THAT(s.fs.AddFile(encrypted, plain), IsOk());
  auto journal = Journal::Open(s.fs, kDir / std::string(kJournalDirName),
                               /*read_only=*/false);
  ASSERT_TRUE(journal.has_value());
  OutputStage stage(s.fs, **journal, {});
  ASSERT_OK_AND_ASSIGN(auto source, s.fs.OpenForRead(encrypted));
  Identity identity;
  StreamBuffers buffers(64);
  FileOutcome outcome =
      stage.Write(OutputRequest{encrypted, source.get(), plain.size(),
                                &identity, kDir / "out", "a.txt"},
                  FileOutcome{}, buffers);
  EXPECT_EQ(outcome.status, RecoverStatus::kError);
  EXPECT_TRUE(outcome.output.empty());
  EXPECT_FALSE(s.fs.Exists(kDir / "out" / "a.txt"));
}

TEST(OutputStageTest, AStoppedRunCutsTheFileShortAndLeavesNoTemporary) {
  // The run's stop token (Ctrl-C, a deadline) fired while the file was in
  // flight: no output, and the temporary is cleaned up.
  StopSource stop;
  stop.RequestCancel();
  OutputOptions options;
  options.stop = stop.token();
  Stage s(options);
  const FileOutcome out =
      s.Write("a.txt.x", formats::samples::MakeText(300), "a.txt");
  EXPECT_EQ(out.status, RecoverStatus::kError);
  EXPECT_TRUE(out.output.empty());
  EXPECT_FALSE(s.fs.Exists(kDir / "a.txt"));
  for (const std::string& path : s.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
  }
}

}  // namespace
}  // namespace kintsugi::recover
