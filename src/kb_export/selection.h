#pragma once

// What an export carries, before it is written in a format: the chosen
// families in id order, each with its indicators (docs/exports.md
// "What is exported"). Both formats are written from one Selection, so
// that they always agree on what is in and what is left out.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kintsugi/kb.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export::internal {

// In the order an export lists them.
enum class IndicatorKind : std::uint8_t {
  kExtension,  // A literal extension rule.
  kNoteName,   // A literal ransom-note name rule.
  kEmail,
  kOnion,
  kUrl,
  kBitcoin,
  kMonero,
  kTox,
  kTelegram,
  kSession,
  kOtherContact,
};

struct Indicator {
  IndicatorKind kind = IndicatorKind::kExtension;
  std::string value;  // As the KB writes it.

  friend auto operator<=>(const Indicator&, const Indicator&) = default;
};

struct FamilyIndicators {
  const kb::Family* family = nullptr;
  // Sorted, without duplicates.
  std::vector<Indicator> indicators;
};

struct Selection {
  std::vector<FamilyIndicators> families;  // By id.
  // The strongest strength any enabled family of the whole KB gives each
  // extension or note name (not only the chosen ones: an indicator says
  // the same whichever families are exported).
  std::map<Indicator, kb::Strength> strength;
  // The datasets the exported facts come from ("misp-galaxy", ...),
  // sorted, for the licence notice.
  std::vector<std::string> datasets;
  std::size_t skipped_regex_rules = 0;
  std::size_t allow_listed = 0;
};

// The families `requested` names (every enabled family when empty) and
// their indicators; errors as ExportKnowledgeBase's. The selection points
// into `kb`, which must outlive it.
Result<Selection> Select(const kb::KnowledgeBase& kb,
                         const std::vector<std::string>& requested);

// The id every export gives a family ("malware--<this>" in STIX, the
// cluster value's uuid in MISP): UuidV5(KintsugiNamespace(),
// "family:" + id).
Uuid FamilyUuid(std::string_view family_id);

// The licence notice of facts from `datasets` (kb/LICENSES/README.md), one
// line, in English: a notice the sources' licences ask to keep, not a
// message for a user.
std::string LicenceNotice(const std::vector<std::string>& datasets);

// The authors to credit for `datasets`, Kintsugi first.
std::vector<std::string> Authors(const std::vector<std::string>& datasets);

// A first_seen / last_seen ("2018", "2018-02", "2018-02-14") as the first
// (`end` false) or last (`end` true) millisecond of that period; none when
// the KB's text is not one of these forms.
std::optional<std::int64_t> PeriodBound(std::string_view text, bool end);

// STIX 2.1 and MISP writers (stix.cpp, misp_galaxy.cpp).
Export WriteStix(const Selection& selection, std::int64_t created_ms);
Export WriteMispGalaxy(const Selection& selection, const kb::KnowledgeBase& kb,
                       std::int64_t created_ms);

// A string as a STIX pattern string literal's contents (STIX 2.1 §9:
// a quote and a backslash are escaped with a backslash; anything else,
// non-ASCII included, stands for itself).
std::string EscapeStixString(std::string_view text);

// The STIX pattern of `indicator`, or none for kinds STIX has no object
// for (Tox, Telegram, Session, other contacts).
std::optional<std::string> StixPattern(const Indicator& indicator);

}  // namespace kintsugi::kb_export::internal
