// Consistency test of the registry: every decryptor declares usable
// metadata (conventions.md "Families, rules and decryptors"), agrees with
// the KB family it is for, and ListDecryptors() mirrors it. Expectations
// come from the registry itself, so a new family is checked without
// editing this file.

#include "families/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kintsugi/kb.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using ::testing::MatchesRegex;
using ::testing::StartsWith;

TEST(RegistryTest, EveryDecryptorDeclaresUsableMetadata) {
  std::set<std::string> ids;
  ASSERT_FALSE(AllDecryptors().empty());
  for (const recover::Decryptor* decryptor : AllDecryptors()) {
    const recover::DecryptorInfo& info = decryptor->info();
    SCOPED_TRACE(std::string(info.id));
    EXPECT_FALSE(info.id.empty());
    EXPECT_TRUE(ids.insert(std::string(info.id)).second) << "duplicate id";
    EXPECT_FALSE(info.family_id.empty());
    EXPECT_FALSE(info.variants.empty());
    // A section of recovery-schemes.md or of one of its parts
    // (recovery-schemes-2.md).
    EXPECT_THAT(std::string(info.spec),
                MatchesRegex("recovery-schemes(-[0-9]+)?\\.md §[0-9].*"));
    // Every family appends a fixed extension, except those that keep the
    // names (DMA Locker: its marker says it, recovery-schemes.md §3.5) and
    // those whose extension is random: Black Basta (its footer says it,
    // recovery-schemes-2.md §3.9) and Hive (§3.10).
    if (info.id != "dma-locker" && info.id != "princess-locker" &&
        info.id != "black-basta" && info.id != "hive") {
      EXPECT_FALSE(info.extensions.empty());
    }
    for (std::string_view ext : info.extensions) {
      EXPECT_THAT(std::string(ext), StartsWith("."));
      EXPECT_GT(ext.size(), 1u);
    }
    for (std::string_view side : info.side_files) {
      EXPECT_FALSE(side.empty());
      EXPECT_EQ(side.find_first_of("/\\"), std::string_view::npos)
          << "a side file is a name, not a path: " << side;
    }
    EXPECT_NE(recover::StrategyName(info.strategy), "unknown");
    // What the user must supply is a message without arguments (issue 8),
    // kCount for nothing.
    if (info.needs != MessageId::kCount) {
      EXPECT_TRUE(HasDeclaredArgs(Message{info.needs, {}}))
          << MessageIdName(info.needs);
      EXPECT_FALSE(RenderEnglish(Message{info.needs, {}}).empty());
    }
  }
}

TEST(RegistryTest, EveryDecryptorIsForAKbFamilyThatNamesIt) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value()) << kb.error().message();
  for (const recover::Decryptor* decryptor : AllDecryptors()) {
    const recover::DecryptorInfo& info = decryptor->info();
    SCOPED_TRACE(std::string(info.id));
    const kb::Family* family = kb::FindFamily(*kb, info.family_id);
    ASSERT_NE(family, nullptr) << "no KB family " << info.family_id;
    EXPECT_EQ(family->id, info.family_id);
    // The KB names one decryptor per family (docs/kb-format.md §2); a
    // family with several builds (Babuk NAS and ESXi) names one of its
    // decryptors, which must be this family's and of the same strategy.
    const recover::Decryptor* named = nullptr;
    for (const recover::Decryptor* d : AllDecryptors()) {
      if (d->info().id == family->recovery.decryptor) named = d;
    }
    ASSERT_NE(named, nullptr) << "the KB names " << family->recovery.decryptor;
    EXPECT_EQ(named->info().family_id, info.family_id);
    EXPECT_EQ(family->recovery.strategy, recover::StrategyName(info.strategy));
  }
}

TEST(RegistryTest, TheShippedKbLintsCleanAgainstTheRegistry) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value()) << kb.error().message();
  kb::LintOptions options;
  options.decryptors.emplace();
  for (const DecryptorSummary& d : ListDecryptors()) {
    options.decryptors->push_back({d.id, d.family, d.strategy});
  }
  for (const kb::Diagnostic& d : kb::Lint(*kb, options)) {
    EXPECT_NE(d.severity, kb::Diagnostic::Severity::kError)
        << d.where.file << ":" << d.where.line << ": " << d.message;
  }
}

TEST(RegistryTest, ListDecryptorsMirrorsTheRegistry) {
  const auto list = ListDecryptors();
  ASSERT_EQ(list.size(), AllDecryptors().size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const recover::DecryptorInfo& info = AllDecryptors()[i]->info();
    SCOPED_TRACE(std::string(info.id));
    EXPECT_EQ(list[i].id, info.id);
    EXPECT_EQ(list[i].family, info.family_id);
    EXPECT_EQ(list[i].strategy, recover::StrategyName(info.strategy));
    EXPECT_EQ(list[i].variants.size(), info.variants.size());
    EXPECT_EQ(list[i].extensions.size(), info.extensions.size());
    EXPECT_EQ(list[i].needs, (Message{info.needs, {}}));
    EXPECT_EQ(list[i].spec, info.spec);
  }
}

}  // namespace
}  // namespace kintsugi::families
