// The knowledge base's texts in the page's language (kb_texts.h).

#include "portal/kb_texts.h"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

namespace kintsugi::portal {

using Json = nlohmann::json;

std::string KbTextHash(std::string_view english) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(english.data()),
                     english.size());
  std::string hex;
  for (std::size_t i = 0; i < 8; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::vector<KbText> KbPageTexts(const kb::KnowledgeBase& kb) {
  std::vector<KbText> texts;
  for (const kb::Family& family : kb.families) {
    if (family.disabled) continue;
    for (std::size_t i = 0; i < family.recovery.needs.size(); ++i) {
      texts.push_back({family.id,
                       fmt::format("{}.recovery.needs.{}", family.id, i),
                       family.recovery.needs[i]});
    }
  }
  for (const kb::Group& group : kb.groups) {
    // A family id is [a-z0-9-]: "groups/" is no family's.
    texts.push_back(
        {"groups/" + group.id, "groups/" + group.id + ".name", group.name});
  }
  return texts;
}

std::string KbTextKey(std::string_view owner, std::string_view english) {
  // An owner is [a-z0-9-/]: no newline in it.
  return std::string(owner) + "\n" + std::string(english);
}

Result<KbTranslations> ParseKbTranslations(std::string_view json,
                                           const std::vector<KbText>& texts) {
  const Json root = Json::parse(json, nullptr, false);
  if (!root.is_object() || !root.contains("texts") ||
      !root["texts"].is_object()) {
    return InvalidArgumentError(
        "not a translation of the knowledge base's texts (an object with "
        "\"texts\")");
  }
  const Json& entries = root["texts"];
  for (const auto& [key, entry] : entries.items()) {
    if (!entry.is_object() || !entry.contains("sha256") ||
        !entry["sha256"].is_string() || !entry.contains("text") ||
        !entry["text"].is_string()) {
      return InvalidArgumentError(
          fmt::format("{}: not {{\"sha256\": ..., \"text\": ...}}", key));
    }
  }
  KbTranslations out;
  for (const KbText& text : texts) {
    const auto found = entries.find(text.key);
    if (found == entries.end()) continue;
    const std::string translation = (*found)["text"].get<std::string>();
    // Stale (the English changed since it was translated): not shown.
    if (translation.empty() ||
        (*found)["sha256"].get<std::string>() != KbTextHash(text.english)) {
      continue;
    }
    out.emplace(KbTextKey(text.owner, text.english), translation);
  }
  return out;
}

}  // namespace kintsugi::portal
