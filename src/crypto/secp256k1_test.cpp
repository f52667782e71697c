#include "crypto/secp256k1.h"

#include <gtest/gtest.h>

#include <string_view>

#include "crypto/x25519.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }
SecretBytes SecretHex(std::string_view hex) { return SecretBytes(Hex(hex)); }
SecretBytes HashOf(std::string_view text) {
  return Sha256(ByteView::FromString(text));
}

// recovery-schemes-2.md §3.1 "Test vectors": the synthetic chain's test C&C
// key, and its ephemeral keys, computed by the spec's authors with Python
// `cryptography`.
TEST(Secp256k1Test, PublicKeysOfTheSpecsTestChain) {
  const SecretBytes c = HashOf("kintsugi-test teslacrypt c2");
  EXPECT_EQ(ToHex(c.view()),
            "a9cfac3f134e319fbe1c55d082dd54ce450a16af6c4480197fdad1e20d6a5d92");
  EXPECT_EQ(ToHex(*Secp256k1PublicKey(c)),
            "04a9125c3e4b79273b0344d59ab93d492662554ca16db7f09fabffd9774a095baf"
            "146f9f2a10099805b38a47dc177b46ee33c8c49402ddd113dbc31fd9d832b2b2");
  EXPECT_EQ(ToHex(*Secp256k1PublicKey(HashOf("kintsugi-test teslacrypt "
                                             "random1"))),
            "04dedcb3b0d4ab85b1bf96bce7536503f90bcef1d036dfbe47650007c7fcb57ceb"
            "272e73e397239f5774c0ad7ebd68e34a97d382fcec595a68061ff310371ae67c");
}

// Sx = X(r1 x C) = X(c x Xpub): both sides of the ECDH agree, and equal the
// spec's value.
TEST(Secp256k1Test, SharedXMatchesTheSpecFromBothSides) {
  const SecretBytes c = HashOf("kintsugi-test teslacrypt c2");
  const SecretBytes r1 = HashOf("kintsugi-test teslacrypt random1");
  const Bytes big_c = *Secp256k1PublicKey(c);
  const Bytes xpub = *Secp256k1PublicKey(r1);
  const std::string sx =
      "491de650adc586438cc9c7b10e33f4fef367d1d31983a42de7b0b1814a1e935b";
  EXPECT_EQ(ToHex(Secp256k1SharedX(c, xpub)->view()), sx);
  EXPECT_EQ(ToHex(Secp256k1SharedX(r1, big_c)->view()), sx);
}

// The released key's public key (key-DB self-test, §3.1 "The key") and the
// decryption-direction vector X(440A... x T).
TEST(Secp256k1Test, TheReleasedKeyInTheDecryptionDirection) {
  const SecretBytes released = SecretHex(
      "440A241DD80FCC5664E861989DB716E08CE627D8D40C7EA360AE855C727A49EE");
  EXPECT_EQ(ToHex(*Secp256k1PublicKey(released)),
            "0495667250209d992a05553bdf8cb0e1320b04b2e0ff9177fe88c32cf125fea249"
            "198dcc6f24bcd3d38be3a62a8f41f92e9d1a4690b54a2d8e4928a933312c643b");
  const SecretBytes t = HashOf("kintsugi-test teslacrypt point");
  EXPECT_EQ(ToHex(t.view()),
            "adabb48f4187bafb8e5dc1953846f4cdb24f78324fd0496c135d3f9810e4f3e6");
  const Bytes big_t = *Secp256k1PublicKey(t);
  EXPECT_EQ(ToHex(big_t),
            "04f06c71ffd3bf046a26728ea06bab251afb23aaac844f20222eae0951529f7814"
            "45f89ce92d25b4bc4104a66f5356f6f3abb45665e22dc015ccf8677eb4622c5a");
  EXPECT_EQ(ToHex(Secp256k1SharedX(released, big_t)->view()),
            "4827f48c5fbf67987f2ab1a1a15c78a861922bfc5f9ba7e432def6302bb3f188");
}

TEST(Secp256k1Test, RefusesBadScalarsAndPoints) {
  const SecretBytes one = SecretHex(
      "0000000000000000000000000000000000000000000000000000000000000001");
  const Bytes g = *Secp256k1PublicKey(one);
  EXPECT_TRUE(IsSecp256k1Point(g));
  EXPECT_EQ(Secp256k1PublicKey(SecretBytes(Bytes(32, 0))).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Secp256k1PublicKey(SecretBytes(Bytes(31, 1))).error().code(),
            StatusCode::kInvalidArgument);
  // n itself: 0 mod n.
  const Bytes n =
      Hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EXPECT_FALSE(IsSecp256k1PrivateKey(n));
  EXPECT_EQ(Secp256k1PublicKey(SecretBytes(n)).error().code(),
            StatusCode::kInvalidArgument);
  // n + 1 reduces to 1 where a hash is taken as a scalar, but is no private
  // key of a store.
  Bytes n_plus_one = n;
  n_plus_one.back() = 0x42;
  EXPECT_FALSE(IsSecp256k1PrivateKey(n_plus_one));
  EXPECT_EQ(*Secp256k1PublicKey(SecretBytes(n_plus_one)), g);
  EXPECT_TRUE(IsSecp256k1PrivateKey(one.view()));
  // A point off the curve, a compressed point, a short one.
  Bytes off = g;
  off.back() ^= 1;
  EXPECT_FALSE(IsSecp256k1Point(off));
  EXPECT_EQ(Secp256k1SharedX(one, off).error().code(), StatusCode::kCorrupt);
  Bytes compressed(g.begin(), g.begin() + 33);
  compressed[0] = 0x02;
  EXPECT_EQ(Secp256k1SharedX(one, compressed).error().code(),
            StatusCode::kCorrupt);
  EXPECT_EQ(Secp256k1SharedX(one, Bytes(65, 0)).error().code(),
            StatusCode::kCorrupt);
}

// The shared X is always 32 bytes, left-padded where the coordinate is
// shorter (§2.1): found among small multiples of G.
TEST(Secp256k1Test, SharedXIsLeftPadded) {
  const SecretBytes one = SecretHex(
      "0000000000000000000000000000000000000000000000000000000000000001");
  const Bytes g = *Secp256k1PublicKey(one);
  bool padded = false;
  for (int k = 1; k < 4000 && !padded; ++k) {
    Bytes scalar(32, 0);
    scalar[30] = static_cast<std::uint8_t>(k >> 8);
    scalar[31] = static_cast<std::uint8_t>(k & 0xff);
    const SecretBytes x = *Secp256k1SharedX(SecretBytes(scalar), g);
    ASSERT_EQ(x.size(), 32u);
    // X of k x G equals the public key's X coordinate.
    const Bytes pub = *Secp256k1PublicKey(SecretBytes(scalar));
    ASSERT_EQ(ToHex(x.view()), ToHex(ByteView(pub).First(33).Last(32)));
    padded = x.view().data()[0] == 0;
  }
  EXPECT_TRUE(padded) << "no X below 2^248 among the first multiples of G";
}

}  // namespace
}  // namespace kintsugi::crypto
