#include "crypto/rsa_oaep.h"

#include <gtest/gtest.h>

#include <string>

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

// The key's parts, rebuilt: FromParts gives the same key back.
TEST(RsaOaepTest, RebuildsAKeyFromItsParts) {
  auto parts = TestKey().Parts();
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  EXPECT_EQ(parts->n.view(), ByteView(TestKey().Modulus()));
  EXPECT_EQ(parts->e.view(), ByteView(Bytes{0x01, 0x00, 0x01}));
  auto rebuilt = RsaPrivateKey::FromParts(*parts);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message();
  const Bytes block = *TestKey().OaepEncrypt(ToBytesOf("parts"));
  EXPECT_EQ(rebuilt->OaepDecrypt(block)->view(), ByteView(ToBytesOf("parts")));
}

// Each relation is checked: one byte of one part changed is refused, and
// the message names the relation.
TEST(RsaOaepTest, RefusesPartsThatDisagree) {
  const RsaParts good = *TestKey().Parts();
  struct Case {
    SecretBytes RsaParts::*part;
    const char* says;
  };
  for (const Case& c : {Case{&RsaParts::n, "p * q is not n"},
                        Case{&RsaParts::d, "e * d is not 1 mod (p - 1)"},
                        Case{&RsaParts::p, "p * q is not n"},
                        Case{&RsaParts::dp, "dp is not d mod (p - 1)"},
                        Case{&RsaParts::dq, "dq is not d mod (q - 1)"},
                        Case{&RsaParts::qinv, "qinv is not the inverse"}}) {
    SCOPED_TRACE(c.says);
    RsaParts bad = good;
    SecretBytes& part = bad.*c.part;
    part.mutable_span()[part.size() - 1] ^= 0x02;
    auto key = RsaPrivateKey::FromParts(bad);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(key.error().message().find(c.says), std::string::npos)
        << key.error().message();
  }
  RsaParts even = good;
  even.e = SecretBytes(ByteView(Bytes{0x01, 0x00, 0x00}));
  EXPECT_EQ(RsaPrivateKey::FromParts(even).error().code(),
            StatusCode::kInvalidArgument);
  RsaParts one = good;
  one.p = SecretBytes(ByteView(Bytes{0x01}));
  EXPECT_EQ(RsaPrivateKey::FromParts(one).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(RsaPrivateKey::FromParts(RsaParts{}).error().code(),
            StatusCode::kInvalidArgument);
}

// PKCS#1 v1.5 as the raw operation shows it: 00 02, at least 8 nonzero
// padding bytes, 00, the message.
TEST(RsaOaepTest, RawDecryptShowsThePkcs1Padding) {
  const Bytes message(16, 0xab);
  auto block = TestKey().Pkcs1v15Encrypt(message);
  ASSERT_TRUE(block.ok()) << block.error().message();
  ASSERT_EQ(block->size(), 256u);
  auto raw = TestKey().RawDecrypt(*block);
  ASSERT_TRUE(raw.ok()) << raw.error().message();
  const ByteView m = raw->view();
  ASSERT_EQ(m.size(), 256u);
  EXPECT_EQ(m.data()[0], 0x00);
  EXPECT_EQ(m.data()[1], 0x02);
  for (std::size_t i = 2; i < 256 - 17; ++i) EXPECT_NE(m.data()[i], 0) << i;
  EXPECT_EQ(m.data()[256 - 17], 0x00);
  EXPECT_EQ(m.Last(16), ByteView(message));
  // Not the key's size, or not below its modulus.
  EXPECT_EQ(TestKey().RawDecrypt(ByteView(*block).First(255)).error().code(),
            StatusCode::kCorrupt);
  const Bytes all_ones(256, 0xff);
  EXPECT_EQ(TestKey().RawDecrypt(all_ones).error().code(),
            StatusCode::kCorrupt);
}

}  // namespace
}  // namespace kintsugi::crypto
