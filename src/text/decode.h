#pragma once

// Ransom-note text: decoding bytes of unknown encoding into UTF-8 (issue #3,
// "The engine"; issue #8: one text library for identify and the KB
// importer, so both read a note the same way).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::text {

enum class TextEncoding : std::uint8_t {
  kUtf8,
  kUtf16Le,
  kUtf16Be,
  kWindows1252,
};

// The stable lowercase name, e.g. "utf-16le".
std::string_view TextEncodingName(TextEncoding encoding);

// What makes UTF-16 input ill-formed (RFC 2781 §2.2), the first one found.
enum class Utf16Flaw : std::uint8_t {
  kNone,
  kUnpairedHigh,  // D800..DBFF not followed by DC00..DFFF (or at the end).
  kUnpairedLow,   // DC00..DFFF not preceded by a high surrogate.
  kOddLength,     // A byte left over after the last whole code unit.
};

// "unpaired high surrogate", "unpaired low surrogate", "odd number of
// bytes"; "" for kNone.
std::string_view Utf16FlawName(Utf16Flaw flaw);

struct DecodedText {
  std::string utf8;  // Valid UTF-8; undecodable input became U+FFFD.
  TextEncoding encoding = TextEncoding::kUtf8;
  bool had_bom = false;
  std::size_t replacements = 0;  // Code points that became U+FFFD.
  // Share of decoded code points that are printable or ordinary whitespace
  // (0..1): how much this looks like text at all.
  double printable_ratio = 0.0;
  // UTF-16 input only: its first flaw, which decoding turned into U+FFFD,
  // and the flaw's byte offset in the input given (a BOM included).
  // Callers that hold the whole text refuse flawed UTF-16 (docs/cli.md
  // "identify"); the decoder itself never fails.
  Utf16Flaw utf16_flaw = Utf16Flaw::kNone;
  std::size_t utf16_flaw_offset = 0;
};

// Decodes `bytes`: a BOM decides; otherwise UTF-16 without a BOM is
// recognised by its pattern of NUL bytes, then strict UTF-8 is tried, and
// Windows-1252 is the fallback (the usual encoding of Windows notes that are
// not Unicode). Never fails: invalid sequences become U+FFFD.
DecodedText DecodeText(ByteView bytes);

// What DecodeText says of `bytes` (encoding, BOM, replacements, printable
// ratio, UTF-16 flaw), without the text: `utf8` stays empty. For callers
// that only judge whether bytes are text, at a fraction of the cost.
DecodedText ProfileText(ByteView bytes);

// The code point of one Windows-1252 byte (RTF's \'hh escapes use it too);
// the five undefined bytes give U+FFFD.
char32_t Windows1252ToCodePoint(std::uint8_t byte);

}  // namespace kintsugi::text
