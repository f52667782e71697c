// The progress bar's text (progress_bar.h).

#include "progress_bar.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kintsugi::cli {
namespace {

constexpr std::size_t kDefaultWidth = 80;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = 1024.0 * kMiB;
// Below this many columns a bar of '#' says too little to be worth it;
// above the most, it only pushes the figures away from the count.
constexpr std::size_t kMinBarColumns = 10;
constexpr std::size_t kMaxBarColumns = 42;

// "12.3"
std::string OneDecimal(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

// "45.2/300.0 MiB" (GiB from 10 GiB on, so the figures stay short).
std::string FormatBytes(std::uint64_t done, std::uint64_t total) {
  const bool gib = static_cast<double>(total) >= 10 * kGiB;
  const double unit = gib ? kGiB : kMiB;
  return OneDecimal(static_cast<double>(done) / unit) + "/" +
         OneDecimal(static_cast<double>(total) / unit) +
         (gib ? " GiB" : " MiB");
}

// Seconds left, from the byte rate (or the file rate when every file is
// empty); nullopt while unknown.
std::optional<double> SecondsLeft(const RecoverProgress& p, double elapsed) {
  if (!(elapsed > 0) || !std::isfinite(elapsed)) return std::nullopt;
  if (p.bytes_total > 0) {
    if (p.bytes_done == 0) return std::nullopt;
    const std::uint64_t left =
        p.bytes_total - std::min(p.bytes_done, p.bytes_total);
    const double rate = static_cast<double>(p.bytes_done) / elapsed;
    return static_cast<double>(left) / rate;
  }
  if (p.files_done == 0) return std::nullopt;
  const std::uint64_t left =
      p.files_total - std::min(p.files_done, p.files_total);
  return static_cast<double>(left) * elapsed /
         static_cast<double>(p.files_done);
}

// "[#####-----]" over `columns` columns (brackets included).
std::string Bar(const RecoverProgress& p, std::size_t columns) {
  const std::size_t inner = columns - 2;
  double fraction =
      p.bytes_total > 0
          ? static_cast<double>(p.bytes_done) /
                static_cast<double>(p.bytes_total)
          : static_cast<double>(p.files_done) /
                static_cast<double>(std::max<std::uint64_t>(1, p.files_total));
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto filled = static_cast<std::size_t>(
      std::floor(fraction * static_cast<double>(inner)));
  return "[" + std::string(filled, '#') + std::string(inner - filled, '-') +
         "]";
}

}  // namespace

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds) ||
      seconds > kMaxShownHours * 3600) {
    return "--";
  }
  const auto whole = static_cast<std::uint64_t>(std::ceil(seconds));
  char text[32];
  std::snprintf(text, sizeof(text), "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
                whole / 3600, whole / 60 % 60, whole % 60);
  return text;
}

std::string RenderProgressBar(const RecoverProgress& progress,
                              double elapsed_seconds, std::size_t width,
                              bool finished) {
  if (progress.files_total == 0) return "";
  if (width == 0) width = kDefaultWidth;
  const std::size_t room = width - 1;  // The last column stays free.

  const std::string files = std::to_string(progress.files_done) + "/" +
                            std::to_string(progress.files_total) + " files";
  const std::string bytes =
      FormatBytes(progress.bytes_done, progress.bytes_total);
  const bool timed = elapsed_seconds > 0 && std::isfinite(elapsed_seconds);
  const std::string rate =
      (timed ? OneDecimal(static_cast<double>(progress.bytes_done) /
                          elapsed_seconds / kMiB)
             : std::string("--")) +
      " MiB/s";
  const std::string eta =
      finished
          ? "done in " + FormatDuration(timed ? elapsed_seconds : 0)
          : "ETA " + FormatDuration(
                         SecondsLeft(progress, elapsed_seconds).value_or(-1));

  // Most important first: files, ETA, rate, bytes; the bar takes what is
  // left. Shown in the order files, bar, bytes, rate, ETA.
  constexpr std::string_view kGap = "  ";
  std::string line = files;
  std::size_t used = files.size();
  bool show_eta = false;
  bool show_rate = false;
  bool show_bytes = false;
  for (auto [part, shown] :
       {std::pair{&eta, &show_eta}, std::pair{&rate, &show_rate},
        std::pair{&bytes, &show_bytes}}) {
    if (used + kGap.size() + part->size() > room) break;
    used += kGap.size() + part->size();
    *shown = true;
  }
  const std::size_t free = room - std::min(room, used);
  const std::size_t bar_columns =
      free >= kGap.size() + kMinBarColumns
          ? std::min(free - kGap.size(), kMaxBarColumns)
          : 0;
  if (bar_columns > 0) line += std::string(kGap) + Bar(progress, bar_columns);
  if (show_bytes) line += std::string(kGap) + bytes;
  if (show_rate) line += std::string(kGap) + rate;
  if (show_eta) line += std::string(kGap) + eta;
  if (line.size() > room) line.resize(room);
  line.append(room - line.size(), ' ');
  return line + (finished ? '\n' : '\r');
}

std::string ClearProgressBar(std::size_t width) {
  if (width == 0) width = kDefaultWidth;
  return "\r" + std::string(width - 1, ' ') + "\r";
}

}  // namespace kintsugi::cli
