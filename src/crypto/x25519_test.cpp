#include "crypto/x25519.h"

#include <gtest/gtest.h>

#include "crypto/chacha20.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }
SecretBytes SecretHex(std::string_view hex) { return SecretBytes(Hex(hex)); }

// Known answer: RFC 7748 §6.1 (Alice and Bob).
TEST(X25519Test, MatchesRfc7748Section6_1) {
  const SecretBytes alice = SecretHex(
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const SecretBytes bob = SecretHex(
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const Bytes alice_public =
      Hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  const Bytes bob_public =
      Hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  EXPECT_EQ(*X25519PublicKey(alice), alice_public);
  EXPECT_EQ(*X25519PublicKey(bob), bob_public);
  const SecretBytes expected = SecretHex(
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(*X25519(alice, bob_public), expected);
  EXPECT_EQ(*X25519(bob, alice_public), expected);
}

TEST(X25519Test, RefusesBadSizesAndLowOrderPoints) {
  const SecretBytes key(Bytes(32, 7));
  EXPECT_EQ(X25519(SecretBytes(Bytes(31, 7)), Bytes(32, 9)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(X25519(key, Bytes(33, 9)).error().code(),
            StatusCode::kInvalidArgument);
  // The all-zero point has order 1: the secret would be zero.
  EXPECT_EQ(X25519(key, Bytes(32, 0)).error().code(), StatusCode::kCorrupt);
  EXPECT_EQ(X25519PublicKey(SecretBytes(Bytes(5, 1))).error().code(),
            StatusCode::kInvalidArgument);
}

// Known answers: FIPS 180-2 "abc", and the empty message.
TEST(Sha256Test, MatchesFips180Examples) {
  EXPECT_EQ(Sha256(ByteView::FromString("abc")),
            SecretHex("ba7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(Sha256({}), SecretHex("e3b0c44298fc1c149afbf4c8996fb924"
                                  "27ae41e4649b934ca495991b7852b855"));
}

// Known answer: FIPS 180-2 "abc" (SHA-512).
TEST(Sha512Test, MatchesFips180Example) {
  EXPECT_EQ(Sha512(ByteView::FromString("abc")),
            SecretHex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee6"
                      "4b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e"
                      "2a9ac94fa54ca49f"));
  EXPECT_EQ(Sha512({}).size(), kSha512Bytes);
}

// Known answer: RFC 8439 §2.4.2 (the "sunscreen" text, initial counter 1,
// that is stream offset 64).
TEST(ChaCha20Test, MatchesRfc8439Section2_4_2) {
  const Bytes key =
      Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes nonce = Hex("000000000000004a00000000");
  const std::string_view text =
      "Ladies and Gentlemen of the class of '99: If I could offer you only "
      "one tip for the future, sunscreen would be it.";
  const ByteView plain = ByteView::FromString(text);
  Bytes out(plain.size());
  ASSERT_TRUE(ChaCha20IetfXor(key, nonce, 64, plain, out).ok());
  EXPECT_EQ(out, Hex("6e2e359a2568f98041ba0728dd0d6981"
                     "e97e7aec1d4360c20a27afccfd9fae0b"
                     "f91b65c5524733ab8f593dabcd62b357"
                     "1639d624e65152ab8f530c359f0861d8"
                     "07ca0dbf500d6a6156a38e088a22b65e"
                     "52bc514d16ccf806818ce91ab7793736"
                     "5af90bbf74a35be6b40b8eedf2785e42"
                     "874d"));
}

// Any split at any offset gives the bytes of one pass.
TEST(ChaCha20Test, SeekingMatchesOnePass) {
  const Bytes key(32, 0x11);
  const Bytes nonce(12, 0x22);
  Bytes plain(1000);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] = static_cast<std::uint8_t>(i);
  }
  Bytes whole(plain.size());
  ASSERT_TRUE(ChaCha20IetfXor(key, nonce, 0, plain, whole).ok());
  EXPECT_NE(whole, plain);
  for (std::size_t split : {1u, 5u, 63u, 64u, 65u, 130u, 999u}) {
    Bytes parts(plain.size());
    ASSERT_TRUE(ChaCha20IetfXor(key, nonce, 0, ByteView(plain).First(split),
                                std::span(parts).first(split))
                    .ok());
    ASSERT_TRUE(ChaCha20IetfXor(key, nonce, split,
                                ByteView(plain).Last(plain.size() - split),
                                std::span(parts).subspan(split))
                    .ok());
    EXPECT_EQ(parts, whole) << split;
  }
}

TEST(ChaCha20Test, RefusesBadSizesAndTheEndOfTheCounter) {
  const Bytes key(32, 1);
  const Bytes nonce(12, 2);
  Bytes out(64);
  EXPECT_EQ(ChaCha20IetfXor(Bytes(16, 1), nonce, 0, Bytes(4, 0), out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ChaCha20IetfXor(key, Bytes(8, 2), 0, Bytes(4, 0), out).code(),
            StatusCode::kInvalidArgument);
  // The last block of the 32-bit counter is fine; one byte more is not.
  const std::uint64_t end = (std::uint64_t{1} << 32) * 64;
  EXPECT_TRUE(ChaCha20IetfXor(key, nonce, end - 64, Bytes(64, 0), out).ok());
  EXPECT_EQ(ChaCha20IetfXor(key, nonce, end - 63, Bytes(64, 0), out).code(),
            StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace kintsugi::crypto
