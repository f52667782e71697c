// The progress bar's text (progress_bar.h): what a user sees on a terminal
// while `kintsugi recover` runs (issue 4).

#include "progress_bar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace kintsugi::cli {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::uint64_t kMiB = 1024 * 1024;

RecoverProgress Progress(std::uint64_t files_done, std::uint64_t files_total,
                         std::uint64_t bytes_done, std::uint64_t bytes_total) {
  RecoverProgress p;
  p.files_done = files_done;
  p.files_total = files_total;
  p.bytes_done = bytes_done;
  p.bytes_total = bytes_total;
  return p;
}

// The visible text: without the trailing '\r' or '\n'.
std::string Visible(const std::string& text) {
  return text.substr(0, text.size() - 1);
}

TEST(FormatDuration, HoursMinutesSeconds) {
  EXPECT_EQ(FormatDuration(0), "0:00:00");
  EXPECT_EQ(FormatDuration(7), "0:00:07");
  EXPECT_EQ(FormatDuration(187), "0:03:07");
  EXPECT_EQ(FormatDuration(3600), "1:00:00");
  EXPECT_EQ(FormatDuration(27 * 3600 + 61), "27:01:01");
}

TEST(FormatDuration, RoundsUpSoAShortWaitIsNotZero) {
  EXPECT_EQ(FormatDuration(0.2), "0:00:01");
  EXPECT_EQ(FormatDuration(59.01), "0:01:00");
}

TEST(FormatDuration, UnknownOrMeaninglessIsDashes) {
  EXPECT_EQ(FormatDuration(-1), "--");
  EXPECT_EQ(FormatDuration(std::numeric_limits<double>::infinity()), "--");
  EXPECT_EQ(FormatDuration(std::numeric_limits<double>::quiet_NaN()), "--");
  EXPECT_EQ(FormatDuration(1e300), "--");  // Must not overflow (UBSan).
  EXPECT_EQ(FormatDuration(kMaxShownHours * 3600), "9999:00:00");
  EXPECT_EQ(FormatDuration(kMaxShownHours * 3600 + 1), "--");
}

TEST(RenderProgressBar, RunningLineHasCountsBytesRateAndEta) {
  // 100 MiB of 300 in 10 s: 10 MiB/s, 200 MiB left: 20 s.
  const std::string text = RenderProgressBar(
      Progress(12, 300, 100 * kMiB, 300 * kMiB), 10.0, 120, false);
  EXPECT_THAT(text, EndsWith("\r"));
  EXPECT_THAT(text, Not(HasSubstr("\n")));
  EXPECT_THAT(text, HasSubstr("12/300 files"));
  EXPECT_THAT(text, HasSubstr("100.0/300.0 MiB"));
  EXPECT_THAT(text, HasSubstr("10.0 MiB/s"));
  EXPECT_THAT(text, HasSubstr("ETA 0:00:20"));
  EXPECT_THAT(text, HasSubstr("[#"));
  // Padded to cover the line it replaces, never touching the last column.
  EXPECT_EQ(Visible(text).size(), 119u);
}

TEST(RenderProgressBar, BarShowsTheFractionDone) {
  const std::string text =
      RenderProgressBar(Progress(1, 2, 50, 100), 1.0, 200, false);
  const std::size_t open = text.find('[');
  const std::size_t close = text.find(']');
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  const std::string bar = text.substr(open + 1, close - open - 1);
  const auto hashes = std::count(bar.begin(), bar.end(), '#');
  const auto dashes = std::count(bar.begin(), bar.end(), '-');
  EXPECT_EQ(hashes + dashes, static_cast<long>(bar.size()));
  EXPECT_EQ(hashes, static_cast<long>(bar.size() / 2));
}

TEST(RenderProgressBar, FinishedLineEndsWithNewlineAndTimeTaken) {
  const std::string text = RenderProgressBar(
      Progress(300, 300, 300 * kMiB, 300 * kMiB), 75.0, 100, true);
  EXPECT_THAT(text, EndsWith("\n"));
  EXPECT_THAT(text, Not(HasSubstr("\r")));
  EXPECT_THAT(text, HasSubstr("300/300 files"));
  EXPECT_THAT(text, HasSubstr("done in 0:01:15"));
  EXPECT_THAT(text, Not(HasSubstr("ETA")));
  EXPECT_EQ(Visible(text).size(), 99u);
}

TEST(RenderProgressBar, NoFilesNoBar) {
  EXPECT_EQ(RenderProgressBar(Progress(0, 0, 0, 0), 1.0, 80, false), "");
  EXPECT_EQ(RenderProgressBar(Progress(0, 0, 0, 0), 1.0, 80, true), "");
}

TEST(RenderProgressBar, NothingDoneYetEtaUnknown) {
  const std::string text =
      RenderProgressBar(Progress(0, 5, 0, 5 * kMiB), 0.0, 100, false);
  EXPECT_THAT(text, HasSubstr("0/5 files"));
  EXPECT_THAT(text, HasSubstr("-- MiB/s"));
  EXPECT_THAT(text, HasSubstr("ETA --"));
}

TEST(RenderProgressBar, RateZeroMeansEtaUnknown) {
  // Time has passed, but no byte is done: the rate is 0, the ETA unknown
  // (not infinite, not a division by zero).
  const std::string text =
      RenderProgressBar(Progress(0, 5, 0, 5 * kMiB), 30.0, 100, false);
  EXPECT_THAT(text, HasSubstr("0.0 MiB/s"));
  EXPECT_THAT(text, HasSubstr("ETA --"));
}

TEST(RenderProgressBar, ZeroBytesTotalUsesTheFileRate) {
  // Every file empty: 0.0/0.0 MiB, and the ETA from files (2 of 4 in 10 s).
  const std::string text =
      RenderProgressBar(Progress(2, 4, 0, 0), 10.0, 100, false);
  EXPECT_THAT(text, HasSubstr("2/4 files"));
  EXPECT_THAT(text, HasSubstr("0.0/0.0 MiB"));
  EXPECT_THAT(text, HasSubstr("ETA 0:00:10"));
  EXPECT_THAT(text, HasSubstr("[#"));
}

TEST(RenderProgressBar, HugeEtaIsDashesNotGarbage) {
  // One byte done in an hour, a terabyte to go.
  const std::string text = RenderProgressBar(
      Progress(1, 1000, 1, std::uint64_t{1} << 40), 3600.0, 120, false);
  EXPECT_THAT(text, HasSubstr("ETA --"));
  EXPECT_THAT(text, HasSubstr("GiB"));  // 1024 GiB, not a million MiB.
}

TEST(RenderProgressBar, LongButKnownEtaInHours) {
  // 1 MiB/s with 100 h of data left.
  const std::uint64_t left = 100ull * 3600 * kMiB;
  const std::string text = RenderProgressBar(
      Progress(1, 2, 10 * kMiB, 10 * kMiB + left), 10.0, 120, false);
  EXPECT_THAT(text, HasSubstr("ETA 100:00:00"));
}

TEST(RenderProgressBar, MoreDoneThanTotalDoesNotWrapAround) {
  // A file that grew while it was read: no negative remainder.
  const std::string text =
      RenderProgressBar(Progress(3, 2, 200, 100), 1.0, 100, false);
  EXPECT_THAT(text, HasSubstr("ETA 0:00:00"));
}

TEST(RenderProgressBar, NarrowTerminalDropsTheLeastImportantFirst) {
  const RecoverProgress p = Progress(12, 300, 100 * kMiB, 300 * kMiB);
  // 40 columns: no bar, no bytes, but files, rate and ETA.
  std::string text = RenderProgressBar(p, 10.0, 40, false);
  EXPECT_LE(Visible(text).size(), 39u);
  EXPECT_THAT(text, HasSubstr("12/300 files"));
  EXPECT_THAT(text, HasSubstr("ETA 0:00:20"));
  EXPECT_THAT(text, Not(HasSubstr("[")));
  // 30 columns: files and ETA only.
  text = RenderProgressBar(p, 10.0, 30, false);
  EXPECT_EQ(Visible(text).size(), 29u);
  EXPECT_THAT(text, HasSubstr("12/300 files  ETA 0:00:20"));
  EXPECT_THAT(text, Not(HasSubstr("MiB")));
  // 8 columns: the count, cut.
  text = RenderProgressBar(p, 10.0, 8, false);
  EXPECT_EQ(text, "12/300 \r");
  // 1 column: nothing visible, still a valid update.
  EXPECT_EQ(RenderProgressBar(p, 10.0, 1, false), "\r");
}

TEST(RenderProgressBar, EveryWidthFits) {
  const RecoverProgress p = Progress(123456, 999999, 5 * kMiB, 9 * kMiB);
  for (std::size_t width = 1; width <= 300; ++width) {
    for (bool finished : {false, true}) {
      const std::string text = RenderProgressBar(p, 3.0, width, finished);
      ASSERT_EQ(Visible(text).size(), width - 1) << width;
      ASSERT_EQ(Visible(text).find_first_of("\r\n"), std::string::npos);
    }
  }
}

TEST(RenderProgressBar, UnknownWidthAssumesEighty) {
  EXPECT_EQ(
      Visible(RenderProgressBar(Progress(1, 2, 1, 2), 1.0, 0, false)).size(),
      79u);
}

TEST(ClearProgressBar, BlanksTheLineAndReturns) {
  EXPECT_EQ(ClearProgressBar(10), "\r         \r");
  EXPECT_EQ(ClearProgressBar(0).size(), 81u);
}

}  // namespace
}  // namespace kintsugi::cli
