// The built-in released keys (BuiltinKeyStore, docs/key-format.md §8): the
// embedded kb/keys/released.csv reads with the importer's checks, every key
// says where it came from, and TeslaCrypt's released master key is the one
// recovery-schemes-2.md §3.1 names, checked by its public key (a key-DB
// self-test) and in the decryption direction only.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "crypto/secp256k1.h"
#include "crypto/x25519.h"
#include "kintsugi/key_families.h"
#include "kintsugi/store.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<KeyRecord> Released(KeyStore& store, std::string_view family) {
  std::vector<KeyRecord> records;
  EXPECT_THAT(store.ForEachReleased(family,
                                    [&](const KeyRecord& record) {
                                      records.push_back(record);
                                      return Status::Ok();
                                    }),
              IsOk());
  return records;
}

TEST(BuiltinKeysTest, EveryKeyReadsAndSaysWhereItCameFrom) {
  ASSERT_OK_AND_ASSIGN(auto store, BuiltinKeyStore());
  std::size_t count = 0;
  ASSERT_THAT(store->Export([&](const KeyRecord& record) {
    ++count;
    EXPECT_TRUE(record.built_in);
    EXPECT_EQ(record.state, ReleaseState::kReleased) << record.family;
    EXPECT_FALSE(record.provenance.source.empty()) << record.family;
    EXPECT_FALSE(record.provenance.case_reference.empty()) << record.family;
    // A family whose decryptors look keys up (key_families.h).
    EXPECT_NE(FindKeyFamily(record.family), nullptr) << record.family;
    return Status::Ok();
  }),
              IsOk());
  EXPECT_GE(count, 1u);
  ASSERT_OK_AND_ASSIGN(KeyStoreStats stats, store->Stats());
  EXPECT_EQ(stats.Total(), count);
}

TEST(BuiltinKeysTest, TeslaCryptsReleasedMasterKeyWithItsTwoSources) {
  ASSERT_OK_AND_ASSIGN(auto store, BuiltinKeyStore());
  const std::vector<KeyRecord> keys = Released(*store, "teslacrypt");
  ASSERT_THAT(keys, SizeIs(1));
  const KeyRecord& key = keys[0];
  EXPECT_EQ(key.key_type, KeyType::kSecp256k1Private);
  EXPECT_EQ(key.handle.kind, HandleKind::kNone);
  EXPECT_EQ(key.provenance.date, "2016-05-18");
  EXPECT_THAT(key.provenance.case_reference,
              HasSubstr("Googulator/TeslaCrack"));
  EXPECT_THAT(key.provenance.case_reference,
              HasSubstr("Cisco-Talos/TeslaDecrypt"));
  // §3.1 "The key": its public key, for self-tests only.
  ASSERT_OK_AND_ASSIGN(Bytes public_key, crypto::Secp256k1PublicKey(key.key));
  EXPECT_EQ(ToHex(public_key),
            "0495667250209d992a05553bdf8cb0e1320b04b2e0ff9177fe88c32cf125fea249"
            "198dcc6f24bcd3d38be3a62a8f41f92e9d1a4690b54a2d8e4928a933312c643b");
  // The decryption direction: X(c x T) for the spec's test point T.
  const SecretBytes t =
      crypto::Sha256(ByteView::FromString("kintsugi-test teslacrypt point"));
  ASSERT_OK_AND_ASSIGN(Bytes big_t, crypto::Secp256k1PublicKey(t));
  ASSERT_OK_AND_ASSIGN(SecretBytes x, crypto::Secp256k1SharedX(key.key, big_t));
  EXPECT_EQ(ToHex(x.view()),
            "4827f48c5fbf67987f2ab1a1a15c78a861922bfc5f9ba7e432def6302bb3f188");
  // Files name no key: the lookup by no handle finds it too.
  ASSERT_OK_AND_ASSIGN(auto found, store->Lookup("teslacrypt", KeyHandle{}));
  EXPECT_THAT(found, SizeIs(1));
  EXPECT_THAT(Released(*store, "babuk"), SizeIs(0));
}

TEST(BuiltinKeysTest, TheBuiltInKeysCannotBeChanged) {
  ASSERT_OK_AND_ASSIGN(auto store, BuiltinKeyStore());
  KeyRecord record;
  record.family = "teslacrypt";
  record.key_type = KeyType::kSecp256k1Private;
  record.key = SecretBytes(Bytes(32, 1));
  EXPECT_THAT(store->Import(std::span<const KeyRecord>(&record, 1)),
              StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(store->Release(std::span<const KeyRecord>(&record, 1)),
              StatusIs(StatusCode::kUnsupported));
}

}  // namespace
}  // namespace kintsugi
