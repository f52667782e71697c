#include "families/jigsaw/jigsaw.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/testing/status_matchers.h"
#include "crypto/aes_cbc.h"
#include "families/testing/report_lookup.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "recover/decryptor.h"
#include "recover/testing/fakes.h"

namespace kintsugi::families {
namespace {

using families_testing::Find;

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;

const Path kDir = "/victim";

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  return options;
}

// §3.1 test vector through the decryptor itself (known-answer test).
TEST(JigsawTest, KnownAnswerVectorDecryptsThroughTheDecryptor) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "vector.txt.fun",
                 *FromHex("42f37cb4b9c8a5f51388fb2cf865fa40518d4607f685819b3f"
                          "a01476d598b37e")),
      IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  const FileOutcome* f = Find(report, kDir / "vector.txt.fun");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->decryptor, "jigsaw");
  EXPECT_EQ(f->key_source, "hard-coded key 1");
  EXPECT_EQ(f->verified_as, "text");
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "vector.txt"));
  EXPECT_EQ(std::string(out.begin(), out.end()), "0123456789abcdef");
}

struct Case {
  FileKind kind;
  const char* ext;
  std::size_t size;
};

TEST(JigsawTest, RecoversManyTypesAndSizesWithBothKeys) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Case cases[] = {
      {FileKind::kPdf, ".pdf", 0},       {FileKind::kOoxml, ".docx", 5000},
      {FileKind::kOdf, ".odt", 0},       {FileKind::kOle2, ".doc", 0},
      {FileKind::kPng, ".png", 0},       {FileKind::kJpeg, ".jpg", 3000},
      {FileKind::kGif, ".gif", 0},       {FileKind::kBmp, ".bmp", 0},
      {FileKind::kSevenZip, ".7z", 100}, {FileKind::kRar, ".rar", 100},
      {FileKind::kGzip, ".gz", 1000},    {FileKind::kSqlite, ".sqlite", 0},
      {FileKind::kMp3, ".mp3", 0},       {FileKind::kText, ".txt", 1},
      {FileKind::kText, ".txt", 16},     {FileKind::kText, ".txt", 15},
      {FileKind::kText, ".txt", 17},     {FileKind::kZip, ".zip", 0},
  };
  std::vector<std::pair<std::string, Bytes>> originals;
  int n = 0;
  for (const Case& c : cases) {
    const Bytes plain = c.kind == FileKind::kText
                            ? formats::samples::MakeText(c.size)
                            : MakeSample(c.kind, c.size);
    const std::string name = "file" + std::to_string(n) + c.ext;
    const int key = n % 2 + 1;
    const std::string ext = n % 3 == 0 ? ".fun" : (n % 3 == 1 ? ".kkk" : ".J");
    ASSERT_THAT(
        families_testing::WriteSpecimen(
            fs, kDir, name + ext, families_testing::JigsawEncrypt(plain, key),
            "jigsaw key " + std::to_string(key)),
        IsOk());
    originals.emplace_back(name, plain);
    ++n;
  }
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  EXPECT_TRUE(report.AllWell());
  for (const auto& [name, plain] : originals) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_THAT(out, ElementsAreArray(plain));
  }
  EXPECT_EQ(report.counts[static_cast<int>(RecoverStatus::kRecovered)],
            originals.size());
}

TEST(JigsawTest, TensOfMegabytesStreamInBoundedChunks) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = formats::samples::MakeText(12 * 1024 * 1024 + 5);
  ASSERT_THAT(fs.AddFile(kDir / "big.txt.fun",
                         families_testing::JigsawEncrypt(plain, 1)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "big.txt"));
  EXPECT_TRUE(out == plain);
}

TEST(JigsawTest, EncryptedFileListGivesTheOriginalNameOfAnyExtension) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = MakeSample(FileKind::kPdf);
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.weird",
                         families_testing::JigsawEncrypt(plain, 1)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "EncryptedFileList.txt",
                         ByteView::FromString(
                             "C:\\Users\\a\\Documents\\report.pdf\r\n")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  const FileOutcome* f = Find(report, kDir / "report.pdf.weird");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->output, kDir / "report.pdf");
}

TEST(JigsawTest, UsersOwnExtensionWithFamily) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = MakeSample(FileKind::kPng);
  ASSERT_THAT(fs.AddFile(kDir / "cat.png.lol",
                         families_testing::JigsawEncrypt(plain, 2)),
              IsOk());
  RecoverOptions options = Options();
  ASSERT_OK_AND_ASSIGN(RecoverReport without, Recover(fs, options));
  EXPECT_EQ(without.files[0].status, RecoverStatus::kUnsupported);
  options.family = "jigsaw";
  ASSERT_OK_AND_ASSIGN(RecoverReport with, Recover(fs, options));
  EXPECT_EQ(with.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(with.files[0].detail);
  EXPECT_EQ(with.files[0].verified_as, "png");
}

TEST(JigsawTest, UserKeyAndIvForAnUnknownVariant) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes key = *FromHex("000102030405060708090a0b0c0d0e0f");
  const Bytes iv(16, 0x42);
  const Bytes plain = MakeSample(FileKind::kPdf);
  ASSERT_OK_AND_ASSIGN(Bytes ct, crypto::AesCbcEncrypt(key, iv, plain));
  ASSERT_THAT(fs.AddFile(kDir / "a.pdf.fun", ct), IsOk());
  RecoverOptions options = Options();
  ASSERT_OK_AND_ASSIGN(RecoverReport plain_run, Recover(fs, options));
  EXPECT_EQ(plain_run.files[0].status, RecoverStatus::kKeyNotFound);
  options.family = "jigsaw";
  options.key = SecretBytes(key);
  options.iv = SecretBytes(iv);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  EXPECT_EQ(report.files[0].key_source, "--key");
}

TEST(JigsawTest, TheKeyThatWonTheLastFileIsTriedFirst) {
  // --key is hard-coded key 1 under another IV: on multi-block files it
  // passes the padding check wherever key 1 does. On the PDF only key 1
  // also gives a PDF header, and wins; on a file of no known kind the first
  // candidate passing the padding check wins, which is key 1 again only
  // because the run remembered it (in list order, --key comes first).
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "a.pdf.fun", families_testing::JigsawEncrypt(
                                         MakeSample(FileKind::kPdf), 1)),
      IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "b.xyz.fun", families_testing::JigsawEncrypt(
                                         formats::samples::MakeText(100), 1)),
      IsOk());
  RecoverOptions options = Options();
  options.threads = 1;  // a.pdf first, then b.xyz.
  options.family = "jigsaw";
  options.key = *SecretBytes::FromHex(kJigsawKey1Hex);
  options.iv = SecretBytes(Bytes(16, 0x42));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 2u);
  EXPECT_EQ(report.files[0].key_source, "hard-coded key 1");
  EXPECT_EQ(report.files[1].key_source, "hard-coded key 1");
}

// A truncated file whose start a known key decrypts to the header its name
// promises: the key fits, and what the file holds is kept as unverified
// (issue 16); one whose start tells nothing is a clear error, and the run
// goes on.
TEST(JigsawTest, TruncatedFileIsKeptUnverifiedOrAClearErrorAndTheRunGoesOn) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf);
  Bytes ct = families_testing::JigsawEncrypt(pdf, 1);
  ct.resize(ct.size() - 5);
  ASSERT_THAT(fs.AddFile(kDir / "cut.pdf.fun", ct), IsOk());
  Bytes junk = families_testing::JigsawEncrypt(
      formats::samples::PseudoRandomBytes(100, 3), 1);
  junk.resize(junk.size() - 5);
  ASSERT_THAT(fs.AddFile(kDir / "cut.xyz.fun", junk), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "ok.txt.fun", families_testing::JigsawEncrypt(
                                          formats::samples::MakeText(100), 1)),
      IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  const FileOutcome* cut = Find(report, kDir / "cut.pdf.fun");
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->status, RecoverStatus::kUnverified);
  EXPECT_EQ(cut->key_source, "hard-coded key 1");
  EXPECT_THAT(RenderEnglish(cut->detail),
              ::testing::HasSubstr("the key (hard-coded key 1) fits, but the "
                                   "file is truncated"));
  ASSERT_OK_AND_ASSIGN(Bytes kept, fs.Contents(kDir / "cut.pdf.unverified"));
  const std::size_t whole = ct.size() / 16 * 16;
  ASSERT_EQ(kept.size(), whole);
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), pdf.begin()));
  const FileOutcome* unknown = Find(report, kDir / "cut.xyz.fun");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->status, RecoverStatus::kError);
  EXPECT_THAT(RenderEnglish(unknown->detail),
              ::testing::HasSubstr("multiple of 16"));
  EXPECT_EQ(Find(report, kDir / "ok.txt.fun")->status,
            RecoverStatus::kRecovered);
  EXPECT_FALSE(report.AllWell());
}

// Issue 16: a file cut at a block boundary, with the right key given, was
// "key_not_found" with advice to pass the key that was passed. Even a text
// file, whose prefix reads as text, is never "verified".
TEST(JigsawTest, Issue16TruncatedFileWithTheRightKeySaysTheKeyFits) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes key = *FromHex("000102030405060708090a0b0c0d0e0f");
  const Bytes iv = *FromHex(kJigsawIvHex);
  const Bytes text = formats::samples::MakeText(5000);
  ASSERT_OK_AND_ASSIGN(Bytes ct, crypto::AesCbcEncrypt(key, iv, text));
  ct.resize(ct.size() - 32);
  ASSERT_THAT(fs.AddFile(kDir / "notes.txt.fun", ct), IsOk());
  ASSERT_OK_AND_ASSIGN(
      Bytes junk_ct, crypto::AesCbcEncrypt(
                         key, iv, formats::samples::PseudoRandomBytes(500, 4)));
  junk_ct.resize(junk_ct.size() - 32);
  ASSERT_THAT(fs.AddFile(kDir / "blob.xyz.fun", junk_ct), IsOk());
  RecoverOptions options = Options();
  options.family = "jigsaw";
  options.key = SecretBytes(key);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* cut = Find(report, kDir / "notes.txt.fun");
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->status, RecoverStatus::kUnverified);
  EXPECT_EQ(cut->key_source, "--key");
  const std::string detail = RenderEnglish(cut->detail);
  EXPECT_THAT(detail, ::testing::HasSubstr("the key (--key) fits, but the "
                                           "file is truncated"));
  EXPECT_THAT(detail, ::testing::Not(::testing::HasSubstr("--key HEX")));
  ASSERT_OK_AND_ASSIGN(Bytes kept, fs.Contents(kDir / "notes.txt.unverified"));
  ASSERT_EQ(kept.size(), ct.size());
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), text.begin()));
  EXPECT_FALSE(fs.Exists(kDir / "notes.txt"));
  // Nothing tells whether the key fits a file of no known kind: it says
  // the given key gives no valid end, never "pass --key".
  const FileOutcome* blob = Find(report, kDir / "blob.xyz.fun");
  ASSERT_NE(blob, nullptr);
  EXPECT_EQ(blob->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(blob->detail.id, MessageId::kRecoverGivenKeyNoFit);
  EXPECT_THAT(RenderEnglish(blob->detail),
              ::testing::Not(::testing::HasSubstr("--key HEX")));

  // --verified-only: nothing is kept, and it says why.
  io::MemoryFileSystem strict_fs;
  ASSERT_THAT(strict_fs.AddFile(kDir / "notes.txt.fun", ct), IsOk());
  options.verified_only = true;
  ASSERT_OK_AND_ASSIGN(RecoverReport strict, Recover(strict_fs, options));
  ASSERT_EQ(strict.files.size(), 1u);
  EXPECT_EQ(strict.files[0].status, RecoverStatus::kUnverified);
  EXPECT_TRUE(strict.files[0].output.empty());
  EXPECT_THAT(RenderEnglish(strict.files[0].detail),
              ::testing::HasSubstr("file is truncated"));
  EXPECT_FALSE(strict_fs.Exists(kDir / "notes.txt.unverified"));
  EXPECT_FALSE(strict_fs.Exists(kDir / "notes.txt"));
}

// Issue 16: ".encrypted" is appended by many families (Linux.Encoder among
// them); a file of a size Jigsaw never writes is not taken for Jigsaw's.
TEST(JigsawTest, Issue16ASharedExtensionOfAnotherSizeIsNotJigsaws) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "a.docx.encrypted",
                         formats::samples::PseudoRandomBytes(1000 * 16 + 8, 5)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kUnsupported);
  EXPECT_TRUE(report.files[0].family.empty());
  EXPECT_TRUE(report.files[0].decryptor.empty());
}

// What a probe sees of `bytes` named `name` (FileSample).
recover::FileSample ProbeSample(const std::string& name, const Bytes& bytes) {
  recover::FileSample sample;
  sample.path = kDir / name;
  sample.name = name;
  sample.size = bytes.size();
  sample.head =
      ByteView(bytes.data(), std::min(bytes.size(), recover::kProbeHeadBytes));
  const std::size_t tail = std::min(bytes.size(), recover::kProbeTailBytes);
  sample.tail = ByteView(bytes.data() + bytes.size() - tail, tail);
  return sample;
}

// Issue 8: why the probe takes a file is a message, never English; the
// English stays as it was.
TEST(JigsawTest, ProbeReasonsAreMessages) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::string list = "C:\\Users\\v\\plan.doc\r\n";
  ASSERT_THAT(fs.AddFile(kDir / std::string(kJigsawFileListName),
                         Bytes(list.begin(), list.end())),
              IsOk());
  recover::RunInputs inputs;
  inputs.side_files = {kDir / std::string(kJigsawFileListName)};
  ASSERT_OK_AND_ASSIGN(auto run, JigsawDecryptor().Prepare(fs, inputs));
  const Bytes encrypted =
      families_testing::JigsawEncrypt(MakeSample(FileKind::kPdf, 3000));
  const Bytes odd(17, 0x41);
  const struct {
    std::string name;
    const Bytes* bytes;
    MessageId id;
    std::string english;
  } cases[] = {
      {"a.pdf.fun", &encrypted, MessageId::kRecoverProbeValidPadding,
       "Jigsaw extension .fun; valid padding under hard-coded key 1"},
      {"a.pdf.fun", &odd, MessageId::kRecoverProbeNotWholeBlocks,
       "Jigsaw extension .fun; size is not a multiple of 16"},
      {"plan.doc.zzz", &odd, MessageId::kRecoverProbeNotWholeBlocks,
       "listed in EncryptedFileList.txt; size is not a multiple of 16"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const recover::ProbeResult probe =
        run->Probe(ProbeSample(c.name, *c.bytes));
    EXPECT_EQ(probe.reason.id, c.id);
    EXPECT_TRUE(recover::fakes::DeclaredThroughout(probe.reason));
    EXPECT_EQ(RenderEnglish(probe.reason), c.english);
  }
  // The shared extension alone, on a size Jigsaw never writes: not taken
  // (the reason is compared to tell it).
  EXPECT_EQ(run->Probe(ProbeSample("a.pdf.encrypted", odd)).confidence, 0);

  recover::RunInputs forced;
  forced.forced = true;
  ASSERT_OK_AND_ASSIGN(auto forced_run, JigsawDecryptor().Prepare(fs, forced));
  const recover::ProbeResult chosen =
      forced_run->Probe(ProbeSample("a.pdf.zzz", odd));
  EXPECT_EQ(chosen.reason.id, MessageId::kRecoverProbeNotWholeBlocks);
  EXPECT_TRUE(recover::fakes::DeclaredThroughout(chosen.reason));
  EXPECT_EQ(RenderEnglish(chosen.reason),
            "--family jigsaw; size is not a multiple of 16");
  EXPECT_EQ(forced_run->Probe(ProbeSample("a.pdf.encrypted", odd)).confidence,
            30);
}

}  // namespace
}  // namespace kintsugi::families
