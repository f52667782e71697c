// Escaping and shortening of the report's text (html_text.h).

#include "scan/report/html_text.h"

#include <optional>

#include "core/utf8.h"

namespace kintsugi::scan_report {

void AppendEscaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<Utf8Char> c = DecodeUtf8(text, i);
    if (!c) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8.
      ++i;
      continue;
    }
    const std::uint32_t code = c->code;
    switch (code) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if ((code < 0x20 && code != '\t' && code != '\n') ||
            (code >= 0x7F && code < 0xA0)) {
          out += "\xEF\xBF\xBD";
        } else {
          out.append(text.substr(i, c->length));
        }
    }
    i += c->length;
  }
}

std::string Escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text);
  return out;
}

std::string Shortened(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = 0;  // Byte offset after `max_chars - 1` characters.
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<Utf8Char> c = DecodeUtf8(text, i);
    const std::size_t length = c ? c->length : 1;
    ++chars;
    if (chars + 1 == max_chars) cut = i + length;
    i += length;
  }
  if (chars <= max_chars) return std::string(text);
  constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
  if (max_chars < 2) return std::string(kEllipsis);
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

std::string Digits(std::int64_t value) { return std::to_string(value); }

}  // namespace kintsugi::scan_report
