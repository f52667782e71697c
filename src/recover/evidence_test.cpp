// The triage on its own: identify's evidence for a folder, and the choice
// of decryptor with and without it.

#include "recover/evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/testing/status_matchers.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "recover/testing/fakes.h"

namespace kintsugi::recover {
namespace {

using fakes::FakeDecryptor;
using fakes::NoteText;
using fakes::TestKb;
using ::testing::HasSubstr;

const Path kDir = "/v";

// The decryptors of a run, prepared.
std::vector<PreparedDecryptor> Prepare(
    std::initializer_list<const Decryptor*> decryptors) {
  io::MemoryFileSystem fs;
  std::vector<PreparedDecryptor> runs;
  for (const Decryptor* d : decryptors) {
    auto run = d->Prepare(fs, RunInputs{});
    EXPECT_TRUE(run.has_value());
    runs.push_back(PreparedDecryptor{d, std::move(*run)});
  }
  return runs;
}

FileSample Sample(const std::string& name, const Bytes& head) {
  return FileSample{kDir / name, name, head.size(), head, head};
}

FolderEvidence Identified(std::string family, std::string name) {
  FolderEvidence evidence;
  evidence.verdict = identify::Verdict::kIdentified;
  evidence.named.push_back(
      NamedFamily{std::move(family),
                  std::move(name),
                  Message{MessageId::kOriginFile, {{"file", "DECRYPT.txt"}}},
                  kb::RecoveryPossible::kYes,
                  "",
                  {}});
  return evidence;
}

TEST(ChooseDecryptorTest, WithoutEvidenceTheMostConfidentProbeWins) {
  const FakeDecryptor low("low", "low", ".x", 30);
  const FakeDecryptor high("high", "high", ".x", 50);
  const FakeDecryptor other("other", "other", ".y", 90);
  const auto runs = Prepare({&low, &high, &other});
  const Bytes head(100, 1);
  auto choice = ChooseDecryptor(runs, Sample("a.doc.x", head), nullptr);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(choice->prepared->decryptor, &high);
  EXPECT_EQ(choice->probe.original_name, "a.doc");
  EXPECT_EQ(choice->evidence.id, MessageId::kCount);
  // A tie goes to the first; no probe accepting: no choice.
  const FakeDecryptor twin("twin", "twin", ".x", 50);
  EXPECT_EQ(
      ChooseDecryptor(Prepare({&twin, &high}), Sample("a.x", head), nullptr)
          ->prepared->decryptor,
      &twin);
  EXPECT_FALSE(ChooseDecryptor(runs, Sample("a.z", head), nullptr));
}

TEST(ChooseDecryptorTest, TheNamedFamilyWinsCloseCallsButNotStructure) {
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const Bytes head(100, 1);
  const FolderEvidence evidence = Identified("alpha", "Alpha");
  {
    const FakeDecryptor beta("beta", "beta", ".x", 40 + kIdentifyCloseCall);
    const auto runs = Prepare({&beta, &alpha});
    auto choice = ChooseDecryptor(runs, Sample("a.x", head), &evidence);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->prepared->decryptor, &alpha);
    EXPECT_EQ(choice->evidence.id, MessageId::kRecoverChoiceIdentified);
    EXPECT_TRUE(HasDeclaredArgs(choice->evidence));
    EXPECT_EQ(RenderEnglish(choice->evidence),
              "identified as Alpha from DECRYPT.txt");
  }
  {
    const FakeDecryptor beta("beta", "beta", ".x", 41 + kIdentifyCloseCall);
    const auto runs = Prepare({&beta, &alpha});
    auto choice = ChooseDecryptor(runs, Sample("a.x", head), &evidence);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->prepared->decryptor, &beta);
    EXPECT_EQ(choice->evidence.id, MessageId::kRecoverChoiceOverruled);
    EXPECT_TRUE(HasDeclaredArgs(choice->evidence));
    EXPECT_THAT(RenderEnglish(choice->evidence),
                HasSubstr("identify names Alpha (from DECRYPT.txt), but this "
                          "file fits the beta decryptor's checks better"));
  }
}

TEST(ChooseDecryptorTest, AnAmbiguousVerdictSaysPossibly) {
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const Bytes head(100, 1);
  FolderEvidence evidence = Identified("alpha", "Alpha");
  evidence.verdict = identify::Verdict::kAmbiguous;
  {
    const auto runs = Prepare({&alpha});
    auto choice = ChooseDecryptor(runs, Sample("a.x", head), &evidence);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->evidence.id, MessageId::kRecoverChoicePossibly);
    EXPECT_TRUE(HasDeclaredArgs(choice->evidence));
    EXPECT_EQ(RenderEnglish(choice->evidence),
              "identify says possibly Alpha from DECRYPT.txt");
  }
  {
    const FakeDecryptor beta("beta", "beta", ".x", 41 + kIdentifyCloseCall);
    const auto runs = Prepare({&beta, &alpha});
    auto choice = ChooseDecryptor(runs, Sample("a.x", head), &evidence);
    ASSERT_TRUE(choice.has_value());
    EXPECT_EQ(choice->evidence.id, MessageId::kRecoverChoiceOverruledPossibly);
    EXPECT_TRUE(HasDeclaredArgs(choice->evidence));
  }
}

TEST(GatherFolderEvidenceTest, ANoteInTheFolderNamesItsFamily) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "DECRYPT.txt",
                         NoteText("alpha has locked every one of your files")),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "report.doc.x",
                         formats::samples::PseudoRandomBytes(3000, 1)),
              IsOk());
  const WalkItem note{kDir / "DECRYPT.txt", "v/DECRYPT.txt", 200, {}};
  const WalkItem file{kDir / "report.doc.x", "v/report.doc.x", 3000, {}};
  const WalkItem* files[] = {&file, &note};
  auto kb = TestKb();
  ASSERT_NE(kb, nullptr);
  const FolderEvidence evidence = GatherFolderEvidence(fs, *kb, files);
  // One phrase of a note is wording a copied note keeps: it names Alpha
  // as the likely family, never 'identified' on its own (issue 15).
  EXPECT_EQ(evidence.verdict, identify::Verdict::kAmbiguous);
  ASSERT_EQ(evidence.named.size(), 1u);
  EXPECT_EQ(evidence.named[0].family, "alpha");
  EXPECT_EQ(RenderEnglish(evidence.named[0].from), "DECRYPT.txt");

  // Without a note, the names alone say nothing of Alpha.
  const WalkItem* just_file[] = {&file};
  EXPECT_EQ(GatherFolderEvidence(fs, *kb, just_file).verdict,
            identify::Verdict::kUnknown);
}

TEST(TriageFileTest, AnOrdinaryFileIsLeftAloneWithoutAskingIdentify) {
  const FakeDecryptor any("any", "any", ".png", 90);
  const auto runs = Prepare({&any});
  const Bytes png = formats::samples::MakePng(16, 16);
  bool asked = false;
  const Triage triage = TriageFile(runs, Sample("photo.png", png),
                                   [&]() -> const FolderEvidence* {
                                     asked = true;
                                     return nullptr;
                                   });
  EXPECT_FALSE(triage.choice.has_value());
  EXPECT_EQ(triage.status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(triage.detail.id, MessageId::kRecoverOrdinaryFile);
  EXPECT_TRUE(HasDeclaredArgs(triage.detail));
  EXPECT_EQ(RenderEnglish(triage.detail), "looks like an ordinary png file");
  EXPECT_FALSE(asked);
}

TEST(TriageFileTest, WithoutAChoiceTheVerdictSaysWhatIdentifyFound) {
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const auto runs = Prepare({&alpha});
  const Bytes junk = formats::samples::PseudoRandomBytes(100, 2);
  const Triage chosen = TriageFile(runs, Sample("a.x", junk), {});
  ASSERT_TRUE(chosen.choice.has_value());
  EXPECT_EQ(chosen.choice->prepared->decryptor, &alpha);

  const Triage plain = TriageFile(runs, Sample("a.z", junk), {});
  EXPECT_FALSE(plain.choice.has_value());
  EXPECT_EQ(plain.status, RecoverStatus::kUnsupported);
  EXPECT_EQ(RenderEnglish(plain.detail), "no decryptor recognises this file");
  EXPECT_TRUE(HasDeclaredArgs(plain.detail));

  FolderEvidence gamma = Identified("gamma", "Gamma Locker");
  gamma.named[0].recovery = kb::RecoveryPossible::kNo;
  const Triage unknown_family =
      TriageFile(runs, Sample("a.z", junk), [&] { return &gamma; });
  EXPECT_EQ(unknown_family.status, RecoverStatus::kUnsupported);
  EXPECT_EQ(unknown_family.detail.id, MessageId::kRecoverIdentifiedNotBuilt);
  EXPECT_TRUE(HasDeclaredArgs(unknown_family.detail));
  // identify::RecoveryAdvice's sentences, the same as `kintsugi identify`.
  EXPECT_EQ(RenderEnglish(unknown_family.detail),
            "no decryptor in this version recognises it; this folder is "
            "identified as Gamma Locker (gamma) from DECRYPT.txt: No offline "
            "recovery is known for this family.");

  // An empty file no decryptor takes is just an empty file, whatever the
  // folder.
  const Triage empty =
      TriageFile(runs, Sample("a.z", Bytes{}), [&] { return &gamma; });
  EXPECT_EQ(empty.status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(RenderEnglish(empty.detail), "empty file");
  EXPECT_TRUE(HasDeclaredArgs(empty.detail));

  const FolderEvidence ours = Identified("alpha", "Alpha");
  const Triage renamed =
      TriageFile(runs, Sample("a.z", junk), [&] { return &ours; });
  EXPECT_EQ(renamed.detail.id, MessageId::kRecoverIdentifiedNoFit);
  EXPECT_TRUE(HasDeclaredArgs(renamed.detail));
  EXPECT_THAT(RenderEnglish(renamed.detail),
              HasSubstr("(renamed or damaged?)"));
}

// --- Issue 16: files a build cannot decrypt get "unsupported" with the
// family identify attributes them to.

constexpr std::string_view kStopMarker =
    "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";

// A KB with a STOP/Djvu-like family (its footer marker, recovery-schemes.md
// §3.7; no decryptor in this build) and a Linux.Encoder-like one (its note
// name; §3.4).
std::shared_ptr<const identify::CompiledKb> MarkerKb() {
  kb::KnowledgeBase kb;
  kb::Rule marker =
      fakes::KbRule("marker-footer", kb::RuleKind::kFileMarker, "");
  marker.strength = kb::Strength::kDecisive;
  marker.marker = Bytes(kStopMarker.begin(), kStopMarker.end());
  marker.anchor = kb::Anchor::kEnd;
  marker.offset = kStopMarker.size();
  kb::Family stop =
      fakes::KbFamily("stop-djvu", "STOP/Djvu", {marker},
                      kb::RecoveryPossible::kPartial, "stop-djvu");
  stop.recovery.needs = {"nothing: works when the personal ID is offline"};
  kb.families.push_back(std::move(stop));
  kb.families.push_back(
      fakes::KbFamily("linux-encoder", "Linux.Encoder",
                      {fakes::KbRule("note", kb::RuleKind::kNoteName,
                                     "README_FOR_DECRYPT.txt")},
                      kb::RecoveryPossible::kYes, "linux-encoder"));
  auto compiled = identify::Compile(kb);
  EXPECT_TRUE(compiled.has_value()) << compiled.error().message();
  return compiled ? *compiled : nullptr;
}

// §3.7 layout, synthetic: the first five bytes of a JPEG kept, the rest
// stand-in ciphertext, then a 256-byte blob, a 40-character ID and the
// marker.
Bytes StopLikeFile() {
  Bytes file = formats::samples::MakeJpeg(3000);
  const Bytes noise = formats::samples::PseudoRandomBytes(file.size() - 5, 16);
  std::copy(noise.begin(), noise.end(), file.begin() + 5);
  const Bytes blob = formats::samples::PseudoRandomBytes(256, 17);
  file.insert(file.end(), blob.begin(), blob.end());
  const std::string id = "cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1";
  file.insert(file.end(), id.begin(), id.end());
  file.insert(file.end(), kStopMarker.begin(), kStopMarker.end());
  return file;
}

FileSample SampleOf(const std::string& name, const Bytes& file) {
  const ByteView all(file);
  return FileSample{kDir / name, name, file.size(),
                    all.First(std::min(file.size(), kProbeHeadBytes)),
                    all.Last(std::min(file.size(), kProbeTailBytes))};
}

// The defect: a STOP/Djvu file (marker in the footer, a JPEG's first bytes
// kept) was "not_encrypted": "looks like an ordinary jpeg file".
TEST(TriageFileTest, Issue16AFileIdentifyAttributesIsUnsupportedWithItsFamily) {
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const auto runs = Prepare({&alpha});
  auto kb = MarkerKb();
  ASSERT_NE(kb, nullptr);
  FolderEvidence folder;  // Nothing found for the folder as a whole.
  folder.kb = kb.get();
  const Bytes file = StopLikeFile();
  const Triage triage = TriageFile(runs, SampleOf("photo.jpg.boop", file),
                                   [&] { return &folder; });
  EXPECT_FALSE(triage.choice.has_value());
  EXPECT_EQ(triage.status, RecoverStatus::kUnsupported);
  EXPECT_EQ(triage.family, "stop-djvu");
  EXPECT_EQ(triage.detail.id, MessageId::kRecoverFileIdentifiedNotBuilt);
  EXPECT_TRUE(fakes::DeclaredThroughout(triage.detail));
  const std::string detail = RenderEnglish(triage.detail);
  EXPECT_THAT(detail, HasSubstr("identified as STOP/Djvu (stop-djvu)"));
  EXPECT_THAT(detail, HasSubstr("personal ID is offline"));

  // Identify not consulted (--family, no KB): an ordinary-looking head.
  EXPECT_EQ(TriageFile(runs, SampleOf("photo.jpg.boop", file), {}).status,
            RecoverStatus::kNotEncrypted);
}

// The defect: Linux.Encoder files beside their note got Jigsaw's "error",
// taken by Jigsaw's probe for the ".encrypted" extension alone.
TEST(TriageFileTest, Issue16ANameOnlyChoiceYieldsToTheIdentifiedFamily) {
  const FakeDecryptor shared("jigsaw", "jigsaw", ".encrypted", 30);
  const FakeDecryptor sure("sure", "sure", ".sure", kStructuralConfidence);
  const auto runs = Prepare({&shared, &sure});
  FolderEvidence folder = Identified("linux-encoder", "Linux.Encoder");
  const Bytes junk = formats::samples::PseudoRandomBytes(1000, 18);
  const Triage triage = TriageFile(runs, Sample("a.docx.encrypted", junk),
                                   [&] { return &folder; });
  EXPECT_FALSE(triage.choice.has_value());
  EXPECT_EQ(triage.status, RecoverStatus::kUnsupported);
  EXPECT_EQ(triage.family, "linux-encoder");
  EXPECT_EQ(triage.detail.id, MessageId::kRecoverIdentifiedNotBuilt);
  EXPECT_TRUE(fakes::DeclaredThroughout(triage.detail));
  // A structural fit still wins over the folder's family.
  const Triage fits =
      TriageFile(runs, Sample("a.docx.sure", junk), [&] { return &folder; });
  ASSERT_TRUE(fits.choice.has_value());
  EXPECT_EQ(fits.choice->prepared->decryptor, &sure);
}

}  // namespace
}  // namespace kintsugi::recover
