#pragma once

// Ransom-note text: decoding bytes of unknown encoding into UTF-8, and
// normalising a note (markup stripped, whitespace and case folded) so the
// knowledge base's phrases and the similarity model see the words, not the
// packaging (issue #3, "The engine").

#include <cstddef>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::identify {

enum class TextEncoding : std::uint8_t {
  kUtf8,
  kUtf16Le,
  kUtf16Be,
  kWindows1252,
};

// The stable lowercase name, e.g. "utf-16le".
std::string_view TextEncodingName(TextEncoding encoding);

struct DecodedText {
  std::string utf8;  // Valid UTF-8; undecodable input became U+FFFD.
  TextEncoding encoding = TextEncoding::kUtf8;
  bool had_bom = false;
  std::size_t replacements = 0;  // Code points that became U+FFFD.
  // Share of decoded code points that are printable or ordinary whitespace
  // (0..1): how much this looks like text at all.
  double printable_ratio = 0.0;
};

// Decodes `bytes`: a BOM decides; otherwise UTF-16 without a BOM is
// recognised by its pattern of NUL bytes, then strict UTF-8 is tried, and
// Windows-1252 is the fallback (the usual encoding of Windows notes that are
// not Unicode). Never fails: invalid sequences become U+FFFD.
DecodedText DecodeText(ByteView bytes);

// Markup that a note may be wrapped in.
enum class Markup : std::uint8_t { kPlain, kHtml, kRtf };

// Guesses the markup of decoded text from its first few KiB.
Markup DetectMarkup(std::string_view text);

// Removes HTML/HTA tags (the content of <script> and <style> is dropped, as
// are comments), decodes entities, and turns block tags into line breaks.
std::string StripHtml(std::string_view html);

// Removes RTF control words and groups that carry no text (font tables,
// pictures, \* destinations); \'hh escapes are Windows-1252.
std::string StripRtf(std::string_view rtf);

// The readable text of a decoded note: markup stripped according to
// DetectMarkup. Case and line breaks are kept (addresses are case-sensitive).
std::string PlainText(std::string_view decoded);

// Folds plain text for matching: ASCII letters lowercased, every run of
// whitespace (and NUL or control characters) becomes one space, no leading
// or trailing space. The KB's phrases are folded the same way.
std::string FoldText(std::string_view plain);

// Appends the UTF-8 encoding of `code_point` (U+FFFD for invalid ones).
void AppendUtf8(char32_t code_point, std::string& out);

}  // namespace kintsugi::identify
