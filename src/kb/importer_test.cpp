// The importer on a tiny synthetic source tree (docs/kb-format.md §10):
// generic extensions are weak, free text is dropped, aliases merge, notes
// give phrases and contacts, and the output is deterministic and lints clean.

#include "kb/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/kb.h"
#include "kintsugi/limits.h"

namespace kintsugi::kb {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;

constexpr std::string_view kMisp = R"({"values": [
 {"value": "Foo Ransomware", "uuid": "0001",
  "meta": {"synonyms": ["FooCrypt"],
           "extensions": [".foo", ".locked", "RANDOM 3 LETTERS ARE ADDED",
                          ".[random].foobar"],
           "ransomnotes-filenames": ["FOO_README.txt", "readme.txt"],
           "date": "March 2017"}},
 {"value": "FooCrypt", "uuid": "0002",
  "meta": {"extensions": [".foocrypt"]}},
 {"value": "Bar", "uuid": "0003", "meta": {"extensions": [".bar"]}}
]})";

constexpr std::string_view kNote =
    "All of your files have been encrypted by the mighty bar team\n"
    "To get them back write to barbackup@onionmail.org right now\n"
    "Do not rename encrypted files or you will lose them forever\n";

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(fs_.AddFile("/src/misp-galaxy/clusters/ransomware.json",
                            ByteView::FromString(kMisp)),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/src/threatlabz-notes/bar/bar1.txt",
                            ByteView::FromString(kNote)),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/src/threatlabz-notes/newgroup/HOW_TO_NEW.txt",
                            ByteView::FromString("Your network was hit by "
                                                 "the newgroup operators "
                                                 "today\n")),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/src/rivitna-attackers/Bar/attackers.txt",
                            ByteView::FromString(
                                "TOX: " + std::string(76, 'A') + "\n")),
                IsOk());
    options_.sources = "/src";
    options_.out = "/kb";
    // The shipped curated facts, as `kintsugi kb import` applies them.
    const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
    ASSERT_NE(root, nullptr) << "KINTSUGI_SOURCE_ROOT is not set";
    const Path curated = Path(root) / "kb-curated";
    ASSERT_OK_AND_ASSIGN(auto entries, RealFileSystem().ListDir(curated));
    for (const auto& entry : entries) {
      ASSERT_OK_AND_ASSIGN(Bytes bytes,
                           ReadWholeFile(RealFileSystem(), curated / entry.name,
                                         limits::kMaxKbFileBytes));
      ASSERT_THAT(fs_.AddFile("/curated/" + entry.name, bytes), IsOk());
    }
    options_.curated = "/curated";
    // Curation that only amends a family (a rebrand) creates none.
    ASSERT_OK_AND_ASSIGN(auto facts, import::ReadCurated(fs_, "/curated"));
    for (const Family& family : facts) {
      if (!family.rules.empty() || !family.recovery.sources.empty()) {
        ++curated_families_;
      }
    }
    // At least the 8 recoverable families of recovery-schemes.md §3.
    ASSERT_GE(curated_families_, 8u);
  }

  io::MemoryFileSystem fs_;
  ImportOptions options_;
  std::size_t curated_families_ = 0;  // Families the curated facts make.
};

const Rule* FindRule(const Family& family, std::string_view pattern) {
  for (const auto& rule : family.rules) {
    if (rule.pattern == pattern) return &rule;
  }
  return nullptr;
}

TEST_F(ImporterTest, CleansExtensionsAndMergesAliases) {
  ImportReport report;
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb,
                       BuildKnowledgeBase(fs_, options_, &report));
  const Family* foo = FindFamily(kb, "foo");
  ASSERT_NE(foo, nullptr);
  EXPECT_EQ(foo->name, "Foo");
  EXPECT_EQ(foo->first_seen, "2017");
  // "FooCrypt" is a synonym of Foo: its MISP entry merges into Foo.
  EXPECT_EQ(FindFamily(kb, "foocrypt"), foo);
  // foo, bar, newgroup, and the curated families.
  EXPECT_EQ(kb.families.size(), 3u + curated_families_);
  EXPECT_THAT(foo->sources, IsSupersetOf({Field(&Source::entry, "0001"),
                                          Field(&Source::entry, "0002")}));
  ASSERT_NE(FindRule(*foo, ".foocrypt"), nullptr);
  // Generic extension: weak. Specific one: medium.
  ASSERT_NE(FindRule(*foo, ".locked"), nullptr);
  EXPECT_EQ(FindRule(*foo, ".locked")->strength, Strength::kWeak);
  EXPECT_EQ(FindRule(*foo, ".foo")->strength, Strength::kMedium);
  // Free text dropped; a placeholder pattern keeps its literal extension.
  EXPECT_EQ(FindRule(*foo, "RANDOM 3 LETTERS ARE ADDED"), nullptr);
  EXPECT_NE(FindRule(*foo, ".foobar"), nullptr);
  EXPECT_GE(report.dropped_extensions, 1u);
  // Generic note name: weak.
  EXPECT_EQ(FindRule(*foo, "readme.txt")->strength, Strength::kWeak);
  EXPECT_EQ(FindRule(*foo, "FOO_README.txt")->strength, Strength::kMedium);
}

TEST_F(ImporterTest, NotesGivePhrasesContactsAndNewFamilies) {
  ImportReport report;
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb,
                       BuildKnowledgeBase(fs_, options_, &report));
  const Family* bar = FindFamily(kb, "bar");
  ASSERT_NE(bar, nullptr);
  EXPECT_NE(FindRule(*bar,
                     "do not rename encrypted files or you will lose "
                     "them forever"),
            nullptr);
  // The collector's file name "bar1.txt" is not a note name.
  EXPECT_EQ(FindRule(*bar, "bar1.txt"), nullptr);
  EXPECT_THAT(bar->contacts,
              Contains(Field(&Contact::value, "barbackup@onionmail.org")));
  EXPECT_THAT(bar->contacts,
              Contains(Field(&Contact::kind, ContactKind::kTox)));
  EXPECT_THAT(bar->reference_notes, ElementsAre("notes/bar/bar1.txt"));
  EXPECT_THAT(report.new_families, ElementsAre("newgroup"));
  const Family* fresh = FindFamily(kb, "newgroup");
  ASSERT_NE(fresh, nullptr);
  EXPECT_NE(FindRule(*fresh, "HOW_TO_NEW.txt"), nullptr);
  EXPECT_THAT(Lint(kb), IsEmpty());
}

TEST_F(ImporterTest, WritesFilesThatLoadBackAndIsDeterministic) {
  ASSERT_OK_AND_ASSIGN(ImportReport report, ImportKnowledgeBase(fs_, options_));
  EXPECT_EQ(report.families, 3u + curated_families_);
  ASSERT_OK_AND_ASSIGN(Bytes first, fs_.Contents("/kb/foo.yaml"));
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadKnowledgeBase(fs_, "/kb"));
  EXPECT_EQ(kb.families.size(), 3u + curated_families_);
  EXPECT_THAT(Lint(kb), IsEmpty());
  ASSERT_OK_AND_ASSIGN(report, ImportKnowledgeBase(fs_, options_));
  ASSERT_OK_AND_ASSIGN(Bytes second, fs_.Contents("/kb/foo.yaml"));
  EXPECT_EQ(first, second);
}

TEST_F(ImporterTest, HoldOutKeepsOneNoteAside) {
  ASSERT_THAT(fs_.AddFile("/src/threatlabz-notes/bar/bar2.txt",
                          ByteView::FromString(kNote)),
              IsOk());
  options_.hold_out = "/held";
  ImportReport report;
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb,
                       BuildKnowledgeBase(fs_, options_, &report));
  EXPECT_EQ(report.held_out_notes, 1u);
  EXPECT_TRUE(fs_.Exists("/held/bar/bar2.txt"));
  EXPECT_THAT(FindFamily(kb, "bar")->reference_notes,
              ElementsAre("notes/bar/bar1.txt"));
}

TEST_F(ImporterTest, MalformedJsonIsCorrupt) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/src/misp-galaxy/clusters/ransomware.json",
                         ByteView::FromString("{\"values\": [")),
              IsOk());
  ImportReport report;
  EXPECT_THAT(BuildKnowledgeBase(fs, options_, &report),
              StatusIs(StatusCode::kCorrupt));
}

}  // namespace
}  // namespace kintsugi::kb
