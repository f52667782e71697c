// RecoverJournalKey: the same run finds the same journal folder however its
// inputs are spelled or ordered and from whichever folder it is run; a
// different run gets a different one (docs/journal-format.md §1).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/recover.h"

namespace kintsugi {
namespace {

std::string Key(std::vector<Path> paths, std::string family = "",
                bool verified_only = false) {
  RecoverOptions options;
  options.paths = std::move(paths);
  options.family = std::move(family);
  options.verified_only = verified_only;
  auto key = RecoverJournalKey(options);
  EXPECT_THAT(key.status(), IsOk());
  return key ? *key : std::string();
}

TEST(RecoverJournalKeyTest, IsHexSha256) {
  const std::string key = Key({"/v/a"});
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RecoverJournalKeyTest, SameInputsInAnotherOrderOrSpelling) {
  const std::string key = Key({"/v/a", "/w/b"});
  EXPECT_EQ(Key({"/w/b", "/v/a"}), key);
  EXPECT_EQ(Key({"/v/./a/", "/w/x/../b", "/v/a"}), key);
  // A relative path is the absolute one from the current folder.
  const Path here = std::filesystem::current_path();
  EXPECT_EQ(Key({"a"}), Key({here / "a"}));
  EXPECT_EQ(Key({"./a/"}), Key({here / "a"}));
}

TEST(RecoverJournalKeyTest, DifferentRunsDiffer) {
  const std::string key = Key({"/v/a"});
  EXPECT_NE(Key({"/v/b"}), key);
  EXPECT_NE(Key({"/v/a", "/v/b"}), key);
  EXPECT_NE(Key({"/v"}), key);
  EXPECT_NE(Key({"/v/a"}, "jigsaw"), key);
  EXPECT_NE(Key({"/v/a"}, "jigsaw"), Key({"/v/a"}, "nemucod"));
  EXPECT_NE(Key({"/v/a"}, "", true), key);
  // Fields cannot run into one another.
  EXPECT_NE(Key({"/v/a", "/v/b"}), Key({"/v/a/v/b"}));
}

}  // namespace
}  // namespace kintsugi
