#include "families/dma_locker/dma_locker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/dma_locker/layout.h"
#include "families/dma_locker/testing/specimens.h"
#include "families/seed_clock.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::ArgNumber;
using kintsugi::testing::Nested;

using families_testing::ArgText;
using families_testing::Find;
using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::int64_t kNs = 1'000'000'000;

std::string Chars(const std::array<std::uint8_t, 32>& key) {
  return std::string(key.begin(), key.end());
}

Bytes Encrypted(ByteView plain, std::uint32_t seed, DmaKeyGenerator generator,
                std::uint64_t index) {
  const auto key = families_testing::DmaLockerStreamKey(seed, generator, index);
  return families_testing::DmaLockerEncrypt(plain,
                                            ByteView(key.data(), key.size()));
}

// A file encrypted with key `index` of srand(seed), modified `after`
// seconds after the seed (the attack's start).
void AddVictimFile(io::MemoryFileSystem& fs, const std::string& name,
                   ByteView plain, std::uint32_t seed,
                   DmaKeyGenerator generator, std::uint64_t index,
                   std::int64_t after) {
  ASSERT_THAT(fs.AddFile(kDir / name, Encrypted(plain, seed, generator, index),
                         (static_cast<std::int64_t>(seed) + after) * kNs),
              IsOk());
}

RecoverOptions Search(std::uint64_t first, std::uint64_t last,
                      std::optional<std::uint64_t> around = std::nullopt) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "dma-locker";
  options.seed_range = std::make_pair(first, last);
  options.seed_around = around;
  options.journal_dir = "/state";
  return options;
}

TEST(DmaLockerTest, KeysOfTheSpec) {
  // §3.5 "Test vector": srand(1456000000), generator v1.
  prng::MsvcRand random(1456000000);
  EXPECT_EQ(Chars(DmaNextKey(DmaKeyGenerator::kV1, random)),
            "goHOS1Xir11TB19CJ72XFMQYjRI7L9Ke");
  EXPECT_EQ(Chars(DmaNextKey(DmaKeyGenerator::kV1, random)),
            "D05UTy63OXYTysS6B1M0AG80qKqsdJFY");
  // v2: one rand() a byte, (r mod 254) + 1: srand(1) starts 41, 18467.
  prng::MsvcRand one(1);
  const auto v2 = DmaNextKey(DmaKeyGenerator::kV2, one);
  EXPECT_EQ(v2[0], 41 % 254 + 1);
  EXPECT_EQ(v2[1], 18467 % 254 + 1);
  for (std::uint8_t b : v2) EXPECT_NE(b, 0);
}

TEST(DmaLockerTest, OnlyWholeBlocksAtEachChunkStartAreEncrypted) {
  // 1000 bytes: 45 chunks of 22 (one block each, 6 bytes plain) and a
  // 10-byte remainder, plain.
  const Bytes zeros(1000, 0);
  const Bytes key(32, 7);
  Bytes data = zeros;
  ASSERT_THAT(DmaTransform(key, data.size(), data, /*encrypt=*/true), IsOk());
  for (std::size_t i = 0; i < data.size(); ++i) {
    const bool in_block = i < 45 * 22 && i % 22 < 16;
    if (!in_block) {
      EXPECT_EQ(data[i], 0) << "byte " << i << " should stay plaintext";
    }
  }
  EXPECT_NE(Bytes(data.begin(), data.begin() + 16), Bytes(16, 0));
  ASSERT_THAT(DmaTransform(key, data.size(), data, /*encrypt=*/false), IsOk());
  EXPECT_EQ(data, zeros);
  EXPECT_TRUE(DmaLayout(720).FirstBlockEncrypted());
  EXPECT_FALSE(DmaLayout(719).FirstBlockEncrypted());
  // 700 bytes: chunks of 15 hold no block; the 25-byte remainder one.
  const DmaLayout small(700);
  EXPECT_TRUE(small.AnyEncrypted());
  EXPECT_TRUE(small.At(675).encrypted);
  EXPECT_FALSE(small.At(691).encrypted);
  EXPECT_FALSE(DmaLayout(15).AnyEncrypted());
}

TEST(DmaLockerTest, TheStreamDecryptsWhateverTheChunks) {
  const Bytes plain = MakeSample(FileKind::kPdf, 5000);
  const Bytes key(32, 0x42);
  const Bytes file = families_testing::DmaLockerEncrypt(plain, key);
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    ASSERT_OK_AND_ASSIGN(auto stream, StartDmaDecryption(key, file.size()));
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
  // A stream that ends early says so.
  ASSERT_OK_AND_ASSIGN(auto cut, StartDmaDecryption(key, file.size()));
  Bytes buffer(file.size() + 16);
  ASSERT_THAT(cut->Update(ByteView(file).First(file.size() - 5), buffer),
              IsOk());
  EXPECT_EQ(cut->Finish(buffer).status().code(), StatusCode::kCorrupt);
}

TEST(DmaLockerTest, TheWindowComesFromTheOptionsOrTheFilesTime) {
  recover::SeedSearchInputs seed;
  ASSERT_OK_AND_ASSIGN(auto none,
                       ResolveClockWindow(seed, std::nullopt, 10, 2));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(auto estimate, ResolveClockWindow(seed, 1000, 10, 2));
  ASSERT_TRUE(estimate.has_value());
  EXPECT_EQ(estimate->first, 990u);
  EXPECT_EQ(estimate->last, 1002u);
  EXPECT_EQ(estimate->center, 1000u);
  seed.around = 5;
  ASSERT_OK_AND_ASSIGN(auto around, ResolveClockWindow(seed, 1000, 10, 2));
  EXPECT_EQ(around->first, 0u);
  EXPECT_EQ(around->last, 15u);
  EXPECT_EQ(around->center, 5u);
  seed.around.reset();
  seed.range = std::make_pair(std::uint64_t{100}, std::uint64_t{200});
  ASSERT_OK_AND_ASSIGN(auto range, ResolveClockWindow(seed, 1000, 10, 2));
  EXPECT_EQ(range->first, 100u);
  EXPECT_EQ(range->last, 200u);
  EXPECT_EQ(range->center, 200u);  // The estimate, clamped.
  seed.range = std::make_pair(std::uint64_t{0}, std::uint64_t{1} << 32);
  EXPECT_EQ(ResolveClockWindow(seed, 1000, 10, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(UtcTime(1456000000), "2016-02-20 20:26:40");
}

TEST(DmaLockerTest, ASearchFindsTheSeedAndEveryFilesKey) {
  // The attack began at 2016-02-20 20:26:40 (v1, §3.5's build era); three
  // files, keys 0, 1 and 3 of the stream (key 2's file is not given).
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t seed = 1456000000;
  const Bytes pdf = MakeSample(FileKind::kPdf, 3000);
  const Bytes png = MakeSample(FileKind::kPng, 2000);
  const Bytes jpg = MakeSample(FileKind::kJpeg, 5000);
  AddVictimFile(fs, "report.pdf", pdf, seed, DmaKeyGenerator::kV1, 0, 4);
  AddVictimFile(fs, "photo.png", png, seed, DmaKeyGenerator::kV1, 1, 5);
  AddVictimFile(fs, "cat.jpg", jpg, seed, DmaKeyGenerator::kV1, 3, 9);
  // The window reaches 3000 s below and 100 s above the earliest file;
  // without --around the search starts at that file's time.
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(seed - 3000, seed + 100)));
  for (const auto& [name, plain] :
       {std::pair{"report.pdf", &pdf}, std::pair{"photo.png", &png},
        std::pair{"cat.jpg", &jpg}}) {
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->status, RecoverStatus::kRecovered)
        << name << ": " << RenderEnglish(f->detail);
    EXPECT_EQ(f->variant, "v1");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_THAT(out, ElementsAreArray(*plain)) << name;
    // The detail says which seed and key.
    const Message* key = Nested(f->detail, MessageId::kRecoverDmaLockerKey);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_EQ(ArgNumber(*key, "seed"), seed);
  }
  const FileOutcome* jpg_outcome = Find(report, kDir / "cat.jpg");
  const Message* jpg_key =
      Nested(jpg_outcome->detail, MessageId::kRecoverDmaLockerKey);
  EXPECT_EQ(ArgNumber(*jpg_key, "index"), 3);
  const auto key3 =
      families_testing::DmaLockerStreamKey(seed, DmaKeyGenerator::kV1, 3);
  EXPECT_EQ(ArgText(*jpg_key, "key"), ToHex(ByteView(key3.data(), 32)));
  // The originals are untouched; outputs sit beside them.
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf"));
  EXPECT_EQ(still, Encrypted(pdf, seed, DmaKeyGenerator::kV1, 0));
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "dma-locker");
  EXPECT_EQ(report.keys[0].detail.id, MessageId::kRecoverDmaLockerSeedFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
  EXPECT_THAT(RenderEnglish(report.keys[0].detail),
              HasSubstr("2016-02-20 20:26:40"));
}

TEST(DmaLockerTest, SeedsAnywhereInTheSpaceAndTheSecondGenerator) {
  // v2 keys, seeds at both ends of the 32-bit space.
  for (std::uint32_t seed : {std::uint32_t{7}, std::uint32_t{4294967000}}) {
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    const Bytes doc = MakeSample(FileKind::kOle2, 1500);
    ASSERT_GE(doc.size(), 720u);
    AddVictimFile(fs, "a.doc", doc, seed, DmaKeyGenerator::kV2, 2, 1);
    RecoverOptions options = Search(seed > 200 ? seed - 200 : 0, seed + 200);
    ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
    ASSERT_EQ(report.files.size(), 1u);
    EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
        << seed << ": " << RenderEnglish(report.files[0].detail);
    EXPECT_EQ(report.files[0].variant, "v2")
        << report.files[0].key_source << " " << report.files[0].decryptor << " "
        << RenderEnglish(report.files[0].detail);
  }
}

TEST(DmaLockerTest, ASampleThatDoesNotVerifyNeedsAnotherFileOfTheStream) {
  // The earliest file is a PDF our validator finds fault with (no %%EOF):
  // its key passes the header test, but only another file taking a key of
  // the same stream confirms it.
  const std::uint32_t seed = 1457000000;
  Bytes odd = MakeSample(FileKind::kPdf, 3000);
  const std::string pdf_text(odd.begin(), odd.end());
  const std::size_t eof = pdf_text.rfind("%%EOF");
  ASSERT_NE(eof, std::string::npos);
  odd[eof + 4] = 'X';
  for (bool witness : {false, true}) {
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    AddVictimFile(fs, "odd.pdf", odd, seed, DmaKeyGenerator::kV1, 0, 1);
    if (witness) {
      AddVictimFile(fs, "photo.png", MakeSample(FileKind::kPng, 2000), seed,
                    DmaKeyGenerator::kV1, 1, 2);
    }
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         Recover(fs, Search(seed - 20, seed + 20)));
    const FileOutcome* f = Find(report, kDir / "odd.pdf");
    ASSERT_NE(f, nullptr);
    if (!witness) {
      EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound)
          << RenderEnglish(f->detail);
      continue;
    }
    // Decrypted with the right key, and kept as unverified (it does not
    // verify, as its original did not).
    EXPECT_EQ(f->status, RecoverStatus::kUnverified)
        << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_EQ(out, odd);
    const FileOutcome* png = Find(report, kDir / "photo.png");
    ASSERT_NE(png, nullptr);
    EXPECT_EQ(png->status, RecoverStatus::kRecovered);
  }
}

TEST(DmaLockerTest, ASmallFileIsCheckedWhole) {
  // 700 bytes: its first block is plain, one block of the remainder
  // chunk is not; the key is told by the whole file verifying.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t seed = 1460000000;
  const Bytes big = MakeSample(FileKind::kPdf, 2000);
  Bytes small = formats::samples::MakeText(700);
  ASSERT_EQ(small.size(), 700u);
  AddVictimFile(fs, "big.pdf", big, seed, DmaKeyGenerator::kV1, 0, 1);
  AddVictimFile(fs, "notes.txt", small, seed, DmaKeyGenerator::kV1, 1, 2);
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(seed - 10, seed + 10)));
  const FileOutcome* f = Find(report, kDir / "notes.txt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
  EXPECT_EQ(out, small);
}

TEST(DmaLockerTest, AWindowWithoutTheSeedSaysWhatItCoveredAndTouchesNothing) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 1000);
  const std::uint32_t seed = 1456000000;
  AddVictimFile(fs, "report.pdf", pdf, seed, DmaKeyGenerator::kV1, 0, 1);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Search(1000, 1999)));
  ASSERT_EQ(report.files.size(), 1u);
  const FileOutcome& f = report.files[0];
  EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f.detail.id, MessageId::kRecoverSeedClockNotFound)
      << RenderEnglish(f.detail);
  EXPECT_TRUE(HasDeclaredArgs(f.detail));
  EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("from 1000 to 1999"));
  EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("1970-01-01 00:16:40"));
  EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("256 keys each"));
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf"));
  EXPECT_EQ(still, Encrypted(pdf, seed, DmaKeyGenerator::kV1, 0));
  ASSERT_OK_AND_ASSIGN(auto entries, fs.ListDir(kDir));
  EXPECT_EQ(entries.size(), 1u);
}

TEST(DmaLockerTest, DamagedFilesGetAClearStatus) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t seed = 1456000000;
  const Bytes pdf = MakeSample(FileKind::kPdf, 4000);
  AddVictimFile(fs, "good.pdf", pdf, seed, DmaKeyGenerator::kV1, 0, 1);
  // A marker and less than the header.
  Bytes stub(kDmaMarker.begin(), kDmaMarker.end());
  stub.resize(40, 0);
  ASSERT_THAT(fs.AddFile(kDir / "stub.doc", stub, (seed + 2) * kNs), IsOk());
  // A file cut short (the layout follows the size, so the decryption is
  // wrong past the first chunk), and one whose type nothing can check.
  Bytes cut = Encrypted(MakeSample(FileKind::kPdf, 4000), seed,
                        DmaKeyGenerator::kV1, 1);
  cut.resize(2500);
  ASSERT_THAT(fs.AddFile(kDir / "cut.pdf", cut, (seed + 3) * kNs), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "data.xyz",
                 Encrypted(Bytes(3000, 'x'), seed, DmaKeyGenerator::kV1, 2),
                 (seed + 4) * kNs),
      IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(seed - 5, seed + 5)));
  const FileOutcome* good = Find(report, kDir / "good.pdf");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->status, RecoverStatus::kRecovered);
  const FileOutcome* stub_outcome = Find(report, kDir / "stub.doc");
  ASSERT_NE(stub_outcome, nullptr);
  EXPECT_EQ(stub_outcome->status, RecoverStatus::kError);
  EXPECT_EQ(stub_outcome->detail.id, MessageId::kRecoverDmaLockerTooShort)
      << RenderEnglish(stub_outcome->detail);
  const FileOutcome* cut_outcome = Find(report, kDir / "cut.pdf");
  ASSERT_NE(cut_outcome, nullptr);
  // The key still fits its start, but the file does not verify: kept
  // only as unverified, saying why.
  EXPECT_EQ(cut_outcome->status, RecoverStatus::kUnverified)
      << RenderEnglish(cut_outcome->detail);
  const FileOutcome* xyz = Find(report, kDir / "data.xyz");
  ASSERT_NE(xyz, nullptr);
  EXPECT_EQ(xyz->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(xyz->detail.id, MessageId::kRecoverDmaLockerUncheckable)
      << RenderEnglish(xyz->detail);
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "cut.pdf"));
  EXPECT_EQ(still, cut);
}

TEST(DmaLockerTest, WithoutFamilyAMarkedFileSaysHowToSearch) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  AddVictimFile(fs, "report.pdf", MakeSample(FileKind::kPdf, 1000), 12345,
                DmaKeyGenerator::kV1, 0, 1);
  RecoverOptions options;
  options.paths = {kDir};
  options.journal_dir = "/state";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].decryptor, "dma-locker");
  EXPECT_EQ(report.files[0].status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverDmaLockerSearchNeeded)
      << RenderEnglish(report.files[0].detail);
}

TEST(DmaLockerTest, AGivenKeyDecryptsItsFileAndNotAnother) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t seed = 99;
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  AddVictimFile(fs, "a.pdf", pdf, seed, DmaKeyGenerator::kV2, 0, 1);
  AddVictimFile(fs, "b.pdf", pdf, seed, DmaKeyGenerator::kV2, 1, 2);
  const auto key =
      families_testing::DmaLockerStreamKey(seed, DmaKeyGenerator::kV2, 0);
  RecoverOptions options;
  options.paths = {kDir};
  options.family = "dma-locker";
  options.journal_dir = "/state";
  options.key = SecretBytes(ByteView(key.data(), key.size()));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* a = Find(report, kDir / "a.pdf");
  const FileOutcome* b = Find(report, kDir / "b.pdf");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->status, RecoverStatus::kRecovered) << RenderEnglish(a->detail);
  EXPECT_EQ(b->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(b->detail.id, MessageId::kRecoverGivenKeyNoHeader)
      << RenderEnglish(b->detail);
  options.key = SecretBytes(Bytes(16, 1));
  EXPECT_EQ(Recover(fs, options).status().code(), StatusCode::kInvalidArgument);
}

TEST(DmaLockerTest, AnUnknownGeneratorIsRefusedOnlyWhenChosen) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  AddVictimFile(fs, "a.pdf", MakeSample(FileKind::kPdf, 1000), 5,
                DmaKeyGenerator::kV1, 0, 1);
  RecoverOptions options = Search(0, 10);
  options.variant = "v3";
  EXPECT_EQ(Recover(fs, options).status().code(), StatusCode::kInvalidArgument);
  options.variant = "v1";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered);
}

}  // namespace
}  // namespace kintsugi::families
