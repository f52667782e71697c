#pragma once

// Normalising a decoded note (markup stripped, whitespace and case folded)
// so the knowledge base's phrases and the similarity model see the words,
// not the packaging (issue #3, "The engine").

#include <cstdint>
#include <string>
#include <string_view>

namespace kintsugi::text {

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

}  // namespace kintsugi::text
