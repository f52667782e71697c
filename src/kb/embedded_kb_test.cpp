// The KB built into the binary: it loads, lints clean, covers the issue's
// goal (>= 1,300 families), every family with rules has both fixtures, and
// the recoverable families name their decryptors (recovery-schemes.md §3).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "kintsugi/kb.h"

namespace kintsugi::kb {
namespace {

TEST(EmbeddedKbTest, LoadsAndLintsClean) {
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadEmbeddedKnowledgeBase());
  EXPECT_GE(kb.families.size(), 1300u);
  std::vector<Diagnostic> problems = Lint(kb);
  for (const auto& d : problems) {
    ADD_FAILURE() << d.where.file << ":" << d.where.line << ": " << d.message;
  }
}

TEST(EmbeddedKbTest, EveryFamilyWithRulesHasBothFixtures) {
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadEmbeddedKnowledgeBase());
  for (const auto& family : kb.families) {
    if (family.rules.empty()) continue;
    bool positive = false, negative = false;
    for (const auto& f : family.fixtures)
      (f.positive ? positive : negative) = true;
    EXPECT_TRUE(positive && negative) << family.id;
  }
}

TEST(EmbeddedKbTest, RecoverableFamiliesNameTheirDecryptors) {
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadEmbeddedKnowledgeBase());
  const std::vector<std::pair<std::string, std::string>> expected{
      {"jigsaw", "jigsaw"},
      {"nemucod", "nemucod"},
      {"hidden-tear", "hidden-tear"},
      {"linux-encoder", "linux-encoder"},
      {"dma-locker", "dma-locker"},
      {"princess-locker", "princess-locker"},
      {"stop-djvu", "stop-djvu"},
      {"babuk", "babuk-nas"},
      {"blackbasta", "black-basta"},
      {"cryptxxx", "cryptxxx"},
      {"hive", "hive"}};
  for (const auto& [name, decryptor] : expected) {
    const Family* family = FindFamily(kb, name);
    ASSERT_NE(family, nullptr) << name;
    EXPECT_EQ(family->recovery.decryptor, decryptor);
    EXPECT_NE(family->recovery.possible, RecoveryPossible::kUnknown);
  }
  // STOP/Djvu is found by its aliases and carries its EOF marker.
  const Family* stop = FindFamily(kb, "djvu");
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->id, "stop-djvu");
  bool marker = false;
  for (const auto& rule : stop->rules) {
    marker |= rule.kind == RuleKind::kFileMarker &&
              rule.strength == Strength::kDecisive;
  }
  EXPECT_TRUE(marker);
}

TEST(EmbeddedKbTest, ReferenceNotesAreEmbedded) {
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadEmbeddedKnowledgeBase());
  EXPECT_TRUE(kb.root.empty());
  const Family* akira = FindFamily(kb, "akira");
  ASSERT_NE(akira, nullptr);
  ASSERT_FALSE(akira->reference_notes.empty());
  EXPECT_TRUE(kb.note_texts.contains(akira->reference_notes.front()));
}

}  // namespace
}  // namespace kintsugi::kb
