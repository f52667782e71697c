// End to end (issue 17, TeslaCrypt 3.x/4.x, recovery-schemes-2.md §3.1):
// `kintsugi recover` on 3.x (.micro, .ttt) and 4.x (name kept) specimens,
// with the test C&C key imported by `kintsugi keys import` or given with
// --key; on a fresh install (no key store) the built-in released key is
// consulted; a wrong key is key_not_found, a damaged header an error, a
// 2.x file needs_input (factoring), and every encrypted file stays as it
// was.
//
// Specimens (§0, §3.1 "Specimen recipe"): a C&C key pair drawn here, never
// the real one, one explicit output file at a time in a mkdtemp folder.
// The released key can only be exercised in the decryption direction: here
// it is consulted and, rightly, does not fit the test C&C's files.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/secp256k1.h"
#include "families/teslacrypt/layout.h"
#include "families/teslacrypt/testing/specimens.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using families_testing::TeslaFileParameters;
using families_testing::TeslaInfection;
using families_testing::TeslaPaddingMode;
using families_testing::TeslaSession;
using families_testing::TeslaTestSecret;
using ::testing::ElementsAreArray;
using testing::FileEntry;

namespace stdfs = std::filesystem;

Bytes Read(const Path& path) {
  auto bytes = ReadWholeFile(RealFileSystem(), path, 1 << 22);
  return bytes.ok() ? *bytes : Bytes();
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

class TeslaCryptCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("teslacrypt");
    ASSERT_FALSE(dir_.empty());
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    // A fresh install: no key store, state kept in the test's folder.
    env_ = {{"XDG_DATA_HOME", (dir_ / "data").string()},
            {"XDG_STATE_HOME", (dir_ / "state").string()},
            {"HOME", (dir_ / "home").string()}};
    pdf_ = formats::samples::MakePdf(300'000);
    // Not a multiple of 16: notes.txt's zero padding shows.
    text_ = formats::samples::MakeText(70'003);
    png_ = formats::samples::MakeSample(formats::FileKind::kPng, 5000);
    const TeslaInfection infection{TeslaTestSecret("cli gpriv"),
                                   TeslaTestSecret("cli random1")};
    const TeslaSession session{TeslaTestSecret("cli amaster"),
                               TeslaTestSecret("cli random2")};
    struct Spec {
      const char* name;
      const Bytes* plain;
      TeslaPaddingMode padding;
    };
    int n = 0;
    for (const Spec& s :
         {Spec{"report.pdf.micro", &pdf_, TeslaPaddingMode::kPkcs7},
          Spec{"notes.txt", &text_, TeslaPaddingMode::kZeros},
          Spec{"photo.png.ttt", &png_, TeslaPaddingMode::kPkcs7}}) {
      TeslaFileParameters file{TeslaTestSecret("cli iv " + std::to_string(n))
                                   .view()
                                   .First(16)
                                   .ToBytes(),
                               Bytes(8, 0x5a), s.padding};
      ++n;
      ASSERT_THAT(families_testing::WriteTeslaCryptSpecimen(
                      RealFileSystem(), victim_, s.name, *s.plain, C2Public(),
                      infection, session, file),
                  IsOk());
      encrypted_.emplace_back(s.name, Read(victim_ / s.name));
    }
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  static const Bytes& C2Public() {
    static const Bytes key =
        *crypto::Secp256k1PublicKey(TeslaTestSecret("cli c2"));
    return key;
  }
  static std::string C2Hex() { return ToHex(TeslaTestSecret("cli c2").view()); }

  nlohmann::json Recover(const std::vector<std::string>& extra,
                         int expected_exit) {
    std::vector<std::string> args = {"recover", victim_.string(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const testing::CliRun run = testing::RunKintsugi(args, dir_, env_);
    EXPECT_EQ(run.code, expected_exit) << run.err;
    return nlohmann::json::parse(run.out, nullptr, false);
  }

  void ExpectRecovered(const nlohmann::json& report,
                       const std::string& key_source) {
    struct Expect {
      const char* name;
      const char* output;
      const char* variant;
      const Bytes* plain;
    };
    for (const Expect& e :
         {Expect{"report.pdf.micro", "report.pdf", "3.x", &pdf_},
          // 4.x keeps the name: the output never replaces the encrypted
          // file, it goes beside it.
          Expect{"notes.txt", "notes (recovered).txt", "4.x", &text_},
          Expect{"photo.png.ttt", "photo.png", "3.x", &png_}}) {
      SCOPED_TRACE(e.name);
      const nlohmann::json* f = FileEntry(report, e.name);
      ASSERT_NE(f, nullptr) << report.dump();
      EXPECT_EQ((*f)["status"], "recovered") << f->dump();
      EXPECT_EQ((*f)["decryptor"], "teslacrypt");
      EXPECT_EQ((*f)["variant"], e.variant);
      EXPECT_EQ(testing::JsonText(*f, "/key_source"), key_source);
      EXPECT_EQ(stdfs::path(testing::JsonText(*f, "/output")).filename(),
                e.output);
      EXPECT_THAT(Read(victim_ / e.output), ElementsAreArray(*e.plain));
      // The zero padding is said, after "verified".
      EXPECT_EQ(testing::JsonText(KeyMessage(*f), "/args/warning/0/id"),
                e.plain == &text_ ? "recover.teslacrypt_zero_padding" : "")
          << f->dump();
    }
    ExpectEncryptedUntouched();
  }

  void ExpectEncryptedUntouched() {
    for (const auto& [name, bytes] : encrypted_) {
      EXPECT_EQ(Read(victim_ / name), bytes) << name;
    }
  }

  Path dir_;
  Path victim_;
  testing::CliEnv env_;
  Bytes pdf_;
  Bytes text_;
  Bytes png_;
  std::vector<std::pair<std::string, Bytes>> encrypted_;
};

TEST_F(TeslaCryptCli, RecoversWithTheMasterKeyImportedIntoTheStore) {
  const Path dump = dir_ / "c2.jsonl";
  std::ofstream(dump) << nlohmann::json{{"family", "teslacrypt"},
                                        {"key_type", "secp256k1-private"},
                                        {"key_hex", C2Hex()}}
                             .dump()
                      << "\n";
  const Path db = dir_ / "keys.sqlite";
  const testing::CliRun import =
      testing::RunKintsugi({"keys", "import", dump.string(), "--db",
                            db.string(), "--source", "test"},
                           dir_, env_);
  ASSERT_EQ(import.code, 0) << import.err;
  const nlohmann::json report = Recover({"--db", db.string()}, 0);
  ExpectRecovered(report, "key store (test)");
  // The 4.x output, recovered again, is not taken for a TeslaCrypt file.
  const nlohmann::json again = Recover({"--db", db.string()}, 0);
  const nlohmann::json* f = FileEntry(again, "notes (recovered).txt");
  if (f != nullptr) {
    EXPECT_NE((*f)["decryptor"], "teslacrypt") << f->dump();
  }
}

TEST_F(TeslaCryptCli, RecoversWithTheMasterKeyInHex) {
  const nlohmann::json report =
      Recover({"--family", "teslacrypt", "--key", C2Hex()}, 0);
  ExpectRecovered(report, "--key");
}

TEST_F(TeslaCryptCli, ATruncatedFileIsPartialWithItsMissingTail) {
  // Issue 17: the header records the original's size, so a file cut short
  // (its header whole) is partial: the whole blocks it holds decrypted as
  // NAME.partial, the tail it lost accounted for byte for byte.
  const Bytes& whole_file = encrypted_[0].second;
  const std::size_t kept = whole_file.size() - 100'001;
  const Bytes cut(whole_file.begin(),
                  whole_file.begin() + static_cast<std::ptrdiff_t>(kept));
  ASSERT_THAT(families_testing::WriteSpecimen(RealFileSystem(), victim_,
                                              "cut.pdf.micro", cut,
                                              "family=teslacrypt\n", false),
              IsOk());
  const nlohmann::json report =
      Recover({"--family", "teslacrypt", "--key", C2Hex()}, 1);
  const nlohmann::json* f = FileEntry(report, "cut.pdf.micro");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "partial") << f->dump();
  const std::uint64_t whole = (kept - families::kTeslaHeaderBytes) / 16 * 16;
  const std::uint64_t size = pdf_.size();
  EXPECT_EQ(stdfs::path(testing::JsonText(*f, "/output")).filename(),
            "cut.pdf.partial");
  EXPECT_EQ((*f)["partial"]["size"], size) << f->dump();
  EXPECT_EQ((*f)["partial"]["bytes_recovered"], whole);
  EXPECT_EQ((*f)["partial"]["bytes_lost"], size - whole);
  EXPECT_EQ((*f)["partial"]["bytes_missing"], size - whole);
  EXPECT_EQ((*f)["partial"]["lost_range_count"], 1);
  EXPECT_EQ((*f)["partial"]["lost_ranges"][0]["offset"], whole);
  EXPECT_EQ((*f)["partial"]["lost_ranges"][0]["length"], size - whole);
  EXPECT_THAT(Read(victim_ / "cut.pdf.partial"),
              ElementsAreArray(ByteView(pdf_).First(whole).span()));
  EXPECT_FALSE(stdfs::exists(victim_ / "cut.pdf"));
  EXPECT_EQ(Read(victim_ / "cut.pdf.micro"), cut);
  ExpectRecovered(report, "--key");
}

TEST_F(TeslaCryptCli, AFreshInstallTriesTheBuiltInKey) {
  // No store: the built-in released key is tried (one key), and does not
  // fit files of the test C&C.
  const nlohmann::json report = Recover({}, 1);
  for (const auto& [name, bytes] : encrypted_) {
    SCOPED_TRACE(name);
    const nlohmann::json* f = FileEntry(report, name);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "key_not_found") << f->dump();
    const nlohmann::json message = KeyMessage(*f);
    EXPECT_EQ(testing::JsonText(message, "/id"),
              "recover.teslacrypt_keys_no_fit")
        << f->dump();
    EXPECT_EQ(message["args"]["count"], 1) << f->dump();
  }
  EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  ExpectEncryptedUntouched();
  // `keys list` shows it, marked built-in, without the key.
  const testing::CliRun list =
      testing::RunKintsugi({"keys", "list", "--json"}, dir_, env_);
  ASSERT_EQ(list.code, 0) << list.err;
  const nlohmann::json listed = nlohmann::json::parse(list.out);
  ASSERT_TRUE(listed["db"].is_null()) << list.out;
  bool found = false;
  for (const nlohmann::json& key : listed["keys"]) {
    if (key["family"] != "teslacrypt") continue;
    found = true;
    EXPECT_EQ(key["origin"], "built-in");
    EXPECT_EQ(key["key_type"], "secp256k1-private");
    EXPECT_EQ(key["state"], "released");
    EXPECT_FALSE(key.contains("key_hex"));
  }
  EXPECT_TRUE(found) << list.out;
  EXPECT_EQ(list.out.find("440a241d"), std::string::npos);
  EXPECT_EQ(list.out.find("440A241D"), std::string::npos);
}

TEST_F(TeslaCryptCli, AWrongKeyADamagedHeaderAndA2xFile) {
  // A .micro file cut inside its header.
  const Bytes cut(encrypted_[0].second.begin(),
                  encrypted_[0].second.begin() + 200);
  ASSERT_THAT(families_testing::WriteSpecimen(RealFileSystem(), victim_,
                                              "cut.doc.micro", cut,
                                              "family=teslacrypt\n", false),
              IsOk());
  // A 2.x file.
  ASSERT_OK_AND_ASSIGN(Bytes old,
                       families_testing::TeslaCrypt2Encrypt(
                           text_, TeslaTestSecret("cli 2.x"), Bytes(16, 7)));
  ASSERT_THAT(
      families_testing::WriteSpecimen(RealFileSystem(), victim_, "old.txt.vvv",
                                      old, "family=teslacrypt 2.x\n", false),
      IsOk());
  const nlohmann::json report = Recover(
      {"--family", "teslacrypt", "--key", ToHex(TeslaTestSecret("x").view())},
      1);
  const nlohmann::json* f = FileEntry(report, "report.pdf.micro");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "key_not_found") << f->dump();
  // --key and the built-in key.
  EXPECT_EQ(KeyMessage(*f)["args"]["count"], 2) << f->dump();
  f = FileEntry(report, "cut.doc.micro");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "error") << f->dump();
  EXPECT_EQ(testing::JsonText(KeyMessage(*f), "/id"),
            "recover.teslacrypt_bad_header")
      << f->dump();
  // Without --key, the 2.x file needs factoring.
  const nlohmann::json plain = Recover({}, 1);
  f = FileEntry(plain, "old.txt.vvv");
  ASSERT_NE(f, nullptr) << plain.dump();
  EXPECT_EQ((*f)["status"], "needs_input") << f->dump();
  EXPECT_EQ(testing::JsonText(KeyMessage(*f), "/id"),
            "recover.teslacrypt_needs_factoring")
      << f->dump();
  EXPECT_FALSE(stdfs::exists(victim_ / "old.txt"));
  ExpectEncryptedUntouched();
}

}  // namespace
}  // namespace kintsugi
