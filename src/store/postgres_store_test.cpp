// What only the PostgreSQL backend has: connection strings and their
// errors, its schema in a shared database, migrations of several portals at
// once, and the limits of PostgreSQL text. The behaviour it shares with
// SQLite is in store_conformance_test.cpp.

#include "store/postgres_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/store.h"
#include "store/store_test_env.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresEnv;

KeyRecord Victim(const std::string& handle, const std::string& key) {
  KeyRecord record;
  record.family = "stop-djvu";
  record.key_type = KeyType::kSymmetric;
  record.handle = {HandleKind::kVictimId, handle};
  record.key = SecretBytes(
      ByteView(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  record.provenance.source = "test";
  return record;
}

Status ImportAll(KeyStore& store, const std::vector<KeyRecord>& records) {
  return store.Import(records);
}

std::uint64_t Total(KeyStore& store) {
  auto stats = store.Stats();
  EXPECT_THAT(stats, IsOk());
  return stats ? stats->Total() : 0;
}

TEST(PostgresConninfoTest, PasswordsAreRedacted) {
  EXPECT_EQ(RedactConninfo("postgresql://portal:s3cret@db.example:5432/keys"),
            "postgresql://portal:***@db.example:5432/keys");
  EXPECT_EQ(RedactConninfo("postgres://portal@db/keys?password=s3cret&x=1"),
            "postgres://portal@db/keys?password=***&x=1");
  EXPECT_EQ(RedactConninfo("postgresql://a:b@h1,c@h2/keys"),
            "postgresql://a:***@h2/keys");
  EXPECT_EQ(RedactConninfo("host=db password='s3 cret' dbname=keys"),
            "host=db password='***' dbname=keys");
  EXPECT_EQ(RedactConninfo("host=db password = s3cret"),
            "host=db password = ***");
  // Nothing to hide.
  EXPECT_EQ(RedactConninfo("postgresql://portal@db/keys"),
            "postgresql://portal@db/keys");
  EXPECT_EQ(KeyStoreDisplayName("postgresql://u:pw@h/d"),
            "postgresql://u:***@h/d");
  EXPECT_EQ(KeyStoreDisplayName("/data/keys:pw@x.sqlite"),
            "/data/keys:pw@x.sqlite");
}

TEST(PostgresConninfoTest, OnlyPostgresUrlsChooseThePostgresBackend) {
  EXPECT_TRUE(IsPostgresKeyStoreUrl("postgresql://h/d"));
  EXPECT_TRUE(IsPostgresKeyStoreUrl("postgres://h/d"));
  EXPECT_FALSE(IsPostgresKeyStoreUrl("host=h dbname=d"));
  EXPECT_FALSE(IsPostgresKeyStoreUrl("keys.sqlite"));
  EXPECT_FALSE(IsPostgresKeyStoreUrl("POSTGRESQL://h/d"));
}

TEST(PostgresKeyStoreTest, AMalformedUrlIsInvalidArgument) {
  const auto store =
      OpenPostgresKeyStore("postgresql://kintsugi@/keys?host=/tmp&bogus=1");
  EXPECT_THAT(store, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store.status().message(), HasSubstr("bogus"));
  EXPECT_THAT(OpenPostgresKeyStore(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(PostgresKeyStoreTest, AMalformedUrlNeverShowsThePassword) {
  // libpq's own message quotes the bad token, the password with it.
  const auto store = OpenPostgresKeyStore(
      "postgresql://portal:hunter%zz2@/keys?host=/nonexistent");
  EXPECT_THAT(store, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter")));
}

TEST(PostgresKeyStoreTest, NoServerIsUnavailableNamingTheDatabase) {
  const auto store = OpenPostgresKeyStore(
      "postgresql://portal:hunter2@/keys_db?host=/nonexistent-kpg");
  EXPECT_THAT(store, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(store.status().message(), HasSubstr("keys_db"));
  EXPECT_THAT(store.status().message(), HasSubstr("/nonexistent-kpg"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter2")));
}

TEST(PostgresKeyStoreTest, AMissingDatabaseIsNotFound) {
  KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
  const auto store = OpenPostgresKeyStore(cluster->Url("no_such_database"));
  EXPECT_THAT(store, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store.status().message(), HasSubstr("no_such_database"));
}

// A fresh database of the binary's cluster for one test.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
    ASSERT_THAT(env_.Prepare(*cluster), IsOk());
  }
  std::string Query(const std::string& sql) {
    auto result = env_.Query(sql);
    EXPECT_THAT(result, IsOk()) << sql;
    return result ? *result : "";
  }

  PostgresEnv env_;
};

TEST_F(PostgresStoreTest, TheTablesLiveInTheirOwnSchema) {
  ASSERT_THAT(env_.Open(), IsOk());
  EXPECT_EQ(Query("SELECT version FROM kintsugi.schema_version"),
            std::to_string(kPostgresSchemaVersion));
  EXPECT_EQ(Query("SELECT count(*) FROM pg_tables WHERE schemaname = "
                  "'public'"),
            "0");
}

TEST_F(PostgresStoreTest, ANewerSchemaIsRefused) {
  ASSERT_THAT(env_.Open(), IsOk());
  Query("UPDATE kintsugi.schema_version SET version = " +
        std::to_string(kPostgresSchemaVersion + 1));
  const auto store = env_.Open();
  EXPECT_THAT(store, StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(store.status().message(), HasSubstr("newer Kintsugi"));
}

TEST_F(PostgresStoreTest, ABrokenSchemaVersionIsCorrupt) {
  ASSERT_THAT(env_.Open(), IsOk());
  Query("INSERT INTO kintsugi.schema_version VALUES (1)");
  EXPECT_THAT(env_.Open(), StatusIs(StatusCode::kCorrupt));
}

TEST_F(PostgresStoreTest, AStoreAtVersionZeroIsMigrated) {
  Query(
      "CREATE SCHEMA kintsugi; CREATE TABLE kintsugi.schema_version(version "
      "INTEGER NOT NULL); INSERT INTO kintsugi.schema_version VALUES (0)");
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  EXPECT_THAT(ImportAll(*store, {Victim("a", "k")}), IsOk());
}

TEST_F(PostgresStoreTest, AVersionOneStoreGainsTheLaterTablesAndKeepsItsKeys) {
  // A store of the first release (the keys only): the later steps add the
  // audit log and the partner tables beside them.
  {
    ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
    ASSERT_THAT(ImportAll(*store, {Victim("a", "k")}), IsOk());
  }
  Query(
      "DROP TABLE kintsugi.submissions, kintsugi.sessions, "
      "kintsugi.api_tokens, kintsugi.users, kintsugi.organisations; "
      "DROP TABLE kintsugi.audit_log; DROP FUNCTION "
      "kintsugi.audit_log_check_append, kintsugi.audit_log_refuse; UPDATE "
      "kintsugi.schema_version SET version = 1");
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  EXPECT_EQ(Total(*store), 1u);
  EXPECT_EQ(Query("SELECT version FROM kintsugi.schema_version"),
            std::to_string(kPostgresSchemaVersion));
  EXPECT_EQ(Query("SELECT count(*) FROM pg_trigger WHERE tgrelid = "
                  "'kintsugi.audit_log'::regclass AND NOT tgisinternal"),
            "3");
}

TEST_F(PostgresStoreTest, AForeignKeysTableIsNotAKeyStore) {
  Query("CREATE SCHEMA kintsugi; CREATE TABLE kintsugi.keys(photo TEXT)");
  EXPECT_THAT(env_.Open(), StatusIs(StatusCode::kInvalidArgument));
  // Left as it was.
  EXPECT_EQ(Query("SELECT to_regclass('kintsugi.schema_version') IS NULL"),
            "t");
}

TEST_F(PostgresStoreTest, OtherTablesOfTheDatabaseAreLeftAlone) {
  Query(
      "CREATE TABLE public.keys(photo TEXT); INSERT INTO public.keys "
      "VALUES ('cat')");
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  EXPECT_THAT(ImportAll(*store, {Victim("a", "k")}), IsOk());
  EXPECT_EQ(Query("SELECT photo FROM public.keys"), "cat");
}

// Portals opening one new database at once migrate it once: each open
// waits for the migration lock, then finds the schema up to date.
TEST_F(PostgresStoreTest, OpensAtOnceMigrateOnce) {
  PGconn* holder = PQconnectdb(env_.url().c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK) << PQerrorMessage(holder);
  const std::string lock = "BEGIN; SELECT pg_advisory_xact_lock(" +
                           std::to_string(kPostgresMigrationLock) + ")";
  PQclear(PQexec(holder, lock.c_str()));
  std::vector<Status> opened(3);
  std::vector<std::thread> portals;
  for (Status& status : opened) {
    portals.emplace_back([this, &status] { status = env_.Open().status(); });
  }
  // Every open is waiting for the lock before it is released.
  std::string waiting;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((waiting = Query("SELECT count(*) FROM pg_locks WHERE locktype = "
                          "'advisory' AND NOT granted")) != "3" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(waiting, "3") << "the opens did not wait for the migration lock";
  PQclear(PQexec(holder, "COMMIT"));
  PQfinish(holder);
  for (std::thread& portal : portals) portal.join();
  for (const Status& status : opened) EXPECT_THAT(status, IsOk());
  EXPECT_EQ(Query("SELECT count(*) || ':' || max(version) FROM "
                  "kintsugi.schema_version"),
            "1:" + std::to_string(kPostgresSchemaVersion));
}

TEST_F(PostgresStoreTest, TextMustBeUtf8WithoutNul) {
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  for (const std::string& handle :
       {std::string("a\xff"), std::string("a\0b", 3), std::string("\xc0\xaf"),
        std::string("\xed\xa0\x80")}) {
    std::vector<KeyRecord> records;
    records.push_back(Victim("fine", "k1"));
    records.push_back(Victim(handle, "k2"));
    const Status status = store->Import(records);
    EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(status.message(), HasSubstr("record 2"));
    // Looked up, such a handle finds nothing (nothing can be stored).
    EXPECT_THAT(store->Lookup("stop-djvu", {HandleKind::kVictimId, handle}),
                IsOkAndHolds(::testing::IsEmpty()));
  }
  EXPECT_EQ(Total(*store), 0u);
  // Any UTF-8 is text.
  EXPECT_THAT(ImportAll(*store, {Victim("h\xc3\xa9-\xf0\x9f\x94\x91", "k")}),
              IsOk());
}

TEST_F(PostgresStoreTest, KeyBytesNeverAppearInErrors) {
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  const std::string secret = "SECRET-KEY-BYTES-0123456789";
  ASSERT_THAT(ImportAll(*store, {Victim("a", secret)}), IsOk());
  const Status duplicate = ImportAll(*store, {Victim("a", secret)});
  EXPECT_THAT(duplicate, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(duplicate.message(), HasSubstr("record 1"));
  EXPECT_THAT(duplicate.message(), Not(HasSubstr(secret)));
  // A server-side refusal (a value the table's CHECK refuses, made here
  // behind the store's back) names no key either.
  Query("ALTER TABLE kintsugi.keys ADD CHECK (source <> 'refused')");
  KeyRecord refused = Victim("b", secret);
  refused.provenance.source = "refused";
  std::vector<KeyRecord> records;
  records.push_back(std::move(refused));
  const Status checked = store->Import(records);
  EXPECT_THAT(checked, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(checked.message(), HasSubstr("record 1"));
  EXPECT_THAT(checked.message(), Not(HasSubstr(secret)));
}

TEST_F(PostgresStoreTest, ManyRecordsFailAtTheRightOne) {
  // More records than one pipeline batch; the duplicate is in a later one.
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  std::vector<KeyRecord> records;
  for (int i = 0; i < 1000; ++i) {
    records.push_back(Victim("id" + std::to_string(i), "k"));
  }
  records[699] = Victim("id2", "k");
  const Status status = store->Import(records);
  EXPECT_THAT(status, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(status.message(), HasSubstr("record 700:"));
  EXPECT_EQ(Total(*store), 0u);
  records[699] = Victim("id699", "k");
  // An invalid record after a batch boundary.
  records[900].handle.value.clear();
  const Status invalid = store->Import(records);
  EXPECT_THAT(invalid, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(invalid.message(), HasSubstr("record 901:"));
  EXPECT_EQ(Total(*store), 0u);
  records[900].handle.value = "id900";
  EXPECT_THAT(store->Import(records), IsOk());
  EXPECT_EQ(Total(*store), 1000u);
}

TEST_F(PostgresStoreTest, AnUnknownStoredValueIsCorrupt) {
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  ASSERT_THAT(ImportAll(*store, {Victim("id", "k")}), IsOk());
  Query("UPDATE kintsugi.keys SET key_type = 'rot13'");
  EXPECT_THAT(store->Lookup("stop-djvu", {HandleKind::kVictimId, "id"}),
              StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(store->Export([](const KeyRecord&) { return Status::Ok(); }),
              StatusIs(StatusCode::kCorrupt));
  // The store is usable after a failed scan.
  EXPECT_EQ(Total(*store), 1u);
}

TEST_F(PostgresStoreTest, AStoreSurvivesItsConnectionBeingCut) {
  ASSERT_OK_AND_ASSIGN(auto store, env_.Open());
  ASSERT_THAT(ImportAll(*store, {Victim("id", "k")}), IsOk());
  // What a database restart does to a portal's connection.
  Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
      "datname = current_database() AND pid <> pg_backend_pid()");
  // The first operation may see the cut; the next one reconnects.
  (void)store->Stats();
  EXPECT_THAT(store->Lookup("stop-djvu", {HandleKind::kVictimId, "id"}),
              IsOkAndHolds(::testing::SizeIs(1)));
}

}  // namespace
}  // namespace kintsugi::store
