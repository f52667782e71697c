#pragma once

// Text as the scan's HTML report writes it: every string that came from the
// scan's JSON (file names are hostile: a `<script>` in a name must stay
// text) goes through AppendEscaped, in element content and in attribute
// values alike.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kintsugi::scan_report {

// Appends `text` escaped for HTML content and double- or single-quoted
// attribute values: & < > " ' become references; bytes that are not valid
// UTF-8 and control characters other than tab and line feed become U+FFFD,
// so the page stays well formed whatever a path holds.
void AppendEscaped(std::string& out, std::string_view text);

// AppendEscaped into a new string.
std::string Escaped(std::string_view text);

// At most `max_chars` characters of `text` (whole UTF-8 sequences), the
// last being an ellipsis (U+2026) in place of the rest; a label that fits is
// returned as it is.
std::string Shortened(std::string_view text, std::size_t max_chars);

// A count as plain digits ("1234567"): no separators, which differ by
// language, and no exponent.
std::string Digits(std::int64_t value);

}  // namespace kintsugi::scan_report
