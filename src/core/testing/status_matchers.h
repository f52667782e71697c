#pragma once

// GoogleMock matchers for Status and Result<T> (conventions.md: tests name
// the code they expect).
//
//   EXPECT_THAT(fs.Remove(p), IsOk());
//   EXPECT_THAT(view.U32Le(9), StatusIs(StatusCode::kCorrupt));
//   EXPECT_THAT(Parse(x), IsOkAndHolds(42));

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

#include "kintsugi/status.h"

namespace kintsugi {

inline void PrintTo(const Status& status, std::ostream* os) {
  *os << status.ToString();
}

template <typename T>
void PrintTo(const Result<T>& result, std::ostream* os) {
  if (result.has_value()) {
    *os << "value " << ::testing::PrintToString(*result);
  } else {
    *os << result.error().ToString();
  }
}

namespace testing_internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace testing_internal

MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  return testing_internal::GetStatus(arg).ok();
}

MATCHER_P(StatusIs, code,
          std::string(negation ? "does not have" : "has") + " code " +
              std::string(StatusCodeName(code))) {
  const Status status = testing_internal::GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code;
}

MATCHER_P(IsOkAndHolds, matcher,
          negation ? "is not OK or holds another value"
                   : "is OK and holds a matching value") {
  if (!arg.has_value()) {
    *result_listener << "status is " << arg.error().ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                       \
  ASSERT_OK_AND_ASSIGN_IMPL_(KINTSUGI_CONCAT_(kintsugi_test_, __LINE__), lhs, \
                             expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)         \
  auto tmp = (expr);                                       \
  ASSERT_TRUE(tmp.has_value()) << tmp.status().ToString(); \
  lhs = std::move(*tmp)

}  // namespace kintsugi
