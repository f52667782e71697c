#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace kintsugi {
namespace {

std::optional<std::uint32_t> Code(std::string_view text) {
  const auto c = DecodeUtf8(text, 0);
  if (!c || c->length != text.size()) return std::nullopt;
  return c->code;
}

TEST(DecodeUtf8Test, ValidCharactersOfEveryLength) {
  EXPECT_EQ(Code("A"), 0x41u);
  EXPECT_EQ(Code("\xc3\xa9"), 0xe9u);
  EXPECT_EQ(Code("\xe2\x82\xac"), 0x20acu);
  EXPECT_EQ(Code("\xf0\x9f\x94\x91"), 0x1f511u);
  EXPECT_EQ(Code("\xf4\x8f\xbf\xbf"), 0x10ffffu);
}

TEST(DecodeUtf8Test, RejectsWhatRfc3629Forbids) {
  for (const char* bad : {
           "\x80",              // Continuation byte as a lead.
           "\xc0\x80",          // Overlong NUL.
           "\xe0\x80\xaf",      // Overlong '/'.
           "\xed\xa0\x80",      // Surrogate U+D800.
           "\xf4\x90\x80\x80",  // U+110000.
           "\xf8\x88\x80\x80",  // Five-byte lead.
           "\xff",              // Never valid.
           "\xe2\x82",          // Cut short.
           "\xc3\x41",          // Bad continuation.
       }) {
    EXPECT_FALSE(DecodeUtf8(bad, 0).has_value()) << bad;
  }
  EXPECT_FALSE(DecodeUtf8("", 0).has_value());
  EXPECT_FALSE(DecodeUtf8("a", 1).has_value());
}

TEST(AppendUtf8Test, EncodesEveryLengthAndReadsBack) {
  for (const char32_t code : {U'A', U'\u00e9', U'\u20ac', U'\U0001F512'}) {
    std::string out;
    AppendUtf8(code, out);
    const std::optional<Utf8Char> back = DecodeUtf8(out, 0);
    ASSERT_TRUE(back.has_value()) << static_cast<std::uint32_t>(code);
    EXPECT_EQ(back->code, static_cast<std::uint32_t>(code));
    EXPECT_EQ(back->length, out.size());
  }
}

TEST(AppendUtf8Test, SurrogatesAndOutOfRangeBecomeReplacement) {
  for (const char32_t code :
       {char32_t{0xD800}, char32_t{0xDFFF}, char32_t{0x110000}}) {
    std::string out;
    AppendUtf8(code, out);
    EXPECT_EQ(out, "\xef\xbf\xbd") << static_cast<std::uint32_t>(code);
  }
}

}  // namespace
}  // namespace kintsugi
