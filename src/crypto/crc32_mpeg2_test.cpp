#include "crypto/crc32_mpeg2.h"

#include <gtest/gtest.h>

namespace kintsugi::crypto {
namespace {

// recovery-schemes-2.md §2.4: the published CRC-32/MPEG-2 check value
// validates the table; Babuk's initial value changes only the start.
TEST(Crc32Mpeg2Test, MatchesTheCheckValue) {
  EXPECT_EQ(Crc32Mpeg2(ByteView::FromString("123456789")), 0x0376E6E7u);
  EXPECT_EQ(Crc32Mpeg2({}), 0xFFFFFFFFu);
  EXPECT_EQ(Crc32Mpeg2({}, 0x676E6F64), 0x676E6F64u);
  EXPECT_NE(Crc32Mpeg2(ByteView::FromString("123456789"), 0x676E6F64),
            0x0376E6E7u);
}

// The CRC runs on: two halves from the first's result equal the whole.
TEST(Crc32Mpeg2Test, ContinuesFromAnInitialValue) {
  const ByteView text =
      ByteView::FromString("choung dong looks like hot dog!!");
  const std::uint32_t first = Crc32Mpeg2(text.First(10), 0x676E6F64);
  EXPECT_EQ(Crc32Mpeg2(text.From(10).value(), first),
            Crc32Mpeg2(text, 0x676E6F64));
}

}  // namespace
}  // namespace kintsugi::crypto
