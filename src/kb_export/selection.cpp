// Which families and indicators an export carries (docs/exports.md "What
// is exported"), and the facts both formats share: the family ids, the
// licence notice, the first/last-seen periods.

#include "kb_export/selection.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kintsugi::kb_export::internal {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<IndicatorKind> KindOf(kb::ContactKind kind) {
  switch (kind) {
    case kb::ContactKind::kEmail:
      return IndicatorKind::kEmail;
    case kb::ContactKind::kOnion:
      return IndicatorKind::kOnion;
    case kb::ContactKind::kUrl:
      return IndicatorKind::kUrl;
    case kb::ContactKind::kTox:
      return IndicatorKind::kTox;
    case kb::ContactKind::kBitcoin:
      return IndicatorKind::kBitcoin;
    case kb::ContactKind::kMonero:
      return IndicatorKind::kMonero;
    case kb::ContactKind::kTelegram:
      return IndicatorKind::kTelegram;
    case kb::ContactKind::kSession:
      return IndicatorKind::kSession;
    case kb::ContactKind::kOther:
      return IndicatorKind::kOtherContact;
  }
  return std::nullopt;
}

// The literal extension or note name a rule gives, or none.
std::optional<Indicator> RuleIndicator(const kb::Rule& rule) {
  if (rule.is_regex || rule.pattern.empty()) return std::nullopt;
  if (rule.kind == kb::RuleKind::kExtension) {
    return Indicator{IndicatorKind::kExtension, rule.pattern};
  }
  if (rule.kind == kb::RuleKind::kNoteName) {
    return Indicator{IndicatorKind::kNoteName, rule.pattern};
  }
  return std::nullopt;
}

// Whether a rule is one an export would carry if it were literal.
bool IsNameRule(const kb::Rule& rule) {
  return rule.kind == kb::RuleKind::kExtension ||
         rule.kind == kb::RuleKind::kNoteName ||
         rule.kind == kb::RuleKind::kFilenamePattern;
}

// Disabled families and rules: the family flag and kb.disabled, as the
// identify compiler reads them (a KB built in memory may not have had
// the loader apply the list).
class Retracted {
 public:
  explicit Retracted(const kb::KnowledgeBase& kb)
      : names_(kb.disabled.begin(), kb.disabled.end()) {}
  bool FamilyOff(const kb::Family& family) const {
    return family.disabled || names_.contains(family.id);
  }
  bool RuleOff(const kb::Family& family, const kb::Rule& rule) const {
    return names_.contains(family.id + "/" + rule.id);
  }

 private:
  std::set<std::string, std::less<>> names_;
};

// Whether the allow list says `indicator` (an extension or a note name)
// is a benign look-alike; literal entries only (a regex entry would need
// the identify engine's regex dialect).
bool AllowListed(const std::vector<kb::AllowEntry>& allow,
                 const Indicator& indicator) {
  const kb::RuleKind kind = indicator.kind == IndicatorKind::kExtension
                                ? kb::RuleKind::kExtension
                                : kb::RuleKind::kNoteName;
  const std::string value = Lower(indicator.value);
  return std::any_of(allow.begin(), allow.end(), [&](const auto& entry) {
    return entry.kind == kind && !entry.is_regex &&
           Lower(entry.pattern) == value;
  });
}

void AddDatasets(const std::vector<kb::Source>& sources,
                 std::set<std::string>* datasets) {
  for (const kb::Source& source : sources) {
    if (!source.dataset.empty()) datasets->insert(source.dataset);
  }
}

// The chosen families (pointers into kb.families), by id.
Result<std::vector<const kb::Family*>> Choose(
    const kb::KnowledgeBase& kb, const std::vector<std::string>& requested,
    const Retracted& retracted) {
  std::vector<const kb::Family*> chosen;
  if (requested.empty()) {
    for (const kb::Family& family : kb.families) {
      if (!retracted.FamilyOff(family)) chosen.push_back(&family);
    }
  } else {
    for (const std::string& name : requested) {
      const kb::Family* family = kb::FindFamily(kb, name);
      if (family == nullptr) return NotFoundError(name);
      if (retracted.FamilyOff(*family)) return InvalidArgumentError(family->id);
      chosen.push_back(family);
    }
  }
  std::sort(
      chosen.begin(), chosen.end(),
      [](const kb::Family* a, const kb::Family* b) { return a->id < b->id; });
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

}  // namespace

Result<Selection> Select(const kb::KnowledgeBase& kb,
                         const std::vector<std::string>& requested) {
  const Retracted retracted(kb);
  KINTSUGI_ASSIGN_OR_RETURN(std::vector<const kb::Family*> chosen,
                            Choose(kb, requested, retracted));
  Selection selection;
  for (const kb::Family& family : kb.families) {
    if (retracted.FamilyOff(family)) continue;
    for (const kb::Rule& rule : family.rules) {
      std::optional<Indicator> indicator = RuleIndicator(rule);
      if (!indicator || retracted.RuleOff(family, rule)) continue;
      auto [it, inserted] =
          selection.strength.try_emplace(*indicator, rule.strength);
      if (!inserted) it->second = std::max(it->second, rule.strength);
    }
  }
  std::set<std::string> datasets;
  for (const kb::Family* family : chosen) {
    FamilyIndicators entry{family, {}};
    AddDatasets(family->sources, &datasets);
    for (const kb::Rule& rule : family->rules) {
      if (retracted.RuleOff(*family, rule) || !IsNameRule(rule)) continue;
      std::optional<Indicator> indicator = RuleIndicator(rule);
      if (!indicator) {
        ++selection.skipped_regex_rules;
      } else if (AllowListed(kb.allow_list, *indicator)) {
        ++selection.allow_listed;
      } else {
        entry.indicators.push_back(*indicator);
        AddDatasets(rule.sources, &datasets);
      }
    }
    for (const kb::Contact& contact : family->contacts) {
      std::optional<IndicatorKind> kind = KindOf(contact.kind);
      if (!kind || contact.value.empty()) continue;
      if (kb::FindAllowedContact(kb.allow_contacts, contact.value) != nullptr) {
        ++selection.allow_listed;
        continue;
      }
      entry.indicators.push_back({*kind, contact.value});
      AddDatasets(contact.sources, &datasets);
    }
    std::sort(entry.indicators.begin(), entry.indicators.end());
    entry.indicators.erase(
        std::unique(entry.indicators.begin(), entry.indicators.end()),
        entry.indicators.end());
    selection.families.push_back(std::move(entry));
  }
  selection.datasets.assign(datasets.begin(), datasets.end());
  return selection;
}

Uuid FamilyUuid(std::string_view family_id) {
  return UuidV5(KintsugiNamespace(), "family:" + std::string(family_id));
}

namespace {

struct DatasetCredit {
  std::string_view dataset;
  std::string_view author;
  std::string_view notice;
};

// kb/LICENSES/README.md, one row per dataset.
constexpr DatasetCredit kCredits[] = {
    {"curated", "", "curated (the Kintsugi authors)"},
    {"misp-galaxy", "MISP Project",
     "misp-galaxy (MISP galaxy ransomware cluster, CC0-1.0 or BSD-2-Clause, "
     "(c) 2015-2018 CIRCL and the MISP Project contributors)"},
    {"rivitna-attackers", "Andrey Zhdanov (rivitna)",
     "rivitna-attackers (MIT, (c) 2021 Andrey Zhdanov)"},
    {"threatlabz-notes", "Zscaler ThreatLabz",
     "threatlabz-notes (MIT, (c) 2022 Zscaler ThreatLabz)"},
};

const DatasetCredit* CreditOf(std::string_view dataset) {
  for (const DatasetCredit& credit : kCredits) {
    if (credit.dataset == dataset) return &credit;
  }
  return nullptr;
}

}  // namespace

std::string LicenceNotice(const std::vector<std::string>& datasets) {
  std::string notice = "Kintsugi knowledge base export.";
  if (datasets.empty()) return notice;
  notice += " Facts from: ";
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    if (i > 0) notice += "; ";
    const DatasetCredit* credit = CreditOf(datasets[i]);
    notice += credit == nullptr ? datasets[i] : std::string(credit->notice);
  }
  notice += ". The licence texts are in kb/LICENSES/ of the Kintsugi sources.";
  return notice;
}

std::vector<std::string> Authors(const std::vector<std::string>& datasets) {
  std::vector<std::string> authors = {"Kintsugi"};
  for (const std::string& dataset : datasets) {
    const DatasetCredit* credit = CreditOf(dataset);
    if (credit != nullptr && !credit->author.empty()) {
      authors.emplace_back(credit->author);
    }
  }
  return authors;
}

std::optional<std::int64_t> PeriodBound(std::string_view text, bool end) {
  // "YYYY", "YYYY-MM" or "YYYY-MM-DD": the missing parts are the first (or
  // last) of the period.
  std::string full;
  if (text.size() == 4) {
    full = std::string(text) + (end ? "-12-31" : "-01-01");
  } else if (text.size() == 7) {
    full = std::string(text) + "-01";
  } else if (text.size() == 10) {
    full = std::string(text);
  } else {
    return std::nullopt;
  }
  auto start = ParseRfc3339(full + "T00:00:00Z");
  if (!start) return std::nullopt;
  if (!end) return *start;
  if (text.size() != 7) return *start + 86'400'000 - 1;
  // The last day of the month: the first of the next, less a millisecond.
  const int year = std::stoi(full.substr(0, 4));
  const int month = std::stoi(full.substr(5, 2));
  char next[32];  // Room for any two ints: no truncation to warn of.
  std::snprintf(next, sizeof(next), "%04d-%02d-01",
                month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1);
  auto following = ParseRfc3339(std::string(next) + "T00:00:00Z");
  if (!following) return std::nullopt;
  return *following - 1;
}

}  // namespace kintsugi::kb_export::internal
