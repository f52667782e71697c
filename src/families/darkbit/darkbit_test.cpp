#include "families/darkbit/darkbit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/darkbit/layout.h"
#include "families/darkbit/search.h"
#include "families/darkbit/stream.h"
#include "families/darkbit/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "prng/go_rand.h"

namespace kintsugi::families {
namespace {

using families_testing::ArgText;
using families_testing::DarkBitParams;
using families_testing::Find;
using formats::FileKind;
using formats::samples::MakeSample;
using kintsugi::testing::ArgNumber;
using kintsugi::testing::Nested;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::int64_t kNs = 1'000'000'000;
// §3.11's example: seed 1676212345123456789 (2023-02-12 14:32:25 UTC).
constexpr std::int64_t kSeed = 1676212345123456789;
constexpr std::uint64_t kRename = 1676212356;  // After the countdown.

DarkBitParams Params(std::int64_t seed, std::size_t index,
                     std::uint64_t rename = kRename,
                     DarkBitReading reading = DarkBitReading::kKib) {
  return DarkBitParams{seed, index, rename, reading};
}

// Adds the specimen of `original` (file `params.index` of the run) to
// /victim, modified a second after its rename; returns its path.
Path AddVictimFile(io::MemoryFileSystem& fs, const std::string& original,
                   ByteView plain, const DarkBitParams& params) {
  const Path path = kDir / families_testing::DarkBitRenamed(params);
  EXPECT_THAT(
      fs.AddFile(path,
                 families_testing::DarkBitEncrypt(plain, original, params),
                 static_cast<std::int64_t>(params.rename_seconds + 1) * kNs),
      IsOk());
  return path;
}

RecoverOptions Search(std::optional<std::pair<std::uint64_t, std::uint64_t>>
                          range = std::nullopt) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "darkbit";
  options.seed_range = range;
  options.journal_dir = "/state";
  return options;
}

std::pair<std::uint64_t, std::uint64_t> Around(std::int64_t seed,
                                               std::uint64_t by) {
  const auto s = static_cast<std::uint64_t>(seed);
  return {s - by, s + by};
}

TEST(DarkBitTest, SizeClassesInBothReadings) {
  // Under 25 KiB: the whole file, rounded down to whole blocks.
  const auto small = DarkBitParts(10'001, DarkBitReading::kKib);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0].offset, 0u);
  EXPECT_EQ(small[0].length, 10'000u);
  // 100,000 bytes: KiB, (1000, 2, 12000): two parts of 12,000 bytes at 0
  // and 50,000; MiB, under 25 MiB: the whole file.
  const auto kib = DarkBitParts(100'000, DarkBitReading::kKib);
  ASSERT_EQ(kib.size(), 2u);
  EXPECT_EQ(kib[1].offset, 50'000u);
  EXPECT_EQ(kib[1].length, 12'000u);
  EXPECT_EQ(DarkBitPlainBytes(100'000, DarkBitReading::kKib), 76'000u);
  const auto mib = DarkBitParts(100'000, DarkBitReading::kMib);
  ASSERT_EQ(mib.size(), 1u);
  EXPECT_EQ(mib[0].length, 100'000u);
  // 2 GB: KiB, (5000000, 5, 1000000): 5 parts of 1,000,000 bytes; MiB,
  // (4000, 3, 10000): 3 parts of 10,000 bytes.
  EXPECT_EQ(DarkBitParts(2'000'000'000, DarkBitReading::kKib).size(), 5u);
  EXPECT_EQ(DarkBitParts(2'000'000'000, DarkBitReading::kKib)[0].length,
            1'000'000u);
  EXPECT_EQ(DarkBitParts(2'000'000'000, DarkBitReading::kMib)[2].length,
            10'000u);
  EXPECT_EQ(DarkBitParts(2'000'000'000, DarkBitReading::kMib).size(), 3u);
  // Above every KiB class: nothing (§3.11: renamed, not encrypted).
  EXPECT_TRUE(DarkBitParts(6'000'000ULL * 1024, DarkBitReading::kKib).empty());
}

TEST(DarkBitTest, FooterAndNames) {
  const Bytes plain = MakeSample(FileKind::kPdf, 3000);
  const Bytes file = families_testing::DarkBitEncrypt(
      plain, "Quarterly report 2023.pdf", Params(kSeed, 0));
  const auto footer = ParseDarkBitFooter(file);
  ASSERT_TRUE(footer.has_value());
  EXPECT_EQ(footer->bytes, 287u + 32u);  // A 25-byte name: m = 2.
  EXPECT_EQ(file.size(), plain.size() + footer->bytes);
  EXPECT_FALSE(ParseDarkBitFooter(plain).has_value());
  Bytes broken = file;
  broken[broken.size() - 263] = 'X';  // "DARKBIT" damaged.
  EXPECT_FALSE(ParseDarkBitFooter(broken).has_value());

  const auto name = ParseDarkBitName("gDsc2WD81676212345.Darkbit");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->random, "gDsc2WD8");
  EXPECT_EQ(name->unix_seconds, 1676212345u);
  EXPECT_TRUE(ParseDarkBitName("gDsc2WD81676212345.DARKBIT").has_value());
  EXPECT_FALSE(ParseDarkBitName("gDsc2WD8.Darkbit").has_value());
  EXPECT_FALSE(ParseDarkBitName("gDsc-WD81676212345.Darkbit").has_value());
  EXPECT_FALSE(ParseDarkBitName("report.pdf").has_value());

  EXPECT_EQ(DecodeDarkBitName(ByteView::FromString("test.dat||||||||")),
            "test.dat");
  EXPECT_EQ(DecodeDarkBitName(ByteView::FromString("C:\\Users\\a\\b.docx|||")),
            "b.docx");
  EXPECT_EQ(DecodeDarkBitName(ByteView::FromString("exactly16bytes.x")),
            "exactly16bytes.x");
  EXPECT_EQ(DecodeDarkBitName(ByteView::FromString("caf\xc3\xa9.txt||||||")),
            "caf\xc3\xa9.txt");
  EXPECT_FALSE(DecodeDarkBitName(ByteView::FromString("a|b.txt|||||||||")));
  EXPECT_FALSE(DecodeDarkBitName(ByteView::FromString("bad\x01name.txt|||")));
  EXPECT_FALSE(DecodeDarkBitName(ByteView::FromString("caf\xc3.txt|||||||")));
  EXPECT_FALSE(DecodeDarkBitName(ByteView::FromString("||||||||||||||||")));
}

TEST(DarkBitTest, StreamPositionsAndAlignmentsOfTheModel) {
  // Files 0..39 of a run: each name is drawn at its model position, and
  // the model's alignment there gives its key and IV.
  prng::GoRand rng(kSeed);
  std::vector<std::uint64_t> draws(700);
  std::vector<std::uint8_t> codes(draws.size());
  for (std::size_t q = 0; q < draws.size(); ++q) {
    draws[q] = static_cast<std::uint64_t>(rng.Int63());
    codes[q] = DarkBitNameCode(draws[q]);
  }
  EXPECT_EQ(DarkBitModelPosition(0), 5u);
  EXPECT_EQ(DarkBitModelPosition(1), 18u);
  for (std::size_t j = 0; j < 40; ++j) {
    const auto drawn = families_testing::DarkBitDraw(kSeed, j);
    const std::size_t p = DarkBitModelPosition(j);
    const auto name = DarkBitCodesOf(drawn.name);
    ASSERT_TRUE(name.has_value());
    EXPECT_TRUE(DarkBitNameDrawnAt(codes, p, *name)) << j;
    EXPECT_FALSE(DarkBitNameDrawnAt(codes, p + 1, *name)) << j;
    const auto key_iv =
        DarkBitKeyIvBefore(draws, codes, p, DarkBitAlignments(p)[0]);
    ASSERT_TRUE(key_iv.has_value());
    EXPECT_EQ(ToHex(ByteView(key_iv->data(), 16)),
              ToHex(ByteView(drawn.key.data(), 16)))
        << j;
    EXPECT_EQ(ToHex(ByteView(key_iv->data() + 16, 16)),
              ToHex(ByteView(drawn.iv.data(), 16)))
        << j;
  }
  EXPECT_FALSE(
      DarkBitKeyIvBefore(draws, codes, 3, 0).has_value());  // Too early.
}

TEST(DarkBitTest, TheStreamDecryptsWhateverTheChunks) {
  const Bytes plain = MakeSample(FileKind::kPdf, 60'000);  // Two parts.
  const DarkBitParams params = Params(kSeed, 0);
  const Bytes file = families_testing::DarkBitEncrypt(plain, "a.pdf", params);
  const auto drawn = families_testing::DarkBitDraw(kSeed, 0);
  const ByteView key(drawn.key.data(), 16);
  const ByteView iv(drawn.iv.data(), 16);
  const std::uint64_t footer = file.size() - plain.size();
  for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{4096},
                            std::size_t{1} << 20}) {
    ASSERT_OK_AND_ASSIGN(auto stream,
                         StartDarkBitDecryption(key, iv, file.size(), footer,
                                                DarkBitReading::kKib));
    Bytes out;
    Bytes buffer(chunk + recover::StreamDecryption::kSlack);
    for (std::size_t at = 0; at < file.size(); at += chunk) {
      const std::size_t n = std::min(chunk, file.size() - at);
      ASSERT_OK_AND_ASSIGN(
          std::size_t written,
          stream->Update(ByteView(file.data() + at, n), buffer));
      out.insert(out.end(), buffer.begin(),
                 buffer.begin() + static_cast<std::ptrdiff_t>(written));
    }
    ASSERT_OK_AND_ASSIGN(std::size_t last, stream->Finish(buffer));
    EXPECT_EQ(last, 0u);
    EXPECT_EQ(out, plain) << "chunks of " << chunk;
  }
  // The bytes between the parts were left as they were.
  EXPECT_EQ(Bytes(file.begin() + 20'000, file.begin() + 30'000),
            Bytes(plain.begin() + 20'000, plain.begin() + 30'000));
  ASSERT_OK_AND_ASSIGN(auto cut,
                       StartDarkBitDecryption(key, iv, file.size(), footer,
                                              DarkBitReading::kKib));
  Bytes buffer(file.size() + 16);
  ASSERT_THAT(cut->Update(ByteView(file).First(100), buffer), IsOk());
  EXPECT_EQ(cut->Finish(buffer).status().code(), StatusCode::kCorrupt);
}

TEST(DarkBitTest, TheWindowIsUnixNanoAndEverySeedPastTwoSeconds) {
  recover::SeedSearchInputs seed;
  const std::uint64_t estimate = DarkBitEstimate(kRename);
  EXPECT_EQ(estimate, (kRename - 10) * 1'000'000'000ULL + 500'000'000ULL);
  ASSERT_OK_AND_ASSIGN(DarkBitWindow whole, ResolveDarkBitWindow(seed, 5000));
  EXPECT_TRUE(whole.whole);
  EXPECT_EQ(whole.first, 0u);
  EXPECT_EQ(whole.last, kDarkBitSeedModulus - 1);
  ASSERT_OK_AND_ASSIGN(whole, ResolveDarkBitWindow(seed, estimate));
  EXPECT_EQ(whole.last - whole.first, kDarkBitSeedModulus - 1);
  EXPECT_EQ(whole.center, estimate);
  seed.range = std::make_pair(std::uint64_t{1000}, std::uint64_t{5000});
  ASSERT_OK_AND_ASSIGN(DarkBitWindow narrow, ResolveDarkBitWindow(seed, 3000));
  EXPECT_FALSE(narrow.whole);
  EXPECT_EQ(narrow.first, 1000u);
  EXPECT_EQ(narrow.last, 5000u);
  EXPECT_EQ(narrow.center, 3000u);
  ASSERT_OK_AND_ASSIGN(narrow, ResolveDarkBitWindow(seed, 9000));
  EXPECT_EQ(narrow.center, 5000u);  // An estimate outside: the end.
  // Ten seconds: every seed, the estimate moved into the first period.
  seed.range = std::make_pair(std::uint64_t{0}, std::uint64_t{10} * kNs);
  ASSERT_OK_AND_ASSIGN(DarkBitWindow wide, ResolveDarkBitWindow(seed, 5 * kNs));
  EXPECT_TRUE(wide.whole);
  EXPECT_EQ(wide.last, kDarkBitSeedModulus - 1);
  EXPECT_EQ(DarkBitSeedOf(wide.center), DarkBitSeedOf(5 * kNs));
  seed.range = std::make_pair(std::uint64_t{5}, std::uint64_t{4});
  EXPECT_EQ(ResolveDarkBitWindow(seed, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DarkBitTest, ASearchFindsTheSeedAndEveryFilesKeyAndName) {
  // Files 0, 1 and 4 of the run (2 and 3 not given); the search tests the
  // names, and finds the others in the same stream.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 3000);
  const Bytes png = MakeSample(FileKind::kPng, 40'000);
  const Bytes jpg = MakeSample(FileKind::kJpeg, 5000);
  const Path a = AddVictimFile(fs, "report.pdf", pdf, Params(kSeed, 0));
  const Path b = AddVictimFile(fs, "photo.png", png, Params(kSeed, 1));
  const Path c =
      AddVictimFile(fs, "cat.jpg", jpg, Params(kSeed, 4, kRename + 1));
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(Around(kSeed, 3000))));
  for (const auto& [path, name, plain, index] :
       {std::tuple{a, "report.pdf", &pdf, 0},
        std::tuple{b, "photo.png", &png, 1},
        std::tuple{c, "cat.jpg", &jpg, 4}}) {
    const FileOutcome* f = Find(report, path);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->status, RecoverStatus::kRecovered)
        << name << ": " << RenderEnglish(f->detail);
    EXPECT_EQ(f->output, kDir / name);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_THAT(out, ElementsAreArray(*plain)) << name;
    const Message* key = Nested(f->detail, MessageId::kRecoverDarkbitFileKey);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_EQ(ArgNumber(*key, "seed"), 1706785683);
    EXPECT_EQ(ArgNumber(*key, "position"),
              static_cast<std::int64_t>(
                  DarkBitModelPosition(static_cast<std::size_t>(index))));
    const auto drawn =
        families_testing::DarkBitDraw(kSeed, static_cast<std::size_t>(index));
    EXPECT_EQ(ArgText(*key, "key"), ToHex(ByteView(drawn.key.data(), 16)));
    EXPECT_EQ(ArgText(*key, "iv"), ToHex(ByteView(drawn.iv.data(), 16)));
  }
  // The PNG (40,000 bytes) is in the classes' disputed range: the KiB
  // reading, tried first, verified.
  EXPECT_EQ(Find(report, b)->variant, "kib");
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "darkbit");
  EXPECT_EQ(report.keys[0].detail.id, MessageId::kRecoverDarkbitSeedFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
  EXPECT_EQ(ArgNumber(report.keys[0].detail, "seed"), 1706785683);
  EXPECT_EQ(ArgNumber(report.keys[0].detail, "unix_nano"), kSeed);
  // The originals are untouched.
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(a));
  EXPECT_EQ(still, families_testing::DarkBitEncrypt(pdf, "report.pdf",
                                                    Params(kSeed, 0)));
}

TEST(DarkBitTest, TheMibReadingIsTriedWhenKibDoesNotVerify) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 40'000);
  const Path path = AddVictimFile(
      fs, "big.pdf", pdf, Params(kSeed, 0, kRename, DarkBitReading::kMib));
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(Around(kSeed, 100))));
  const FileOutcome* f = Find(report, path);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->variant, "mib");
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
  EXPECT_EQ(out, pdf);
}

TEST(DarkBitTest, WithoutARangeTheWindowStartsTenSecondsBeforeTheName) {
  // The seed 1.2 us after the estimate (the countdown before the rename):
  // the search's first chunk holds it.
  const std::uint64_t rename = 1700000000;
  const auto seed = static_cast<std::int64_t>(DarkBitEstimate(rename) + 1200);
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes doc = MakeSample(FileKind::kOoxml, 2000);
  const Path path =
      AddVictimFile(fs, "letter.docx", doc, Params(seed, 0, rename));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Search()));
  const FileOutcome* f = Find(report, path);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "letter.docx"));
  EXPECT_EQ(out, doc);
}

TEST(DarkBitTest, AFileOfAnotherRunIsNotInTheStream) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  AddVictimFile(fs, "a.pdf", pdf, Params(kSeed, 0));
  const Path other =
      AddVictimFile(fs, "b.pdf", pdf, Params(kSeed + 5 * kNs, 0, kRename + 7));
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(Around(kSeed, 100))));
  const FileOutcome* f = Find(report, other);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverDarkbitNotInStream)
      << RenderEnglish(f->detail);
  EXPECT_TRUE(HasDeclaredArgs(f->detail));
}

TEST(DarkBitTest, AWindowWithoutTheSeedSaysSoAndTouchesNothing) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  const Path path = AddVictimFile(fs, "a.pdf", pdf, Params(kSeed, 0));
  const auto s = static_cast<std::uint64_t>(kSeed);
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(std::pair{s + 5000, s + 9000})));
  ASSERT_EQ(report.files.size(), 1u);
  const FileOutcome& f = report.files[0];
  EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f.detail.id, MessageId::kRecoverDarkbitSeedNotFound)
      << RenderEnglish(f.detail);
  EXPECT_TRUE(HasDeclaredArgs(f.detail));
  EXPECT_EQ(ArgNumber(f.detail, "covered_first"),
            static_cast<std::int64_t>(s + 5000));
  EXPECT_EQ(ArgNumber(f.detail, "covered_last"),
            static_cast<std::int64_t>(s + 9000));
  ASSERT_OK_AND_ASSIGN(auto entries, fs.ListDir(kDir));
  EXPECT_EQ(entries.size(), 1u);
  (void)path;
}

TEST(DarkBitTest, WithoutTheFamilyAFileSaysHowToAskAndADamagedOneIsAnError) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  const Path path = AddVictimFile(fs, "a.pdf", pdf, Params(kSeed, 0));
  // Named as DarkBit names files, with no footer.
  ASSERT_THAT(fs.AddFile(kDir / "abcdefgh1676212399.Darkbit", pdf, 0), IsOk());
  RecoverOptions options = Search();
  options.family.clear();
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, path);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->decryptor, "darkbit");
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverDarkbitSearchNeeded);
  const FileOutcome* bare = Find(report, kDir / "abcdefgh1676212399.Darkbit");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->status, RecoverStatus::kError);
  EXPECT_EQ(bare->detail.id, MessageId::kRecoverDarkbitNoFooter);
  // --key is refused: every file has its own.
  options.family = "darkbit";
  options.key = SecretBytes(Bytes(16, 1));
  EXPECT_EQ(Recover(fs, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::families
