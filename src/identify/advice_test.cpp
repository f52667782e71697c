// The sentences built from a report: verdict, recovery advice, evidence
// origin. Rendered in English here, as the CLI shows them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kintsugi/identify.h"

namespace kintsugi::identify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Candidate MakeCandidate(std::string family, double score) {
  Candidate c;
  c.family = family;
  c.name = "Name of " + family;
  c.score = score;
  return c;
}

std::vector<std::string> Rendered(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const Message& m : messages) {
    EXPECT_TRUE(HasDeclaredArgs(m)) << MessageIdName(m.id);
    out.push_back(RenderEnglish(m));
  }
  return out;
}

// Regression: with one candidate, "Ambiguous: ... The evidence does not
// tell them apart" read wrongly; with one, the evidence is weak.
TEST(VerdictSummaryTest, OneAmbiguousCandidateIsWeakEvidence) {
  Report report;
  report.verdict = Verdict::kAmbiguous;
  report.candidates = {MakeCandidate("root", 0.41)};
  report.named = 1;
  const Message summary = VerdictSummary(report);
  EXPECT_EQ(summary.id, MessageId::kVerdictAmbiguousWeak);
  EXPECT_TRUE(HasDeclaredArgs(summary));
  const std::string text = RenderEnglish(summary);
  EXPECT_THAT(text, HasSubstr("it could be Name of root (root)"));
  EXPECT_THAT(text, HasSubstr("the evidence is weak"));
  EXPECT_THAT(text, Not(HasSubstr("tell them apart")));
}

TEST(VerdictSummaryTest, AmbiguousNamesTheCandidatesWithinTheMargin) {
  Report report;
  report.verdict = Verdict::kAmbiguous;
  report.candidates = {MakeCandidate("conti", 0.6),
                       MakeCandidate("monti", 0.55),
                       MakeCandidate("other", 0.2)};
  report.named = 2;
  const Message summary = VerdictSummary(report);
  EXPECT_TRUE(HasDeclaredArgs(summary));
  EXPECT_EQ(RenderEnglish(summary),
            "Ambiguous: it could be Name of conti (conti) or Name of monti "
            "(monti). The evidence does not tell them apart.");
  report.candidates[0].related = {"monti"};
  EXPECT_THAT(RenderEnglish(VerdictSummary(report)),
              HasSubstr("(related families: rebrands share notes)"));
}

Evidence RuleEvidence(EvidenceKind kind, std::string pattern,
                      bool weak = false) {
  Evidence e;
  e.kind = kind;
  e.detail =
      Message{kind == EvidenceKind::kExtension ? MessageId::kEvidenceExtension
                                               : MessageId::kEvidenceNotePhrase,
              {{"pattern", std::move(pattern)},
               {"rule", "r"},
               {"strength", weak ? "weak" : "medium"},
               {"file", "f.yaml"},
               {"line", std::int64_t{3}}}};
  e.source = "note.txt";
  e.weak = weak;
  return e;
}

TEST(ExplainVerdictTest, NamesTheEvidenceTheRunnerUpLacks) {
  Report report;
  report.verdict = Verdict::kIdentified;
  report.candidates = {MakeCandidate("phobos", 0.8),
                       MakeCandidate("dharma", 0.4)};
  report.named = 1;
  const Evidence shared =
      RuleEvidence(EvidenceKind::kNotePhrase, "all your files");
  report.candidates[0].evidence = {
      shared, RuleEvidence(EvidenceKind::kExtension, ".eking")};
  report.candidates[1].evidence = {shared};
  auto why = ExplainVerdict(report);
  ASSERT_TRUE(why.has_value());
  EXPECT_TRUE(HasDeclaredArgs(*why));
  EXPECT_THAT(RenderEnglish(*why),
              HasSubstr("Why Name of phobos rather than Name of dharma: file "
                        "name ends in \".eking\""));
  EXPECT_THAT(RenderEnglish(*why), Not(HasSubstr("all your files")));

  // Both have evidence of every kind: the stronger of the same kind.
  report.candidates[1].evidence.push_back(
      RuleEvidence(EvidenceKind::kExtension, ".locked", /*weak=*/true));
  why = ExplainVerdict(report);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->id, MessageId::kVerdictWhyStronger);
  EXPECT_TRUE(HasDeclaredArgs(*why));
  EXPECT_THAT(RenderEnglish(*why), HasSubstr(".eking"));
  EXPECT_THAT(RenderEnglish(*why), HasSubstr(".locked"));

  // The same evidence on both sides, one candidate, or unknown: nothing.
  report.candidates[1].evidence = report.candidates[0].evidence;
  EXPECT_FALSE(ExplainVerdict(report).has_value());
  report.candidates.pop_back();
  EXPECT_FALSE(ExplainVerdict(report).has_value());
  report.candidates.push_back(MakeCandidate("dharma", 0.1));
  report.verdict = Verdict::kUnknown;
  EXPECT_FALSE(ExplainVerdict(report).has_value());
}

TEST(VerdictSummaryTest, IdentifiedAndUnknown) {
  Report report;
  report.verdict = Verdict::kIdentified;
  report.candidates = {MakeCandidate("jigsaw", 0.934)};
  report.named = 1;
  EXPECT_EQ(RenderEnglish(VerdictSummary(report)),
            "Identified: Name of jigsaw (jigsaw), score 0.93.");
  report.verdict = Verdict::kUnknown;
  report.named = 0;
  EXPECT_EQ(VerdictSummary(report).id, MessageId::kVerdictUnknown);
  EXPECT_EQ(VerdictSummary(Report{}).id, MessageId::kVerdictUnknown);
}

TEST(RecoveryAdviceTest, EachCaseInWords) {
  const std::vector<std::string> needs = {"a --pair ENC=ORIG"};
  using kb::RecoveryPossible;
  EXPECT_EQ(Rendered(RecoveryAdvice(RecoveryPossible::kYes, "jigsaw", {},
                                    /*decryptor_available=*/true)),
            std::vector<std::string>{
                "Your files can be recovered offline with 'kintsugi "
                "recover'."});
  EXPECT_EQ(
      Rendered(
          RecoveryAdvice(RecoveryPossible::kPartial, "nemucod", needs, true)),
      (std::vector<std::string>{"Your files can in part be recovered offline "
                                "with 'kintsugi recover'.",
                                "You need: a --pair ENC=ORIG."}));
  EXPECT_EQ(
      Rendered(RecoveryAdvice(RecoveryPossible::kYes, "delta-tool", {}, false)),
      std::vector<std::string>{
          "Files of this family can be recovered offline, but its "
          "decryptor (delta-tool) is not in this version of Kintsugi "
          "yet."});
  EXPECT_EQ(Rendered(RecoveryAdvice(RecoveryPossible::kPartial, "", {}, false)),
            std::vector<std::string>{
                "Files of this family can in part be recovered offline, but "
                "not by this version of Kintsugi."});
  // Nothing to supply when nothing can be done.
  EXPECT_EQ(Rendered(RecoveryAdvice(RecoveryPossible::kNo, "", needs, false)),
            std::vector<std::string>{
                "No offline recovery is known for this family."});
  EXPECT_EQ(
      Rendered(RecoveryAdvice(RecoveryPossible::kUnknown, "", needs, false)),
      std::vector<std::string>{
          "Whether files of this family can be recovered is not known."});
  // A decryptor that cannot decrypt yet (Chimera's matches leaked keys):
  // never "can be recovered", but what it can tell, and the needs.
  EXPECT_EQ(
      Rendered(RecoveryAdvice(RecoveryPossible::kUnknown, "chimera", needs,
                              /*decryptor_available=*/true)),
      (std::vector<std::string>{
          "Whether files of this family can be decrypted is not known yet; "
          "'kintsugi recover' (decryptor chimera) can tell whether a known "
          "key fits them.",
          "You need: a --pair ENC=ORIG."}));
  EXPECT_EQ(Rendered(RecoveryAdvice(RecoveryPossible::kUnknown, "chimera",
                                    needs, false)),
            std::vector<std::string>{
                "Whether files of this family can be recovered is not "
                "known."});
}

TEST(RecoveryAdviceTest, RecoveryIsOfferedOnlyWhenKnownAndBuilt) {
  using kb::RecoveryPossible;
  EXPECT_TRUE(RecoveryOffered(RecoveryPossible::kYes, true));
  EXPECT_TRUE(RecoveryOffered(RecoveryPossible::kPartial, true));
  EXPECT_FALSE(RecoveryOffered(RecoveryPossible::kYes, false));
  EXPECT_FALSE(RecoveryOffered(RecoveryPossible::kUnknown, true));
  EXPECT_FALSE(RecoveryOffered(RecoveryPossible::kNo, true));
}

TEST(RecoveryAdviceTest, FromACandidate) {
  Candidate c = MakeCandidate("stop-djvu", 0.9);
  c.recovery = kb::RecoveryPossible::kPartial;
  c.decryptor = "stop-djvu";
  c.needs = {"an original file"};
  const std::vector<Message> advice = RecoveryAdvice(c, false);
  ASSERT_EQ(advice.size(), 2u);
  EXPECT_EQ(advice[0].id, MessageId::kRecoveryNotBuiltInPart);
  EXPECT_EQ(advice[1].id, MessageId::kRecoveryNeed);
}

Evidence MakeEvidence(EvidenceKind kind, std::string source) {
  Evidence e;
  e.kind = kind;
  e.source = std::move(source);
  return e;
}

TEST(EvidenceOriginTest, NotesByNameThenTheOtherFiles) {
  const std::set<std::string> notes = {"a.txt", "b.txt", "c.txt", "d.txt"};
  const auto origin = [&](std::vector<Evidence> evidence) {
    Candidate c;
    c.evidence = std::move(evidence);
    const Message m = EvidenceOrigin(c, notes);
    EXPECT_TRUE(HasDeclaredArgs(m)) << MessageIdName(m.id);
    return RenderEnglish(m);
  };
  EXPECT_EQ(origin({}), "the files in this folder");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kExtension, "x.doc.enc")}),
            "the name x.doc.enc");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kFileMarker, "x.doc.enc")}),
            "x.doc.enc");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kExtension, "x.enc"),
                    MakeEvidence(EvidenceKind::kExtension, "y.enc")}),
            "the names of the files in this folder");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kExtension, "x.enc"),
                    MakeEvidence(EvidenceKind::kFileMarker, "y.enc")}),
            "the files in this folder");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kNotePhrase, "a.txt"),
                    MakeEvidence(EvidenceKind::kExtension, "x.enc")}),
            "a.txt and the name x.enc");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kNotePhrase, "a.txt"),
                    MakeEvidence(EvidenceKind::kNoteName, "b.txt"),
                    MakeEvidence(EvidenceKind::kNoteName, "c.txt")}),
            "a.txt, b.txt and 1 other note");
  EXPECT_EQ(origin({MakeEvidence(EvidenceKind::kNotePhrase, "a.txt"),
                    MakeEvidence(EvidenceKind::kNoteName, "b.txt"),
                    MakeEvidence(EvidenceKind::kNoteName, "c.txt"),
                    MakeEvidence(EvidenceKind::kNoteName, "d.txt"),
                    MakeEvidence(EvidenceKind::kFileMarker, "x.enc"),
                    MakeEvidence(EvidenceKind::kFileMarker, "y.enc")}),
            "a.txt, b.txt and 2 other notes and the files in this folder");
}

TEST(EvidenceKindTest, NamesAreTheJsonContract) {
  EXPECT_EQ(EvidenceKindName(EvidenceKind::kExtension), "extension");
  EXPECT_EQ(EvidenceKindName(EvidenceKind::kNoteNamesFamily),
            "note-names-family");
  EXPECT_EQ(EvidenceKindName(EvidenceKind::kYara), "yara");
}

}  // namespace
}  // namespace kintsugi::identify
