#include "kintsugi/log.h"

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"

namespace kintsugi {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink(
        [this](LogLevel, std::string_view m) { lines_.emplace_back(m); });
    SetLogLevel(LogLevel::kInfo);
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetLogLevel(LogLevel::kWarning);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, FiltersByLevel) {
  Log(LogLevel::kDebug, "hidden {}", 1);
  Log(LogLevel::kWarning, "shown {}", 2);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0], "shown 2");
}

TEST_F(LogTest, StripsTerminalControlsFromFileNames) {
  Log(LogLevel::kError, "cannot read {}", "evil\x1b[2Jname\n.txt");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0], "cannot read evil?[2Jname?.txt");
}

TEST(SanitizeForLogTest, KeepsUtf8DropsInvalidAndC1) {
  EXPECT_EQ(SanitizeForLog("r\xc3\xa9sum\xc3\xa9"), "r\xc3\xa9sum\xc3\xa9");
  EXPECT_EQ(SanitizeForLog("a\xff"
                           "b"),
            "a?b");
  // A C1 control (CSI) and a UTF-16 surrogate each become one '?'.
  EXPECT_EQ(SanitizeForLog(std::string("\xc2\x9bx")), "?x");
  EXPECT_EQ(SanitizeForLog(std::string("\xed\xa0\x80")), "?");
  // U+202E RIGHT-TO-LEFT OVERRIDE would show "evil<RLO>txt.exe" as
  // "evilexe.txt".
  EXPECT_EQ(SanitizeForLog(std::string("evil\xe2\x80\xaetxt.exe")),
            "evil?txt.exe");
}

}  // namespace
}  // namespace kintsugi
