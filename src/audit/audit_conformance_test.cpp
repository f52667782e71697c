// The behaviour every AuditLog backend must have, written once and run on
// the SQLite file and on PostgreSQL (the key store's test environments,
// src/store/store_test_env.h): appends and their chain, exports, the
// database refusing changes, tampering behind the log's back (an edited,
// removed, swapped or cut-off entry, each found at the right entry),
// concurrent appends from two connections, and the key store beside it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/audit.h"
#include "kintsugi/store.h"
#include "store/store_test_env.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

// Every entry's time in these tests: 2026-12-04T01:02:03Z.
std::chrono::system_clock::time_point FixedTime() {
  using namespace std::chrono;
  return sys_days(year(2026) / December / 4) + hours(1) + minutes(2) +
         seconds(3);
}
constexpr char kFixedTime[] = "2026-12-04T01:02:03Z";

// The SQLite file, with raw SQL behind the log's back.
class SqliteAuditEnv {
 public:
  static constexpr bool kNeedsPostgres = false;
  static constexpr const char* kTable = "audit_log";
  static constexpr const char* kDropGuards =
      "DROP TRIGGER audit_log_append_only; DROP TRIGGER audit_log_no_update; "
      "DROP TRIGGER audit_log_no_delete";

  Status Prepare(store::testing::PostgresCluster&) { return Status::Ok(); }
  std::string db() const { return env_.file().string(); }

  Status Sql(const std::string& sql) const {
    sqlite3* db = nullptr;
    Status status;
    if (sqlite3_open(env_.file().c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      status = InternalError(sql + ": " + sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return status;
  }
  static std::string Blob(const std::string& hex) { return "X'" + hex + "'"; }

 private:
  store::testing::SqliteEnv env_;
};

// A database of the test binary's PostgreSQL cluster.
class PostgresAuditEnv {
 public:
  static constexpr bool kNeedsPostgres = true;
  static constexpr const char* kTable = "kintsugi.audit_log";
  static constexpr const char* kDropGuards =
      "DROP TRIGGER audit_log_append_only ON kintsugi.audit_log; "
      "DROP TRIGGER audit_log_no_change ON kintsugi.audit_log; "
      "DROP TRIGGER audit_log_no_truncate ON kintsugi.audit_log";

  Status Prepare(store::testing::PostgresCluster& cluster) {
    return env_.Prepare(cluster);
  }
  std::string db() const { return env_.url(); }
  Status Sql(const std::string& sql) const { return env_.Query(sql).status(); }
  static std::string Blob(const std::string& hex) {
    return "'\\x" + hex + "'::bytea";
  }

 private:
  store::testing::PostgresEnv env_;
};

AuditRecord Record(const std::string& actor, AuditAction action,
                   const std::string& object = "",
                   const std::string& detail = "") {
  AuditRecord record;
  record.actor = actor;
  record.organisation = actor == "cli" ? "" : "CERT-EU";
  record.action = action;
  record.object = object;
  record.detail = detail;
  return record;
}

template <typename Env>
class AuditLogConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Env::kNeedsPostgres) {
      KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
      ASSERT_THAT(env_.Prepare(*cluster), IsOk());
    }
    auto log = Open();
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
  }

  Result<std::unique_ptr<AuditLog>> Open() {
    return OpenAuditLog(env_.db(), KeyStoreCreation::kCreateIfMissing,
                        FixedTime);
  }
  AuditLog& log() { return *log_; }

  // Appends `count` entries ("user1", "user2"...); their hashes.
  std::vector<AuditHash> AppendSome(int count) {
    std::vector<AuditHash> hashes;
    for (int i = 1; i <= count; ++i) {
      auto entry = log().Append(Record(
          "user" + std::to_string(i), AuditAction::kSubmit,
          "submission/" + std::to_string(i), R"({"case": "op-1", "keys": 2})"));
      EXPECT_THAT(entry, IsOk());
      hashes.push_back(entry ? entry->hash : AuditHash{});
    }
    return hashes;
  }

  std::optional<AuditBreak> FirstBad(
      std::optional<AuditHash> expected = std::nullopt) {
    auto verification = log().Verify(expected);
    EXPECT_THAT(verification, IsOk());
    return verification ? verification->first_bad : std::nullopt;
  }

  std::vector<AuditEntry> Exported() {
    std::vector<AuditEntry> entries;
    EXPECT_THAT(log().Export([&entries](const AuditEntry& entry) {
      entries.push_back(entry);
      return Status::Ok();
    }),
                IsOk());
    return entries;
  }

  void Sql(const std::string& sql) { ASSERT_THAT(env_.Sql(sql), IsOk()); }
  // Runs `sql` with {t} as the table's name, after dropping the guards.
  void Tamper(const std::string& sql) {
    if (!guards_dropped_) Sql(Env::kDropGuards);
    guards_dropped_ = true;
    std::string text = sql;
    for (std::size_t at; (at = text.find("{t}")) != std::string::npos;) {
      text.replace(at, 3, Env::kTable);
    }
    Sql(text);
  }

  Env env_;
  std::unique_ptr<AuditLog> log_;
  bool guards_dropped_ = false;
};

using Backends = ::testing::Types<SqliteAuditEnv, PostgresAuditEnv>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kNeedsPostgres ? "Postgres" : "Sqlite";
  }
};
TYPED_TEST_SUITE(AuditLogConformanceTest, Backends, BackendNames);

TYPED_TEST(AuditLogConformanceTest, ANewLogIsEmptyAndIntact) {
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 0u);
  EXPECT_EQ(verification.head, AuditHash{});
  EXPECT_TRUE(this->Exported().empty());
}

TYPED_TEST(AuditLogConformanceTest, AppendsMakeOneChain) {
  ASSERT_OK_AND_ASSIGN(
      const AuditEntry first,
      this->log().Append(Record("cli", AuditAction::kKeyImport,
                                "key-dump/keys.jsonl",
                                R"({"keys": 2, "file": "keys.jsonl"})")));
  EXPECT_EQ(first.seq, 1u);
  EXPECT_EQ(first.time, kFixedTime);
  EXPECT_EQ(first.actor, "cli");
  EXPECT_EQ(first.organisation, "");
  EXPECT_EQ(first.action, AuditAction::kKeyImport);
  EXPECT_EQ(first.object, "key-dump/keys.jsonl");
  EXPECT_EQ(first.detail, R"({"file":"keys.jsonl","keys":2})");
  EXPECT_EQ(first.prev_hash, AuditHash{});
  EXPECT_EQ(first.hash, AuditEntryHash(first));
  ASSERT_OK_AND_ASSIGN(
      const AuditEntry second,
      this->log().Append(Record("alice", AuditAction::kLogin)));
  EXPECT_EQ(second.seq, 2u);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.hash, AuditEntryHash(second));
  EXPECT_EQ(second.detail, "{}");

  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 2u);
  EXPECT_EQ(verification.head, second.hash);
}

TYPED_TEST(AuditLogConformanceTest, ExportGivesEveryFieldInSeqOrder) {
  std::vector<AuditEntry> appended;
  for (const AuditAction action : AllAuditActions()) {
    auto entry = this->log().Append(
        Record("zoë", action, "object/ü", R"({"n": [1, "two"]})"));
    ASSERT_THAT(entry, IsOk());
    appended.push_back(*entry);
  }
  const std::vector<AuditEntry> exported = this->Exported();
  ASSERT_EQ(exported.size(), appended.size());
  for (std::size_t i = 0; i < exported.size(); ++i) {
    const AuditEntry& a = appended[i];
    const AuditEntry& e = exported[i];
    EXPECT_EQ(e.seq, i + 1);
    EXPECT_EQ(std::tie(e.seq, e.time, e.actor, e.organisation, e.action,
                       e.object, e.detail, e.prev_hash, e.hash),
              std::tie(a.seq, a.time, a.actor, a.organisation, a.action,
                       a.object, a.detail, a.prev_hash, a.hash));
  }
}

TYPED_TEST(AuditLogConformanceTest, AReopenedLogContinuesItsChain) {
  const auto hashes = this->AppendSome(2);
  this->log_.reset();
  ASSERT_OK_AND_ASSIGN(auto reopened, this->Open());
  ASSERT_OK_AND_ASSIGN(const AuditEntry third,
                       reopened->Append(Record("bob", AuditAction::kLogout)));
  EXPECT_EQ(third.seq, 3u);
  EXPECT_EQ(third.prev_hash, hashes[1]);
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       reopened->Verify());
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 3u);
}

TYPED_TEST(AuditLogConformanceTest, RefusedRecordsAppendNothing) {
  EXPECT_THAT(this->log().Append(Record("", AuditAction::kLogin)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->log().Append(Record("alice", AuditAction::kLogin, "",
                                        R"({"password": "hunter2"})")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      this->log().Append(Record("alice", AuditAction::kLogin, "", "[]")),
      StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_EQ(verification.entries, 0u);
}

TYPED_TEST(AuditLogConformanceTest, TheDatabaseRefusesChangesAndGaps) {
  this->AppendSome(3);
  const std::string table = TypeParam::kTable;
  for (const std::string& sql :
       {"UPDATE " + table + " SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM " + table + " WHERE seq = 3",
        "INSERT INTO " + table +
            " SELECT seq + 5, time, actor, "
            "organisation, action, object, detail, prev_hash, hash FROM " +
            table + " WHERE seq = 3",
        "INSERT INTO " + table +
            " SELECT 2, time, actor, organisation, "
            "action, object, detail, prev_hash, hash FROM " +
            table + " WHERE seq = 3"}) {
    EXPECT_FALSE(this->env_.Sql(sql).ok()) << sql;
  }
  if constexpr (TypeParam::kNeedsPostgres) {
    EXPECT_FALSE(this->env_.Sql("TRUNCATE kintsugi.audit_log").ok());
  }
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 3u);
}

TYPED_TEST(AuditLogConformanceTest, AnEditedFieldIsFoundAtItsEntry) {
  this->AppendSome(5);
  // Each text field of entry 3 edited in turn, then put back.
  for (const char* column :
       {"time", "actor", "organisation", "action", "object", "detail"}) {
    const std::string c = column;
    this->Tamper("UPDATE {t} SET " + c + " = " + c + " || 'x' WHERE seq = 3");
    EXPECT_THAT(this->FirstBad(), Optional(AuditBreak{3, AuditFault::kEdited}))
        << column;
    this->Tamper("UPDATE {t} SET " + c + " = substr(" + c + ", 1, length(" + c +
                 ") - 1) WHERE seq = 3");
    EXPECT_EQ(this->FirstBad(), std::nullopt) << column;
  }
  // The stored hash itself.
  this->Tamper("UPDATE {t} SET hash = " +
               TypeParam::Blob(AuditHashHex(AuditHash{})) + " WHERE seq = 3");
  EXPECT_THAT(this->FirstBad(), Optional(AuditBreak{3, AuditFault::kEdited}));
}

TYPED_TEST(AuditLogConformanceTest, ARemovedEntryIsAGap) {
  this->AppendSome(5);
  this->Tamper("DELETE FROM {t} WHERE seq = 2");
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_THAT(verification.first_bad,
              Optional(AuditBreak{2, AuditFault::kRemoved}));
  EXPECT_EQ(verification.entries, 4u);
  this->Tamper("DELETE FROM {t} WHERE seq = 1");
  EXPECT_THAT(this->FirstBad(), Optional(AuditBreak{1, AuditFault::kRemoved}));
}

TYPED_TEST(AuditLogConformanceTest, SwappedEntriesAreOutOfOrder) {
  this->AppendSome(5);
  this->Tamper(
      "UPDATE {t} SET seq = 100 WHERE seq = 2; "
      "UPDATE {t} SET seq = 2 WHERE seq = 3; "
      "UPDATE {t} SET seq = 3 WHERE seq = 100");
  EXPECT_THAT(this->FirstBad(),
              Optional(AuditBreak{2, AuditFault::kReordered}));
}

TYPED_TEST(AuditLogConformanceTest, AnEntryRewrittenWithItsHashBreaksTheNext) {
  this->AppendSome(5);
  // Whoever can write the table can also recompute an entry's hash: the
  // chain then breaks at the entry after it.
  const std::vector<AuditEntry> entries = this->Exported();
  AuditEntry forged = entries[2];
  forged.actor = "mallory";
  this->Tamper("UPDATE {t} SET actor = 'mallory', hash = " +
               TypeParam::Blob(AuditHashHex(AuditEntryHash(forged))) +
               " WHERE seq = 3");
  EXPECT_THAT(this->FirstBad(),
              Optional(AuditBreak{4, AuditFault::kReordered}));
}

TYPED_TEST(AuditLogConformanceTest, ATruncatedTailIsFoundAgainstTheHead) {
  const auto hashes = this->AppendSome(5);
  this->Tamper("DELETE FROM {t} WHERE seq > 3");
  // Alone, a log cut at an entry boundary is a valid, shorter chain.
  ASSERT_OK_AND_ASSIGN(const AuditVerification alone, this->log().Verify());
  EXPECT_TRUE(alone.intact());
  EXPECT_EQ(alone.entries, 3u);
  EXPECT_EQ(alone.head, hashes[2]);
  // Against the head recorded before the cut, it is not.
  EXPECT_THAT(this->FirstBad(hashes[4]),
              Optional(AuditBreak{4, AuditFault::kTruncated}));
  // A head recorded earlier still holds: the log may have grown since.
  EXPECT_EQ(this->FirstBad(hashes[1]), std::nullopt);
}

TYPED_TEST(AuditLogConformanceTest,
           EntriesOfANewerKintsugiVerifyButDoNotExport) {
  this->AppendSome(1);
  const std::vector<AuditEntry> entries = this->Exported();
  ASSERT_EQ(entries.size(), 1u);
  // An action a newer build added, appended as it would append it.
  const AuditHash hash = AuditEntryHash(
      2, kFixedTime, "alice", "", "future-action", "", "{}", entries[0].hash);
  this->Sql(std::string("INSERT INTO ") + TypeParam::kTable + " VALUES(2, '" +
            kFixedTime + "', 'alice', '', 'future-action', '', '{}', " +
            TypeParam::Blob(AuditHashHex(entries[0].hash)) + ", " +
            TypeParam::Blob(AuditHashHex(hash)) + ")");
  EXPECT_EQ(this->FirstBad(), std::nullopt);
  EXPECT_THAT(
      this->log().Export([](const AuditEntry&) { return Status::Ok(); }),
      StatusIs(StatusCode::kUnsupported));
}

TYPED_TEST(AuditLogConformanceTest, AnAppendOnABrokenHeadIsRefused) {
  this->AppendSome(2);
  this->Tamper("UPDATE {t} SET hash = " + TypeParam::Blob("0102") +
               " WHERE seq = 2");
  EXPECT_THAT(this->log().Append(Record("alice", AuditAction::kLogin)),
              StatusIs(StatusCode::kCorrupt));
}

TYPED_TEST(AuditLogConformanceTest, ConcurrentAppendsMakeOneChain) {
  constexpr int kPerThread = 40;
  ASSERT_OK_AND_ASSIGN(auto second, this->Open());
  const auto append = [](AuditLog* log, const std::string& actor) {
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_THAT(log->Append(Record(actor, AuditAction::kSubmit)), IsOk());
    }
  };
  std::thread a(append, &this->log(), "alice");
  std::thread b(append, second.get(), "bob");
  a.join();
  b.join();
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_TRUE(verification.intact());
  EXPECT_EQ(verification.entries, 2u * kPerThread);
  std::map<std::string, int> per_actor;
  std::uint64_t seq = 0;
  for (const AuditEntry& entry : this->Exported()) {
    EXPECT_EQ(entry.seq, ++seq);
    ++per_actor[entry.actor];
  }
  EXPECT_THAT(
      per_actor,
      ElementsAre(std::pair<const std::string, int>("alice", kPerThread),
                  std::pair<const std::string, int>("bob", kPerThread)));
}

TYPED_TEST(AuditLogConformanceTest, KeysAndTheLogShareOneDatabase) {
  ASSERT_OK_AND_ASSIGN(auto keys, OpenKeyStore(this->env_.db()));
  KeyRecord record;
  record.family = "stop-djvu";
  record.handle = {HandleKind::kVictimId, "id-1"};
  record.key = SecretBytes(Bytes{1, 2, 3});
  std::vector<KeyRecord> records;
  records.push_back(std::move(record));
  ASSERT_THAT(keys->Import(records), IsOk());
  ASSERT_THAT(this->log().Append(Record("cli", AuditAction::kKeyImport)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const KeyStoreStats stats, keys->Stats());
  EXPECT_EQ(stats.Total(), 1u);
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification,
                       this->log().Verify());
  EXPECT_EQ(verification.entries, 1u);
}

TEST(SqliteAuditLogTest, AStoreThatMustExistIsNeverCreated) {
  store::testing::TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  EXPECT_THAT(OpenAuditLog(file.string(), KeyStoreCreation::kMustExist),
              StatusIs(StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace kintsugi
