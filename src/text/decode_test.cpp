#include "text/decode.h"

#include <gtest/gtest.h>

namespace kintsugi::text {
namespace {

Bytes Utf16(std::string_view ascii, bool little_endian, bool bom) {
  Bytes out;
  if (bom) {
    out = little_endian ? Bytes{0xFF, 0xFE} : Bytes{0xFE, 0xFF};
  }
  for (const char c : ascii) {
    const auto b = static_cast<std::uint8_t>(c);
    if (little_endian) {
      out.push_back(b);
      out.push_back(0);
    } else {
      out.push_back(0);
      out.push_back(b);
    }
  }
  return out;
}

TEST(DecodeTextTest, Utf8PassesThrough) {
  const DecodedText text =
      DecodeText(ByteView::FromString("Your files are encrypted \xE2\x9C\x93"));
  EXPECT_EQ(text.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(text.utf8, "Your files are encrypted \xE2\x9C\x93");
  EXPECT_EQ(text.replacements, 0u);
  EXPECT_GT(text.printable_ratio, 0.99);
}

TEST(DecodeTextTest, Utf8BomIsDropped) {
  const DecodedText text = DecodeText(ByteView::FromString("\xEF\xBB\xBFHi"));
  EXPECT_TRUE(text.had_bom);
  EXPECT_EQ(text.utf8, "Hi");
}

TEST(DecodeTextTest, Utf16LittleEndianWithBom) {
  const Bytes bytes = Utf16("All your files", true, true);
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.encoding, TextEncoding::kUtf16Le);
  EXPECT_TRUE(text.had_bom);
  EXPECT_EQ(text.utf8, "All your files");
}

TEST(DecodeTextTest, Utf16LittleEndianWithoutBomIsRecognised) {
  const Bytes bytes = Utf16("\r\n-- KaWaLocker\r\nYour files", true, false);
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.encoding, TextEncoding::kUtf16Le);
  EXPECT_FALSE(text.had_bom);
  EXPECT_EQ(text.utf8, "\r\n-- KaWaLocker\r\nYour files");
}

TEST(DecodeTextTest, Utf16BigEndianWithoutBomIsRecognised) {
  const Bytes bytes = Utf16("Greetings! Your network", false, false);
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.encoding, TextEncoding::kUtf16Be);
  EXPECT_EQ(text.utf8, "Greetings! Your network");
}

TEST(DecodeTextTest, InvalidUtf16BecomesReplacementNotACrash) {
  // A lone low surrogate and a dangling odd byte.
  const Bytes bytes = {0xFF, 0xFE, 'A', 0, 0x00, 0xDC, 'B', 0, 'C'};
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.encoding, TextEncoding::kUtf16Le);
  EXPECT_EQ(text.replacements, 2u);
  EXPECT_EQ(text.utf8,
            "A\xEF\xBF\xBD"
            "B\xEF\xBF\xBD");
}

// Issue 16: one rule for invalid UTF-16, so the decoder names each shape
// of flaw (and where the first one is) for callers to refuse.
TEST(DecodeTextTest, WellFormedUtf16HasNoFlaw) {
  // With a surrogate pair (U+1F600) in the middle.
  const Bytes bytes = {0xFF, 0xFE, 'A', 0, 0x3D, 0xD8, 0x00, 0xDE, 'B', 0};
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.utf16_flaw, Utf16Flaw::kNone);
  EXPECT_EQ(text.utf8,
            "A\xF0\x9F\x98\x80"
            "B");
}

TEST(DecodeTextTest, Utf16FlawsAreNamedWithTheirOffset) {
  struct Case {
    const char* what;
    Bytes bytes;
    Utf16Flaw flaw;
    std::size_t offset;
  };
  const Case cases[] = {
      {"unpaired high, then a letter",
       {0xFF, 0xFE, 'A', 0, 0x3D, 0xD8, 'B', 0},
       Utf16Flaw::kUnpairedHigh,
       4},
      {"unpaired high at the end",
       {0xFF, 0xFE, 'A', 0, 'B', 0, 0x3D, 0xD8},
       Utf16Flaw::kUnpairedHigh,
       6},
      {"unpaired low",
       {0xFE, 0xFF, 0, 'A', 0xDE, 0x00, 0, 'B'},
       Utf16Flaw::kUnpairedLow,
       4},
      {"odd length",
       {0xFF, 0xFE, 'A', 0, 'B', 0, 'C'},
       Utf16Flaw::kOddLength,
       6},
      {"no BOM, unpaired high",
       {'Y', 0, 'o', 0, 'u', 0, 'r', 0, 0x3D, 0xD8, ' ', 0, 'f', 0, 'i', 0},
       Utf16Flaw::kUnpairedHigh,
       8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const DecodedText text = DecodeText(c.bytes);
    EXPECT_TRUE(text.encoding == TextEncoding::kUtf16Le ||
                text.encoding == TextEncoding::kUtf16Be);
    EXPECT_EQ(text.utf16_flaw, c.flaw);
    EXPECT_EQ(text.utf16_flaw_offset, c.offset);
    EXPECT_EQ(text.replacements, 1u);
  }
  EXPECT_EQ(Utf16FlawName(Utf16Flaw::kUnpairedLow), "unpaired low surrogate");
}

TEST(DecodeTextTest, Windows1252Fallback) {
  // "café – 100€" in Windows-1252: not valid UTF-8.
  const Bytes bytes = {'c', 'a', 'f', 0xE9, ' ', 0x96,
                       ' ', '1', '0', '0',  0x80};
  const DecodedText text = DecodeText(bytes);
  EXPECT_EQ(text.encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(text.utf8, "caf\xC3\xA9 \xE2\x80\x93 100\xE2\x82\xAC");
}

TEST(DecodeTextTest, BinaryIsNotPrintable) {
  Bytes bytes;
  for (int i = 0; i < 4096; ++i) {
    bytes.push_back(static_cast<std::uint8_t>((i * 131 + 7) % 256));
  }
  EXPECT_LT(DecodeText(bytes).printable_ratio, 0.9);
}

}  // namespace
}  // namespace kintsugi::text
