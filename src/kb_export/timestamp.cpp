// The time an export says it was made (docs/exports.md "Determinism"):
// RFC 3339 in, STIX 2.1 §3.2 timestamps out, no clock unless asked.

#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
// 10000-01-01T00:00:00Z: the first instant a four-digit year cannot write.
constexpr std::int64_t kEndMs = 253'402'300'800'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil, valid far beyond 1970-9999).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse (H. Hinnant's civil_from_days).
CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `count` decimal digits at `*at`.
bool Digits(std::string_view text, std::size_t* at, std::size_t count,
            unsigned* out) {
  if (*at + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[*at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  *at += count;
  *out = value;
  return true;
}

bool Literal(std::string_view text, std::size_t* at, char c) {
  if (*at >= text.size() || text[*at] != c) return false;
  ++*at;
  return true;
}

// RFC 3339 §5.6 date-time; false when `text` is anything else.
bool ParseDateTime(std::string_view text, std::int64_t* unix_ms) {
  std::size_t at = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, &at, 4, &year) || !Literal(text, &at, '-') ||
      !Digits(text, &at, 2, &month) || !Literal(text, &at, '-') ||
      !Digits(text, &at, 2, &day)) {
    return false;
  }
  if (at >= text.size() || (text[at] != 'T' && text[at] != 't')) return false;
  ++at;
  if (!Digits(text, &at, 2, &hour) || !Literal(text, &at, ':') ||
      !Digits(text, &at, 2, &minute) || !Literal(text, &at, ':') ||
      !Digits(text, &at, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return false;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const bool east = text[at] == '+';
    ++at;
    unsigned off_hour = 0, off_minute = 0;
    if (!Digits(text, &at, 2, &off_hour) || !Literal(text, &at, ':') ||
        !Digits(text, &at, 2, &off_minute) || off_hour > 23 ||
        off_minute > 59) {
      return false;
    }
    offset_minutes =
        (east ? 1 : -1) * static_cast<std::int64_t>(off_hour * 60 + off_minute);
  } else {
    return false;
  }
  if (at != text.size()) return false;
  const std::int64_t seconds =
      DaysFromCivil(year, month, day) * 86'400 +
      static_cast<std::int64_t>(hour * 3600 + minute * 60 + second) -
      offset_minutes * 60;
  *unix_ms = seconds * 1000 + millis;
  return *unix_ms >= 0 && *unix_ms < kEndMs;
}

}  // namespace

Result<std::int64_t> ParseRfc3339(std::string_view text) {
  std::int64_t unix_ms = 0;
  if (!ParseDateTime(text, &unix_ms)) {
    return InvalidArgumentError(std::string(text));
  }
  return unix_ms;
}

Result<std::int64_t> ParseSourceDateEpoch(std::string_view text) {
  // At most 12 digits: past year 9999 already, and no overflow below.
  if (text.empty() || text.size() > 12) {
    return InvalidArgumentError(std::string(text));
  }
  std::int64_t seconds = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return InvalidArgumentError(std::string(text));
    seconds = seconds * 10 + (c - '0');
  }
  if (seconds * 1000 >= kEndMs) return InvalidArgumentError(std::string(text));
  return seconds * 1000;
}

Result<std::int64_t> ChooseCreated(
    std::optional<std::string_view> flag,
    std::optional<std::string_view> source_date_epoch,
    const std::function<std::int64_t()>& clock) {
  if (flag.has_value()) {
    if (*flag == "now") {
      const std::int64_t now = clock ? clock() : -1;
      if (now < 0 || now >= kEndMs) return InvalidArgumentError("now");
      return now;
    }
    return ParseRfc3339(*flag);
  }
  if (source_date_epoch.has_value()) {
    return ParseSourceDateEpoch(*source_date_epoch);
  }
  return kDefaultCreatedMs;
}

std::string FormatTimestamp(std::int64_t unix_ms) {
  const std::int64_t days =
      (unix_ms >= 0 ? unix_ms : unix_ms - (kMsPerDay - 1)) / kMsPerDay;
  const std::int64_t in_day = unix_ms - days * kMsPerDay;
  const CivilDate date = CivilFromDays(days);
  // Each field fits its width (precondition: a year of four digits).
  const auto field = [](std::int64_t value, std::size_t width) {
    std::string digits = std::to_string(value);
    return std::string(width > digits.size() ? width - digits.size() : 0, '0') +
           digits;
  };
  const std::string text =
      field(date.year, 4) + "-" + field(date.month, 2) + "-" +
      field(date.day, 2) + "T" + field(in_day / 3'600'000, 2) + ":" +
      field(in_day / 60'000 % 60, 2) + ":" + field(in_day / 1000 % 60, 2) +
      "." + field(in_day % 1000, 3) + "Z";
  return text;
}

}  // namespace kintsugi::kb_export
