// Signed release bundles (kintsugi/release.h, docs/bundle-format.md): the
// key files, the signature over every byte, the refusals (a flipped byte
// anywhere, a truncation, another key, another format), and the contents
// (the KB loads back; embargoed keys never pass).

#include "kintsugi/release.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/testing/status_matchers.h"
#include "kintsugi/key_dump.h"

namespace kintsugi::release {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

MATCHER_P2(FailsWith, code, text,
           std::string("fails with ") + std::string(StatusCodeName(code)) +
               " mentioning " + ::testing::PrintToString(text)) {
  if (arg.has_value()) return false;
  *result_listener << "status is " << arg.error().ToString();
  return arg.error().code() == code &&
         arg.error().message().find(text) != std::string::npos;
}

Bundle SmallBundle() {
  Bundle bundle;
  bundle.version = 7;
  bundle.created = 1764806400;
  bundle.kb = Bytes{'K', 'S', 'K', 'B', '0', '0', '0', '1', 0, 0, 0, 0};
  bundle.keys = "";
  return bundle;
}

KeyRecord SymmetricKey(std::string family, std::string victim,
                       ReleaseState state) {
  KeyRecord record;
  record.family = std::move(family);
  record.key_type = KeyType::kSymmetric;
  record.handle = {HandleKind::kVictimId, std::move(victim)};
  record.key = SecretBytes(Bytes(32, 0x42));
  record.provenance = {"test", "case-1", "2026-12-01"};
  record.state = state;
  return record;
}

TEST(ReleaseKeyTest, KeyFilesRoundTripAndTheSecretHoldsItsPublicHalf) {
  const KeyPair pair = GenerateKeyPair();
  const std::string pub = PublicKeyFileText(pair.public_key);
  EXPECT_THAT(pub,
              MatchesRegex("kintsugi-release-public-v1 [A-Za-z0-9+/=]+\n"));
  ASSERT_OK_AND_ASSIGN(const PublicKey parsed, ParsePublicKeyFile(pub));
  EXPECT_EQ(parsed, pair.public_key);
  ASSERT_OK_AND_ASSIGN(const KeyPair secret,
                       ParseSecretKeyFile(SecretKeyFileText(pair)));
  EXPECT_EQ(secret.public_key, pair.public_key);
  EXPECT_THAT(KeyId(pair.public_key), MatchesRegex("[0-9a-f]{16}"));
  EXPECT_NE(KeyId(pair.public_key), KeyId(GenerateKeyPair().public_key));

  // A secret whose public half is another key's.
  KeyPair mixed = pair;
  const KeyPair other = GenerateKeyPair();
  std::copy(other.public_key.bytes.begin(), other.public_key.bytes.end(),
            mixed.secret_key.mutable_span().begin() + 32);
  EXPECT_THAT(ParseSecretKeyFile(SecretKeyFileText(mixed)),
              FailsWith(StatusCode::kInvalidArgument, "damaged"));
  for (const std::string& bad : std::vector<std::string>{
           "", "kintsugi-release-public-v1", "kintsugi-release-public-v1 AAAA",
           "kintsugi-release-secret-v1 " + pub.substr(27), "hello world"}) {
    EXPECT_THAT(ParsePublicKeyFile(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  // A public file is not a secret one, nor the other way round.
  EXPECT_FALSE(ParseSecretKeyFile(pub).has_value());
  EXPECT_FALSE(ParsePublicKeyFile(SecretKeyFileText(pair)).has_value());
}

TEST(ReleaseKeyTest, ThePinnedKeyIsTheRepositorysFile) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr);
  std::ifstream in(std::string(root) + "/release/kintsugi-release.pub");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_OK_AND_ASSIGN(const PublicKey file, ParsePublicKeyFile(text.str()));
  EXPECT_EQ(PinnedPublicKey(), file);
}

TEST(ReleaseBundleTest, SignedThenVerifiedGivesTheSameContents) {
  const KeyPair key = GenerateKeyPair();
  Bundle bundle = SmallBundle();
  bundle.keys = "{\"a\": 1}\n";
  ASSERT_OK_AND_ASSIGN(const Bytes file, SignBundle(bundle, key));
  ASSERT_OK_AND_ASSIGN(const Bundle read, VerifyBundle(file, key.public_key));
  EXPECT_EQ(read.version, 7u);
  EXPECT_EQ(read.created, 1764806400);
  EXPECT_EQ(read.kb, bundle.kb);
  EXPECT_EQ(read.keys, bundle.keys);
  EXPECT_EQ(read.signer, KeyId(key.public_key));
  bundle.version = 0;
  EXPECT_THAT(SignBundle(bundle, key), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ReleaseBundleTest, EveryFlippedByteIsRefused) {
  const KeyPair key = GenerateKeyPair();
  ASSERT_OK_AND_ASSIGN(const Bytes file, SignBundle(SmallBundle(), key));
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (const std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Bytes altered = file;
      altered[i] ^= flip;
      const auto verified = VerifyBundle(altered, key.public_key);
      ASSERT_FALSE(verified.has_value()) << "byte " << i;
      const StatusCode code = verified.error().code();
      if (i < 4) {
        EXPECT_EQ(code, StatusCode::kCorrupt) << i;  // the magic
      } else if (i < 6) {
        EXPECT_EQ(code, StatusCode::kUnsupported) << i;  // format version
      } else {
        EXPECT_EQ(code, StatusCode::kUnauthenticated) << i;
      }
    }
  }
}

TEST(ReleaseBundleTest, EveryTruncationIsRefused) {
  const KeyPair key = GenerateKeyPair();
  ASSERT_OK_AND_ASSIGN(const Bytes file, SignBundle(SmallBundle(), key));
  for (std::size_t n = 0; n < file.size(); ++n) {
    const Bytes cut(file.begin(), file.begin() + static_cast<long>(n));
    EXPECT_FALSE(VerifyBundle(cut, key.public_key).has_value()) << n;
  }
  Bytes longer = file;
  longer.push_back(0);
  EXPECT_THAT(VerifyBundle(longer, key.public_key),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifyBundle(Bytes{'K', 'S', 'R', 'B'}, key.public_key),
              FailsWith(StatusCode::kCorrupt, "truncated"));
  EXPECT_THAT(VerifyBundle(Bytes(200, 'x'), key.public_key),
              FailsWith(StatusCode::kCorrupt, "not a Kintsugi"));
}

TEST(ReleaseBundleTest, AnotherKeysBundleNamesBothKeys) {
  const KeyPair key = GenerateKeyPair();
  const KeyPair other = GenerateKeyPair();
  ASSERT_OK_AND_ASSIGN(const Bytes file, SignBundle(SmallBundle(), other));
  EXPECT_THAT(VerifyBundle(file, key.public_key),
              FailsWith(StatusCode::kUnauthenticated, KeyId(other.public_key)));
  EXPECT_THAT(VerifyBundle(file, key.public_key),
              FailsWith(StatusCode::kUnauthenticated, KeyId(key.public_key)));
}

// Issue 13: the release's SHA256SUMS carries a detached signature.
TEST(FileSignatureTest, SignedFileVerifiesAndEveryChangeIsRefused) {
  const KeyPair key = GenerateKeyPair();
  const std::string sums =
      "0123abcd  kintsugi_0.1.0_amd64.deb\n4567ef01  SBOM.json\n";
  const ByteView file = ByteView::FromString(sums);
  const std::string signature = SignFile(file, key);
  EXPECT_THAT(signature,
              MatchesRegex("kintsugi-signature-v1 [0-9a-f]{16} [A-Za-z0-9+/]+"
                           "=*\n"));
  EXPECT_THAT(signature, HasSubstr(KeyId(key.public_key)));
  EXPECT_THAT(VerifyFileSignature(file, signature, key.public_key), IsOk());
  // Another file's bytes: every byte flipped, one cut, one added.
  for (std::size_t i = 0; i < sums.size(); ++i) {
    std::string altered = sums;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_THAT(VerifyFileSignature(ByteView::FromString(altered), signature,
                                    key.public_key),
                StatusIs(StatusCode::kUnauthenticated))
        << i;
  }
  EXPECT_THAT(VerifyFileSignature(ByteView::FromString(sums.substr(1)),
                                  signature, key.public_key),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifyFileSignature(ByteView::FromString(sums + " "), signature,
                                  key.public_key),
              StatusIs(StatusCode::kUnauthenticated));
  // Another key: both named.
  const KeyPair other = GenerateKeyPair();
  const Status wrong_key =
      VerifyFileSignature(file, signature, other.public_key);
  EXPECT_EQ(wrong_key.code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(wrong_key.message(), HasSubstr(KeyId(key.public_key)));
  EXPECT_THAT(wrong_key.message(), HasSubstr(KeyId(other.public_key)));
  // A malformed line.
  for (const std::string& bad :
       {std::string(), std::string("kintsugi-signature-v1"),
        signature.substr(0, 30),
        std::string("kintsugi-release-public-v1 AAAA\n"),
        signature.substr(0, signature.size() - 6) + "!!!!!\n"}) {
    EXPECT_THAT(VerifyFileSignature(file, bad, key.public_key),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ReleaseBundleTest, TheBuiltInKbPacksAndLoadsBack) {
  ASSERT_OK_AND_ASSIGN(Bytes packed, PackKnowledgeBase({}));
  Bundle bundle = SmallBundle();
  bundle.kb = std::move(packed);
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase loaded,
                       LoadBundleKnowledgeBase(bundle));
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase builtin,
                       kb::LoadEmbeddedKnowledgeBase());
  EXPECT_EQ(loaded.families.size(), builtin.families.size());
  EXPECT_GT(loaded.families.size(), 2000u);
}

// A family definition as an approved submission brings it: "ID.yaml".
std::string FamilyYaml(const std::string& id, const std::string& name) {
  return "id: \"" + id + "\"\nname: \"" + name +
         "\"\nrules:\n  - id: \"ext\"\n    kind: extension\n"
         "    strength: medium\n    pattern: \"." +
         id + "-locked\"\n";
}

TEST(ReleaseBundleTest, AnOverlayReplacesAndAddsFamiliesOfTheBuiltInKb) {
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase builtin,
                       kb::LoadEmbeddedKnowledgeBase());
  const std::vector<KbOverlayFile> overlay = {
      {"0apt.yaml", FamilyYaml("0apt", "0apt, as a partner changed it")},
      {"zz-partner-new.yaml", FamilyYaml("zz-partner-new", "New family")},
  };
  ASSERT_OK_AND_ASSIGN(Bytes packed, PackKnowledgeBase({}, overlay));
  Bundle bundle = SmallBundle();
  bundle.kb = std::move(packed);
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase loaded,
                       LoadBundleKnowledgeBase(bundle));
  EXPECT_EQ(loaded.families.size(), builtin.families.size() + 1);
  const kb::Family* changed = kb::FindFamily(loaded, "0apt");
  ASSERT_NE(changed, nullptr);
  EXPECT_EQ(changed->name, "0apt, as a partner changed it");
  EXPECT_EQ(changed->rules.size(), 1u);
  const kb::Family* added = kb::FindFamily(loaded, "zz-partner-new");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->name, "New family");
  // The built-in KB itself is untouched by the overlay.
  const kb::Family* original = kb::FindFamily(builtin, "0apt");
  ASSERT_NE(original, nullptr);
  EXPECT_EQ(original->name, "0apt");
}

TEST(ReleaseBundleTest, AnOverlayPathOutsideTheTopLevelIsRefused) {
  for (const char* path :
       {"notes/0apt/x.yaml", "../x.yaml", "x.txt", "", ".hidden.yaml"}) {
    const std::vector<KbOverlayFile> overlay = {{path, FamilyYaml("x", "x")}};
    EXPECT_THAT(PackKnowledgeBase({}, overlay),
                FailsWith(StatusCode::kInvalidArgument, "top-level"))
        << path;
  }
}

TEST(ReleaseBundleTest, KeysLoadBackAndAnEmbargoedOneIsRefused) {
  kb::KnowledgeBase kb;
  kb.families.emplace_back();
  kb.families.back().id = "akira";
  Bundle bundle = SmallBundle();
  bundle.keys =
      KeyDumpLine(SymmetricKey("akira", "victim-1", ReleaseState::kReleased)) +
      "\n";
  ASSERT_OK_AND_ASSIGN(const std::vector<KeyRecord> keys,
                       BundleKeys(bundle, kb));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].handle.value, "victim-1");
  bundle.keys +=
      KeyDumpLine(SymmetricKey("akira", "victim-2", ReleaseState::kEmbargoed)) +
      "\n";
  EXPECT_THAT(BundleKeys(bundle, kb),
              FailsWith(StatusCode::kCorrupt, "embargoed"));
  bundle.keys = "not a key dump line\n";
  EXPECT_THAT(BundleKeys(bundle, kb), StatusIs(StatusCode::kCorrupt));
}

TEST(ReleaseBundleTest, OnlyReleasedKeysLeaveTheStore) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("release_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    ASSERT_OK_AND_ASSIGN(auto store,
                         OpenSqliteKeyStore((dir / "keys.sqlite").string()));
    const std::vector<KeyRecord> records = {
        SymmetricKey("akira", "victim-1", ReleaseState::kReleased),
        SymmetricKey("akira", "victim-2", ReleaseState::kEmbargoed),
        SymmetricKey("akira", "victim-3", ReleaseState::kReleased)};
    ASSERT_THAT(store->Import(records), IsOk());
    std::size_t count = 0;
    ASSERT_OK_AND_ASSIGN(const std::string dump,
                         ReleasedKeysDump(*store, &count));
    EXPECT_EQ(count, 2u);
    EXPECT_THAT(dump, HasSubstr("victim-1"));
    EXPECT_THAT(dump, HasSubstr("victim-3"));
    EXPECT_THAT(dump, ::testing::Not(HasSubstr("victim-2")));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kintsugi::release
