// TeslaCrypt (recovery-schemes-2.md §3.1, §3.1b): the spec's synthetic
// chain byte for byte, the key chain in the decryption direction, the
// decryptor on specimens of many sizes through the pipeline, and what it
// says of damaged files, wrong keys and the older versions.
//
// Specimens (§0, §3.1 "Specimen recipe"): a C&C key pair drawn here,
// never the real one; the released key is exercised only in the
// decryption direction (src/crypto/secp256k1_test.cpp,
// src/store/builtin_keys_test.cpp).

#include "families/teslacrypt/teslacrypt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "crypto/aes_cbc.h"
#include "crypto/secp256k1.h"
#include "crypto/x25519.h"
#include "families/teslacrypt/keys.h"
#include "families/teslacrypt/layout.h"
#include "families/teslacrypt/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using families_testing::ArgText;
using families_testing::Find;
using families_testing::TeslaFileParameters;
using families_testing::TeslaInfection;
using families_testing::TeslaPaddingMode;
using families_testing::TeslaSession;
using families_testing::TeslaTestSecret;
using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;

const Path kDir = "/victim";
constexpr std::string_view kSpecPlaintext =
    "Kintsugi TeslaCrypt 3/4 test specimen\n";

const SecretBytes& C2Private() {
  static const SecretBytes key = TeslaTestSecret("c2");
  return key;
}
const Bytes& C2Public() {
  static const Bytes key = *crypto::Secp256k1PublicKey(C2Private());
  return key;
}

TeslaInfection SpecInfection() {
  return TeslaInfection{TeslaTestSecret("gpriv"), TeslaTestSecret("random1")};
}
TeslaSession SpecSession() {
  return TeslaSession{TeslaTestSecret("amaster"), TeslaTestSecret("random2")};
}
TeslaFileParameters SpecFile(
    TeslaPaddingMode padding = TeslaPaddingMode::kZeros) {
  return TeslaFileParameters{TeslaTestSecret("iv").view().First(16).ToBytes(),
                             TeslaTestSecret("rand8").view().First(8).ToBytes(),
                             padding};
}

// A file of infection `infection`, run `session`: the IV drawn from `n`.
Bytes Specimen(ByteView plain, std::uint64_t n,
               TeslaPaddingMode padding = TeslaPaddingMode::kPkcs7,
               const TeslaInfection& infection = SpecInfection(),
               const TeslaSession& session = SpecSession(),
               ByteView c2_public = C2Public()) {
  TeslaFileParameters file = SpecFile(padding);
  file.iv =
      TeslaTestSecret("iv " + std::to_string(n)).view().First(16).ToBytes();
  return *families_testing::TeslaCryptEncrypt(plain, c2_public, infection,
                                              session, file);
}

Bytes Slice(ByteView bytes, std::size_t offset, std::size_t length) {
  return bytes.Sub(offset, length)->ToBytes();
}

// --- §3.1 "Test vectors": the synthetic chain, byte for byte ---

TEST(TeslaCryptVectorTest, TheSpecsSyntheticFileByteForByte) {
  ASSERT_OK_AND_ASSIGN(Bytes file,
                       families_testing::TeslaCryptEncrypt(
                           ByteView::FromString(kSpecPlaintext), C2Public(),
                           SpecInfection(), SpecSession(), SpecFile()));
  ASSERT_EQ(file.size(), 416u);
  EXPECT_EQ(ToHex(Slice(file, 0x18, 65)),
            "04dedcb3b0d4ab85b1bf96bce7536503f90bcef1d036dfbe47650007c7fcb57ceb"
            "272e73e397239f5774c0ad7ebd68e34a97d382fcec595a68061ff310371ae67c");
  EXPECT_EQ(ToHex(Slice(file, 0x59, 32)),
            "4707245a96e31ae6fce892f27514c72242908d792a757381b774f4013777b0ac");
  EXPECT_EQ(ToHex(Slice(file, 0x98, 65)),
            "044e2310f26026906f20bceb8fa513b4035ae2c758e90b5eb706cdd648ddbfc624"
            "c0f0f282489ca77d9f197c455db8d290552d4ee4ad8a2621835b41735bf1c08f");
  EXPECT_EQ(ToHex(Slice(file, 0xDC, 65)),
            "04bf374323a08a9f608f59dfe8e8fc8b61e3e9322b4a19b402488085402b9fc9cd"
            "abc2282bc4da9320daab544bce786d0b139c9dc41b25c572af52fc711776965d");
  EXPECT_EQ(ToHex(Slice(file, 0x11D, 32)),
            "bfff48efee73a11a351660fb84a08cdd4177d8ea4c0ef51e009b61a9c45f08a7");
  EXPECT_EQ(ToHex(Slice(file, 0x15C, 16)), "11c6f3951ba2b022d4de9e399ec12bf9");
  EXPECT_EQ(*ByteView(file).U32Le(0x16C), 38u);
  EXPECT_EQ(ToHex(Slice(file, 0x170, 48)),
            "e9176f2e5520fd439176b08bee54c2a70a416402045c395dd19705af2c1499dd42"
            "6b6338fa6bcb86a2c295a8bae9ac68");
  EXPECT_EQ(ToHex(crypto::Sha256(file).view()),
            "6a5c883158c55d2789cd9762df489d608f7f8e4d1835b7edad0c2c91433e1229");
}

// The decryption direction of the same chain: c unwraps g (validator 1),
// g unwraps Amaster.
TEST(TeslaCryptVectorTest, TheKeyChainUnwrapsTheSpecsKeys) {
  ASSERT_OK_AND_ASSIGN(Bytes file,
                       families_testing::TeslaCryptEncrypt(
                           ByteView::FromString(kSpecPlaintext), C2Public(),
                           SpecInfection(), SpecSession(), SpecFile()));
  const auto header = ParseTeslaHeader(file);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->stored_size, 38u);
  ASSERT_OK_AND_ASSIGN(auto g, UnwrapTeslaVictimKey(C2Private(), *header));
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(ToHex(g->view()),
            "312c89c9f6581e72da99f7a3100306cf2b886b6dfcb087b76ad6ff9b6b43dff3");
  ASSERT_OK_AND_ASSIGN(auto amasters, UnwrapTeslaSessionKeys(*g, *header));
  ASSERT_FALSE(amasters.empty());
  EXPECT_EQ(ToHex(amasters.front().view()),
            "2c80a7c1df9d8ef8f5fa954fe6048f5d035e945fa4800d14ccd7a31fa731a5df");
  // Another master key unwraps garbage: validator 1 says so.
  ASSERT_OK_AND_ASSIGN(
      auto none, UnwrapTeslaVictimKey(TeslaTestSecret("other c2"), *header));
  EXPECT_FALSE(none.has_value());
  // The zero padding after the 38 bytes.
  ASSERT_OK_AND_ASSIGN(
      TeslaPadding padding,
      TeslaLastBlockPadding(amasters.front().view(), header->iv, file, 48, 38));
  EXPECT_EQ(padding, TeslaPadding::kZeros);
}

TEST(TeslaCryptVectorTest, TheGeneratorRefusesTheRealPublicKey) {
  const Bytes real = *FromHex(
      "0495667250209d992a05553bdf8cb0e1320b04b2e0ff9177fe88c32cf125fea249"
      "198dcc6f24bcd3d38be3a62a8f41f92e9d1a4690b54a2d8e4928a933312c643b");
  EXPECT_THAT(families_testing::TeslaCryptEncrypt(
                  ByteView::FromString(kSpecPlaintext), real, SpecInfection(),
                  SpecSession(), SpecFile()),
              StatusIs(StatusCode::kInvalidArgument));
}

// --- The layout ---

TEST(TeslaCryptLayoutTest, SizesAboveFourGiBFollowTheSpecsRule) {
  constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
  // §3.1 "Uncertain": the value = stored (mod 2^32) within 16 bytes below
  // the data's length.
  const std::uint64_t original = 5 * kGiB + 7;
  const auto stored = static_cast<std::uint32_t>(original);
  TeslaDataFit fit = FitTeslaData(stored, 0x170 + original + 9, 0x170);
  EXPECT_EQ(fit.fit, TeslaFit::kWhole);
  EXPECT_EQ(fit.original_size, original);
  // A multiple of 16 with zero padding: the size is the data's length.
  fit = FitTeslaData(static_cast<std::uint32_t>(6 * kGiB), 0x170 + 6 * kGiB,
                     0x170);
  EXPECT_EQ(fit.fit, TeslaFit::kWhole);
  EXPECT_EQ(fit.original_size, 6 * kGiB);
  // Nothing within 16 bytes: not this layout.
  EXPECT_EQ(FitTeslaData(stored, 0x170 + original + 9 + 32, 0x170).fit,
            TeslaFit::kMisfit);
  // Not whole blocks.
  EXPECT_EQ(FitTeslaData(100, 0x170 + 113, 0x170).fit, TeslaFit::kMisfit);
  // Shorter than recorded: truncated.
  fit = FitTeslaData(1000, 0x170 + 512, 0x170);
  EXPECT_EQ(fit.fit, TeslaFit::kTruncated);
  EXPECT_EQ(fit.original_size, 1000u);
  EXPECT_EQ(FitTeslaData(0, 0x170, 0x170).fit, TeslaFit::kWhole);
  EXPECT_EQ(FitTeslaData(0, 100, 0x170).fit, TeslaFit::kMisfit);
  // Talos's window.
  EXPECT_TRUE(InTalosWindow(38, 416));
  EXPECT_FALSE(InTalosWindow(38, 38 + 0x200));
  EXPECT_FALSE(InTalosWindow(417, 416));
}

TEST(TeslaCryptLayoutTest, TheHeaderTestNeedsItsZerosAndPoints) {
  const Bytes file = Specimen(ByteView::FromString(kSpecPlaintext), 1);
  EXPECT_TRUE(ParseTeslaHeader(file));
  EXPECT_FALSE(ParseTeslaHeader(ByteView(file).First(0x16F)));
  for (std::size_t offset : {0u, 7u, 16u, 23u, 0x18u, 0x98u, 0xDCu}) {
    Bytes broken = file;
    broken[offset] ^= 0x01;
    EXPECT_FALSE(ParseTeslaHeader(broken)) << offset;
  }
  // Bytes 8..15 are random: anything goes.
  Bytes random = file;
  random[8] ^= 0xFF;
  EXPECT_TRUE(ParseTeslaHeader(random));
}

// --- The decryptor through the pipeline ---

RecoverOptions Options(const SecretBytes* key, std::string family = "") {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = std::move(family);
  if (key != nullptr) {
    options.key = *key;
    if (options.family.empty()) options.family = "teslacrypt";
  }
  return options;
}

struct Case {
  FileKind kind;
  const char* ext;
  std::size_t size;
};

TEST(TeslaCryptTest, Recovers3xAnd4xSpecimensOfManySizesAndPaddings) {
  const Case cases[] = {
      {FileKind::kText, ".txt", 1},       {FileKind::kText, ".txt", 15},
      {FileKind::kText, ".txt", 16},      {FileKind::kText, ".log", 17},
      {FileKind::kText, ".txt", 4095},    {FileKind::kText, ".txt", 4096},
      {FileKind::kPdf, ".pdf", 0},        {FileKind::kPng, ".png", 0},
      {FileKind::kJpeg, ".jpg", 3000},    {FileKind::kZip, ".zip", 70'000},
      {FileKind::kOle2, ".doc", 9000},    {FileKind::kText, ".txt", 1 << 20},
      {FileKind::kText, ".txt", 3 << 22},
  };
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  struct Expect {
    std::string encrypted;
    std::string original;
    std::string variant;
    Bytes plain;
  };
  std::vector<Expect> expected;
  std::uint64_t n = 0;
  for (const Case& c : cases) {
    for (TeslaPaddingMode padding :
         {TeslaPaddingMode::kPkcs7, TeslaPaddingMode::kZeros}) {
      ++n;
      const Bytes plain = MakeSample(c.kind, c.size);
      const std::string original = "file" + std::to_string(n) + c.ext;
      // Odd cases: 3.x, .micro appended; even ones: 4.x, the name kept
      // (in a folder of its own, so that the output's name is free).
      const bool v3 = n % 2 == 1;
      const Path dir = v3 ? kDir : kDir / ("d" + std::to_string(n));
      const std::string name = v3 ? original + ".micro" : original;
      ASSERT_THAT(fs.AddFile(dir / name, Specimen(plain, n, padding)), IsOk());
      expected.push_back({(dir / name).string(), (dir / original).string(),
                          v3 ? "3.x" : "4.x", plain});
    }
  }
  // The test C&C key comes from the store (RunInputs::released_keys).
  RecoverOptions options = Options(&C2Private());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const Expect& e : expected) {
    SCOPED_TRACE(e.encrypted);
    const FileOutcome* f = Find(report, e.encrypted);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_EQ(f->decryptor, "teslacrypt");
    EXPECT_EQ(f->variant, e.variant);
    EXPECT_EQ(f->key_source, "--key");
    if (e.variant == "3.x") {
      EXPECT_EQ(f->output, Path(e.original));
    } else {
      // 4.x keeps the name: never over the encrypted file.
      const Path p(e.original);
      EXPECT_EQ(f->output,
                p.parent_path() / (p.stem().string() + " (recovered)" +
                                   p.extension().string()));
    }
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_THAT(out, ElementsAreArray(e.plain));
  }
}

TEST(TeslaCryptTest, AFourXFileKeepsItsNameInAnotherOutputFolder) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 5000);
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf", Specimen(pdf, 7)), IsOk());
  RecoverOptions options = Options(&C2Private());
  options.out_dir = "/out";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, kDir / "report.pdf");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
  EXPECT_THAT(out, ElementsAreArray(pdf));
  EXPECT_EQ(f->output.filename(), "report.pdf");
  // The encrypted file is untouched.
  ASSERT_OK_AND_ASSIGN(Bytes kept, fs.Contents(kDir / "report.pdf"));
  EXPECT_EQ(kept, Specimen(pdf, 7));
}

// --- The seam to the key store (RunInputs::released_keys) ---

struct SeamResult {
  recover::ProbeResult probe;
  recover::KeyOutcome key;
  Result<Bytes> plain = Bytes{};
  LostBytes lost;  // The stream's, after Finish.
};

recover::FileSample SampleOf(const std::string& name, const Bytes& file) {
  return recover::FileSample{kDir / name, name, file.size(),
                             ByteView(file).First(recover::kProbeHeadBytes),
                             ByteView(file).Last(recover::kProbeTailBytes)};
}

// Probes, finds the key and decrypts `file` with `run`.
SeamResult Decrypt(const recover::DecryptorRun& run, const std::string& name,
                   const Bytes& file) {
  SeamResult result;
  const recover::FileSample sample = SampleOf(name, file);
  result.probe = run.Probe(sample);
  if (result.probe.confidence == 0) return result;
  result.key = run.FindKey(sample, result.probe);
  if (result.key.verdict != recover::KeyVerdict::kFound) return result;
  auto stream = run.StartDecryption(result.key.key, file.size());
  if (!stream) {
    result.plain = stream.error();
    return result;
  }
  Bytes plain;
  Bytes buffer(4096 + recover::StreamDecryption::kSlack);
  for (std::size_t at = 0; at < file.size(); at += 4096) {
    const ByteView piece =
        *ByteView(file).Sub(at, std::min<std::size_t>(4096, file.size() - at));
    auto n = (*stream)->Update(piece, buffer);
    if (!n) {
      result.plain = n.error();
      return result;
    }
    plain.insert(plain.end(), buffer.begin(),
                 buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  auto n = (*stream)->Finish(buffer);
  if (!n) {
    result.plain = n.error();
    return result;
  }
  result.lost = (*stream)->Lost();
  result.plain = plain;
  return result;
}

struct Seam {
  explicit Seam(std::vector<SecretBytes> keys, bool fail = false,
                std::optional<SecretBytes> given = std::nullopt) {
    recover::RunInputs inputs;
    inputs.released_keys = [this, keys, fail](std::string_view family)
        -> Result<std::vector<recover::StoredKey>> {
      ++asked;
      if (fail) return UnavailableError("the store is down");
      std::vector<recover::StoredKey> out;
      if (family != kTeslaCryptKeyFamily) return out;
      for (const SecretBytes& key : keys) {
        out.push_back(recover::StoredKey{key, "store"});
      }
      return out;
    };
    inputs.key = std::move(given);
    io::MemoryFileSystem fs;
    run = std::move(*TeslaCryptDecryptor().Prepare(fs, inputs));
  }
  std::atomic<int> asked{0};
  std::unique_ptr<recover::DecryptorRun> run;
};

TEST(TeslaCryptSeamTest, StoredKeysAreAskedOnceAndTheFittingOneProven) {
  Seam seam({TeslaTestSecret("decoy"), C2Private()});
  const Bytes text = formats::samples::MakeText(10'000);
  for (int i = 0; i < 3; ++i) {
    const SeamResult r =
        Decrypt(*seam.run, "a.txt.micro",
                Specimen(text, static_cast<std::uint64_t>(30 + i)));
    EXPECT_EQ(r.probe.variant, "3.x");
    EXPECT_EQ(r.probe.original_name, "a.txt");
    EXPECT_EQ(r.probe.reason.id, MessageId::kRecoverProbeTeslaCryptHeader);
    ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound)
        << RenderEnglish(r.key.message);
    EXPECT_EQ(r.key.key.source, "store");
    // PKCS#7: nothing to add to the detail.
    EXPECT_EQ(r.key.message.id, MessageId::kCount);
    ASSERT_TRUE(r.plain.ok()) << r.plain.error().ToString();
    EXPECT_THAT(*r.plain, ElementsAreArray(text));
  }
  EXPECT_EQ(seam.asked.load(), 1);
}

TEST(TeslaCryptSeamTest, ZeroPaddingIsSaidInTheDetail) {
  Seam seam({C2Private()});
  const Bytes text = formats::samples::MakeText(100);
  const SeamResult r =
      Decrypt(*seam.run, "a.txt", Specimen(text, 3, TeslaPaddingMode::kZeros));
  EXPECT_EQ(r.probe.variant, "4.x");
  EXPECT_EQ(r.probe.original_name, "a.txt");
  ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptZeroPadding);
  EXPECT_THAT(*r.plain, ElementsAreArray(text));
}

TEST(TeslaCryptSeamTest, FilesOfOtherSessionsAndInfectionsShareNothingWrong) {
  Seam seam({C2Private()});
  const Bytes text = formats::samples::MakeText(3000);
  const TeslaInfection other_infection{TeslaTestSecret("gpriv 2"),
                                       TeslaTestSecret("random1 2")};
  const TeslaSession other_session{TeslaTestSecret("amaster 2"),
                                   TeslaTestSecret("random2 2")};
  for (int round = 0; round < 2; ++round) {
    for (const Bytes& file : {Specimen(text, 40),
                              Specimen(text, 41, TeslaPaddingMode::kPkcs7,
                                       SpecInfection(), other_session),
                              Specimen(text, 42, TeslaPaddingMode::kPkcs7,
                                       other_infection, other_session)}) {
      const SeamResult r = Decrypt(*seam.run, "b.txt.ttt", file);
      ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
      EXPECT_THAT(*r.plain, ElementsAreArray(text));
    }
  }
  // A file of the first session whose wrapped Amaster is damaged does not
  // borrow the session's key (the cache keys every field it reads).
  Bytes damaged = Specimen(text, 43);
  damaged[kTeslaAmasterOffset + 3] ^= 0x40;
  const SeamResult r = Decrypt(*seam.run, "c.txt.micro", damaged);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptSessionKeyBad);
}

std::int64_t CountArg(const Message& message) {
  for (const MessageArg& arg : message.args) {
    if (arg.name == "count") return std::get<std::int64_t>(arg.value);
  }
  return -1;
}

TEST(TeslaCryptSeamTest, NoFittingKeyIsKeyNotFoundWithTheCount) {
  const Bytes file = Specimen(formats::samples::MakeText(500), 50);
  Seam two({TeslaTestSecret("decoy"), TeslaTestSecret("decoy 2")});
  SeamResult r = Decrypt(*two.run, "d.txt.micro", file);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNotFound);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptKeysNoFit);
  EXPECT_EQ(CountArg(r.key.message), 2);
  // --key first, then the store; the same key twice is tried once.
  Seam given({TeslaTestSecret("decoy")}, false, TeslaTestSecret("decoy"));
  r = Decrypt(*given.run, "d.txt.micro", file);
  EXPECT_EQ(CountArg(r.key.message), 1);
  Seam none({});
  r = Decrypt(*none.run, "d.txt.micro", file);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNotFound);
  // A store that fails is an error, never "no key".
  Seam failing({C2Private()}, /*fail=*/true);
  r = Decrypt(*failing.run, "d.txt.micro", file);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptLookupFailed);
  EXPECT_THAT(ArgText(r.key.message, "error"),
              ::testing::HasSubstr("the store is down"));
}

TEST(TeslaCryptSeamTest, TheGivenKeyIsAMasterKey) {
  Seam seam({}, false, C2Private());
  const Bytes text = formats::samples::MakeText(700);
  const SeamResult r = Decrypt(*seam.run, "e.txt.xxx", Specimen(text, 60));
  ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
  EXPECT_EQ(r.key.key.source, "--key");
  EXPECT_EQ(r.probe.original_name, "e.txt");
  EXPECT_THAT(*r.plain, ElementsAreArray(text));
}

// §3.1 "Uncertain": a build that hashed the shared X without its leading
// zeros; the decryptor retries so on a validator-1 failure.
TEST(TeslaCryptSeamTest, SharedSecretsHashedWithoutLeadingZerosAreFound) {
  // r1 with X(r1 x C)[0] == 0, and r2 with X(r2 x QD)[0] == 0.
  const Bytes qd = *crypto::Secp256k1PublicKey(
      crypto::Sha256(TeslaTestSecret("gpriv").view()));
  const auto find = [](ByteView point, const std::string& label) {
    for (int i = 0;; ++i) {
      SecretBytes r = TeslaTestSecret(label + std::to_string(i));
      if (crypto::Secp256k1SharedX(r, point)->view().span()[0] == 0) return r;
    }
  };
  TeslaInfection infection{TeslaTestSecret("gpriv"),
                           find(C2Public(), "short r1 "), true};
  TeslaSession session{TeslaTestSecret("amaster"), find(qd, "short r2 "), true};
  const Bytes text = formats::samples::MakeText(2000);
  const Bytes file =
      Specimen(text, 70, TeslaPaddingMode::kPkcs7, infection, session);
  Seam seam({C2Private()});
  const SeamResult r = Decrypt(*seam.run, "f.txt.micro", file);
  ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound)
      << RenderEnglish(r.key.message);
  EXPECT_THAT(*r.plain, ElementsAreArray(text));
}

// --- Damaged and truncated files ---

TEST(TeslaCryptDamageTest, DamagedHeadersAreClearErrorsOrKeyNotFound) {
  Seam seam({C2Private()});
  const Bytes text = formats::samples::MakeText(5000);
  const Bytes good = Specimen(text, 80);
  // A .micro file too short for the header: taken by name, an error.
  SeamResult r =
      Decrypt(*seam.run, "a.txt.micro", ByteView(good).First(300).ToBytes());
  EXPECT_EQ(r.probe.confidence, 40);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptBadHeader);
  // Its zeros broken: a 4.x name is not taken, a .micro one is an error.
  Bytes zeros = good;
  zeros[3] = 7;
  EXPECT_EQ(Decrypt(*seam.run, "a.txt", zeros).probe.confidence, 0);
  r = Decrypt(*seam.run, "a.txt.micro", zeros);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  // The victim public key off the curve: an error.
  Bytes qd = good;
  qd[kTeslaVictimPublicOffset + 40] ^= 1;
  r = Decrypt(*seam.run, "a.txt.micro", qd);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptBadHeader);
  // The wrapped victim key damaged: validator 1 fails, no key fits.
  Bytes gpriv = good;
  gpriv[kTeslaGprivOffset] ^= 1;
  r = Decrypt(*seam.run, "a.txt.micro", gpriv);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNotFound);
  // A size that does not fit the length: an error.
  Bytes size = good;
  size[kTeslaSizeOffset + 1] ^= 0x10;
  r = Decrypt(*seam.run, "a.txt.micro", size);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kDamaged);
  // The last block damaged: the stream's padding check fails.
  Bytes tail = good;
  tail[tail.size() - 20] ^= 1;
  r = Decrypt(*seam.run, "a.txt.micro", tail);
  if (r.key.verdict == recover::KeyVerdict::kFound) {
    EXPECT_THAT(r.plain, StatusIs(StatusCode::kCorrupt));
  } else {
    EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptSessionKeyBad);
  }
  // Hostile heads: no crash, nothing taken.
  for (std::size_t n : {0u, 1u, 24u, 0x98u, 0x16Fu, 0x170u, 0x171u}) {
    EXPECT_EQ(Decrypt(*seam.run, "x.bin", Bytes(n, 0)).probe.confidence, 0)
        << n;
  }
}

TEST(TeslaCryptDamageTest, ATruncatedFileKeepsItsWholeBlocksAsPartial) {
  Seam seam({C2Private()});
  const Bytes text = formats::samples::MakeText(5000);
  const Bytes good = Specimen(text, 90);
  // Cut by less than the header's length the size still passes Talos's
  // window: the header takes the file; cut by more, its name does.
  for (const std::size_t cut_by : {200u, 1000u}) {
    SCOPED_TRACE(cut_by);
    const Bytes cut = ByteView(good).First(good.size() - cut_by).ToBytes();
    const SeamResult r = Decrypt(*seam.run, "a.txt.micro", cut);
    EXPECT_EQ(r.probe.confidence, cut_by == 200 ? 85 : 40);
    ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
    EXPECT_TRUE(r.key.key.truncated);
    EXPECT_EQ(r.key.message.id, MessageId::kRecoverKeyFitsTruncated);
    ASSERT_TRUE(r.plain.ok()) << r.plain.error().ToString();
    const std::size_t whole = (cut.size() - kTeslaHeaderBytes) / 16 * 16;
    ASSERT_EQ(r.plain->size(), whole);
    EXPECT_THAT(*r.plain, ElementsAreArray(ByteView(text).First(whole).span()));
    // Issue 17: the header records the original's size, so the tail the
    // file lost is known exactly, past the output's end.
    EXPECT_EQ(r.key.expected_lost, text.size() - whole);
    EXPECT_EQ(r.lost.total, text.size() - whole);
    EXPECT_EQ(r.lost.missing, text.size() - whole);
    EXPECT_EQ(r.lost.range_count, 1u);
    ASSERT_EQ(r.lost.ranges.size(), 1u);
    EXPECT_EQ(r.lost.ranges[0], (ByteRange{whole, text.size() - whole}));
  }
}

TEST(TeslaCryptDamageTest, AFileThatChangesSizeAfterProbingIsCorrupt) {
  Seam seam({C2Private()});
  const Bytes good = Specimen(formats::samples::MakeText(999), 91);
  const recover::FileSample sample = SampleOf("a.txt.micro", good);
  const recover::ProbeResult probe = seam.run->Probe(sample);
  const recover::KeyOutcome key = seam.run->FindKey(sample, probe);
  ASSERT_EQ(key.verdict, recover::KeyVerdict::kFound);
  auto stream = seam.run->StartDecryption(key.key, good.size() + 16);
  ASSERT_TRUE(stream.ok());
  Bytes buffer(good.size() + 16);
  ASSERT_TRUE((*stream)->Update(good, buffer).ok());
  EXPECT_THAT((*stream)->Finish(buffer), StatusIs(StatusCode::kCorrupt));
}

// --- Probing ---

TEST(TeslaCryptProbeTest, NamesAndForcing) {
  Seam seam({});
  const Bytes text = formats::samples::MakeText(10);
  // .xxx and .mp3 are ordinary extensions too: taken only with a header.
  EXPECT_EQ(Decrypt(*seam.run, "song.mp3", text).probe.confidence, 0);
  EXPECT_EQ(Decrypt(*seam.run, "clip.xxx", text).probe.confidence, 0);
  EXPECT_EQ(Decrypt(*seam.run, "a.doc.micro", text).probe.confidence, 40);
  EXPECT_EQ(Decrypt(*seam.run, "a.doc.TTT", text).probe.original_name, "a.doc");
  EXPECT_EQ(Decrypt(*seam.run, "a.micro", Bytes{}).probe.confidence, 0);
  EXPECT_THAT(*seam.run->NameSuffixes(), ElementsAreArray({".micro", ".ttt"}));
  recover::RunInputs inputs;
  inputs.forced = true;
  io::MemoryFileSystem fs;
  auto forced = TeslaCryptDecryptor().Prepare(fs, inputs);
  ASSERT_TRUE(forced.ok());
  const recover::ProbeResult p = (*forced)->Probe(SampleOf("x.docx", text));
  EXPECT_EQ(p.confidence, 30);
  EXPECT_EQ(p.original_name, "x.docx");
  EXPECT_FALSE((*forced)->NameSuffixes().has_value());
}

TEST(TeslaCryptProbeTest, KeysAndIvsOfTheWrongShapeAreRefused) {
  io::MemoryFileSystem fs;
  recover::RunInputs inputs;
  inputs.key = SecretBytes(Bytes(16, 1));
  EXPECT_THAT(TeslaCryptDecryptor().Prepare(fs, inputs),
              StatusIs(StatusCode::kInvalidArgument));
  inputs.key = C2Private();
  inputs.iv = SecretBytes(Bytes(16, 1));
  EXPECT_THAT(TeslaCryptDecryptor().Prepare(fs, inputs),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(TeslaCryptProbeTest, IntactSaysTheOriginalsSizeAndNothingPlain) {
  Seam seam({});
  const Bytes file = Specimen(formats::samples::MakeText(1234), 95);
  const recover::FileSample sample = SampleOf("a.txt.micro", file);
  const auto intact = seam.run->Intact(sample, seam.run->Probe(sample));
  ASSERT_TRUE(intact);
  EXPECT_EQ(intact->original_size, 1234u);
  EXPECT_EQ(intact->intact, 0u);
}

// --- §3.1b: the older versions ---

TEST(TeslaCryptOldTest, TwoXFilesNeedFactoringOrTheKeyFoundSo) {
  const Bytes text = formats::samples::MakeText(3000);
  const SecretBytes amaster = TeslaTestSecret("2.x amaster");
  const Bytes iv = TeslaTestSecret("2.x iv").view().First(16).ToBytes();
  ASSERT_OK_AND_ASSIGN(Bytes file,
                       families_testing::TeslaCrypt2Encrypt(text, amaster, iv));
  Seam none({C2Private()});
  SeamResult r = Decrypt(*none.run, "a.txt.vvv", file);
  EXPECT_EQ(r.probe.variant, "2.x");
  EXPECT_EQ(r.probe.original_name, "a.txt");
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNeedsInput);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptNeedsFactoring);
  EXPECT_EQ(ArgText(r.key.message, "version"), "2.x");
  EXPECT_THAT(RenderEnglish(r.key.message), ::testing::HasSubstr("msieve"));
  // Zeros instead of DE AD BE EF are 2.x too.
  Bytes zeros = file;
  std::fill(zeros.begin(), zeros.begin() + 4, 0);
  EXPECT_EQ(Decrypt(*none.run, "a.txt.ecc", zeros).probe.variant, "2.x");
  // The key found by factoring, given with --key.
  Seam given({}, false, amaster);
  r = Decrypt(*given.run, "a.txt.vvv", file);
  ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
  EXPECT_THAT(*r.plain, ElementsAreArray(text));
  // Another key: it does not give the header's Ypub.
  Seam wrong({}, false, TeslaTestSecret("2.x other"));
  r = Decrypt(*wrong.run, "a.txt.vvv", file);
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNotFound);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverGivenKeyNoFit);
}

// §3.1b: a key with leading zero bytes, as TeslaCrack writes it (the zeros
// moved to the end) and as the AES key either way.
TEST(TeslaCryptOldTest, TwoXKeysWithLeadingZerosInEitherAlignment) {
  SecretBytes amaster;
  for (int i = 0;; ++i) {
    amaster = TeslaTestSecret("2.x zero " + std::to_string(i));
    if (amaster.view().span()[0] == 0 && amaster.view().span()[1] != 0) break;
  }
  const Bytes text = formats::samples::MakeText(500);
  const Bytes iv(16, 9);
  ASSERT_OK_AND_ASSIGN(Bytes file,
                       families_testing::TeslaCrypt2Encrypt(text, amaster, iv));
  SecretBytes left(amaster);
  std::rotate(left.mutable_span().begin(), left.mutable_span().begin() + 1,
              left.mutable_span().end());
  for (const SecretBytes* key : {&amaster, &left}) {
    Seam seam({}, false, *key);
    const SeamResult r = Decrypt(*seam.run, "b.txt.ecc", file);
    ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
    EXPECT_THAT(*r.plain, ElementsAreArray(text));
  }
}

TEST(TeslaCryptOldTest, AlphaCryptAndZeroXAreIdentified) {
  const Bytes text = formats::samples::MakeText(100);
  const SecretBytes key = TeslaTestSecret("alpha key");
  const Bytes iv(16, 3);
  const Bytes data = *crypto::AesCbcEncrypt(key.view(), iv, text);
  // AlphaCrypt: hex payment key, 4 zeros, hex recovery key, 4 zeros, IV,
  // size.
  Bytes alpha(kAlphaCryptHeaderBytes, 0);
  const std::string hex = ToHex(TeslaTestSecret("alpha hex").view());
  std::copy(hex.begin(), hex.end(), alpha.begin());
  const std::string hex2 = hex + hex;
  std::copy(hex2.begin(), hex2.end(), alpha.begin() + 0x44);
  std::copy(iv.begin(), iv.end(), alpha.begin() + kAlphaCryptIvOffset);
  alpha[kAlphaCryptSizeOffset] = 100;
  alpha.insert(alpha.end(), data.begin(), data.end());
  Seam none({});
  SeamResult r = Decrypt(*none.run, "c.txt.exx", alpha);
  EXPECT_EQ(r.probe.variant, "alphacrypt");
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNeedsInput);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptNeedsFactoring);
  Seam given({}, false, key);
  r = Decrypt(*given.run, "c.txt.exx", alpha);
  ASSERT_EQ(r.key.verdict, recover::KeyVerdict::kFound);
  EXPECT_THAT(*r.plain, ElementsAreArray(text));
  // 0.x: IV and size only, so only for a .ecc file.
  Bytes zero(iv);
  zero.resize(kTesla0HeaderBytes, 0);
  zero[16] = 100;
  zero.insert(zero.end(), data.begin(), data.end());
  r = Decrypt(*none.run, "d.txt.ecc", zero);
  EXPECT_EQ(r.probe.variant, "0.x");
  EXPECT_EQ(r.key.verdict, recover::KeyVerdict::kNeedsInput);
  EXPECT_EQ(r.key.message.id, MessageId::kRecoverTeslaCryptNeedsKeyFile);
  EXPECT_EQ(Decrypt(*none.run, "d.txt.bin", zero).probe.confidence, 0);
}

}  // namespace
}  // namespace kintsugi::families
