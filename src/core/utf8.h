#pragma once

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Shared by the log sanitiser and the KB writer, which must never
// turn invalid bytes into an escape that does not parse, and by the text
// library that decodes notes (src/text/).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kintsugi {

struct Utf8Char {
  std::uint32_t code = 0;
  std::size_t length = 0;  // 1 to 4 bytes.
};

// The character whose encoding starts at text[at], or nullopt when the bytes
// there are not valid UTF-8 (or `at` is past the end).
std::optional<Utf8Char> DecodeUtf8(std::string_view text, std::size_t at);

// Appends the UTF-8 encoding of `code_point`; a surrogate or a value above
// U+10FFFF becomes U+FFFD, so the output is always valid UTF-8.
void AppendUtf8(char32_t code_point, std::string& out);

}  // namespace kintsugi
