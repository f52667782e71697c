// The knowledge base's texts are complete and current in every language
// (issue 14: every page complete in every language): web/i18n/kb/<lang>.json
// translates every `recovery.needs` and group name of the built-in KB, each
// beside the hash
// of the English it translates, so that whoever changes a KB text must
// update its translations; and a stale translation is never used.

#include "portal/kb_texts.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kintsugi/kb.h"
#include "portal/assets.h"
#include "portal/site.h"

namespace kintsugi::portal {
namespace {

using Json = nlohmann::json;

// What a translation keeps as it is: the names of products, tools,
// families and commands, options (--pair), URLs and log file names
// (hostd.log).
std::vector<std::string> Untranslated(std::string_view english) {
  std::vector<std::string> tokens;
  for (const char* name : {"Bitdefender",
                           "No More Ransom",
                           "Kintsugi",
                           "kintsugi keys import",
                           "kintsugi recover",
                           "GandCrab",
                           "Chimera",
                           "DarkBit",
                           ".Darkbit",
                           "Rhysida",
                           "ESXi",
                           "Linux",
                           "Windows",
                           "NAS",
                           "TestDisk",
                           "Conti",
                           "Lambda/Synapse",
                           "Babuk",
                           "Chaos",
                           "Phobos",
                           "Dharma/CrySiS",
                           "MedusaLocker",
                           "LockBit 3.0",
                           "Makop",
                           "Thanos",
                           "Hakbit",
                           "Hidden Tear",
                           "Jigsaw"}) {
    if (english.find(name) != std::string_view::npos) tokens.push_back(name);
  }
  std::string token;
  const auto flush = [&] {
    while (!token.empty() && std::string_view(".,;:)").find(token.back()) !=
                                 std::string_view::npos) {
      token.pop_back();
    }
    if (token.rfind("--", 0) == 0 || token.rfind("https://", 0) == 0 ||
        token.ends_with(".log")) {
      tokens.push_back(token);
    }
    token.clear();
  };
  for (char c : english) {
    if (c == ' ' || c == '(' || c == ',') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return tokens;
}

TEST(KbTextsTest, HashIsTheFirst16HexOfSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea 414140de5dae2223...
  EXPECT_EQ(KbTextHash("abc"), "ba7816bf8f01cfea");
  EXPECT_EQ(KbTextHash(""), "e3b0c44298fc1c14");
}

TEST(KbTextsTest, EveryLanguageTranslatesEveryTextOfTheBuiltInKb) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value()) << kb.error().ToString();
  std::map<std::string, std::string> english;  // Key -> English.
  for (const KbText& text : KbPageTexts(*kb)) {
    EXPECT_TRUE(english.emplace(text.key, text.english).second) << text.key;
  }
  // The KB has needs to translate (kb/*.yaml: 16 families have some) and
  // group names (kb/groups.yaml).
  ASSERT_GE(english.size(), 16u + kb->groups.size());
  EXPECT_TRUE(english.count("stop-djvu.recovery.needs.0"));
  EXPECT_TRUE(english.count("groups/chaos-builder.name"));
  for (const auto& [code, name] : KnownLanguages()) {
    if (code == "en") continue;  // The KB itself.
    const std::string path = "i18n/kb/" + std::string(code) + ".json";
    const Asset* asset = FindAsset(path);
    if (asset == nullptr) {
      ADD_FAILURE() << "no web/" << path << " (" << name << ")";
      continue;
    }
    const Json root = Json::parse(asset->data, nullptr, false);
    ASSERT_TRUE(root.is_object()) << path << " does not parse";
    EXPECT_EQ(root.value("language", ""), code) << path;
    const Json texts = root.value("texts", Json::object());
    for (const auto& [key, text] : english) {
      const auto found = texts.find(key);
      const std::string hash = KbTextHash(text);
      if (found == texts.end()) {
        ADD_FAILURE() << path << ": missing " << key << " (sha256 \"" << hash
                      << "\"): " << text;
        continue;
      }
      const std::string translation = found->value("text", "");
      EXPECT_EQ(found->value("sha256", ""), hash)
          << path << ": " << key
          << " translates an older English text; the KB now says: " << text;
      EXPECT_FALSE(translation.empty()) << path << ": " << key;
      // A name of proper names only (Lambda/Synapse) is the same in
      // every language; a sentence never is.
      if (text.find(' ') != std::string::npos) {
        EXPECT_NE(translation, text) << path << ": " << key << " is English";
      }
      for (const std::string& token : Untranslated(text)) {
        EXPECT_NE(translation.find(token), std::string::npos)
            << path << ": " << key << " drops \"" << token << "\"";
      }
    }
    for (const auto& [key, entry] : texts.items()) {
      EXPECT_TRUE(english.count(key))
          << path << ": " << key << " is no text of the KB";
    }
  }
}

TEST(KbTextsTest, EveryNeedAndGroupNameIsAPageText) {
  kb::KnowledgeBase kb;
  kb.families.resize(2);
  kb.families[0].id = "demo";
  kb.families[0].recovery.needs = {"one encrypted file", "its original"};
  kb.families[1].id = "off";
  kb.families[1].disabled = true;
  kb.families[1].recovery.needs = {"never shown"};
  kb.groups.resize(1);
  kb.groups[0].id = "demo-builder";
  kb.groups[0].name = "The demo builder";
  const std::vector<KbText> texts = KbPageTexts(kb);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0].key, "demo.recovery.needs.0");
  EXPECT_EQ(texts[1].owner, "demo");
  EXPECT_EQ(texts[1].english, "its original");
  EXPECT_EQ(texts[2].owner, "groups/demo-builder");
  EXPECT_EQ(texts[2].key, "groups/demo-builder.name");
  EXPECT_EQ(texts[2].english, "The demo builder");
}

TEST(KbTextsTest, AStaleTranslationIsLeftOut) {
  kb::KnowledgeBase kb;
  kb.families.resize(1);
  kb.families[0].id = "demo";
  kb.families[0].recovery.needs = {"one encrypted file", "its original"};
  const std::vector<KbText> families = KbPageTexts(kb);
  const Json json = {
      {"language", "fr"},
      {"texts",
       {{"demo.recovery.needs.0",
         {{"sha256", KbTextHash("one encrypted file")},
          {"text", "un fichier chiffré"}}},
        {"demo.recovery.needs.1",
         {{"sha256", KbTextHash("the original")}, {"text", "l'original"}}},
        {"gone.recovery.needs.0",
         {{"sha256", KbTextHash("x")}, {"text", "y"}}}}}};
  auto parsed = ParseKbTranslations(json.dump(), families);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(parsed->at(KbTextKey("demo", "one encrypted file")),
            "un fichier chiffré");
  EXPECT_FALSE(parsed->contains(KbTextKey("demo", "its original")));
}

TEST(KbTextsTest, MalformedTranslationsAreRefused) {
  const std::vector<KbText> none;
  for (const char* json :
       {"", "[]", "{\"texts\": []}", "{\"texts\": {\"a\": \"b\"}}",
        "{\"texts\": {\"a\": {\"sha256\": 1, \"text\": \"b\"}}}"}) {
    auto parsed = ParseKbTranslations(json, none);
    ASSERT_FALSE(parsed.has_value()) << json;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument) << json;
  }
}

}  // namespace
}  // namespace kintsugi::portal
