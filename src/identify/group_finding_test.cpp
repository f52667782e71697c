// Groups of families that share a note template (kb/groups.yaml, issue 15):
// the template alone never identifies a member, evidence of one member's own
// does, and the report names the group and the member it favours.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "kintsugi/identify.h"

namespace kintsugi::identify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kTemplate =
    "All of your files are currently encrypted by our strain. The only "
    "method of recovering files is to purchase the decrypt tool and unique "
    "key for you. Download Tor Browser and open our chat page, enter the "
    "key below to contact our support team. Do not rename the files, do not "
    "use third party software, do not contact the police.\n";

// The same template as a victim meets it, with this victim's key.
constexpr std::string_view kVictimNote =
    "All of your files are currently encrypted by our strain. The only "
    "method of recovering files is to purchase the decrypt tool and unique "
    "key for you. Download Tor Browser and open our chat page, enter the "
    "key below to contact our support team. Do not rename the files, do not "
    "use third party software, do not contact the police.\n"
    "Your key: 8f1d2c3b4a59687766554433221100ffeeddccbbaa\n";

kb::Rule Extension(std::string id, std::string pattern) {
  kb::Rule rule;
  rule.id = std::move(id);
  rule.kind = kb::RuleKind::kExtension;
  rule.pattern = std::move(pattern);
  rule.strength = kb::Strength::kStrong;
  rule.where = {"kb/test.yaml", 1};
  return rule;
}

// Three families whose reference note is one template; Monti has an
// extension of its own. `grouped`: kb/groups.yaml puts them in one group.
kb::KnowledgeBase TemplateKb(bool grouped) {
  kb::KnowledgeBase kb;
  for (const std::string id : {"conti", "monti", "zeon"}) {
    kb::Family family;
    family.id = id;
    family.name = id == "conti" ? "Conti" : id == "monti" ? "Monti" : "Zeon";
    family.reference_notes = {"notes/" + id + "/readme.txt"};
    kb.note_texts.emplace(family.reference_notes[0],
                          ByteView::FromString(kTemplate).ToBytes());
    kb.families.push_back(family);
  }
  kb.families[1].rules = {Extension("ext-monti", ".monti")};
  if (grouped) {
    kb::Group group;
    group.id = "conti-template";
    group.name = "Conti's template";
    group.kind = "builder";
    group.members = {"conti", "monti", "zeon"};
    group.shares = "one note template";
    kb.groups.push_back(group);
  }
  return kb;
}

Report IdentifyWith(bool grouped, bool with_monti_file) {
  auto compiled = Compile(TemplateKb(grouped));
  EXPECT_TRUE(compiled.has_value());
  if (!compiled.has_value()) return {};
  std::vector<Input> inputs(1);
  inputs[0].kind = InputKind::kNote;
  inputs[0].source = inputs[0].file_name = "README.txt";
  inputs[0].content = ByteView::FromString(kVictimNote).ToBytes();
  inputs[0].size = inputs[0].content.size();
  if (with_monti_file) inputs.push_back(FileNameInput("report.docx.monti"));
  return (*compiled)->Identify(inputs);
}

TEST(GroupFindingTest, TheTemplateAloneNamesTheGroupAndNoMember) {
  const Report report = IdentifyWith(/*grouped=*/true, false);
  EXPECT_EQ(report.verdict, Verdict::kAmbiguous);
  ASSERT_TRUE(report.group.has_value());
  EXPECT_EQ(report.group->id, "conti-template");
  EXPECT_EQ(report.group->kind, "builder");
  EXPECT_THAT(report.group->candidates,
              UnorderedElementsAre("conti", "monti", "zeon"));
  EXPECT_EQ(report.group->favoured, "");
  EXPECT_THAT(report.group->separating, IsEmpty());
  EXPECT_THAT(report.group->member_names,
              ElementsAre("Conti", "Monti", "Zeon"));
  const auto why = ExplainGroup(report);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->id, MessageId::kVerdictGroupUndecided);
}

TEST(GroupFindingTest, OneMembersOwnEvidenceIsFavouredAndIdentifies) {
  const Report report = IdentifyWith(/*grouped=*/true, true);
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "monti");
  EXPECT_EQ(report.verdict, Verdict::kIdentified);
  ASSERT_TRUE(report.group.has_value());
  EXPECT_EQ(report.group->favoured, "monti");
  ASSERT_EQ(report.group->separating.size(), 1u);
  EXPECT_EQ(report.group->separating[0].kind, EvidenceKind::kExtension);
  const auto why = ExplainGroup(report);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->id, MessageId::kVerdictGroupFavours);
  EXPECT_THAT(RenderEnglish(*why), ::testing::HasSubstr("points to Monti"));
}

TEST(GroupFindingTest, WithoutTheGroupTheSameEvidenceStaysAmbiguous) {
  // The siblings' likeness to the template is as close as Monti's: only
  // knowing that it is a shared template lets the extension decide.
  const Report report = IdentifyWith(/*grouped=*/false, true);
  EXPECT_EQ(report.verdict, Verdict::kAmbiguous);
  EXPECT_FALSE(report.group.has_value());
  EXPECT_FALSE(ExplainGroup(report).has_value());
}

TEST(GroupFindingTest, ANearIdenticalNoteIdentifiesAloneOnlyOutsideAGroup) {
  // One family alone with the template: a near-identical note identifies
  // it. The same family in a group: the template names the group only.
  for (const bool grouped : {false, true}) {
    kb::KnowledgeBase kb = TemplateKb(grouped);
    kb.families.resize(1);  // Conti alone is a candidate.
    kb.families.push_back(TemplateKb(false).families[1]);
    kb.families.back().reference_notes.clear();
    kb.families.back().rules = {Extension("ext-monti", ".monti")};
    auto compiled = Compile(kb);
    ASSERT_TRUE(compiled.has_value());
    Input note;
    note.kind = InputKind::kNote;
    note.source = note.file_name = "README.txt";
    note.content = ByteView::FromString(kVictimNote).ToBytes();
    note.size = note.content.size();
    const Report report = (*compiled)->Identify({&note, 1});
    ASSERT_FALSE(report.candidates.empty());
    EXPECT_EQ(report.candidates[0].family, "conti");
    EXPECT_EQ(report.verdict,
              grouped ? Verdict::kAmbiguous : Verdict::kIdentified)
        << (grouped ? "grouped" : "alone");
  }
}

TEST(GroupFindingTest, TheBuiltInKbGroupsMontiWithConti) {
  // kb/groups.yaml through the precompiled built-in KB.
  ASSERT_OK_AND_ASSIGN(const auto kb, CompileBuiltInKb());
  Input note;
  note.kind = InputKind::kNote;
  note.source = note.file_name = "readme.txt";
  note.content = ByteView::FromString(
                     "All of your files are currently encrypted by MONTI "
                     "strain. If you don't know who we are - just \"google "
                     "it.\"\nWrite to our support in the Tor chat to get "
                     "them back.\n")
                     .ToBytes();
  note.size = note.content.size();
  const Report report = kb->Identify({&note, 1});
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "monti");
  ASSERT_TRUE(report.group.has_value());
  EXPECT_EQ(report.group->id, "conti-template");
  EXPECT_THAT(report.group->members,
              ::testing::IsSupersetOf({"conti", "monti", "zeon"}));
  EXPECT_EQ(report.group->favoured, "monti");
}

}  // namespace
}  // namespace kintsugi::identify
