// Consistency test of the registry: every decryptor declares usable
// metadata (conventions.md "Families, rules and decryptors").

#include "families/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

TEST(RegistryTest, EveryDecryptorDeclaresUsableMetadata) {
  std::set<std::string> ids;
  ASSERT_FALSE(AllDecryptors().empty());
  for (const recover::Decryptor* decryptor : AllDecryptors()) {
    const recover::DecryptorInfo& info = decryptor->info();
    SCOPED_TRACE(std::string(info.id));
    EXPECT_TRUE(ids.insert(std::string(info.id)).second) << "duplicate id";
    EXPECT_FALSE(info.family_id.empty());
    EXPECT_FALSE(info.variants.empty());
    EXPECT_THAT(std::string(info.spec), ::testing::HasSubstr("§"));
    for (std::string_view ext : info.extensions) {
      EXPECT_EQ(ext.substr(0, 1), ".");
    }
    EXPECT_NE(recover::StrategyName(info.strategy), "unknown");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"jigsaw", "nemucod"}));
}

TEST(RegistryTest, ListDecryptorsMirrorsTheRegistry) {
  const auto list = ListDecryptors();
  ASSERT_EQ(list.size(), AllDecryptors().size());
  EXPECT_EQ(list[0].id, "jigsaw");
  EXPECT_EQ(list[0].strategy, "hard-coded-key");
  EXPECT_EQ(list[1].id, "nemucod");
  EXPECT_EQ(list[1].strategy, "known-plaintext");
  EXPECT_FALSE(list[1].needs.empty());
}

}  // namespace
}  // namespace kintsugi::families
