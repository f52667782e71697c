// The MISP galaxy export (docs/exports.md "MISP galaxy"): a cluster file
// of the shape of misp-galaxy's clusters/ransomware.json, one value per
// family, which the KB importer (src/kb/import_misp.cpp) reads back.
// Keys are sorted and values ordered by name, as the MISP project keeps
// its own files.

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "kb_export/selection.h"

namespace kintsugi::kb_export::internal {
namespace {

using Json = nlohmann::json;  // std::map objects: sorted keys.

// The meta key each indicator kind is listed under. The importer reads
// "extensions" and "ransomnotes-filenames"; the contact keys are ours,
// named after MISP's attribute types where there is one.
std::string_view MetaKey(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kExtension:
      return "extensions";
    case IndicatorKind::kNoteName:
      return "ransomnotes-filenames";
    case IndicatorKind::kEmail:
      return "email";
    case IndicatorKind::kOnion:
      return "onion";
    case IndicatorKind::kUrl:
      return "url";
    case IndicatorKind::kBitcoin:
      return "btc";
    case IndicatorKind::kMonero:
      return "xmr";
    case IndicatorKind::kTox:
      return "tox";
    case IndicatorKind::kTelegram:
      return "telegram";
    case IndicatorKind::kSession:
      return "session";
    case IndicatorKind::kOtherContact:
      return "other-contacts";
  }
  return "other-contacts";
}

// The cluster value of one family.
Json Value(const FamilyIndicators& entry,
           const std::map<std::string, std::string>& related_uuids,
           std::size_t* indicators) {
  const kb::Family& family = *entry.family;
  Json meta = Json::object();
  meta["kintsugi-id"] = family.id;
  if (!family.aliases.empty()) meta["synonyms"] = family.aliases;
  if (!family.references.empty()) meta["refs"] = family.references;
  if (!family.first_seen.empty()) meta["date"] = family.first_seen;
  if (!family.last_seen.empty()) meta["last-seen"] = family.last_seen;
  for (const Indicator& indicator : entry.indicators) {
    meta[std::string(MetaKey(indicator.kind))].push_back(indicator.value);
    ++*indicators;
  }
  Json value = {{"meta", meta},
                {"uuid", FamilyUuid(family.id).ToString()},
                {"value", family.name.empty() ? family.id : family.name}};
  Json related = Json::array();
  for (const std::string& other : family.related) {
    auto it = related_uuids.find(other);
    if (it == related_uuids.end()) continue;
    related.push_back({{"dest-uuid", it->second}, {"type", "similar"}});
  }
  if (!related.empty()) value["related"] = related;
  return value;
}

}  // namespace

Export WriteMispGalaxy(const Selection& selection, const kb::KnowledgeBase& kb,
                       std::int64_t created_ms) {
  Export result;
  ExportSummary& summary = result.summary;
  summary.skipped_regex_rules = selection.skipped_regex_rules;
  summary.allow_listed = selection.allow_listed;
  // A related family is named when the KB has it, exported or not: MISP
  // resolves a dest-uuid against every galaxy it holds.
  std::map<std::string, std::string> related_uuids;
  for (const kb::Family& family : kb.families) {
    related_uuids.emplace(family.id, FamilyUuid(family.id).ToString());
  }
  std::vector<std::pair<std::string, Json>> values;
  for (const FamilyIndicators& entry : selection.families) {
    Json value = Value(entry, related_uuids, &summary.indicators);
    std::string key = value["value"].get<std::string>() + '\n' +
                      value["uuid"].get<std::string>();
    values.emplace_back(std::move(key), std::move(value));
    ++summary.families;
  }
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Json cluster = {
      {"authors", Authors(selection.datasets)},
      {"category", "tool"},
      {"description",
       "Ransomware families of the Kintsugi knowledge base, with the "
       "extensions, ransom-note names and attacker contacts it identifies "
       "them by."},
      {"name", "Kintsugi ransomware families"},
      {"source", LicenceNotice(selection.datasets)},
      {"type", "kintsugi-ransomware"},
      {"uuid", UuidV5(KintsugiNamespace(), "misp-galaxy:kintsugi-ransomware")
                   .ToString()},
      // MISP updates a cluster when the version grows: the export's time,
      // in seconds, grows with each later export.
      {"version", created_ms / 1000},
  };
  Json list = Json::array();
  for (auto& [key, value] : values) list.push_back(std::move(value));
  cluster["values"] = std::move(list);
  result.document =
      cluster.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  return result;
}

}  // namespace kintsugi::kb_export::internal
