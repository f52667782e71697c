// End to end (issue 9, Babuk NAS and ESXi, recovery-schemes.md §3.8): a
// leaked attacker key imported by `kintsugi keys import` (family "babuk",
// no handle: the files name no key) is tried by `kintsugi recover --db` on
// every Babuk file; a NAS and an ESXi specimen are recovered and verified,
// and a file no stored key opens is key_not_found with its public key, and
// stays untouched.
//
// Specimens (recovery-schemes.md §0, §3.8 "Specimen recipe"): synthetic
// plaintext, X25519 key pairs generated here, one explicit output file at a
// time inside a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
#include "crypto/x25519.h"
#include "families/babuk/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi {
namespace {

using testing::FileEntry;
using testing::ReadJson;

namespace stdfs = std::filesystem;
using families::BabukBuild;
using ::testing::ElementsAreArray;

int RunCli(const std::vector<std::string>& args, const Path& stdout_path) {
  return testing::RunCliToFile(args, stdout_path);
}

// The decryptor's message, inside the folder's identification when
// identify ran (recover.with_choice, docs/messages.md).
nlohmann::json KeyMessage(const nlohmann::json& file) {
  const nlohmann::json message = file.value("message", nlohmann::json());
  if (testing::JsonText(message, "/id") == "recover.with_choice") {
    return message["args"]["detail"][0];
  }
  return message;
}

Bytes Read(const Path& path) {
  auto bytes = ReadWholeFile(RealFileSystem(), path, 1 << 22);
  return bytes.ok() ? *bytes : Bytes();
}

class BabukCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("babuk");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    pdf_ = formats::samples::MakePdf(300'000);
    text_ = formats::samples::MakeText(70'000);
    const Bytes attacker_public = *crypto::X25519PublicKey(attacker_);
    ASSERT_THAT(
        families_testing::WriteBabukSpecimen(
            RealFileSystem(), victim_, "report.pdf.babyk", BabukBuild::kNas,
            pdf_, attacker_public, families_testing::MakeBabukPrivateKey(11)),
        IsOk());
    ASSERT_THAT(
        families_testing::WriteBabukSpecimen(
            RealFileSystem(), victim_, "vm.log.babyk", BabukBuild::kEsxi, text_,
            attacker_public, families_testing::MakeBabukPrivateKey(12)),
        IsOk());
    // Encrypted for an attacker whose key nobody holds.
    ASSERT_THAT(families_testing::WriteBabukSpecimen(
                    RealFileSystem(), victim_, "other.pdf.babyk",
                    BabukBuild::kNas, pdf_, *crypto::X25519PublicKey(unknown_),
                    families_testing::MakeBabukPrivateKey(13)),
                IsOk());
    other_ = Read(victim_ / "other.pdf.babyk");
    other_public_ = ToHex(
        *crypto::X25519PublicKey(families_testing::MakeBabukPrivateKey(13)));
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // The specimen sidecars are inputs too; check only the files named.
  void RecoverWithKeysImportedInto(const std::string& db);

  void ExpectOtherUntouched(const nlohmann::json& report) {
    const nlohmann::json* f = FileEntry(report, "other.pdf.babyk");
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "key_not_found") << f->dump();
    const nlohmann::json message = KeyMessage(*f);
    EXPECT_EQ(testing::JsonText(message, "/id"), "recover.babuk_keys_no_fit")
        << f->dump();
    EXPECT_EQ(testing::JsonText(message, "/args/public_key"), other_public_);
    EXPECT_THAT(testing::JsonText(*f, "/detail"),
                ::testing::HasSubstr(other_public_));
    EXPECT_FALSE(stdfs::exists(victim_ / "other.pdf"));
    EXPECT_EQ(Read(victim_ / "other.pdf.babyk"), other_);
  }

  const SecretBytes attacker_ = families_testing::MakeBabukPrivateKey(1);
  const SecretBytes decoy_ = families_testing::MakeBabukPrivateKey(2);
  const SecretBytes unknown_ = families_testing::MakeBabukPrivateKey(3);
  Path dir_;
  Path victim_;
  Bytes pdf_;
  Bytes text_;
  Bytes other_;
  std::string other_public_;
};

// Imports the leaked keys into the store `db` (a path or a PostgreSQL
// URL) with `kintsugi keys import`, then recovers with `recover --db`.
void BabukCli::RecoverWithKeysImportedInto(const std::string& db) {
  // Two released keys (a decoy first), as a leak would hold several.
  const Path dump = dir_ / "leak.jsonl";
  {
    std::ofstream out(dump);
    for (const SecretBytes* key : {&decoy_, &attacker_}) {
      const nlohmann::json line = {{"family", "babuk"},
                                   {"key_type", "x25519-private"},
                                   {"key_hex", ToHex(key->view())},
                                   {"case", "builder leak"}};
      out << line.dump() << "\n";
    }
  }
  ASSERT_EQ(
      RunCli({"keys", "import", dump.string(), "--db", db, "--source", "test"},
             dir_ / "import.txt"),
      0);
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--db", db}, json),
            1);  // other.pdf.babyk is key_not_found: partial (docs/cli.md).
  const nlohmann::json report = ReadJson(json);
  struct Expect {
    const char* name;
    const char* decryptor;
    const char* original;
    const Bytes* plain;
    const char* verified_by;
  };
  for (const Expect& e :
       {Expect{"report.pdf.babyk", "babuk-nas", "report.pdf", &pdf_,
               "structure"},
        Expect{"vm.log.babyk", "babuk-esxi", "vm.log", &text_, "structure"}}) {
    SCOPED_TRACE(e.name);
    const nlohmann::json* f = FileEntry(report, e.name);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_EQ((*f)["decryptor"], e.decryptor);
    EXPECT_EQ((*f)["verified_by"], e.verified_by) << f->dump();
    EXPECT_EQ(testing::JsonText(*f, "/key_source"), "key store (test)")
        << f->dump();
    EXPECT_THAT(Read(victim_ / e.original), ElementsAreArray(*e.plain));
  }
  ExpectOtherUntouched(report);
}

TEST_F(BabukCli, RecoversNasAndEsxiWithKeysImportedIntoTheStore) {
  RecoverWithKeysImportedInto((dir_ / "keys.sqlite").string());
}

TEST_F(BabukCli, RecoversNasAndEsxiWithKeysImportedIntoAPostgresqlStore) {
  // The same with --db postgresql://... (issue 9's "done when").
  KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
  ASSERT_OK_AND_ASSIGN(const std::string database, cluster->CreateDatabase());
  RecoverWithKeysImportedInto(cluster->Url(database));
}

TEST_F(BabukCli, RecoversWithTheKeyInHex) {
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--family", "babuk",
                    "--key", ToHex(attacker_.view())},
                   json),
            1);
  const nlohmann::json report = ReadJson(json);
  for (const char* name : {"report.pdf.babyk", "vm.log.babyk"}) {
    const nlohmann::json* f = FileEntry(report, name);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_EQ(testing::JsonText(*f, "/key_source"), "--key");
  }
  EXPECT_THAT(Read(victim_ / "report.pdf"), ElementsAreArray(pdf_));
  ExpectOtherUntouched(report);
}

TEST_F(BabukCli, WithoutKeysEveryFileIsKeyNotFoundWithItsPublicKey) {
  const Path json = dir_ / "out.json";
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json"}, json), 1);
  const nlohmann::json report = ReadJson(json);
  const nlohmann::json* f = FileEntry(report, "other.pdf.babyk");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "key_not_found") << f->dump();
  const nlohmann::json message = KeyMessage(*f);
  EXPECT_EQ(testing::JsonText(message, "/id"), "recover.babuk_no_keys")
      << f->dump();
  EXPECT_EQ(testing::JsonText(message, "/args/public_key"), other_public_);
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  EXPECT_FALSE(stdfs::exists(victim_ / "vm.log"));
}

TEST_F(BabukCli, AKeyThatIsNot32BytesIsRefused) {
  EXPECT_EQ(RunCli({"recover", victim_.string(), "--json", "--family", "babuk",
                    "--key", "00112233"},
                   dir_ / "out.json"),
            3);
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
}

}  // namespace
}  // namespace kintsugi
