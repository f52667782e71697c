#pragma once

// The text of `kintsugi recover`'s progress bar (issue 4, docs/cli.md
// "recover"), kept apart from the terminal and the clock so that every case
// (nothing done yet, empty files, a stalled run, a narrow terminal) is a
// plain unit test.

#include <cstddef>
#include <string>

#include "kintsugi/recover.h"

namespace kintsugi::cli {

// Durations longer than this many hours are shown as unknown ("--"): a
// figure that large says nothing, and it keeps the conversion to an integer
// in range.
inline constexpr double kMaxShownHours = 9999;

// "h:mm:ss" (hours not padded, e.g. "0:03:07", "27:00:00") for a duration in
// seconds, rounded up to the next second; "--" when it is unknown (negative,
// not finite, or over kMaxShownHours).
std::string FormatDuration(double seconds);

// What to write on stderr to show `progress`, `elapsed_seconds` after the
// run began, on a terminal `width` columns wide (0: unknown, 80 assumed).
//
// The line says files done/total, bytes done/total, the rate in MiB/s and
// the ETA ("--" while unknown), with a bar when there is room; on a narrow
// terminal the bar, then the bytes, then the rate are dropped, then the
// line is cut. It never uses the last column (so no terminal wraps it) and
// is padded with spaces so it covers the line it replaces.
//
// While running (`finished` false) the text ends with '\r', leaving the
// cursor at the start of the line for the next update; finished, the ETA
// becomes the time taken and the text ends with '\n'. Empty when there are
// no files (no bar at all).
std::string RenderProgressBar(const RecoverProgress& progress,
                              double elapsed_seconds, std::size_t width,
                              bool finished);

// What to write to wipe a running bar (a run that stops before its last
// file): '\r', spaces over the line, '\r'.
std::string ClearProgressBar(std::size_t width);

}  // namespace kintsugi::cli
