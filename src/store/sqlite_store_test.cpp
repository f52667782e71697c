// What only the SQLite backend has: its file, its folder, its schema
// version, and hostile files in its place.

#include "store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/store.h"
#include "store/store_test_env.h"

namespace kintsugi::store {
namespace {

using ::testing::HasSubstr;
using testing::TempFolder;

unsigned Mode(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777u;
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `sql` on the database at `path` behind the store's back.
void Sql(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// The first column of the first row of `sql` on the database at `path`,
// as text ("" when there is none).
std::string Scalar(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_exec(
        db, sql,
        [](void* out, int, char** values, char**) {
          if (values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &value, nullptr);
  }
  sqlite3_close(db);
  return value;
}

std::vector<KeyRecord> OneKey() {
  KeyRecord record;
  record.family = "stop-djvu";
  record.handle = {HandleKind::kVictimId, "id"};
  record.key = SecretBytes(Bytes{1, 2, 3});
  std::vector<KeyRecord> records;
  records.push_back(std::move(record));
  return records;
}

// Sets the umask for one test and puts the old one back.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

// Regression (issue 9): `keys stats` and `keys export` on a store that did
// not exist created an empty one as a side effect.
TEST(SqliteKeyStoreTest, AStoreThatMustExistIsNeverCreated) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  const auto deeper = folder.path() / "no-such-folder" / "keys.sqlite";
  for (const auto& path : {file, deeper}) {
    EXPECT_THAT(OpenSqliteKeyStore(path.string(), KeyStoreCreation::kMustExist),
                StatusIs(StatusCode::kNotFound));
    EXPECT_FALSE(std::filesystem::exists(path)) << path;
  }
  EXPECT_FALSE(std::filesystem::exists(deeper.parent_path()));
  // Once made, it opens for reading.
  ASSERT_OK_AND_ASSIGN(auto made, OpenSqliteKeyStore(file.string()));
  ASSERT_THAT(made->Import(OneKey()), IsOk());
  made.reset();
  ASSERT_OK_AND_ASSIGN(
      auto store,
      OpenSqliteKeyStore(file.string(), KeyStoreCreation::kMustExist));
  ASSERT_OK_AND_ASSIGN(const KeyStoreStats stats, store->Stats());
  EXPECT_EQ(stats.Total(), 1u);
}

TEST(SqliteKeyStoreTest, TheFileIsPrivateWhateverTheUmask) {
  TempFolder folder;
  const Umask umask(0);
  const auto file = folder.path() / "keys.sqlite";
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
  ASSERT_THAT(store->Import(OneKey()), IsOk());
  EXPECT_EQ(Mode(file), 0600u);
  // SQLite gives its WAL and shared-memory files the database's mode.
  for (const char* suffix : {"-wal", "-shm"}) {
    const auto side = file.string() + suffix;
    if (std::filesystem::exists(side)) {
      EXPECT_EQ(Mode(side), 0600u) << side;
    }
  }
}

TEST(SqliteKeyStoreTest, MissingFoldersAreMadePrivate) {
  TempFolder folder;
  const Umask umask(0);
  const auto file = folder.path() / "data" / "kintsugi" / "keys.sqlite";
  ASSERT_THAT(OpenSqliteKeyStore(file.string()), IsOk());
  EXPECT_EQ(Mode(folder.path() / "data"), 0700u);
  EXPECT_EQ(Mode(folder.path() / "data" / "kintsugi"), 0700u);
  EXPECT_EQ(Mode(file), 0600u);
}

TEST(SqliteKeyStoreTest, AnExistingFileKeepsItsMode) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  ASSERT_THAT(OpenSqliteKeyStore(file.string()), IsOk());
  std::filesystem::permissions(file, std::filesystem::perms(0640));
  ASSERT_THAT(OpenSqliteKeyStore(file.string()), IsOk());
  EXPECT_EQ(Mode(file), 0640u);
}

TEST(SqliteKeyStoreTest, AFileInPlaceOfTheFolderIsRefused) {
  TempFolder folder;
  WriteFile(folder.path() / "data", "not a folder");
  EXPECT_THAT(OpenSqliteKeyStore((folder.path() / "data" / "k").string()),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST(SqliteKeyStoreTest, AnEmptyPathIsRefused) {
  EXPECT_THAT(OpenSqliteKeyStore(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(SqliteKeyStoreTest, AFileThatIsNotSqliteIsCorruptAndKept) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  const std::string text(8192, 'x');
  WriteFile(file, text);
  const auto store = OpenSqliteKeyStore(file.string());
  EXPECT_THAT(store, StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(store.status().message(), HasSubstr(file.string()));
  EXPECT_EQ(ReadFile(file), text);
}

TEST(SqliteKeyStoreTest, ADamagedStoreIsCorrupt) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
    ASSERT_THAT(store->Import(OneKey()), IsOk());
  }
  // The header stays, the schema page after it is overwritten.
  std::string bytes = ReadFile(file);
  ASSERT_GT(bytes.size(), 4096u);
  for (std::size_t i = 100; i < 4096; ++i) bytes[i] = '\x5a';
  WriteFile(file, bytes);
  EXPECT_THAT(OpenSqliteKeyStore(file.string()),
              StatusIs(StatusCode::kCorrupt));
}

TEST(SqliteKeyStoreTest, ATruncatedStoreIsNeverACrash) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
    ASSERT_THAT(store->Import(OneKey()), IsOk());
  }
  const std::string bytes = ReadFile(file);
  for (std::size_t size : {std::size_t{1}, std::size_t{50}, std::size_t{100},
                           std::size_t{4096}, bytes.size() - 1}) {
    SCOPED_TRACE(size);
    WriteFile(file, bytes.substr(0, size));
    std::filesystem::remove(file.string() + "-wal");
    std::filesystem::remove(file.string() + "-shm");
    auto store = OpenSqliteKeyStore(file.string());
    if (store.ok()) {
      // Opening may succeed where the damage is in a page not yet read;
      // using the store then fails cleanly or finds what survived.
      (*store)->Stats().status().IgnoreError();
      (*store)
          ->Lookup("stop-djvu", {HandleKind::kVictimId, "id"})
          .status()
          .IgnoreError();
    } else {
      EXPECT_NE(store.status().code(), StatusCode::kInternal)
          << store.status().ToString();
    }
  }
}

TEST(SqliteKeyStoreTest, AnotherSqliteDatabaseIsNotAKeyStore) {
  TempFolder folder;
  const auto file = folder.path() / "other.sqlite";
  Sql(file, "CREATE TABLE photos(name TEXT)");
  EXPECT_THAT(OpenSqliteKeyStore(file.string()),
              StatusIs(StatusCode::kInvalidArgument));
  // Left as it was: no key table added.
  Sql(file, "SELECT name FROM photos");
}

TEST(SqliteKeyStoreTest, ANewerSchemaIsRefused) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  ASSERT_THAT(OpenSqliteKeyStore(file.string()), IsOk());
  const std::string newer = "UPDATE schema_version SET version = " +
                            std::to_string(kSqliteSchemaVersion + 1);
  Sql(file, newer.c_str());
  const auto store = OpenSqliteKeyStore(file.string());
  EXPECT_THAT(store, StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(store.status().message(), HasSubstr("newer Kintsugi"));
}

TEST(SqliteKeyStoreTest, AStoreAtVersionZeroIsMigrated) {
  // A store whose first migration never ran (schema_version made, then
  // interrupted before any step: the steps share one transaction, but an
  // older build might not have).
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  Sql(file,
      "CREATE TABLE schema_version(version INTEGER NOT NULL);"
      "INSERT INTO schema_version VALUES(0)");
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
  EXPECT_THAT(store->Import(OneKey()), IsOk());
}

TEST(SqliteKeyStoreTest, AVersionOneStoreGainsTheLaterTablesAndKeepsItsKeys) {
  // A store of the first release (the keys only): the later steps add the
  // audit log and the partner tables beside them.
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
    ASSERT_THAT(store->Import(OneKey()), IsOk());
  }
  Sql(file,
      "DROP TABLE submissions; DROP TABLE sessions; DROP TABLE api_tokens; "
      "DROP TABLE users; DROP TABLE organisations; DROP TABLE audit_log; "
      "UPDATE schema_version SET version = 1");
  EXPECT_EQ(Scalar(file,
                   "SELECT COUNT(*) FROM sqlite_schema WHERE "
                   "tbl_name = 'audit_log'"),
            "0");
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
  EXPECT_THAT(store->Lookup("stop-djvu", {HandleKind::kVictimId, "id"}),
              IsOkAndHolds(::testing::SizeIs(1)));
  EXPECT_EQ(Scalar(file, "SELECT version FROM schema_version"),
            std::to_string(kSqliteSchemaVersion));
  // The table and its three triggers.
  EXPECT_EQ(Scalar(file,
                   "SELECT COUNT(*) FROM sqlite_schema WHERE "
                   "tbl_name = 'audit_log'"),
            "4");
}

TEST(SqliteKeyStoreTest, ABrokenSchemaVersionIsCorrupt) {
  for (const char* sql : {"CREATE TABLE schema_version(version INTEGER)",
                          "CREATE TABLE schema_version(version);"
                          "INSERT INTO schema_version VALUES('one')",
                          "CREATE TABLE schema_version(version);"
                          "INSERT INTO schema_version VALUES(1), (1)",
                          "CREATE TABLE schema_version(version);"
                          "INSERT INTO schema_version VALUES(-1)"}) {
    SCOPED_TRACE(sql);
    TempFolder folder;
    const auto file = folder.path() / "keys.sqlite";
    Sql(file, sql);
    EXPECT_THAT(OpenSqliteKeyStore(file.string()),
                StatusIs(StatusCode::kCorrupt));
  }
}

TEST(SqliteKeyStoreTest, AnUnknownStoredValueIsCorrupt) {
  TempFolder folder;
  const auto file = folder.path() / "keys.sqlite";
  ASSERT_OK_AND_ASSIGN(auto store, OpenSqliteKeyStore(file.string()));
  ASSERT_THAT(store->Import(OneKey()), IsOk());
  Sql(file, "UPDATE keys SET key_type = 'rot13'");
  EXPECT_THAT(store->Lookup("stop-djvu", {HandleKind::kVictimId, "id"}),
              StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(store->Export([](const KeyRecord&) { return Status::Ok(); }),
              StatusIs(StatusCode::kCorrupt));
}

}  // namespace
}  // namespace kintsugi::store
