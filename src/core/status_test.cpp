#include "kintsugi/status.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/status_table.h"

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

TEST(StatusTest, NewCodesHaveFactoriesAndNames) {
  EXPECT_THAT(UnavailableError("x"), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(UnauthenticatedError("x"),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_EQ(UnavailableError("key store busy").ToString(),
            "unavailable: key store busy");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "unauthenticated");
}

TEST(StatusTableTest, OneRowPerCodeInEnumOrderWithUniqueNames) {
  std::set<std::string_view> names;
  std::size_t i = 0;
  for (const StatusCodeOutcome& row : StatusCodeTable()) {
    EXPECT_EQ(static_cast<std::size_t>(row.code), i++);
    EXPECT_EQ(StatusCodeName(row.code), row.name);
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_EQ(&OutcomeOf(row.code), &row);
  }
  EXPECT_EQ(StatusCodeTable().back().code, StatusCode::kUnauthenticated);
}

TEST(StatusTableTest, OkSucceedsAndEveryFailureFails) {
  for (const StatusCodeOutcome& row : StatusCodeTable()) {
    const bool ok = row.code == StatusCode::kOk;
    EXPECT_EQ(row.exit_code == kExitOk, ok) << row.name;
    EXPECT_EQ(row.http_status == 200, ok) << row.name;
    EXPECT_TRUE(row.http_status >= 200 && row.http_status <= 599) << row.name;
  }
}

TEST(StatusTableTest, ValueOutsideTheEnumIsInternal) {
  const auto bogus = static_cast<StatusCode>(200);
  EXPECT_EQ(OutcomeOf(bogus).code, StatusCode::kInternal);
  EXPECT_EQ(OutcomeOf(bogus).exit_code, kExitInternal);
  EXPECT_EQ(StatusCodeName(bogus), "unknown");
}

// The rows of the table in docs/cli.md that starts with `header`:
// "| `name` | exit | http | ..." -> name -> (exit, http).
std::map<std::string, std::pair<int, int>> DocumentedOutcomes(
    const std::string& header) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::map<std::string, std::pair<int, int>> rows;
  if (root == nullptr) {
    ADD_FAILURE() << "KINTSUGI_SOURCE_ROOT is not set";
    return rows;
  }
  std::ifstream doc(std::string(root) + "/docs/cli.md");
  EXPECT_TRUE(doc.good()) << "cannot read docs/cli.md";
  std::string line;
  while (std::getline(doc, line) && line.rfind(header, 0) != 0) {
  }
  std::getline(doc, line);  // The |---|---| line.
  while (std::getline(doc, line) && line.rfind('|', 0) == 0) {
    // "| `name` | 3 | 400 | meaning |" -> "`name`", "3", "400", ...
    std::vector<std::string> cells;
    std::istringstream cells_in(line.substr(1));
    for (std::string cell; std::getline(cells_in, cell, '|');) {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos
                          ? ""
                          : cell.substr(first, last - first + 1));
    }
    const bool well_formed =
        cells.size() >= 3 && cells[0].size() > 2 && cells[0].front() == '`' &&
        cells[0].back() == '`' && !cells[1].empty() && !cells[2].empty() &&
        cells[1].find_first_not_of("0123456789") == std::string::npos &&
        cells[2].find_first_not_of("0123456789") == std::string::npos;
    EXPECT_TRUE(well_formed) << "bad row: " << line;
    if (!well_formed) continue;
    const std::string name = cells[0].substr(1, cells[0].size() - 2);
    EXPECT_TRUE(rows.emplace(name, std::make_pair(std::stoi(cells[1]),
                                                  std::stoi(cells[2])))
                    .second)
        << "row twice: " << line;
  }
  return rows;
}

TEST(StatusTableTest, MatchesDocsCliMd) {
  const auto documented = DocumentedOutcomes("| Error `code` | Exit | HTTP |");
  ASSERT_EQ(documented.size(), StatusCodeTable().size())
      << "docs/cli.md \"Exit codes\" needs one row per error code";
  for (const StatusCodeOutcome& row : StatusCodeTable()) {
    const auto it = documented.find(std::string(row.name));
    ASSERT_NE(it, documented.end()) << "docs/cli.md lacks " << row.name;
    EXPECT_EQ(it->second.first, row.exit_code)
        << row.name << ": exit code differs from docs/cli.md";
    EXPECT_EQ(it->second.second, row.http_status)
        << row.name << ": HTTP status differs from docs/cli.md";
  }
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
