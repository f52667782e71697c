// Whole-name rules (note names) match names that a download, a copy or a
// sanitiser changed only in separators, and nothing else.
#include "identify/name_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kintsugi::identify {
namespace {

TEST(FoldWholeNameTest, SeparatorsAndCaseDoNotMatter) {
  EXPECT_EQ(FoldWholeName("+README-WARNING+.txt"),
            FoldWholeName("_README-WARNING_.txt"));
  EXPECT_EQ(FoldWholeName("How to Restore Your Files.html"),
            FoldWholeName("How_to_Restore_Your_Files.html"));
  EXPECT_EQ(FoldWholeName("!!! READ ME !!!.TXT"), "_read_me_.txt");
}

TEST(FoldWholeNameTest, ACopysNumberIsDropped) {
  EXPECT_EQ(FoldWholeName("README-FOR-DECRYPT (1).txt"),
            FoldWholeName("README-FOR-DECRYPT.txt"));
  EXPECT_EQ(FoldWholeName("notes(12).txt"), FoldWholeName("notes.txt"));
  // Not a copy's number: kept.
  EXPECT_NE(FoldWholeName("README_47.txt"), FoldWholeName("README.txt"));
  EXPECT_NE(FoldWholeName("readme(2024x).txt"), FoldWholeName("readme.txt"));
  EXPECT_NE(FoldWholeName("(1).txt"), FoldWholeName(".txt"));
}

TEST(FoldWholeNameTest, DistinctNamesStayDistinct) {
  EXPECT_NE(FoldWholeName("_README_.txt"), FoldWholeName("README.txt"));
  EXPECT_NE(FoldWholeName("readme.txt"), FoldWholeName("readme.html"));
  EXPECT_NE(FoldWholeName("read.me.txt"), FoldWholeName("read_me.txt"));
}

TEST(NameMatcherTest, WholeNamesMatchFolded) {
  NameMatcher matcher;
  matcher.AddWhole("+README-WARNING+.txt", 1);
  matcher.AddWhole("README.txt", 2);
  std::vector<std::string> warnings;
  ASSERT_TRUE(matcher.Compile(warnings).ok());
  hs_scratch_t* scratch = nullptr;
  ASSERT_TRUE(matcher.AllocScratch(&scratch).ok());
  const auto ids = [&](std::string_view name) {
    std::vector<unsigned> out;
    matcher.Match(name, scratch, [&out](unsigned id) { out.push_back(id); });
    return out;
  };
  EXPECT_EQ(ids("_readme-warning_.TXT"), std::vector<unsigned>{1});
  EXPECT_EQ(ids("README (1).txt"), std::vector<unsigned>{2});
  EXPECT_TRUE(ids("_README_.txt").empty());
  EXPECT_TRUE(ids("README-WARNING.txt").empty());
  hs_free_scratch(scratch);
}

// The quick filter of suffixes (one, two, three and longer literals) never
// hides a match: AnyMatch agrees with Match on every name, whatever the
// case, and a matcher without patterns or wholes still matches suffixes.
TEST(NameMatcherTest, AnyMatchAgreesWithMatch) {
  NameMatcher matcher;
  const std::vector<std::string> literals = {
      ".J",      ".xy", ".abc", ".1txt",
      ".locked", "z",   "_enc", ".id-ab12.[x@y.io].txt"};
  unsigned id = 0;
  for (const std::string& literal : literals) matcher.AddSuffix(literal, id++);
  matcher.AddWhole("HOW_TO_DECRYPT.txt", id++);
  matcher.AddPattern({"\\.[0-9]{5}$", 0, id++, "test"});
  std::vector<std::string> warnings;
  ASSERT_TRUE(matcher.Compile(warnings).ok());
  hs_scratch_t* scratch = nullptr;
  ASSERT_TRUE(matcher.AllocScratch(&scratch).ok());
  std::vector<std::string> names = {
      "a.txt", "how to decrypt.TXT", "b.12345", "b.1234", "", "j", "q"};
  for (const std::string& literal : literals) {
    for (const std::string& stem :
         {std::string("file"), std::string("x.pdf"), std::string()}) {
      names.push_back(stem + literal);
      std::string upper = stem + literal;
      for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      names.push_back(upper);
      names.push_back(stem + literal + "x");
      names.push_back(stem + literal.substr(1));
    }
  }
  std::size_t matched = 0;
  for (const std::string& name : names) {
    bool any = false;
    matcher.Match(name, scratch, [&any](unsigned) { any = true; });
    EXPECT_EQ(matcher.AnyMatch(name, scratch), any) << name;
    matched += any ? 1 : 0;
  }
  EXPECT_GT(matched, literals.size() * 4);
  EXPECT_LT(matched, names.size());
  hs_free_scratch(scratch);
}

}  // namespace
}  // namespace kintsugi::identify
