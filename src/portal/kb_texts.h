#pragma once

// The knowledge base's free texts that the portal's pages show (issue 14:
// every page complete in every language): each family's `recovery.needs`
// and each group's name, written in English in kb/*.yaml and translated in
// web/i18n/kb/<lang>.json (docs/portal.md, "Translations of the knowledge
// base"). Each translation carries a hash of the English it translates, so that
// a changed KB text is shown in English (marked lang="en") rather than by a
// stale translation.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi::portal {

// The first 16 hexadecimal digits of the SHA-256 of `english`: what a
// translation stores beside its text ("sha256").
std::string KbTextHash(std::string_view english);

// One text of the KB a page shows.
struct KbText {
  std::string owner;    // Family id, or "groups/<group id>".
  std::string key;      // "<family>.recovery.needs.<index>" or
                        // "groups/<group id>.name".
  std::string english;  // As the KB says it now.
};

// Every text of `kb` a page shows: each enabled family's recovery.needs
// and each group's name.
std::vector<KbText> KbPageTexts(const kb::KnowledgeBase& kb);

// The translations of one language that are current: owner and English
// text (KbTextKey) to the translation.
using KbTranslations = std::map<std::string, std::string, std::less<>>;

// The lookup key of a translation: its owner and the English text.
std::string KbTextKey(std::string_view owner, std::string_view english);

// Reads web/i18n/kb/<lang>.json ({"language": ..., "texts": {"<key>":
// {"sha256": "<16 hex>", "text": "..."}}}) and keeps the translations of
// `texts` whose hash matches their English text now; a stale, unknown or
// empty entry is left out (the page shows English). kInvalidArgument for
// JSON that does not parse or has the wrong shape.
Result<KbTranslations> ParseKbTranslations(std::string_view json,
                                           const std::vector<KbText>& texts);

}  // namespace kintsugi::portal
