// The STIX 2.1 export (docs/exports.md "STIX 2.1"): an identity for
// Kintsugi, a statement marking with the sources' licences, one malware
// SDO per family, one indicator SDO per distinct pattern, and an
// `indicates` relationship from each indicator to each family it belongs
// to. Section numbers are those of STIX Version 2.1 (OASIS Standard, 10
// June 2021).

#include <map>
#include <nlohmann/json.hpp>

#include "kb_export/selection.h"

namespace kintsugi::kb_export::internal {
namespace {

using Json = nlohmann::ordered_json;

std::string Id(std::string_view type, std::string_view name) {
  return std::string(type) + "--" +
         UuidV5(KintsugiNamespace(),
                std::string(type) + ":" + std::string(name))
             .ToString();
}

// Every ASCII punctuation character escaped, so that the text matches
// itself in a PCRE regex (a backslash before a non-alphanumeric character
// is always a literal there).
std::string RegexLiteral(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9');
    if (u < 0x80 && !alnum) out += '\\';
    out += c;
  }
  return out;
}

std::string Equals(std::string_view object_path, std::string_view value) {
  return std::string(object_path) + " = '" + EscapeStixString(value) + "'";
}

// STIX 2.1 Appendix A's "None / Low / Med / High" scale (15, 50, 85), with
// a decisive rule, which names its family on its own, at 100.
int Confidence(kb::Strength strength) {
  switch (strength) {
    case kb::Strength::kWeak:
      return 15;
    case kb::Strength::kMedium:
      return 50;
    case kb::Strength::kStrong:
      return 85;
    case kb::Strength::kDecisive:
      return 100;
  }
  return 50;
}

// "www.example.com" of "https://www.example.com/a?b": a reference's
// source_name. Empty when `url` has no scheme.
std::string HostOf(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  return std::string(rest);
}

// The properties every object we emit starts with (STIX 2.1 §3.2, the
// common properties; created_by_ref and object_marking_refs on all but the
// marking itself).
Json Common(std::string_view type, const std::string& id,
            const std::string& created, const std::string& identity,
            const std::string& marking) {
  Json object;
  object["type"] = type;
  object["spec_version"] = "2.1";
  object["id"] = id;
  if (!identity.empty()) object["created_by_ref"] = identity;
  object["created"] = created;
  if (type != "marking-definition") object["modified"] = created;
  if (!marking.empty()) object["object_marking_refs"] = Json::array({marking});
  return object;
}

Json Malware(const kb::Family& family, const std::string& created,
             const std::string& identity, const std::string& marking) {
  Json malware =
      Common("malware", "malware--" + FamilyUuid(family.id).ToString(), created,
             identity, marking);
  malware["name"] = family.name.empty() ? family.id : family.name;
  malware["is_family"] = true;
  malware["malware_types"] = Json::array({"ransomware"});
  if (!family.aliases.empty()) malware["aliases"] = family.aliases;
  const auto first = PeriodBound(family.first_seen, /*end=*/false);
  if (first) malware["first_seen"] = FormatTimestamp(*first);
  const auto last = PeriodBound(family.last_seen, /*end=*/true);
  // §4.11: last_seen must not be before first_seen.
  if (last && (!first || *last >= *first)) {
    malware["last_seen"] = FormatTimestamp(*last);
  }
  Json references = Json::array();
  references.push_back(
      {{"source_name", "kintsugi"}, {"external_id", family.id}});
  for (const std::string& url : family.references) {
    const std::string host = HostOf(url);
    if (host.empty()) {
      references.push_back(
          {{"source_name", "reference"}, {"description", url}});
    } else {
      references.push_back({{"source_name", host}, {"url", url}});
    }
  }
  malware["external_references"] = references;
  return malware;
}

struct PatternEntry {
  Indicator indicator;
  std::vector<std::string> malware_ids;  // In family-id order.
};

}  // namespace

std::string EscapeStixString(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out;
}

std::optional<std::string> StixPattern(const Indicator& indicator) {
  const std::string& v = indicator.value;
  switch (indicator.kind) {
    case IndicatorKind::kExtension:
      // LIKE's wildcards are '%' and '_' (§9) and the grammar has no
      // escape for them: an extension holding one is matched as a regex.
      if (v.find_first_of("%_") == std::string::npos) {
        return "[file:name LIKE '%" + EscapeStixString(v) + "']";
      }
      return "[file:name MATCHES '" + EscapeStixString(RegexLiteral(v)) + "$']";
    case IndicatorKind::kNoteName:
      return "[" + Equals("file:name", v) + "]";
    case IndicatorKind::kEmail:
      return "[" + Equals("email-addr:value", v) + "]";
    case IndicatorKind::kOnion:
      return "[" + Equals("domain-name:value", v) + "]";
    case IndicatorKind::kUrl:
      // The KB keeps URLs without their scheme (kb.h, Contact::value).
      if (v.find('/') == std::string::npos) {
        return "[" + Equals("domain-name:value", v) + "]";
      }
      return "[" + Equals("url:value", "http://" + v) + " OR " +
             Equals("url:value", "https://" + v) + "]";
    case IndicatorKind::kBitcoin:
    case IndicatorKind::kMonero:
      // No wallet object in STIX 2.1: docs/exports.md "Wallets".
      return "[" + Equals("x-crypto-wallet:value", v) + "]";
    case IndicatorKind::kTox:
    case IndicatorKind::kTelegram:
    case IndicatorKind::kSession:
    case IndicatorKind::kOtherContact:
      return std::nullopt;
  }
  return std::nullopt;
}

Export WriteStix(const Selection& selection, std::int64_t created_ms) {
  Export result;
  ExportSummary& summary = result.summary;
  summary.skipped_regex_rules = selection.skipped_regex_rules;
  summary.allow_listed = selection.allow_listed;
  const std::string created = FormatTimestamp(created_ms);
  const std::string identity = Id("identity", "kintsugi");
  const std::string notice = LicenceNotice(selection.datasets);
  // A marking definition cannot change (§7.2.1): its id follows its text.
  const std::string marking = Id("marking-definition", notice);

  Json objects = Json::array();
  Json kintsugi = Common("identity", identity, created, "", marking);
  kintsugi["name"] = "Kintsugi";
  kintsugi["identity_class"] = "system";
  objects.push_back(kintsugi);
  Json statement = Common("marking-definition", marking, created, identity, "");
  statement["definition_type"] = "statement";
  statement["definition"] = {{"statement", notice}};
  objects.push_back(statement);

  std::map<std::string, PatternEntry> patterns;
  for (const FamilyIndicators& family : selection.families) {
    objects.push_back(Malware(*family.family, created, identity, marking));
    ++summary.families;
    const std::string malware_id =
        "malware--" + FamilyUuid(family.family->id).ToString();
    for (const Indicator& indicator : family.indicators) {
      std::optional<std::string> pattern = StixPattern(indicator);
      if (!pattern) {
        ++summary.skipped_contacts;
        continue;
      }
      PatternEntry& entry = patterns[*pattern];
      entry.indicator = indicator;
      entry.malware_ids.push_back(malware_id);
    }
  }
  Json relationships = Json::array();
  for (const auto& [pattern, entry] : patterns) {
    const std::string id = Id("indicator", pattern);
    Json indicator = Common("indicator", id, created, identity, marking);
    indicator["name"] = entry.indicator.value;
    const bool is_contact = entry.indicator.kind != IndicatorKind::kExtension &&
                            entry.indicator.kind != IndicatorKind::kNoteName;
    indicator["indicator_types"] =
        Json::array({is_contact ? "attribution" : "malicious-activity"});
    indicator["pattern"] = pattern;
    indicator["pattern_type"] = "stix";
    indicator["pattern_version"] = "2.1";
    indicator["valid_from"] = created;
    auto strength = selection.strength.find(entry.indicator);
    if (strength != selection.strength.end()) {
      indicator["confidence"] = Confidence(strength->second);
    }
    objects.push_back(indicator);
    ++summary.indicators;
    for (const std::string& malware_id : entry.malware_ids) {
      Json relationship = Common(
          "relationship", Id("relationship", id + ":indicates:" + malware_id),
          created, identity, marking);
      relationship["relationship_type"] = "indicates";
      relationship["source_ref"] = id;
      relationship["target_ref"] = malware_id;
      relationships.push_back(relationship);
      ++summary.relationships;
    }
  }
  for (Json& relationship : relationships) {
    objects.push_back(std::move(relationship));
  }
  const std::string listed =
      objects.dump(-1, ' ', false, Json::error_handler_t::replace);
  Json bundle;
  bundle["type"] = "bundle";
  bundle["id"] = Id("bundle", listed);
  bundle["objects"] = std::move(objects);
  result.document =
      bundle.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  return result;
}

}  // namespace kintsugi::kb_export::internal
