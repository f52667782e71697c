#include "text/markup.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/utf8.h"
#include "text/decode.h"

namespace kintsugi::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool StartsWithCaseless(std::string_view text, std::size_t at,
                        std::string_view prefix) {
  if (text.size() - std::min(at, text.size()) < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = text[at + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Decodes the entity starting at text[at] == '&'; returns the bytes it
// consumed (0 if it is not an entity we know).
std::size_t DecodeEntity(std::string_view text, std::size_t at,
                         std::string& out) {
  static constexpr std::array<std::pair<std::string_view, char32_t>, 14>
      kNamed = {{{"amp;", '&'},
                 {"lt;", '<'},
                 {"gt;", '>'},
                 {"quot;", '"'},
                 {"apos;", '\''},
                 {"nbsp;", ' '},
                 {"copy;", 0xA9},
                 {"reg;", 0xAE},
                 {"euro;", 0x20AC},
                 {"mdash;", 0x2014},
                 {"ndash;", 0x2013},
                 {"laquo;", 0xAB},
                 {"raquo;", 0xBB},
                 {"hellip;", 0x2026}}};
  const std::string_view rest = text.substr(at + 1);
  if (!rest.empty() && rest[0] == '#') {
    std::size_t k = 1;
    const bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
    if (hex) ++k;
    std::uint32_t value = 0;
    std::size_t digits = 0;
    while (k < rest.size() && digits < 8) {
      const char c = rest[k];
      std::uint32_t d = 0;
      if (IsAsciiDigit(c)) {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        break;
      }
      value = value * (hex ? 16u : 10u) + d;
      ++digits;
      ++k;
    }
    if (digits == 0) return 0;
    if (k < rest.size() && rest[k] == ';') ++k;
    AppendUtf8(value == 0 ? kReplacement : static_cast<char32_t>(value), out);
    return k + 1;
  }
  for (const auto& [name, code_point] : kNamed) {
    if (StartsWithCaseless(rest, 0, name)) {
      AppendUtf8(code_point, out);
      return name.size() + 1;
    }
  }
  return 0;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kBlock = {
      "p",  "br", "div", "li", "tr", "h1",    "h2",    "h3",
      "h4", "h5", "h6",  "ul", "ol", "table", "title", "hr"};
  return std::find(kBlock.begin(), kBlock.end(), name) != kBlock.end();
}

}  // namespace

Markup DetectMarkup(std::string_view text) {
  const std::string_view head = text.substr(0, 4096);
  std::size_t start = 0;
  while (start < head.size() &&
         (IsAsciiSpace(head[start]) || head[start] == '\xEF' ||
          head[start] == '\xBB' || head[start] == '\xBF')) {
    ++start;
  }
  if (StartsWithCaseless(head, start, "{\\rtf")) return Markup::kRtf;
  static constexpr std::array<std::string_view, 12> kHtmlSigns = {
      "<html", "<!doctype", "<body",   "<head", "<hta:", "<div",
      "<p>",   "<br",       "<script", "<font", "<span", "<table"};
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] != '<') continue;
    for (const std::string_view sign : kHtmlSigns) {
      if (StartsWithCaseless(head, i, sign)) return Markup::kHtml;
    }
  }
  return Markup::kPlain;
}

std::string StripHtml(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t unclosed_double = 0;
  std::size_t unclosed_single = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      const std::size_t used = DecodeEntity(html, i, out);
      if (used > 0) {
        i += used;
        continue;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '<') {
      out.push_back(c);
      ++i;
      continue;
    }
    // A comment: skip to "-->".
    if (html.substr(i, 4) == "<!--") {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    const bool closing = i + 1 < html.size() && html[i + 1] == '/';
    const std::size_t name_start = i + (closing ? 2 : 1);
    if (name_start >= html.size() ||
        !(IsAsciiAlpha(html[name_start]) || html[name_start] == '!')) {
      out.push_back(c);  // A lone '<' in text.
      ++i;
      continue;
    }
    std::size_t name_end = name_start;
    std::string name;
    while (name_end < html.size() &&
           (IsAsciiAlpha(html[name_end]) || IsAsciiDigit(html[name_end]) ||
            html[name_end] == ':' || html[name_end] == '!')) {
      char n = html[name_end];
      if (n >= 'A' && n <= 'Z') n = static_cast<char>(n - 'A' + 'a');
      if (name.size() < 16) name.push_back(n);
      ++name_end;
    }
    // Skip the tag itself, honouring quoted attribute values. A quote not
    // closed on its own line is a typo (style="width:20%), not a value
    // spanning lines: honoured, it would swallow the note's text up to the
    // next quote, so it counts as a plain character. `unclosed` remembers
    // where such a line ends, so a hostile line is scanned once, not once
    // per tag.
    std::size_t k = name_end;
    while (k < html.size() && html[k] != '>') {
      const char t = html[k];
      if (t == '"' || t == '\'') {
        std::size_t& unclosed = t == '"' ? unclosed_double : unclosed_single;
        if (k >= unclosed) {
          const char ends[] = {t, '\n'};
          const std::size_t end =
              html.find_first_of(std::string_view(ends, 2), k + 1);
          if (end != std::string_view::npos && html[end] == t) {
            k = end + 1;
            continue;
          }
          unclosed = end == std::string_view::npos ? html.size() : end;
        }
      }
      ++k;
    }
    i = k < html.size() ? k + 1 : html.size();
    if (!closing && (name == "script" || name == "style")) {
      // Drop everything up to the matching closing tag.
      const std::string end_tag = "</" + name;
      std::size_t j = i;
      while (j < html.size() && !StartsWithCaseless(html, j, end_tag)) ++j;
      if (j >= html.size()) {
        i = html.size();
      } else {
        const std::size_t gt = html.find('>', j);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
      }
      out.push_back(' ');
      continue;
    }
    out.push_back(IsBlockTag(name) ? '\n' : ' ');
  }
  return out;
}

std::string StripRtf(std::string_view rtf) {
  std::string out;
  out.reserve(rtf.size() / 2);
  // Depth at which a group without text began (0 = none being skipped).
  std::size_t depth = 0;
  std::size_t skip_until_depth = 0;
  std::size_t i = 0;
  static constexpr std::array<std::string_view, 8> kSkipGroups = {
      "fonttbl", "colortbl", "stylesheet", "info",
      "pict",    "object",   "themedata",  "datastore"};
  while (i < rtf.size()) {
    const char c = rtf[i];
    if (c == '{') {
      ++depth;
      ++i;
      continue;
    }
    if (c == '}') {
      if (skip_until_depth != 0 && depth <= skip_until_depth) {
        skip_until_depth = 0;
      }
      if (depth > 0) --depth;
      ++i;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= rtf.size()) break;
      const char n = rtf[i + 1];
      if (n == '\\' || n == '{' || n == '}') {
        if (skip_until_depth == 0) out.push_back(n);
        i += 2;
        continue;
      }
      if (n == '*') {  // An ignorable destination: skip its group.
        if (skip_until_depth == 0) skip_until_depth = depth;
        i += 2;
        continue;
      }
      if (n == '\'') {  // \'hh: a Windows-1252 byte.
        std::uint32_t value = 0;
        std::size_t digits = 0;
        std::size_t k = i + 2;
        while (k < rtf.size() && digits < 2) {
          const char h = rtf[k];
          std::uint32_t d = 0;
          if (IsAsciiDigit(h)) {
            d = static_cast<std::uint32_t>(h - '0');
          } else if (h >= 'a' && h <= 'f') {
            d = static_cast<std::uint32_t>(h - 'a' + 10);
          } else if (h >= 'A' && h <= 'F') {
            d = static_cast<std::uint32_t>(h - 'A' + 10);
          } else {
            break;
          }
          value = value * 16 + d;
          ++digits;
          ++k;
        }
        if (skip_until_depth == 0 && digits == 2) {
          AppendUtf8(Windows1252ToCodePoint(static_cast<std::uint8_t>(value)),
                     out);
        }
        i = k;
        continue;
      }
      if (!IsAsciiAlpha(n)) {  // A control symbol such as "\~".
        if (skip_until_depth == 0 && n == '~') out.push_back(' ');
        i += 2;
        continue;
      }
      std::size_t k = i + 1;
      std::string word;
      while (k < rtf.size() && IsAsciiAlpha(rtf[k])) {
        if (word.size() < 32) word.push_back(rtf[k]);
        ++k;
      }
      if (k < rtf.size() && (rtf[k] == '-' || IsAsciiDigit(rtf[k]))) {
        ++k;
        while (k < rtf.size() && IsAsciiDigit(rtf[k])) ++k;
      }
      if (k < rtf.size() && rtf[k] == ' ') ++k;  // The delimiter.
      if (std::find(kSkipGroups.begin(), kSkipGroups.end(), word) !=
              kSkipGroups.end() &&
          skip_until_depth == 0) {
        skip_until_depth = depth;
      }
      if (skip_until_depth == 0) {
        if (word == "par" || word == "line" || word == "row") {
          out.push_back('\n');
        } else if (word == "tab" || word == "cell") {
          out.push_back(' ');
        }
      }
      i = k;
      continue;
    }
    if (c == '\r' || c == '\n') {  // Source line breaks are not text.
      ++i;
      continue;
    }
    if (skip_until_depth == 0) out.push_back(c);
    ++i;
  }
  return out;
}

std::string PlainText(std::string_view decoded) {
  switch (DetectMarkup(decoded)) {
    case Markup::kHtml:
      return StripHtml(decoded);
    case Markup::kRtf:
      return StripRtf(decoded);
    case Markup::kPlain:
      break;
  }
  return std::string(decoded);
}

std::string FoldText(std::string_view plain) {
  std::string out;
  out.reserve(plain.size());
  bool pending_space = false;
  for (const char raw : plain) {
    const auto u = static_cast<unsigned char>(raw);
    if (u <= 0x20 || u == 0x7F) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

}  // namespace kintsugi::text
