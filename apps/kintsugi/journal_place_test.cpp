// The journal's default place: $XDG_STATE_HOME, else $HOME/.local/state,
// else a clear refusal; folders made for it are the owner's alone.

#include "journal_place.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp
#include <sys/stat.h>

#include <filesystem>
#include <string>

namespace kintsugi::cli {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;

RecoverOptions Docs() {
  RecoverOptions options;
  options.paths = {"/v/docs"};
  return options;
}

std::string KeyOf(const RecoverOptions& options) {
  auto key = RecoverJournalKey(options);
  return key ? *key : std::string();
}

TEST(StateJournalDirTest, UnderXdgStateHomeFirst) {
  auto dir = StateJournalDir(Docs(), "/x/state", "/home/u");
  ASSERT_TRUE(dir.has_value());
  EXPECT_EQ(*dir, Path("/x/state/kintsugi/journals") / KeyOf(Docs()));
}

TEST(StateJournalDirTest, ElseUnderHome) {
  auto dir = StateJournalDir(Docs(), "", "/home/u");
  ASSERT_TRUE(dir.has_value());
  EXPECT_EQ(*dir,
            Path("/home/u/.local/state/kintsugi/journals") / KeyOf(Docs()));
  // A relative XDG_STATE_HOME is ignored, as the XDG rule says.
  auto relative = StateJournalDir(Docs(), "state", "/home/u");
  ASSERT_TRUE(relative.has_value());
  EXPECT_EQ(*relative, *dir);
}

TEST(StateJournalDirTest, RefusesWithNeither) {
  auto dir = StateJournalDir(Docs(), "", "");
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dir.error().message(), HasSubstr("--journal"));
  EXPECT_FALSE(StateJournalDir(Docs(), "rel", "also-rel").has_value());
}

TEST(CreatePrivateDirsTest, MakesOwnerOnlyFolders) {
  std::string pattern =
      (stdfs::temp_directory_path() / "kintsugi-journal-place-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const Path root = pattern;
  const Path dir = root / "a" / "b";
  ASSERT_TRUE(CreatePrivateDirs(dir).ok());
  for (const Path& made : {root / "a", dir}) {
    struct stat info {};
    ASSERT_EQ(::stat(made.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u) << made;
  }
  // Again: the folders exist, nothing to do.
  EXPECT_TRUE(CreatePrivateDirs(dir).ok());
  std::error_code ec;
  stdfs::remove_all(root, ec);  // Our own mkdtemp folder only.
}

}  // namespace
}  // namespace kintsugi::cli
