#include "kintsugi/status.h"

#include <cerrno>
#include <memory>
#include <string>

#include "core/testing/status_matchers.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgumentError("not positive");
  return x;
}

Result<int> Doubled(int x) {
  KINTSUGI_ASSIGN_OR_RETURN(int v, ParsePositive(x));
  return v * 2;
}

Status CheckBoth(int a, int b) {
  KINTSUGI_RETURN_IF_ERROR(ParsePositive(a));
  KINTSUGI_RETURN_IF_ERROR(ParsePositive(b).status());
  return Status::Ok();
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
  EXPECT_THAT(s, IsOk());
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  EXPECT_THAT(CorruptError("x"), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(NotFoundError("x"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(AlreadyExistsError("x"), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_EQ(ResourceExhaustedError("disk full").ToString(),
            "resource_exhausted: disk full");
}

TEST(StatusTest, WithContextPrefixesErrorsOnly) {
  EXPECT_EQ(CorruptError("bad").WithContext("kb/x.yaml:3: ").message(),
            "kb/x.yaml:3: bad");
  EXPECT_TRUE(Status::Ok().WithContext("a: ").ok());
}

TEST(StatusTest, ErrnoMapping) {
  EXPECT_THAT(ErrnoToStatus(ENOSPC, "write"),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(ErrnoToStatus(EACCES, "open"),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(ErrnoToStatus(ENOENT, "open"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ErrnoToStatus(EEXIST, "open"),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(ErrnoToStatus(EIO, "read").message(), HasSubstr("read: "));
}

TEST(ResultTest, HoldsValueOrError) {
  EXPECT_THAT(ParsePositive(3), IsOkAndHolds(3));
  EXPECT_THAT(ParsePositive(-1), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(ParsePositive(-1).value_or(7), 7);
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_THAT(Doubled(4), IsOkAndHolds(8));
  EXPECT_THAT(Doubled(0), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ResultTest, ReturnIfErrorPropagates) {
  EXPECT_THAT(CheckBoth(1, 2), IsOk());
  EXPECT_THAT(CheckBoth(1, -2), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ResultTest, OkStatusIsNotAValidError) {
  Result<int> r = Status::Ok();
  EXPECT_THAT(r, StatusIs(StatusCode::kInternal));
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.has_value());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

}  // namespace
}  // namespace kintsugi
