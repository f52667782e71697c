// Chimera key matching (recovery-schemes-2.md §3.6): the footer layout, the
// PKCS#1 v1.5 check done by hand on the raw RSA result, and the decryptor
// through the pipeline with a test "leak" of 50 decoy keys and the right
// one (§3.6 "Specimen recipe"; local RSA keys only, §0). The data cipher is
// not known: a file whose key fits is `unsupported`, naming the key, and
// nothing is written.

#include "families/chimera/chimera.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/rsa_key_blob.h"
#include "families/chimera/layout.h"
#include "families/chimera/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "kintsugi/store.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::ArgNumber;

using families_testing::ArgText;
using families_testing::Find;

const Path kDir = "/victim";
constexpr std::size_t kDecoys = 50;

// Local RSA-2048 keys, made once per test program: the victim's, and 50
// decoys for the test leak.
const crypto::RsaPrivateKey& VictimKey() {
  static const crypto::RsaPrivateKey key =
      families_testing::MakeChimeraKeys(1)->front();
  return key;
}
const std::vector<crypto::RsaPrivateKey>& Decoys() {
  static const std::vector<crypto::RsaPrivateKey> keys =
      *families_testing::MakeChimeraDecoyKeys(kDecoys);
  return keys;
}

recover::FileSample SampleOf(const std::string& name, const Bytes& file) {
  return recover::FileSample{kDir / name, name, file.size(),
                             ByteView(file).First(recover::kProbeHeadBytes),
                             ByteView(file).Last(recover::kProbeTailBytes)};
}

// --- The layout (§3.6 "Encrypted file layout") ---

TEST(ChimeraLayoutTest, TheFooterRecordsTheSizeRoundedUpTo1024) {
  // §3.6: msg_07.txt.crypt, 5,310 bytes, is 6,424 bytes encrypted.
  for (const std::uint64_t size :
       {std::uint64_t{1}, std::uint64_t{382}, std::uint64_t{1023},
        std::uint64_t{1024}, std::uint64_t{1025}, std::uint64_t{5310},
        std::uint64_t{70'000}}) {
    SCOPED_TRACE(size);
    ASSERT_OK_AND_ASSIGN(const Bytes file, families_testing::ChimeraEncrypt(
                                               size, VictimKey(), size));
    EXPECT_EQ(file.size(), (size + 1023) / 1024 * 1024 + 280);
    const auto footer = ParseChimeraFooter(file.size(), ByteView(file));
    ASSERT_TRUE(footer.has_value());
    EXPECT_EQ(footer->original_size, size);
    EXPECT_EQ(footer->rsa_block, ByteView(file).Last(256));
    EXPECT_EQ(footer->field, *ByteView(file).Sub(file.size() - 280, 16));
    // The tail alone is enough.
    EXPECT_TRUE(
        ParseChimeraFooter(file.size(), ByteView(file).Last(280)).has_value());
  }
  const Bytes spec_example =
      *families_testing::ChimeraEncrypt(5310, VictimKey(), 7);
  EXPECT_EQ(spec_example.size(), 6424u);
}

TEST(ChimeraLayoutTest, ASizeThatDoesNotFitTheRoundingIsNoFooter) {
  const Bytes good = *families_testing::ChimeraEncrypt(5310, VictimKey(), 8);
  const auto with_size = [&](std::uint64_t size) {
    Bytes file = good;
    for (int i = 0; i < 8; ++i) {
      file[file.size() - 264 + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(size >> (8 * i));
    }
    return ParseChimeraFooter(file.size(), file);
  };
  EXPECT_TRUE(with_size(5121).has_value());   // Still 6 blocks.
  EXPECT_TRUE(with_size(6144).has_value());   // Exactly 6 blocks.
  EXPECT_FALSE(with_size(5120).has_value());  // 5 blocks.
  EXPECT_FALSE(with_size(6145).has_value());  // 7 blocks.
  EXPECT_FALSE(with_size(0).has_value());
  EXPECT_FALSE(with_size(~std::uint64_t{0}).has_value());
  // Cut short, or a tail shorter than the footer.
  EXPECT_FALSE(
      ParseChimeraFooter(good.size() - 1, ByteView(good).First(good.size() - 1))
          .has_value());
  EXPECT_FALSE(
      ParseChimeraFooter(good.size(), ByteView(good).Last(279)).has_value());
  EXPECT_FALSE(ParseChimeraFooter(279, ByteView(good).Last(279)).has_value());
  EXPECT_FALSE(ParseChimeraFooter(0, {}).has_value());
}

// PKCS#1 v1.5 block type 2 (RFC 8017 §7.2.2) as §3.6 takes it: 00 02, at
// least 8 nonzero bytes, 00, then exactly 16 bytes.
TEST(ChimeraLayoutTest, OnlyAType2BlockWithA16BytePayloadHoldsAKey) {
  const auto block = [](std::size_t zero_at) {
    Bytes m(256, 0x5a);
    m[0] = 0x00;
    m[1] = 0x02;
    m[zero_at] = 0x00;
    for (std::size_t i = zero_at + 1; i < 256; ++i) {
      m[i] = static_cast<std::uint8_t>(i);
    }
    return m;
  };
  const Bytes good = block(239);
  const auto key = ChimeraFileKey(good);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->view(), ByteView(good).Last(16));
  EXPECT_FALSE(ChimeraFileKey(block(238)).has_value());  // 17 bytes.
  EXPECT_FALSE(ChimeraFileKey(block(240)).has_value());  // 15 bytes.
  EXPECT_FALSE(ChimeraFileKey(block(9)).has_value());    // 7 padding bytes.
  Bytes type1 = good;
  type1[1] = 0x01;
  EXPECT_FALSE(ChimeraFileKey(type1).has_value());
  Bytes leading = good;
  leading[0] = 0x01;
  EXPECT_FALSE(ChimeraFileKey(leading).has_value());
  Bytes no_separator = good;
  for (std::size_t i = 2; i < 256; ++i) no_separator[i] = 0x33;
  EXPECT_FALSE(ChimeraFileKey(no_separator).has_value());
  EXPECT_FALSE(ChimeraFileKey(ByteView(good).First(255)).has_value());
  EXPECT_FALSE(ChimeraFileKey({}).has_value());
}

// The generator's block unwraps, under the victim's key only, to the file
// key it drew.
TEST(ChimeraLayoutTest, TheVictimsKeyUnwrapsTheFileKeyAndADecoyDoesNot) {
  const Bytes file = *families_testing::ChimeraEncrypt(382, VictimKey(), 42);
  const ByteView block = ByteView(file).Last(256);
  EXPECT_TRUE(ChimeraBlockLooksRandom(block));
  ASSERT_OK_AND_ASSIGN(const SecretBytes raw, VictimKey().RawDecrypt(block));
  const auto key = ChimeraFileKey(raw.view());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, families_testing::MakeChimeraFileKey(42));
  ASSERT_EQ(Decoys().size(), kDecoys);
  std::set<std::string> fingerprints;
  for (const crypto::RsaPrivateKey& decoy : Decoys()) {
    fingerprints.insert(crypto::RsaModulusFingerprint(decoy));
  }
  EXPECT_EQ(fingerprints.size(), kDecoys);
  for (std::size_t i = 0; i < kDecoys; ++i) {
    EXPECT_EQ(Decoys()[i].ModulusBytes(), 256u);
    EXPECT_NE(Decoys()[i].Modulus(), VictimKey().Modulus());
    auto decoy = Decoys()[i].RawDecrypt(block);
    EXPECT_FALSE(decoy.ok() && ChimeraFileKey(decoy->view()).has_value()) << i;
  }
  EXPECT_FALSE(ChimeraBlockLooksRandom(Bytes(256, 0)));
  EXPECT_FALSE(ChimeraBlockLooksRandom(
      ByteView::FromString(std::string(32, 'x') +
                           "All your files are encrypted and will be "
                           "published unless you pay. ")));
}

// --- Probing ---

recover::ProbeResult Probe(const std::string& name, const Bytes& file,
                           bool forced = false) {
  io::MemoryFileSystem fs;
  recover::RunInputs inputs;
  inputs.forced = forced;
  auto run = ChimeraDecryptor().Prepare(fs, inputs);
  EXPECT_TRUE(run.ok());
  return (*run)->Probe(SampleOf(name, file));
}

TEST(ChimeraProbeTest, TheFooterDecidesTheNameHelps) {
  const Bytes file = *families_testing::ChimeraEncrypt(5310, VictimKey(), 9);
  auto p = Probe("report.docx.crypt", file);
  EXPECT_GE(p.confidence, 80);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeChimeraFooter);
  EXPECT_EQ(p.original_name, "report.docx");
  p = Probe("report.docx.other", file);
  EXPECT_GE(p.confidence, 70);
  EXPECT_LT(p.confidence, 80);
  // The name alone, or --family alone, without the footer.
  const Bytes garbage(5000, 0x41);
  p = Probe("notes.txt.CRYPT", garbage);
  EXPECT_EQ(p.confidence, 40);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeExtension);
  EXPECT_EQ(Probe("notes.txt", garbage).confidence, 0);
  p = Probe("notes.txt", garbage, /*forced=*/true);
  EXPECT_EQ(p.confidence, 20);
  EXPECT_EQ(p.reason.id, MessageId::kRecoverProbeForced);
  // A layout that fits but whose RSA block is zeros is no footer.
  Bytes zeros = file;
  std::fill(zeros.end() - 256, zeros.end(), 0);
  EXPECT_EQ(Probe("report.docx.other", zeros).confidence, 0);
  // An empty file is an empty file.
  EXPECT_EQ(Probe("empty.crypt", {}).confidence, 0);
  EXPECT_EQ(Probe("empty.crypt", {}, /*forced=*/true).confidence, 0);
}

TEST(ChimeraProbeTest, TheWholeOriginalIsEncrypted) {
  const Bytes file = *families_testing::ChimeraEncrypt(5310, VictimKey(), 10);
  io::MemoryFileSystem fs;
  auto run = ChimeraDecryptor().Prepare(fs, recover::RunInputs{});
  ASSERT_TRUE(run.ok());
  const auto sample = SampleOf("a.crypt", file);
  const auto intact = (*run)->Intact(sample, (*run)->Probe(sample));
  ASSERT_TRUE(intact.has_value());
  EXPECT_EQ(intact->original_size, 5310u);
  EXPECT_EQ(intact->intact, 0u);
}

// --- Through the pipeline, with the key store's seam ---

// A store holding `keys` as released keys of family "chimera", in the
// leak's blob form.
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
    if (fail_) return IoError("database is locked");
    ++asked;
    if (family != kChimeraKeyFamily) return Status::Ok();
    for (const SecretBytes& key : keys_) {
      KeyRecord record;
      record.family = "chimera";
      record.key_type = KeyType::kRsaPrivateBlob;
      record.key = key;
      record.provenance.source = "leak";
      KINTSUGI_RETURN_IF_ERROR(visit(record));
    }
    return Status::Ok();
  }
  Result<KeyStoreStats> Stats() override { return KeyStoreStats{}; }
  Status Export(const KeyVisitor&) override { return Status::Ok(); }
  void Fail() { fail_ = true; }

  int asked = 0;

 private:
  std::vector<SecretBytes> keys_;
  bool fail_ = false;
};

// The leak: the 50 decoys, and the victim's key when `with_victim`.
std::shared_ptr<FakeStore> Leak(bool with_victim) {
  std::vector<SecretBytes> blobs;
  for (const crypto::RsaPrivateKey& decoy : Decoys()) {
    blobs.push_back(*crypto::MakeRsaKeyBlob(decoy));
  }
  if (with_victim) blobs.push_back(*crypto::MakeRsaKeyBlob(VictimKey()));
  return std::make_shared<FakeStore>(std::move(blobs));
}

class ChimeraPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(fs_.AddDirs(kDir), IsOk()); }

  void Add(const std::string& name, std::uint64_t size, std::uint64_t seed,
           const crypto::RsaPrivateKey& key = VictimKey()) {
    ASSERT_OK_AND_ASSIGN(const Bytes file,
                         families_testing::ChimeraEncrypt(size, key, seed));
    ASSERT_THAT(fs_.AddFile(kDir / name, file), IsOk());
  }

  RecoverReport Run(std::shared_ptr<KeyStore> store, std::string family = "") {
    RecoverOptions options;
    options.paths = {kDir};
    options.threads = 2;
    options.family = std::move(family);
    options.key_store = std::move(store);
    auto report = Recover(fs_, options);
    EXPECT_TRUE(report.ok()) << report.error().message();
    return report.ok() ? *report : RecoverReport{};
  }

  // The folder holds exactly `names` (and the journal's folder): nothing
  // was written beside the encrypted files.
  void ExpectOnly(std::vector<std::string> names) {
    ASSERT_OK_AND_ASSIGN(auto entries, fs_.ListDir(kDir));
    std::vector<std::string> found;
    for (const DirEntry& entry : entries) {
      if (entry.name != ".kintsugi-journal") found.push_back(entry.name);
    }
    EXPECT_THAT(found, ::testing::UnorderedElementsAreArray(names));
  }

  io::MemoryFileSystem fs_;
};

TEST_F(ChimeraPipelineTest, TheRightKeyAmongFiftyDecoysIsNamedNotShown) {
  Add("report.docx.crypt", 5310, 1);
  Add("photo.jpg.crypt", 382, 2);
  Add("table.xlsx.crypt", 1024, 3);
  auto store = Leak(/*with_victim=*/true);
  const RecoverReport report = Run(store);
  const std::string fingerprint = crypto::RsaModulusFingerprint(VictimKey());
  for (const char* name :
       {"report.docx.crypt", "photo.jpg.crypt", "table.xlsx.crypt"}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kUnsupported);
    EXPECT_EQ(f->decryptor, "chimera");
    EXPECT_EQ(f->family, "chimera");
    EXPECT_EQ(f->detail.id, MessageId::kRecoverChimeraKeyFits)
        << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
    EXPECT_EQ(ArgText(f->detail, "fingerprint"), fingerprint);
    EXPECT_EQ(ArgText(f->detail, "source"), "key store (leak)");
    EXPECT_THAT(RenderEnglish(f->detail),
                ::testing::HasSubstr("cannot be decrypted; keep it"));
    EXPECT_TRUE(f->output.empty());
  }
  ExpectOnly({"report.docx.crypt", "photo.jpg.crypt", "table.xlsx.crypt"});
  // The run names the key once, with its files, and never its bytes.
  ASSERT_EQ(report.keys.size(), 1u);
  const ReportedKey& key = report.keys[0];
  EXPECT_EQ(key.decryptor, "chimera");
  EXPECT_EQ(key.key_hex, "");
  EXPECT_EQ(key.source, "key store (leak)");
  EXPECT_EQ(key.detail.id, MessageId::kRecoverChimeraKeyReported);
  EXPECT_TRUE(HasDeclaredArgs(key.detail));
  EXPECT_EQ(ArgText(key.detail, "fingerprint"), fingerprint);
  EXPECT_EQ(ArgNumber(key.detail, "files"), 3);
  const std::string blob_hex =
      ToHex(crypto::MakeRsaKeyBlob(VictimKey())->view());
  // No stretch of the private exponent (the blob's bytes 259..515).
  EXPECT_EQ(RenderEnglish(key.detail).find(blob_hex.substr(2 * 259, 32)),
            std::string::npos);
  // The store is asked once per run.
  EXPECT_EQ(store->asked, 1);
  EXPECT_EQ(
      report.counts[static_cast<std::size_t>(RecoverStatus::kUnsupported)], 3u);
}

TEST_F(ChimeraPipelineTest, AStoreOfOtherKeysSaysNoKeyFits) {
  Add("report.docx.crypt", 5310, 4);
  const RecoverReport report = Run(Leak(/*with_victim=*/false));
  const FileOutcome* f = Find(report, kDir / "report.docx.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverChimeraKeysNoFit)
      << RenderEnglish(f->detail);
  EXPECT_EQ(ArgNumber(f->detail, "count"), 50);
  EXPECT_TRUE(report.keys.empty());
  ExpectOnly({"report.docx.crypt"});
}

TEST_F(ChimeraPipelineTest, NoKeysOrAFailingStoreAreSaidSo) {
  Add("report.docx.crypt", 5310, 5);
  RecoverReport report = Run(nullptr);
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverChimeraNoKeys);

  auto failing = Leak(true);
  failing->Fail();
  report = Run(failing);
  ASSERT_EQ(report.files.size(), 1u);
  // An error, not "no key": the store did not say there is none.
  EXPECT_EQ(report.files[0].status, RecoverStatus::kError);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverChimeraLookupFailed);
  EXPECT_EQ(ArgText(report.files[0].detail, "error"), "database is locked");
}

TEST_F(ChimeraPipelineTest, TruncatedAndGarbageFilesAreCleanErrors) {
  const Bytes whole = *families_testing::ChimeraEncrypt(5310, VictimKey(), 6);
  ASSERT_THAT(fs_.AddFile(kDir / "cut.docx.crypt",
                          ByteView(whole).First(whole.size() - 100)),
              IsOk());
  ASSERT_THAT(fs_.AddFile(kDir / "tiny.txt.crypt", Bytes(10, 0x01)), IsOk());
  Bytes random(7000);
  std::uint32_t x = 2463534242u;
  for (auto& b : random) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  ASSERT_THAT(fs_.AddFile(kDir / "noise.bin.crypt", random), IsOk());
  // Without --family, CryptXXX (whose extension .crypt is too) takes a
  // .crypt file that has no Chimera footer: it asks for a pair.
  const RecoverReport any = Run(Leak(true));
  for (const char* name :
       {"cut.docx.crypt", "tiny.txt.crypt", "noise.bin.crypt"}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(any, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->status, RecoverStatus::kRecovered);
    EXPECT_NE(f->status, RecoverStatus::kUnsupported);
  }
  ExpectOnly({"cut.docx.crypt", "tiny.txt.crypt", "noise.bin.crypt"});
  // With --family chimera, each is Chimera's clean error.
  const RecoverReport report = Run(Leak(true), "chimera");
  for (const auto& [name, size] :
       {std::pair{"cut.docx.crypt", whole.size() - 100},
        std::pair{"tiny.txt.crypt", std::size_t{10}},
        std::pair{"noise.bin.crypt", std::size_t{7000}}}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kError);
    EXPECT_EQ(f->detail.id, MessageId::kRecoverChimeraNotFooter)
        << RenderEnglish(f->detail);
    EXPECT_EQ(ArgNumber(f->detail, "size"), static_cast<std::int64_t>(size));
  }
  ExpectOnly({"cut.docx.crypt", "tiny.txt.crypt", "noise.bin.crypt"});
}

TEST_F(ChimeraPipelineTest, AnEmptyOriginalNeedsNoKeyAndNoCipher) {
  Add("empty.txt.crypt", 0, 11);
  const RecoverReport report = Run(nullptr);
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  ASSERT_OK_AND_ASSIGN(const Bytes out, fs_.Contents(kDir / "empty.txt"));
  EXPECT_TRUE(out.empty());
}

TEST_F(ChimeraPipelineTest, AKeyGivenWithKeyIsTriedAsBlobDerOrPem) {
  Add("report.docx.crypt", 5310, 12);
  const SecretBytes blob = *crypto::MakeRsaKeyBlob(VictimKey());
  for (const SecretBytes& given :
       {blob, *VictimKey().ToDer(), *VictimKey().ToPem()}) {
    RecoverOptions options;
    options.paths = {kDir};
    options.family = "chimera";
    options.key = given;
    ASSERT_OK_AND_ASSIGN(const RecoverReport report, Recover(fs_, options));
    ASSERT_EQ(report.files.size(), 1u);
    EXPECT_EQ(report.files[0].status, RecoverStatus::kUnsupported);
    EXPECT_EQ(ArgText(report.files[0].detail, "source"), "--key");
  }
  // Not an RSA-2048 key: the run is refused before any file.
  RecoverOptions options;
  options.paths = {kDir};
  options.family = "chimera";
  options.key = SecretBytes(Bytes(32, 0x11));
  EXPECT_THAT(Recover(fs_, options), StatusIs(StatusCode::kInvalidArgument));
  options.key = *crypto::RsaPrivateKey::Generate(1024)->ToDer();
  EXPECT_THAT(Recover(fs_, options), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::families
