#include "families/black_basta/black_basta.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/black_basta/block_search.h"
#include "families/black_basta/layout.h"
#include "families/black_basta/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/pipeline.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::ArgNumber;

using families_testing::BlackBastaSpecimen;
using families_testing::Find;
using families_testing::MakeBlackBastaBlock;
using ::testing::ElementsAre;

const Path kDir = "/victim";
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kGiB = 1ull << 30;

// --- The layout (§3.9 "Encrypted ranges") ---

TEST(BlackBastaLayoutTest, MediumFilesHaveABlockEvery192Bytes) {
  // §3.9's example: n = 10,000 gives 52 blocks, 0 ... 9,792.
  const BlackBastaLayout layout(10'000, 10'000);
  EXPECT_EQ(layout.size_class(), BlackBastaSizeClass::kMedium);
  EXPECT_EQ(layout.KBlockCount(), 52u);
  EXPECT_EQ(layout.KBlockFrom(0), 0u);
  EXPECT_EQ(layout.KBlockFrom(63), 0u);
  EXPECT_EQ(layout.KBlockFrom(64), 192u);
  EXPECT_EQ(layout.KBlockFrom(9'792), 9'792u);
  EXPECT_FALSE(layout.KBlockFrom(9'856).has_value());
  EXPECT_EQ(layout.KIndex(192 + 5), 5u);
  EXPECT_FALSE(layout.KIndex(100).has_value());
  EXPECT_TRUE(layout.Lost().empty());
  // A block must fit whole: 9,792 + 64 = 9,856 > 9,855.
  EXPECT_EQ(BlackBastaLayout(9'855, 9'855).KBlockCount(), 51u);
  EXPECT_EQ(BlackBastaLayout(9'856, 9'856).KBlockCount(), 52u);
}

TEST(BlackBastaLayoutTest, LargeFilesLoseBytes64To4999) {
  // §3.9's example: n = 2 GiB gives [0, 5000) plus 335,544 blocks, the last
  // at 2,147,480,200.
  const BlackBastaLayout layout(2 * kGiB, 2 * kGiB);
  EXPECT_EQ(layout.size_class(), BlackBastaSizeClass::kLarge);
  EXPECT_EQ(layout.KBlockCount(), 1u + 335'544u);
  EXPECT_EQ(layout.KBlockFrom(64), 5'000u);
  EXPECT_EQ(layout.KBlockFrom(5'064), 11'400u);
  EXPECT_EQ(layout.KBlockFrom(2'147'480'200), 2'147'480'200u);
  EXPECT_FALSE(layout.KBlockFrom(2'147'480'264).has_value());
  EXPECT_THAT(layout.Lost(), ElementsAre(ByteRange{64, 4'936}));
  EXPECT_EQ(layout.LostTotal(), 4'936u);
  // 1 GiB exactly is still medium; one byte more is large.
  EXPECT_EQ(BlackBastaLayout(kGiB, kGiB).size_class(),
            BlackBastaSizeClass::kMedium);
  EXPECT_EQ(BlackBastaLayout(kGiB + 1, kGiB + 1).size_class(),
            BlackBastaSizeClass::kLarge);
}

TEST(BlackBastaLayoutTest, SmallFilesKeepOnlyTheFirstBlock) {
  const BlackBastaLayout layout(4'999, 4'999);
  EXPECT_EQ(layout.size_class(), BlackBastaSizeClass::kSmall);
  EXPECT_EQ(layout.KBlockCount(), 1u);
  EXPECT_FALSE(layout.KBlockFrom(64).has_value());
  // [0, 4999 - 4999 mod 64) = [0, 4992): the rest of it is lost.
  EXPECT_THAT(layout.Lost(), ElementsAre(ByteRange{64, 4'928}));
  EXPECT_EQ(BlackBastaLayout(5'000, 5'000).size_class(),
            BlackBastaSizeClass::kMedium);
  // Under one block: nothing is encrypted at all.
  EXPECT_FALSE(BlackBastaLayout(63, 63).AnyKBlock());
  EXPECT_TRUE(BlackBastaLayout(63, 63).Lost().empty());
  EXPECT_TRUE(BlackBastaLayout(127, 127).Lost().empty());
  EXPECT_THAT(BlackBastaLayout(128, 128).Lost(),
              ElementsAre(ByteRange{64, 64}));
}

TEST(BlackBastaLayoutTest, BlocksAtOrBeyondTheCounterWereNeverEncrypted) {
  const BlackBastaLayout medium(10'000, 1'000);
  EXPECT_TRUE(medium.interrupted());
  // Blocks 0, 192, ..., 960 start below 1,000.
  EXPECT_EQ(medium.KBlockCount(), 6u);
  EXPECT_EQ(medium.KBlockFrom(961), 960u);  // The block holding it.
  EXPECT_EQ(medium.KBlockFrom(1'024), std::nullopt);
  const BlackBastaLayout small(3'200, 130);
  // Blocks 64 and 128 were reached: [64, 192) is lost, the rest is plain.
  EXPECT_THAT(small.Lost(), ElementsAre(ByteRange{64, 128}));
  const BlackBastaLayout large(2 * kGiB, 3'000);
  EXPECT_THAT(large.Lost(), ElementsAre(ByteRange{64, 2'936}));
  EXPECT_EQ(large.KBlockCount(), 1u);
  EXPECT_FALSE(BlackBastaLayout(10'000, 0).AnyKBlock());
  // A test threshold makes a small file large.
  EXPECT_EQ(BlackBastaLayout(100 * kKiB, 100 * kKiB, 64 * kKiB).size_class(),
            BlackBastaSizeClass::kLarge);
}

TEST(BlackBastaLayoutTest, WindowsHavePlainNeighboursInsideTheFile) {
  const BlackBastaLayout medium(10'000, 10'000);
  EXPECT_EQ(medium.WindowBlockFrom(0), 192u);
  EXPECT_EQ(medium.WindowBlockFrom(193), 384u);
  // The last window needs o + 192 <= n: 9,792 + 192 <= 10,000, but
  // 9,792 + 192 > 9,900.
  EXPECT_EQ(medium.WindowBlockFrom(9'601), 9'792u);
  EXPECT_FALSE(medium.WindowBlockFrom(9'793).has_value());
  EXPECT_EQ(BlackBastaLayout(9'900, 9'900).WindowBlockFrom(9'601),
            std::nullopt);
  const BlackBastaLayout large(2 * kGiB, 2 * kGiB);
  // Not the block at 5,000, whose neighbours lie in the lost head.
  EXPECT_EQ(large.WindowBlockFrom(0), 11'400u);
  EXPECT_FALSE(BlackBastaLayout(4'000, 4'000).WindowBlockFrom(0));
}

// --- The footer (§3.9 "Recognition / footer") ---

TEST(BlackBastaFooterTest, ParsesVersionCounterAndMagic) {
  BlackBastaSpecimen spec;
  spec.block = MakeBlackBastaBlock(1);
  const Bytes plain = formats::samples::MakeText(10'000);
  const Bytes file = families_testing::BlackBastaEncrypt(plain, spec);
  ASSERT_EQ(file.size(), plain.size() + kBlackBastaFooterBytes);
  const auto footer =
      ParseBlackBastaFooter(ByteView(file).Last(512), file.size());
  ASSERT_TRUE(footer.has_value());
  EXPECT_EQ(footer->version, 6);
  EXPECT_EQ(footer->counter, 10'000u);
  EXPECT_EQ(footer->magic, "KINTSUGITST");
  // Exactly 23 bytes are enough; fewer, or a file under 314 bytes, not.
  EXPECT_TRUE(ParseBlackBastaFooter(ByteView(file).Last(23), file.size()));
  EXPECT_FALSE(ParseBlackBastaFooter(ByteView(file).Last(22), file.size()));
  EXPECT_FALSE(ParseBlackBastaFooter(ByteView(file).Last(23), 313));
  // No NUL at the end, or a control character in the magic: not a footer.
  Bytes broken = file;
  broken.back() = 'x';
  EXPECT_FALSE(ParseBlackBastaFooter(broken, broken.size()));
  broken = file;
  broken[broken.size() - 5] = 0x01;
  EXPECT_FALSE(ParseBlackBastaFooter(broken, broken.size()));
}

TEST(BlackBastaFooterTest, ExtensionIsNineLettersOrDigits) {
  EXPECT_TRUE(HasBlackBastaExtension("a.pdf.sah28vut5"));
  EXPECT_TRUE(HasBlackBastaExtension("x.SAH28VUT5"));
  EXPECT_FALSE(HasBlackBastaExtension("a.pdf.sah28vut"));
  EXPECT_FALSE(HasBlackBastaExtension("a.pdf.sah28vut55"));
  EXPECT_FALSE(HasBlackBastaExtension("a.pdf.sah28-ut5"));
  EXPECT_FALSE(HasBlackBastaExtension(".sah28vut5"));
  EXPECT_EQ(families_testing::BlackBastaExtension(3).size(), 10u);
}

// --- K from known plaintext: SRLabs' README vector (§3.9) ---

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

TEST(BlackBastaKeyTest, SrLabsReadmeVector) {
  // At 0x4F80 of an encrypted SQLite database (§3.9 "Public test vector").
  const Bytes plain =
      Hex("31382030303a30303a3030323030322d30382d31342030303a30303a3030"
          "3131313230204a617370657220417665204e5745646d6f6e746f6e41424361"
          "6e6164");
  const Bytes cipher =
      Hex("3b038d82e958b5049f29390b7fa51d406f71b8ed3f951bcfc2ffd6bc23321900"
          "288040439aa7ed2110a18a27bca139f6cf6ffbc4b7bbe7a447811c610024b732");
  const Bytes want =
      Hex("0a3badb2d9628534a51909394f952f6d5f4995dc0bb52bfff8cfe68613022831"
          "19b27063d0c69e5175d3aa66cac419b8982a9fa9d8d593cb29c05e22614ad656");
  ASSERT_EQ(plain.size(), 64u);
  ASSERT_EQ(cipher.size(), 64u);
  // 0x4F80 = 20,352 = 106 * 192: a K-block of any medium file that long.
  const BlackBastaLayout layout(100'000, 100'000);
  ASSERT_EQ(layout.KIndex(0x4F80), 0u);
  BlackBastaKnownBlock known(layout);
  known.Add(0x4F80, plain, cipher);
  ASSERT_TRUE(known.complete());
  EXPECT_FALSE(known.conflict().has_value());
  EXPECT_EQ(ByteView(known.block().data(), 64), ByteView(want));
  // Known bytes off the blocks fix nothing; one that disagrees is a
  // conflict.
  BlackBastaKnownBlock off(layout);
  off.Add(0x4F80 + 64, plain, cipher);
  EXPECT_EQ(off.fixed(), 0u);
  Bytes other = plain;
  other[3] ^= 1;
  known.Add(0x4F80 + 192, other, cipher);
  EXPECT_EQ(known.conflict(), 0x4F80u + 192u + 3u);
}

TEST(BlackBastaKeyTest, KnownBytesSpreadOverBlocksFixK) {
  const BlackBastaLayout layout(10'000, 10'000);
  const BlackBastaBlock k = MakeBlackBastaBlock(7);
  BlackBastaKnownBlock known(layout);
  const auto encrypt = [&](std::uint64_t offset, const Bytes& plain) {
    Bytes cipher = plain;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (auto index = layout.KIndex(offset + i)) cipher[i] ^= k[*index];
    }
    return cipher;
  };
  // Bytes 200..250: K's bytes 8..58 (the block at 192).
  const Bytes a(51, 'a');
  known.Add(200, a, encrypt(200, a));
  EXPECT_EQ(known.fixed(), 51u);
  EXPECT_FALSE(known.complete());
  const Bytes b(200, 'b');
  known.Add(192, b, ByteView(encrypt(192, b)).First(0));  // No cipher bytes.
  EXPECT_EQ(known.fixed(), 51u);
  const Bytes d(72, 'd');
  // 320..391: plain bytes, then into the block at 384: K's 0..7.
  known.Add(320, d, encrypt(320, d));
  EXPECT_EQ(known.fixed(), 59u);
  const Bytes e(5, 'e');
  known.Add(192 + 59, e, encrypt(192 + 59, e));
  ASSERT_TRUE(known.complete());
  EXPECT_EQ(known.block(), k);
  EXPECT_FALSE(known.conflict().has_value());
}

// --- Zero regions (§3.9 step 2(b)) ---

TEST(BlackBastaKeyTest, ZeroRegionCandidateNeedsZeroNeighbours) {
  const BlackBastaBlock k = MakeBlackBastaBlock(9);
  Bytes window(kBlackBastaWindowBytes, 0);
  std::copy(k.begin(), k.end(), window.begin() + 128);
  const auto found = ZeroRegionCandidate(window);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, k);
  EXPECT_EQ(JudgeWindow(window, k), BlackBastaJoin::kJoins);
  EXPECT_EQ(JudgeWindow(window, MakeBlackBastaBlock(10)),
            BlackBastaJoin::kBreaks);
  window[0] = 1;  // A non-zero neighbour.
  EXPECT_FALSE(ZeroRegionCandidate(window).has_value());
  EXPECT_EQ(JudgeWindow(window, k), BlackBastaJoin::kUnjudged);
  EXPECT_FALSE(ZeroRegionCandidate(Bytes(kBlackBastaWindowBytes, 0)));
  EXPECT_FALSE(ZeroRegionCandidate(Bytes(100, 0)));
  // Text around: the block must read as text.
  Bytes text(kBlackBastaWindowBytes, 'e');
  for (std::size_t i = 0; i < 64; ++i) text[128 + i] ^= k[i];
  EXPECT_EQ(JudgeWindow(text, k), BlackBastaJoin::kJoins);
  EXPECT_EQ(JudgeWindow(text, MakeBlackBastaBlock(11)),
            BlackBastaJoin::kBreaks);
}

// A "VMDK-like" disk image: a descriptor, then sectors of text here and
// there among zeros (§3.9 "VMDKs and sparse files").
Bytes SparseDisk(std::size_t size, std::uint64_t seed) {
  Bytes disk(size, 0);
  const std::string descriptor =
      "# Disk DescriptorFile\nversion=1\nCID=fffffffe\n"
      "createType=\"monolithicFlat\"\n";
  std::copy(descriptor.begin(), descriptor.end(), disk.begin());
  const Bytes text = formats::samples::MakeText(4096);
  for (std::size_t at = 64 * 1024 + seed * 512; at + 4096 <= size;
       at += 96 * 1024) {
    std::copy(text.begin(), text.end(),
              disk.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return disk;
}

TEST(BlackBastaKeyTest, TheScanFindsKInZeroRegionsWithinItsBound) {
  io::MemoryFileSystem fs;
  const Bytes disk = SparseDisk(512 * 1024, 1);
  BlackBastaSpecimen spec;
  spec.block = MakeBlackBastaBlock(21);
  ASSERT_THAT(
      fs.AddFile("/d.vmdk", families_testing::BlackBastaEncrypt(disk, spec)),
      IsOk());
  ASSERT_OK_AND_ASSIGN(auto file, fs.OpenForRead("/d.vmdk"));
  const BlackBastaLayout layout(disk.size(), disk.size());
  ASSERT_OK_AND_ASSIGN(ZeroRegionScan scan,
                       ScanZeroRegions(*file, layout, 1 << 20, StopToken()));
  ASSERT_TRUE(scan.block.has_value());
  EXPECT_EQ(*scan.block, spec.block);
  EXPECT_EQ(scan.agreeing, kBlackBastaMinAgreeingBlocks);
  EXPECT_FALSE(scan.capped);
  // A bound below the first zero window's reach: nothing, and it says so.
  ASSERT_OK_AND_ASSIGN(scan, ScanZeroRegions(*file, layout, 100, StopToken()));
  EXPECT_FALSE(scan.block.has_value());
  EXPECT_TRUE(scan.capped);
  EXPECT_LE(scan.read, 100u + kBlackBastaWindowBytes);
  // A file of text only has no zero region.
  const Bytes text = formats::samples::MakeText(300'000);
  ASSERT_THAT(
      fs.AddFile("/t.txt", families_testing::BlackBastaEncrypt(text, spec)),
      IsOk());
  ASSERT_OK_AND_ASSIGN(file, fs.OpenForRead("/t.txt"));
  ASSERT_OK_AND_ASSIGN(
      scan, ScanZeroRegions(*file, BlackBastaLayout(text.size(), text.size()),
                            1 << 20, StopToken()));
  EXPECT_FALSE(scan.block.has_value());
  EXPECT_FALSE(scan.capped);
  EXPECT_EQ(scan.read, text.size() - 64);  // From the first window on, once.
}

TEST(BlackBastaKeyTest, TheScanStopsWithTheRun) {
  io::MemoryFileSystem fs;
  const Bytes text = formats::samples::MakeText(100'000);
  ASSERT_THAT(fs.AddFile("/t.txt", text), IsOk());
  ASSERT_OK_AND_ASSIGN(auto file, fs.OpenForRead("/t.txt"));
  std::atomic<bool> cancel{true};
  StopSource source(&cancel);
  EXPECT_THAT(ScanZeroRegions(*file, BlackBastaLayout(text.size(), text.size()),
                              1 << 20, source.token()),
              StatusIs(StatusCode::kCancelled));
}

// --- Through the pipeline ---

// Whether `message` is `id` or holds it among its message arguments.
bool Holds(const Message& message, MessageId id) {
  if (message.id == id) return true;
  for (const MessageArg& arg : message.args) {
    if (const auto* nested = std::get_if<std::vector<Message>>(&arg.value)) {
      for (const Message& m : *nested) {
        if (Holds(m, id)) return true;
      }
    }
  }
  return false;
}

// The message `id` inside `message`, or an empty one.
Message Nested(const Message& message, MessageId id) {
  const Message* found = kintsugi::testing::Nested(message, id);
  return found != nullptr ? *found : Message{};
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  return options;
}

struct Specimen {
  std::string name;  // The encrypted file's name.
  Bytes plain;
  Bytes encrypted;
};

Specimen Write(io::MemoryFileSystem& fs, const std::string& original,
               Bytes plain, std::uint64_t seed,
               BlackBastaSpecimen spec = BlackBastaSpecimen{}) {
  spec.block = MakeBlackBastaBlock(seed);
  spec.seed = seed;
  Specimen s{original + families_testing::BlackBastaExtension(seed),
             std::move(plain),
             {}};
  s.encrypted = families_testing::BlackBastaEncrypt(s.plain, spec);
  EXPECT_THAT(families_testing::WriteBlackBastaSpecimen(fs, kDir, s.name,
                                                        s.plain, spec),
              IsOk());
  return s;
}

Result<RecoverReport> RecoverWith(io::MemoryFileSystem& fs,
                                  const RecoverOptions& options,
                                  const BlackBastaSettings& settings = {}) {
  const auto decryptor = MakeBlackBastaDecryptor(settings);
  const recover::Decryptor* const list[] = {decryptor.get()};
  return recover::RunRecovery(fs, options, list);
}

TEST(BlackBastaTest, ZeroRegionsGiveEachFileItsOwnBlock) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Specimen db =
      Write(fs, "notes.sqlite", formats::samples::MakeSqlite(200'000), 31);
  const Specimen disk = Write(fs, "disk.vmdk", SparseDisk(600'000, 2), 32);
  // The registry's decryptor, chosen by probing (no --family).
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  const FileOutcome* f = Find(report, kDir / db.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->decryptor, "black-basta");
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->key_source, "encrypted zero regions (5 blocks)");
  EXPECT_TRUE(f->lost.empty());
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "notes.sqlite"));
  EXPECT_TRUE(out == db.plain);
  // No validator knows a VMDK: every byte is back, but it is not vouched
  // for.
  f = Find(report, kDir / disk.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kUnverified) << RenderEnglish(f->detail);
  EXPECT_TRUE(f->lost.empty());
  ASSERT_OK_AND_ASSIGN(out, fs.Contents(kDir / "disk.vmdk.unverified"));
  EXPECT_TRUE(out == disk.plain);
  // The originals are untouched.
  ASSERT_OK_AND_ASSIGN(out, fs.Contents(kDir / db.name));
  EXPECT_TRUE(out == db.encrypted);
}

TEST(BlackBastaTest, ASmallFileIsPartialWithExactAccounting) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  // 3,200 bytes: 50 whole blocks, only the first uses K.
  const Specimen small =
      Write(fs, "small.txt", formats::samples::MakeText(3'200), 41);
  // 1,000 bytes: [0, 960) encrypted, the last 40 bytes plain.
  const Specimen odd =
      Write(fs, "odd.txt", formats::samples::MakeText(1'000), 42);
  const Specimen none =
      Write(fs, "none.txt", formats::samples::MakeText(2'000), 43);
  ASSERT_THAT(fs.AddFile("/originals/small.txt", small.plain), IsOk());
  ASSERT_THAT(fs.AddFile("/originals/odd.txt", odd.plain), IsOk());
  RecoverOptions options = Options();
  options.family = "black-basta";
  options.pairs = {{kDir / small.name, "/originals/small.txt"},
                   {kDir / odd.name, "/originals/odd.txt"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RecoverWith(fs, options));
  const FileOutcome* f = Find(report, kDir / small.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kPartial) << RenderEnglish(f->detail);
  EXPECT_EQ(f->output, kDir / "small.txt.partial");
  EXPECT_EQ(f->output_size, 3'200u);
  EXPECT_EQ(f->lost.total, 3'136u);
  EXPECT_THAT(f->lost.ranges, ElementsAre(ByteRange{64, 3'136}));
  EXPECT_TRUE(Holds(f->detail, MessageId::kRecoverBlackBastaSmallPartial));
  const Message partial = Nested(f->detail, MessageId::kRecoverPartial);
  EXPECT_EQ(ArgNumber(partial, "recovered"), 64);
  EXPECT_EQ(ArgNumber(partial, "lost"), 3'136);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "small.txt.partial"));
  ASSERT_EQ(out.size(), 3'200u);
  // Recovered: the first block; lost: the rest, as encrypted.
  EXPECT_EQ(ByteView(out).First(64), ByteView(small.plain).First(64));
  EXPECT_EQ(ByteView(out).Last(3'136),
            ByteView(small.encrypted).First(3'200).Last(3'136));
  EXPECT_FALSE(fs.Exists(kDir / "small.txt"));
  f = Find(report, kDir / odd.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kPartial);
  EXPECT_THAT(f->lost.ranges, ElementsAre(ByteRange{64, 896}));
  ASSERT_OK_AND_ASSIGN(out, fs.Contents(kDir / "odd.txt.partial"));
  EXPECT_EQ(ByteView(out).First(64), ByteView(odd.plain).First(64));
  EXPECT_EQ(ByteView(out).Last(40), ByteView(odd.plain).Last(40));
  // Without an original: what to give.
  f = Find(report, kDir / none.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBlackBastaSmall);
  // The pair's block is reported, for this file only.
  ASSERT_EQ(report.keys.size(), 2u);
  EXPECT_EQ(report.keys[0].decryptor, "black-basta");
  EXPECT_EQ(report.keys[0].key_hex,
            ToHex(ByteView(MakeBlackBastaBlock(41).data(), 64)));
}

TEST(BlackBastaTest, ALargeFileLosesBytes64To4999) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  // The test threshold: over 64 KiB counts as "over 1 GiB".
  BlackBastaSettings settings;
  settings.large_from = 64 * kKiB;
  BlackBastaSpecimen spec;
  spec.large_from = settings.large_from;
  const Specimen disk =
      Write(fs, "disk.vmdk", SparseDisk(700'000, 3), 51, spec);
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RecoverWith(fs, Options(), settings));
  const FileOutcome* f = Find(report, kDir / disk.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kPartial) << RenderEnglish(f->detail);
  EXPECT_EQ(f->output, kDir / "disk.vmdk.partial");
  EXPECT_EQ(f->output_size, 700'000u);
  EXPECT_EQ(f->lost.total, 4'936u);
  EXPECT_THAT(f->lost.ranges, ElementsAre(ByteRange{64, 4'936}));
  EXPECT_TRUE(Holds(f->detail, MessageId::kRecoverBlackBastaHeadLost));
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "disk.vmdk.partial"));
  ASSERT_EQ(out.size(), disk.plain.size());
  EXPECT_EQ(ByteView(out).First(64), ByteView(disk.plain).First(64));
  EXPECT_EQ(ByteView(out).First(5'000).Last(4'936),
            ByteView(disk.encrypted).First(5'000).Last(4'936));
  EXPECT_EQ(ByteView(out).Last(700'000 - 5'000),
            ByteView(disk.plain).Last(700'000 - 5'000));
  // The same file under the real threshold is a medium one, and does not
  // decrypt that way: the layout decides.
  io::MemoryFileSystem again;
  ASSERT_THAT(again.AddFile(kDir / disk.name, disk.encrypted), IsOk());
  ASSERT_OK_AND_ASSIGN(report, RecoverWith(again, Options()));
  f = Find(report, kDir / disk.name);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->status, RecoverStatus::kPartial);
}

TEST(BlackBastaTest, BlocksAfterAnInterruptedCounterAreLeftAsTheyAre) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = formats::samples::MakeSqlite(200'000);
  BlackBastaSpecimen spec;
  spec.counter = plain.size() / 2 + 7;
  const Specimen db = Write(fs, "half.sqlite", plain, 61, spec);
  // Past the counter the file holds the original.
  EXPECT_EQ(ByteView(db.encrypted).First(plain.size()).Last(1000),
            ByteView(plain).Last(1000));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RecoverWith(fs, Options()));
  const FileOutcome* f = Find(report, kDir / db.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_TRUE(f->lost.empty());
  const Message interrupted =
      Nested(f->detail, MessageId::kRecoverBlackBastaInterrupted);
  EXPECT_EQ(ArgNumber(interrupted, "counter"),
            static_cast<std::int64_t>(*spec.counter));
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "half.sqlite"));
  EXPECT_TRUE(out == plain);
}

TEST(BlackBastaTest, KnownBytesOrAKeyOpenAFileWithoutZeroRegions) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Specimen text =
      Write(fs, "report.txt", formats::samples::MakeText(50'000), 71);
  // Nothing to find on its own: the scan says how far it read.
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RecoverWith(fs, Options()));
  const FileOutcome* f = Find(report, kDir / text.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBlackBastaNoBlock);
  EXPECT_EQ(ArgNumber(f->detail, "limit"),
            static_cast<std::int64_t>(kBlackBastaMaxScanBytes));
  EXPECT_GT(ArgNumber(f->detail, "scanned"), 40'000);
  // 64 known bytes at an encrypted offset (20 * 192).
  RecoverOptions options = Options();
  options.family = "black-basta";
  options.known = {
      {3'840, ByteView(text.plain).First(3'904).Last(64).ToBytes()}};
  ASSERT_OK_AND_ASSIGN(report, RecoverWith(fs, options));
  f = Find(report, kDir / text.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->key_source, "--known");
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "report.txt"));
  EXPECT_TRUE(out == text.plain);
}

TEST(BlackBastaTest, AKeyThatDoesNotFitIsRefusedWithTheReason) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  // No type told by the name: the blocks around tell.
  const Specimen text =
      Write(fs, "records.dat", formats::samples::MakeText(50'000), 81);
  const Specimen pdf =
      Write(fs, "paper.pdf",
            formats::samples::MakeSample(formats::FileKind::kPdf, 20'000), 82);
  const BlackBastaBlock wrong = MakeBlackBastaBlock(999);
  RecoverOptions options = Options();
  options.family = "black-basta";
  options.key = SecretBytes(ByteView(wrong.data(), 64));
  // Wrong known bytes too: they give another wrong block. (Bytes guessed
  // as text XOR the text around to text-like bytes; the output's own
  // check is then what refuses them: unverified.)
  options.known = {{3'840, formats::samples::PseudoRandomBytes(64, 77)}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RecoverWith(fs, options));
  const FileOutcome* f = Find(report, kDir / text.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBlackBastaBlockMisfit)
      << RenderEnglish(f->detail);
  EXPECT_GE(ArgNumber(f->detail, "judged"),
            static_cast<std::int64_t>(kBlackBastaMinJudged));
  EXPECT_FALSE(fs.Exists(kDir / "records.dat"));
  f = Find(report, kDir / pdf.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBlackBastaMagicMisfit)
      << RenderEnglish(f->detail);
  EXPECT_EQ(families_testing::ArgText(f->detail, "kind"), "pdf");
  // The right block as --key opens the text.
  options.key = SecretBytes(ByteView(MakeBlackBastaBlock(81).data(), 64));
  options.known.clear();
  ASSERT_OK_AND_ASSIGN(report, RecoverWith(fs, options));
  f = Find(report, kDir / text.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->key_source, "--key");
  // A key of another length is a usage error.
  options.key = SecretBytes(Bytes(32, 1));
  EXPECT_THAT(RecoverWith(fs, options), StatusIs(StatusCode::kInvalidArgument));
}

TEST(BlackBastaTest, OtherFootersAndHostileFilesAreClearAnswers) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  BlackBastaSpecimen fixed;
  fixed.version = 7;
  const Specimen later =
      Write(fs, "later.txt", formats::samples::MakeText(9'000), 91, fixed);
  // Only a footer: an empty original, nothing encrypted.
  const Specimen empty = Write(fs, "empty.txt", Bytes(), 92);
  // A counter far past the end, on a file of noise.
  BlackBastaSpecimen wild;
  wild.counter = ~std::uint64_t{0};
  const Specimen noise =
      Write(fs, "noise.bin", formats::samples::PseudoRandomBytes(30'000, 5), 93,
            wild);
  // The right extension without a footer is not Black Basta's.
  ASSERT_THAT(fs.AddFile(kDir / "plain.txt.abcdefghi",
                         formats::samples::MakeText(4'000)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RecoverWith(fs, Options()));
  const FileOutcome* f = Find(report, kDir / later.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBlackBastaOtherVersion);
  EXPECT_EQ(ArgNumber(f->detail, "version"), 7);
  f = Find(report, kDir / empty.name);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->status, RecoverStatus::kError) << RenderEnglish(f->detail);
  f = Find(report, kDir / noise.name);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  f = Find(report, kDir / "plain.txt.abcdefghi");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->decryptor, "black-basta");
}

TEST(BlackBastaTest, PairsThatAreNotThisFamilysAreLeftToOthers) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(fs.AddFile("/p/a.bin", Bytes(1000, 1)), IsOk());
  ASSERT_THAT(fs.AddFile("/p/b.bin", Bytes(1000, 2)), IsOk());
  RecoverOptions options = Options();
  options.pairs = {{"/p/a.bin", "/p/b.bin"}};
  // Not chosen by --family: another decryptor's pair, no error.
  EXPECT_THAT(RecoverWith(fs, options), IsOk());
  options.family = "black-basta";
  EXPECT_THAT(RecoverWith(fs, options), StatusIs(StatusCode::kInvalidArgument));
  // --known without --family is refused, like --key.
  options.pairs.clear();
  options.family.clear();
  options.known = {{0, Bytes(64, 0)}};
  EXPECT_THAT(RecoverWith(fs, options), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::families
