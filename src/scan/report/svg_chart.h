#pragma once

// The report's charts as inline SVG (issue 11: no external assets, no
// script): horizontal bars for counts by label, columns for the timeline.
// Each is 680 user units wide, which fits an A4 page's text width at 96
// dpi, and scales down with the page (the report's CSS).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kintsugi::scan_report {

// The colour of bars and columns; the browser test looks for it.
inline constexpr std::string_view kBarColour = "#c8961e";

struct Bar {
  std::string label;  // Raw text: the chart escapes it (and shortens it).
  std::int64_t value = 0;
};

// One bar a row, the longest the largest value; `title` names the chart
// for screen readers. Labels longer than the label column are shortened;
// each bar's <title> has the whole label and value.
std::string BarChartSvg(std::string_view title, const std::vector<Bar>& bars);

// The timeline binned into at most `max_columns` columns of whole minutes.
struct TimelineBins {
  std::int64_t first_minute = 0;        // Minute since the epoch.
  std::int64_t minutes_per_column = 1;  // At least 1.
  std::vector<std::int64_t> columns;    // Files in each; empty: no data.
};

// Bins (minute, files) pairs in ascending minute order.
TimelineBins BinTimeline(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& per_minute,
    std::size_t max_columns);

// Columns over time, the first and last minute under the axis, the
// largest count beside it.
std::string TimelineSvg(std::string_view title, const TimelineBins& bins);

}  // namespace kintsugi::scan_report
