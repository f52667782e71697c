#include "families/akira/window.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::families::akira {
namespace {

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, std::size_t at, std::size_t n, unsigned& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

bool Mentions(std::string_view line, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return !n.empty() && line.find(n) != std::string_view::npos;
  });
}

}  // namespace

std::string UtcNanos(std::uint64_t ns) {
  const std::uint64_t secs = ns / kNsPerSecond;
  std::int64_t days = static_cast<std::int64_t>(secs / 86400);
  const std::uint64_t rem = secs % 86400;
  // civil_from_days.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02u.%09lluZ",
                static_cast<long long>(y + (m <= 2 ? 1 : 0)), m, d,
                static_cast<unsigned>(rem / 3600),
                static_cast<unsigned>(rem / 60 % 60),
                static_cast<unsigned>(rem % 60),
                static_cast<unsigned long long>(ns % kNsPerSecond));
  return text;
}

std::optional<std::uint64_t> LogLineTime(std::string_view line) {
  // YYYY-MM-DDTHH:MM:SS[.f...][Z]
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(line, 0, 4, y) || line.size() < 19 || line[4] != '-' ||
      !Digits(line, 5, 2, mo) || line[7] != '-' || !Digits(line, 8, 2, d) ||
      (line[10] != 'T' && line[10] != ' ') || !Digits(line, 11, 2, h) ||
      line[13] != ':' || !Digits(line, 14, 2, mi) || line[16] != ':' ||
      !Digits(line, 17, 2, s)) {
    return std::nullopt;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      s > 60) {
    return std::nullopt;
  }
  std::uint64_t fraction = 0;
  std::size_t at = 19;
  if (at < line.size() && line[at] == '.') {
    std::uint64_t scale = kNsPerSecond;
    for (++at; at < line.size() && line[at] >= '0' && line[at] <= '9'; ++at) {
      if (scale > 1) {
        scale /= 10;
        fraction += static_cast<std::uint64_t>(line[at] - '0') * scale;
      }
    }
  }
  const std::int64_t days = DaysFromCivil(y, mo, d);
  const auto secs =
      static_cast<std::uint64_t>(days) * 86400 + h * 3600ULL + mi * 60ULL + s;
  return secs * kNsPerSecond + fraction;
}

Result<std::optional<Window>> ResolveWindow(ReadOnlyFileSystem& fs,
                                            const WindowEvidence& evidence) {
  Window window;
  if (evidence.range) {
    window.first = evidence.range->first;
    window.last = evidence.range->second;
    window.first_from = "--seed-range";
    window.last_from = "--seed-range";
    return std::optional<Window>(window);
  }
  if (!evidence.mtime_ns || *evidence.mtime_ns <= 0) {
    return std::optional<Window>();
  }
  const auto mtime = static_cast<std::uint64_t>(*evidence.mtime_ns);
  if (mtime % kNsPerSecond == 0) {
    window.last = mtime + kNsPerSecond - 1;
    window.last_from =
        "mtime " + UtcNanos(mtime) + " (whole second, as VMFS keeps it) + 1 s";
  } else {
    window.last = mtime;
    window.last_from = "mtime " + UtcNanos(mtime);
  }
  window.first = window.last >= kLookBack ? window.last - kLookBack + 1 : 0;
  window.first_from = "1 s below " + UtcNanos(window.last);
  for (const Path& log : evidence.logs) {
    KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(log));
    std::uint64_t offset = 0;
    std::uint64_t line_number = 0;
    std::string pending;
    Bytes buffer(1 << 16);
    bool at_end = false;
    while (!at_end) {
      std::size_t got = 0;
      if (offset < kMaxLogBytes) {
        KINTSUGI_ASSIGN_OR_RETURN(got, file->ReadAt(offset, buffer));
      }
      at_end = got == 0;
      offset += got;
      pending.append(reinterpret_cast<const char*>(buffer.data()), got);
      std::size_t start = 0;
      while (start < pending.size()) {
        std::size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) {
          if (!at_end) break;
          nl = pending.size();
        }
        ++line_number;
        const std::string_view line(pending.data() + start, nl - start);
        start = nl + 1;
        const auto when = LogLineTime(line);
        if (!when || *when > window.last || *when <= window.first) continue;
        if (!Mentions(line, evidence.names)) continue;
        // Logged to the millisecond or finer: the event was at or after
        // the time written.
        window.first = *when;
        window.first_from = log.filename().string() + " line " +
                            std::to_string(line_number) + " (" +
                            UtcNanos(*when) + ")";
      }
      pending.erase(0, std::min(start, pending.size()));
      if (pending.size() > (1 << 20)) pending.clear();  // A runaway line.
    }
  }
  return std::optional<Window>(window);
}

}  // namespace kintsugi::families::akira
