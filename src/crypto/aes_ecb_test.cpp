#include "crypto/aes_ecb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// FIPS-197 appendix C.1 (AES-128) and C.3 (AES-256).
const Bytes kPlain = Hex("00112233445566778899aabbccddeeff");

TEST(AesEcbTest, KnownAnswersBothWays) {
  const Bytes key128 = Hex("000102030405060708090a0b0c0d0e0f");
  const Bytes key256 =
      Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  Bytes block = kPlain;
  ASSERT_THAT(AesEcbInPlace(key256, block, /*encrypt=*/true), IsOk());
  EXPECT_EQ(ToHex(block), "8ea2b7ca516745bfeafc49904b496089");
  ASSERT_OK_AND_ASSIGN(AesEcb decrypt, AesEcb::Create(16));
  ASSERT_THAT(decrypt.SetKey(key128), IsOk());
  Bytes out(16);
  ASSERT_THAT(decrypt.Apply(Hex("69c4e0d86a7b0430d8cdb78070b4c55a"), out),
              IsOk());
  EXPECT_EQ(ToHex(out), ToHex(kPlain));
}

TEST(AesEcbTest, ReKeyingGivesEachKeysResult) {
  // One context, many keys: each result equals a fresh cipher's.
  ASSERT_OK_AND_ASSIGN(AesEcb cipher, AesEcb::Create(32));
  for (std::uint8_t k = 0; k < 8; ++k) {
    Bytes key(32, k);
    ASSERT_THAT(cipher.SetKey(key), IsOk());
    Bytes reused(32);
    const Bytes two_blocks(32, 0x5a);
    ASSERT_THAT(cipher.Apply(two_blocks, reused), IsOk());
    Bytes fresh = two_blocks;
    ASSERT_THAT(AesEcbInPlace(key, fresh, /*encrypt=*/false), IsOk());
    EXPECT_EQ(ToHex(reused), ToHex(fresh));
    ASSERT_THAT(AesEcbInPlace(key, fresh, /*encrypt=*/true), IsOk());
    EXPECT_EQ(ToHex(fresh), ToHex(two_blocks));
  }
}

TEST(AesEcbTest, RefusesWrongSizes) {
  EXPECT_EQ(AesEcb::Create(20).status().code(), StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(AesEcb cipher, AesEcb::Create(16));
  Bytes out(32);
  EXPECT_EQ(cipher.Apply(Bytes(16), out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cipher.SetKey(Bytes(32)).code(), StatusCode::kInvalidArgument);
  ASSERT_THAT(cipher.SetKey(Bytes(16)), IsOk());
  EXPECT_EQ(cipher.Apply(Bytes(15), out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::crypto
