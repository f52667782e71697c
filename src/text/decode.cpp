#include "text/decode.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/utf8.h"

namespace kintsugi::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Windows-1252 code points for bytes 0x80..0x9F (the rest is Latin-1);
// undefined bytes map to U+FFFD.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD};

constexpr bool IsPrintableCodePoint(char32_t c) {
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
  // Writes the counts into `out` once the last code point is added.
  void Finish(DecodedText& out) const {
    out.replacements = replacements;
    out.printable_ratio = total == 0 ? 0.0
                                     : static_cast<double>(printable) /
                                           static_cast<double>(total);
  }
};

// Where decoded code points go: into UTF-8 text (DecodeText), or nowhere
// when only the counts are wanted (ProfileText). One decoder for both, so
// a profile always says what decoding would.
struct TextSink {
  std::string* out;
  void Add(char32_t c) { AppendUtf8(c, *out); }
  void AddAscii(std::string_view run) { out->append(run); }
};
struct NoSink {
  void Add(char32_t /*c*/) {}
  void AddAscii(std::string_view /*run*/) {}
};

// 1 for the ASCII bytes IsPrintableCodePoint accepts.
constexpr std::array<std::uint8_t, 128> kAsciiPrintable = [] {
  std::array<std::uint8_t, 128> table{};
  for (std::size_t b = 0; b < 128; ++b) {
    table[b] = IsPrintableCodePoint(static_cast<char32_t>(b)) ? 1 : 0;
  }
  return table;
}();

// The length of the run of ASCII bytes at the start of `s`.
std::size_t AsciiRun(std::string_view s) {
  std::size_t n = 0;
  while (n + 8 <= s.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + n, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
    n += 8;
  }
  while (n < s.size() && static_cast<std::uint8_t>(s[n]) < 0x80) ++n;
  return n;
}

// Strict UTF-8 (core/utf8.h): an invalid or overlong sequence or a
// surrogate consumes one byte and gives U+FFFD. Runs of ASCII are counted
// and copied whole. Stops once `give_up_at` (> 0) U+FFFD are counted, when
// the caller will not keep the result (the counts are then partial).
template <typename Sink>
DecodedText DecodeUtf8Bytes(std::string_view s, Sink sink,
                            std::size_t give_up_at = SIZE_MAX) {
  DecodedText out;
  out.encoding = TextEncoding::kUtf8;
  Counter counter;
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<std::uint8_t>(s[i]) < 0x80) {
      const std::string_view run = s.substr(i, AsciiRun(s.substr(i)));
      for (const char b : run) {
        counter.printable += kAsciiPrintable[static_cast<std::uint8_t>(b)];
      }
      counter.total += run.size();
      sink.AddAscii(run);
      i += run.size();
      continue;
    }
    char32_t c = kReplacement;
    if (const std::optional<Utf8Char> decoded = DecodeUtf8(s, i)) {
      c = decoded->code;
      i += decoded->length;
    } else {
      ++i;
    }
    counter.Add(c);
    sink.Add(c);
    if (counter.replacements >= give_up_at) break;
  }
  counter.Finish(out);
  return out;
}

// `s` starts `base` bytes into the input (after a BOM): flaw offsets are
// reported in the input's terms.
template <typename Sink>
DecodedText DecodeUtf16(std::span<const std::uint8_t> s, bool little_endian,
                        std::size_t base, Sink sink) {
  DecodedText out;
  out.encoding =
      little_endian ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
  Counter counter;
  auto unit_at = [&](std::size_t i) -> char32_t {
    const std::uint8_t a = s[i];
    const std::uint8_t b = s[i + 1];
    return little_endian ? static_cast<char32_t>(a | (b << 8))
                         : static_cast<char32_t>((a << 8) | b);
  };
  const auto flaw = [&out, base](Utf16Flaw what, std::size_t at) {
    if (out.utf16_flaw != Utf16Flaw::kNone) return;
    out.utf16_flaw = what;
    out.utf16_flaw_offset = base + at;
  };
  std::size_t i = 0;
  while (i + 1 < s.size()) {
    const std::size_t at = i;
    char32_t c = unit_at(i);
    i += 2;
    if (c >= 0xD800 && c <= 0xDBFF) {
      const char32_t low = i + 1 < s.size() ? unit_at(i) : 0;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = kReplacement;  // The next unit is decoded on its own.
        flaw(Utf16Flaw::kUnpairedHigh, at);
      }
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      c = kReplacement;
      flaw(Utf16Flaw::kUnpairedLow, at);
    }
    counter.Add(c);
    sink.Add(c);
  }
  if (i < s.size()) {  // A dangling odd byte.
    counter.Add(kReplacement);
    sink.Add(kReplacement);
    flaw(Utf16Flaw::kOddLength, i);
  }
  counter.Finish(out);
  return out;
}

// For each byte read as Windows-1252: bit 0 printable, bit 1 undefined
// (U+FFFD), as Counter::Add judges its code point.
constexpr std::array<std::uint8_t, 256> kCp1252Class = [] {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t b = 0; b < 256; ++b) {
    const char32_t c = b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80]
                                             : static_cast<char32_t>(b);
    table[b] = static_cast<std::uint8_t>((IsPrintableCodePoint(c) ? 1 : 0) |
                                         (c == kReplacement ? 2 : 0));
  }
  return table;
}();

template <typename Sink>
DecodedText DecodeCp1252(std::span<const std::uint8_t> s, Sink sink) {
  DecodedText out;
  out.encoding = TextEncoding::kWindows1252;
  Counter counter;
  counter.total = s.size();
  for (const std::uint8_t b : s) {
    const std::size_t kind = kCp1252Class[b];
    counter.printable += kind & 1u;
    counter.replacements += kind >> 1u;
  }
  if constexpr (!std::is_same_v<Sink, NoSink>) {
    for (const std::uint8_t b : s) sink.Add(Windows1252ToCodePoint(b));
  }
  counter.Finish(out);
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

std::string_view Utf16FlawName(Utf16Flaw flaw) {
  switch (flaw) {
    case Utf16Flaw::kNone:
      return "";
    case Utf16Flaw::kUnpairedHigh:
      return "unpaired high surrogate";
    case Utf16Flaw::kUnpairedLow:
      return "unpaired low surrogate";
    case Utf16Flaw::kOddLength:
      return "odd number of bytes";
  }
  return "";
}

char32_t Windows1252ToCodePoint(std::uint8_t byte) {
  if (byte >= 0x80 && byte < 0xA0) return kCp1252High[byte - 0x80u];
  return byte;
}

namespace {

// DecodeText, with the decoded text going to the sink `make_sink(skip)`
// makes for the encoding chosen (`skip`: the bytes of a BOM); a fallback
// to Windows-1252 asks for a new one.
template <typename MakeSink>
DecodedText Decode(ByteView bytes, MakeSink make_sink) {
  const std::span<const std::uint8_t> s = bytes.span();
  static constexpr std::uint8_t kUtf8Bom[] = {0xEF, 0xBB, 0xBF};
  DecodedText out;
  if (s.size() >= 3 && std::equal(kUtf8Bom, kUtf8Bom + 3, s.begin())) {
    out = DecodeUtf8Bytes(bytes.AsChars().substr(3), make_sink(3));
    out.had_bom = true;
  } else if (s.size() >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
    out = DecodeUtf16(s.subspan(2), /*little_endian=*/true, 2, make_sink(2));
    out.had_bom = true;
  } else if (s.size() >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
    out = DecodeUtf16(s.subspan(2), /*little_endian=*/false, 2, make_sink(2));
    out.had_bom = true;
  } else if (const auto little_endian = GuessUtf16WithoutBom(s)) {
    out = DecodeUtf16(s, *little_endian, 0, make_sink(0));
  } else {
    // A few stray bytes in otherwise valid UTF-8 stay UTF-8; many (1% of
    // the bytes) mean a single-byte code page, decided as soon as that many
    // are seen: binary data is not decoded whole twice.
    const std::size_t many = std::max<std::size_t>(1, (s.size() + 99) / 100);
    out = DecodeUtf8Bytes(bytes.AsChars(), make_sink(0), many);
    if (out.replacements >= many) {
      out = DecodeCp1252(s, make_sink(0));
    }
  }
  return out;
}

}  // namespace

DecodedText DecodeText(ByteView bytes) {
  std::string utf8;
  DecodedText out = Decode(bytes, [&](std::size_t skip) {
    // A guess at the size (ASCII is copied as is); the fallback to
    // Windows-1252 starts over.
    utf8.clear();
    utf8.reserve(bytes.size() - skip);
    return TextSink{&utf8};
  });
  out.utf8 = std::move(utf8);
  return out;
}

DecodedText ProfileText(ByteView bytes) {
  return Decode(bytes, [](std::size_t /*skip*/) { return NoSink{}; });
}

}  // namespace kintsugi::text
