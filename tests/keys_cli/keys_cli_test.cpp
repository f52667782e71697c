// End to end (issue 9): `kintsugi keys import|export|stats` through the
// built binary ($KINTSUGI_BINARY). The store lives under a mkdtemp folder
// given as XDG_DATA_HOME, never the user's home. Keys are generated here
// (recovery-schemes.md §0), never real ones.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "store/testing/postgres_test_env.h"

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
constexpr int kExitUnavailable = 9;

std::string ReadText(const stdfs::path& path) {
  return testing::ReadTextFile(path);
}

void WriteText(const stdfs::path& path, const std::string& text) {
  testing::WriteTextFile(path, text);
}

unsigned Mode(const stdfs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777u;
}

using Outcome = testing::CliRun;
// An environment change for one run: a value, or nullopt to unset.
using EnvChange = testing::CliEnv::value_type;

Outcome Kintsugi(const std::vector<std::string>& args, const stdfs::path& dir,
                 const std::vector<EnvChange>& env = {}) {
  return testing::RunKintsugi(args, dir, env);
}

std::string PrivatePem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

// A locally generated RSA key in PEM: RSA-2048, the size the STOP/Djvu
// decryptor takes; `bits` for one it does not.
std::string RsaPem(unsigned bits = 2048) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  std::string pem = PrivatePem(key);
  EVP_PKEY_free(key);
  return pem;
}

// A STOP/Djvu personal ID (40 printable ASCII characters) ending in `tail`.
std::string StopId(const std::string& tail) {
  return std::string(40 - tail.size(), 'A') + tail;
}

// A family of the built-in knowledge base that no decryptor looks keys up
// for: any key type and handle go (docs/key-format.md §4).
constexpr char kKbOnly[] = "cryptxxx";

std::string Lines(const std::vector<Json>& records) {
  std::string text;
  for (const Json& record : records) text += record.dump() + "\n";
  return text;
}

Json Symmetric(const std::string& id, const std::string& hex) {
  return {{"family", kKbOnly},
          {"handle", id},
          {"key_type", "symmetric"},
          {"key_hex", hex}};
}

class KeysCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("keys");
    ASSERT_FALSE(dir_.empty());
    env_ = {{"XDG_DATA_HOME", (dir_ / "data").string()}};
    store_ = dir_ / "data" / "kintsugi" / "keys.sqlite";
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  Outcome Run(const std::vector<std::string>& args) {
    return Kintsugi(args, dir_, env_);
  }
  // `keys stats --json` of the default store: its "keys" count.
  int StoredKeys() {
    const Outcome stats = Run({"--json", "keys", "stats"});
    EXPECT_EQ(stats.code, kExitOk) << stats.err;
    const Json parsed = Json::parse(stats.out, nullptr, false);
    return parsed.is_object() ? parsed.value("keys", -1) : -1;
  }
  // A dump of three good keys (lines 1 to 3).
  std::string GoodDump() {
    return Lines(
        {{{"family", "stop-djvu"},
          {"handle", StopId("t1")},
          {"key_type", "rsa-private-pem"},
          {"key_pem", RsaPem()},
          {"case", "op-test"},
          {"date", "2024-02-20"}},
         Symmetric("personal-id-2", "00112233445566778899aabbccddeeff"),
         {{"family", "babuk"},
          {"key_type", "x25519-private"},
          {"key_hex", std::string(64, '7')},
          {"state", "embargoed"}}});
  }

  stdfs::path dir_;
  stdfs::path store_;
  std::vector<EnvChange> env_;
};

TEST_F(KeysCliTest, ImportStatsAndExportRoundTrip) {
  WriteText(dir_ / "dump.jsonl", GoodDump());
  const Outcome imported =
      Run({"keys", "import", "dump.jsonl", "--source", "test lab"});
  ASSERT_EQ(imported.code, kExitOk) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("Imported 3 key(s)"));
  // The default store, private, in a private folder.
  EXPECT_EQ(Mode(store_), 0600u);
  EXPECT_EQ(Mode(store_.parent_path()), 0700u);

  const Outcome stats = Run({"--json", "keys", "stats"});
  ASSERT_EQ(stats.code, kExitOk) << stats.err;
  const Json counts = Json::parse(stats.out);
  EXPECT_EQ(counts["keys"], 3);
  EXPECT_EQ(counts["families"]["stop-djvu"]["released"], 1);
  EXPECT_EQ(counts["families"][kKbOnly]["released"], 1);
  EXPECT_EQ(counts["families"]["babuk"]["embargoed"], 1);

  const Outcome exported = Run({"keys", "export", "--out", "all.jsonl"});
  ASSERT_EQ(exported.code, kExitOk) << exported.err;
  EXPECT_EQ(Mode(dir_ / "all.jsonl"), 0600u);
  const std::string text = ReadText(dir_ / "all.jsonl");
  EXPECT_THAT(text, HasSubstr("\"source\":\"test lab\""));
  EXPECT_THAT(text, HasSubstr("\"state\":\"embargoed\""));

  // The export imports into another store as the same keys.
  const Outcome again = Run({"keys", "import", "all.jsonl", "--source", "x",
                             "--db", (dir_ / "copy.sqlite").string()});
  ASSERT_EQ(again.code, kExitOk) << again.err;
  ASSERT_EQ(Run({"keys", "export", "--out", "copy.jsonl", "--db",
                 (dir_ / "copy.sqlite").string()})
                .code,
            kExitOk);
  EXPECT_EQ(ReadText(dir_ / "copy.jsonl"), text);
}

TEST_F(KeysCliTest, AMalformedDumpIsRejectedByLineAndImportsNothing) {
  WriteText(dir_ / "first.jsonl", Lines({Symmetric("earlier", "01")}));
  ASSERT_EQ(Run({"keys", "import", "first.jsonl", "--source", "s"}).code,
            kExitOk);
  std::string pem = RsaPem();
  pem.replace(pem.find("-----END"), 8, "-----EMD");  // A broken PEM.
  const std::string dump =
      Lines({Symmetric("a", "02"),
             {{"family", "stop-djvu"},
              {"handle", StopId("t1")},
              {"key_type", "rsa-private-pem"},
              {"key_pem", pem}},
             Symmetric("a", "03")});  // The handle of line 1 again.
  WriteText(dir_ / "dump.jsonl", dump);
  const Outcome run = Run({"keys", "import", "dump.jsonl", "--source", "s"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:2: error: key_pem is not"));
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:3: error: the same cryptxxx "
                                 "handle as line 1"));
  EXPECT_THAT(run.err,
              HasSubstr("2 of 3 record(s) rejected, nothing imported"));
  EXPECT_EQ(StoredKeys(), 1);

  const Outcome json =
      Run({"--json", "keys", "import", "dump.jsonl", "--source", "s"});
  EXPECT_EQ(json.code, kExitBadInput);
  const Json report = Json::parse(json.out);
  EXPECT_EQ(report["imported"], 0);
  EXPECT_EQ(report["accepted"], 1);
  EXPECT_EQ(report["rejected"], 2);
  EXPECT_EQ(report["problems"][0]["line"], 2);
  EXPECT_EQ(report["error"]["code"], "invalid_argument");
}

TEST_F(KeysCliTest, AKeyAlreadyStoredIsNamedByLine) {
  WriteText(dir_ / "dump.jsonl", GoodDump());
  ASSERT_EQ(Run({"keys", "import", "dump.jsonl", "--source", "s"}).code,
            kExitOk);
  WriteText(
      dir_ / "more.jsonl",
      Lines({Symmetric("new", "0a"),
             Symmetric("personal-id-2", "00112233445566778899aabbccddeeff")}));
  const Outcome run = Run({"keys", "import", "more.jsonl", "--source", "s"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_THAT(run.err, HasSubstr("more.jsonl:2: error: the same cryptxxx key"));
  EXPECT_EQ(StoredKeys(), 3);  // Not even line 1.
}

TEST_F(KeysCliTest, ATruncatedArrayImportsNothing) {
  const std::string array = "[\n" + Symmetric("a", "01").dump() + ",\n" +
                            Symmetric("b", "02").dump() + "\n]\n";
  WriteText(dir_ / "cut.json", array.substr(0, array.size() - 10));
  const Outcome run = Run({"keys", "import", "cut.json", "--source", "s"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_THAT(run.err, HasSubstr("cut.json:3: error: not valid JSON"));
  EXPECT_FALSE(stdfs::exists(store_));  // Not even an empty store.
  // An array that is whole imports.
  WriteText(dir_ / "whole.json", array);
  EXPECT_EQ(Run({"keys", "import", "whole.json", "--source", "s"}).code,
            kExitOk);
  EXPECT_EQ(StoredKeys(), 2);
}

TEST_F(KeysCliTest, ExportNeverOverwrites) {
  WriteText(dir_ / "dump.jsonl", GoodDump());
  ASSERT_EQ(Run({"keys", "import", "dump.jsonl", "--source", "s"}).code,
            kExitOk);
  WriteText(dir_ / "keep.jsonl", "mine");
  const Outcome run = Run({"keys", "export", "--out", "keep.jsonl"});
  EXPECT_EQ(run.code, kExitIo);
  EXPECT_THAT(run.err, HasSubstr("already_exists"));
  EXPECT_EQ(ReadText(dir_ / "keep.jsonl"), "mine");
}

TEST_F(KeysCliTest, AStoreThatIsNotOneIsRefused) {
  WriteText(dir_ / "dump.jsonl", Lines({Symmetric("a", "01")}));
  WriteText(dir_ / "notes.txt", std::string(4096, 'n'));
  const Outcome run = Run(
      {"keys", "import", "dump.jsonl", "--source", "s", "--db", "notes.txt"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_THAT(run.err, HasSubstr("corrupt"));
  EXPECT_EQ(ReadText(dir_ / "notes.txt"), std::string(4096, 'n'));
}

TEST_F(KeysCliTest, UsageAndUnavailableStores) {
  EXPECT_EQ(Run({"keys"}).code, kExitUsage);
  EXPECT_EQ(Run({"keys", "import", "x.jsonl"}).code, kExitUsage);  // --source
  EXPECT_EQ(Run({"keys", "stats", "--db", ""}).code, kExitUsage);
  // A PostgreSQL server that is not there: unavailable (exit 9), naming
  // the database and the socket folder, never the password.
  const Outcome postgres =
      Run({"keys", "stats", "--db",
           "postgresql://portal:hunter2@/keys_db?host=/nonexistent-kpg"});
  EXPECT_EQ(postgres.code, kExitUnavailable);
  EXPECT_THAT(postgres.err, HasSubstr("unavailable"));
  EXPECT_THAT(postgres.err, HasSubstr("keys_db"));
  EXPECT_THAT(postgres.err, HasSubstr("/nonexistent-kpg"));
  EXPECT_THAT(postgres.err, Not(HasSubstr("hunter2")));
  // Without XDG_DATA_HOME or HOME there is no default store.
  const Outcome homeless =
      Kintsugi({"keys", "stats"}, dir_,
               {{"XDG_DATA_HOME", std::nullopt}, {"HOME", std::nullopt}});
  EXPECT_EQ(homeless.code, kExitBadInput);
  EXPECT_THAT(homeless.err, HasSubstr("--db PATH"));
  EXPECT_FALSE(stdfs::exists(dir_ / "data"));
}

TEST_F(KeysCliTest, ImportStatsAndExportOnPostgresql) {
  // The same commands with --db postgresql://... (issue 9). The cluster
  // trusts local connections, so the password is not checked: it is there
  // to show it is never printed.
  KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
  ASSERT_OK_AND_ASSIGN(const std::string database, cluster->CreateDatabase());
  std::string url = cluster->Url(database);
  url.replace(url.find("kintsugi@"), 9, "kintsugi:hunter2@");
  WriteText(dir_ / "dump.jsonl", GoodDump());
  const Outcome imported = Run({"--json", "keys", "import", "dump.jsonl",
                                "--source", "test lab", "--db", url});
  ASSERT_EQ(imported.code, kExitOk) << imported.err;
  const Json report = Json::parse(imported.out, nullptr, false);
  EXPECT_EQ(report.value("imported", -1), 3);
  EXPECT_THAT(report.value("db", ""), HasSubstr(database));
  EXPECT_THAT(imported.out, Not(HasSubstr("hunter2")));
  // All or nothing, by line, as with SQLite: line 2 is stored already.
  WriteText(
      dir_ / "again.jsonl",
      Lines({Symmetric("new-id", "00112233"),
             Symmetric("personal-id-2", "00112233445566778899aabbccddeeff")}));
  const Outcome again = Run(
      {"keys", "import", "again.jsonl", "--source", "test lab", "--db", url});
  EXPECT_EQ(again.code, kExitBadInput);
  EXPECT_THAT(again.err, HasSubstr("again.jsonl:2:"));

  const Outcome stats = Run({"--json", "keys", "stats", "--db", url});
  ASSERT_EQ(stats.code, kExitOk) << stats.err;
  const Json counts = Json::parse(stats.out, nullptr, false);
  EXPECT_EQ(counts["keys"], 3);
  EXPECT_EQ(counts["families"]["stop-djvu"]["released"], 1);
  EXPECT_EQ(counts["families"][kKbOnly]["released"], 1);
  EXPECT_EQ(counts["families"]["babuk"]["embargoed"], 1);

  const Outcome exported =
      Run({"keys", "export", "--out", "all.jsonl", "--db", url});
  ASSERT_EQ(exported.code, kExitOk) << exported.err;
  EXPECT_THAT(exported.out, Not(HasSubstr("hunter2")));
  // The export imports into an SQLite store to the same keys.
  const Outcome copied = Run(
      {"keys", "import", "all.jsonl", "--source", "x", "--db", "copy.sqlite"});
  ASSERT_EQ(copied.code, kExitOk) << copied.err;
  ASSERT_EQ(
      Run({"keys", "export", "--out", "copy.jsonl", "--db", "copy.sqlite"})
          .code,
      kExitOk);
  EXPECT_EQ(ReadText(dir_ / "all.jsonl"), ReadText(dir_ / "copy.jsonl"));
}

// `keys list` (issue 17): the built-in released keys, marked so, then the
// store's, never a key; no store is not an error, a --db that is not one
// is.
TEST_F(KeysCliTest, ListShowsTheBuiltInKeysThenTheStoresWithoutKeys) {
  Outcome listed = Run({"--json", "keys", "list"});
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  Json keys = Json::parse(listed.out);
  EXPECT_TRUE(keys["db"].is_null());
  ASSERT_GE(keys["keys"].size(), 1u);
  for (const Json& key : keys["keys"]) EXPECT_EQ(key["origin"], "built-in");
  EXPECT_FALSE(stdfs::exists(dir_ / "data"));  // Nothing created.

  WriteText(dir_ / "dump.jsonl", GoodDump());
  ASSERT_EQ(Run({"keys", "import", "dump.jsonl", "--source", "lab"}).code,
            kExitOk);
  listed = Run({"--json", "keys", "list"});
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  keys = Json::parse(listed.out);
  EXPECT_EQ(keys["db"], store_.string());
  std::size_t builtin = 0;
  std::vector<std::string> stored;
  for (const Json& key : keys["keys"]) {
    EXPECT_FALSE(key.contains("key_hex") || key.contains("key_pem"));
    if (key["origin"] == "built-in") {
      EXPECT_TRUE(stored.empty()) << "built-in keys come first";
      ++builtin;
    } else {
      EXPECT_EQ(key["origin"], "store");
      stored.push_back(key["family"].get<std::string>() + " " +
                       key["state"].get<std::string>());
    }
  }
  EXPECT_GE(builtin, 1u);
  EXPECT_THAT(stored, ::testing::ElementsAre("stop-djvu released",
                                             std::string(kKbOnly) + " released",
                                             "babuk embargoed"));
  // Text: one line per key, the built-in ones marked; no key material.
  const Outcome text = Run({"keys", "list"});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_THAT(text.out, HasSubstr("teslacrypt"));
  EXPECT_THAT(text.out, HasSubstr("built-in"));
  EXPECT_THAT(text.out, Not(HasSubstr("BEGIN")));
  EXPECT_THAT(text.out, Not(HasSubstr("7777777777")));
  EXPECT_THAT(text.out, Not(HasSubstr("440a241d")));
  EXPECT_EQ(Run({"keys", "list", "--db", "missing.sqlite"}).code,
            kExitBadInput);
}

// Regression (issue 9): `keys stats` and `keys export` on a store that did
// not exist created an empty one (and its folders) as a side effect.
TEST_F(KeysCliTest, ReadingAMissingStoreSaysSoAndCreatesNothing) {
  const Outcome stats = Run({"keys", "stats", "--db", "missing.sqlite"});
  EXPECT_EQ(stats.code, kExitBadInput);
  EXPECT_THAT(stats.err, HasSubstr("not_found: missing.sqlite: there is no "
                                   "key store here"));
  EXPECT_FALSE(stdfs::exists(dir_ / "missing.sqlite"));

  const Outcome exported = Run({"--json", "keys", "export", "--out",
                                "out.jsonl", "--db", "sub/missing.sqlite"});
  EXPECT_EQ(exported.code, kExitBadInput);
  EXPECT_EQ(Json::parse(exported.out)["error"]["code"], "not_found");
  EXPECT_FALSE(stdfs::exists(dir_ / "sub"));
  EXPECT_FALSE(stdfs::exists(dir_ / "out.jsonl"));

  // The default store, too.
  EXPECT_EQ(Run({"keys", "stats"}).code, kExitBadInput);
  EXPECT_FALSE(stdfs::exists(dir_ / "data"));
}

// An RFC 4180 field.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

TEST_F(KeysCliTest, ACsvDumpImportsLikeJson) {
  // Columns in any order; the PEM key's line breaks inside its quotes; an
  // empty cell is an absent field.
  const std::string csv =
      "key_type,family,handle,key_pem,key_hex,state,case\r\n"
      "rsa-private-pem,stop-djvu," +
      StopId("t1") + "," + Quoted(RsaPem()) +
      ",,,\"op \"\"north\"\"\"\r\n"
      "x25519-private,babuk,,," +
      std::string(64, '7') + ",embargoed,\r\n";
  WriteText(dir_ / "dump.csv", csv);
  const Outcome run = Run({"keys", "import", "dump.csv", "--source", "s"});
  ASSERT_EQ(run.code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Imported 2 key(s)"));
  EXPECT_THAT(run.err, Not(HasSubstr("warning")));
  ASSERT_EQ(Run({"keys", "export", "--out", "all.jsonl"}).code, kExitOk);
  const std::string text = ReadText(dir_ / "all.jsonl");
  EXPECT_THAT(text, HasSubstr("\"case\":\"op \\\"north\\\"\""));
  EXPECT_THAT(text, HasSubstr("\"state\":\"embargoed\""));
  EXPECT_THAT(text, HasSubstr(StopId("t1")));
}

TEST_F(KeysCliTest, AMalformedCsvDumpIsRejectedByLine) {
  // A file cut short inside the quoted PEM key of its second record (line
  // 3): nothing is imported, no store is made.
  const std::string pem = RsaPem();
  const std::string csv = "family,handle,key_type,key_hex,key_pem\n" +
                          std::string(kKbOnly) + ",a,seed,01,\n" +
                          "stop-djvu," + StopId("t1") + ",rsa-private-pem,,\"" +
                          pem.substr(0, 100);
  WriteText(dir_ / "cut.csv", csv);
  const Outcome cut = Run({"keys", "import", "cut.csv", "--source", "s"});
  EXPECT_EQ(cut.code, kExitBadInput);
  EXPECT_THAT(cut.err, HasSubstr("cut.csv:3: error: the quoted field opened "
                                 "on line 3 is never closed"));
  EXPECT_FALSE(stdfs::exists(store_));

  WriteText(dir_ / "rows.csv",
            "family,handle,key_type,key_hex\n" + std::string(kKbOnly) +
                ",a,seed\n" + std::string(kKbOnly) + ",b,seed,0\x00" + "1\n");
  const Outcome rows = Run({"keys", "import", "rows.csv", "--source", "s"});
  EXPECT_EQ(rows.code, kExitBadInput);
  EXPECT_THAT(rows.err, HasSubstr("rows.csv:2: error: 3 field(s), but the "
                                  "header has 4"));
  EXPECT_FALSE(stdfs::exists(store_));
}

TEST_F(KeysCliTest, RecordsMustFitTheirFamily) {
  WriteText(dir_ / "dump.jsonl",
            Lines({{{"family", "stop-djvu"},
                    {"handle", "personal-id-1"},  // Not 40 characters.
                    {"key_type", "rsa-private-pem"},
                    {"key_pem", RsaPem()}},
                   {{"family", "stop-djvu"},
                    {"handle", StopId("t2")},
                    {"key_type", "rsa-private-pem"},
                    {"key_pem", RsaPem(1024)}},
                   {{"family", "no-such-family"},
                    {"key_type", "seed"},
                    {"key_hex", "01"}},
                   {{"family", "babuk"},
                    {"handle", "x"},
                    {"key_type", "x25519-private"},
                    {"key_hex", std::string(64, '1')}}}));
  const Outcome run = Run({"keys", "import", "dump.jsonl", "--source", "s"});
  EXPECT_EQ(run.code, kExitBadInput);
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:1: error: the stop-djvu handle "
                                 "is not a personal ID"));
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:2: error: the stop-djvu "
                                 "decryptors take RSA-2048 keys, not "
                                 "RSA-1024"));
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:3: error: unknown family "
                                 "\"no-such-family\""));
  EXPECT_THAT(run.err, HasSubstr("dump.jsonl:4: error: babuk files name no "
                                 "key"));
  EXPECT_FALSE(stdfs::exists(store_));
}

TEST_F(KeysCliTest, KeysForAFamilyWithoutDecryptorAreKeptWithAWarning) {
  WriteText(dir_ / "dump.jsonl", Lines({Symmetric("a", "01")}));
  const Outcome run = Run({"keys", "import", "dump.jsonl", "--source", "s"});
  ASSERT_EQ(run.code, kExitOk) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: 1 key stored for a family no "
                                 "decryptor uses yet (cryptxxx)"));
  WriteText(dir_ / "more.jsonl", Lines({Symmetric("b", "02")}));
  const Outcome json =
      Run({"--json", "keys", "import", "more.jsonl", "--source", "s"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  const Json report = Json::parse(json.out);
  EXPECT_EQ(report["no_decryptor"], 1);
  EXPECT_EQ(report["no_decryptor_families"], Json::array({kKbOnly}));
  EXPECT_EQ(StoredKeys(), 2);
}

}  // namespace
}  // namespace kintsugi
