// End to end (issue 12): `kintsugi release keygen|make` and `kintsugi kb
// verify|update` through the built binary ($KINTSUGI_BINARY), and the
// tampering the issue names: a flipped byte, a truncated bundle, another
// key, a replayed older bundle, an installed bundle altered on disk. Keys
// are made here (recovery-schemes.md §0); everything lives in a mkdtemp
// folder given as XDG_DATA_HOME.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 3;
constexpr int kExitIo = 6;
constexpr int kExitKbInvalid = 7;
constexpr int kExitUnauthenticated = 10;

using Outcome = testing::CliRun;
using testing::ReadTextFile;
using testing::WriteTextFile;

class ReleaseCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTestDir("release-cli");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    ASSERT_EQ(unsetenv("SOURCE_DATE_EPOCH"), 0);
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  Outcome Run(const std::vector<std::string>& args) {
    return testing::RunKintsugi(args, dir_);
  }

  // A key store with two released keys and one embargoed, for "akira"
  // (a KB family that no decryptor looks keys up for yet).
  std::string MakeStore() {
    std::string dump;
    for (const auto& [victim, state] :
         std::vector<std::pair<std::string, std::string>>{
             {"victim-released-1", "released"},
             {"victim-embargoed", "embargoed"},
             {"victim-released-2", "released"}}) {
      dump += Json{{"family", "akira"},
                   {"key_type", "symmetric"},
                   {"handle", victim},
                   {"key_hex", std::string(64, victim.size() % 2 ? 'a' : 'b')},
                   {"state", state},
                   {"source", "test"},
                   {"case", "case-" + victim}}
                  .dump() +
              "\n";
    }
    WriteTextFile(dir_ / "dump.jsonl", dump);
    const std::string db = (dir_ / "partner.sqlite").string();
    const Outcome imported =
        Run({"keys", "import", (dir_ / "dump.jsonl").string(), "--db", db,
             "--source", "test"});
    EXPECT_EQ(imported.code, kExitOk) << imported.err;
    return db;
  }

  void Keygen() {
    const Outcome made = Run(
        {"release", "keygen", "--secret", "rel.secret", "--public", "rel.pub"});
    ASSERT_EQ(made.code, kExitOk) << made.err;
  }

  Outcome Make(const std::string& db, const std::string& out,
               const std::string& version) {
    return Run({"release", "make", "--db", db, "--secret", "rel.secret",
                "--out", out, "--release-version", version, "--json"});
  }

  stdfs::path dir_;
};

TEST_F(ReleaseCliTest, KeygenMakesAPrivateSecretAndNeverOverwrites) {
  Keygen();
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "rel.secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0600u);
  EXPECT_THAT(ReadTextFile(dir_ / "rel.pub"),
              ::testing::StartsWith("kintsugi-release-public-v1 "));
  const std::string secret = ReadTextFile(dir_ / "rel.secret");
  const Outcome again = Run(
      {"release", "keygen", "--secret", "rel.secret", "--public", "other.pub"});
  EXPECT_EQ(again.code, kExitIo) << again.err;
  EXPECT_EQ(ReadTextFile(dir_ / "rel.secret"), secret);
  EXPECT_FALSE(stdfs::exists(dir_ / "other.pub"));
}

TEST_F(ReleaseCliTest, AReleaseVerifiesAndCarriesOnlyReleasedKeys) {
  Keygen();
  const std::string db = MakeStore();
  const Outcome made = Make(db, "r5.bundle", "5");
  ASSERT_EQ(made.code, kExitOk) << made.err;
  const Json report = Json::parse(made.out);
  EXPECT_EQ(report["version"], 5);
  EXPECT_EQ(report["keys"], 2);
  EXPECT_GT(report["families"].get<int>(), 2000);
  const std::string bytes = ReadTextFile(dir_ / "r5.bundle");
  EXPECT_THAT(bytes, HasSubstr("victim-released-1"));
  EXPECT_THAT(bytes, Not(HasSubstr("victim-embargoed")));

  const Outcome verified =
      Run({"kb", "verify", "r5.bundle", "--public", "rel.pub"});
  EXPECT_EQ(verified.code, kExitOk) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("release 5"));
  EXPECT_THAT(verified.out, HasSubstr("signature good"));
  EXPECT_THAT(verified.out, HasSubstr("2 released keys"));

  // Against the project's pinned key it is another key's bundle.
  const Outcome pinned = Run({"kb", "verify", "r5.bundle"});
  EXPECT_EQ(pinned.code, kExitUnauthenticated);
  EXPECT_THAT(pinned.err, HasSubstr("not by the trusted key"));
  // A release is never written over a file.
  EXPECT_EQ(Make(db, "r5.bundle", "6").code, kExitIo);
  // The release is in the store's audit log, after the key import.
  const Outcome audit = Run({"audit", "export", "--db", db});
  ASSERT_EQ(audit.code, kExitOk) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("\"action\":\"key-import\""));
  EXPECT_THAT(audit.out, HasSubstr("\"action\":\"release\""));
  EXPECT_THAT(audit.out, HasSubstr("release/5"));
  EXPECT_EQ(Run({"audit", "verify", "--db", db}).code, kExitOk);
  // The entry names the bundle's exact bytes, as `kb verify` prints them.
  const Outcome json =
      Run({"kb", "verify", "r5.bundle", "--public", "rel.pub", "--json"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  const std::string sha256 = Json::parse(json.out)["sha256"];
  EXPECT_EQ(sha256.size(), 64u);
  EXPECT_THAT(verified.out, HasSubstr("sha256 " + sha256));
  EXPECT_THAT(audit.out, HasSubstr(sha256));
}

TEST_F(ReleaseCliTest, AFlippedByteOrATruncationIsRefusedWithOneLine) {
  Keygen();
  const std::string db = MakeStore();
  ASSERT_EQ(Make(db, "r.bundle", "3").code, kExitOk);
  const std::string bytes = ReadTextFile(dir_ / "r.bundle");
  for (const std::size_t at : {std::size_t{10}, bytes.size() / 2,
                               bytes.size() - 100, bytes.size() - 1}) {
    std::string altered = bytes;
    altered[at] = static_cast<char>(altered[at] ^ 0x20);
    WriteTextFile(dir_ / "altered.bundle", altered);
    const Outcome run =
        Run({"kb", "verify", "altered.bundle", "--public", "rel.pub"});
    EXPECT_EQ(run.code, kExitUnauthenticated) << at;
    EXPECT_THAT(run.err, HasSubstr("altered or truncated")) << at;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  WriteTextFile(dir_ / "cut.bundle", bytes.substr(0, bytes.size() - 7));
  const Outcome cut =
      Run({"kb", "verify", "cut.bundle", "--public", "rel.pub"});
  EXPECT_EQ(cut.code, kExitUnauthenticated);
  WriteTextFile(dir_ / "short.bundle", bytes.substr(0, 20));
  const Outcome short_one =
      Run({"kb", "verify", "short.bundle", "--public", "rel.pub"});
  EXPECT_EQ(short_one.code, kExitBadInput);
  EXPECT_THAT(short_one.err, HasSubstr("truncated"));
}

// Issue 13: a release's SHA256SUMS, signed and checked.
TEST_F(ReleaseCliTest, SignedSumsVerifyAndAnAlteredFileOrAnotherKeyIsRefused) {
  Keygen();
  WriteTextFile(dir_ / "SHA256SUMS", "0123  kintsugi_0.1.0_amd64.deb\n");
  const Outcome signed_run =
      Run({"release", "sign", "SHA256SUMS", "--secret", "rel.secret"});
  ASSERT_EQ(signed_run.code, kExitOk) << signed_run.err;
  EXPECT_THAT(ReadTextFile(dir_ / "SHA256SUMS.sig"),
              ::testing::StartsWith("kintsugi-signature-v1 "));
  // Never over an existing signature.
  const std::string signature = ReadTextFile(dir_ / "SHA256SUMS.sig");
  EXPECT_EQ(
      Run({"release", "sign", "SHA256SUMS", "--secret", "rel.secret"}).code,
      kExitIo);
  EXPECT_EQ(ReadTextFile(dir_ / "SHA256SUMS.sig"), signature);

  const Outcome good =
      Run({"release", "verify", "SHA256SUMS", "--public", "rel.pub", "--json"});
  ASSERT_EQ(good.code, kExitOk) << good.err;
  const Json report = Json::parse(good.out);
  EXPECT_EQ(report["valid"], true);
  EXPECT_EQ(report["signature"], "SHA256SUMS.sig");
  // The project's pinned key did not make it: refused, both ids named.
  const Outcome pinned = Run({"release", "verify", "SHA256SUMS"});
  EXPECT_EQ(pinned.code, kExitUnauthenticated) << pinned.err;
  EXPECT_THAT(pinned.err, HasSubstr("not by the trusted key"));

  WriteTextFile(dir_ / "SHA256SUMS", "0124  kintsugi_0.1.0_amd64.deb\n");
  const Outcome altered =
      Run({"release", "verify", "SHA256SUMS", "--public", "rel.pub"});
  EXPECT_EQ(altered.code, kExitUnauthenticated);
  EXPECT_THAT(altered.err, HasSubstr("altered or truncated"));
  WriteTextFile(dir_ / "bad.sig", "not a signature\n");
  const Outcome malformed =
      Run({"release", "verify", "SHA256SUMS", "--signature", "bad.sig",
           "--public", "rel.pub"});
  EXPECT_EQ(malformed.code, kExitBadInput) << malformed.err;
  EXPECT_EQ(
      Run({"release", "verify", "missing.txt", "--public", "rel.pub"}).code,
      kExitBadInput);
}

TEST_F(ReleaseCliTest, UpdateInstallsAndAnOlderBundleIsRefused) {
  Keygen();
  const std::string db = MakeStore();
  ASSERT_EQ(Make(db, "r7.bundle", "7").code, kExitOk);
  ASSERT_EQ(Make(db, "r4.bundle", "4").code, kExitOk);
  const std::string victim_db = (dir_ / "victim.sqlite").string();
  const Outcome updated =
      Run({"kb", "update", "--from", "r7.bundle", "--public", "rel.pub", "--db",
           victim_db, "--json"});
  ASSERT_EQ(updated.code, kExitOk) << updated.err;
  const Json report = Json::parse(updated.out);
  EXPECT_EQ(report["version"], 7);
  EXPECT_EQ(report["previous_version"], 0);
  EXPECT_EQ(report["keys_imported"], 2);
  EXPECT_TRUE(stdfs::exists(dir_ / "data/kintsugi/release.bundle"));

  // The victim's store holds the released keys, never the embargoed one.
  const Outcome exported =
      Run({"keys", "export", "--db", victim_db, "--out", "export.jsonl"});
  ASSERT_EQ(exported.code, kExitOk) << exported.err;
  const std::string keys = ReadTextFile(dir_ / "export.jsonl");
  EXPECT_THAT(keys, HasSubstr("victim-released-2"));
  EXPECT_THAT(keys, Not(HasSubstr("victim-embargoed")));

  // The same again is fine and imports nothing new.
  const Outcome same = Run({"kb", "update", "--from", "r7.bundle", "--public",
                            "rel.pub", "--db", victim_db, "--json"});
  ASSERT_EQ(same.code, kExitOk) << same.err;
  EXPECT_EQ(Json::parse(same.out)["keys_imported"], 0);

  // A replayed older release: refused by verify and by update.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"kb", "verify", "r4.bundle", "--public",
                                 "rel.pub"},
        std::vector<std::string>{"kb", "update", "--from", "r4.bundle",
                                 "--public", "rel.pub", "--db", victim_db}}) {
    const Outcome old = Run(args);
    EXPECT_EQ(old.code, kExitBadInput) << args[1];
    EXPECT_THAT(old.err, HasSubstr("older than the installed release 7"));
  }

  // --version names it (issue 13).
  const Outcome version =
      Run({"--version", "--json", "--release-key", "rel.pub"});
  ASSERT_EQ(version.code, kExitOk) << version.err;
  const Json v = Json::parse(version.out);
  EXPECT_EQ(v["kb"]["source"], "release");
  EXPECT_EQ(v["kb"]["release"], 7);
  EXPECT_TRUE(v["kb"]["date"].is_string());
  EXPECT_GT(v["kb"]["families"], 2000);

  // Runs use the installed release (verified with the same key).
  const Outcome lint = Run({"kb", "stats", "--release-key", "rel.pub"});
  EXPECT_EQ(lint.code, kExitOk) << lint.err;
  WriteTextFile(dir_ / "note.txt", "All your files are encrypted. akira");
  const Outcome identify =
      Run({"identify", "note.txt", "--release-key", "rel.pub", "--json"});
  EXPECT_EQ(identify.code, kExitOk) << identify.err;
  // Without the key that signed it, the installed release is refused, not
  // skipped: the KB could not be loaded, and why.
  const Outcome untrusted = Run({"identify", "note.txt"});
  EXPECT_EQ(untrusted.code, kExitKbInvalid);
  EXPECT_THAT(untrusted.err, HasSubstr("not by the trusted key"));
  EXPECT_THAT(untrusted.err, HasSubstr("installed release"));

  // Altered on disk after it was installed: every run refuses it.
  std::string installed = ReadTextFile(dir_ / "data/kintsugi/release.bundle");
  installed[installed.size() / 3] ^= 0x01;
  WriteTextFile(dir_ / "data/kintsugi/release.bundle", installed);
  const Outcome tampered =
      Run({"identify", "note.txt", "--release-key", "rel.pub"});
  EXPECT_EQ(tampered.code, kExitKbInvalid);
  EXPECT_THAT(tampered.err, HasSubstr("altered or truncated"));
}

// The inode of `path` (0 when missing): a file written again by rename
// gets a new one.
ino_t Inode(const stdfs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

TEST_F(ReleaseCliTest, AnInstalledReleaseIsCompiledOnceAndKeptBesideIt) {
  Keygen();
  const std::string db = MakeStore();
  ASSERT_EQ(Make(db, "r7.bundle", "7").code, kExitOk);
  const Outcome updated = Run({"kb", "update", "--from", "r7.bundle",
                               "--public", "rel.pub", "--db", "victim.sqlite"});
  ASSERT_EQ(updated.code, kExitOk) << updated.err;
  const stdfs::path cache = dir_ / "data/kintsugi/release.compiled";
  ASSERT_TRUE(stdfs::exists(cache));
  const ino_t made = Inode(cache);

  WriteTextFile(dir_ / "note.txt",
                "All your files are encrypted. akira_readme.txt akira");
  const std::vector<std::string> identify = {
      "identify", "note.txt", "--release-key", "rel.pub", "--json"};
  const Outcome first = Run(identify);
  ASSERT_EQ(first.code, kExitOk) << first.err;
  // Read, not made again.
  EXPECT_EQ(Inode(cache), made);

  // Damaged: compiled again (same answer) and the cache written anew.
  std::string bytes = ReadTextFile(cache);
  bytes[bytes.size() / 2] ^= 0x10;
  WriteTextFile(cache, bytes);
  const Outcome damaged = Run(identify);
  ASSERT_EQ(damaged.code, kExitOk) << damaged.err;
  EXPECT_EQ(damaged.out, first.out);
  EXPECT_NE(ReadTextFile(cache), bytes);

  // Removed: made again.
  stdfs::remove(cache);
  const Outcome removed = Run(identify);
  ASSERT_EQ(removed.code, kExitOk) << removed.err;
  EXPECT_EQ(removed.out, first.out);
  EXPECT_TRUE(stdfs::exists(cache));

  // The cache is bound to the KB's bytes (compiled_kb_cache_test checks
  // that other bytes are refused): a newer release with the same KB keeps
  // it.
  ASSERT_EQ(Make(db, "r8.bundle", "8").code, kExitOk);
  const ino_t before = Inode(cache);
  ASSERT_EQ(Run({"kb", "update", "--from", "r8.bundle", "--public", "rel.pub",
                 "--db", "victim.sqlite"})
                .code,
            kExitOk);
  EXPECT_EQ(Inode(cache), before);
  const Outcome newer = Run(identify);
  ASSERT_EQ(newer.code, kExitOk) << newer.err;
  EXPECT_EQ(newer.out, first.out);
}

TEST_F(ReleaseCliTest, KbBundleUsesAReleaseForOneRun) {
  Keygen();
  const std::string db = MakeStore();
  ASSERT_EQ(Make(db, "r.bundle", "2").code, kExitOk);
  const Outcome stats = Run({"kb", "stats", "--kb", "r.bundle", "--release-key",
                             "rel.pub", "--json"});
  EXPECT_EQ(stats.code, kExitOk) << stats.err;
  const Outcome refused = Run({"kb", "stats", "--kb", "r.bundle"});
  EXPECT_EQ(refused.code, kExitKbInvalid);
  EXPECT_THAT(refused.err, HasSubstr("not by the trusted key"));
}

}  // namespace
}  // namespace kintsugi
