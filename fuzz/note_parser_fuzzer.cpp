// Fuzzes ransom-note parsing: decoding (BOM, BOM-less UTF-16, UTF-8,
// Windows-1252), markup stripping (HTML/HTA/RTF), folding, indicator
// extraction and the similarity tokenizer on arbitrary bytes; and that
// ProfileText says of the bytes what DecodeText says (it aborts otherwise).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_target.h"
#include "kintsugi/bytes.h"
#include "text/decode.h"
#include "text/indicators.h"
#include "text/markup.h"
#include "text/shingles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace kintsugi::text;
  const kintsugi::ByteView input(data, size);
  const DecodedText decoded = DecodeText(input);
  const DecodedText profile = ProfileText(input);
  if (profile.encoding != decoded.encoding ||
      profile.had_bom != decoded.had_bom ||
      profile.replacements != decoded.replacements ||
      profile.printable_ratio != decoded.printable_ratio ||
      profile.utf16_flaw != decoded.utf16_flaw ||
      profile.utf16_flaw_offset != decoded.utf16_flaw_offset ||
      !profile.utf8.empty()) {
    std::abort();
  }
  const std::string plain = PlainText(decoded.utf8);
  const std::string folded = FoldText(plain);
  std::size_t sink = ExtractIndicators(plain).size();
  sink += NoteShingles(folded).size();
  // The strippers on raw decoded text too, whatever DetectMarkup says.
  sink += StripHtml(decoded.utf8).size() + StripRtf(decoded.utf8).size();
  return sink == static_cast<std::size_t>(-1) ? 1 : 0;
}
