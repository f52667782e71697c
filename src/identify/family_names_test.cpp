// Family names a note mentions (family_names.h): which names count, and
// when an ordinary word is used as a name.

#include "identify/family_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kintsugi::identify {
namespace {

// (family, common) of each mention of `text`.
std::vector<std::pair<std::uint32_t, bool>> Mentions(const FamilyNames& names,
                                                     std::string_view text) {
  std::vector<std::pair<std::uint32_t, bool>> out;
  for (const auto& m : names.Find(text)) out.emplace_back(m.family, m.common);
  return out;
}

FamilyNames Names() {
  FamilyNames names;
  names.Add(0, "0apt");
  names.Add(1, "Ragnar Locker");
  names.Add(2, "Shadow");
  names.Add(3, "Protected");
  names.Add(4, "abc");  // Three letters, no digit: too short to be a name.
  names.Finish();
  return names;
}

using Mention = std::pair<std::uint32_t, bool>;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FamilyNamesTest, ThreeLettersWithDigitsAreAName) {
  const FamilyNames names = Names();
  EXPECT_THAT(Mentions(names, "encrypted by \"0APT\" group"),
              ElementsAre(Mention{0, false}));
  EXPECT_THAT(Mentions(names, "the abc of backups"), IsEmpty());
}

TEST(FamilyNamesTest, TheFirstWordOfANameWithAGenericLastWord) {
  const FamilyNames names = Names();
  EXPECT_THAT(Mentions(names, "open our website ragnar chat"),
              ElementsAre(Mention{1, false}));
  EXPECT_THAT(Mentions(names, "RAGNAR LOCKER"), ElementsAre(Mention{1, false}));
}

TEST(FamilyNamesTest, AnOrdinaryWordIsANameOnlyWhereUsedAsOne) {
  const FamilyNames names = Names();
  ASSERT_TRUE(IsCommonWordName("shadow"));
  ASSERT_TRUE(IsCommonWordName("protected"));
  EXPECT_THAT(Mentions(names, "we delete the shadow copies"),
              ElementsAre(Mention{2, true}));
  EXPECT_THAT(Mentions(names, "Your files were encrypted by Shadow Ransomware"),
              ElementsAre(Mention{2, false}));
  EXPECT_THAT(Mentions(names, "We call ourselves Protected and we take it"),
              ElementsAre(Mention{3, false}));
  EXPECT_THAT(Mentions(names, "protected by the shadow team"),
              ElementsAre(Mention{3, true}, Mention{2, false}));
}

}  // namespace
}  // namespace kintsugi::identify
