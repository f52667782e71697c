#include "families/nemucod/nemucod.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/testing/report_lookup.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "recover/decryptor.h"
#include "recover/strategies.h"
#include "recover/testing/fakes.h"

namespace kintsugi::families {
namespace {

using families_testing::Find;

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::HasSubstr;

const Path kDir = "/victim";

struct Variant {
  std::uint64_t region;
  std::size_t key_length;
};

// §3.2 "Observed (H, K)", plus a period that is none of them.
// The key a run reported, given back with --family nemucod --key, decrypts
// `plain` encrypted with `key` in a new run.
void ExpectReportedKeyDecrypts(const RecoverReport& report,
                               const families_testing::NemucodKey& key,
                               const Bytes& plain) {
  ASSERT_FALSE(report.keys.empty());
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "again.pdf.crypted",
                         families_testing::NemucodEncrypt(plain, key)),
              IsOk());
  RecoverOptions reuse;
  reuse.paths = {kDir};
  reuse.family = "nemucod";
  reuse.key = *SecretBytes::FromHex(report.keys[0].key_hex);
  ASSERT_OK_AND_ASSIGN(RecoverReport again, Recover(fs, reuse));
  ASSERT_EQ(again.files.size(), 1u);
  EXPECT_EQ(again.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(again.files[0].detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "again.pdf"));
  EXPECT_TRUE(out == plain);
}

const Variant kVariants[] = {
    {2048, 255}, {1024, 36}, {1024, 102}, {1024, 1024}, {2048, 7}};

TEST(NemucodTest, DerivesEveryObservedVariantFromOnePair) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(std::to_string(v.region) + "/" + std::to_string(v.key_length));
    const auto key = families_testing::MakeNemucodKey(v.key_length, v.region,
                                                      v.key_length + 1);
    const Bytes plain = MakeSample(FileKind::kPdf, 5000);
    const Bytes enc = families_testing::NemucodEncrypt(plain, key);
    ASSERT_OK_AND_ASSIGN(auto derived, recover::DeriveRepeatingXorKey(
                                           enc, plain, kNemucodRegions));
    EXPECT_EQ(derived.region, v.region);
    EXPECT_EQ(derived.key, SecretBytes(key.key));
  }
}

TEST(NemucodTest, PairsThatCannotBePairsAreRefusedInPlainWords) {
  const Bytes plain = MakeSample(FileKind::kPdf, 5000);
  Bytes other = plain;
  other.push_back(0);
  EXPECT_THAT(recover::DeriveRepeatingXorKey(other, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(recover::DeriveRepeatingXorKey(plain, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  Bytes late = plain;
  late[3000] ^= 1;
  EXPECT_THAT(recover::DeriveRepeatingXorKey(late, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  const Bytes small(500, 1);
  const Bytes small_enc(500, 2);
  EXPECT_THAT(recover::DeriveRepeatingXorKey(small_enc, small, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(NemucodTest, ShortestPeriod) {
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("010203010203")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("0102030102")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("010203")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("0101")), 1u);
}

class NemucodRunTest : public ::testing::TestWithParam<Variant> {};

TEST_P(NemucodRunTest, OnePairRecoversEveryFileOfTheRun) {
  const Variant v = GetParam();
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const auto key = families_testing::MakeNemucodKey(v.key_length, v.region,
                                                    99 + v.key_length);
  // Sizes around the encrypted region: 0, 1, one block, just under/over.
  const std::size_t sizes[] = {1,    16,   1023, 1024, 1025,
                               2047, 2048, 2049, 4096, 100000};
  std::vector<std::pair<std::string, Bytes>> originals;
  for (std::size_t size : sizes) {
    const std::string name = "t" + std::to_string(size) + ".txt";
    const Bytes plain = formats::samples::MakeText(size);
    ASSERT_THAT(families_testing::WriteSpecimen(
                    fs, kDir, name + ".crypted",
                    families_testing::NemucodEncrypt(plain, key), "nemucod"),
                IsOk());
    originals.emplace_back(name, plain);
  }
  const Bytes pdf = MakeSample(FileKind::kPdf, 6000);
  ASSERT_THAT(fs.AddFile(kDir / "doc.pdf.crypted",
                         families_testing::NemucodEncrypt(pdf, key)),
              IsOk());
  ASSERT_THAT(fs.AddFile("/backup/doc.pdf", pdf), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "empty.txt.crypted", Bytes{}), IsOk());

  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 3;
  ASSERT_OK_AND_ASSIGN(RecoverReport no_pair, Recover(fs, options));
  const FileOutcome* first = Find(no_pair, kDir / "t1.txt.crypted");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->status, RecoverStatus::kNeedsInput);
  EXPECT_THAT(RenderEnglish(first->detail), HasSubstr("--pair"));
  EXPECT_FALSE(fs.Exists(kDir / "t1.txt"));

  options.pairs = {{kDir / "doc.pdf.crypted", "/backup/doc.pdf"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const auto& [name, plain] : originals) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_TRUE(out == plain);
  }
  // XOR keeps the size: an empty encrypted file was an empty original.
  EXPECT_EQ(Find(report, kDir / "empty.txt.crypted")->status,
            RecoverStatus::kRecovered);
  EXPECT_THAT(fs.Contents(kDir / "empty.txt"), IsOkAndHolds(Bytes{}));
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "nemucod");
  // How the key works, as a message (issue 8), in the same English as
  // before.
  const Message& detail = report.keys[0].detail;
  EXPECT_EQ(detail.id, MessageId::kRecoverNemucodKeyFromPair);
  EXPECT_TRUE(HasDeclaredArgs(detail));
  EXPECT_EQ(RenderEnglish(detail),
            "XOR over the first " + std::to_string(v.region) +
                " bytes with a " + std::to_string(v.key_length) +
                "-byte key; reuse it with --family nemucod --key HEX");

  // The reported key, given back with --key, decrypts the same files.
  ExpectReportedKeyDecrypts(report, key, pdf);
}

INSTANTIATE_TEST_SUITE_P(Variants, NemucodRunTest,
                         ::testing::ValuesIn(kVariants));

TEST(NemucodTest, APairOfAnotherFamilyIsLeftToItWithoutFamily) {
  // Issue 17: a Hive pair (any name but .crypted) given without --family
  // is not Nemucod's to refuse; with --family nemucod it is refused.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "a.txt.kntsg", Bytes(3000, 1)), IsOk());
  ASSERT_THAT(fs.AddFile("/b/a.txt", Bytes(3000, 2)), IsOk());
  RecoverOptions options;
  options.paths = {kDir};
  options.pairs = {{kDir / "a.txt.kntsg", "/b/a.txt"}};
  EXPECT_TRUE(Recover(fs, options).ok());
  options.family = "nemucod";
  auto forced = Recover(fs, options);
  ASSERT_FALSE(forced.ok());
  EXPECT_EQ(forced.error().code(), StatusCode::kInvalidArgument);
}

TEST(NemucodTest, APairThatDoesNotFitStopsTheRunWithAClearMessage) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "a.txt.crypted", Bytes(3000, 1)), IsOk());
  ASSERT_THAT(fs.AddFile("/b/a.txt", Bytes(2999, 1)), IsOk());
  RecoverOptions options;
  options.paths = {kDir};
  options.pairs = {{kDir / "a.txt.crypted", "/b/a.txt"}};
  auto report = Recover(fs, options);
  EXPECT_THAT(report, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(report.status().message(), HasSubstr("differ in size"));
}

// --- The key from known header bytes, no pair (§3.2 "Without an original")

struct Specimen {
  std::string name;  // The original name; the specimen is name.crypted.
  Bytes plain;
};

// Writes each specimen (one explicit file at a time, with its sidecar).
void WriteAll(io::MemoryFileSystem& fs, const Path& dir,
              const std::vector<Specimen>& specimens,
              const families_testing::NemucodKey& key) {
  ASSERT_THAT(fs.AddDirs(dir), IsOk());
  for (const Specimen& s : specimens) {
    ASSERT_THAT(families_testing::WriteSpecimen(
                    fs, dir, s.name + ".crypted",
                    families_testing::NemucodEncrypt(s.plain, key),
                    "nemucod region " + std::to_string(key.region) + " key " +
                        ToHex(key.key)),
                IsOk());
  }
}

// Files of many types, as a victim's documents folder holds them; sizes
// above and below both regions, text files that tell the region.
std::vector<Specimen> DocumentsFolder() {
  namespace gen = formats::samples;
  return {
      {"letter.doc", gen::MakeOle2(3000)},
      {"budget.xls", gen::MakeOle2(20000)},
      {"memo.doc", gen::MakeOle2(1500)},
      {"photo.png", gen::MakePng(30, 30)},
      {"icon.png", gen::MakePng(4, 4)},
      {"report.pdf", gen::MakePdf(5000)},
      {"note.pdf", gen::MakePdf(0)},
      {"places.sqlite", gen::MakeSqlite(0)},
      {"draft.odt", gen::MakeOdt()},
      {"cv.docx", gen::MakeDocx()},
      {"logo.bmp", gen::MakeBmp(10, 10)},
      {"anim.gif", gen::MakeGif(2000)},
      {"scan.jpg", gen::MakeJpeg(3000)},
      {"readme.txt", gen::MakeText(1500)},
      {"diary.txt", gen::MakeText(5000)},
      {"todo.txt", gen::MakeText(100)},
      {"backup.7z", gen::MakeSevenZip(3000)},
      {"song.mp3", gen::MakeMp3(4000)},
  };
}

RecoverOptions RunOn(const Path& dir) {
  RecoverOptions options;
  options.paths = {dir};
  options.threads = 2;
  return options;
}

class NemucodHeadersTest : public ::testing::TestWithParam<Variant> {};

TEST_P(NemucodHeadersTest, ADocumentsFolderGivesTheKeyWithoutAPair) {
  const Variant v = GetParam();
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(v.key_length, v.region,
                                                    7 + v.key_length);
  const std::vector<Specimen> specimens = DocumentsFolder();
  WriteAll(fs, kDir, specimens, key);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, RunOn(kDir)));
  if (v.key_length == 1024) {
    // A 1024-byte key repeats nowhere in the region: headers can never
    // cover it. Nothing is written, and the user is told what to give.
    for (const Specimen& s : specimens) {
      const FileOutcome* f = Find(report, kDir / (s.name + ".crypted"));
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->status, RecoverStatus::kNeedsInput) << s.name;
      EXPECT_EQ(f->detail.id, MessageId::kRecoverNemucodHeadersPartial);
      EXPECT_THAT(RenderEnglish(f->detail),
                  HasSubstr("(key bytes fixed / key length: "));
      EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("/1024"));
      EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("--pair ENC=ORIG"));
      EXPECT_FALSE(fs.Exists(kDir / s.name)) << s.name;
    }
    EXPECT_TRUE(report.keys.empty());
    return;
  }
  for (const Specimen& s : specimens) {
    SCOPED_TRACE(s.name);
    const FileOutcome* f = Find(report, kDir / (s.name + ".crypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / s.name));
    EXPECT_TRUE(out == s.plain);
  }
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "nemucod");
  EXPECT_THAT(report.keys[0].source, HasSubstr("known headers of"));
  const Message& detail = report.keys[0].detail;
  EXPECT_EQ(detail.id, MessageId::kRecoverNemucodKeyFromHeaders);
  EXPECT_TRUE(recover::fakes::DeclaredThroughout(detail));
  EXPECT_THAT(RenderEnglish(detail),
              HasSubstr("XOR over the first " + std::to_string(v.region) +
                        " bytes with a "));
  EXPECT_THAT(RenderEnglish(detail),
              HasSubstr("); reuse it with --family nemucod --key HEX"));

  // The reported key, given back with --key, decrypts a file of this run.
  ExpectReportedKeyDecrypts(report, key, formats::samples::MakePdf(6000));
}

INSTANTIATE_TEST_SUITE_P(Variants, NemucodHeadersTest,
                         ::testing::ValuesIn(kVariants));

// K=36 with only PNG, PDF and OLE2 files (the brief's minimal set), and
// the hostile heads a folder holds: a truncated file, an empty one.
TEST(NemucodHeaderKeyTest, PngPdfAndOle2AloneCoverA36ByteKey) {
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(36, 1024, 4242);
  const Bytes png = formats::samples::MakePng(20, 20);
  std::vector<Specimen> specimens = {
      {"a.png", png},
      {"b.pdf", formats::samples::MakePdf(4000)},
      {"c.doc", formats::samples::MakeOle2(9000)},
      {"d.xls", formats::samples::MakeOle2(3000)},
      {"e.txt", formats::samples::MakeText(3000)},
  };
  WriteAll(fs, kDir, specimens, key);
  // Truncated: the first 10 bytes of an encrypted PNG.
  const Bytes enc_png = families_testing::NemucodEncrypt(png, key);
  ASSERT_THAT(fs.AddFile(kDir / "cut.png.crypted",
                         Bytes(enc_png.begin(), enc_png.begin() + 10)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "zero.pdf.crypted", Bytes{}), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, RunOn(kDir)));
  for (const Specimen& s : specimens) {
    SCOPED_TRACE(s.name);
    const FileOutcome* f = Find(report, kDir / (s.name + ".crypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / s.name));
    EXPECT_TRUE(out == s.plain);
  }
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].key_hex, ToHex(key.key));
  EXPECT_THAT(report.keys[0].source,
              HasSubstr("known headers of 4 files (ole2, pdf, png)"));
  // The truncated PNG fails verification; nothing is written for it.
  EXPECT_NE(Find(report, kDir / "cut.png.crypted")->status,
            RecoverStatus::kRecovered);
  EXPECT_FALSE(fs.Exists(kDir / "cut.png"));
}

// Five files of a 36-byte key whose headers cover it.
std::vector<Specimen> SmallFolder() {
  return {
      {"a.png", formats::samples::MakePng(20, 20)},
      {"b.pdf", formats::samples::MakePdf(4000)},
      {"c.doc", formats::samples::MakeOle2(9000)},
      {"d.xls", formats::samples::MakeOle2(3000)},
      {"e.txt", formats::samples::MakeText(3000)},
  };
}

TEST(NemucodHeaderKeyTest, TheSearchReportsItsProgressFileByFile) {
  io::MemoryFileSystem fs;
  WriteAll(fs, kDir, SmallFolder(),
           families_testing::MakeNemucodKey(36, 1024, 4242));
  // Every file of the run is looked at (the specimens' notes too).
  const std::size_t files = fs.ListAllFiles().size();
  std::vector<KeySearchProgress> seen;
  RecoverOptions options = RunOn(kDir);
  // Other run-wide searches (Hive's header scan) report too: Nemucod's.
  options.on_key_search = [&](const KeySearchProgress& at) {
    if (at.decryptor == "nemucod") seen.push_back(at);
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  EXPECT_TRUE(report.AllWell());
  ASSERT_EQ(seen.size(), files);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].decryptor, "nemucod");
    EXPECT_EQ(seen[i].done, i + 1);
    EXPECT_EQ(seen[i].total, files);
  }
}

TEST(NemucodHeaderKeyTest, TheSearchStopsWithTheRun) {
  // Ctrl-C during the search over the run's files: the run stops before
  // its first file, says it was cancelled, and writes nothing.
  io::MemoryFileSystem fs;
  const std::vector<Specimen> specimens = SmallFolder();
  WriteAll(fs, kDir, specimens,
           families_testing::MakeNemucodKey(36, 1024, 4242));
  std::atomic<bool> cancel{false};
  std::size_t calls = 0;
  RecoverOptions options = RunOn(kDir);
  options.cancel = &cancel;
  options.on_key_search = [&](const KeySearchProgress&) {
    ++calls;
    cancel = true;
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  EXPECT_EQ(calls, 1u);
  EXPECT_TRUE(report.cancelled);
  EXPECT_EQ(report.stopped_by, StatusCode::kCancelled);
  EXPECT_TRUE(report.files.empty());
  for (const Specimen& s : specimens) {
    EXPECT_FALSE(fs.Exists(kDir / s.name)) << s.name;
  }
}

TEST(NemucodHeaderKeyTest, PartialCoverageAsksForAPairAndWritesNothing) {
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(255, 2048, 99);
  const std::vector<Specimen> specimens = {
      {"a.png", formats::samples::MakePng(20, 20)},
      {"b.png", formats::samples::MakePng(40, 10)},
      {"c.pdf", formats::samples::MakePdf(3000)},
      {"d.txt", formats::samples::MakeText(4000)},
  };
  WriteAll(fs, kDir, specimens, key);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, RunOn(kDir)));
  for (const Specimen& s : specimens) {
    const FileOutcome* f = Find(report, kDir / (s.name + ".crypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kNeedsInput) << s.name;
    EXPECT_THAT(RenderEnglish(f->detail),
                HasSubstr("the known header bytes of 3 files (pdf, png) fix "));
    EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("--pair ENC=ORIG"));
    EXPECT_FALSE(fs.Exists(kDir / s.name)) << s.name;
  }
  EXPECT_TRUE(report.keys.empty());
}

TEST(NemucodHeaderKeyTest, FilesFromTwoKeysNeverRecover) {
  io::MemoryFileSystem fs;
  const auto key_a = families_testing::MakeNemucodKey(36, 1024, 1);
  const auto key_b = families_testing::MakeNemucodKey(36, 1024, 2);
  std::vector<Specimen> all = DocumentsFolder();
  const std::vector<Specimen> first(all.begin(), all.begin() + 9);
  const std::vector<Specimen> second(all.begin() + 9, all.end());
  WriteAll(fs, kDir, first, key_a);
  WriteAll(fs, kDir, second, key_b);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, RunOn(kDir)));
  for (const Specimen& s : all) {
    const FileOutcome* f = Find(report, kDir / (s.name + ".crypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->status, RecoverStatus::kRecovered) << s.name;
    EXPECT_FALSE(fs.Exists(kDir / s.name)) << s.name;
  }
  EXPECT_TRUE(report.keys.empty());
}

// The region from the files' bytes past 1024 (§3.2 "Decide H"), tested on
// the analysis directly: a 36-byte key over 2048 bytes was never observed,
// so only the files can tell it.
NemucodSample Sample(const std::string& name, ByteView plain,
                     const families_testing::NemucodKey& key) {
  NemucodSample s;
  s.original_name = name;
  s.size = plain.size();
  const Bytes enc = families_testing::NemucodEncrypt(plain, key);
  s.head = ByteView(enc).First(2048).ToBytes();
  return s;
}

std::vector<NemucodSample> Headers(const families_testing::NemucodKey& key) {
  return {Sample("a.doc", formats::samples::MakeOle2(9000), key),
          Sample("b.png", formats::samples::MakePng(40, 40), key),
          Sample("c.pdf", formats::samples::MakePdf(4000), key)};
}

TEST(NemucodHeaderKeyTest, TextPastByte1024TellsTheRegion) {
  for (std::uint64_t region : {1024u, 2048u}) {
    const auto key = families_testing::MakeNemucodKey(36, region, 5);
    std::vector<NemucodSample> files = Headers(key);
    files.push_back(Sample("t.txt", formats::samples::MakeText(3000), key));
    const NemucodHeaderKey found = NemucodKeyFromHeaders(files, 9000);
    ASSERT_TRUE(found.key.has_value()) << RenderEnglish(found.why);
    EXPECT_EQ(found.key->region, region);
    EXPECT_EQ(found.key->key, SecretBytes(key.key));
    EXPECT_EQ(found.detail.id, MessageId::kRecoverNemucodRegionTold);
    EXPECT_TRUE(HasDeclaredArgs(found.detail));
    EXPECT_EQ(RenderEnglish(found.detail), "the region told by 1 file");
  }
}

TEST(NemucodHeaderKeyTest, TheRegionIsAssumedOnlyWhenNoFileTellsIt) {
  const auto key = families_testing::MakeNemucodKey(36, 1024, 6);
  // Large binaries only: nothing past 1024 is known.
  NemucodHeaderKey found = NemucodKeyFromHeaders(Headers(key), 9000);
  ASSERT_TRUE(found.key.has_value()) << RenderEnglish(found.why);
  EXPECT_EQ(found.key->region, 1024u);
  EXPECT_EQ(found.detail.id, MessageId::kRecoverNemucodRegionAssumed);
  EXPECT_TRUE(HasDeclaredArgs(found.detail));
  EXPECT_EQ(RenderEnglish(found.detail),
            "no file told the region; 1024 assumed, as in the observed variant "
            "with a 36-byte key (each file is still verified)");
  // No file past 1024 bytes in the run: the region does not matter.
  std::vector<NemucodSample> small = Headers(key);
  for (NemucodSample& s : small) {
    s.head.resize(1000);
    s.size = 1000;
  }
  found = NemucodKeyFromHeaders(small, 1000);
  ASSERT_TRUE(found.key.has_value()) << RenderEnglish(found.why);
  EXPECT_EQ(found.key->key, SecretBytes(key.key));
  EXPECT_EQ(found.detail.id, MessageId::kRecoverNemucodRegionIrrelevant);
  EXPECT_TRUE(HasDeclaredArgs(found.detail));
  EXPECT_EQ(RenderEnglish(found.detail),
            "no file is longer than 1024 bytes, so the region does not matter");
}

TEST(NemucodHeaderKeyTest, HostileHeadsGiveNoKeyAndNoCrash) {
  const auto key = families_testing::MakeNemucodKey(36, 1024, 8);
  std::vector<NemucodSample> files;
  files.push_back({"empty.png", 0, {}});
  files.push_back({"short.png", 5, Bytes(5, 0xAA)});
  files.push_back({"liar.png", 5000, Bytes(3, 1)});  // head shorter than file
  files.push_back({"noext", 100, Bytes(100, 2)});
  files.push_back({".pdf", 100, Bytes(100, 3)});
  files.push_back(Sample("one.png", formats::samples::MakePng(4, 4), key));
  const NemucodHeaderKey found = NemucodKeyFromHeaders(files, 5000);
  EXPECT_FALSE(found.key.has_value());
  EXPECT_THAT(RenderEnglish(found.why), HasSubstr("--pair ENC=ORIG"));
  EXPECT_TRUE(HasDeclaredArgs(found.why));
  const Message none = NemucodKeyFromHeaders({}, 0).why;
  EXPECT_EQ(none.id, MessageId::kRecoverNemucodNoKnownHeaders);
  EXPECT_THAT(RenderEnglish(none), HasSubstr("--pair"));
}

// --- Issue 16: a pair must fit the key it gives; a key is not applied to
// files it does not fit.

// The defect: an original one byte off at 700 gave a "2040-byte key", and
// six other files came out "recovered, verified", each one byte wrong.
TEST(NemucodPairTest, Issue16AnOriginalOneByteOffIsRefusedWithTheOffset) {
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(255, 2048, 1616);
  namespace gen = formats::samples;
  const std::vector<Specimen> others = {
      {"a.pdf", gen::MakePdf(5000)},   {"b.png", gen::MakePng(30, 30)},
      {"c.docx", gen::MakeDocx(3000)}, {"d.doc", gen::MakeOle2(4000)},
      {"e.jpg", gen::MakeJpeg(3000)},  {"f.txt", gen::MakeText(4000)}};
  WriteAll(fs, kDir, others, key);
  const Bytes pdf = gen::MakePdf(6000);
  ASSERT_THAT(fs.AddFile(kDir / "pair.pdf.crypted",
                         families_testing::NemucodEncrypt(pdf, key)),
              IsOk());
  Bytes wrong = pdf;
  wrong[700] ^= 0x20;
  ASSERT_THAT(fs.AddFile("/backup/pair.pdf", wrong), IsOk());
  RecoverOptions options = RunOn(kDir);
  options.pairs = {{kDir / "pair.pdf.crypted", "/backup/pair.pdf"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  std::size_t encrypted = 0;
  for (const FileOutcome& f : report.files) {
    if (f.path.extension() != ".crypted") continue;  // Sidecars.
    ++encrypted;
    SCOPED_TRACE(f.path.string());
    EXPECT_EQ(f.status, RecoverStatus::kNeedsInput);
    EXPECT_EQ(f.detail.id, MessageId::kRecoverPairInconsistent);
    EXPECT_TRUE(HasDeclaredArgs(f.detail));
    EXPECT_EQ(RenderEnglish(f.detail),
              "the pair pair.pdf.crypted=pair.pdf was refused: the 255-byte "
              "key it gives disagrees with the pair itself at offset 700 (the "
              "original is not exactly the file that was encrypted); give "
              "another pair");
    EXPECT_TRUE(f.output.empty());
  }
  EXPECT_EQ(encrypted, others.size() + 1);
  for (const Specimen& s : others) EXPECT_FALSE(fs.Exists(kDir / s.name));
  EXPECT_TRUE(report.keys.empty());
}

// A key as long as its region (the (1024, 1024) variant) never repeats
// within a pair: the other files' known header bytes check it. The PNG
// signature's byte 3 off in the original is refused by name.
TEST(NemucodPairTest, Issue16AKeyThePairCannotCheckIsCheckedByOtherFiles) {
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(1024, 1024, 1617);
  namespace gen = formats::samples;
  WriteAll(fs, kDir,
           {{"b.png", gen::MakePng(20, 20)}, {"c.png", gen::MakePng(9, 9)}},
           key);
  const Bytes png = gen::MakePng(40, 40);
  ASSERT_THAT(fs.AddFile(kDir / "a.png.crypted",
                         families_testing::NemucodEncrypt(png, key)),
              IsOk());
  Bytes wrong = png;
  wrong[3] ^= 0x01;
  ASSERT_THAT(fs.AddFile("/backup/a.png", wrong), IsOk());
  RecoverOptions options = RunOn(kDir);
  options.pairs = {{kDir / "a.png.crypted", "/backup/a.png"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  std::size_t encrypted = 0;
  for (const FileOutcome& f : report.files) {
    if (f.path.extension() != ".crypted") continue;  // Sidecars.
    ++encrypted;
    SCOPED_TRACE(f.path.string());
    EXPECT_EQ(f.status, RecoverStatus::kNeedsInput);
    EXPECT_EQ(f.detail.id, MessageId::kRecoverPairContradicted);
    EXPECT_TRUE(HasDeclaredArgs(f.detail));
    EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("at offset 3,"));
  }
  EXPECT_EQ(encrypted, 3u);
  EXPECT_FALSE(fs.Exists(kDir / "b.png"));

  // The right original: the same run recovers every file.
  ASSERT_THAT(fs.AddFile("/backup/right/a.png", png), IsOk());
  options.pairs = {{kDir / "a.png.crypted", "/backup/right/a.png"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport right, Recover(fs, options));
  for (const FileOutcome& f : right.files) {
    if (f.path.extension() != ".crypted") continue;
    EXPECT_EQ(f.status, RecoverStatus::kRecovered) << RenderEnglish(f.detail);
  }
}

// The defect: in a tree of four infections with one pair, the other
// infections' files were "verified" too. They get key_not_found, saying
// the pair's key does not fit them.
TEST(NemucodPairTest, Issue16APairsKeyIsNotAppliedToOtherInfections) {
  io::MemoryFileSystem fs;
  namespace gen = formats::samples;
  const std::vector<Specimen> files = {{"a.pdf", gen::MakePdf(5000)},
                                       {"b.png", gen::MakePng(30, 30)},
                                       {"c.docx", gen::MakeDocx(3000)},
                                       {"d.jpg", gen::MakeJpeg(3000)}};
  for (std::uint64_t infection = 0; infection < 4; ++infection) {
    const auto key =
        families_testing::MakeNemucodKey(255, 2048, 2000 + infection);
    WriteAll(fs, kDir / ("pc" + std::to_string(infection)), files, key);
  }
  const Path pair_dir = kDir / "pc0";
  ASSERT_THAT(fs.AddFile("/backup/a.pdf", files[0].plain), IsOk());
  RecoverOptions options = RunOn(kDir);
  options.pairs = {{pair_dir / "a.pdf.crypted", "/backup/a.pdf"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  std::size_t encrypted = 0;
  for (const FileOutcome& f : report.files) {
    if (f.path.extension() != ".crypted") continue;  // Sidecars.
    ++encrypted;
    SCOPED_TRACE(f.path.string());
    if (f.path.parent_path() == pair_dir) {
      EXPECT_EQ(f.status, RecoverStatus::kRecovered) << RenderEnglish(f.detail);
      continue;
    }
    EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound);
    EXPECT_EQ(f.detail.id, MessageId::kRecoverKeyDoesNotFit);
    EXPECT_TRUE(HasDeclaredArgs(f.detail));
    EXPECT_THAT(RenderEnglish(f.detail),
                HasSubstr("the key from --pair a.pdf.crypted=a.pdf does not "
                          "fit this file"));
    EXPECT_TRUE(f.output.empty());
  }
  EXPECT_EQ(encrypted, 16u);
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

// Issue 8: why the probe takes a file is a message, never English.
TEST(NemucodTest, ProbeReasonsAreMessages) {
  io::MemoryFileSystem fs;
  const auto key = families_testing::MakeNemucodKey(36, 1024, 17);
  recover::RunInputs with_key;
  with_key.key = SecretBytes(key.key);
  ASSERT_OK_AND_ASSIGN(auto run, NemucodDecryptor().Prepare(fs, with_key));
  const Bytes png =
      families_testing::NemucodEncrypt(formats::samples::MakePng(20, 20), key);
  const Bytes text =
      families_testing::NemucodEncrypt(formats::samples::MakeText(3000), key);

  const recover::ProbeResult fits =
      run->Probe(ProbeSample("a.png.crypted", png));
  EXPECT_EQ(fits.reason.id, MessageId::kRecoverProbeHeaderFits);
  EXPECT_TRUE(recover::fakes::DeclaredThroughout(fits.reason));
  EXPECT_EQ(RenderEnglish(fits.reason),
            "Nemucod extension .crypted; the key fits its known png header "
            "bytes");
  const recover::ProbeResult by_name =
      run->Probe(ProbeSample("t.txt.crypted", text));
  EXPECT_EQ(by_name.reason.id, MessageId::kRecoverProbeExtension);
  EXPECT_TRUE(HasDeclaredArgs(by_name.reason));
  EXPECT_EQ(RenderEnglish(by_name.reason), "Nemucod extension .crypted");
  EXPECT_EQ(run->Probe(ProbeSample("t.txt", text)).reason.id,
            MessageId::kCount);

  recover::RunInputs forced;
  forced.forced = true;
  ASSERT_OK_AND_ASSIGN(auto forced_run, NemucodDecryptor().Prepare(fs, forced));
  const recover::ProbeResult chosen =
      forced_run->Probe(ProbeSample("t.txt.locked", text));
  EXPECT_EQ(chosen.reason.id, MessageId::kRecoverProbeForced);
  EXPECT_TRUE(HasDeclaredArgs(chosen.reason));
  EXPECT_EQ(RenderEnglish(chosen.reason), "--family nemucod");
}

// What the user must supply is a message too (DecryptorInfo::needs).
TEST(NemucodTest, WhatItNeedsIsAMessage) {
  const Message needs{NemucodDecryptor().info().needs, {}};
  EXPECT_EQ(needs.id, MessageId::kDecryptorNemucodNeeds);
  EXPECT_TRUE(HasDeclaredArgs(needs));
  EXPECT_THAT(RenderEnglish(needs), HasSubstr("--pair ENC=ORIG"));
}

}  // namespace
}  // namespace kintsugi::families
