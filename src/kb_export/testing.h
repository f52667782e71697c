#pragma once

// What the kb_export tests share: a small KB made in memory, with a
// family of each shape an export has to handle.

#include <string>

#include "kintsugi/kb.h"

namespace kintsugi::kb_export::testing {

inline kb::Rule MakeRule(std::string id, kb::RuleKind kind, std::string pattern,
                         bool is_regex = false,
                         kb::Strength strength = kb::Strength::kMedium) {
  kb::Rule rule;
  rule.id = std::move(id);
  rule.kind = kind;
  rule.pattern = std::move(pattern);
  rule.is_regex = is_regex;
  rule.strength = strength;
  rule.sources = {{"curated", "test"}};
  return rule;
}

inline kb::Contact MakeContact(kb::ContactKind kind, std::string value) {
  kb::Contact contact;
  contact.kind = kind;
  contact.value = std::move(value);
  contact.sources = {{"rivitna-attackers", "Test/attackers.txt"}};
  return contact;
}

// Three families, given out of id order: "zeta" (every indicator kind, a
// regex rule, an allow-listed extension and contact, a retracted rule),
// "alpha" (a hostile name and values), "gone" (disabled).
inline kb::KnowledgeBase SmallKb() {
  using kb::ContactKind;
  using kb::RuleKind;
  kb::KnowledgeBase kb;
  kb::Family zeta;
  zeta.id = "zeta";
  zeta.name = "Zeta";
  zeta.aliases = {"ZetaCrypt"};
  zeta.first_seen = "2019-02";
  zeta.last_seen = "2021";
  zeta.references = {"https://example.org/zeta", "a book, page 12"};
  zeta.related = {"alpha", "not-in-kb"};
  zeta.sources = {{"misp-galaxy", "00000000-0000-0000-0000-000000000001"}};
  zeta.rules = {
      MakeRule("ext-zeta", RuleKind::kExtension, ".zeta"),
      MakeRule("ext-locked", RuleKind::kExtension, ".locked", false,
               kb::Strength::kWeak),
      MakeRule("ext-backup", RuleKind::kExtension, ".bak"),
      MakeRule("ext-retracted", RuleKind::kExtension, ".retracted"),
      MakeRule("ext-wild", RuleKind::kExtension, ".50%_off"),
      MakeRule("note", RuleKind::kNoteName, "ZETA_README.txt", false,
               kb::Strength::kStrong),
      MakeRule("note-regex", RuleKind::kNoteName, "zeta_[0-9]+\\.txt", true),
      MakeRule("name-regex", RuleKind::kFilenamePattern, "\\.id-[0-9]+\\.zeta$",
               true),
      MakeRule("phrase", RuleKind::kNotePhrase, "your files are zeta'd"),
  };
  zeta.contacts = {
      MakeContact(ContactKind::kEmail, "zeta@example.net"),
      MakeContact(
          ContactKind::kOnion,
          "zetaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"),
      MakeContact(ContactKind::kUrl, "zeta.example.com/pay"),
      MakeContact(ContactKind::kUrl, "zeta.example.com"),
      MakeContact(ContactKind::kBitcoin, "1ZetaZetaZetaZetaZetaZetaZetaZeta"),
      MakeContact(ContactKind::kMonero, "4Zeta"),
      MakeContact(ContactKind::kTox, std::string(76, 'a')),
      MakeContact(ContactKind::kTelegram, "t.me/zeta"),
      MakeContact(ContactKind::kEmail, "donate@allowed.example"),
  };
  kb::Family alpha;
  alpha.id = "alpha";
  alpha.name = "Alpha 'Quoted' \\ Ünïcødé";
  alpha.rules = {
      MakeRule("ext-quote", RuleKind::kExtension, ".it's"),
      MakeRule("ext-backslash", RuleKind::kExtension, ".back\\slash"),
      MakeRule("note-unicode", RuleKind::kNoteName, "ПРОЧТИ'МЕНЯ.txt"),
      MakeRule("ext-shared", RuleKind::kExtension, ".zeta", false,
               kb::Strength::kStrong),
  };
  alpha.contacts = {MakeContact(ContactKind::kEmail, "o'brien@example.net")};
  kb::Family gone;
  gone.id = "gone";
  gone.name = "Gone";
  gone.disabled = true;
  gone.rules = {MakeRule("ext-gone", RuleKind::kExtension, ".gone")};
  kb.families = {zeta, alpha, gone};
  kb.disabled = {"zeta/ext-retracted"};
  kb::AllowEntry backup;
  backup.kind = RuleKind::kExtension;
  backup.pattern = ".BAK";
  backup.reason = "backup files";
  kb.allow_list = {backup};
  kb::AllowContact donate;
  donate.value = "donate@allowed.example";
  donate.reason = "a donation address";
  kb.allow_contacts = {donate};
  return kb;
}

}  // namespace kintsugi::kb_export::testing
