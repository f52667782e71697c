#include "crypto/rsa_oaep.h"

#include <gtest/gtest.h>

namespace kintsugi::crypto {
namespace {

Bytes ToBytesOf(std::string_view text) {
  return ByteView::FromString(text).ToBytes();
}

// One locally generated key pair for the suite (recovery-schemes.md §0).
const RsaPrivateKey& TestKey() {
  static const RsaPrivateKey key = *RsaPrivateKey::Generate(2048);
  return key;
}

TEST(RsaOaepTest, RoundTripsThroughOaep) {
  const Bytes uuid = ToBytesOf("0f3c2a7e-1b2c-4d5e-8f90-123456789abc");
  auto block = TestKey().OaepEncrypt(uuid);
  ASSERT_TRUE(block.ok()) << block.error().message();
  EXPECT_EQ(block->size(), 256u);
  EXPECT_EQ(TestKey().ModulusBytes(), 256u);
  auto plain = TestKey().OaepDecrypt(*block);
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  EXPECT_EQ(plain->view(), ByteView(uuid));
}

TEST(RsaOaepTest, ParsesItsOwnDerAndPem) {
  const Bytes message = ToBytesOf("hello");
  const Bytes block = *TestKey().OaepEncrypt(message);
  for (auto encoded : {TestKey().ToDer(), TestKey().ToPem()}) {
    ASSERT_TRUE(encoded.ok());
    auto parsed = RsaPrivateKey::Parse(encoded->view());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->OaepDecrypt(block)->view(), ByteView(message));
  }
}

TEST(RsaOaepTest, WrongKeyOrDamagedBlockIsCorrupt) {
  const Bytes block = *TestKey().OaepEncrypt(ToBytesOf("secret"));
  const RsaPrivateKey other = *RsaPrivateKey::Generate(2048);
  EXPECT_EQ(other.OaepDecrypt(block).error().code(), StatusCode::kCorrupt);
  Bytes damaged = block;
  damaged[100] ^= 0x01;
  EXPECT_EQ(TestKey().OaepDecrypt(damaged).error().code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(TestKey().OaepDecrypt(ByteView(block).First(255)).error().code(),
            StatusCode::kCorrupt);
}

TEST(RsaOaepTest, RefusesWhatIsNotAnRsaPrivateKey) {
  EXPECT_EQ(RsaPrivateKey::Parse({}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      RsaPrivateKey::Parse(ToBytesOf("-----BEGIN garbage")).error().code(),
      StatusCode::kInvalidArgument);
  const Bytes random(300, 0x42);
  EXPECT_EQ(RsaPrivateKey::Parse(random).error().code(),
            StatusCode::kInvalidArgument);
  // A truncated DER key.
  const SecretBytes der = *TestKey().ToDer();
  EXPECT_EQ(
      RsaPrivateKey::Parse(der.view().First(der.size() / 2)).error().code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::crypto
