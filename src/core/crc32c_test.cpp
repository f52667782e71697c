#include "core/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace kintsugi {
namespace {

TEST(Crc32cTest, StandardCheckValue) {
  // The catalogue's check value for CRC-32/ISCSI: a wrong polynomial,
  // reflection, initial value or final XOR each changes it.
  EXPECT_EQ(Crc32c(ByteView::FromString("123456789")), 0xE3069283u);
}

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 (iSCSI), appendix B.4: 32 bytes of zeros, of 0xFF, ascending.
  Bytes zeros(32, 0x00);
  Bytes ones(32, 0xFF);
  Bytes ascending(32);
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    ascending[i] = static_cast<std::uint8_t>(i);
  }
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(ByteView()), 0u);
}

TEST(Crc32cTest, ExtendEqualsOneRunAtEverySplit) {
  const std::string text = "The journal checksums each record in pieces.";
  const std::uint32_t whole = Crc32c(ByteView::FromString(text));
  for (std::size_t split = 0; split <= text.size(); ++split) {
    const std::uint32_t first =
        Crc32c(ByteView::FromString(std::string_view(text).substr(0, split)));
    EXPECT_EQ(Crc32cExtend(first, ByteView::FromString(
                                      std::string_view(text).substr(split))),
              whole)
        << "split at " << split;
  }
}

TEST(Crc32cTest, EverySingleBitFlipChangesTheChecksum) {
  Bytes data = ByteView::FromString("B /v/a.txt.locked").ToBytes();
  const std::uint32_t original = Crc32c(data);
  for (std::size_t i = 0; i < data.size() * 8; ++i) {
    data[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_NE(Crc32c(data), original) << "bit " << i;
    data[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
  }
}

}  // namespace
}  // namespace kintsugi
