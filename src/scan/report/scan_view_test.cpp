// The report's pieces: times, text, and the timeline's columns.

#include "scan/report/scan_view.h"

#include <gtest/gtest.h>

#include "scan/report/html_text.h"
#include "scan/report/svg_chart.h"

namespace kintsugi::scan_report {
namespace {

TEST(EpochMinuteTest, ReadsTheMinuteOfAnIsoTime) {
  EXPECT_EQ(EpochMinute("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(EpochMinute("1970-01-02 00:01"), 1441);
  // 2026-11-20T02:14 is 1795140840 s after the epoch.
  EXPECT_EQ(EpochMinute("2026-11-20T02:14:09+00:00"), 1795140840 / 60);
  EXPECT_EQ(EpochMinute("2026-11-20"), std::nullopt);
  EXPECT_EQ(EpochMinute("2026-13-20T02:14"), std::nullopt);
  EXPECT_EQ(EpochMinute("2026-11-20T24:00"), std::nullopt);
  EXPECT_EQ(EpochMinute("yesterday at noon"), std::nullopt);
}

TEST(EpochMinuteTest, MinuteTextIsItsInverse) {
  for (const char* time : {"1970-01-01 00:00", "2000-02-29 23:59",
                           "2026-11-20 02:14", "1969-12-31 23:59"}) {
    const std::optional<std::int64_t> minute = EpochMinute(time);
    ASSERT_TRUE(minute.has_value()) << time;
    EXPECT_EQ(MinuteText(*minute), time);
  }
}

TEST(HtmlTextTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(Escaped("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(Escaped("caf\xC3\xA9\tok\n"), "caf\xC3\xA9\tok\n");
  EXPECT_EQ(Escaped("a\x1B[31m"), "a\xEF\xBF\xBD[31m");
  EXPECT_EQ(Escaped("\xC3"), "\xEF\xBF\xBD");
}

TEST(HtmlTextTest, ShortensByCharactersNotBytes) {
  EXPECT_EQ(Shortened("abcdef", 6), "abcdef");
  EXPECT_EQ(Shortened("abcdefg", 6), "abcde\xE2\x80\xA6");
  EXPECT_EQ(Shortened("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3),
            "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

TEST(TimelineTest, ColumnsKeepEveryFile) {
  const std::vector<std::pair<std::int64_t, std::int64_t>> minutes = {
      {1000, 3}, {1001, 1}, {1500, 2}, {1999, 4}};
  const TimelineBins bins = BinTimeline(minutes, 10);
  EXPECT_EQ(bins.first_minute, 1000);
  EXPECT_EQ(bins.minutes_per_column, 100);
  ASSERT_EQ(bins.columns.size(), 10u);
  EXPECT_EQ(bins.columns[0], 4);
  EXPECT_EQ(bins.columns[5], 2);
  EXPECT_EQ(bins.columns[9], 4);
  const TimelineBins single = BinTimeline({{7, 5}}, 120);
  EXPECT_EQ(single.minutes_per_column, 1);
  EXPECT_EQ(single.columns, std::vector<std::int64_t>{5});
  EXPECT_TRUE(BinTimeline({}, 120).columns.empty());
}

}  // namespace
}  // namespace kintsugi::scan_report
