#include "families/princess_locker/princess_locker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/princess_locker/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::Nested;

using families_testing::ArgText;
using families_testing::Find;
using families_testing::PrincessKeyChoice;
using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::int64_t kNs = 1'000'000'000;
constexpr std::string_view kExtension = "xyzw";

// A file encrypted with `choice`, modified `after` seconds after its seed.
void AddVictimFile(io::MemoryFileSystem& fs, const std::string& name,
                   ByteView plain, const PrincessKeyChoice& choice,
                   std::int64_t after = 30) {
  const Bytes encrypted = families_testing::PrincessEncrypt(plain, choice);
  ASSERT_FALSE(encrypted.empty());
  ASSERT_THAT(
      fs.AddFile(kDir / name, encrypted,
                 (static_cast<std::int64_t>(choice.seed) + after) * kNs),
      IsOk());
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.journal_dir = "/state";
  return options;
}

TEST(PrincessLockerTest, KeysOfTheSpec) {
  // §3.6 "Test vector".
  const std::string string = PrincessKeyString(1479427200);
  EXPECT_EQ(string, "B5fW068dn0Koyl9KEBYyX0dUTB9dnSfD");
  const auto half = PrincessAesKey(string, 21, PrincessHashing::kHalf);
  EXPECT_EQ(ToHex(ByteView(half.data(), half.size())),
            "03e2cba9c5f2dd325f3e459f679cef1b");
  const auto full = PrincessAesKey(string, 21, PrincessHashing::kFull);
  EXPECT_EQ(ToHex(ByteView(full.data(), full.size())),
            "6b05e06882c26bb75ac1c086448b490a");
  EXPECT_EQ(PrincessId(1479427200, 8), "b5fw068d");
}

TEST(PrincessLockerTest, TheNoteGivesTheExtensionAndTheId) {
  EXPECT_EQ(PrincessNoteExtension("!_HOW_TO_RESTORE_xyzw.TXT"), "xyzw");
  EXPECT_EQ(PrincessNoteExtension("!_how_to_restore_AbC1.html"), "abc1");
  EXPECT_EQ(PrincessNoteExtension("!_HOW_TO_RESTORE_xyzw.url"), "xyzw");
  EXPECT_EQ(PrincessNoteExtension("!_HOW_TO_RESTORE_.txt"), std::nullopt);
  EXPECT_EQ(PrincessNoteExtension("!_HOW_TO_RESTORE_x/y.txt"), std::nullopt);
  EXPECT_EQ(PrincessNoteExtension("!_HOW_TO_RESTORE_xyzw.exe"), std::nullopt);
  EXPECT_EQ(PrincessNoteExtension("README.txt"), std::nullopt);

  EXPECT_EQ(PrincessNoteId("Your files...\nYour ID: K2j3H4g5\n"), "k2j3h4g5");
  EXPECT_EQ(PrincessNoteId("your unique id is  k2j3h4g5."), "k2j3h4g5");
  EXPECT_EQ(PrincessNoteId("<p>Your ID: <b>k2j3h4g5</b></p>"), "k2j3h4g5");
  EXPECT_EQ(PrincessNoteId("[InternetShortcut]\nURL=http://"
                           "abcdefghijklmnop.onion/k2j3h4g5\n"),
            "k2j3h4g5");
  // "identify" is not the word ID; a bare "ID" with nothing after is no ID.
  EXPECT_EQ(PrincessNoteId("We can identify you. ID:\nsomething"),
            std::nullopt);
  EXPECT_EQ(PrincessNoteId("nothing here"), std::nullopt);
}

TEST(PrincessLockerTest, TheNotesIdFindsTheKeyWithoutFamily) {
  // The key's seed, then the ID's 40 s later (§3.6 "Specimen recipe").
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t key_seed = 1479427200;  // 2016-11-18.
  ASSERT_OK_AND_ASSIGN(
      const std::string id,
      families_testing::WritePrincessNote(fs, kDir, kExtension, key_seed + 40));
  const PrincessKeyChoice choice{key_seed, 27, PrincessHashing::kHalf, true};
  const Bytes pdf = MakeSample(FileKind::kPdf, 3000);
  const Bytes png = MakeSample(FileKind::kPng, 1000);
  AddVictimFile(fs, "report.pdf.xyzw", pdf, choice);
  AddVictimFile(fs, "photo.png.xyzw", png, choice, 31);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  for (const auto& [name, plain] : {std::pair{"report.pdf.xyzw", &pdf},
                                    std::pair{"photo.png.xyzw", &png}}) {
    const FileOutcome* f = Find(report, kDir / name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->decryptor, "princess-locker");
    EXPECT_EQ(f->status, RecoverStatus::kRecovered)
        << name << ": " << RenderEnglish(f->detail);
    EXPECT_EQ(f->variant, "half");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_EQ(out, *plain);
    const Message* key =
        Nested(f->detail, MessageId::kRecoverPrincessLockerKey);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_THAT(RenderEnglish(*key), HasSubstr("srand(1479427200)"));
    EXPECT_THAT(RenderEnglish(*key), HasSubstr("first 27 characters"));
    EXPECT_EQ(ArgText(*key, "padding"), "padded");
  }
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "report.pdf"));
  EXPECT_EQ(out, pdf);
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].detail.id,
            MessageId::kRecoverPrincessLockerKeyFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
  const auto expected =
      PrincessAesKey(PrincessKeyString(key_seed), 27, PrincessHashing::kHalf);
  EXPECT_EQ(report.keys[0].key_hex,
            ToHex(ByteView(expected.data(), expected.size())));

  // The printed key decrypts a later run without a search.
  RecoverOptions with_key = Options();
  with_key.family = "princess-locker";
  with_key.key = *SecretBytes::FromHex(report.keys[0].key_hex);
  with_key.journal_dir = "/state2";
  io::MemoryFileSystem again;
  ASSERT_THAT(again.AddDirs(kDir), IsOk());
  AddVictimFile(again, "report.pdf.xyzw", pdf, choice);
  ASSERT_OK_AND_ASSIGN(RecoverReport reused, Recover(again, with_key));
  ASSERT_EQ(reused.files.size(), 1u);
  EXPECT_EQ(reused.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(reused.files[0].detail);
}

TEST(PrincessLockerTest, TheVictimIdOptionAnchorsTheSearchAnywhereInTheSpace) {
  // Full hashing, no padding; seeds at both ends of the space.
  for (std::uint32_t key_seed : {std::uint32_t{100}, 4294960000U}) {
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    const PrincessKeyChoice choice{key_seed, 32, PrincessHashing::kFull, false};
    Bytes doc = MakeSample(FileKind::kOle2, 2000);
    ASSERT_EQ(doc.size() % 16, 0u);
    AddVictimFile(fs, "a.doc.qwer", doc, choice);
    RecoverOptions options = Options();
    options.family = "princess-locker";
    options.victim_id = PrincessId(key_seed + 90, 12);
    options.seed_range = std::make_pair(std::uint64_t{key_seed} - 100,
                                        std::uint64_t{key_seed} + 5000);
    ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
    ASSERT_EQ(report.files.size(), 1u);
    const FileOutcome& f = report.files[0];
    EXPECT_EQ(f.status, RecoverStatus::kRecovered)
        << key_seed << ": " << RenderEnglish(f.detail);
    EXPECT_EQ(f.variant, "full");
    const Message* key = Nested(f.detail, MessageId::kRecoverPrincessLockerKey);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(ArgText(*key, "padding"), "unpadded");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "a.doc"));
    EXPECT_EQ(out, doc);
  }
}

TEST(PrincessLockerTest, WithoutTheIdTheKeySeedIsSearchedFromTheFilesTime) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const PrincessKeyChoice choice{1480000000, 21, PrincessHashing::kHalf, true};
  const Bytes jpg = MakeSample(FileKind::kJpeg, 2500);
  AddVictimFile(fs, "cat.jpg.abcd", jpg, choice, 12);
  RecoverOptions options = Options();
  options.family = "princess-locker";
  // Around the file's time (the default): down 40 seeds is enough here.
  options.seed_range = std::make_pair(std::uint64_t{1480000000} - 20,
                                      std::uint64_t{1480000000} + 20);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
}

TEST(PrincessLockerTest, AWrongWindowOrIdSaysWhatWasSearched) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t key_seed = 1479427200;
  const PrincessKeyChoice choice{key_seed, 24, PrincessHashing::kHalf, true};
  const Bytes pdf = MakeSample(FileKind::kPdf, 1000);
  AddVictimFile(fs, "report.pdf.xyzw", pdf, choice);
  const Bytes encrypted = families_testing::PrincessEncrypt(pdf, choice);
  RecoverOptions options = Options();
  options.family = "princess-locker";
  // The ID's seed is outside the window.
  options.victim_id = PrincessId(key_seed + 50, 10);
  options.seed_range = std::make_pair(std::uint64_t{1000}, std::uint64_t{1999});
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(report.files[0].detail.id,
            MessageId::kRecoverPrincessLockerIdNotFound)
      << RenderEnglish(report.files[0].detail);
  EXPECT_TRUE(HasDeclaredArgs(report.files[0].detail));
  EXPECT_THAT(RenderEnglish(report.files[0].detail),
              HasSubstr("from 1000 to 1999"));
  // The ID's seed is found, but the key's seed is more than an hour below.
  options.victim_id = PrincessId(key_seed + 5000, 10);
  options.seed_range = std::make_pair(std::uint64_t{key_seed} + 4000,
                                      std::uint64_t{key_seed} + 6000);
  ASSERT_OK_AND_ASSIGN(report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].detail.id,
            MessageId::kRecoverPrincessLockerKeyNotFound)
      << RenderEnglish(report.files[0].detail);
  EXPECT_THAT(RenderEnglish(report.files[0].detail),
              HasSubstr(std::to_string(key_seed + 5000)));
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf.xyzw"));
  EXPECT_EQ(still, encrypted);
  EXPECT_FALSE(fs.Contents(kDir / "report.pdf").ok());
}

TEST(PrincessLockerTest, DamagedOrForeignFilesGetAClearStatus) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::uint32_t key_seed = 1479500000;
  ASSERT_OK_AND_ASSIGN(
      const std::string id,
      families_testing::WritePrincessNote(fs, kDir, kExtension, key_seed + 7));
  const PrincessKeyChoice choice{key_seed, 30, PrincessHashing::kFull, true};
  AddVictimFile(fs, "good.pdf.xyzw", MakeSample(FileKind::kPdf, 2000), choice);
  // Not whole blocks; cut to whole blocks; another run's key.
  Bytes ragged = families_testing::PrincessEncrypt(
      MakeSample(FileKind::kPdf, 2000), choice);
  ragged.resize(ragged.size() - 5);
  ASSERT_THAT(fs.AddFile(kDir / "ragged.pdf.xyzw", ragged, key_seed * kNs),
              IsOk());
  Bytes cut = families_testing::PrincessEncrypt(
      MakeSample(FileKind::kPdf, 4000), choice);
  cut.resize(1024);
  ASSERT_THAT(fs.AddFile(kDir / "cut.pdf.xyzw", cut, key_seed * kNs), IsOk());
  const PrincessKeyChoice other{key_seed - 77777, 21, PrincessHashing::kHalf,
                                true};
  AddVictimFile(fs, "other.png.xyzw", MakeSample(FileKind::kPng, 500), other,
                77800);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  const FileOutcome* good = Find(report, kDir / "good.pdf.xyzw");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->status, RecoverStatus::kRecovered)
      << RenderEnglish(good->detail);
  const FileOutcome* ragged_outcome = Find(report, kDir / "ragged.pdf.xyzw");
  ASSERT_NE(ragged_outcome, nullptr);
  EXPECT_EQ(ragged_outcome->status, RecoverStatus::kError);
  EXPECT_EQ(ragged_outcome->detail.id, MessageId::kRecoverJigsawNotWholeBlocks)
      << RenderEnglish(ragged_outcome->detail);
  // Its end is gone: no padding, so decrypted as unpadded, and it does not
  // verify.
  const FileOutcome* cut_outcome = Find(report, kDir / "cut.pdf.xyzw");
  ASSERT_NE(cut_outcome, nullptr);
  EXPECT_EQ(cut_outcome->status, RecoverStatus::kUnverified)
      << RenderEnglish(cut_outcome->detail);
  const FileOutcome* other_outcome = Find(report, kDir / "other.png.xyzw");
  ASSERT_NE(other_outcome, nullptr);
  EXPECT_EQ(other_outcome->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(other_outcome->detail.id, MessageId::kRecoverPrincessLockerKeyNoFit)
      << RenderEnglish(other_outcome->detail);
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "cut.pdf.xyzw"));
  EXPECT_EQ(still, cut);
}

TEST(PrincessLockerTest,
     WithoutANoteOrFamilyItTakesNothingAndOptionsAreChecked) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const PrincessKeyChoice choice{1479427200, 21, PrincessHashing::kHalf, true};
  AddVictimFile(fs, "report.pdf.xyzw", MakeSample(FileKind::kPdf, 1000),
                choice);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Options()));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_NE(report.files[0].decryptor, "princess-locker");
  EXPECT_NE(report.files[0].status, RecoverStatus::kRecovered);
  RecoverOptions bad = Options();
  bad.family = "princess-locker";
  bad.victim_id = "not an id!";
  EXPECT_EQ(Recover(fs, bad).status().code(), StatusCode::kInvalidArgument);
  // One reading of the hashing, by name; another name is refused.
  RecoverOptions one = Options();
  one.family = "princess-locker";
  one.seed_range = std::make_pair(std::uint64_t{1479427200} - 5,
                                  std::uint64_t{1479427200} + 5);
  one.variant = "full";
  ASSERT_OK_AND_ASSIGN(RecoverReport missed, Recover(fs, one));
  ASSERT_EQ(missed.files.size(), 1u);
  EXPECT_EQ(missed.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_THAT(RenderEnglish(missed.files[0].detail), HasSubstr("12 keys each"));
  one.variant = "half";
  one.journal_dir = "/state2";
  ASSERT_OK_AND_ASSIGN(RecoverReport found, Recover(fs, one));
  ASSERT_EQ(found.files.size(), 1u);
  EXPECT_EQ(found.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(found.files[0].detail);
  one.variant = "quarter";
  EXPECT_EQ(Recover(fs, one).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::families
