#include "families/linux_encoder/linux_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/linux_encoder/layout.h"
#include "families/linux_encoder/testing/specimens.h"
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
using families_testing::LinuxEncoderEncrypt;
using families_testing::LinuxEncoderParams;
using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::int64_t kSecond = 1'000'000'000;
// §3.4's test vector seed: 2015-11-11 15:26:57 UTC.
constexpr std::uint32_t kSeed = 1447255617;

RecoverOptions Options(
    std::optional<std::pair<std::uint64_t, std::uint64_t>> range = std::nullopt,
    std::optional<std::uint64_t> around = std::nullopt) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "linux-encoder";
  options.seed_range = range;
  options.seed_around = around;
  options.journal_dir = "/state";
  return options;
}

LinuxEncoderParams Params(std::uint32_t seed, std::uint32_t index,
                          std::uint32_t mode = 0100644) {
  LinuxEncoderParams params;
  params.seed = seed;
  params.index = index;
  params.mode = mode;
  return params;
}

// A plaintext size whose low nibble differs from the one the malware drew
// for file `index` of `seed`, so that the two IV readings differ.
std::size_t SizeWithOtherNibble(std::uint32_t seed, std::uint32_t index,
                                std::size_t around) {
  const unsigned drawn = LinuxEncoderKeyAt(seed, index).iv[15] & 0x0fu;
  std::size_t size = around;
  while (size % 16 == drawn) ++size;
  return size;
}

TEST(LinuxEncoderTest, KeysOfTheSpec) {
  // §3.4's test vector: seed -> file 0 and file 1 keys and IVs.
  const LinuxEncoderKey first = LinuxEncoderKeyAt(kSeed, 0);
  EXPECT_EQ(std::string(first.key.view().begin(), first.key.view().end()),
            ".rDeeSw'H569?.73");
  EXPECT_EQ(ToHex(ByteView(first.iv.data(), first.iv.size())),
            "d2d190cf93730253c402a656b0763d07");
  const LinuxEncoderKey second = LinuxEncoderKeyAt(kSeed, 1);
  EXPECT_EQ(std::string(second.key.view().begin(), second.key.view().end()),
            "G.9fiDrBmMzQq.Yh");
  EXPECT_EQ(ToHex(ByteView(second.iv.data(), second.iv.size())),
            "6b0a832043f7020b0e5d7d4b484025ea");
}

TEST(LinuxEncoderTest, TheScansFindTheIvOfAnyFileOfAnySeed) {
  for (const std::uint32_t seed : {0u, 1u, kSeed, 0xffffffffu}) {
    SCOPED_TRACE(seed);
    LinuxEncoderIv iv = LinuxEncoderKeyAt(seed, 777).iv;
    iv[15] ^= 0x0f;  // The size nibble is not compared.
    EXPECT_EQ(FindLinuxEncoderIv(seed, 1000, iv), 777u);
    EXPECT_EQ(FindLinuxEncoderIv(seed, 777, iv), std::nullopt);
    // Counts that are not a multiple of the four lanes, the seed in each
    // position.
    for (std::uint64_t first :
         {std::uint64_t{seed} - std::min(seed, 5u), std::uint64_t{seed}}) {
      const std::uint64_t last =
          std::min<std::uint64_t>(std::uint64_t{seed} + 2, 0xffffffffULL);
      std::vector<std::uint64_t> hits;
      ScanLinuxEncoderSeeds(first, static_cast<std::uint32_t>(last - first + 1),
                            1000, iv, hits);
      EXPECT_THAT(hits, ElementsAreArray({std::uint64_t{seed}}));
    }
    const std::vector<std::uint64_t> prefixes =
        LinuxEncoderIvPrefixes(seed, 800);
    EXPECT_EQ(prefixes[777], LinuxEncoderIvPrefix(iv));
  }
}

TEST(LinuxEncoderTest, HeadersOfTheSpecAndOthers) {
  const Bytes plain = MakeSample(FileKind::kPdf, 1000);
  const Bytes file = LinuxEncoderEncrypt(plain, Params(kSeed, 0, 0100600));
  auto header = ParseLinuxEncoderHeader(file, file.size());
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->mode, 0100600u);
  EXPECT_EQ(header->blob_bytes, 256u);
  EXPECT_EQ(header->header_bytes, 280u);
  EXPECT_EQ(header->OriginalSize(), plain.size());
  // A mode no regular file has, a blob length of 0 or past the head, a
  // file cut inside its header.
  Bytes bad_mode = file;
  bad_mode[2] = 0x01;
  EXPECT_FALSE(ParseLinuxEncoderHeader(bad_mode, bad_mode.size()));
  Bytes no_blob = file;
  no_blob[4] = no_blob[5] = 0;
  EXPECT_FALSE(ParseLinuxEncoderHeader(no_blob, no_blob.size()));
  Bytes huge_blob = file;
  huge_blob[5] = 0x10;  // 4352 bytes.
  EXPECT_FALSE(ParseLinuxEncoderHeader(huge_blob, huge_blob.size()));
  EXPECT_FALSE(ParseLinuxEncoderHeader(ByteView(file).First(279), 279));
  // No ciphertext: an empty original, unless the nibble says otherwise.
  const Bytes empty = LinuxEncoderEncrypt(ByteView(), Params(kSeed, 2));
  ASSERT_EQ(empty.size(), 280u);
  EXPECT_EQ(ParseLinuxEncoderHeader(empty, empty.size())->OriginalSize(), 0u);
  // Not whole blocks: truncated, no original size.
  auto cut = ParseLinuxEncoderHeader(ByteView(file).First(file.size() - 5),
                                     file.size() - 5);
  ASSERT_TRUE(cut.has_value());
  EXPECT_FALSE(cut->OriginalSize().has_value());
}

TEST(LinuxEncoderTest, ASearchFromTheFilesTimesRecoversEveryFileAndItsMode) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  struct Original {
    std::string name;
    Bytes plain;
    std::uint32_t mode;
  };
  const std::vector<Original> originals = {
      {"report.pdf", MakeSample(FileKind::kPdf, 3001), 0100600},
      {"logo.png", MakeSample(FileKind::kPng, 1000), 0100644},
      {"site.zip", MakeSample(FileKind::kZip, 2048), 0100755},
      {"notes.txt", MakeSample(FileKind::kText, 999), 0100640},
      {"empty.txt", Bytes(), 0100644},
  };
  std::vector<Bytes> encrypted;
  for (std::uint32_t i = 0; i < originals.size(); ++i) {
    encrypted.push_back(LinuxEncoderEncrypt(
        originals[i].plain, Params(kSeed, i * 3, originals[i].mode)));
    // Encrypted in order, a few seconds after srand.
    ASSERT_THAT(fs.AddFile(kDir / (originals[i].name + ".encrypted"),
                           encrypted.back(), (kSeed + 4 + i) * kSecond),
                IsOk());
  }
  // Bitdefender's window around the earliest file's time: no range given.
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  for (std::uint32_t i = 0; i < originals.size(); ++i) {
    const Original& o = originals[i];
    SCOPED_TRACE(o.name);
    const FileOutcome* f = Find(report, kDir / (o.name + ".encrypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_EQ(f->decryptor, "linux-encoder");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / o.name));
    EXPECT_THAT(out, ElementsAreArray(o.plain));
    ASSERT_OK_AND_ASSIGN(FileInfo info, fs.Stat(kDir / o.name));
    // The original's bits, no more read or write than the 0644 copy.
    EXPECT_EQ(info.mode, (o.mode & 0777u & 0755u) | 0400u);
    // The detail carries the seed and the file's own key.
    const Message* key =
        Nested(f->detail, MessageId::kRecoverLinuxEncoderFileKey);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_EQ(ArgNumber(*key, "seed"), kSeed);
    EXPECT_EQ(ArgNumber(*key, "index"), i * 3);
    const LinuxEncoderKey drawn = LinuxEncoderKeyAt(kSeed, i * 3);
    EXPECT_EQ(ArgText(*key, "key_hex"), ToHex(drawn.key.view()));
    EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("2015-11-11 15:26:57 UTC"));
    // The encrypted file is untouched.
    ASSERT_OK_AND_ASSIGN(Bytes still,
                         fs.Contents(kDir / (o.name + ".encrypted")));
    EXPECT_THAT(still, ElementsAreArray(encrypted[i]));
  }
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "linux-encoder");
  EXPECT_EQ(report.keys[0].key_hex, "56435e41" /* 1447255617 */);
  EXPECT_EQ(report.keys[0].detail.id, MessageId::kRecoverLinuxEncoderSeedFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
}

TEST(LinuxEncoderTest, EverySizeIsCutBackToTheOriginal) {
  // Around the block, the probe head and the stream chunk, and past what a
  // sample is held whole in memory (16 MiB).
  const std::vector<std::size_t> sizes = {1,
                                          15,
                                          16,
                                          17,
                                          31,
                                          32,
                                          33,
                                          4095,
                                          4096,
                                          4097,
                                          256 * 1024 + 7,
                                          20 * 1024 * 1024 + 3};
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  std::vector<Bytes> plains;
  for (std::uint32_t i = 0; i < sizes.size(); ++i) {
    plains.push_back(formats::samples::MakeText(sizes[i]));
    ASSERT_EQ(plains.back().size(), sizes[i]);
    ASSERT_THAT(fs.AddFile(kDir / ("f" + std::to_string(i) + ".txt.encrypted"),
                           LinuxEncoderEncrypt(plains.back(), Params(kSeed, i)),
                           (kSeed + 1) * kSecond),
                IsOk());
  }
  ASSERT_OK_AND_ASSIGN(
      RecoverReport report,
      Recover(fs, Options(std::make_pair(kSeed - 5, kSeed + 5))));
  for (std::uint32_t i = 0; i < sizes.size(); ++i) {
    SCOPED_TRACE(sizes[i]);
    const std::string name = "f" + std::to_string(i) + ".txt";
    const FileOutcome* f = Find(report, kDir / (name + ".encrypted"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_EQ(out.size(), sizes[i]);
    EXPECT_TRUE(out == plains[i]);
  }
}

TEST(LinuxEncoderTest, AFileWhoseNamePromisesNoTypeIsTakenOnItsIv) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 1500);
  ASSERT_THAT(fs.AddFile(kDir / "dump.dat.encrypted",
                         LinuxEncoderEncrypt(pdf, Params(kSeed, 5))),
              IsOk());
  ASSERT_OK_AND_ASSIGN(
      RecoverReport report,
      Recover(fs, Options(std::make_pair(kSeed - 5, kSeed + 5))));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "dump.dat"));
  EXPECT_THAT(out, ElementsAreArray(pdf));
}

TEST(LinuxEncoderTest, SeedsAnywhereInTheSpaceAreFound) {
  // The ends of the 32-bit space (srand(0) starts from 0xffffffff) and a
  // time of today's order.
  for (const std::uint32_t seed : {0u, 1u, 1'700'000'000u, 0xffffffffu}) {
    SCOPED_TRACE(seed);
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    const Bytes gif = MakeSample(FileKind::kGif, 700);
    ASSERT_THAT(fs.AddFile(kDir / "a.gif.encrypted",
                           LinuxEncoderEncrypt(gif, Params(seed, 9))),
                IsOk());
    const std::uint64_t first = seed > 300 ? seed - 300 : 0;
    const std::uint64_t last =
        std::min<std::uint64_t>(std::uint64_t{seed} + 300, 0xffffffffULL);
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         Recover(fs, Options(std::make_pair(first, last))));
    ASSERT_EQ(report.files.size(), 1u);
    EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
        << RenderEnglish(report.files[0].detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "a.gif"));
    EXPECT_THAT(out, ElementsAreArray(gif));
  }
}

TEST(LinuxEncoderTest, BothReadingsOfTheIvAreTriedAndTheOneThatFitsSaid) {
  // §3.4 step 4: encrypted with the stored IV (Bitdefender's reading) or
  // with the drawn one; a PNG's first block checks byte 15 ("IHDR").
  for (const bool drawn : {false, true}) {
    SCOPED_TRACE(drawn);
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    const Bytes png =
        MakeSample(FileKind::kPng, SizeWithOtherNibble(kSeed, 0, 900));
    LinuxEncoderParams params = Params(kSeed, 0);
    params.encrypt_with_drawn_iv = drawn;
    ASSERT_THAT(fs.AddFile(kDir / "logo.png.encrypted",
                           LinuxEncoderEncrypt(png, params)),
                IsOk());
    ASSERT_OK_AND_ASSIGN(
        RecoverReport report,
        Recover(fs, Options(std::make_pair(kSeed - 50, kSeed + 50))));
    ASSERT_EQ(report.files.size(), 1u);
    const FileOutcome& f = report.files[0];
    EXPECT_EQ(f.status, RecoverStatus::kRecovered) << RenderEnglish(f.detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "logo.png"));
    EXPECT_THAT(out, ElementsAreArray(png));
    const Message* key =
        Nested(f.detail, MessageId::kRecoverLinuxEncoderFileKey);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(ArgText(*key, "iv"), drawn ? "generated" : "stored");
    ASSERT_EQ(report.keys.size(), 1u);
    EXPECT_EQ(ArgText(report.keys[0].detail, "iv"),
              drawn ? "generated" : "stored");
  }
}

TEST(LinuxEncoderTest,
     AWindowWithoutTheSeedSaysWhatItCoveredAndTouchesNothing) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes encrypted =
      LinuxEncoderEncrypt(MakeSample(FileKind::kPdf, 1000), Params(kSeed, 0));
  // Its time says an hour later than the attack (a copy that kept no time).
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.encrypted", encrypted,
                         (kSeed + 7200) * kSecond),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  ASSERT_EQ(report.files.size(), 1u);
  const FileOutcome& f = report.files[0];
  EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f.detail.id, MessageId::kRecoverLinuxEncoderSeedNotFound)
      << RenderEnglish(f.detail);
  EXPECT_TRUE(HasDeclaredArgs(f.detail));
  EXPECT_EQ(ArgNumber(f.detail, "covered_first"), kSeed + 7200 - 3599);
  EXPECT_EQ(ArgNumber(f.detail, "covered_last"), kSeed + 7200 + 60);
  EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("2015-11-11 16:26:58 UTC"));
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf.encrypted"));
  EXPECT_THAT(still, ElementsAreArray(encrypted));
  EXPECT_FALSE(fs.Exists(kDir / "report.pdf"));
  EXPECT_TRUE(report.keys.empty());
  // --around the attack's time finds it.
  ASSERT_OK_AND_ASSIGN(RecoverReport around,
                       Recover(fs, Options(std::nullopt, kSeed + 30)));
  ASSERT_EQ(around.files.size(), 1u);
  EXPECT_EQ(around.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(around.files[0].detail);
}

TEST(LinuxEncoderTest, DamagedFilesGetAClearStatusAndNothingIsTouched) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 4000);
  const Bytes good = LinuxEncoderEncrypt(pdf, Params(kSeed, 0));
  const Bytes jpeg = MakeSample(FileKind::kJpeg, 3000);
  const Bytes whole = LinuxEncoderEncrypt(jpeg, Params(kSeed, 1));
  // Cut inside the ciphertext, not on a block: the key fits, the end is
  // missing.
  const Bytes cut(whole.begin(), whole.end() - 1000);
  // Cut inside the header; a header whose blob length is absurd; a flipped
  // ciphertext byte.
  const Bytes stub(good.begin(), good.begin() + 100);
  Bytes absurd = good;
  absurd[6] = 0x7f;
  Bytes flipped =
      LinuxEncoderEncrypt(MakeSample(FileKind::kPng, 2000), Params(kSeed, 2));
  flipped[flipped.size() - 700] ^= 0x10;
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"a.pdf.encrypted", good},    {"b.jpg.encrypted", cut},
      {"c.pdf.encrypted", stub},    {"d.pdf.encrypted", absurd},
      {"e.png.encrypted", flipped}, {"f.pdf.encrypted", Bytes()},
  };
  for (const auto& [name, bytes] : files) {
    ASSERT_THAT(fs.AddFile(kDir / name, bytes, (kSeed + 2) * kSecond), IsOk());
  }
  ASSERT_OK_AND_ASSIGN(
      RecoverReport report,
      Recover(fs, Options(std::make_pair(kSeed - 20, kSeed + 20))));
  auto status = [&](const std::string& name) {
    const FileOutcome* f = Find(report, kDir / name);
    return f != nullptr ? f->status : RecoverStatus::kUnsupported;
  };
  EXPECT_EQ(status("a.pdf.encrypted"), RecoverStatus::kRecovered);
  EXPECT_EQ(status("b.jpg.encrypted"), RecoverStatus::kUnverified);
  const FileOutcome* cut_outcome = Find(report, kDir / "b.jpg.encrypted");
  ASSERT_NE(cut_outcome, nullptr);
  EXPECT_NE(Nested(cut_outcome->detail, MessageId::kRecoverKeyFitsTruncated),
            nullptr)
      << RenderEnglish(cut_outcome->detail);
  EXPECT_EQ(status("c.pdf.encrypted"), RecoverStatus::kError);
  EXPECT_EQ(status("d.pdf.encrypted"), RecoverStatus::kError);
  const FileOutcome* stub_outcome = Find(report, kDir / "c.pdf.encrypted");
  ASSERT_NE(stub_outcome, nullptr);
  EXPECT_EQ(stub_outcome->detail.id, MessageId::kRecoverLinuxEncoderBadHeader)
      << RenderEnglish(stub_outcome->detail);
  EXPECT_EQ(status("e.png.encrypted"), RecoverStatus::kUnverified);
  EXPECT_NE(status("f.pdf.encrypted"), RecoverStatus::kRecovered);
  for (const auto& [name, bytes] : files) {
    ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / name));
    EXPECT_THAT(still, ElementsAreArray(bytes)) << name;
  }
  EXPECT_FALSE(fs.Exists(kDir / "c.pdf"));
  EXPECT_FALSE(fs.Exists(kDir / "d.pdf"));
}

TEST(LinuxEncoderTest, WithoutFamilyTheHeaderPicksLinuxEncoder) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes docx = MakeSample(FileKind::kOoxml, 2500);
  ASSERT_THAT(fs.AddFile(kDir / "budget.docx.encrypted",
                         LinuxEncoderEncrypt(docx, Params(kSeed, 0)),
                         (kSeed + 1) * kSecond),
              IsOk());
  // Another family's `.encrypted` file (no such header) is left alone.
  ASSERT_THAT(fs.AddFile(kDir / "other.doc.encrypted",
                         formats::samples::PseudoRandomBytes(1000 * 16 + 8, 5),
                         (kSeed + 1) * kSecond),
              IsOk());
  RecoverOptions options;
  options.paths = {kDir};
  options.journal_dir = "/state";
  std::vector<Message> plans;
  options.on_key_search_plan = [&](std::string_view decryptor,
                                   const Message& plan) {
    EXPECT_EQ(decryptor, "linux-encoder");
    plans.push_back(plan);
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, kDir / "budget.docx.encrypted");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->decryptor, "linux-encoder");
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "budget.docx"));
  EXPECT_THAT(out, ElementsAreArray(docx));
  const FileOutcome* other = Find(report, kDir / "other.doc.encrypted");
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->decryptor, "linux-encoder");
  // It said what it would search, as times, before it ran.
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].id, MessageId::kRecoverLinuxEncoderSearchPlan);
  EXPECT_TRUE(HasDeclaredArgs(plans[0]));
  EXPECT_THAT(RenderEnglish(plans[0]), HasSubstr("3660 seeds"));
  EXPECT_THAT(RenderEnglish(plans[0]), HasSubstr("2015-11-11 14:26:59 UTC"));
}

TEST(LinuxEncoderTest, TwoRunsOfTheMalwareAreTwoSeeds) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t later = kSeed + 86'400;  // Run again a day later.
  const Bytes a = MakeSample(FileKind::kPdf, 1200);
  const Bytes b = MakeSample(FileKind::kGzip, 1200);
  ASSERT_THAT(fs.AddFile(kDir / "a.pdf.encrypted",
                         LinuxEncoderEncrypt(a, Params(kSeed, 0)),
                         (kSeed + 3) * kSecond),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "b.gz.encrypted",
                         LinuxEncoderEncrypt(b, Params(later, 4)),
                         (later + 3) * kSecond),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  EXPECT_EQ(report.counts[static_cast<std::size_t>(RecoverStatus::kRecovered)],
            2u);
  ASSERT_EQ(report.keys.size(), 2u);
  EXPECT_EQ(ArgNumber(report.keys[0].detail, "seed"), kSeed);
  EXPECT_EQ(ArgNumber(report.keys[1].detail, "seed"), later);
}

TEST(LinuxEncoderTest, ThePrintedSeedDecryptsWithoutASearch) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  ASSERT_THAT(fs.AddFile(kDir / "a.pdf.encrypted",
                         LinuxEncoderEncrypt(pdf, Params(kSeed, 12))),
              IsOk());
  RecoverOptions options = Options();
  options.key = *SecretBytes::FromHex("56435e41");
  bool searched = false;
  options.on_key_search_plan = [&](std::string_view, const Message&) {
    searched = true;
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  EXPECT_FALSE(searched);
  // A key of another size, an --iv, a range past 32 bits: refused.
  options.key = *SecretBytes::FromHex("00112233445566778899aabbccddeeff");
  EXPECT_EQ(Recover(fs, options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Recover(fs, Options(std::make_pair(0, 1ULL << 32))).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(LinuxEncoderTest, ASeedWhoseKeyDoesNotDecryptTheSampleIsNotAccepted) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  // The IV the seed draws, but a ciphertext no key of it made (a build
  // that makes its keys otherwise).
  Bytes file =
      LinuxEncoderEncrypt(MakeSample(FileKind::kPdf, 1000), Params(kSeed, 0));
  const Bytes noise =
      formats::samples::PseudoRandomBytes(file.size() - 280, 77);
  std::copy(noise.begin(), noise.end(), file.begin() + 280);
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.encrypted", file), IsOk());
  ASSERT_OK_AND_ASSIGN(
      RecoverReport report,
      Recover(fs, Options(std::make_pair(kSeed - 10, kSeed + 10))));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverLinuxEncoderKeyMisfit)
      << RenderEnglish(report.files[0].detail);
  EXPECT_EQ(ArgNumber(report.files[0].detail, "seed"), kSeed);
  EXPECT_FALSE(fs.Exists(kDir / "report.pdf"));
}

}  // namespace
}  // namespace kintsugi::families
