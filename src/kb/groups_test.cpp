// kb/groups.yaml (docs/kb-format.md §7.1): parsed with file:line errors,
// linted against the families, and FindGroup.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/kb.h"

namespace kintsugi::kb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kFamily = R"(id: "%ID%"
name: "%ID%"
sources: ["curated:test"]
)";

constexpr std::string_view kGroups = R"(groups:
  - id: "conti-template"
    name: "Conti's template"
    kind: "builder"
    members: ["conti", "monti"]
    shares: "the note template"
    sources: ["curated:test"]
)";

Result<KnowledgeBase> LoadWithGroups(std::string_view groups) {
  io::MemoryFileSystem fs;
  for (const std::string id : {"conti", "monti", "zeon"}) {
    std::string text(kFamily);
    for (std::size_t at = text.find("%ID%"); at != std::string::npos;
         at = text.find("%ID%")) {
      text.replace(at, 4, id);
    }
    EXPECT_THAT(fs.AddFile("/kb/" + id + ".yaml", ByteView::FromString(text)),
                IsOk());
  }
  EXPECT_THAT(fs.AddFile("/kb/groups.yaml", ByteView::FromString(groups)),
              IsOk());
  return LoadKnowledgeBase(fs, "/kb");
}

TEST(GroupsTest, LoadsLintsCleanAndFindsTheGroupOfAMember) {
  ASSERT_OK_AND_ASSIGN(const KnowledgeBase kb, LoadWithGroups(kGroups));
  // groups.yaml is not a family file.
  EXPECT_EQ(kb.families.size(), 3u);
  ASSERT_EQ(kb.groups.size(), 1u);
  const Group& group = kb.groups[0];
  EXPECT_EQ(group.id, "conti-template");
  EXPECT_EQ(group.kind, "builder");
  EXPECT_THAT(group.members, ElementsAre("conti", "monti"));
  EXPECT_EQ(group.where.line, 2);
  EXPECT_THAT(Lint(kb), IsEmpty());
  ASSERT_NE(FindGroup(kb, "monti"), nullptr);
  EXPECT_EQ(FindGroup(kb, "monti")->id, "conti-template");
  EXPECT_EQ(FindGroup(kb, "zeon"), nullptr);
}

TEST(GroupsTest, MalformedGroupsAreCorruptWithTheirLine) {
  const struct {
    std::string_view text;
    std::string_view error;
  } cases[] = {
      {"groups:\n  - id: g\n    kind: cousins\n    members: [conti, monti]\n",
       "groups.yaml:2: group 'g': 'kind' must be one of"},
      {"groups:\n  - id: g\n    kind: rebrand\n    members: [conti]\n",
       "groups.yaml:2: group 'g' needs at least two members"},
      {"groups:\n  - kind: rebrand\n    members: [conti, monti]\n",
       "groups.yaml:2: group without an 'id'"},
      {"groups:\n  - id: g\n    colour: red\n", "unknown key 'colour'"},
      {"families: []\n", "unknown key 'families'"},
  };
  for (const auto& c : cases) {
    const auto kb = LoadWithGroups(c.text);
    ASSERT_FALSE(kb.has_value()) << c.text;
    EXPECT_EQ(kb.error().code(), StatusCode::kCorrupt);
    EXPECT_THAT(kb.error().message(), HasSubstr(std::string(c.error)))
        << c.text;
  }
}

TEST(GroupsTest, LintRefusesUnknownMembersSharedMembersAndMissingSources) {
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadWithGroups(kGroups));
  Group unknown = kb.groups[0];
  unknown.id = "other";
  unknown.members = {"zeon", "nobody"};
  unknown.sources.clear();
  unknown.shares.clear();
  Group shared = kb.groups[0];
  shared.id = "conti-template";  // Also a duplicate id.
  shared.members = {"zeon", "monti"};
  kb.groups.push_back(unknown);
  kb.groups.push_back(shared);
  std::vector<std::string> messages;
  for (const Diagnostic& d : Lint(kb)) messages.push_back(d.message);
  EXPECT_THAT(
      messages,
      ::testing::UnorderedElementsAre(
          "group 'other' has no source",
          "group 'other' does not say what is shared",
          "group 'other': member 'nobody' names no family",
          "duplicate group id 'conti-template'",
          "family 'zeon' is in groups 'other' and 'conti-template'",
          "family 'monti' is in groups 'conti-template' and 'conti-template'"));
}

}  // namespace
}  // namespace kintsugi::kb
