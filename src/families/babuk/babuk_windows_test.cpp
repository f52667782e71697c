// Babuk Windows (recovery-schemes-2.md §3.3): the spec's known answers,
// the region table, the footer's CRC key check, specimens of every size
// class through the pipeline, files encrypted more than once, and the
// hostile cases.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/crc32_mpeg2.h"
#include "crypto/hc128.h"
#include "crypto/x25519.h"
#include "families/babuk/babuk.h"
#include "families/babuk/testing/specimens.h"
#include "families/babuk/testing/windows_specimens.h"
#include "families/babuk/windows_cipher.h"
#include "families/babuk/windows_layout.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::ArgNumber;
using kintsugi::testing::Nested;

using families_testing::ArgText;
using families_testing::BabukWindowsLayerKeys;
using families_testing::Find;
using families_testing::MakeBabukPrivateKey;
using formats::FileKind;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::uint64_t kMiB = 1024 * 1024;

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// Locally generated attacker keys (recovery-schemes.md §0).
const SecretBytes& AttackerKey() {
  static const SecretBytes key = MakeBabukPrivateKey(1);
  return key;
}
const SecretBytes& OtherKey() {
  static const SecretBytes key = MakeBabukPrivateKey(2);
  return key;
}
Bytes PublicOf(const SecretBytes& key) { return *crypto::X25519PublicKey(key); }

BabukWindowsLayerKeys Layer(std::uint64_t seed,
                            const SecretBytes& attacker = AttackerKey()) {
  return {PublicOf(attacker), MakeBabukPrivateKey(seed)};
}

Bytes Encrypt(ByteView plain, std::uint64_t seed,
              const SecretBytes& attacker = AttackerKey()) {
  return *families_testing::BabukWindowsEncrypt(plain, Layer(seed, attacker));
}

RecoverOptions Options(std::string family, const SecretBytes* key) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = std::move(family);
  if (key != nullptr) options.key = *key;
  return options;
}

// The key's message inside a file's detail (recover.with_key's `key`).
const Message* KeyMessage(const Message& detail) {
  return Nested(detail, MessageId::kRecoverBabukWindowsKey);
}

// --- §3.3 "Test vectors" (computed by the spec's authors; test keys) ---

TEST(BabukWindowsVectorTest, KeyMaterialCrcKeystreamAndFooter) {
  const SecretBytes attacker(
      Hex("7835b5947728eb173344d2db8d1f9615aa325689e1744b580629d3e99922ee62"));
  const SecretBytes ephemeral(
      Hex("88072e20c3f7fb98669735eb343b2ee739fa88fb6402d1dbd9d2aac23ce05161"));
  const Bytes attacker_public = *crypto::X25519PublicKey(attacker);
  EXPECT_EQ(ToHex(attacker_public),
            "95eeefbb076f0efa28ca4f389b5b246c571964e20d470c8f008a8ef25046925b");
  const Bytes file_public = *crypto::X25519PublicKey(ephemeral);
  EXPECT_EQ(ToHex(file_public),
            "82f32a0e182c0fe6a0085e31c5bbcf688c0b56c96b143c043c4164908b9acf43");

  // The decryptor's direction: the attacker's key and the footer's.
  ASSERT_OK_AND_ASSIGN(SecretBytes km,
                       DeriveBabukWindowsKeyMaterial(attacker, file_public));
  EXPECT_EQ(ToHex(km.view()),
            "0c2f128d1da65277f53c712083c1033350a7bb2c2ea8f08b10c439684f3e2876"
            "0741830adb51eb946dfd8dde97e8fc7f071c470ad814f6ff004a89342102bbf3");
  EXPECT_EQ(BabukWindowsCrc(km.view()), 0xC4851608u);
  EXPECT_EQ(crypto::Crc32Mpeg2(km.view()), 0x0D0D33CFu);  // Init 0xFFFFFFFF.

  // HC-128 in the 8-word mode, key km[0:32], IV km[32:64]: 64 zero bytes
  // of an original of 64 (all of it encrypted) give the keystream.
  ASSERT_OK_AND_ASSIGN(BabukWindowsLayer layer,
                       BabukWindowsLayer::Create(km, 64));
  Bytes zeros(64, 0);
  ASSERT_THAT(layer.Apply(0, zeros), IsOk());
  EXPECT_EQ(ToHex(zeros),
            "ec7d1d8e855e130f8619b2e1f9eb9b454f2d54f86a39dbd7fa91c6ece48f5e5b"
            "f5618a74a690bff06338aa3ef18b73fa8e3c9cfc1e25e017e8c164c1c54c6eea");

  // The encryptor's direction: an empty original is the footer alone.
  ASSERT_OK_AND_ASSIGN(
      Bytes footer, families_testing::BabukWindowsEncrypt(
                        {}, BabukWindowsLayerKeys{attacker_public, ephemeral}));
  EXPECT_EQ(ToHex(footer),
            "82f32a0e182c0fe6a0085e31c5bbcf688c0b56c96b143c043c4164908b9acf43"
            "081685c463686f756e6720646f6e67206c6f6f6b73206c696b6520686f742064"
            "6f672121");
  const auto parsed = ParseBabukWindowsFooter(footer);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->public_key, ByteView(file_public));
  EXPECT_EQ(parsed->crc, 0xC4851608u);
}

// --- §3.3 "Regions" ---

TEST(BabukWindowsLayoutTest, TheRegionTable) {
  const auto span = [](std::uint64_t n, std::uint64_t at) {
    return BabukWindowsSpanFrom(n, at);
  };
  EXPECT_FALSE(span(0, 0));
  // Up to 64 bytes: all of it.
  auto s = span(64, 63);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, 64u);
  // 65 bytes to 5 MiB: floor(n / 10) at 0.
  s = span(65, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 6u);
  EXPECT_FALSE(span(65, 6));
  s = span(1000, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 100u);
  s = span(5 * kMiB, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 5 * kMiB / 10);
  EXPECT_EQ(BabukWindowsRuleFor(5 * kMiB), BabukWindowsRule::kFirstTenth);
  // Above 5 MiB to 20 MiB: 1 MiB at 0, floor(n/3), 2 floor(n/3), the
  // keystream running on.
  const std::uint64_t n = 5 * kMiB + 1;
  const std::uint64_t third = n / 3;
  s = span(n, kMiB);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, third);
  EXPECT_EQ(s->end, third + kMiB);
  EXPECT_EQ(s->stream, kMiB);
  s = span(n, third + kMiB);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 2 * third);
  EXPECT_EQ(s->stream, 2 * kMiB);
  EXPECT_FALSE(span(n, 2 * third + kMiB));
  EXPECT_EQ(BabukWindowsRuleFor(20 * kMiB), BabukWindowsRule::kThreeBlocks);
  // Above 20 MiB: 1 MiB at every 10 MiB, floor(n / 10 MiB) blocks.
  const std::uint64_t large = 20 * kMiB + 1;
  EXPECT_EQ(BabukWindowsRuleFor(large), BabukWindowsRule::kEveryTenMiB);
  s = span(large, kMiB);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 10 * kMiB);
  EXPECT_EQ(s->stream, kMiB);
  EXPECT_FALSE(span(large, 11 * kMiB));
  s = span(39 * kMiB, 11 * kMiB);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 20 * kMiB);
  EXPECT_EQ(s->stream, 2 * kMiB);
}

TEST(BabukWindowsLayoutTest, EncryptedBytesCountTheUnionOfTheLayers) {
  const std::uint64_t one[] = {1000};
  EXPECT_EQ(BabukWindowsEncryptedBytes(one, 1000), 100u);
  const std::uint64_t medium[] = {10 * kMiB};
  EXPECT_EQ(BabukWindowsEncryptedBytes(medium, 10 * kMiB), 3 * kMiB);
  const std::uint64_t large[] = {105 * kMiB};
  EXPECT_EQ(BabukWindowsEncryptedBytes(large, 105 * kMiB), 10 * kMiB);
  // Two layers: [0, 106) and [0, 100) overlap: 106 bytes, not 206.
  const std::uint64_t two[] = {1068, 1000};
  EXPECT_EQ(BabukWindowsEncryptedBytes(two, 1000), 106u);
  // Three blocks of each of two layers whose thirds differ by 22 bytes:
  // each pair of blocks overlaps but for 22 (and 44) bytes.
  const std::uint64_t layered[] = {10 * kMiB + 68, 10 * kMiB + 2};
  EXPECT_EQ(BabukWindowsEncryptedBytes(layered, 10 * kMiB + 2),
            3 * kMiB + 22 + 44);
  EXPECT_EQ(BabukWindowsEncryptedBytes({}, 100), 0u);
}

// The brief's claim, checked: an inner footer lies where the outer layer
// left the bytes plain -- its marker always, its public key unless the
// inner original is at most 6 bytes (then the outer layer's first tenth
// reaches into it; FindKey decrypts what the sample shows and copes).
TEST(BabukWindowsLayoutTest, InnerFootersLieInTheOuterLayersPlainBytes) {
  std::vector<std::uint64_t> inner_sizes;
  for (std::uint64_t n = 0; n < 5000; ++n) inner_sizes.push_back(n);
  for (std::uint64_t n :
       {5 * kMiB - 68, 5 * kMiB, 20 * kMiB - 68, 20 * kMiB, 30 * kMiB - 69,
        30 * kMiB - 68, 30 * kMiB, 1000 * kMiB + 3}) {
    inner_sizes.push_back(n);
  }
  for (const std::uint64_t inner : inner_sizes) {
    const std::uint64_t outer = inner + kBabukWindowsFooterBytes;
    const auto marker = BabukWindowsSpanFrom(outer, outer - 32);
    EXPECT_FALSE(marker) << "inner original of " << inner << " bytes";
    const auto key = BabukWindowsSpanFrom(outer, inner);
    EXPECT_EQ(key.has_value(), inner <= 6)
        << "inner original of " << inner << " bytes";
  }
}

// --- Specimens through the pipeline, with --key ---

struct Case {
  const char* name;
  Bytes plain;
};

std::vector<Case> SmallCases() {
  std::vector<Case> cases;
  cases.push_back({"empty.txt", {}});
  cases.push_back({"ten.txt", formats::samples::MakeText(10)});
  cases.push_back({"thousand.txt", formats::samples::MakeText(1000)});
  cases.push_back({"sixty-four.txt", formats::samples::MakeText(64)});
  cases.push_back({"sixty-five.txt", formats::samples::MakeText(65)});
  cases.push_back(
      {"report.pdf", formats::samples::MakeSample(FileKind::kPdf, 30'000)});
  cases.push_back(
      {"photo.png", formats::samples::MakeSample(FileKind::kPng, 0)});
  return cases;
}

TEST(BabukWindowsTest, RecoversSpecimensWithTheKey) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::vector<Case> cases = SmallCases();
  std::uint64_t seed = 100;
  for (const Case& c : cases) {
    ASSERT_THAT(fs.AddFile(kDir / (std::string(c.name) + ".babyk"),
                           Encrypt(c.plain, seed++)),
                IsOk());
  }
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", &AttackerKey())));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const FileOutcome* f =
        Find(report, kDir / (std::string(c.name) + ".babyk"));
    ASSERT_NE(f, nullptr);
    EXPECT_THAT(f->status, ::testing::AnyOf(RecoverStatus::kRecovered,
                                            RecoverStatus::kNotEncrypted))
        << RenderEnglish(f->detail);
    EXPECT_EQ(f->decryptor, "babuk-windows");
    EXPECT_EQ(f->variant, "windows");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / c.name));
    EXPECT_THAT(out, ElementsAreArray(c.plain));
    if (c.plain.empty()) continue;
    EXPECT_EQ(f->status, RecoverStatus::kRecovered);
    EXPECT_EQ(f->key_source, "--key");
    const Message* key = KeyMessage(f->detail);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_EQ(ArgNumber(*key, "layers"), 1);
    EXPECT_EQ(ArgNumber(*key, "size"),
              static_cast<std::int64_t>(c.plain.size()));
    const std::int64_t encrypted = ArgNumber(*key, "encrypted");
    EXPECT_EQ(encrypted, c.plain.size() <= 64
                             ? static_cast<std::int64_t>(c.plain.size())
                             : static_cast<std::int64_t>(c.plain.size() / 10));
  }
  // "ten.txt": the whole file; "thousand.txt": the first 100 bytes.
  const Bytes& thousand = cases[2].plain;
  const Bytes thousand_enc = Encrypt(thousand, 102);
  EXPECT_NE(ByteView(thousand_enc).First(100), ByteView(thousand).First(100));
  EXPECT_EQ(*ByteView(thousand_enc).Sub(100, 900),
            *ByteView(thousand).Sub(100, 900));
  EXPECT_NE(ByteView(Encrypt(cases[1].plain, 101)).First(10),
            ByteView(cases[1].plain));
  const FileOutcome* ten = Find(report, kDir / "ten.txt.babyk");
  ASSERT_NE(ten, nullptr);
  EXPECT_THAT(RenderEnglish(ten->detail),
              HasSubstr("the whole file had been encrypted"));
}

// The two larger size classes, each at the smallest size the table allows,
// with plain bytes between the blocks and one keystream across them.
TEST(BabukWindowsTest, RecoversTheThreeBlockAndEveryTenMiBClasses) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes medium = formats::samples::MakeText(5 * kMiB + 1);
  const Bytes large = formats::samples::MakeText(20 * kMiB + 1);
  const Bytes medium_enc = Encrypt(medium, 200);
  const Bytes large_enc = Encrypt(large, 201);
  const std::uint64_t third = medium.size() / 3;
  EXPECT_EQ(*ByteView(medium_enc).Sub(kMiB, third - kMiB),
            *ByteView(medium).Sub(kMiB, third - kMiB));
  EXPECT_NE(*ByteView(medium_enc).Sub(third, 16),
            *ByteView(medium).Sub(third, 16));
  EXPECT_EQ(*ByteView(large_enc).Sub(kMiB, 9 * kMiB),
            *ByteView(large).Sub(kMiB, 9 * kMiB));
  EXPECT_NE(*ByteView(large_enc).Sub(10 * kMiB + kMiB - 16, 16),
            *ByteView(large).Sub(10 * kMiB + kMiB - 16, 16));
  ASSERT_THAT(fs.AddFile(kDir / "medium.txt.babuk", medium_enc), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "large.txt.doydo", large_enc), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk-windows", &AttackerKey())));
  for (const auto& [name, plain, pattern] :
       {std::tuple{"medium.txt", &medium, "three blocks of 1 MiB"},
        std::tuple{"large.txt", &large, "1 MiB of every 10 MiB"}}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / (std::string(name) + ".babuk"));
    if (f == nullptr) f = Find(report, kDir / (std::string(name) + ".doydo"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_THAT(RenderEnglish(f->detail), HasSubstr(pattern));
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_TRUE(out == *plain);
  }
}

// The stream keeps one keystream across chunks of any size, the blocks
// falling anywhere in them, and refuses a file that ends early.
TEST(BabukWindowsTest, TheStreamDecryptsInChunksOfAnySize) {
  const Bytes plain = formats::samples::MakeText(5 * kMiB + 1);
  const Bytes file = Encrypt(plain, 210);
  const Bytes file_public = PublicOf(MakeBabukPrivateKey(210));
  ASSERT_OK_AND_ASSIGN(SecretBytes km, DeriveBabukWindowsKeyMaterial(
                                           AttackerKey(), file_public));
  io::MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(
      auto run, BabukWindowsDecryptor().Prepare(fs, recover::RunInputs{}));
  recover::Key key;
  key.key = km;
  key.region = 1;
  for (const std::size_t chunk : {std::size_t{1000}, std::size_t{65'537}}) {
    ASSERT_OK_AND_ASSIGN(auto stream, run->StartDecryption(key, file.size()));
    Bytes out;
    Bytes buffer(chunk + recover::StreamDecryption::kSlack);
    for (std::size_t at = 0; at < file.size(); at += chunk) {
      const ByteView piece =
          *ByteView(file).Sub(at, std::min(chunk, file.size() - at));
      ASSERT_OK_AND_ASSIGN(std::size_t wrote, stream->Update(piece, buffer));
      out.insert(out.end(), buffer.begin(),
                 buffer.begin() + static_cast<std::ptrdiff_t>(wrote));
    }
    ASSERT_OK_AND_ASSIGN(std::size_t last, stream->Finish(buffer));
    EXPECT_EQ(last, 0u);
    EXPECT_TRUE(out == plain);
  }
  // A file that ends early: Finish says so.
  ASSERT_OK_AND_ASSIGN(auto stream, run->StartDecryption(key, file.size()));
  Bytes buffer(4096 + recover::StreamDecryption::kSlack);
  ASSERT_TRUE(stream->Update(ByteView(file).First(4096), buffer).ok());
  EXPECT_EQ(stream->Finish(buffer).error().code(), StatusCode::kCorrupt);
  // Keys that are not Babuk Windows keys are refused, not trusted.
  recover::Key bad = key;
  bad.region = 2;
  EXPECT_FALSE(run->StartDecryption(bad, file.size()).ok());
  EXPECT_FALSE(run->StartDecryption(key, 67).ok());
}

// --- Files encrypted more than once (§3.3 Recovery 2) ---

TEST(BabukWindowsTest, PeelsEveryLayerAndCountsTheUnion) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = formats::samples::MakeSample(FileKind::kPdf, 40'000);
  // Twice by the same build (a rename that failed, then a second run).
  const BabukWindowsLayerKeys twice[] = {Layer(300), Layer(301)};
  ASSERT_THAT(families_testing::WriteBabukWindowsSpecimen(
                  fs, kDir, "twice.pdf.babyk", pdf, twice),
              IsOk());
  // A tiny original: the outer layer's first tenth covers part of the
  // inner public key.
  const Bytes tiny = ByteView::FromString("hi!\n").ToBytes();
  const BabukWindowsLayerKeys tiny_layers[] = {Layer(302), Layer(303),
                                               Layer(304)};
  ASSERT_THAT(families_testing::WriteBabukWindowsSpecimen(
                  fs, kDir, "tiny.txt.babyk", tiny, tiny_layers),
              IsOk());
  ASSERT_OK_AND_ASSIGN(Bytes tiny_file, fs.Contents(kDir / "tiny.txt.babyk"));
  ASSERT_EQ(tiny_file.size(), 4 + 3 * 68u);
  // The innermost footer starts at 4; the outer layers' tenths ([0, 14)
  // and [0, 7)) cover its first bytes.
  EXPECT_TRUE(BabukWindowsSpanFrom(tiny_file.size() - 68, 4));
  // Seven layers of a file the sample does not hold whole: the most the
  // 512-byte tail shows.
  const Bytes text = formats::samples::MakeText(4000);
  std::vector<BabukWindowsLayerKeys> seven;
  for (std::uint64_t s = 310; s < 317; ++s) seven.push_back(Layer(s));
  ASSERT_THAT(families_testing::WriteBabukWindowsSpecimen(
                  fs, kDir, "seven.txt.babyk", text, seven),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", &AttackerKey())));
  struct Expect {
    const char* name;
    const char* original;
    const Bytes* plain;
    std::int64_t layers;
  };
  for (const Expect& e : {Expect{"twice.pdf.babyk", "twice.pdf", &pdf, 2},
                          Expect{"tiny.txt.babyk", "tiny.txt", &tiny, 3},
                          Expect{"seven.txt.babyk", "seven.txt", &text, 7}}) {
    SCOPED_TRACE(e.name);
    const FileOutcome* f = Find(report, kDir / e.name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->decryptor, "babuk-windows");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / e.original));
    EXPECT_TRUE(out == *e.plain);
    const Message* key = KeyMessage(f->detail);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_EQ(ArgNumber(*key, "layers"), e.layers);
  }
  const FileOutcome* f = Find(report, kDir / "twice.pdf.babyk");
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  // Layers of n + 68 and n bytes encrypted their first tenths: the union
  // is the outer one's.
  EXPECT_EQ(ArgNumber(*KeyMessage(f->detail), "encrypted"),
            static_cast<std::int64_t>((pdf.size() + 68) / 10));
  EXPECT_EQ(ArgNumber(*KeyMessage(f->detail), "size"),
            static_cast<std::int64_t>(pdf.size()));
  EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("encrypted 2 times"));
}

TEST(BabukWindowsTest, AnInnerLayerWithoutAKeyOrBeyondTheSampleIsNotGuessed) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = formats::samples::MakeSample(FileKind::kPdf, 20'000);
  // The inner layer for an attacker whose key nobody holds.
  const BabukWindowsLayerKeys mixed[] = {Layer(400, OtherKey()), Layer(401)};
  ASSERT_THAT(families_testing::WriteBabukWindowsSpecimen(
                  fs, kDir, "mixed.pdf.babyk", pdf, mixed),
              IsOk());
  // Eight layers of a 4,000-byte file: the eighth footer is not in the
  // sample whole.
  std::vector<BabukWindowsLayerKeys> eight;
  for (std::uint64_t s = 410; s < 418; ++s) eight.push_back(Layer(s));
  ASSERT_THAT(
      families_testing::WriteBabukWindowsSpecimen(
          fs, kDir, "eight.txt.babyk", formats::samples::MakeText(4000), eight),
      IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", &AttackerKey())));
  const FileOutcome* mixed_out = Find(report, kDir / "mixed.pdf.babyk");
  ASSERT_NE(mixed_out, nullptr);
  EXPECT_EQ(mixed_out->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(mixed_out->detail.id, MessageId::kRecoverBabukWindowsInnerNoFit)
      << RenderEnglish(mixed_out->detail);
  EXPECT_TRUE(HasDeclaredArgs(mixed_out->detail));
  EXPECT_EQ(ArgNumber(mixed_out->detail, "layer"), 2);
  EXPECT_EQ(ArgText(mixed_out->detail, "public_key"),
            ToHex(PublicOf(MakeBabukPrivateKey(400))));
  EXPECT_FALSE(fs.Contents(kDir / "mixed.pdf").ok());
  const FileOutcome* eight_out = Find(report, kDir / "eight.txt.babyk");
  ASSERT_NE(eight_out, nullptr);
  EXPECT_EQ(eight_out->status, RecoverStatus::kError);
  EXPECT_EQ(eight_out->detail.id, MessageId::kRecoverBabukWindowsTooManyLayers)
      << RenderEnglish(eight_out->detail);
  EXPECT_EQ(ArgNumber(eight_out->detail, "layers"), 7);
  EXPECT_FALSE(fs.Contents(kDir / "eight.txt").ok());
}

// --- Wrong keys, no keys, damaged and truncated files ---

TEST(BabukWindowsTest, TheCrcRefusesWrongKeysAndTheFileStaysUntouched) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes file = Encrypt(formats::samples::MakeSample(FileKind::kPdf, 3000),
                             500, OtherKey());
  ASSERT_THAT(fs.AddFile(kDir / "a.pdf.babyk", file), IsOk());
  const std::string file_public = ToHex(PublicOf(MakeBabukPrivateKey(500)));
  for (const SecretBytes* key :
       {&AttackerKey(), static_cast<const SecretBytes*>(nullptr)}) {
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         Recover(fs, Options("babuk", key)));
    ASSERT_EQ(report.files.size(), 1u);
    const FileOutcome& f = report.files[0];
    EXPECT_EQ(f.decryptor, "babuk-windows");
    EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound) << RenderEnglish(f.detail);
    EXPECT_EQ(f.detail.id, key != nullptr
                               ? MessageId::kRecoverBabukWindowsKeysNoFit
                               : MessageId::kRecoverBabukNoKeys);
    EXPECT_EQ(ArgText(f.detail, "public_key"), file_public);
    EXPECT_TRUE(HasDeclaredArgs(f.detail));
    ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "a.pdf.babyk"));
    EXPECT_EQ(still, file);
    EXPECT_FALSE(fs.Contents(kDir / "a.pdf").ok());
  }
}

TEST(BabukWindowsTest, AnEmptyOriginalNeedsNoKey) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "empty.txt.babyk", Encrypt({}, 550)), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options("", nullptr)));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].decryptor, "babuk-windows");
  EXPECT_NE(report.files[0].status, RecoverStatus::kKeyNotFound);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "empty.txt"));
  EXPECT_TRUE(out.empty());
}

TEST(BabukWindowsTest, DamagedAndTruncatedFilesAreClearErrors) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes text = formats::samples::MakeText(9000);
  const Bytes good = Encrypt(text, 600);
  // Cut inside the footer, cut to a few bytes, and a file that is no more
  // than the marker.
  Bytes cut = good;
  cut.resize(good.size() - 10);
  const Bytes marker_only = ByteView::FromString(kBabukWindowsMarker).ToBytes();
  // A CRC byte changed: no key passes the check.
  Bytes crc = good;
  crc[good.size() - 36] ^= 1;
  // A public key that is a low-order point (all zeros).
  Bytes zero = good;
  std::fill_n(zero.end() - 68, 32, 0);
  ASSERT_THAT(fs.AddFile(kDir / "cut.txt.babuk", cut), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "five.txt.doydo",
                         Bytes(good.begin(), good.begin() + 5)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "marker.txt.babuk", marker_only), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "crc.txt.babyk", crc), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "zero.txt.babyk", zero), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options("", nullptr)));
  struct Expect {
    const char* name;
    RecoverStatus status;
    MessageId id;
  };
  const auto all = {Expect{"cut.txt.babuk", RecoverStatus::kError,
                           MessageId::kRecoverBabukWindowsNoFooter},
                    Expect{"five.txt.doydo", RecoverStatus::kError,
                           MessageId::kRecoverBabukWindowsNoFooter},
                    Expect{"marker.txt.babuk", RecoverStatus::kError,
                           MessageId::kRecoverBabukWindowsNoFooter},
                    Expect{"crc.txt.babyk", RecoverStatus::kKeyNotFound,
                           MessageId::kRecoverBabukNoKeys},
                    Expect{"zero.txt.babyk", RecoverStatus::kKeyNotFound,
                           MessageId::kRecoverBabukNoKeys}};
  for (const Expect& e : all) {
    SCOPED_TRACE(e.name);
    const FileOutcome* f = Find(report, kDir / e.name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->decryptor, "babuk-windows");
    EXPECT_EQ(f->status, e.status);
    EXPECT_EQ(f->detail.id, e.id) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
  }
  // With the key: the changed CRC refuses it; the zero key fits none.
  ASSERT_OK_AND_ASSIGN(report,
                       Recover(fs, Options("babuk-windows", &AttackerKey())));
  const FileOutcome* f = Find(report, kDir / "crc.txt.babyk");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBabukWindowsKeysNoFit);
  f = Find(report, kDir / "zero.txt.babyk");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kError);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBabukBadPublicKey);
  // Forced, a .babyk file cut short says its footer is missing.
  ASSERT_THAT(fs.AddFile(kDir / "cut2.txt.babyk", cut), IsOk());
  ASSERT_OK_AND_ASSIGN(report,
                       Recover(fs, Options("babuk-windows", &AttackerKey())));
  f = Find(report, kDir / "cut2.txt.babyk");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kError);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBabukWindowsNoFooter);
  for (const char* name : {"cut.txt", "crc.txt", "zero.txt", "cut2.txt"}) {
    EXPECT_FALSE(fs.Contents(kDir / name).ok()) << name;
  }
}

// --- Probing, and the key store's seam ---

recover::FileSample Sample(const std::string& name, const Bytes& file) {
  return recover::FileSample{kDir / name, name, file.size(),
                             ByteView(file).First(recover::kProbeHeadBytes),
                             ByteView(file).Last(recover::kProbeTailBytes)};
}

TEST(BabukWindowsProbeTest, TheMarkerDecidesAndTheOtherBuildsStandAside) {
  io::MemoryFileSystem fs;
  recover::RunInputs plain_inputs;
  ASSERT_OK_AND_ASSIGN(auto run,
                       BabukWindowsDecryptor().Prepare(fs, plain_inputs));
  recover::RunInputs forced_inputs;
  forced_inputs.forced = true;
  ASSERT_OK_AND_ASSIGN(auto forced,
                       BabukWindowsDecryptor().Prepare(fs, forced_inputs));
  const Bytes windows = Encrypt(formats::samples::MakeText(99), 700);
  const Bytes esxi = *families_testing::BabukEncrypt(
      BabukBuild::kEsxi, formats::samples::MakeText(99),
      PublicOf(AttackerKey()), MakeBabukPrivateKey(701));

  auto p = run->Probe(Sample("a.docx.babyk", windows));
  EXPECT_EQ(p.confidence, 90);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeBabukWindowsMarker);
  EXPECT_EQ(p.original_name, "a.docx");
  // The marker is enough whatever the name (the rename may have failed).
  p = run->Probe(Sample("a.docx", windows));
  EXPECT_EQ(p.confidence, 90);
  EXPECT_EQ(p.original_name, "a");
  // Two visible layers, one extension: "a.docx" either way.
  ASSERT_OK_AND_ASSIGN(
      Bytes twice, families_testing::BabukWindowsEncrypt(windows, Layer(702)));
  EXPECT_EQ(run->Probe(Sample("a.docx.babyk", twice)).original_name, "a.docx");
  EXPECT_EQ(run->Probe(Sample("a.docx.babyk.babuk", twice)).original_name,
            "a.docx");

  // .babyk without the marker is ESXi's; .babuk and .doydo are Windows'.
  EXPECT_EQ(run->Probe(Sample("b.txt.babyk", esxi)).confidence, 0);
  EXPECT_GT(BabukEsxiDecryptor()
                .Prepare(fs, plain_inputs)
                .value()
                ->Probe(Sample("b.txt.babyk", esxi))
                .confidence,
            0);
  p = run->Probe(Sample("b.txt.babuk", esxi));
  EXPECT_EQ(p.confidence, 40);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeExtension);
  EXPECT_EQ(run->Probe(Sample("b.txt.other", esxi)).confidence, 0);
  p = forced->Probe(Sample("b.txt.other", esxi));
  EXPECT_EQ(p.confidence, 20);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeForced);
  // NAS and ESXi leave a Windows file alone.
  for (const recover::Decryptor* other :
       {&BabukNasDecryptor(), &BabukEsxiDecryptor()}) {
    EXPECT_EQ(other->Prepare(fs, plain_inputs)
                  .value()
                  ->Probe(Sample("a.docx.babyk", windows))
                  .confidence,
              0);
  }
}

TEST(BabukWindowsProbeTest, IntactCountsEveryVisibleLayer) {
  io::MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(
      auto run, BabukWindowsDecryptor().Prepare(fs, recover::RunInputs{}));
  const Bytes plain = formats::samples::MakeText(10'000);
  const Bytes once = Encrypt(plain, 720);
  ASSERT_OK_AND_ASSIGN(Bytes twice,
                       families_testing::BabukWindowsEncrypt(once, Layer(721)));
  const recover::ProbeResult probe;
  auto intact = run->Intact(Sample("a.txt.babyk", once), probe);
  ASSERT_TRUE(intact);
  EXPECT_EQ(intact->original_size, 10'000u);
  EXPECT_EQ(intact->intact, 9'000u);
  intact = run->Intact(Sample("a.txt.babyk", twice), probe);
  ASSERT_TRUE(intact);
  EXPECT_EQ(intact->original_size, 10'000u);
  EXPECT_EQ(intact->intact, 10'000u - 1'006u);
  EXPECT_FALSE(run->Intact(Sample("a.txt.babuk", Bytes(67, 0)), probe));
}

TEST(BabukWindowsStoreTest, EveryReleasedKeyIsTriedByTheCrc) {
  const Bytes file =
      Encrypt(formats::samples::MakeSample(FileKind::kPdf, 4000), 800);
  std::vector<std::string> asked;
  const recover::ReleasedKeys store =
      [&](std::string_view family) -> Result<std::vector<recover::StoredKey>> {
    asked.emplace_back(family);
    std::vector<recover::StoredKey> keys;
    keys.push_back({SecretBytes(ByteView::FromString("junk")), "case J"});
    keys.push_back({OtherKey(), "case A"});
    keys.push_back({AttackerKey(), "case B"});
    return keys;
  };
  io::MemoryFileSystem fs;
  recover::RunInputs inputs;
  inputs.released_keys = store;
  ASSERT_OK_AND_ASSIGN(auto run, BabukWindowsDecryptor().Prepare(fs, inputs));
  const recover::FileSample sample = Sample("x.pdf.babyk", file);
  const recover::ProbeResult probe = run->Probe(sample);
  recover::KeyOutcome outcome = run->FindKey(sample, probe);
  ASSERT_EQ(outcome.verdict, recover::KeyVerdict::kFound);
  EXPECT_EQ(outcome.key.source, "case B");
  outcome = run->FindKey(sample, probe);  // The store is asked once a run.
  EXPECT_EQ(outcome.key.source, "case B");
  EXPECT_THAT(asked, ElementsAreArray({std::string(kBabukKeyFamily)}));

  const recover::ReleasedKeys failing =
      [](std::string_view) -> Result<std::vector<recover::StoredKey>> {
    return IoError("database is locked");
  };
  inputs.released_keys = failing;
  ASSERT_OK_AND_ASSIGN(run, BabukWindowsDecryptor().Prepare(fs, inputs));
  outcome = run->FindKey(sample, probe);
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverBabukLookupFailed);
}

TEST(BabukWindowsStoreTest, KeysThatAreNotX25519PrivateKeysAreRefused) {
  io::MemoryFileSystem fs;
  recover::RunInputs inputs;
  inputs.key = SecretBytes(Bytes(31, 1));
  EXPECT_EQ(BabukWindowsDecryptor().Prepare(fs, inputs).error().code(),
            StatusCode::kInvalidArgument);
  inputs.key = AttackerKey();
  inputs.iv = SecretBytes(Bytes(16, 0));
  EXPECT_EQ(BabukWindowsDecryptor().Prepare(fs, inputs).error().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::families
