// Every language of the portal is complete (issue 14: "every page and every
// message of the API complete in every language (a test fails on a missing
// key)"): each catalog under web/i18n/ has every entry of en.json, uses only
// the placeholders the message declares (or English uses, for the pages'
// strings), keeps every one English gives, and has a plural form for every
// CLDR category its language's counts reach.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "kintsugi/message.h"
#include "portal/assets.h"
#include "portal/site.h"

namespace kintsugi::portal {
namespace {

using Json = nlohmann::json;

std::set<std::string> PlaceholdersOf(const Json& entry) {
  std::set<std::string> names;
  if (entry.is_string()) {
    for (auto& p : Placeholders(entry.get<std::string>())) names.insert(p);
    return names;
  }
  for (const auto& [form, text] : entry.items()) {
    if (form == "plural" || !text.is_string()) continue;
    for (auto& p : Placeholders(text.get<std::string>())) names.insert(p);
  }
  return names;
}

std::set<std::string> Declared(std::string_view name) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(MessageId::kCount);
       ++i) {
    const auto id = static_cast<MessageId>(i);
    if (MessageIdName(id) != name) continue;
    std::set<std::string> args;
    for (std::string_view arg : MessageIdArgs(id)) args.emplace(arg);
    return args;
  }
  return {};
}

struct Catalog {
  std::string code;
  Json messages;
};

std::vector<Catalog> Catalogs() {
  std::vector<Catalog> catalogs;
  for (const Asset& asset : EmbeddedAssets()) {
    // i18n/kb/ holds the KB's texts (kb_texts_test.cpp), not catalogs.
    if (asset.path.rfind("i18n/", 0) != 0 || !asset.path.ends_with(".json") ||
        asset.path.find('/', 5) != std::string_view::npos) {
      continue;
    }
    const Json root = Json::parse(asset.data, nullptr, false);
    EXPECT_TRUE(root.is_object()) << asset.path;
    if (!root.is_object()) continue;
    catalogs.push_back(
        {std::string(asset.path.substr(5, asset.path.size() - 10)),
         root.value("messages", Json::object())});
    EXPECT_EQ(root.value("language", ""), catalogs.back().code) << asset.path;
  }
  return catalogs;
}

TEST(CatalogsTest, AtLeast38LanguagesIncludingRightToLeftAndCjk) {
  std::set<std::string> codes;
  for (const Catalog& c : Catalogs()) codes.insert(c.code);
  // Until the catalogs of issue 14 have all landed, this names what is
  // missing rather than only counting.
  for (const auto& [code, name] : KnownLanguages()) {
    EXPECT_TRUE(codes.count(std::string(code)))
        << "no catalog web/i18n/" << code << ".json (" << name << ")";
  }
  EXPECT_GE(codes.size(), 38u);
}

TEST(CatalogsTest, EveryLanguageHasEveryEntryWithTheRightPlaceholders) {
  const std::vector<Catalog> catalogs = Catalogs();
  const Catalog* english = nullptr;
  for (const Catalog& c : catalogs) {
    if (c.code == "en") english = &c;
  }
  ASSERT_NE(english, nullptr);
  for (const Catalog& c : catalogs) {
    for (const auto& [name, entry] : english->messages.items()) {
      const auto found = c.messages.find(name);
      if (found == c.messages.end()) {
        ADD_FAILURE() << c.code << ": missing " << name;
        continue;
      }
      const bool page = name.rfind("portal.", 0) == 0;
      std::set<std::string> allowed =
          page ? PlaceholdersOf(entry) : Declared(name);
      const std::set<std::string> used = PlaceholdersOf(*found);
      for (const std::string& p : used) {
        EXPECT_TRUE(allowed.count(p))
            << c.code << ": " << name << ": unknown {" << p << "}";
      }
      // Nothing English says is lost (a plural's count may be implied).
      std::set<std::string> english_uses = PlaceholdersOf(entry);
      if (entry.is_object()) english_uses.erase(entry.value("plural", ""));
      for (const std::string& p : english_uses) {
        EXPECT_TRUE(used.count(p))
            << c.code << ": " << name << ": drops {" << p << "}";
      }
      EXPECT_EQ(entry.is_object(), found->is_object())
          << c.code << ": " << name << ": plural in one language only";
      if (!entry.is_object() || !found->is_object()) continue;
      EXPECT_EQ(found->value("plural", ""), entry.value("plural", ""))
          << c.code << ": " << name;
      for (std::int64_t n = 0; n <= 1000; ++n) {
        const std::string exact = "=" + std::to_string(n);
        const std::string category(PluralCategory(c.code, n));
        EXPECT_TRUE(found->contains(exact) || found->contains(category))
            << c.code << ": " << name << ": no form \"" << category
            << "\" (for " << n << ")";
        if (!found->contains(exact) && !found->contains(category)) break;
      }
    }
    for (const auto& [name, entry] : c.messages.items()) {
      EXPECT_TRUE(english->messages.contains(name))
          << c.code << ": " << name << " is not in en.json";
    }
  }
}

}  // namespace
}  // namespace kintsugi::portal
