// The STIX 2.1 export against the rules of the specification it relies on
// (STIX Version 2.1, OASIS Standard, 10 June 2021): the required
// properties of each object type it emits, identifiers, timestamps,
// references that resolve, and pattern string literals escaped per the
// pattern grammar (§9), hostile values included. The checker is tested
// too: removing any required property from any type makes it fail.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kb_export/selection.h"
#include "kb_export/testing.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

using internal::EscapeStixString;
using internal::Indicator;
using internal::IndicatorKind;
using internal::StixPattern;
using Json = nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Required properties (§3.2 common properties, and each type's section).
const std::map<std::string, std::vector<std::string>>& Required() {
  static const std::map<std::string, std::vector<std::string>> required = {
      {"identity",
       {"type", "spec_version", "id", "created", "modified", "name"}},
      // §7.2.1: definition_type and definition when no extension defines
      // the marking; a marking definition has no `modified`.
      {"marking-definition",
       {"type", "spec_version", "id", "created", "definition_type",
        "definition"}},
      // §4.11: `name` is required when is_family is true.
      {"malware",
       {"type", "spec_version", "id", "created", "modified", "is_family",
        "name"}},
      // §4.7.
      {"indicator",
       {"type", "spec_version", "id", "created", "modified", "pattern",
        "pattern_type", "valid_from"}},
      // §5.1.
      {"relationship",
       {"type", "spec_version", "id", "created", "modified",
        "relationship_type", "source_ref", "target_ref"}},
  };
  return required;
}

bool IsTimestamp(const Json& value) {
  // §3.2: "created" and "modified" MUST be precise to the millisecond; we
  // write every timestamp so, in UTC ('Z'): YYYY-MM-DDTHH:MM:SS.sssZ.
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  const std::string_view form = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != form.size()) return false;
  for (std::size_t i = 0; i < form.size(); ++i) {
    const bool ok = form[i] == 'd' ? (text[i] >= '0' && text[i] <= '9')
                                   : text[i] == form[i];
    if (!ok) return false;
  }
  return ParseRfc3339(text).has_value();
}

// §2.9: type--UUID, lowercase, the UUID of the RFC 4122 variant.
bool IsIdentifier(const Json& value, const std::string& type) {
  if (!value.is_string()) return false;
  const std::string id = value.get<std::string>();
  const std::string prefix = type + "--";
  if (!id.starts_with(prefix)) return false;
  auto uuid = ParseUuid(id.substr(prefix.size()));
  return uuid.has_value() && uuid->ToString() == id.substr(prefix.size()) &&
         (uuid->bytes[8] >> 6) == 2;
}

// Every rule of the specification the export relies on that `bundle`
// breaks, one line each; empty when it keeps them all.
std::vector<std::string> StixProblems(const Json& bundle) {
  std::vector<std::string> problems;
  const auto problem = [&problems](const std::string& where,
                                   const std::string& what) {
    problems.push_back(where + ": " + what);
  };
  // §8: a bundle has type, id, and objects; no spec_version in 2.1.
  if (!bundle.is_object() || bundle.value("type", "") != "bundle") {
    return {"bundle: not a bundle"};
  }
  if (!IsIdentifier(bundle["id"], "bundle")) problem("bundle", "id");
  if (bundle.contains("spec_version")) problem("bundle", "spec_version");
  if (!bundle.contains("objects") || !bundle["objects"].is_array()) {
    problem("bundle", "objects");
    return problems;
  }
  std::map<std::string, std::string> type_of;
  for (const Json& object : bundle["objects"]) {
    if (object.contains("id") && object["id"].is_string() &&
        object.contains("type") && object["type"].is_string()) {
      const auto [it, inserted] = type_of.emplace(
          object["id"].get<std::string>(), object["type"].get<std::string>());
      if (!inserted) problem(it->first, "duplicate id");
    }
  }
  const auto refers_to = [&](const Json& ref, std::string_view type) {
    if (!ref.is_string()) return false;
    auto it = type_of.find(ref.get<std::string>());
    return it != type_of.end() && it->second == type;
  };
  for (const Json& object : bundle["objects"]) {
    const std::string type = object.value("type", "");
    const std::string where = object.value("id", type);
    auto required = Required().find(type);
    if (required == Required().end()) {
      problem(where, "type '" + type + "' is not one the export emits");
      continue;
    }
    for (const std::string& property : required->second) {
      if (!object.contains(property)) problem(where, "missing " + property);
    }
    if (object.value("spec_version", "") != "2.1") {
      problem(where, "spec_version");
    }
    if (object.contains("id") && !IsIdentifier(object["id"], type)) {
      problem(where, "id");
    }
    for (const char* stamp :
         {"created", "modified", "valid_from", "first_seen", "last_seen"}) {
      if (object.contains(stamp) && !IsTimestamp(object[stamp])) {
        problem(where, std::string(stamp) +
                           " is not a millisecond UTC "
                           "timestamp");
      }
    }
    if (object.contains("created") && object.contains("modified") &&
        object["modified"] < object["created"]) {
      problem(where, "modified before created");
    }
    if (object.contains("created_by_ref") &&
        !refers_to(object["created_by_ref"], "identity")) {
      problem(where, "created_by_ref");
    }
    for (const Json& ref : object.value("object_marking_refs", Json::array())) {
      if (!refers_to(ref, "marking-definition")) {
        problem(where, "object_marking_refs");
      }
    }
    for (const Json& ref : object.value("external_references", Json::array())) {
      // §2.5: source_name, and one of description, url, external_id.
      if (!ref.contains("source_name") ||
          (!ref.contains("url") && !ref.contains("description") &&
           !ref.contains("external_id"))) {
        problem(where, "external_reference");
      }
    }
    if (type == "malware") {
      if (object.value("is_family", false) != true) problem(where, "is_family");
      if (object.contains("first_seen") && object.contains("last_seen") &&
          object["last_seen"] < object["first_seen"]) {
        problem(where, "last_seen before first_seen");
      }
    }
    if (type == "indicator") {
      if (object.value("pattern_type", "") != "stix") {
        problem(where, "pattern_type");
      }
      const std::string pattern = object.value("pattern", "");
      if (!pattern.starts_with("[") || !pattern.ends_with("]")) {
        problem(where, "pattern is not an observation expression");
      }
      if (object.contains("confidence") &&
          (!object["confidence"].is_number_integer() ||
           object["confidence"] < 0 || object["confidence"] > 100)) {
        problem(where, "confidence");
      }
    }
    if (type == "relationship") {
      if (object.value("relationship_type", "") != "indicates" ||
          !refers_to(object.value("source_ref", Json()), "indicator") ||
          !refers_to(object.value("target_ref", Json()), "malware")) {
        problem(where, "not an indicator indicating a malware");
      }
    }
  }
  return problems;
}

Json ExportStix(const kb::KnowledgeBase& kb, ExportOptions options = {}) {
  options.format = Format::kStix;
  auto exported = ExportKnowledgeBase(kb, options);
  EXPECT_THAT(exported, IsOk());
  if (!exported) return Json();
  return Json::parse(exported->document);
}

// The string literals of a STIX pattern, unescaped (§9: inside '...',
// only \' and \\ are escapes); ADD_FAILURE on anything else, such as a
// quote that ends a literal early and leaves text the grammar rejects.
std::vector<std::string> Literals(const std::string& pattern) {
  std::vector<std::string> literals;
  std::string outside;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\'') {
      outside += pattern[i];
      continue;
    }
    std::string literal;
    bool closed = false;
    for (++i; i < pattern.size(); ++i) {
      if (pattern[i] == '\\') {
        if (i + 1 >= pattern.size() ||
            (pattern[i + 1] != '\'' && pattern[i + 1] != '\\')) {
          ADD_FAILURE() << "bad escape in " << pattern;
          return {};
        }
        literal += pattern[++i];
      } else if (pattern[i] == '\'') {
        closed = true;
        break;
      } else {
        literal += pattern[i];
      }
    }
    if (!closed) ADD_FAILURE() << "unclosed literal in " << pattern;
    literals.push_back(literal);
    outside += "''";
  }
  EXPECT_THAT(outside,
              ::testing::MatchesRegex(
                  R"(\[([a-z0-9-]+:[a-z_]+ (=|LIKE|MATCHES) '' ?(OR )?)+\])"))
      << pattern;
  return literals;
}

TEST(StixTest, EscapesQuotesAndBackslashesOnly) {
  EXPECT_EQ(EscapeStixString("plain.txt"), "plain.txt");
  EXPECT_EQ(EscapeStixString("it's"), "it\\'s");
  EXPECT_EQ(EscapeStixString("a\\b"), "a\\\\b");
  EXPECT_EQ(EscapeStixString("\\'"), "\\\\\\'");
  EXPECT_EQ(EscapeStixString("ПРОЧТИ.txt"), "ПРОЧТИ.txt");
  EXPECT_EQ(EscapeStixString(""), "");
}

TEST(StixTest, HostileValuesComeBackFromTheirPatterns) {
  for (const std::string& value :
       {std::string("it's"), std::string("back\\slash"), std::string("\\'"),
        std::string("'] OR [file:name = 'x"), std::string("ПРОЧТИ'МЕНЯ.txt"),
        std::string("emoji-\xF0\x9F\x94\x92.txt"), std::string("\\"),
        std::string("'")}) {
    const auto note = StixPattern({IndicatorKind::kNoteName, value});
    ASSERT_TRUE(note.has_value());
    EXPECT_THAT(Literals(*note), ElementsAre(value)) << *note;
    const auto mail = StixPattern({IndicatorKind::kEmail, value});
    ASSERT_TRUE(mail.has_value());
    EXPECT_THAT(Literals(*mail), ElementsAre(value)) << *mail;
    const auto ext = StixPattern({IndicatorKind::kExtension, "." + value});
    ASSERT_TRUE(ext.has_value());
    EXPECT_THAT(Literals(*ext), ElementsAre("%." + value)) << *ext;
  }
}

TEST(StixTest, PatternsForEachKind) {
  EXPECT_EQ(StixPattern({IndicatorKind::kExtension, ".eking"}),
            "[file:name LIKE '%.eking']");
  EXPECT_EQ(StixPattern({IndicatorKind::kNoteName, "_readme.txt"}),
            "[file:name = '_readme.txt']");
  EXPECT_EQ(StixPattern({IndicatorKind::kEmail, "a@b.cc"}),
            "[email-addr:value = 'a@b.cc']");
  EXPECT_EQ(StixPattern({IndicatorKind::kOnion, "abc.onion"}),
            "[domain-name:value = 'abc.onion']");
  EXPECT_EQ(StixPattern({IndicatorKind::kUrl, "pay.example.com"}),
            "[domain-name:value = 'pay.example.com']");
  EXPECT_EQ(StixPattern({IndicatorKind::kUrl, "pay.example.com/x"}),
            "[url:value = 'http://pay.example.com/x' OR "
            "url:value = 'https://pay.example.com/x']");
  EXPECT_EQ(StixPattern({IndicatorKind::kBitcoin, "1Boat"}),
            "[x-crypto-wallet:value = '1Boat']");
  EXPECT_EQ(StixPattern({IndicatorKind::kMonero, "4Abc"}),
            "[x-crypto-wallet:value = '4Abc']");
  EXPECT_EQ(StixPattern({IndicatorKind::kTox, "ab"}), std::nullopt);
  EXPECT_EQ(StixPattern({IndicatorKind::kTelegram, "t.me/x"}), std::nullopt);
  EXPECT_EQ(StixPattern({IndicatorKind::kSession, "05ab"}), std::nullopt);
}

TEST(StixTest, LikeWildcardsInAnExtensionBecomeAnExactRegex) {
  // '_' and '%' are LIKE's wildcards and cannot be escaped there.
  const auto pattern = StixPattern({IndicatorKind::kExtension, ".50%_off"});
  ASSERT_TRUE(pattern.has_value());
  EXPECT_EQ(*pattern, "[file:name MATCHES '\\\\.50\\\\%\\\\_off$']");
  // Every punctuation character escaped, so the regex is the extension
  // itself, at the end of the name.
  const std::vector<std::string> literals = Literals(*pattern);
  ASSERT_EQ(literals.size(), 1u);
  EXPECT_EQ(literals[0], "\\.50\\%\\_off$");
}

TEST(StixTest, TheSmallKbExportKeepsTheRules) {
  const Json bundle = ExportStix(testing::SmallKb());
  EXPECT_THAT(StixProblems(bundle), IsEmpty());
}

TEST(StixTest, TheBuiltInKbExportKeepsTheRules) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_THAT(kb, IsOk());
  const Json bundle = ExportStix(*kb);
  EXPECT_THAT(StixProblems(bundle), IsEmpty());
  std::map<std::string, std::size_t> count;
  for (const Json& object : bundle["objects"]) ++count[object["type"]];
  EXPECT_EQ(count["identity"], 1u);
  EXPECT_EQ(count["marking-definition"], 1u);
  EXPECT_GT(count["malware"], 1000u);
  EXPECT_GT(count["indicator"], 1000u);
  EXPECT_GE(count["relationship"], count["indicator"]);
  // Every pattern's literals read back, whatever the KB holds.
  for (const Json& object : bundle["objects"]) {
    if (object["type"] == "indicator") {
      EXPECT_THAT(Literals(object["pattern"].get<std::string>()),
                  Not(IsEmpty()));
    }
  }
}

TEST(StixTest, TheCheckerFailsOnEachMissingRequiredProperty) {
  const Json bundle = ExportStix(testing::SmallKb());
  ASSERT_THAT(StixProblems(bundle), IsEmpty());
  for (const auto& [type, properties] : Required()) {
    std::size_t first = bundle["objects"].size();
    for (std::size_t i = 0; i < bundle["objects"].size(); ++i) {
      if (bundle["objects"][i]["type"] == type) {
        first = i;
        break;
      }
    }
    ASSERT_LT(first, bundle["objects"].size()) << "no " << type << " emitted";
    for (const std::string& property : properties) {
      Json broken = bundle;
      broken["objects"][first].erase(property);
      EXPECT_THAT(StixProblems(broken), Not(IsEmpty()))
          << type << " without " << property;
    }
  }
  Json bad_time = bundle;
  bad_time["objects"][0]["created"] = "2024-01-01T00:00:00Z";
  EXPECT_THAT(StixProblems(bad_time), Not(IsEmpty()));
  Json bad_id = bundle;
  bad_id["objects"][0]["id"] = "identity--not-a-uuid";
  EXPECT_THAT(StixProblems(bad_id), Not(IsEmpty()));
}

TEST(StixTest, FamiliesIndicatorsAndRelationshipsOfTheSmallKb) {
  const Json bundle = ExportStix(testing::SmallKb());
  std::map<std::string, Json> by_id;
  std::vector<std::string> malware_names;
  std::set<std::string> patterns;
  for (const Json& object : bundle["objects"]) {
    by_id[object["id"]] = object;
    if (object["type"] == "malware") malware_names.push_back(object["name"]);
    if (object["type"] == "indicator") patterns.insert(object["pattern"]);
  }
  // By id ("alpha" before "zeta"); the disabled family is not there.
  EXPECT_THAT(malware_names, ElementsAre("Alpha 'Quoted' \\ Ünïcødé", "Zeta"));
  EXPECT_THAT(patterns, Contains("[file:name LIKE '%.zeta']"));
  EXPECT_THAT(patterns, Contains("[file:name = 'ПРОЧТИ\\'МЕНЯ.txt']"));
  EXPECT_THAT(patterns,
              Contains("[email-addr:value = 'o\\'brien@example.net']"));
  EXPECT_THAT(patterns, Contains("[x-crypto-wallet:value = "
                                 "'1ZetaZetaZetaZetaZetaZetaZetaZeta']"));
  // Left out: regex rules, the retracted rule, the disabled family, the
  // allow-listed extension and contact, note phrases, Tox and Telegram.
  for (const std::string& pattern : patterns) {
    EXPECT_THAT(pattern, Not(HasSubstr("[0-9]"))) << pattern;
    EXPECT_THAT(pattern, Not(HasSubstr("retracted")));
    EXPECT_THAT(pattern, Not(HasSubstr("gone")));
    EXPECT_THAT(pattern, Not(HasSubstr(".bak")));
    EXPECT_THAT(pattern, Not(HasSubstr("donate@")));
    EXPECT_THAT(pattern, Not(HasSubstr("zeta'd")));
    EXPECT_THAT(pattern, Not(HasSubstr("t.me")));
  }
  // ".zeta" is one indicator that indicates both families, with the
  // strongest strength either gives it (alpha: strong, 85).
  std::vector<std::string> zeta_targets;
  for (const Json& object : bundle["objects"]) {
    if (object["type"] != "relationship") continue;
    const Json& indicator = by_id[object["source_ref"]];
    if (indicator["pattern"] == "[file:name LIKE '%.zeta']") {
      zeta_targets.push_back(by_id[object["target_ref"]]["name"]);
      EXPECT_EQ(indicator["confidence"], 85);
    }
  }
  EXPECT_THAT(zeta_targets, ElementsAre("Alpha 'Quoted' \\ Ünïcødé", "Zeta"));
  // The family's dates cover the KB's periods; references keep their URL.
  const Json& zeta =
      by_id["malware--" + internal::FamilyUuid("zeta").ToString()];
  EXPECT_EQ(zeta["first_seen"], "2019-02-01T00:00:00.000Z");
  EXPECT_EQ(zeta["last_seen"], "2021-12-31T23:59:59.999Z");
  EXPECT_THAT(zeta["aliases"], ElementsAre("ZetaCrypt"));
  EXPECT_THAT(zeta["external_references"],
              Contains(Json{{"source_name", "example.org"},
                            {"url", "https://example.org/zeta"}}));
  EXPECT_THAT(
      zeta["external_references"],
      Contains(Json{{"source_name", "kintsugi"}, {"external_id", "zeta"}}));
}

TEST(StixTest, TheLicenceNoticeNamesTheSourcesOfWhatIsExported) {
  const Json bundle = ExportStix(testing::SmallKb());
  const Json& marking = bundle["objects"][1];
  ASSERT_EQ(marking["type"], "marking-definition");
  const std::string statement = marking["definition"]["statement"];
  EXPECT_THAT(statement, HasSubstr("Andrey Zhdanov"));
  EXPECT_THAT(statement, HasSubstr("CC0-1.0"));
  EXPECT_THAT(statement, Not(HasSubstr("ThreatLabz")));
}

}  // namespace
}  // namespace kintsugi::kb_export
