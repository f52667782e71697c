#include "families/stop_djvu/stop_djvu.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "crypto/rsa_oaep.h"
#include "families/stop_djvu/footer.h"
#include "families/stop_djvu/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/key_families.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using families_testing::ArgText;
using families_testing::Find;

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;

const Path kDir = "/victim";

// Locally generated key pairs (recovery-schemes.md §0), one per suite.
const crypto::RsaPrivateKey& VictimKey() {
  static const crypto::RsaPrivateKey key =
      *crypto::RsaPrivateKey::Generate(2048);
  return key;
}
const crypto::RsaPrivateKey& OtherKey() {
  static const crypto::RsaPrivateKey key =
      *crypto::RsaPrivateKey::Generate(2048);
  return key;
}

const std::string& OfflineId() {
  static const std::string id =
      families_testing::MakeStopPersonalId(1, /*offline=*/true);
  return id;
}

Bytes Specimen(ByteView plain, std::string_view id = OfflineId(),
               std::uint64_t uuid_seed = 7,
               const crypto::RsaPrivateKey& key = VictimKey()) {
  return *families_testing::StopDjvuEncrypt(
      plain, key, id, families_testing::MakeStopUuid(uuid_seed));
}

RecoverOptions Options(std::optional<SecretBytes> key) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "stop-djvu";
  options.key = std::move(key);
  return options;
}

// --- The footer (§3.7 "Layout") ---

TEST(StopDjvuFooterTest, ParsesTheFooterOfASpecimen) {
  const Bytes file = Specimen(formats::samples::MakeText(1000));
  ASSERT_EQ(file.size(), 1000 + kStopFooterBytes);
  const StopFooterParse parse = ParseStopFooter(ByteView(file).Last(512));
  ASSERT_EQ(parse.error, StopFooterError::kNone);
  EXPECT_EQ(parse.footer.personal_id, OfflineId());
  EXPECT_EQ(parse.footer.rsa_block, *ByteView(file).Sub(1000, 256));
  // Exactly the footer is enough.
  EXPECT_EQ(ParseStopFooter(ByteView(file).Last(334)).error,
            StopFooterError::kNone);
}

TEST(StopDjvuFooterTest, BadFootersHaveTheirOwnError) {
  const Bytes file = Specimen(formats::samples::MakeText(100));
  EXPECT_EQ(ParseStopFooter(ByteView(file).Last(333)).error,
            StopFooterError::kTooShort);
  EXPECT_EQ(ParseStopFooter({}).error, StopFooterError::kTooShort);
  // The marker alone, without room for the rest.
  EXPECT_EQ(ParseStopFooter(ByteView::FromString(kStopMarker)).error,
            StopFooterError::kTooShort);
  Bytes marker_broken = file;
  marker_broken.back() = ')';
  EXPECT_EQ(ParseStopFooter(marker_broken).error, StopFooterError::kNoMarker);
  Bytes truncated = file;
  truncated.resize(truncated.size() - 1);
  EXPECT_EQ(ParseStopFooter(truncated).error, StopFooterError::kNoMarker);
  for (const std::uint8_t bad :
       std::initializer_list<std::uint8_t>{0x00, 0x20, 0x7f, 0xc3}) {
    Bytes id_broken = file;
    id_broken[file.size() - 38 - 5] = bad;
    EXPECT_EQ(ParseStopFooter(id_broken).error, StopFooterError::kIdDamaged)
        << int{bad};
  }
}

// The key store checks imported personal IDs with its own copy of the
// footer's rule (kintsugi/key_families.h): a key the import accepts must be
// one a footer can name, and the other way round.
TEST(StopDjvuFooterTest, TheKeyStoreTakesExactlyTheIdsOfFooters) {
  const Bytes file = Specimen(formats::samples::MakeText(100));
  const std::size_t id_at = file.size() - 38 - kStopIdBytes;
  const std::string id(file.begin() + static_cast<std::ptrdiff_t>(id_at),
                       file.begin() + static_cast<std::ptrdiff_t>(id_at + 40));
  EXPECT_TRUE(IsStopPersonalId(id));
  for (int b = 0; b < 256; ++b) {
    Bytes changed = file;
    changed[id_at + 7] = static_cast<std::uint8_t>(b);
    std::string changed_id = id;
    changed_id[7] = static_cast<char>(b);
    EXPECT_EQ(ParseStopFooter(changed).error == StopFooterError::kNone,
              IsStopPersonalId(changed_id))
        << b;
  }
  EXPECT_FALSE(IsStopPersonalId(id.substr(1)));
  EXPECT_FALSE(IsStopPersonalId(id + "A"));
}

TEST(StopDjvuFooterTest, RegionIsFiveBytesIn150KiBAtMost) {
  const auto region = [](std::uint64_t original) {
    const StopRegion r = StopRegionFor(original + kStopFooterBytes);
    EXPECT_EQ(r.original_size, original);
    return r.end - r.begin;
  };
  EXPECT_EQ(region(0), 0u);
  EXPECT_EQ(region(5), 0u);
  EXPECT_EQ(region(6), 1u);
  EXPECT_EQ(region(153'605), 153'600u);
  EXPECT_EQ(region(1'000'000), 153'600u);
  EXPECT_EQ(StopRegionFor(kStopFooterBytes).begin, 5u);
}

TEST(StopDjvuFooterTest, OfflineIdsAreKnownOrLookOffline) {
  const StopOfflineId* known = nullptr;
  EXPECT_EQ(ClassifyStopId("cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1", &known),
            StopIdKind::kKnownOffline);
  ASSERT_NE(known, nullptr);
  EXPECT_THAT(std::string(known->extensions), ::testing::HasSubstr(".promoz"));
  // §3.7: not every offline ID ends in t1.
  EXPECT_EQ(ClassifyStopId("6se9RaIxXF9m70zWmx7nL3bVRp691w4SNY8UCir0"),
            StopIdKind::kKnownOffline);
  EXPECT_EQ(ClassifyStopId(OfflineId()), StopIdKind::kOfflineLike);
  EXPECT_EQ(ClassifyStopId(families_testing::MakeStopPersonalId(2, false)),
            StopIdKind::kOnline);
  for (const StopOfflineId& entry : StopKnownOfflineIds()) {
    EXPECT_EQ(entry.id.size(), kStopIdBytes);
    EXPECT_FALSE(entry.source.empty());
  }
}

// --- Decryption through the pipeline ---

TEST(StopDjvuTest, RecoversSpecimensOfEverySizeWithTheKeyAsDerOrPem) {
  for (bool pem : {false, true}) {
    SCOPED_TRACE(pem ? "PEM" : "DER");
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    struct Case {
      FileKind kind;
      const char* ext;
      std::size_t size;
    };
    const Case cases[] = {
        {FileKind::kText, ".txt", 1},       {FileKind::kText, ".txt", 5},
        {FileKind::kText, ".txt", 6},       {FileKind::kText, ".txt", 70},
        {FileKind::kPdf, ".pdf", 0},        {FileKind::kPng, ".png", 0},
        {FileKind::kText, ".txt", 153'605}, {FileKind::kText, ".txt", 153'606},
        {FileKind::kZip, ".zip", 400'000},
    };
    std::vector<std::pair<std::string, Bytes>> originals;
    int n = 0;
    for (const Case& c : cases) {
      const Bytes plain = c.kind == FileKind::kText
                              ? formats::samples::MakeText(c.size)
                              : MakeSample(c.kind, c.size);
      const std::string name = "file" + std::to_string(n) + c.ext;
      ASSERT_THAT(families_testing::WriteStopDjvuSpecimen(
                      fs, kDir, name + ".djvu", plain, VictimKey(), OfflineId(),
                      families_testing::MakeStopUuid(
                          static_cast<std::uint64_t>(100 + n))),
                  IsOk());
      originals.emplace_back(name, plain);
      ++n;
    }
    auto key = pem ? VictimKey().ToPem() : VictimKey().ToDer();
    ASSERT_TRUE(key.ok());
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         Recover(fs, Options(std::move(*key))));
    for (const auto& [name, plain] : originals) {
      SCOPED_TRACE(name);
      const FileOutcome* f = Find(report, kDir / (name + ".djvu"));
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->status, RecoverStatus::kRecovered)
          << RenderEnglish(f->detail);
      EXPECT_EQ(f->decryptor, "stop-djvu");
      EXPECT_EQ(f->key_source, "--key");
      ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
      EXPECT_THAT(out, ElementsAreArray(plain));
    }
  }
}

TEST(StopDjvuTest, TheMarkerIsEnoughWhateverTheExtension) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = MakeSample(FileKind::kPdf, 2000);
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.qwerty", Specimen(plain)), IsOk());
  RecoverOptions options = Options(*VictimKey().ToDer());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "report.pdf"));
  EXPECT_THAT(out, ElementsAreArray(plain));
}

TEST(StopDjvuTest, WithoutAKeyTheIdIsReportedAndTheFileUntouched) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::string online = families_testing::MakeStopPersonalId(3, false);
  const std::string known = "cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1";
  const Bytes plain = formats::samples::MakeText(3000);
  const Bytes a = Specimen(plain, OfflineId());
  const Bytes b = Specimen(plain, online);
  const Bytes c = Specimen(plain, known);
  ASSERT_THAT(fs.AddFile(kDir / "a.txt.djvu", a), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "b.txt.djvu", b), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "c.txt.promoz", c), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options({})));
  struct Expect {
    const char* name;
    MessageId id;
    const std::string& personal_id;
    const Bytes& contents;
  };
  for (const Expect& e :
       {Expect{"a.txt.djvu", MessageId::kRecoverStopDjvuNoKeyOfflineLike,
               OfflineId(), a},
        Expect{"b.txt.djvu", MessageId::kRecoverStopDjvuNoKeyOnline, online, b},
        Expect{"c.txt.promoz", MessageId::kRecoverStopDjvuNoKeyKnownOffline,
               known, c}}) {
    SCOPED_TRACE(e.name);
    const FileOutcome* f = Find(report, kDir / e.name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
    EXPECT_EQ(f->detail.id, e.id) << RenderEnglish(f->detail);
    EXPECT_EQ(ArgText(f->detail, "id"), e.personal_id);
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
    ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / e.name));
    EXPECT_EQ(still, e.contents);
  }
  EXPECT_FALSE(fs.Contents(kDir / "a.txt").ok());
}

TEST(StopDjvuTest, AWrongKeyOrADamagedKeyBlockIsKeyNotFound) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain = formats::samples::MakeText(3000);
  const Bytes other = Specimen(plain, OfflineId(), 9, OtherKey());
  Bytes damaged = Specimen(plain);
  damaged[3000 + 17] ^= 0x40;  // Inside the RSA block.
  ASSERT_THAT(fs.AddFile(kDir / "other.txt.djvu", other), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "damaged.txt.djvu", damaged), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options(*VictimKey().ToDer())));
  for (const char* name : {"other.txt.djvu", "damaged.txt.djvu"}) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
    EXPECT_EQ(f->detail.id, MessageId::kRecoverGivenKeyNoFit)
        << RenderEnglish(f->detail);
  }
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "other.txt.djvu"));
  EXPECT_EQ(still, other);
}

TEST(StopDjvuTest, TruncatedOrDamagedFootersAreClearErrors) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Bytes truncated = Specimen(formats::samples::MakeText(5000));
  truncated.resize(4000);
  Bytes id_broken = Specimen(formats::samples::MakeText(5000));
  id_broken[id_broken.size() - 38 - 1] = 0x01;
  const Bytes tiny = ByteView::FromString("abc").ToBytes();
  ASSERT_THAT(fs.AddFile(kDir / "truncated.txt.djvu", truncated), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "id.txt.djvu", id_broken), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "tiny.txt.djvu", tiny), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Options(*VictimKey().ToDer())));
  struct Expect {
    const char* name;
    MessageId id;
  };
  for (const Expect& e :
       {Expect{"truncated.txt.djvu", MessageId::kRecoverStopDjvuNoFooter},
        Expect{"id.txt.djvu", MessageId::kRecoverStopDjvuIdDamaged},
        Expect{"tiny.txt.djvu", MessageId::kRecoverStopDjvuNoFooter}}) {
    SCOPED_TRACE(e.name);
    const FileOutcome* f = Find(report, kDir / e.name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kError);
    EXPECT_EQ(f->detail.id, e.id) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
  }
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "truncated.txt.djvu"));
  EXPECT_EQ(still, truncated);
}

TEST(StopDjvuTest, KeysThatAreNotRsa2048PrivateKeysAreRefused) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const auto small = *crypto::RsaPrivateKey::Generate(1024);
  for (auto key :
       {SecretBytes(ByteView::FromString("not a key")), *small.ToDer()}) {
    auto report = Recover(fs, Options(std::move(key)));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument);
  }
}

// --- The key store's seam (RunInputs::key_lookup), with a fake store ---

class StopDjvuLookupTest : public ::testing::Test {
 protected:
  // Runs the decryptor on `file` by hand, as the pipeline does, feeding
  // the stream in uneven chunks; the outcome, and the plaintext in `out`.
  recover::KeyOutcome Run(const recover::KeyLookup& lookup, const Bytes& file,
                          Bytes* out = nullptr) {
    io::MemoryFileSystem fs;
    recover::RunInputs inputs;
    inputs.key_lookup = lookup;
    auto run = StopDjvuDecryptor().Prepare(fs, inputs);
    EXPECT_TRUE(run.ok());
    recover::FileSample sample{kDir / "x.doc.djvu", "x.doc.djvu", file.size(),
                               ByteView(file).First(recover::kProbeHeadBytes),
                               ByteView(file).Last(recover::kProbeTailBytes)};
    const recover::ProbeResult probe = (*run)->Probe(sample);
    EXPECT_EQ(probe.confidence, 95);
    EXPECT_EQ(probe.original_name, "x.doc");
    recover::KeyOutcome outcome = (*run)->FindKey(sample, probe);
    if (out != nullptr && outcome.verdict == recover::KeyVerdict::kFound) {
      auto stream = (*run)->StartDecryption(outcome.key, file.size());
      EXPECT_TRUE(stream.ok());
      std::size_t at = 0;
      std::size_t chunk = 1;
      while (at < file.size()) {
        const std::size_t n = std::min(chunk, file.size() - at);
        Bytes buffer(n + recover::StreamDecryption::kSlack);
        auto got = (*stream)->Update(*ByteView(file).Sub(at, n), buffer);
        EXPECT_TRUE(got.ok());
        out->insert(out->end(), buffer.begin(),
                    buffer.begin() + static_cast<std::ptrdiff_t>(*got));
        at += n;
        chunk = chunk * 3 + 1;
      }
      Bytes tail(recover::StreamDecryption::kSlack);
      EXPECT_EQ((*stream)->Finish(tail).value_or(99), 0u);
    }
    return outcome;
  }
};

TEST_F(StopDjvuLookupTest, TheStoreIsAskedForTheIdAndItsKeyDecrypts) {
  const Bytes plain = formats::samples::MakeText(200'000);
  const Bytes file = Specimen(plain);
  std::vector<std::string> asked;
  std::mutex mutex;
  const recover::KeyLookup store =
      [&](std::string_view family,
          std::string_view handle) -> Result<std::vector<recover::StoredKey>> {
    std::lock_guard lock(mutex);
    asked.push_back(std::string(family) + "/" + std::string(handle));
    std::vector<recover::StoredKey> keys;
    if (handle == OfflineId()) {
      keys.push_back({*OtherKey().ToPem(), "case A"});
      keys.push_back({*VictimKey().ToDer(), "case B"});
    }
    return keys;
  };
  Bytes out;
  const recover::KeyOutcome outcome = Run(store, file, &out);
  ASSERT_EQ(outcome.verdict, recover::KeyVerdict::kFound);
  EXPECT_EQ(outcome.key.source, "case B");
  EXPECT_THAT(asked, ElementsAreArray({"stop-djvu/" + OfflineId()}));
  EXPECT_THAT(out, ElementsAreArray(plain));
}

TEST_F(StopDjvuLookupTest, StoredKeysThatDoNotFitOrAFailingStoreAreSaidSo) {
  const Bytes file = Specimen(formats::samples::MakeText(500));
  const recover::KeyLookup wrong =
      [](std::string_view,
         std::string_view) -> Result<std::vector<recover::StoredKey>> {
    std::vector<recover::StoredKey> keys;
    keys.push_back({*OtherKey().ToDer(), "case A"});
    keys.push_back({SecretBytes(ByteView::FromString("junk")), "case C"});
    return keys;
  };
  recover::KeyOutcome outcome = Run(wrong, file);
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kNotFound);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverStopDjvuKeysNoFit);
  EXPECT_EQ(ArgText(outcome.message, "id"), OfflineId());
  EXPECT_TRUE(HasDeclaredArgs(outcome.message));

  const recover::KeyLookup failing =
      [](std::string_view,
         std::string_view) -> Result<std::vector<recover::StoredKey>> {
    return IoError("database is locked");
  };
  outcome = Run(failing, file);
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kDamaged);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverStopDjvuLookupFailed);
  EXPECT_EQ(ArgText(outcome.message, "error"), "database is locked");

  const recover::KeyLookup empty =
      [](std::string_view,
         std::string_view) -> Result<std::vector<recover::StoredKey>> {
    return std::vector<recover::StoredKey>{};
  };
  outcome = Run(empty, file);
  EXPECT_EQ(outcome.verdict, recover::KeyVerdict::kNotFound);
  EXPECT_EQ(outcome.message.id, MessageId::kRecoverStopDjvuNoKeyOfflineLike);
}

// §3.7 "Crypto": the fallback for RSA blocks written little-endian.
TEST_F(StopDjvuLookupTest, AByteReversedKeyBlockStillOpens) {
  const Bytes plain = formats::samples::MakeText(1000);
  Bytes file = Specimen(plain);
  std::reverse(file.begin() + 1000, file.begin() + 1000 + 256);
  const recover::KeyLookup store =
      [](std::string_view,
         std::string_view) -> Result<std::vector<recover::StoredKey>> {
    std::vector<recover::StoredKey> keys;
    keys.push_back({*VictimKey().ToDer(), "case B"});
    return keys;
  };
  Bytes out;
  ASSERT_EQ(Run(store, file, &out).verdict, recover::KeyVerdict::kFound);
  EXPECT_THAT(out, ElementsAreArray(plain));
}

}  // namespace
}  // namespace kintsugi::families
