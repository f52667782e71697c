// Each lint check fires on a KB that breaks it, and the clean KB passes
// (docs/kb-format.md §8).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kintsugi/kb.h"

namespace kintsugi::kb {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Rule MakeRule(std::string id, RuleKind kind, Strength strength,
              std::string pattern) {
  Rule rule;
  rule.id = std::move(id);
  rule.kind = kind;
  rule.strength = strength;
  rule.pattern = std::move(pattern);
  rule.is_regex = kind == RuleKind::kNoteRegex ||
                  kind == RuleKind::kFilenamePattern ||
                  kind == RuleKind::kVictimId;
  rule.sources = {{"curated", "test"}};
  rule.where = {"kb/" + rule.id, 7};
  return rule;
}

Family CleanFamily(std::string id) {
  Family family;
  family.id = id;
  family.name = id;
  family.sources = {{"curated", "test"}};
  family.where = {"kb/" + id + ".yaml", 1};
  family.rules.push_back(
      MakeRule("ext", RuleKind::kExtension, Strength::kMedium, "." + id));
  Fixture positive;
  positive.file_names = {"a.doc." + id};
  Fixture negative;
  negative.positive = false;
  negative.file_names = {"a.jpg"};
  family.fixtures = {positive, negative};
  return family;
}

KnowledgeBase CleanKb() {
  KnowledgeBase kb;
  kb.families = {CleanFamily("akira"), CleanFamily("conti")};
  return kb;
}

// Lint reports exactly one error containing `text`, at a file and line.
void ExpectOneError(const KnowledgeBase& kb, std::string_view text) {
  std::vector<Diagnostic> problems = Lint(kb);
  ASSERT_EQ(problems.size(), 1u)
      << (problems.empty() ? "" : problems[1 % problems.size()].message);
  EXPECT_EQ(problems[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(problems[0].message, HasSubstr(std::string(text)));
  EXPECT_FALSE(problems[0].where.file.empty());
}

TEST(LintTest, CleanKbHasNoDiagnostics) {
  EXPECT_THAT(Lint(CleanKb()), IsEmpty());
}

TEST(LintTest, BadIdAndDuplicateId) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].id = "Akira_X";
  ExpectOneError(kb, "must be lowercase");
  kb = CleanKb();
  kb.families[1] = CleanFamily("akira");
  EXPECT_THAT(Lint(kb), Contains(Field(&Diagnostic::message,
                                       HasSubstr("duplicate family id"))));
}

TEST(LintTest, AliasUsedByTwoFamilies) {
  KnowledgeBase kb = CleanKb();
  kb.families[1].aliases = {"AKIRA"};
  ExpectOneError(kb, "also used by family 'akira'");
}

TEST(LintTest, MissingSources) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].sources.clear();
  ExpectOneError(kb, "has no source");
  kb = CleanKb();
  kb.families[0].rules[0].sources.clear();
  ExpectOneError(kb, "rule 'ext': has no source");
  kb = CleanKb();
  kb.families[0].contacts.push_back({ContactKind::kEmail, "a@b.cc", {}, {}});
  ExpectOneError(kb, "contact 'a@b.cc' has no source");
}

TEST(LintTest, DuplicateRuleIdAndEmptyPattern) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules.push_back(kb.families[0].rules[0]);
  kb.families[0].rules[1].pattern = ".other";
  ExpectOneError(kb, "duplicate rule id 'ext'");
  kb = CleanKb();
  kb.families[0].rules[0].pattern.clear();
  EXPECT_THAT(Lint(kb), Contains(Field(&Diagnostic::message,
                                       HasSubstr("empty pattern"))));
}

TEST(LintTest, InvalidRegexAndEmptyMatch) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules.push_back(
      MakeRule("re", RuleKind::kNoteRegex, Strength::kMedium, "(unclosed"));
  ExpectOneError(kb, "invalid regex");
  kb.families[0].rules.back().pattern = "a*";
  ExpectOneError(kb, "empty string");
}

TEST(LintTest, GenericEvidenceMustBeWeak) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules[0].pattern = ".LOCKED";
  ExpectOneError(kb, "generic extension '.LOCKED' must be marked weak");
  kb.families[0].rules[0].strength = Strength::kWeak;
  EXPECT_THAT(Lint(kb), IsEmpty());
  kb.families[0].rules.push_back(
      MakeRule("note", RuleKind::kNoteName, Strength::kMedium, "README.txt"));
  ExpectOneError(kb, "generic note name");
}

TEST(LintTest, ExtensionWithoutDot) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules[0].pattern = "akira";
  ExpectOneError(kb, "starts with '.'");
}

// A Phobos-like footer layout: no marker bytes, two fields.
Rule FooterLayout() {
  Rule rule = MakeRule("layout", RuleKind::kFileMarker, Strength::kStrong, "");
  rule.anchor = Anchor::kEnd;
  rule.offset = 178;
  rule.min_engine = "1.1";
  FileField magic;
  magic.at = 4;
  magic.type = FieldType::kLe32;
  magic.values = {0xAF77BC0F, 0xF0A75E12};
  magic.where = {"kb/layout", 12};
  FileField length = magic;
  length.at = 168;
  length.values.clear();
  length.min = FieldBound{false, 178, 0};
  length.max = FieldBound{true, 0, 0};
  length.where = {"kb/layout", 15};
  rule.fields = {magic, length};
  return rule;
}

TEST(LintTest, FieldsAreChecked) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules.push_back(FooterLayout());
  EXPECT_THAT(Lint(kb), IsEmpty());
  // Each mistake on its own, at the field's line where it is the field's.
  Family& family = kb.families[0];
  family.rules[1].min_engine.clear();
  ExpectOneError(kb, "needs min_engine \"1.1\"");
  family.rules[1].min_engine = "1.0";
  ExpectOneError(kb, "needs min_engine");
  family.rules[1] = FooterLayout();
  family.rules[1].anchor = Anchor::kTail;
  EXPECT_THAT(Lint(kb), Contains(Field(&Diagnostic::message,
                                       HasSubstr("anchor start or end"))));
  family.rules[1] = FooterLayout();
  family.rules[1].fields[0].values = {0x1FFFFFFFFull};
  ExpectOneError(kb, "does not fit in le32");
  EXPECT_EQ(Lint(kb)[0].where.line, 12);
  family.rules[1] = FooterLayout();
  family.rules[1].fields[0].values.clear();
  ExpectOneError(kb, "checks nothing");
  family.rules[1] = FooterLayout();
  family.rules[1].fields[1].max = FieldBound{false, 100, 0};
  ExpectOneError(kb, "min is above max");
  family.rules[1] = FooterLayout();
  family.rules[1].fields[1].at = 176;  // 2 bytes before the end: too short.
  ExpectOneError(kb, "outside the file's last");
  family.rules[1].fields[1].at = -70000;
  ExpectOneError(kb, "outside the file's last");
  family.rules[1] = FooterLayout();
  family.rules[1].anchor = Anchor::kStart;
  family.rules[1].offset = 0;
  family.rules[1].fields[1].at = -1;
  ExpectOneError(kb, "outside the file's first");
  family.rules[1] = FooterLayout();
  family.rules[1].offset = 0;
  EXPECT_THAT(Lint(kb),
              Contains(Field(&Diagnostic::message,
                             HasSubstr("needs its size as 'offset'"))));
}

TEST(LintTest, MarkerAndSizeRelation) {
  KnowledgeBase kb = CleanKb();
  Rule marker = MakeRule("m", RuleKind::kFileMarker, Strength::kStrong, "");
  kb.families[0].rules.push_back(marker);
  ExpectOneError(kb, "empty marker");
  kb = CleanKb();
  Rule size = MakeRule("s", RuleKind::kSizeRelation, Strength::kWeak, "");
  kb.families[0].rules.push_back(size);
  ExpectOneError(kb, "modulus must be positive");
  kb.families[0].rules.back().modulus = 16;
  kb.families[0].rules.back().remainder = 16;
  ExpectOneError(kb, "remainder must be below");
}

TEST(LintTest, RelatedFamilies) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].related = {"nobody"};
  ExpectOneError(kb, "related family 'nobody' is not in the KB");
  kb.families[0].related = {"akira"};
  ExpectOneError(kb, "related to itself");
  kb.families[0].related = {"conti"};
  EXPECT_THAT(Lint(kb), IsEmpty());
}

TEST(LintTest, ReferenceNoteMustBeInTheKb) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].reference_notes = {"notes/akira/a.txt"};
  ExpectOneError(kb, "reference note 'notes/akira/a.txt'");
  kb.note_texts["notes/akira/a.txt"] = Bytes{'h', 'i'};
  EXPECT_THAT(Lint(kb), IsEmpty());
}

TEST(LintTest, RecoveryConsistency) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].recovery.decryptor = "akira";
  kb.families[0].recovery.sources = {{"curated", "x"}};
  kb.families[0].recovery.possible = RecoveryPossible::kNo;
  ExpectOneError(kb, "'possible' is no");
  // A decryptor that cannot recover files yet (Chimera's key matching).
  kb.families[0].recovery.possible = RecoveryPossible::kUnknown;
  EXPECT_THAT(Lint(kb), IsEmpty());
  kb.families[0].recovery.possible = RecoveryPossible::kYes;
  kb.families[0].recovery.sources.clear();
  ExpectOneError(kb, "recovery has no source");
}

TEST(LintTest, DecryptorsAreCheckedAgainstTheBuildsList) {
  KnowledgeBase kb = CleanKb();
  Recovery& recovery = kb.families[0].recovery;
  recovery.possible = RecoveryPossible::kYes;
  recovery.decryptor = "akira";
  recovery.strategy = "hard-coded-key";
  recovery.sources = {{"curated", "x"}};
  LintOptions options;
  options.decryptors = {{"akira", "akira", "hard-coded-key"},
                        {"conti", "conti", "seed-search"}};
  EXPECT_THAT(Lint(kb, options), IsEmpty());
  // Without the build's list the library cannot tell.
  recovery.decryptor = "akria";
  EXPECT_THAT(Lint(kb), IsEmpty());

  std::vector<Diagnostic> unknown = Lint(kb, options);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(unknown[0].message,
              HasSubstr("decryptor 'akria', which this build does not have"));
  EXPECT_THAT(unknown[0].message, HasSubstr("decryptors: akira, conti"));
  EXPECT_EQ(unknown[0].where.file, "kb/akira.yaml");
  EXPECT_EQ(unknown[0].where.line, 1);
  // One specified but still to come says so, and is then no error...
  recovery.planned = true;
  EXPECT_THAT(Lint(kb, options), IsEmpty());
  // ...until the build has it.
  recovery.decryptor = "akira";
  std::vector<Diagnostic> built = Lint(kb, options);
  ASSERT_EQ(built.size(), 1u);
  EXPECT_EQ(built[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(built[0].message, HasSubstr("drop 'planned'"));
  recovery.planned = false;

  recovery.decryptor = "conti";
  recovery.strategy = "seed-search";
  std::vector<Diagnostic> other = Lint(kb, options);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(other[0].message, HasSubstr("which is for family 'conti'"));
  EXPECT_EQ(other[0].where.file, "kb/akira.yaml");

  recovery.decryptor = "akira";
  std::vector<Diagnostic> strategy = Lint(kb, options);
  ASSERT_EQ(strategy.size(), 1u);
  EXPECT_EQ(strategy[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(strategy[0].message,
              HasSubstr("strategy 'seed-search', but the decryptor's "
                        "strategy is 'hard-coded-key'"));
}

TEST(LintTest, FixturesRequiredForFamiliesWithRules) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].fixtures.pop_back();
  ExpectOneError(kb, "not both a positive and a negative fixture");
  kb.families[0].fixtures.push_back(Fixture{});
  kb.families[0].fixtures.back().positive = false;
  ExpectOneError(kb, "fixture has no input");
  kb = CleanKb();
  kb.families[0].rules.clear();
  kb.families[0].fixtures.clear();
  EXPECT_THAT(Lint(kb), IsEmpty());  // No rules, nothing to test.
}

TEST(LintTest, AllowAndDisableLists) {
  KnowledgeBase kb = CleanKb();
  kb.allow_list.push_back({RuleKind::kExtension, ".bak", false, "", {}});
  ExpectOneError(kb, "allow entry has no reason");
  kb.allow_list.back().reason = "backups";
  kb.allow_list.back().is_regex = true;
  kb.allow_list.back().pattern = "[";
  ExpectOneError(kb, "invalid regex");
  kb = CleanKb();
  kb.disabled = {"nobody/ext"};
  ExpectOneError(kb, "names no family");
}

TEST(LintTest, AFamilyContactOnTheAllowListIsAnError) {
  KnowledgeBase kb = CleanKb();
  kb.allow_contacts.push_back({"", "example.com", "RFC 2606", {}});
  EXPECT_THAT(Lint(kb), IsEmpty());
  kb.families[0].contacts.push_back(
      {ContactKind::kEmail, "pay@example.com", {{"curated", "test"}}, {}});
  ExpectOneError(kb, "contact 'pay@example.com' is on the allow list");
  kb.families[0].contacts.clear();
  kb.allow_contacts[0].reason.clear();
  ExpectOneError(kb, "allowed contact has no reason");
}

TEST(LintTest, RuleForANewerEngineIsAWarning) {
  KnowledgeBase kb = CleanKb();
  kb.families[0].rules[0].min_engine = "99.0";
  std::vector<Diagnostic> problems = Lint(kb);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, Diagnostic::Severity::kWarning);
}

}  // namespace
}  // namespace kintsugi::kb
