// The MISP galaxy export (docs/exports.md "MISP galaxy"): the shape of
// misp-galaxy's clusters/ransomware.json, and a round trip through the
// project's own importer of that file (src/kb/import_misp.cpp): the
// built-in KB exported and read back gives the same families, names,
// references, extensions and note names, and contacts that the importer's
// contact reader recognises as the same kind and value.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kb/importer.h"
#include "kb_export/selection.h"
#include "kb_export/testing.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string ExportMisp(const kb::KnowledgeBase& kb) {
  ExportOptions options;
  options.format = Format::kMispGalaxy;
  auto exported = ExportKnowledgeBase(kb, options);
  EXPECT_THAT(exported, IsOk());
  return exported ? exported->document : std::string();
}

TEST(MispGalaxyTest, HasTheShapeOfAGalaxyClusterFile) {
  const Json cluster = Json::parse(ExportMisp(testing::SmallKb()));
  for (const char* key : {"authors", "category", "description", "name",
                          "source", "type", "uuid", "values", "version"}) {
    EXPECT_TRUE(cluster.contains(key)) << key;
  }
  EXPECT_THAT(ParseUuid(cluster["uuid"].get<std::string>()), IsOk());
  EXPECT_EQ(cluster["version"], kDefaultCreatedMs / 1000);
  EXPECT_EQ(cluster["authors"][0], "Kintsugi");
  ASSERT_EQ(cluster["values"].size(), 2u);
  // By value, as the MISP project orders its files.
  EXPECT_EQ(cluster["values"][0]["value"], "Alpha 'Quoted' \\ Ünïcødé");
  const Json& zeta = cluster["values"][1];
  EXPECT_EQ(zeta["value"], "Zeta");
  EXPECT_EQ(zeta["uuid"], internal::FamilyUuid("zeta").ToString());
  const Json& meta = zeta["meta"];
  EXPECT_THAT(meta["synonyms"], ElementsAre("ZetaCrypt"));
  EXPECT_THAT(meta["refs"],
              ElementsAre("https://example.org/zeta", "a book, page 12"));
  EXPECT_EQ(meta["date"], "2019-02");
  EXPECT_THAT(meta["extensions"], ElementsAre(".50%_off", ".locked", ".zeta"));
  EXPECT_THAT(meta["ransomnotes-filenames"], ElementsAre("ZETA_README.txt"));
  EXPECT_THAT(meta["email"], ElementsAre("zeta@example.net"));
  EXPECT_THAT(meta["btc"], ElementsAre("1ZetaZetaZetaZetaZetaZetaZetaZeta"));
  EXPECT_THAT(meta["xmr"], ElementsAre("4Zeta"));
  EXPECT_THAT(meta["tox"], ElementsAre(std::string(76, 'a')));
  EXPECT_THAT(meta["telegram"], ElementsAre("t.me/zeta"));
  // Related families the KB has; one it does not have is left out.
  EXPECT_EQ(
      zeta["related"],
      (Json::array({{{"dest-uuid", internal::FamilyUuid("alpha").ToString()},
                     {"type", "similar"}}})));
}

// The exported families read back by the importer's MISP reader.
struct ReadBack {
  kb::import::Drafts drafts;
  kb::ImportReport report;
};

void ReadWithTheImporter(const std::string& document, ReadBack* back) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/src/misp-galaxy/clusters/ransomware.json",
                         ByteView::FromString(document)),
              IsOk());
  ASSERT_THAT(kb::import::ReadMisp(fs, "/src", back->drafts, &back->report),
              IsOk());
}

std::set<std::string> LowerSet(const std::vector<std::string>& list) {
  std::set<std::string> out;
  for (const std::string& s : list) out.insert(Lower(s));
  return out;
}

TEST(MispGalaxyTest, TheBuiltInKbRoundTripsThroughTheImporter) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_THAT(kb, IsOk());
  auto selection = internal::Select(*kb, {});
  ASSERT_THAT(selection, IsOk());
  ReadBack back;
  ReadWithTheImporter(ExportMisp(*kb), &back);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(back.report.merged_entries, 0u);
  EXPECT_EQ(back.drafts.all().size(), selection->families.size());

  std::size_t extensions = 0, notes = 0, contacts = 0;
  std::set<std::string> seen;
  for (const internal::FamilyIndicators& entry : selection->families) {
    const kb::Family& family = *entry.family;
    const std::string id = back.drafts.Lookup(family.name);
    ASSERT_FALSE(id.empty()) << family.id;
    EXPECT_TRUE(seen.insert(id).second)
        << family.id << " read back as " << id << ", as another family";
    kb::import::Draft& draft = back.drafts.For(id);
    // Names: the display name and every alias (the importer keeps aliases
    // of up to 80 characters).
    std::set<std::string> names = LowerSet(family.aliases);
    std::erase_if(names, [](const std::string& n) { return n.size() > 80; });
    names.insert(Lower(family.name));
    std::set<std::string> read = LowerSet(draft.family.aliases);
    read.insert(Lower(draft.family.name));
    EXPECT_EQ(read, names) << family.id;
    EXPECT_EQ(draft.family.references, family.references) << family.id;
    EXPECT_EQ(draft.family.first_seen, family.first_seen.substr(0, 4))
        << family.id;
    // Extensions and note names: each exactly the KB's.
    std::set<std::string> want_exts, want_notes, got_exts, got_notes;
    std::set<std::pair<kb::ContactKind, std::string>> got_contacts;
    for (const internal::Indicator& indicator : entry.indicators) {
      using internal::IndicatorKind;
      if (indicator.kind == IndicatorKind::kExtension) {
        want_exts.insert(Lower(indicator.value));
      } else if (indicator.kind == IndicatorKind::kNoteName) {
        want_notes.insert(Lower(indicator.value));
      } else {
        // The importer reads contacts out of text: each exported value must
        // read as itself (an address at an onion host also gives the host,
        // which is the importer's reading, not a second value).
        kb::import::Draft reader;
        kb::import::AddContacts(reader, indicator.value, {"test", ""});
        for (const auto& [key, sources] : reader.contacts) {
          const bool its_host = key.first == kb::ContactKind::kOnion &&
                                indicator.kind == IndicatorKind::kEmail &&
                                indicator.value.ends_with("@" + key.second);
          if (!its_host) got_contacts.insert(key);
        }
        ++contacts;
      }
    }
    for (const auto& [key, value] : draft.exts) got_exts.insert(key);
    for (const auto& [key, value] : draft.notes) got_notes.insert(key);
    EXPECT_EQ(got_exts, want_exts) << family.id;
    EXPECT_EQ(got_notes, want_notes) << family.id;
    extensions += want_exts.size();
    notes += want_notes.size();
    std::set<std::pair<kb::ContactKind, std::string>> want_contacts;
    for (const kb::Contact& contact : family.contacts) {
      if (kb::FindAllowedContact(kb->allow_contacts, contact.value) ==
          nullptr) {
        want_contacts.insert({contact.kind, contact.value});
      }
    }
    EXPECT_EQ(got_contacts, want_contacts) << family.id;
    // The contact keys themselves are not the importer's: it reads none.
    EXPECT_THAT(draft.contacts, IsEmpty()) << family.id;
  }
  // The round trip covered the KB's indicators, not a handful.
  EXPECT_GT(extensions, 500u);
  EXPECT_GT(notes, 300u);
  EXPECT_GT(contacts, 900u);
}

}  // namespace
}  // namespace kintsugi::kb_export
