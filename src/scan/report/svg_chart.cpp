// Inline SVG charts of the scan's report (svg_chart.h).

#include "scan/report/svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "scan/report/html_text.h"
#include "scan/report/scan_view.h"

namespace kintsugi::scan_report {
namespace {

constexpr double kWidth = 680;

// A coordinate with one decimal: enough for a screen, short in the file.
std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

void OpenSvg(std::string& out, std::string_view title, double height) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" ";
  out += "viewBox=\"0 0 " + Number(kWidth) + " " + Number(height) + "\" ";
  out += "width=\"" + Number(kWidth) + "\" height=\"" + Number(height) +
         "\" role=\"img\" aria-label=\"";
  AppendEscaped(out, title);
  out += "\"><title>";
  AppendEscaped(out, title);
  out += "</title>";
}

}  // namespace

std::string BarChartSvg(std::string_view title, const std::vector<Bar>& bars) {
  constexpr double kRow = 22;
  constexpr double kBarHeight = 14;
  constexpr double kLabelRight = 250;
  constexpr double kBarLeft = 258;
  constexpr double kBarMax = 340;
  constexpr std::size_t kLabelChars = 36;
  std::int64_t largest = 1;
  for (const Bar& bar : bars) largest = std::max(largest, bar.value);
  const double height = static_cast<double>(bars.size()) * kRow + 8;
  std::string out;
  OpenSvg(out, title, height);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double top = 4 + static_cast<double>(i) * kRow;
    const double text_y = top + kBarHeight - 2;
    double width =
        kBarMax * static_cast<double>(bar.value) / static_cast<double>(largest);
    if (bar.value > 0) width = std::max(width, 1.0);
    out += "<g><title>";
    AppendEscaped(out, bar.label);
    out += ": " + Digits(bar.value) + "</title>";
    out += "<text x=\"" + Number(kLabelRight) + "\" y=\"" + Number(text_y) +
           "\" text-anchor=\"end\">";
    AppendEscaped(out, Shortened(bar.label, kLabelChars));
    out += "</text><rect class=\"bar\" x=\"" + Number(kBarLeft) + "\" y=\"" +
           Number(top) + "\" width=\"" + Number(width) + "\" height=\"" +
           Number(kBarHeight) + "\" fill=\"" + std::string(kBarColour) + "\"/>";
    out += "<text x=\"" + Number(kBarLeft + width + 6) + "\" y=\"" +
           Number(text_y) + "\">" + Digits(bar.value) + "</text></g>";
  }
  out += "</svg>";
  return out;
}

TimelineBins BinTimeline(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& per_minute,
    std::size_t max_columns) {
  TimelineBins bins;
  if (per_minute.empty() || max_columns == 0) return bins;
  const std::int64_t first = per_minute.front().first;
  const std::int64_t last = per_minute.back().first;
  const auto span = static_cast<std::uint64_t>(last - first) + 1;
  const std::uint64_t most = max_columns;
  const std::uint64_t per_column = (span + most - 1) / most;
  bins.first_minute = first;
  bins.minutes_per_column = static_cast<std::int64_t>(per_column);
  bins.columns.assign(
      static_cast<std::size_t>((span + per_column - 1) / per_column), 0);
  for (const auto& [minute, files] : per_minute) {
    const auto column = static_cast<std::size_t>(
        static_cast<std::uint64_t>(minute - first) / per_column);
    bins.columns[column] += files;
  }
  return bins;
}

std::string TimelineSvg(std::string_view title, const TimelineBins& bins) {
  constexpr double kHeight = 212;
  constexpr double kLeft = 56;
  constexpr double kRight = 672;
  constexpr double kTop = 12;
  constexpr double kBottom = 176;
  std::string out;
  OpenSvg(out, title, kHeight);
  std::int64_t largest = 1;
  for (const std::int64_t files : bins.columns) {
    largest = std::max(largest, files);
  }
  const double count =
      static_cast<double>(std::max<std::size_t>(bins.columns.size(), 1));
  const double column_width = (kRight - kLeft) / count;
  const double gap = column_width > 4 ? 1 : 0;
  out += "<line x1=\"" + Number(kLeft) + "\" y1=\"" + Number(kBottom) +
         "\" x2=\"" + Number(kRight) + "\" y2=\"" + Number(kBottom) +
         "\" stroke=\"#555\"/>";
  out += "<line x1=\"" + Number(kLeft) + "\" y1=\"" + Number(kTop) +
         "\" x2=\"" + Number(kLeft) + "\" y2=\"" + Number(kBottom) +
         "\" stroke=\"#555\"/>";
  out += "<text x=\"" + Number(kLeft - 6) + "\" y=\"" + Number(kTop + 8) +
         "\" text-anchor=\"end\">" + Digits(largest) + "</text>";
  out += "<text x=\"" + Number(kLeft - 6) + "\" y=\"" + Number(kBottom) +
         "\" text-anchor=\"end\">0</text>";
  for (std::size_t i = 0; i < bins.columns.size(); ++i) {
    const std::int64_t files = bins.columns[i];
    if (files == 0) continue;
    const double height = (kBottom - kTop) * static_cast<double>(files) /
                          static_cast<double>(largest);
    const double x = kLeft + static_cast<double>(i) * column_width + gap / 2;
    const std::int64_t start =
        bins.first_minute +
        static_cast<std::int64_t>(i) * bins.minutes_per_column;
    out += "<rect class=\"bar\" x=\"" + Number(x) + "\" y=\"" +
           Number(kBottom - height) + "\" width=\"" +
           Number(std::max(column_width - gap, 0.5)) + "\" height=\"" +
           Number(height) + "\" fill=\"" + std::string(kBarColour) +
           "\"><title>" + MinuteText(start) + ": " + Digits(files) +
           "</title></rect>";
  }
  if (!bins.columns.empty()) {
    const std::int64_t end =
        bins.first_minute + static_cast<std::int64_t>(bins.columns.size() - 1) *
                                bins.minutes_per_column;
    out += "<text x=\"" + Number(kLeft) + "\" y=\"" + Number(kBottom + 20) +
           "\">" + MinuteText(bins.first_minute) + "</text>";
    out += "<text x=\"" + Number(kRight) + "\" y=\"" + Number(kBottom + 20) +
           "\" text-anchor=\"end\">" + MinuteText(end) + "</text>";
  }
  out += "</svg>";
  return out;
}

}  // namespace kintsugi::scan_report
