// End to end (issue 9, STOP/Djvu): `kintsugi recover DIR --family stop-djvu
// --key HEX` recovers a specimen; without a key the file is key_not_found
// with its personal ID, and stays untouched.
//
// Specimens (recovery-schemes.md §0, §3.7 "Specimen recipe"): synthetic
// plaintext, an RSA-2048 key pair generated here, one explicit output file
// inside a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/rsa_oaep.h"
#include "families/stop_djvu/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi {
namespace {

using testing::FileEntry;
using testing::ReadJson;

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;

// Runs `kintsugi ARGS...` to the end; stdout goes to `stdout_path`.
int RunCli(const std::vector<std::string>& args, const Path& stdout_path) {
  return testing::RunCliToFile(args, stdout_path);
}

class StopDjvuCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("stop-djvu");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    auto key = crypto::RsaPrivateKey::Generate(2048);
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<crypto::RsaPrivateKey>(*key);
    plain_ = formats::samples::MakePdf(200'000);
    id_ = families_testing::MakeStopPersonalId(42, /*offline=*/true);
    ASSERT_THAT(families_testing::WriteStopDjvuSpecimen(
                    RealFileSystem(), victim_, "report.pdf.djvu", plain_, *key_,
                    id_, families_testing::MakeStopUuid(42)),
                IsOk());
    encrypted_ =
        *ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }
  void RecoverWithAKeyImportedInto(const std::string& db);

  Path dir_;
  Path victim_;
  std::unique_ptr<crypto::RsaPrivateKey> key_;
  Bytes plain_;
  Bytes encrypted_;
  std::string id_;
};

TEST_F(StopDjvuCli, RecoversWithTheKeyInHex) {
  const SecretBytes der = *key_->ToDer();
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--family",
                    "stop-djvu", "--key", ToHex(der.view())},
                   json),
            0);
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json* f = FileEntry(report, "report.pdf.djvu");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "recovered") << f->dump();
  EXPECT_EQ((*f)["decryptor"], "stop-djvu");
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(plain_));
}

// Issue 9: a seized key imported by `kintsugi keys import --db DB`, then
// looked up by the file's personal ID by `kintsugi recover --db DB` (no
// --key, no --family). The same on every store.
void StopDjvuCli::RecoverWithAKeyImportedInto(const std::string& db) {
  const SecretBytes pem = *key_->ToPem();
  const Path dump = dir_ / "seized.jsonl";
  {
    nlohmann::json line = {
        {"family", "stop-djvu"},
        {"handle", id_},
        {"key_type", "rsa-private-pem"},
        {"key_pem", std::string(pem.view().begin(), pem.view().end())},
        {"case", "test-case-1"}};
    std::ofstream out(dump);
    out << line.dump() << "\n";
  }
  EXPECT_EQ(
      RunCli({"keys", "import", dump.string(), "--db", db, "--source", "test"},
             dir_ / "import.txt"),
      0);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--db", db}, json),
            0);
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json* f = FileEntry(report, "report.pdf.djvu");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "recovered") << f->dump();
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(plain_));
}

TEST_F(StopDjvuCli, RecoversWithAKeyImportedIntoTheStore) {
  RecoverWithAKeyImportedInto((dir_ / "keys.sqlite").string());
}

TEST_F(StopDjvuCli, RecoversWithAKeyImportedIntoAPostgresqlStore) {
  KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
  ASSERT_OK_AND_ASSIGN(const std::string database, cluster->CreateDatabase());
  RecoverWithAKeyImportedInto(cluster->Url(database));
}

TEST_F(StopDjvuCli, AnUnreachablePostgresqlStoreStopsTheRun) {
  // No server behind the socket folder: unavailable (exit 9) before any
  // file is touched.
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--db",
                    "postgresql://kintsugi@/keys?host=/nonexistent-kpg"},
                   json),
            9);
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  auto still =
      ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, encrypted_);
}

TEST_F(StopDjvuCli, WithoutAKeyItIsKeyNotFoundWithTheId) {
  const Path json = dir_ / "out.json";
  EXPECT_EQ(
      RunCli({"recover", victim_.string(), "--json", "--family", "stop-djvu"},
             json),
      1);  // key_not_found: partial (docs/cli.md).
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json* f = FileEntry(report, "report.pdf.djvu");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "key_not_found") << f->dump();
  EXPECT_EQ(testing::JsonText(*f, "/message/id"),
            "recover.stop_djvu_no_key_offline_like");
  EXPECT_EQ(testing::JsonText(*f, "/message/args/id"), id_);
  EXPECT_THAT(testing::JsonText(*f, "/detail"), ::testing::HasSubstr(id_));
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  auto still =
      ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, encrypted_);
}

TEST_F(StopDjvuCli, AKeyThatIsNotAnRsaKeyIsRefused) {
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--family",
                    "stop-djvu", "--key", "00112233"},
                   json),
            3);
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
}

TEST_F(StopDjvuCli, ADbThatDoesNotExistIsAnErrorAndIsNotCreated) {
  // A run reads keys: --db naming no store was an empty store created as a
  // side effect (and every file key_not_found).
  const Path missing = dir_ / "typo.sqlite";
  EXPECT_NE(RunCli({"recover", victim_.string(), "--db", missing.string()},
                   dir_ / "out.txt"),
            0);
  EXPECT_FALSE(stdfs::exists(missing));
  auto still =
      ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
  ASSERT_TRUE(still.ok());
  EXPECT_THAT(*still, ElementsAreArray(encrypted_));
}

}  // namespace
}  // namespace kintsugi
