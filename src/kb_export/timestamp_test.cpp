// The export's time (docs/exports.md "Determinism"): RFC 3339 in, STIX
// millisecond timestamps out, and the clock read only for --created now.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

TEST(TimestampTest, FormatsMillisecondsInUtc) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(kDefaultCreatedMs), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(951'782'400'007), "2000-02-29T00:00:00.007Z");
  EXPECT_EQ(FormatTimestamp(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
}

TEST(TimestampTest, ParsesRfc3339) {
  EXPECT_THAT(ParseRfc3339("2024-01-01T00:00:00Z"),
              IsOkAndHolds(kDefaultCreatedMs));
  EXPECT_THAT(ParseRfc3339("2024-01-01t00:00:00z"),
              IsOkAndHolds(kDefaultCreatedMs));
  // An offset is taken away: 02:00 at +02:00 is midnight UTC.
  EXPECT_THAT(ParseRfc3339("2024-01-01T02:00:00+02:00"),
              IsOkAndHolds(kDefaultCreatedMs));
  EXPECT_THAT(ParseRfc3339("2023-12-31T23:30:00-00:30"),
              IsOkAndHolds(kDefaultCreatedMs));
  // Fractions: to the millisecond, further digits dropped.
  EXPECT_THAT(ParseRfc3339("2024-01-01T00:00:00.5Z"),
              IsOkAndHolds(kDefaultCreatedMs + 500));
  EXPECT_THAT(ParseRfc3339("2024-01-01T00:00:00.123999Z"),
              IsOkAndHolds(kDefaultCreatedMs + 123));
  EXPECT_THAT(ParseRfc3339("2000-02-29T00:00:00Z"),
              IsOkAndHolds(951'782'400'000));
}

TEST(TimestampTest, RefusesWhatIsNotRfc3339) {
  for (std::string_view bad :
       {"", "2024-01-01", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z",
        "2024-1-01T00:00:00Z", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2016-12-31T23:59:60Z",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0200",
        "2024-01-01T00:00:00Zjunk", "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+00:01", "now"}) {
    EXPECT_THAT(ParseRfc3339(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(TimestampTest, SourceDateEpochIsDecimalSeconds) {
  EXPECT_THAT(ParseSourceDateEpoch("0"), IsOkAndHolds(0));
  EXPECT_THAT(ParseSourceDateEpoch("1704067200"),
              IsOkAndHolds(kDefaultCreatedMs));
  for (std::string_view bad : {"", "-1", "+1", " 1", "1 ", "1.5", "0x10",
                               "253402300800", "99999999999999999999"}) {
    EXPECT_THAT(ParseSourceDateEpoch(bad),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(TimestampTest, CreatedByPrecedenceAndNoClockUnlessAsked) {
  int clock_calls = 0;
  const auto clock = [&clock_calls] {
    ++clock_calls;
    return std::int64_t{1'700'000'000'123};
  };
  EXPECT_THAT(ChooseCreated(std::nullopt, std::nullopt, clock),
              IsOkAndHolds(kDefaultCreatedMs));
  EXPECT_THAT(ChooseCreated(std::nullopt, "86400", clock),
              IsOkAndHolds(86'400'000));
  EXPECT_THAT(ChooseCreated("1970-01-03T00:00:00Z", "86400", clock),
              IsOkAndHolds(172'800'000));
  EXPECT_EQ(clock_calls, 0);
  EXPECT_THAT(ChooseCreated("now", "86400", clock),
              IsOkAndHolds(1'700'000'000'123));
  EXPECT_EQ(clock_calls, 1);
  EXPECT_THAT(ChooseCreated("yesterday", std::nullopt, clock),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ChooseCreated(std::nullopt, "soon", clock),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::kb_export
