#include "text/decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/utf8.h"

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

TEST(DecodeTextTest, AsciiRunsCountControlCharactersAndPassThrough) {
  // Runs of ASCII longer than a word, broken by control bytes and by
  // multi-byte characters at every alignment.
  std::string text;
  std::size_t printable = 0;
  std::size_t total = 0;
  for (int i = 0; i < 40; ++i) {
    for (int j = 0; j < i % 11; ++j) {
      text += static_cast<char>('a' + j);
      ++printable;
      ++total;
    }
    if (i % 3 == 0) {
      text += '\x01';  // not printable
      ++total;
    } else if (i % 3 == 1) {
      text += "\xC3\xA9";  // é
      ++printable;
      ++total;
    } else {
      text += "\t\x7F";  // printable whitespace, then DEL
      ++printable;
      total += 2;
    }
  }
  const DecodedText decoded = DecodeText(ByteView::FromString(text));
  EXPECT_EQ(decoded.encoding, TextEncoding::kUtf8);
  EXPECT_EQ(decoded.utf8, text);
  EXPECT_EQ(decoded.replacements, 0u);
  EXPECT_DOUBLE_EQ(decoded.printable_ratio,
                   static_cast<double>(printable) / static_cast<double>(total));
}

// Decoding one code point at a time (core/utf8.h), as DecodeText did before
// it copied runs of ASCII whole: what it must still give for UTF-8.
std::string ReferenceUtf8(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = 0xFFFD;
    if (const auto decoded = DecodeUtf8(s, i)) {
      c = decoded->code;
      i += decoded->length;
    } else {
      ++i;
    }
    AppendUtf8(c, out);
  }
  return out;
}

// Inputs of every kind the decoder tells apart: ASCII with controls, valid
// and broken UTF-8, UTF-16 both ways with and without BOM (flawed too),
// Windows-1252, random bytes.
std::vector<Bytes> VariedInputs() {
  std::mt19937 random(14);
  std::vector<Bytes> inputs = {
      {},
      {'a'},
      {0xEF, 0xBB, 0xBF},
      {0xFF, 0xFE},
      {0xFE, 0xFF, 0x00},
      Utf16("Your files are encrypted", true, true),
      Utf16("Your files are encrypted", false, true),
      Utf16("Your files are encrypted", true, false),
      Utf16("Your files are encrypted", false, false),
      {'c', 'a', 'f', 0xE9, ' ', 0x96, ' ', '1', '0', '0', 0x80},
  };
  Bytes flawed = Utf16("abc", true, true);
  flawed.insert(flawed.end(), {0x00, 0xD8, 'd', 0x00, 0x00, 0xDC, 'e'});
  inputs.push_back(flawed);
  const std::vector<std::string> valid = {"ransom ",
                                          "\r\n",
                                          "\x01",
                                          "\x7F",
                                          "\xC3\xA9",
                                          "\xE2\x9C\x93",
                                          "\xF0\x9F\x94\x92",
                                          "12345678",
                                          "\t",
                                          "your files are encrypted "};
  const std::vector<std::string> broken = {"\xC3", "\xED\xA0\x80", "\xC0\xAF",
                                           "\x80"};
  for (int n = 0; n < 300; ++n) {
    // Valid UTF-8; every third with one broken sequence in 500+ bytes (few
    // enough to stay UTF-8), every ninth with many (Windows-1252 then).
    std::string text;
    const std::size_t count = n % 3 == 0 ? 60 + random() % 40 : random() % 60;
    for (std::size_t k = 0; k < count; ++k) {
      text += valid[random() % valid.size()];
      if (n % 9 == 0) text += broken[random() % broken.size()];
    }
    if (n % 3 == 0) {
      text.insert(random() % (text.size() + 1),
                  broken[random() % broken.size()]);
    }
    inputs.push_back(ByteView::FromString(text).ToBytes());
    Bytes noise(random() % 3000);
    for (std::uint8_t& b : noise) b = static_cast<std::uint8_t>(random());
    inputs.push_back(noise);
  }
  return inputs;
}

TEST(DecodeTextTest, Utf8IsDecodedAsOneCodePointAtATimeWould) {
  std::size_t utf8_inputs = 0;
  std::size_t with_replacements = 0;
  for (const Bytes& input : VariedInputs()) {
    const DecodedText decoded = DecodeText(input);
    if (decoded.encoding != TextEncoding::kUtf8 || decoded.had_bom) continue;
    ++utf8_inputs;
    with_replacements += decoded.replacements > 0 ? 1 : 0;
    EXPECT_EQ(decoded.utf8, ReferenceUtf8(ByteView(input).AsChars()));
  }
  EXPECT_GT(utf8_inputs, 200u);
  EXPECT_GT(with_replacements, 50u);
}

// The U+FFFD a whole UTF-8 pass gives, one code point at a time (a
// literal U+FFFD counts too, as in DecodeText).
std::size_t ReferenceReplacements(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto decoded = DecodeUtf8(s, i);
    if (!decoded) {
      ++count;
      ++i;
      continue;
    }
    if (decoded->code == 0xFFFD) ++count;
    i += decoded->length;
  }
  return count;
}

// Windows-1252 exactly when a whole UTF-8 pass would give U+FFFD for 1% of
// the bytes or more (the decoder stops counting once it has seen that
// many), for the varied inputs and for each count around the line.
TEST(DecodeTextTest, TheCodePageIsChosenByTheShareOfBrokenBytes) {
  std::vector<Bytes> inputs = VariedInputs();
  for (const std::size_t size : {1u, 99u, 100u, 101u, 1000u, 1050u, 4096u}) {
    for (std::size_t broken = 0; broken <= size / 100 + 2; ++broken) {
      std::string text(size, 'a');
      for (std::size_t k = 0; k < broken && k < size; ++k) {
        text[(k * 37 + 5) % size] = '\x80';
      }
      inputs.push_back(ByteView::FromString(text).ToBytes());
      text.replace(0, std::min<std::size_t>(3, size), "\xEF\xBF\xBD");
      inputs.push_back(ByteView::FromString(text).ToBytes());
    }
  }
  std::size_t code_page = 0;
  std::size_t utf8 = 0;
  for (const Bytes& input : inputs) {
    const DecodedText decoded = DecodeText(input);
    if (decoded.had_bom || decoded.encoding == TextEncoding::kUtf16Le ||
        decoded.encoding == TextEncoding::kUtf16Be) {
      continue;
    }
    const std::size_t replacements =
        ReferenceReplacements(ByteView(input).AsChars());
    const bool many = replacements != 0 && replacements * 100 >= input.size();
    SCOPED_TRACE(::testing::Message()
                 << input.size() << " bytes, " << replacements << " U+FFFD");
    EXPECT_EQ(decoded.encoding,
              many ? TextEncoding::kWindows1252 : TextEncoding::kUtf8);
    EXPECT_EQ(ProfileText(input).encoding, decoded.encoding);
    if (!many) {
      EXPECT_EQ(decoded.replacements, replacements);
    }
    (many ? code_page : utf8) += 1;
  }
  EXPECT_GT(code_page, 100u);
  EXPECT_GT(utf8, 100u);
}

TEST(DecodeTextTest, ProfileSaysWhatDecodingSays) {
  std::vector<TextEncoding> seen;
  for (const Bytes& input : VariedInputs()) {
    const DecodedText decoded = DecodeText(input);
    const DecodedText profile = ProfileText(input);
    SCOPED_TRACE(input.size());
    EXPECT_EQ(profile.encoding, decoded.encoding);
    EXPECT_EQ(profile.had_bom, decoded.had_bom);
    EXPECT_EQ(profile.replacements, decoded.replacements);
    EXPECT_EQ(profile.printable_ratio, decoded.printable_ratio);
    EXPECT_EQ(profile.utf16_flaw, decoded.utf16_flaw);
    EXPECT_EQ(profile.utf16_flaw_offset, decoded.utf16_flaw_offset);
    EXPECT_TRUE(profile.utf8.empty());
    seen.push_back(decoded.encoding);
  }
  // Every encoding was among the inputs.
  for (const TextEncoding encoding :
       {TextEncoding::kUtf8, TextEncoding::kUtf16Le, TextEncoding::kUtf16Be,
        TextEncoding::kWindows1252}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), encoding), seen.end())
        << TextEncodingName(encoding);
  }
}

}  // namespace
}  // namespace kintsugi::text
