#include "kintsugi/bytes.h"

#include <cstdint>
#include <limits>

#include "core/testing/status_matchers.h"

namespace kintsugi {
namespace {

const Bytes kData = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

TEST(ByteViewTest, ReadsBothEndians) {
  ByteView v(kData);
  EXPECT_THAT(v.U8(8), IsOkAndHolds(0x09));
  EXPECT_THAT(v.U16Le(0), IsOkAndHolds(0x0201));
  EXPECT_THAT(v.U16Be(0), IsOkAndHolds(0x0102));
  EXPECT_THAT(v.U32Le(1), IsOkAndHolds(0x05040302u));
  EXPECT_THAT(v.U32Be(1), IsOkAndHolds(0x02030405u));
  EXPECT_THAT(v.U64Le(1), IsOkAndHolds(0x0908070605040302ull));
  EXPECT_THAT(v.U64Be(0), IsOkAndHolds(0x0102030405060708ull));
}

TEST(ByteViewTest, ReadsPastTheEndFailAsCorrupt) {
  ByteView v(kData);
  EXPECT_THAT(v.U8(9), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(v.U32Le(6), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(v.U64Be(2), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(ByteView().U8(0), StatusIs(StatusCode::kCorrupt));
}

TEST(ByteViewTest, SubViewsNeverOverrunEvenWithHugeOffsets) {
  ByteView v(kData);
  EXPECT_THAT(v.Sub(2, 7), IsOk());
  EXPECT_THAT(v.Sub(2, 8), StatusIs(StatusCode::kCorrupt));
  const std::size_t huge = std::numeric_limits<std::size_t>::max();
  EXPECT_THAT(v.Sub(huge, 2), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(v.Sub(2, huge), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(v.From(10), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(v.Tail(10), StatusIs(StatusCode::kCorrupt));
  ASSERT_OK_AND_ASSIGN(ByteView tail, v.Tail(2));
  EXPECT_EQ(tail, ByteView(Bytes{0x08, 0x09}));
  ASSERT_OK_AND_ASSIGN(ByteView rest, v.From(9));
  EXPECT_TRUE(rest.empty());
}

TEST(ByteViewTest, ClampedHeadAndTail) {
  ByteView v(kData);
  EXPECT_EQ(v.First(3).size(), 3u);
  EXPECT_EQ(v.First(100).size(), 9u);
  EXPECT_EQ(v.Last(2), ByteView(Bytes{0x08, 0x09}));
  EXPECT_EQ(v.Last(100).size(), 9u);
}

TEST(ByteViewTest, SearchAndCompare) {
  ByteView v = ByteView::FromString("hello !DMALOCK world");
  EXPECT_TRUE(v.StartsWith(ByteView::FromString("hello")));
  EXPECT_FALSE(v.StartsWith(ByteView::FromString("hello !DMALOCK world!")));
  EXPECT_TRUE(v.EndsWith(ByteView::FromString("world")));
  EXPECT_EQ(v.Find(ByteView::FromString("!DMALOCK")), 6u);
  EXPECT_EQ(v.Find(ByteView::FromString("!DMALOCK"), 7), std::nullopt);
  EXPECT_FALSE(v.MatchesAt(18, ByteView::FromString("ld!")));
  EXPECT_EQ(v.AsChars(), "hello !DMALOCK world");
}

TEST(ByteViewTest, FindInBinaryBytes) {
  const Bytes hay = {0x00, 0xFF, 0x00, 0xFF, 0x00, 0x80, 0x00, 0x00};
  const ByteView v(hay);
  EXPECT_EQ(v.Find(ByteView(Bytes{0x00, 0x80})), 4u);
  EXPECT_EQ(v.Find(ByteView(Bytes{0x00, 0xFF}), 1), 2u);
  EXPECT_EQ(v.Find(ByteView(Bytes{0x00, 0x00})), 6u);  // at the very end
  EXPECT_EQ(v.Find(ByteView(Bytes{0x00, 0x00, 0x01})), std::nullopt);
  EXPECT_EQ(v.Find(ByteView(Bytes{0xFF}), 4), std::nullopt);
  EXPECT_EQ(v.Find(ByteView(), 8), 8u);
  EXPECT_EQ(v.Find(ByteView(), 9), std::nullopt);
  EXPECT_EQ(ByteView().Find(ByteView(Bytes{0x00})), std::nullopt);
  const Bytes longer(9, 0x00);
  EXPECT_EQ(v.Find(ByteView(longer)), std::nullopt);
}

TEST(ByteReaderTest, SequentialReadsStopAtTheEnd) {
  ByteReader r{ByteView(kData)};
  EXPECT_THAT(r.ReadU32Le(), IsOkAndHolds(0x04030201u));
  EXPECT_THAT(r.Skip(3), IsOk());
  EXPECT_EQ(r.remaining(), 2u);
  EXPECT_THAT(r.ReadU32Be(), StatusIs(StatusCode::kCorrupt));
  EXPECT_EQ(r.position(), 7u);  // A failed read does not move the cursor.
  EXPECT_THAT(r.ReadU16Be(), IsOkAndHolds(0x0809));
  EXPECT_TRUE(r.AtEnd());
  EXPECT_THAT(r.ReadBytes(1), StatusIs(StatusCode::kCorrupt));
}

TEST(HexTest, RoundTrip) {
  EXPECT_EQ(ToHex(ByteView(kData)), "010203040506070809");
  EXPECT_THAT(FromHex("3A822c03"), IsOkAndHolds(Bytes{0x3a, 0x82, 0x2c, 0x03}));
  EXPECT_THAT(FromHex("abc"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FromHex("zz"), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi
