#include "crypto/sosemanuk.h"

#include <gtest/gtest.h>

#include <array>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

Bytes Keystream(ByteView key, ByteView iv, std::size_t size) {
  auto cipher = Sosemanuk::Create(key, iv);
  EXPECT_TRUE(cipher.ok());
  const Bytes zeros(size, 0);
  Bytes out(size);
  EXPECT_TRUE(cipher->Xor(zeros, out).ok());
  return out;
}

// Known answer: the vector the Sosemanuk reference implementation prints
// when compiled with -DSOSEMANUK_VECTOR (a 40-bit key, so Serpent's key
// padding is exercised), 160 bytes of keystream. As carried in Crypto++'s
// TestVectors/sosemanuk.txt (Debian libcrypto++-utils).
TEST(SosemanukTest, MatchesTheReferenceImplementationVector) {
  const Bytes out = Keystream(Hex("A7C083FEB7"),
                              Hex("00112233445566778899AABBCCDDEEFF"), 160);
  EXPECT_EQ(out, Hex("FE81D2162C9A100D04895C454A77515B"
                     "BE6A431A935CB90E2221EBB7EF502328"
                     "943539492EFF6310C871054C2889CC72"
                     "8F82E86B1AFFF4334B6127A13A155C75"
                     "151630BD482EB673FF5DB477FA6C53EB"
                     "E1A4EC38C23C5400C315455D93A2ACED"
                     "9598604727FA340D5F2A8BD757B77833"
                     "F74BD2BC049313C80616B4A06268AE35"
                     "0DB92EEC4FA56C171374A67A80C006D0"
                     "EAD048CE7B640F17D3D5A62D1F251C21"));
}

// Known answer: eSTREAM test vectors of the Sosemanuk submission
// ("unverified.test-vectors"), set 6, vector 3: a 256-bit key and a 128-bit
// IV; the XOR of all 64-byte blocks of the first 131,072 bytes of
// keystream (eSTREAM's "xor-digest"), as carried in Crypto++'s
// TestVectors/sosemanuk.txt.
TEST(SosemanukTest, MatchesEstreamSet6Vector3XorDigest) {
  const Bytes out = Keystream(
      Hex("0F62B5085BAE0154A7FA4DA0F34699EC3F92E5388BDE3184D72A7DD02376C91C"),
      Hex("288FF65DC42B92F960C72E95FC63CA31"), 131072);
  Bytes digest(64, 0);
  for (std::size_t i = 0; i < out.size(); ++i) digest[i % 64] ^= out[i];
  EXPECT_EQ(digest, Hex("CC09FB7405DD54BBF09407B1D2033FBB"
                        "AC53F388DD387A46F2B8FCFF692A7838"
                        "353523A621A55D08DA0CA5348AE96D8B"
                        "0D6A028F309982EF6628054D01B9A368"));
}

// Any split of the stream into calls, and any skip, gives the bytes of one
// pass (blocks are 80 bytes: splits on and off their edges).
TEST(SosemanukTest, CallsOfAnySizeAndSkipsContinueTheStream) {
  const Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  const Bytes whole = Keystream(key, {}, 1000);
  for (std::size_t split : {1u, 79u, 80u, 81u, 160u, 161u, 999u}) {
    auto cipher = Sosemanuk::Create(key, {});
    ASSERT_TRUE(cipher.ok());
    const Bytes zeros(1000, 0);
    Bytes out(1000);
    ASSERT_TRUE(
        cipher->Xor(ByteView(zeros).First(split), std::span(out).first(split))
            .ok());
    ASSERT_TRUE(cipher
                    ->Xor(ByteView(zeros).Last(1000 - split),
                          std::span(out).subspan(split))
                    .ok());
    EXPECT_EQ(out, whole) << split;

    auto skipping = Sosemanuk::Create(key, {});
    ASSERT_TRUE(skipping.ok());
    skipping->Skip(split);
    Bytes rest(1000 - split);
    ASSERT_TRUE(skipping->Xor(ByteView(zeros).First(rest.size()), rest).ok());
    EXPECT_EQ(rest, Bytes(whole.begin() + static_cast<std::ptrdiff_t>(split),
                          whole.end()))
        << split;
  }
}

// No IV is the all-zero IV (the reference implementation pads it so; the
// Babuk ESXi build passes none, recovery-schemes.md §3.8).
TEST(SosemanukTest, NoIvIsTheZeroIv) {
  const Bytes key(32, 0x42);
  EXPECT_EQ(Keystream(key, {}, 100), Keystream(key, Bytes(16, 0), 100));
  EXPECT_NE(Keystream(key, {}, 100), Keystream(key, Hex("01"), 100));
}

TEST(SosemanukTest, RefusesBadSizes) {
  EXPECT_EQ(Sosemanuk::Create({}, {}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Sosemanuk::Create(Bytes(33, 1), {}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Sosemanuk::Create(Bytes(32, 1), Bytes(17, 0)).error().code(),
            StatusCode::kInvalidArgument);
  auto cipher = Sosemanuk::Create(Bytes(32, 1), {});
  ASSERT_TRUE(cipher.ok());
  Bytes small(3);
  EXPECT_EQ(cipher->Xor(Bytes(4, 0), small).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::crypto
