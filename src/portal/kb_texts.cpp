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

std::vector<std::pair<std::string, std::string>> KbPageTexts(
    const kb::Family& family) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (std::size_t i = 0; i < family.recovery.needs.size(); ++i) {
    texts.emplace_back(fmt::format("{}.recovery.needs.{}", family.id, i),
                       family.recovery.needs[i]);
  }
  return texts;
}

std::string KbTextKey(std::string_view family, std::string_view english) {
  // A family id is [a-z0-9-]: no newline in it.
  return std::string(family) + "\n" + std::string(english);
}

Result<KbTranslations> ParseKbTranslations(
    std::string_view json,
    const std::map<std::string, const kb::Family*, std::less<>>& families) {
  const Json root = Json::parse(json, nullptr, false);
  if (!root.is_object() || !root.contains("texts") ||
      !root["texts"].is_object()) {
    return InvalidArgumentError(
        "not a translation of the knowledge base's texts (an object with "
        "\"texts\")");
  }
  const Json& texts = root["texts"];
  for (const auto& [key, entry] : texts.items()) {
    if (!entry.is_object() || !entry.contains("sha256") ||
        !entry["sha256"].is_string() || !entry.contains("text") ||
        !entry["text"].is_string()) {
      return InvalidArgumentError(
          fmt::format("{}: not {{\"sha256\": ..., \"text\": ...}}", key));
    }
  }
  KbTranslations out;
  for (const auto& [id, family] : families) {
    for (const auto& [key, english] : KbPageTexts(*family)) {
      const auto found = texts.find(key);
      if (found == texts.end()) continue;
      const std::string text = (*found)["text"].get<std::string>();
      // Stale (the English changed since it was translated): not shown.
      if (text.empty() ||
          (*found)["sha256"].get<std::string>() != KbTextHash(english)) {
        continue;
      }
      out.emplace(KbTextKey(id, english), text);
    }
  }
  return out;
}

}  // namespace kintsugi::portal
