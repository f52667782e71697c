// The curated-facts reader (kb-curated/, docs/kb-format.md §10 step 8): the
// shipped files parse and reach their families with their rules; a
// malformed or unsourced file is refused with its file and line.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kb/importer.h"

namespace kintsugi::kb::import {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;

constexpr std::string_view kGood = R"(id: "demo"
name: "Demo"
references: ["https://example.org/demo-write-up"]
sources: ["curated:recovery-schemes.md 9.9"]
rules:
  - id: "ext-demo"
    kind: extension
    strength: strong
    pattern: ".demo"
    sources: ["curated:recovery-schemes.md 9.9"]
recovery:
  possible: yes
  decryptor: "demo"
  sources: ["curated:recovery-schemes.md 9.9"]
fixtures:
  - positive: true
    note_name: "DEMO_README.txt"
)";

MATCHER_P(CorruptWith, text,
          "is kCorrupt with a message containing " +
              ::testing::PrintToString(text)) {
  if (arg.ok() || arg.code() != StatusCode::kCorrupt) return false;
  return arg.message().find(text) != std::string::npos;
}

TEST(CuratedReaderTest, ParsesAFamilyDocument) {
  ASSERT_OK_AND_ASSIGN(Family family,
                       ParseCuratedFamily(kGood, "kb-curated/demo.yaml"));
  EXPECT_EQ(family.name, "Demo");
  ASSERT_EQ(family.rules.size(), 1u);
  EXPECT_EQ(family.rules[0].pattern, ".demo");
  EXPECT_EQ(family.recovery.decryptor, "demo");
}

TEST(CuratedReaderTest, MalformedYamlNamesFileAndLine) {
  const Status status =
      ParseCuratedFamily("id: \"demo\"\nrules: [\n", "kb-curated/demo.yaml")
          .status();
  EXPECT_THAT(status, CorruptWith("kb-curated/demo.yaml:"));
}

TEST(CuratedReaderTest, UnknownKeyNamesFileAndLine) {
  std::string text(kGood);
  text.replace(text.find("    strength"), 0, "    strenght: weak\n");
  EXPECT_THAT(ParseCuratedFamily(text, "kb-curated/demo.yaml").status(),
              CorruptWith("kb-curated/demo.yaml:8: unknown key 'strenght'"));
}

TEST(CuratedReaderTest, RuleWithoutSourceIsRefusedAtItsLine) {
  std::string text(kGood);
  const std::string rule_source =
      "    sources: [\"curated:recovery-schemes.md 9.9\"]\n";
  text.erase(text.find(rule_source), rule_source.size());
  EXPECT_THAT(ParseCuratedFamily(text, "kb-curated/demo.yaml").status(),
              CorruptWith("kb-curated/demo.yaml:6: curated rule 'ext-demo' "
                          "without sources"));
}

TEST(CuratedReaderTest, FileNameMustBeTheId) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/cur/other.yaml", ByteView::FromString(kGood)),
              IsOk());
  EXPECT_THAT(ReadCurated(fs, "/cur").status(),
              CorruptWith("/cur/other.yaml:1: id 'demo' is not the file name"));
}

TEST(CuratedReaderTest, FactsReachTheirFamily) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/cur/demo.yaml", ByteView::FromString(kGood)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(std::vector<Family> curated, ReadCurated(fs, "/cur"));
  Drafts drafts;
  Draft& imported = drafts.For("demo");
  imported.family.name = "Demo Ransomware";
  imported.exts[".demo"] = {".demo", {{"misp-galaxy", "0001"}}};
  ApplyCurated(curated, drafts);
  ImportReport report;
  const KnowledgeBase kb = BuildFamilies(drafts, &report);
  const Family* demo = FindFamily(kb, "demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->name, "Demo");
  EXPECT_THAT(demo->references, Contains("https://example.org/demo-write-up"));
  // The curated extension replaced the imported one: one rule, curated.
  EXPECT_EQ(demo->rules.size(), 1u);
  EXPECT_THAT(demo->rules,
              Contains(AllOf(Field(&Rule::id, "ext-demo"),
                             Field(&Rule::strength, Strength::kStrong))));
  EXPECT_EQ(demo->recovery.decryptor, "demo");
  ASSERT_FALSE(demo->fixtures.empty());
  EXPECT_EQ(demo->fixtures[0].note_name, "DEMO_README.txt");
}

TEST(CuratedReaderTest, FirstSeenTableDatesFamiliesWithItsSource) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/cur/first-seen.tsv",
                         ByteView::FromString(
                             "# id, date, source\n"
                             "demo\t2019-05\tVendor blog, 'Demo' (2019)\n")),
              IsOk());
  Drafts drafts;
  drafts.For("demo");
  ASSERT_THAT(ApplyFirstSeen(fs, "/cur", drafts), IsOk());
  const Family& demo = drafts.For("demo").family;
  EXPECT_EQ(demo.first_seen, "2019-05");
  EXPECT_THAT(demo.sources,
              Contains(AllOf(Field(&Source::dataset, "curated"),
                             Field(&Source::entry,
                                   "first seen: Vendor blog, 'Demo' (2019)"))));
  // No table: nothing to do. A family the import lacks is not created.
  Drafts none;
  EXPECT_THAT(ApplyFirstSeen(fs, "/elsewhere", none), IsOk());
  EXPECT_THAT(ApplyFirstSeen(fs, "/cur", none), IsOk());
  EXPECT_FALSE(none.Contains("demo"));

  for (const auto& [row, error] :
       std::vector<std::pair<std::string, std::string>>{
           {"demo\t2019-13\tx\n", ":1: date '2019-13' is not YYYY or YYYY-MM"},
           {"demo\t2019\n", ":1: expected: id, date and source"},
           {"demo\t2019\t\n", ":1: no source for 'demo'"}}) {
    ASSERT_THAT(fs.AddFile("/bad/first-seen.tsv", ByteView::FromString(row)),
                IsOk());
    EXPECT_THAT(ApplyFirstSeen(fs, "/bad", drafts),
                CorruptWith("/bad/first-seen.tsv" + error));
    ASSERT_THAT(fs.Remove("/bad/first-seen.tsv"), IsOk());
  }
}

TEST(CuratedReaderTest, ShippedFilesParse) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr) << "KINTSUGI_SOURCE_ROOT is not set";
  ASSERT_OK_AND_ASSIGN(
      std::vector<Family> curated,
      ReadCurated(RealFileSystem(), Path(root) / "kb-curated"));
  EXPECT_THAT(curated, Contains(Field(&Family::id, "stop-djvu")));
  EXPECT_GE(curated.size(), 8u);
}

}  // namespace
}  // namespace kintsugi::kb::import
