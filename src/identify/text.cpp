#include "identify/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace kintsugi::identify {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Windows-1252 code points for bytes 0x80..0x9F (the rest is Latin-1);
// undefined bytes map to U+FFFD.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD};

char32_t Cp1252ToCodePoint(std::uint8_t byte) {
  if (byte >= 0x80 && byte < 0xA0) return kCp1252High[byte - 0x80u];
  return byte;
}

bool IsPrintableCodePoint(char32_t c) {
  if (c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') {
    return true;
  }
  if (c < 0x20 || c == 0x7F) return false;
  if (c >= 0x80 && c < 0xA0) return false;
  return c != kReplacement;
}

// Tracks how text-like the decoded code points are.
struct Counter {
  std::size_t total = 0;
  std::size_t printable = 0;
  std::size_t replacements = 0;
  void Add(char32_t c) {
    ++total;
    if (IsPrintableCodePoint(c)) ++printable;
    if (c == kReplacement) ++replacements;
  }
};

// Decodes one UTF-8 sequence at `i`; advances `i`. Invalid or overlong
// sequences and surrogates consume one byte and give U+FFFD.
char32_t NextUtf8(std::span<const std::uint8_t> s, std::size_t& i) {
  const std::uint8_t b0 = s[i];
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t length = 0;
  char32_t c = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    c = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    c = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    c = b0 & 0x07u;
    min = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (s.size() - i < length) {
    ++i;
    return kReplacement;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const std::uint8_t b = s[i + k];
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    c = (c << 6) | (b & 0x3Fu);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += length;
  return c;
}

DecodedText DecodeUtf8(std::span<const std::uint8_t> s) {
  DecodedText out;
  out.encoding = TextEncoding::kUtf8;
  out.utf8.reserve(s.size());
  Counter counter;
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t c = NextUtf8(s, i);
    counter.Add(c);
    AppendUtf8(c, out.utf8);
  }
  out.replacements = counter.replacements;
  out.printable_ratio = counter.total == 0
                            ? 0.0
                            : static_cast<double>(counter.printable) /
                                  static_cast<double>(counter.total);
  return out;
}

DecodedText DecodeUtf16(std::span<const std::uint8_t> s, bool little_endian) {
  DecodedText out;
  out.encoding =
      little_endian ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
  out.utf8.reserve(s.size());
  Counter counter;
  auto unit_at = [&](std::size_t i) -> char32_t {
    const std::uint8_t a = s[i];
    const std::uint8_t b = s[i + 1];
    return little_endian ? static_cast<char32_t>(a | (b << 8))
                         : static_cast<char32_t>((a << 8) | b);
  };
  std::size_t i = 0;
  while (i + 1 < s.size()) {
    char32_t c = unit_at(i);
    i += 2;
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 1 < s.size()) {
        const char32_t low = unit_at(i);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        } else {
          c = kReplacement;
        }
      } else {
        c = kReplacement;
      }
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      c = kReplacement;
    }
    counter.Add(c);
    AppendUtf8(c, out.utf8);
  }
  if (i < s.size()) {  // A dangling odd byte.
    counter.Add(kReplacement);
    AppendUtf8(kReplacement, out.utf8);
  }
  out.replacements = counter.replacements;
  out.printable_ratio = counter.total == 0
                            ? 0.0
                            : static_cast<double>(counter.printable) /
                                  static_cast<double>(counter.total);
  return out;
}

DecodedText DecodeCp1252(std::span<const std::uint8_t> s) {
  DecodedText out;
  out.encoding = TextEncoding::kWindows1252;
  out.utf8.reserve(s.size() + s.size() / 4);
  Counter counter;
  for (const std::uint8_t b : s) {
    const char32_t c = Cp1252ToCodePoint(b);
    counter.Add(c);
    AppendUtf8(c, out.utf8);
  }
  out.replacements = counter.replacements;
  out.printable_ratio = counter.total == 0
                            ? 0.0
                            : static_cast<double>(counter.printable) /
                                  static_cast<double>(counter.total);
  return out;
}

// UTF-16 without a BOM: ASCII-heavy text has a NUL in every other byte.
// Looks at the first 4 KiB: NULs at odd offsets mean little-endian.
std::optional<bool> GuessUtf16WithoutBom(std::span<const std::uint8_t> s) {
  const std::size_t n = std::min<std::size_t>(s.size(), 4096) & ~std::size_t{1};
  if (n < 4) return std::nullopt;
  std::size_t even_nul = 0;
  std::size_t odd_nul = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] != 0) continue;
    if (i % 2 == 0) {
      ++even_nul;
    } else {
      ++odd_nul;
    }
  }
  const std::size_t pairs = n / 2;
  if (odd_nul * 10 >= pairs * 3 && even_nul * 20 <= pairs) return true;
  if (even_nul * 10 >= pairs * 3 && odd_nul * 20 <= pairs) return false;
  return std::nullopt;
}

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

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
    case TextEncoding::kWindows1252:
      return "windows-1252";
  }
  return "unknown";
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacement;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

DecodedText DecodeText(ByteView bytes) {
  const std::span<const std::uint8_t> s = bytes.span();
  static constexpr std::uint8_t kUtf8Bom[] = {0xEF, 0xBB, 0xBF};
  if (bytes.StartsWith(ByteView(kUtf8Bom, 3))) {
    DecodedText out = DecodeUtf8(s.subspan(3));
    out.had_bom = true;
    return out;
  }
  if (s.size() >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
    DecodedText out = DecodeUtf16(s.subspan(2), /*little_endian=*/true);
    out.had_bom = true;
    return out;
  }
  if (s.size() >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
    DecodedText out = DecodeUtf16(s.subspan(2), /*little_endian=*/false);
    out.had_bom = true;
    return out;
  }
  if (const auto little_endian = GuessUtf16WithoutBom(s)) {
    return DecodeUtf16(s, *little_endian);
  }
  DecodedText utf8 = DecodeUtf8(s);
  // A few stray bytes in otherwise valid UTF-8 stay UTF-8; many mean a
  // single-byte code page.
  if (utf8.replacements == 0 || utf8.replacements * 100 < s.size()) {
    return utf8;
  }
  return DecodeCp1252(s);
}

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
    // Skip the tag itself, honouring quoted attribute values.
    std::size_t k = name_end;
    char quote = 0;
    while (k < html.size()) {
      const char t = html[k];
      if (quote != 0) {
        if (t == quote) quote = 0;
      } else if (t == '"' || t == '\'') {
        quote = t;
      } else if (t == '>') {
        break;
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
          AppendUtf8(Cp1252ToCodePoint(static_cast<std::uint8_t>(value)), out);
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

}  // namespace kintsugi::identify
