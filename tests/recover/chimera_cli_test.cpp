// End to end (issue 17, Chimera, recovery-schemes-2.md §3.6): a test leak
// in the published form (one hex key blob a line: 50 decoys and the
// victim's key) is imported by `kintsugi keys import`, and `kintsugi
// recover --db` names the key that fits each Chimera file, by its
// fingerprint and source, never its bytes. The data cipher is not known:
// those files are `unsupported`, nothing is written, and a file no leaked
// key fits is `key_not_found`.
//
// Specimens (§0, §3.6 "Specimen recipe"): RSA keys generated here, a
// placeholder ciphertext, one explicit output file at a time inside a
// mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "crypto/rsa_key_blob.h"
#include "families/chimera/testing/specimens.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::FileEntry;
using ::testing::HasSubstr;
using testing::JsonText;
using ::testing::Not;
using testing::ReadJson;
namespace stdfs = std::filesystem;

// The decryptor's message, inside the folder's identification when
// identify ran (recover.with_choice, docs/messages.md).
nlohmann::json KeyMessage(const nlohmann::json& file) {
  const nlohmann::json message = file.value("message", nlohmann::json());
  if (JsonText(message, "/id") == "recover.with_choice") {
    return message["args"]["detail"][0];
  }
  return message;
}

class ChimeraCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("chimera");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    victim_dir_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_dir_));
    auto keys = families_testing::MakeChimeraKeys(2);
    ASSERT_TRUE(keys.ok());
    auto decoys = families_testing::MakeChimeraDecoyKeys(50);
    ASSERT_TRUE(decoys.ok());
    // The victim's key in the middle of the leak.
    std::vector<crypto::RsaPrivateKey> leak(decoys->begin(),
                                            decoys->begin() + 25);
    leak.push_back((*keys)[0]);
    leak.insert(leak.end(), decoys->begin() + 25, decoys->end());
    auto text = families_testing::ChimeraLeakText(leak);
    ASSERT_TRUE(text.ok());
    testing::WriteTextFile(dir_ / "chimera-leak.txt", *text);
    fingerprint_ = crypto::RsaModulusFingerprint((*keys)[0]);
    const SecretBytes blob = *crypto::MakeRsaKeyBlob((*keys)[0]);
    // A stretch of the private exponent D (bytes 259..514 of the blob).
    secret_hex_ = ToHex(blob.view()).substr(2 * 300, 40);
    for (const auto& [name, size, key] :
         {std::tuple{"report.docx.crypt", 5310, 0},
          std::tuple{"photo.jpg.crypt", 382, 0},
          std::tuple{"other.pdf.crypt", 2946, 1}}) {
      ASSERT_TRUE(families_testing::WriteChimeraSpecimen(
                      RealFileSystem(), victim_dir_, name,
                      static_cast<std::uint64_t>(size),
                      (*keys)[static_cast<std::size_t>(key)],
                      static_cast<std::uint64_t>(size))
                      .ok());
    }
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  testing::CliRun Import(const stdfs::path& leak) {
    return testing::RunKintsugi(
        {"keys", "import", leak.string(), "--db", db_.string(), "--source",
         "test leak", "--json"},
        dir_);
  }

  stdfs::path dir_;
  stdfs::path victim_dir_;
  stdfs::path db_ = "keys.sqlite";  // In dir_, the runs' working folder.
  std::string fingerprint_;
  std::string secret_hex_;
};

TEST_F(ChimeraCli, TheLeakIsImportedAndTheFittingKeyNamed) {
  const testing::CliRun imported = Import(dir_ / "chimera-leak.txt");
  ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
  EXPECT_EQ(nlohmann::json::parse(imported.out)["imported"], 51)
      << imported.out;

  const testing::CliRun run = testing::RunKintsugi(
      {"recover", victim_dir_.string(), "--json", "--db", db_.string()}, dir_);
  // other.pdf.crypt is key_not_found: partial (docs/cli.md).
  EXPECT_EQ(run.code, 1) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  for (const char* name : {"report.docx.crypt", "photo.jpg.crypt"}) {
    SCOPED_TRACE(name);
    const nlohmann::json* f = FileEntry(report, name);
    ASSERT_NE(f, nullptr) << run.out;
    EXPECT_EQ((*f)["status"], "unsupported") << f->dump();
    EXPECT_EQ((*f)["decryptor"], "chimera");
    const nlohmann::json message = KeyMessage(*f);
    EXPECT_EQ(JsonText(message, "/id"), "recover.chimera_key_fits")
        << f->dump();
    EXPECT_EQ(JsonText(message, "/args/fingerprint"), fingerprint_);
    EXPECT_EQ(JsonText(message, "/args/source"), "key store (test leak)");
    EXPECT_THAT(JsonText(*f, "/detail"),
                HasSubstr("data cipher is not identified yet"));
  }
  const nlohmann::json* other = FileEntry(report, "other.pdf.crypt");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ((*other)["status"], "key_not_found") << other->dump();
  EXPECT_EQ(JsonText(KeyMessage(*other), "/id"), "recover.chimera_keys_no_fit");
  EXPECT_EQ(KeyMessage(*other)["args"]["count"], 51);
  // The run names the key once, by fingerprint, with its files.
  ASSERT_EQ(report["summary"]["keys"].size(), 1u) << run.out;
  const nlohmann::json& key = report["summary"]["keys"][0];
  EXPECT_EQ(key["decryptor"], "chimera");
  EXPECT_EQ(key["key"], "");
  EXPECT_EQ(key["source"], "key store (test leak)");
  EXPECT_EQ(JsonText(key, "/message/args/fingerprint"), fingerprint_);
  EXPECT_EQ(key["message"]["args"]["files"], 2);
  // Nothing written, no private key material printed.
  EXPECT_FALSE(stdfs::exists(victim_dir_ / "report.docx"));
  EXPECT_FALSE(stdfs::exists(victim_dir_ / "photo.jpg"));
  EXPECT_THAT(run.out, Not(HasSubstr(secret_hex_)));

  const testing::CliRun human = testing::RunKintsugi(
      {"recover", victim_dir_.string(), "--db", db_.string()}, dir_);
  EXPECT_EQ(human.code, 1) << human.err;
  EXPECT_THAT(human.out,
              HasSubstr("Key found (chimera, from key store (test leak))\n"));
  EXPECT_THAT(human.out, HasSubstr("Chimera key " + fingerprint_ + " fits 2"));
  EXPECT_THAT(human.out, HasSubstr("unsupported  "));
  EXPECT_THAT(human.out + human.err, Not(HasSubstr(secret_hex_)));
}

TEST_F(ChimeraCli, ALeakWithADamagedKeyIsRefusedWhole) {
  std::string text = testing::ReadTextFile(dir_ / "chimera-leak.txt");
  // The store holds one key of an earlier import: the first decoy.
  testing::WriteTextFile(dir_ / "first.txt", text.substr(0, text.find('\n')));
  ASSERT_EQ(Import(dir_ / "first.txt").code, 0);
  // A digit of line 3's P changed (N 256 bytes, E 3, D 256: P from 515).
  const std::size_t line3 = text.find('\n', text.find('\n') + 1) + 1;
  char& digit = text[line3 + 2 * 515 + 7];
  digit = digit == '0' ? '1' : '0';
  testing::WriteTextFile(dir_ / "damaged-leak.txt", text);
  const testing::CliRun run = Import(dir_ / "damaged-leak.txt");
  EXPECT_EQ(run.code, 3) << run.out << run.err;
  const nlohmann::json result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["imported"], 0);
  ASSERT_EQ(result["problems"].size(), 1u) << run.out;
  EXPECT_EQ(result["problems"][0]["line"], 3);
  EXPECT_THAT(result["problems"][0]["message"].get<std::string>(),
              HasSubstr("p * q is not n"));
  // Nothing of the file was stored: the earlier decoy is the one key tried.
  const testing::CliRun recover = testing::RunKintsugi(
      {"recover", victim_dir_.string(), "--json", "--db", db_.string()}, dir_);
  const nlohmann::json report = nlohmann::json::parse(recover.out);
  const nlohmann::json* f = FileEntry(report, "report.docx.crypt");
  ASSERT_NE(f, nullptr) << recover.out << recover.err;
  EXPECT_EQ((*f)["status"], "key_not_found");
  EXPECT_EQ(JsonText(KeyMessage(*f), "/id"), "recover.chimera_keys_no_fit");
  EXPECT_EQ(KeyMessage(*f)["args"]["count"], 1);
}

}  // namespace
}  // namespace kintsugi
