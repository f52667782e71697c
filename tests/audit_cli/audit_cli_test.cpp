// End to end (issue 12): `kintsugi audit verify|export` and the entry
// `keys import` appends, through the built binary ($KINTSUGI_BINARY), on an
// SQLite store in a mkdtemp folder. Tampering is raw SQL on the file behind
// Kintsugi's back, with the table's triggers dropped, as an intruder with
// write access would do.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/audit.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kExitIo = 6;

using Outcome = testing::CliRun;

// Runs the binary in `dir` with stdout and stderr captured.
Outcome Kintsugi(const std::vector<std::string>& args, const stdfs::path& dir) {
  return testing::RunKintsugi(args, dir);
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("audit");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "store.sqlite").string();
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  Outcome Run(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return Kintsugi(args, dir_);
  }

  // Five entries appended through the library; their hashes.
  std::vector<AuditHash> AppendFive() {
    std::vector<AuditHash> hashes;
    auto log = OpenAuditLog(db_);
    EXPECT_THAT(log, IsOk());
    if (!log) return hashes;
    for (int i = 1; i <= 5; ++i) {
      AuditRecord record;
      record.actor = "user" + std::to_string(i);
      record.organisation = "CERT-EU";
      record.action = AuditAction::kReviewApprove;
      record.object = "submission/" + std::to_string(i);
      auto entry = (*log)->Append(record);
      EXPECT_THAT(entry, IsOk());
      if (entry) hashes.push_back(entry->hash);
    }
    return hashes;
  }

  // Runs `sql` on the store with the audit table's triggers dropped.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    const std::string all =
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS "
        "audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_append_only; " +
        sql;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  stdfs::path dir_;
  std::string db_;
};

TEST_F(AuditCliTest, AnIntactLogSaysSoWithItsCountAndHead) {
  const auto hashes = AppendFive();
  ASSERT_EQ(hashes.size(), 5u);
  const Outcome verified = Run({"audit", "verify"});
  EXPECT_EQ(verified.code, kExitOk) << verified.err;
  EXPECT_EQ(verified.out, "audit log intact: 5 entries, head " +
                              AuditHashHex(hashes[4]) + "\n");
  EXPECT_EQ(verified.err, "");

  const Outcome json = Run({"--json", "audit", "verify"});
  EXPECT_EQ(json.code, kExitOk) << json.err;
  EXPECT_EQ(Json::parse(json.out), Json({{"intact", true},
                                         {"entries", 5},
                                         {"head", AuditHashHex(hashes[4])},
                                         {"first_bad", nullptr}}));
  // A head recorded earlier still holds.
  EXPECT_EQ(
      Run({"audit", "verify", "--expect-head", AuditHashHex(hashes[2])}).code,
      kExitOk);
}

struct Tampering {
  const char* name;
  const char* sql;
  const char* line;  // The one line on stderr.
  int seq;
  const char* reason;
};

class AuditCliTamperingTest : public AuditCliTest,
                              public ::testing::WithParamInterface<Tampering> {
};

TEST_P(AuditCliTamperingTest, TheFirstBadEntryIsNamedOnOneLine) {
  ASSERT_EQ(AppendFive().size(), 5u);
  Tamper(GetParam().sql);
  const Outcome verified = Run({"audit", "verify"});
  EXPECT_EQ(verified.code, kExitBadInput);
  EXPECT_EQ(verified.out, "");
  EXPECT_EQ(verified.err, std::string("kintsugi: ") + GetParam().line + "\n");

  const Outcome json = Run({"--json", "audit", "verify"});
  EXPECT_EQ(json.code, kExitBadInput);
  const Json parsed = Json::parse(json.out, nullptr, false);
  EXPECT_EQ(parsed.value("intact", true), false) << json.out;
  EXPECT_EQ(parsed["first_bad"],
            Json({{"seq", GetParam().seq}, {"reason", GetParam().reason}}));
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, AuditCliTamperingTest,
    ::testing::Values(
        Tampering{"Edited",
                  "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
                  "audit log entry 3 was edited (its hash does not match its "
                  "content)",
                  3, "edited"},
        Tampering{"Removed", "DELETE FROM audit_log WHERE seq = 2",
                  "audit log entry 2 was removed (a gap in the sequence "
                  "numbers)",
                  2, "removed"},
        Tampering{"Reordered",
                  "UPDATE audit_log SET seq = 100 WHERE seq = 2; "
                  "UPDATE audit_log SET seq = 2 WHERE seq = 3; "
                  "UPDATE audit_log SET seq = 3 WHERE seq = 100",
                  "audit log entry 2 is out of order (its prev_hash is not "
                  "the hash of entry 1: entries were swapped, or an earlier "
                  "one was rewritten with a new hash)",
                  2, "reordered"}),
    [](const ::testing::TestParamInfo<Tampering>& param) {
      return std::string(param.param.name);
    });

TEST_F(AuditCliTest, ATruncatedTailIsCaughtOnlyWithTheExpectedHead) {
  const auto hashes = AppendFive();
  ASSERT_EQ(hashes.size(), 5u);
  Tamper("DELETE FROM audit_log WHERE seq > 3");
  EXPECT_EQ(Run({"audit", "verify"}).code, kExitOk);
  const std::string head = AuditHashHex(hashes[4]);
  const Outcome verified = Run({"audit", "verify", "--expect-head", head});
  EXPECT_EQ(verified.code, kExitBadInput);
  EXPECT_EQ(verified.err,
            "kintsugi: audit log entry 4 and any after it are missing: the "
            "log was truncated (the expected head " +
                head + " is not the hash of any of its 3 entries)\n");
  const Outcome json =
      Run({"--json", "audit", "verify", "--expect-head", head});
  EXPECT_EQ(Json::parse(json.out, nullptr, false)["first_bad"],
            Json({{"seq", 4}, {"reason", "truncated"}}));
}

TEST_F(AuditCliTest, ABadExpectedHeadIsAUsageError) {
  AppendFive();
  for (const std::string& bad :
       {std::string("abc"), std::string(64, 'x'), std::string(66, 'a')}) {
    EXPECT_EQ(Run({"audit", "verify", "--expect-head", bad}).code, kExitUsage)
        << bad;
  }
}

TEST_F(AuditCliTest, AMissingStoreIsNotFoundAndNotCreated) {
  for (const char* sub : {"verify", "export"}) {
    const Outcome run = Run({"audit", sub});
    EXPECT_EQ(run.code, kExitBadInput) << sub;
    EXPECT_THAT(run.err, HasSubstr("not_found")) << sub;
  }
  EXPECT_FALSE(stdfs::exists(db_));
}

TEST_F(AuditCliTest, ExportWritesEveryFieldAsJsonLines) {
  const auto hashes = AppendFive();
  ASSERT_EQ(hashes.size(), 5u);
  const Outcome exported = Run({"audit", "export"});
  ASSERT_EQ(exported.code, kExitOk) << exported.err;
  std::istringstream lines(exported.out);
  std::string line;
  int seq = 0;
  std::string prev(64, '0');
  while (std::getline(lines, line)) {
    ++seq;
    const Json entry = Json::parse(line);
    EXPECT_EQ(entry["seq"], seq);
    EXPECT_EQ(entry["actor"], "user" + std::to_string(seq));
    EXPECT_EQ(entry["organisation"], "CERT-EU");
    EXPECT_EQ(entry["action"], "review-approve");
    EXPECT_EQ(entry["object"], "submission/" + std::to_string(seq));
    EXPECT_EQ(entry["detail"], "{}");
    EXPECT_TRUE(entry["time"].is_string());
    EXPECT_EQ(entry["prev_hash"], prev);
    EXPECT_EQ(entry["hash"],
              AuditHashHex(hashes[static_cast<std::size_t>(seq - 1)]));
    prev = entry["hash"];
  }
  EXPECT_EQ(seq, 5);

  // To a file: the same lines; an existing file is never overwritten.
  const Outcome to_file = Run({"audit", "export", "--out", "log.jsonl"});
  ASSERT_EQ(to_file.code, kExitOk) << to_file.err;
  EXPECT_EQ(testing::ReadTextFile(dir_ / "log.jsonl"), exported.out);
  const Outcome again = Run({"audit", "export", "--out", "log.jsonl"});
  EXPECT_EQ(again.code, kExitIo);
  EXPECT_THAT(again.err, HasSubstr("already_exists"));
  EXPECT_EQ(testing::ReadTextFile(dir_ / "log.jsonl"), exported.out);
}

TEST_F(AuditCliTest, KeysImportAppendsAnEntryWithoutTheKeys) {
  const std::string key_hex = "00112233445566778899aabbccddeeff";
  {
    std::ofstream dump(dir_ / "seized.jsonl");
    dump << Json({{"family", "cryptxxx"},
                  {"handle", "victim-7"},
                  {"key_type", "symmetric"},
                  {"key_hex", key_hex}})
                .dump()
         << "\n"
         << Json({{"family", "cryptxxx"},
                  {"handle", "victim-8"},
                  {"key_type", "symmetric"},
                  {"key_hex", "ffeeddccbbaa99887766554433221100"}})
                .dump()
         << "\n";
  }
  const Outcome imported =
      Run({"keys", "import", "seized.jsonl", "--source", "test lab"});
  ASSERT_EQ(imported.code, kExitOk) << imported.err;
  EXPECT_EQ(Run({"audit", "verify"}).code, kExitOk);
  const Outcome exported = Run({"audit", "export"});
  ASSERT_EQ(exported.code, kExitOk) << exported.err;
  const Json entry = Json::parse(exported.out);
  EXPECT_EQ(entry["seq"], 1);
  EXPECT_EQ(entry["actor"], "cli");
  EXPECT_EQ(entry["organisation"], "");
  EXPECT_EQ(entry["action"], "key-import");
  EXPECT_EQ(entry["object"], "key-dump/seized.jsonl");
  EXPECT_EQ(Json::parse(entry["detail"].get<std::string>()),
            Json({{"file", "seized.jsonl"},
                  {"keys", 2},
                  {"families", {{{"family", "cryptxxx"}, {"keys", 2}}}}}));
  EXPECT_THAT(exported.out, Not(HasSubstr(key_hex)));
  EXPECT_THAT(exported.out, Not(HasSubstr("victim-7")));
  // A refused import logs nothing.
  const Outcome refused =
      Run({"keys", "import", "seized.jsonl", "--source", "test lab"});
  EXPECT_NE(refused.code, kExitOk);
  const Outcome json = Run({"--json", "audit", "verify"});
  EXPECT_EQ(Json::parse(json.out, nullptr, false).value("entries", 0), 1);
}

}  // namespace
}  // namespace kintsugi
