#include "families/babuk/babuk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "crypto/chacha20.h"
#include "crypto/sosemanuk.h"
#include "crypto/x25519.h"
#include "families/babuk/cipher.h"
#include "families/babuk/layout.h"
#include "families/babuk/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/limits.h"
#include "kintsugi/recover.h"
#include "kintsugi/store.h"

namespace kintsugi::families {
namespace {

using families_testing::ArgText;
using families_testing::Find;

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;

const Path kDir = "/victim";
constexpr std::uint64_t kMiB = 1024 * 1024;

// Locally generated attacker key pairs (recovery-schemes.md §0).
const SecretBytes& AttackerKey() {
  static const SecretBytes key = families_testing::MakeBabukPrivateKey(1);
  return key;
}
const SecretBytes& OtherKey() {
  static const SecretBytes key = families_testing::MakeBabukPrivateKey(2);
  return key;
}
Bytes PublicOf(const SecretBytes& key) { return *crypto::X25519PublicKey(key); }

Bytes Specimen(BabukBuild build, ByteView plain, std::uint64_t seed = 100,
               const SecretBytes& attacker = AttackerKey()) {
  return *families_testing::BabukEncrypt(
      build, plain, PublicOf(attacker),
      families_testing::MakeBabukPrivateKey(seed));
}

RecoverOptions Options(std::string family, const SecretBytes* key) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = std::move(family);
  if (key != nullptr) options.key = *key;
  return options;
}

// --- The layout (§3.8) ---

TEST(BabukLayoutTest, ParsesNasAndEsxiFooters) {
  const Bytes nas = Specimen(BabukBuild::kNas, formats::samples::MakeText(500));
  ASSERT_EQ(nas.size(), 500 + kBabukNasFooterBytes);
  const Bytes file_public =
      PublicOf(families_testing::MakeBabukPrivateKey(100));
  BabukFooterParse parse = ParseBabukFooter(BabukBuild::kNas, nas);
  ASSERT_EQ(parse.error, BabukFooterError::kNone);
  EXPECT_EQ(parse.public_key, ByteView(file_public));
  // Exactly the footer is enough.
  EXPECT_EQ(ParseBabukFooter(BabukBuild::kNas, ByteView(nas).Last(38)).error,
            BabukFooterError::kNone);
  EXPECT_EQ(ParseBabukFooter(BabukBuild::kNas, ByteView(nas).Last(37)).error,
            BabukFooterError::kTooShort);
  EXPECT_EQ(ParseBabukFooter(BabukBuild::kNas, {}).error,
            BabukFooterError::kTooShort);
  Bytes broken = nas;
  broken.back() = 0xF1;
  EXPECT_EQ(ParseBabukFooter(BabukBuild::kNas, broken).error,
            BabukFooterError::kNoMarker);

  const Bytes esxi =
      Specimen(BabukBuild::kEsxi, formats::samples::MakeText(500));
  ASSERT_EQ(esxi.size(), 500 + kBabukEsxiFooterBytes);
  parse = ParseBabukFooter(BabukBuild::kEsxi, esxi);
  ASSERT_EQ(parse.error, BabukFooterError::kNone);
  EXPECT_EQ(parse.public_key, ByteView(file_public));
  EXPECT_EQ(ParseBabukFooter(BabukBuild::kEsxi, ByteView(esxi).Last(31)).error,
            BabukFooterError::kTooShort);
}

TEST(BabukLayoutTest, NasRegionIsTheFirst4MiBUpTo20MiB) {
  const auto span = [](std::uint64_t n, std::uint64_t at) {
    return BabukSpanFrom(BabukBuild::kNas, n, at);
  };
  EXPECT_FALSE(span(0, 0));
  auto s = span(1, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 1u);
  // Exactly 4 MiB: all of it; one byte more: the last byte stays plain.
  s = span(4 * kMiB, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 4 * kMiB);
  s = span(4 * kMiB + 1, 4 * kMiB - 1);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 4 * kMiB);
  EXPECT_FALSE(span(4 * kMiB + 1, 4 * kMiB));
  // Exactly 20 MiB is still the small rule.
  s = span(20 * kMiB, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, 4 * kMiB);
  EXPECT_FALSE(span(20 * kMiB, 4 * kMiB));
}

TEST(BabukLayoutTest, NasAbove20MiBIs1MiBAtEvery10MiBOnOneKeystream) {
  const std::uint64_t n = 20 * kMiB + 1;  // floor(n / 10 MiB) = 2 blocks.
  auto s = BabukSpanFrom(BabukBuild::kNas, n, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, kMiB);
  EXPECT_EQ(s->stream, 0u);
  s = BabukSpanFrom(BabukBuild::kNas, n, kMiB);  // Skips to block 1.
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 10 * kMiB);
  EXPECT_EQ(s->end, 11 * kMiB);
  EXPECT_EQ(s->stream, kMiB);  // Block 1's keystream follows block 0's.
  EXPECT_FALSE(BabukSpanFrom(BabukBuild::kNas, n, 11 * kMiB));
  // 39 MiB: 3 blocks; the third at 20 MiB, keystream from 2 MiB.
  s = BabukSpanFrom(BabukBuild::kNas, 39 * kMiB, 15 * kMiB);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 20 * kMiB);
  EXPECT_EQ(s->stream, 2 * kMiB);
  EXPECT_FALSE(BabukSpanFrom(BabukBuild::kNas, 39 * kMiB, 21 * kMiB));
}

TEST(BabukLayoutTest, EsxiIsEverythingUpTo512MiB) {
  auto s = BabukSpanFrom(BabukBuild::kEsxi, 1000, 10);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->begin, 0u);
  EXPECT_EQ(s->end, 1000u);
  s = BabukSpanFrom(BabukBuild::kEsxi, 600 * kMiB, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->end, 512 * kMiB);
  EXPECT_FALSE(BabukSpanFrom(BabukBuild::kEsxi, 600 * kMiB, 512 * kMiB));
}

// The cipher applies the region rule with the keystream §3.8 names,
// checked against ChaCha20 and Sosemanuk directly at the block edges of a
// 31 MiB original, without holding it (Apply works on any window).
TEST(BabukCipherTest, NasLargeFileBlocksUseTheContinuedKeystream) {
  const BabukFileKey key =
      *DeriveBabukFileKey(BabukBuild::kNas, AttackerKey(),
                          PublicOf(families_testing::MakeBabukPrivateKey(5)));
  ASSERT_EQ(key.nonce.size(), 12u);
  // The nonce is SHA-256(key)[10:22].
  EXPECT_EQ(key.nonce.view(),
            *crypto::Sha256(key.key.view()).view().Sub(10, 12));
  const std::uint64_t n = 31 * kMiB;
  auto cipher = BabukCipher::Create(BabukBuild::kNas, key);
  ASSERT_TRUE(cipher.ok());
  struct Window {
    std::uint64_t at;
    std::uint64_t stream;  // Keystream offset of `at`, or ~0: plain.
  };
  constexpr std::uint64_t kPlain = ~std::uint64_t{0};
  for (const Window w :
       {Window{0, 0}, Window{kMiB - 1, kMiB - 1}, Window{kMiB, kPlain},
        Window{10 * kMiB - 1, kPlain}, Window{10 * kMiB, kMiB},
        Window{11 * kMiB - 1, 2 * kMiB - 1},
        Window{20 * kMiB + 7, 2 * kMiB + 7}, Window{30 * kMiB, kPlain}}) {
    SCOPED_TRACE(w.at);
    const Bytes zero(1, 0);
    Bytes got(1);
    ASSERT_THAT(cipher->Apply(n, w.at, zero, got), IsOk());
    Bytes want(1, 0);
    if (w.stream != kPlain) {
      ASSERT_THAT(crypto::ChaCha20IetfXor(key.key.view(), key.nonce.view(),
                                          w.stream, zero, want),
                  IsOk());
    }
    EXPECT_EQ(got, want);
  }
  // A window across a block's end: encrypted, then plain.
  const Bytes zeros(64, 0);
  Bytes got(64);
  ASSERT_THAT(cipher->Apply(n, 11 * kMiB - 32, zeros, got), IsOk());
  Bytes want(32);
  ASSERT_THAT(
      crypto::ChaCha20IetfXor(key.key.view(), key.nonce.view(), 2 * kMiB - 32,
                              ByteView(zeros).First(32), want),
      IsOk());
  EXPECT_EQ(ByteView(got).First(32), ByteView(want));
  EXPECT_EQ(ByteView(got).Last(32), ByteView(zeros).Last(32));
}

TEST(BabukCipherTest, EsxiIsSosemanukFromOffsetZeroWithNoIv) {
  const BabukFileKey key =
      *DeriveBabukFileKey(BabukBuild::kEsxi, AttackerKey(),
                          PublicOf(families_testing::MakeBabukPrivateKey(6)));
  EXPECT_TRUE(key.nonce.empty());
  auto cipher = BabukCipher::Create(BabukBuild::kEsxi, key);
  ASSERT_TRUE(cipher.ok());
  const Bytes zeros(300, 0);
  Bytes got(300);
  // Out of order on purpose: the keystream restarts when it must.
  ASSERT_THAT(cipher->Apply(300, 200, ByteView(zeros).Last(100),
                            std::span(got).subspan(200)),
              IsOk());
  ASSERT_THAT(cipher->Apply(300, 0, ByteView(zeros).First(200),
                            std::span(got).first(200)),
              IsOk());
  auto reference = crypto::Sosemanuk::Create(key.key.view(), {});
  ASSERT_TRUE(reference.ok());
  Bytes want(300);
  ASSERT_THAT(reference->Xor(zeros, want), IsOk());
  EXPECT_EQ(got, want);
}

// --- Recognising the right key (BabukRecognisedKind) ---

TEST(BabukRecogniseTest, StrongMagicTextAndExpectedTypesOnly) {
  const Bytes pdf = MakeSample(FileKind::kPdf, 2000);
  EXPECT_EQ(BabukRecognisedKind(pdf, pdf.size(), "a.bin"), FileKind::kPdf);
  // Too few bytes to have checked the magic whole.
  EXPECT_FALSE(BabukRecognisedKind(ByteView(pdf).First(8), 8, "a.pdf"));
  const Bytes text = formats::samples::MakeText(300);
  EXPECT_EQ(BabukRecognisedKind(text, 300, "notes"), FileKind::kText);
  EXPECT_FALSE(BabukRecognisedKind(ByteView(text).First(100), 100, "notes"));
  EXPECT_EQ(BabukRecognisedKind(ByteView(text).First(100), 100, "a.txt"),
            FileKind::kText);
  // JPEG's magic is short: only when the name says JPEG.
  const Bytes jpeg = MakeSample(FileKind::kJpeg, 2000);
  EXPECT_EQ(BabukRecognisedKind(jpeg, jpeg.size(), "p.jpg"), FileKind::kJpeg);
  EXPECT_FALSE(BabukRecognisedKind(jpeg, jpeg.size(), "p.dat"));
  // Noise is nothing.
  const Bytes noise = formats::samples::PseudoRandomBytes(4096, 3);
  EXPECT_FALSE(BabukRecognisedKind(noise, noise.size(), "a.txt"));
}

// --- Decryption through the pipeline, with --key ---

struct Case {
  FileKind kind;
  const char* ext;
  std::size_t size;
};

Bytes Plain(const Case& c) {
  return c.kind == FileKind::kText ? formats::samples::MakeText(c.size)
                                   : MakeSample(c.kind, c.size);
}

TEST(BabukTest, RecoversNasAndEsxiSpecimensWithTheKey) {
  const Case cases[] = {
      {FileKind::kText, ".txt", 16},    {FileKind::kText, ".log", 300},
      {FileKind::kText, ".txt", 5000},  {FileKind::kPdf, ".pdf", 0},
      {FileKind::kPng, ".png", 0},      {FileKind::kJpeg, ".jpg", 3000},
      {FileKind::kZip, ".zip", 70'000}, {FileKind::kOle2, ".doc", 9000},
  };
  for (BabukBuild build : {BabukBuild::kNas, BabukBuild::kEsxi}) {
    SCOPED_TRACE(build == BabukBuild::kNas ? "NAS" : "ESXi");
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    std::vector<std::pair<std::string, Bytes>> originals;
    int n = 0;
    for (const Case& c : cases) {
      const Bytes plain = Plain(c);
      const std::string name = "file" + std::to_string(n) + c.ext;
      ASSERT_THAT(
          families_testing::WriteBabukSpecimen(
              fs, kDir, name + ".babyk", build, plain, PublicOf(AttackerKey()),
              families_testing::MakeBabukPrivateKey(
                  static_cast<std::uint64_t>(200 + n))),
          IsOk());
      originals.emplace_back(name, plain);
      ++n;
    }
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         Recover(fs, Options("babuk", &AttackerKey())));
    for (const auto& [name, plain] : originals) {
      SCOPED_TRACE(name);
      const FileOutcome* f = Find(report, kDir / (name + ".babyk"));
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->status, RecoverStatus::kRecovered)
          << RenderEnglish(f->detail);
      EXPECT_EQ(f->decryptor,
                build == BabukBuild::kNas ? "babuk-nas" : "babuk-esxi");
      EXPECT_EQ(f->variant, build == BabukBuild::kNas ? "nas" : "esxi");
      EXPECT_EQ(f->key_source, "--key");
      ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
      EXPECT_THAT(out, ElementsAreArray(plain));
    }
  }
}

// §3.8's region rule end to end: 4 MiB exactly (all encrypted) and a file
// above 20 MiB (1 MiB blocks at 0 and 10 MiB), with plain bytes between.
TEST(BabukTest, RecoversNasFilesAtTheRegionBoundaries) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes four = formats::samples::MakeText(4 * kMiB);
  const Bytes large = formats::samples::MakeText(20 * kMiB + 100);
  const Bytes four_enc = Specimen(BabukBuild::kNas, four, 301);
  const Bytes large_enc = Specimen(BabukBuild::kNas, large, 302);
  // The bytes between the blocks stay plain; the blocks do not.
  EXPECT_EQ(ByteView(large_enc).Sub(kMiB, 9 * kMiB)->ToBytes(),
            ByteView(large).Sub(kMiB, 9 * kMiB)->ToBytes());
  EXPECT_NE(ByteView(large_enc).Sub(10 * kMiB, 16)->ToBytes(),
            ByteView(large).Sub(10 * kMiB, 16)->ToBytes());
  EXPECT_NE(ByteView(four_enc).Sub(4 * kMiB - 16, 16)->ToBytes(),
            ByteView(four).Sub(4 * kMiB - 16, 16)->ToBytes());
  ASSERT_THAT(fs.AddFile(kDir / "four.txt.babyk", four_enc), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "large.txt.babyk", large_enc), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk-nas", &AttackerKey())));
  for (const auto& [name, plain] :
       {std::pair{"four.txt", &four}, std::pair{"large.txt", &large}}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / (std::string(name) + ".babyk"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_TRUE(out == *plain);
  }
}

TEST(BabukTest, WithoutAFittingKeyTheFileIsKeyNotFoundAndUntouched) {
  for (BabukBuild build : {BabukBuild::kNas, BabukBuild::kEsxi}) {
    SCOPED_TRACE(build == BabukBuild::kNas ? "NAS" : "ESXi");
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    const Bytes file =
        Specimen(build, MakeSample(FileKind::kPdf, 3000), 400, OtherKey());
    ASSERT_THAT(fs.AddFile(kDir / "a.pdf.babyk", file), IsOk());
    const std::string file_public =
        ToHex(PublicOf(families_testing::MakeBabukPrivateKey(400)));
    for (const SecretBytes* key :
         {&AttackerKey(), static_cast<const SecretBytes*>(nullptr)}) {
      ASSERT_OK_AND_ASSIGN(RecoverReport report,
                           Recover(fs, Options("babuk", key)));
      ASSERT_EQ(report.files.size(), 1u);
      const FileOutcome& f = report.files[0];
      EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound)
          << RenderEnglish(f.detail);
      EXPECT_EQ(f.detail.id, key != nullptr ? MessageId::kRecoverBabukKeysNoFit
                                            : MessageId::kRecoverBabukNoKeys);
      EXPECT_EQ(ArgText(f.detail, "public_key"), file_public);
      EXPECT_TRUE(HasDeclaredArgs(f.detail));
      ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "a.pdf.babyk"));
      EXPECT_EQ(still, file);
      EXPECT_FALSE(fs.Contents(kDir / "a.pdf").ok());
    }
  }
}

// An original of a type Kintsugi cannot recognise (a disk image) gives
// noise and plaintext alike no recognisable start: even the right key is
// not taken, and the file is left alone rather than guessed at.
TEST(BabukTest, AnUnrecognisableOriginalIsKeyNotFoundEvenWithTheRightKey) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Bytes disk(8192, 0);
  disk[510] = 0x55;
  disk[511] = 0xAA;
  const Bytes file = Specimen(BabukBuild::kEsxi, disk, 401);
  ASSERT_THAT(fs.AddFile(kDir / "vm-flat.vmdk.babyk", file), IsOk());
  // And a file too small to tell: 3 bytes of text.
  const Bytes tiny =
      Specimen(BabukBuild::kEsxi, ByteView::FromString("hi\n"), 402);
  ASSERT_THAT(fs.AddFile(kDir / "tiny.txt.babyk", tiny), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", &AttackerKey())));
  for (const char* name : {"vm-flat.vmdk.babyk", "tiny.txt.babyk"}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
    EXPECT_EQ(f->detail.id, MessageId::kRecoverBabukKeysNoFit);
  }
  EXPECT_FALSE(fs.Contents(kDir / "vm-flat.vmdk").ok());
}

TEST(BabukTest, DamagedFootersAreClearErrors) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Bytes truncated = Specimen(BabukBuild::kNas, formats::samples::MakeText(900));
  truncated.resize(800);
  // A public key that is a low-order point (all zeros) fits no key.
  Bytes zero_key = formats::samples::MakeText(900);
  zero_key.insert(zero_key.end(), 32, 0);
  zero_key.insert(zero_key.end(), kBabukNasMarker.begin(),
                  kBabukNasMarker.end());
  ASSERT_THAT(fs.AddFile(kDir / "truncated.txt.x", truncated), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "zero.txt.babyk", zero_key), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "tiny.txt.babyk",
                         ByteView::FromString("short").ToBytes()),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", &AttackerKey())));
  struct Expect {
    const char* name;
    MessageId id;
  };
  for (const Expect& e :
       {Expect{"zero.txt.babyk", MessageId::kRecoverBabukBadPublicKey},
        Expect{"tiny.txt.babyk", MessageId::kRecoverBabukEsxiTooShort}}) {
    SCOPED_TRACE(e.name);
    const FileOutcome* f = Find(report, kDir / e.name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kError);
    EXPECT_EQ(f->detail.id, e.id) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
  }
  // Forced to NAS, a file without the marker says its footer is missing.
  ASSERT_OK_AND_ASSIGN(report,
                       Recover(fs, Options("babuk-nas", &AttackerKey())));
  const FileOutcome* f = Find(report, kDir / "truncated.txt.x");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kError);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverBabukNoFooter)
      << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "truncated.txt.x"));
  EXPECT_EQ(still, truncated);
}

TEST(BabukTest, AnEmptyOriginalNeedsNoKey) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "empty.txt.babyk", Specimen(BabukBuild::kNas, {}, 403)),
      IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options("babuk", nullptr)));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_NE(report.files[0].status, RecoverStatus::kKeyNotFound);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "empty.txt"));
  EXPECT_TRUE(out.empty());
}

TEST(BabukTest, KeysThatAreNotX25519PrivateKeysAreRefused) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const SecretBytes short_key(Bytes(31, 1));
  auto report = Recover(fs, Options("babuk", &short_key));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument);
  RecoverOptions with_iv = Options("babuk-esxi", &AttackerKey());
  with_iv.iv = SecretBytes(Bytes(16, 0));
  report = Recover(fs, with_iv);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument);
}

// --- Probing: which build takes a file ---

class BabukProbeTest : public ::testing::Test {
 protected:
  static recover::ProbeResult Probe(const recover::Decryptor& decryptor,
                                    std::string name, const Bytes& file,
                                    bool forced = false) {
    io::MemoryFileSystem fs;
    recover::RunInputs inputs;
    inputs.forced = forced;
    auto run = decryptor.Prepare(fs, inputs);
    EXPECT_TRUE(run.ok());
    const recover::FileSample sample{
        kDir / name, name, file.size(),
        ByteView(file).First(recover::kProbeHeadBytes),
        ByteView(file).Last(recover::kProbeTailBytes)};
    return (*run)->Probe(sample);
  }
};

TEST_F(BabukProbeTest, TheNasMarkerDecidesAndEsxiIsTakenByName) {
  const Bytes nas = Specimen(BabukBuild::kNas, formats::samples::MakeText(99));
  const Bytes esxi =
      Specimen(BabukBuild::kEsxi, formats::samples::MakeText(99));
  Bytes windows = formats::samples::MakeText(99);
  windows.insert(windows.end(), 36, 0x11);
  windows.insert(windows.end(), kBabukWindowsMarker.begin(),
                 kBabukWindowsMarker.end());

  auto p = Probe(BabukNasDecryptor(), "a.txt.babyk", nas);
  EXPECT_GE(p.confidence, 70);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeBabukNasMarker);
  EXPECT_EQ(p.original_name, "a.txt");
  EXPECT_EQ(Probe(BabukEsxiDecryptor(), "a.txt.babyk", nas).confidence, 0);
  // The marker is enough whatever the name.
  EXPECT_GE(Probe(BabukNasDecryptor(), "a.txt.locked", nas).confidence, 70);

  EXPECT_EQ(Probe(BabukNasDecryptor(), "b.txt.babyk", esxi).confidence, 0);
  p = Probe(BabukEsxiDecryptor(), "b.txt.BABYK", esxi);
  EXPECT_GT(p.confidence, 0);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeBabukEsxiExtension);
  EXPECT_EQ(p.original_name, "b.txt");
  // Nothing marks an ESXi file: another name is not taken, unless forced.
  EXPECT_EQ(Probe(BabukEsxiDecryptor(), "b.txt.other", esxi).confidence, 0);
  p = Probe(BabukEsxiDecryptor(), "b.txt.other", esxi, /*forced=*/true);
  EXPECT_GT(p.confidence, 0);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeBabukEsxiForced);

  // A Windows build's file is neither.
  EXPECT_EQ(Probe(BabukEsxiDecryptor(), "c.txt.babyk", windows).confidence, 0);
  EXPECT_EQ(Probe(BabukNasDecryptor(), "c.txt.babyk", windows).confidence, 0);
}

// --- The key store's seam (RunInputs::released_keys), with a fake store ---

class BabukStoreTest : public ::testing::Test {
 protected:
  static recover::KeyOutcome Run(const recover::Decryptor& decryptor,
                                 const recover::ReleasedKeys& released,
                                 const Bytes& file, std::string name) {
    io::MemoryFileSystem fs;
    recover::RunInputs inputs;
    inputs.released_keys = released;
    auto run = decryptor.Prepare(fs, inputs);
    EXPECT_TRUE(run.ok());
    const recover::FileSample sample{
        kDir / name, name, file.size(),
        ByteView(file).First(recover::kProbeHeadBytes),
        ByteView(file).Last(recover::kProbeTailBytes)};
    const recover::ProbeResult probe = (*run)->Probe(sample);
    EXPECT_GT(probe.confidence, 0);
    return (*run)->FindKey(sample, probe);
  }
};

TEST_F(BabukStoreTest, EveryReleasedKeyIsTriedAndTheFittingOneTaken) {
  const Bytes file =
      Specimen(BabukBuild::kNas, MakeSample(FileKind::kPdf, 4000), 500);
  std::vector<std::string> asked;
  std::mutex mutex;
  const recover::ReleasedKeys store =
      [&](std::string_view family) -> Result<std::vector<recover::StoredKey>> {
    std::lock_guard lock(mutex);
    asked.emplace_back(family);
    std::vector<recover::StoredKey> keys;
    keys.push_back({SecretBytes(ByteView::FromString("junk")), "case J"});
    keys.push_back({OtherKey(), "case A"});
    keys.push_back({AttackerKey(), "case B"});
    return keys;
  };
  const recover::KeyOutcome outcome =
      Run(BabukNasDecryptor(), store, file, "x.pdf.babyk");
  ASSERT_EQ(outcome.verdict, recover::KeyVerdict::kFound);
  EXPECT_EQ(outcome.key.source, "case B");
  EXPECT_THAT(asked, ElementsAreArray({std::string(kBabukKeyFamily)}));
}

TEST_F(BabukStoreTest, WrongKeysOrAFailingStoreAreSaidSo) {
  const Bytes file =
      Specimen(BabukBuild::kEsxi, MakeSample(FileKind::kPdf, 4000), 501);
  const recover::ReleasedKeys wrong =
      [](std::string_view) -> Result<std::vector<recover::StoredKey>> {
    std::vector<recover::StoredKey> keys;
    keys.push_back({OtherKey(), "case A"});
    keys.push_back({families_testing::MakeBabukPrivateKey(9), "case C"});
    return keys;
  };
  recover::KeyOutcome outcome =
      Run(BabukEsxiDecryptor(), wrong, file, "x.pdf.babyk");
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kNotFound);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverBabukKeysNoFit);
  EXPECT_TRUE(HasDeclaredArgs(outcome.message));
  EXPECT_EQ(RenderEnglish(outcome.message).find("none of the 2"), 0u)
      << RenderEnglish(outcome.message);

  const recover::ReleasedKeys failing =
      [](std::string_view) -> Result<std::vector<recover::StoredKey>> {
    return IoError("database is locked");
  };
  outcome = Run(BabukEsxiDecryptor(), failing, file, "x.pdf.babyk");
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverBabukLookupFailed);
  EXPECT_EQ(ArgText(outcome.message, "error"), "database is locked");
}

// --- Through the pipeline's seam to a key store (RecoverOptions::key_store)

// A store holding `keys` as released keys of family "babuk".
class FakeStore final : public KeyStore {
 public:
  explicit FakeStore(std::vector<SecretBytes> keys) : keys_(std::move(keys)) {}
  Status Import(std::span<const KeyRecord>) override {
    return UnsupportedError("read-only");
  }
  Result<std::vector<KeyRecord>> Lookup(std::string_view,
                                        const KeyHandle&) override {
    return std::vector<KeyRecord>{};
  }
  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    families_asked.emplace_back(family);
    if (family != kBabukKeyFamily) return Status::Ok();
    for (const SecretBytes& key : keys_) {
      KeyRecord record;
      record.family = "babuk";
      record.key_type = KeyType::kX25519Private;
      record.key = key;
      record.provenance.source = "leak";
      KINTSUGI_RETURN_IF_ERROR(visit(record));
    }
    return Status::Ok();
  }
  Result<KeyStoreStats> Stats() override { return KeyStoreStats{}; }
  Status Export(const KeyVisitor&) override { return Status::Ok(); }

  std::vector<std::string> families_asked;

 private:
  std::vector<SecretBytes> keys_;
};

TEST(BabukStorePipelineTest, ReleasedBabukKeysAreAskedOnceAndTried) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 5000);
  ASSERT_THAT(
      fs.AddFile(kDir / "a.pdf.babyk", Specimen(BabukBuild::kNas, pdf, 600)),
      IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "b.pdf.babyk", Specimen(BabukBuild::kNas, pdf, 601)),
      IsOk());
  auto store = std::make_shared<FakeStore>(
      std::vector<SecretBytes>{OtherKey(), AttackerKey()});
  RecoverOptions options = Options("", nullptr);
  options.key_store = store;
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const char* name : {"a.pdf.babyk", "b.pdf.babyk"}) {
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_EQ(f->key_source, "key store (leak)");
  }
  // Once per run and decryptor that needed keys (the ESXi decryptor took
  // no file), whatever the number of files.
  EXPECT_THAT(store->families_asked, ElementsAreArray({"babuk"}));
}

TEST(BabukStorePipelineTest, MoreReleasedKeysThanTheLimitIsAnErrorNotNoKey) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "a.pdf.babyk",
                         Specimen(BabukBuild::kNas,
                                  MakeSample(FileKind::kPdf, 5000), 602)),
              IsOk());
  std::vector<SecretBytes> keys(limits::kMaxKeysTriedPerFamily + 1, OtherKey());
  RecoverOptions options = Options("babuk", nullptr);
  options.key_store = std::make_shared<FakeStore>(std::move(keys));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kError);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverBabukLookupFailed);
  EXPECT_THAT(
      ArgText(report.files[0].detail, "error"),
      ::testing::HasSubstr("more than " +
                           std::to_string(limits::kMaxKeysTriedPerFamily)));
}

}  // namespace
}  // namespace kintsugi::families
