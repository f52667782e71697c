// What an export carries (docs/exports.md): the families asked for and no
// others, a clear error for a family the KB does not have, and output that
// depends on nothing but the KB and `created` (the same bytes twice, and
// whatever order the KB lists its families in).

#include "kb_export/selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/testing/status_matchers.h"
#include "kb_export/testing.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

using internal::IndicatorKind;
using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Document(const kb::KnowledgeBase& kb, Format format,
                     std::vector<std::string> families = {},
                     std::int64_t created = kDefaultCreatedMs) {
  ExportOptions options;
  options.format = format;
  options.families = std::move(families);
  options.created_ms = created;
  auto exported = ExportKnowledgeBase(kb, options);
  EXPECT_THAT(exported, IsOk());
  return exported ? exported->document : std::string();
}

std::vector<std::string> MalwareNames(const std::string& document) {
  std::vector<std::string> names;
  const Json bundle = Json::parse(document);
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "malware") names.push_back(object["name"]);
  }
  return names;
}

TEST(SelectionTest, TheSmallKbGivesItsLiteralIndicators) {
  const kb::KnowledgeBase kb = testing::SmallKb();
  auto selection = internal::Select(kb, {});
  ASSERT_THAT(selection, IsOk());
  ASSERT_EQ(selection->families.size(), 2u);
  EXPECT_EQ(selection->families[0].family->id, "alpha");
  EXPECT_EQ(selection->families[1].family->id, "zeta");
  std::vector<std::string> zeta;
  for (const auto& indicator : selection->families[1].indicators) {
    zeta.push_back(indicator.value);
  }
  EXPECT_THAT(zeta, ElementsAre(".50%_off", ".locked", ".zeta",
                                "ZETA_README.txt", "zeta@example.net",
                                "zetaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                "xxxxxxxxxxx.onion",
                                "zeta.example.com", "zeta.example.com/pay",
                                "1ZetaZetaZetaZetaZetaZetaZetaZeta", "4Zeta",
                                std::string(76, 'a'), "t.me/zeta"));
  // The two regex rules; the .BAK extension and the donation address.
  EXPECT_EQ(selection->skipped_regex_rules, 2u);
  EXPECT_EQ(selection->allow_listed, 2u);
  EXPECT_THAT(selection->datasets,
              ElementsAre("curated", "misp-galaxy", "rivitna-attackers"));
}

TEST(SelectionTest, FamiliesAreChosenByIdNameOrAlias) {
  const kb::KnowledgeBase kb = testing::SmallKb();
  EXPECT_THAT(MalwareNames(Document(kb, Format::kStix, {"zeta"})),
              ElementsAre("Zeta"));
  EXPECT_THAT(MalwareNames(Document(kb, Format::kStix, {"zetacrypt"})),
              ElementsAre("Zeta"));
  // Twice, and in any order: each once, by id.
  EXPECT_THAT(
      MalwareNames(Document(kb, Format::kStix, {"Zeta", "alpha", "zeta"})),
      ElementsAre("Alpha 'Quoted' \\ Ünïcødé", "Zeta"));
  const Json misp = Json::parse(Document(kb, Format::kMispGalaxy, {"alpha"}));
  ASSERT_EQ(misp["values"].size(), 1u);
  EXPECT_EQ(misp["values"][0]["meta"]["kintsugi-id"], "alpha");
}

TEST(SelectionTest, OneFamilyExportHasOnlyThatFamilysIndicators) {
  const std::string stix =
      Document(testing::SmallKb(), Format::kStix, {"alpha"});
  EXPECT_THAT(stix, HasSubstr("it\\\\'s"));
  EXPECT_THAT(stix, Not(HasSubstr("zeta@example.net")));
  EXPECT_THAT(stix, Not(HasSubstr("ZETA_README")));
}

TEST(SelectionTest, AnUnknownFamilyIsNotFoundByItsName) {
  ExportOptions options;
  options.families = {"zeta", "no-such-family"};
  auto exported = ExportKnowledgeBase(testing::SmallKb(), options);
  ASSERT_THAT(exported, StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(exported.error().message(), "no-such-family");
}

TEST(SelectionTest, ADisabledFamilyIsRefusedWhenAskedFor) {
  ExportOptions options;
  options.families = {"gone"};
  auto exported = ExportKnowledgeBase(testing::SmallKb(), options);
  ASSERT_THAT(exported, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(exported.error().message(), "gone");
}

TEST(SelectionTest, ExportsAreByteIdenticalAndIndependentOfKbOrder) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_THAT(kb, IsOk());
  kb::KnowledgeBase reversed = *kb;
  std::reverse(reversed.families.begin(), reversed.families.end());
  for (Format format : {Format::kStix, Format::kMispGalaxy}) {
    const std::string first = Document(*kb, format);
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first, Document(*kb, format)) << FormatName(format);
    EXPECT_EQ(first, Document(reversed, format)) << FormatName(format);
    // The time is the only input besides the KB.
    EXPECT_NE(first, Document(*kb, format, {}, kDefaultCreatedMs + 1000))
        << FormatName(format);
  }
}

TEST(SelectionTest, IdsDoNotDependOnWhichFamiliesAreExported) {
  const kb::KnowledgeBase kb = testing::SmallKb();
  const Json all = Json::parse(Document(kb, Format::kStix));
  const Json one = Json::parse(Document(kb, Format::kStix, {"zeta"}));
  std::set<std::string> all_ids;
  for (const Json& object : all["objects"]) all_ids.insert(object["id"]);
  for (const Json& object : one["objects"]) {
    if (object["type"] == "marking-definition") continue;  // Its text varies.
    EXPECT_TRUE(all_ids.contains(object["id"])) << object.dump();
  }
}

TEST(SelectionTest, FormatNamesRoundTrip) {
  for (Format format : {Format::kStix, Format::kMispGalaxy}) {
    EXPECT_EQ(FormatNamed(FormatName(format)), format);
  }
  EXPECT_EQ(FormatNamed("STIX"), std::nullopt);
  EXPECT_EQ(FormatNamed("misp"), std::nullopt);
}

TEST(SelectionTest, FirstAndLastSeenCoverTheWholePeriod) {
  using internal::PeriodBound;
  EXPECT_EQ(PeriodBound("2018", false), 1'514'764'800'000);
  EXPECT_EQ(FormatTimestamp(*PeriodBound("2018", true)),
            "2018-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(*PeriodBound("2020-02", false)),
            "2020-02-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(*PeriodBound("2020-02", true)),
            "2020-02-29T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(*PeriodBound("2019-12", true)),
            "2019-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(*PeriodBound("2019-06-15", true)),
            "2019-06-15T23:59:59.999Z");
  for (std::string_view bad : {"", "18", "2018-2", "late 2017", "2018-13"}) {
    EXPECT_EQ(PeriodBound(bad, false), std::nullopt) << bad;
    EXPECT_EQ(PeriodBound(bad, true), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace kintsugi::kb_export
