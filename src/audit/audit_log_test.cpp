// The audit log without a database: action names, the entry hash against
// an independent computation (docs/audit-log.md §2), canonical details,
// record checks, and the chain check over rows made here (§3).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log_internal.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/audit.h"
#include "kintsugi/limits.h"

namespace kintsugi::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(AuditActionTest, EveryActionHasAStableNameThatParsesBack) {
  std::set<std::string_view> names;
  for (const AuditAction action : AllAuditActions()) {
    const std::string_view name = AuditActionName(action);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_THAT(ParseAuditAction(name), IsOkAndHolds(action));
  }
  EXPECT_EQ(names.size(), 15u);
  // Stored and hashed: these never change (docs/audit-log.md §1).
  EXPECT_EQ(AuditActionName(AuditAction::kLogin), "login");
  EXPECT_EQ(AuditActionName(AuditAction::kLoginFailed), "login-failed");
  EXPECT_EQ(AuditActionName(AuditAction::kReviewApprove), "review-approve");
  EXPECT_EQ(AuditActionName(AuditAction::kKeyImport), "key-import");
  EXPECT_EQ(AuditActionName(AuditAction::kEmbargoLift), "embargo-lift");
  EXPECT_EQ(AuditActionName(AuditAction::kWithdraw), "withdraw");
  EXPECT_THAT(ParseAuditAction("Login"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseAuditAction(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(AuditActionTest, FaultNames) {
  EXPECT_EQ(AuditFaultName(AuditFault::kEdited), "edited");
  EXPECT_EQ(AuditFaultName(AuditFault::kRemoved), "removed");
  EXPECT_EQ(AuditFaultName(AuditFault::kReordered), "reordered");
  EXPECT_EQ(AuditFaultName(AuditFault::kTruncated), "truncated");
}

AuditHash Filled(std::uint8_t byte) {
  AuditHash hash;
  hash.fill(byte);
  return hash;
}

TEST(AuditHashTest, KnownAnswersOfTheDocumentedEncoding) {
  // Computed apart from this code (Python's hashlib over the bytes of
  // docs/audit-log.md §2), so a change of the encoding fails here.
  AuditEntry first;
  first.seq = 1;
  first.time = "2026-12-04T01:02:03Z";
  first.actor = "cli";
  first.action = AuditAction::kKeyImport;
  first.object = "key-dump/keys.jsonl";
  first.detail = R"({"families":{"stop-djvu":2},"file":"keys.jsonl","keys":2})";
  EXPECT_EQ(AuditHashHex(AuditEntryHash(first)),
            "3d9b326d6caf56d6536dc23fcdc8c818dab1920890bd8aaa5731bab8554f998a");

  AuditEntry second;
  second.seq = 2;
  second.time = "2026-12-04T01:02:03Z";
  second.actor = "alice";
  second.organisation = "CERT-EU";
  second.action = AuditAction::kReviewApprove;
  second.object = "submission/12";
  second.detail = "{}";
  second.prev_hash = Filled(0x11);
  EXPECT_EQ(AuditHashHex(AuditEntryHash(second)),
            "a6534911ca11bb780952613afeb1d832a4eef8b9be920c3620b1a7238e14bc93");
  // The stored-fields form is the same function.
  EXPECT_EQ(AuditEntryHash(2, second.time, "alice", "CERT-EU", "review-approve",
                           "submission/12", "{}", Filled(0x11)),
            AuditEntryHash(second));
}

TEST(AuditHashTest, EveryFieldCountsAndLengthsSeparateThem) {
  const AuditHash base =
      AuditEntryHash(3, "t", "a", "o", "login", "x", "{}", AuditHash{});
  std::set<std::string> seen = {AuditHashHex(base)};
  for (const AuditHash& other :
       {AuditEntryHash(4, "t", "a", "o", "login", "x", "{}", AuditHash{}),
        AuditEntryHash(3, "u", "a", "o", "login", "x", "{}", AuditHash{}),
        AuditEntryHash(3, "t", "b", "o", "login", "x", "{}", AuditHash{}),
        AuditEntryHash(3, "t", "a", "p", "login", "x", "{}", AuditHash{}),
        AuditEntryHash(3, "t", "a", "o", "logout", "x", "{}", AuditHash{}),
        AuditEntryHash(3, "t", "a", "o", "login", "y", "{}", AuditHash{}),
        AuditEntryHash(3, "t", "a", "o", "login", "x", "{ }", AuditHash{}),
        AuditEntryHash(3, "t", "a", "o", "login", "x", "{}", Filled(1)),
        // The same bytes split differently between two fields.
        AuditEntryHash(3, "t", "ao", "", "login", "x", "{}", AuditHash{})}) {
    EXPECT_TRUE(seen.insert(AuditHashHex(other)).second);
  }
}

TEST(AuditHashTest, HexRoundTrips) {
  const AuditHash hash = Filled(0xab);
  std::string twice;
  for (int i = 0; i < 32; ++i) twice += "ab";
  EXPECT_EQ(AuditHashHex(hash), twice);
  EXPECT_THAT(ParseAuditHashHex(AuditHashHex(hash)), IsOkAndHolds(hash));
  EXPECT_THAT(ParseAuditHashHex(std::string(64, 'A')),
              IsOkAndHolds(Filled(0xaa)));
  for (const std::string& bad :
       {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
        std::string(""), std::string(62, 'a') + " a"}) {
    EXPECT_THAT(ParseAuditHashHex(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(AuditDetailTest, DetailsAreCanonical) {
  EXPECT_THAT(CanonicalAuditDetail(""), IsOkAndHolds("{}"));
  EXPECT_THAT(CanonicalAuditDetail(" { } "), IsOkAndHolds("{}"));
  EXPECT_THAT(
      CanonicalAuditDetail(R"({ "b": [1, 2], "a": {"z": "é", "y": null} })"),
      IsOkAndHolds(R"({"a":{"y":null,"z":"é"},"b":[1,2]})"));
  // A repeated name: the last value counts (docs/audit-log.md §2).
  EXPECT_THAT(CanonicalAuditDetail(R"({"a": 1, "a": 2})"),
              IsOkAndHolds(R"({"a":2})"));
  EXPECT_THAT(CanonicalAuditDetail(R"({"reason": "line\nbreak \u00e9"})"),
              IsOkAndHolds(R"({"reason":"line\nbreak é"})"));
}

TEST(AuditDetailTest, OnlyAJsonObjectIsADetail) {
  for (const char* bad : {"[]", "1", "\"text\"", "{", "{} {}", "{\"a\":}",
                          "null", "{\"a\": \"\xff\"}"}) {
    EXPECT_THAT(CanonicalAuditDetail(bad),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(AuditDetailTest, SecretsAreRefusedAtAnyDepth) {
  for (const char* bad :
       {R"({"password": "hunter2"})", R"({"user": {"totp": "123456"}})",
        R"({"keys": [{"key": "00ff"}]})", R"({"token": "abc"})",
        R"({"secret": 1})", R"({"private_key": "-----BEGIN"})"}) {
    const auto canonical = CanonicalAuditDetail(bad);
    EXPECT_THAT(canonical, StatusIs(StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(canonical.status().message(), HasSubstr("password"));
  }
  // Names that only contain such a word are fine.
  EXPECT_THAT(CanonicalAuditDetail(R"({"keys": 3, "token_id": "t-1"})"),
              IsOk());
}

TEST(AuditDetailTest, LimitsAreResourceExhausted) {
  const std::string big = "{\"reason\": \"" +
                          std::string(limits::kMaxAuditDetailBytes, 'x') +
                          "\"}";
  EXPECT_THAT(CanonicalAuditDetail(big),
              StatusIs(StatusCode::kResourceExhausted));
  std::string deep = "{\"a\": ";
  for (std::size_t i = 0; i < limits::kMaxAuditDetailDepth; ++i) deep += "[";
  for (std::size_t i = 0; i < limits::kMaxAuditDetailDepth; ++i) deep += "]";
  deep += "}";
  EXPECT_THAT(CanonicalAuditDetail(deep),
              StatusIs(StatusCode::kResourceExhausted));
  // Brackets inside strings do not count.
  EXPECT_THAT(CanonicalAuditDetail(R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[["})"),
              IsOk());
}

AuditRecord Record() {
  AuditRecord record;
  record.actor = "alice";
  record.organisation = "CERT-EU";
  record.action = AuditAction::kSubmit;
  record.object = "submission/12";
  return record;
}

TEST(AuditRecordTest, WhatEveryBackendRefuses) {
  EXPECT_THAT(ValidateAuditRecord(Record()), IsOk());
  AuditRecord record = Record();
  record.actor = "";
  EXPECT_THAT(ValidateAuditRecord(record),
              StatusIs(StatusCode::kInvalidArgument));
  record = Record();
  record.action = static_cast<AuditAction>(200);
  EXPECT_THAT(ValidateAuditRecord(record),
              StatusIs(StatusCode::kInvalidArgument));
  for (const std::string& bad :
       {std::string("a\nb"), std::string("a\tb"), std::string("a\0b", 3),
        std::string("\xc3"), std::string("a\x7f"), std::string("a\xc2\x85")}) {
    record = Record();
    record.object = bad;
    EXPECT_THAT(ValidateAuditRecord(record),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  record = Record();
  record.organisation = std::string(limits::kMaxAuditTextBytes + 1, 'o');
  EXPECT_THAT(ValidateAuditRecord(record),
              StatusIs(StatusCode::kResourceExhausted));
  record = Record();
  record.detail = R"({"password": "x"})";
  EXPECT_THAT(ValidateAuditRecord(record),
              StatusIs(StatusCode::kInvalidArgument));
  record = Record();
  record.actor = "Zoë";
  EXPECT_THAT(ValidateAuditRecord(record), IsOk());
}

TEST(AuditTimeTest, UtcRfc3339ToTheSecond) {
  using namespace std::chrono;
  const auto when = sys_days(year(2026) / December / 4) + hours(1) +
                    minutes(2) + seconds(3) + milliseconds(999);
  EXPECT_EQ(AuditTime(when), "2026-12-04T01:02:03Z");
  EXPECT_EQ(AuditTime(system_clock::time_point()), "1970-01-01T00:00:00Z");
}

// A chain of `count` good entries, as a backend would store them.
struct Row {
  std::int64_t seq;
  std::string time = "2026-12-04T01:02:03Z";
  std::string actor = "alice";
  std::string action = "login";
  std::string detail = "{}";
  AuditHash prev{};
  AuditHash hash{};

  StoredEntry Stored() const {
    StoredEntry stored;
    stored.seq = seq;
    stored.time = time;
    stored.actor = actor;
    stored.action = action;
    stored.detail = detail;
    stored.prev_hash = ByteView(prev.data(), prev.size());
    stored.hash = ByteView(hash.data(), hash.size());
    return stored;
  }
  void Seal() {
    hash = AuditEntryHash(static_cast<std::uint64_t>(seq), time, actor, "",
                          action, "", detail, prev);
  }
};

std::vector<Row> Chain(int count) {
  std::vector<Row> rows;
  AuditHash prev{};
  for (int i = 1; i <= count; ++i) {
    Row row{i};
    row.actor = "user" + std::to_string(i);
    row.prev = prev;
    row.Seal();
    prev = row.hash;
    rows.push_back(row);
  }
  return rows;
}

AuditVerification Check(const std::vector<Row>& rows,
                        std::optional<AuditHash> expected = std::nullopt) {
  ChainCheck check(expected);
  for (const Row& row : rows) check.Add(row.Stored());
  return check.Finish();
}

TEST(ChainCheckTest, AGoodChainHoldsWithItsCountAndHead) {
  const auto rows = Chain(5);
  const AuditVerification verification = Check(rows);
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 5u);
  EXPECT_EQ(verification.head, rows.back().hash);
  const AuditVerification empty = Check({});
  EXPECT_TRUE(empty.intact());
  EXPECT_EQ(empty.entries, 0u);
  EXPECT_EQ(empty.head, AuditHash{});
}

TEST(ChainCheckTest, TheFirstBadEntryIsNamedWithWhy) {
  auto rows = Chain(5);
  rows[2].actor = "mallory";     // Entry 3 edited.
  rows[3].detail = "{\"x\":1}";  // And entry 4: only the first counts.
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{3, AuditFault::kEdited}));

  rows = Chain(5);
  rows.erase(rows.begin() + 1);  // Entry 2 removed.
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{2, AuditFault::kRemoved}));
  rows = Chain(5);
  rows.erase(rows.begin());  // Entry 1 removed.
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{1, AuditFault::kRemoved}));

  rows = Chain(5);
  std::swap(rows[1].seq, rows[2].seq);  // Entries 2 and 3 swapped.
  std::swap(rows[1], rows[2]);
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{2, AuditFault::kReordered}));

  rows = Chain(5);
  rows[2].actor = "mallory";  // Entry 3 rewritten with a new hash.
  rows[2].Seal();
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{4, AuditFault::kReordered}));

  rows = Chain(5);
  rows[4].hash[0] ^= 1;  // The last entry's stored hash.
  EXPECT_THAT(Check(rows).first_bad,
              Optional(AuditBreak{5, AuditFault::kEdited}));
}

TEST(ChainCheckTest, ATruncatedTailIsFoundOnlyAgainstAnExpectedHead) {
  const auto full = Chain(5);
  auto rows = full;
  rows.resize(3);
  EXPECT_TRUE(Check(rows).intact());  // Alone, a clean cut looks fine.
  EXPECT_THAT(Check(rows, full.back().hash).first_bad,
              Optional(AuditBreak{4, AuditFault::kTruncated}));
  // A head recorded earlier: the log may have grown since.
  EXPECT_TRUE(Check(full, full[2].hash).intact());
  EXPECT_TRUE(Check(full, full.back().hash).intact());
  EXPECT_TRUE(Check(full, AuditHash{}).intact());
  EXPECT_THAT(Check({}, full[0].hash).first_bad,
              Optional(AuditBreak{1, AuditFault::kTruncated}));
  // A break comes before a truncation.
  rows = full;
  rows[1].actor = "mallory";
  EXPECT_THAT(Check(rows, Filled(7)).first_bad,
              Optional(AuditBreak{2, AuditFault::kEdited}));
}

TEST(NextEntryTest, ChainsFromTheHeadAndRefusesABrokenOne) {
  const auto clock = [] { return std::chrono::system_clock::time_point(); };
  ASSERT_OK_AND_ASSIGN(const AuditEntry first,
                       NextEntry(Record(), std::nullopt, clock));
  EXPECT_EQ(first.seq, 1u);
  EXPECT_EQ(first.prev_hash, AuditHash{});
  EXPECT_EQ(first.time, "1970-01-01T00:00:00Z");
  EXPECT_EQ(first.detail, "{}");
  EXPECT_EQ(first.hash, AuditEntryHash(first));
  auto rows = Chain(2);
  ASSERT_OK_AND_ASSIGN(const AuditEntry third,
                       NextEntry(Record(), rows[1].Stored(), clock));
  EXPECT_EQ(third.seq, 3u);
  EXPECT_EQ(third.prev_hash, rows[1].hash);
  StoredEntry broken = rows[1].Stored();
  broken.hash = ByteView(rows[1].hash.data(), 31);
  EXPECT_THAT(NextEntry(Record(), broken, clock),
              StatusIs(StatusCode::kCorrupt));
}

}  // namespace
}  // namespace kintsugi::audit
