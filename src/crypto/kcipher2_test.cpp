#include "crypto/kcipher2.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/testing/status_matchers.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

struct Vector {
  std::string_view key;
  std::string_view iv;
  std::string_view stream;  // The first 64 bytes.
};

// RFC 7008 Appendix B (recovery-schemes-3.md §4.7).
constexpr Vector kRfcVectors[] = {
    {"00000000000000000000000000000000", "00000000000000000000000000000000",
     "f871ebef945b7272e40c04941dff05370b981a59fbc8ac57566d3b02c179dbb4"
     "3b46f1f033554c725de68bcc9872858f575496024062f0e9f932c998226db6ba"},
    {"a37b7d012f897076fe08c22d142bb2cf", "33a6ee60e57927e08b45cc4ca30ede4a",
     "60e9a6b67b4c2524fe726d44ad5b402e31d0d1ba5ca233a4afc74be7d6069d36"
     "4a75bb6cd8d5b7f038aaaa284ae4cd2fe2e5313dfc6ccd8f9d2484f20f86c50d"},
    {"3d62e9b18e5b042f42df43cc7175c96e", "777cefe4541300c8adcaca8a0b48cd55",
     "690f108d84f44ac7bf257bd7e394f6c9aa1192c38e200c6e073c8078ac18aad1"
     "d4b8dade688023682fa4207683dea5a44c1d95eae959f5b42611f41ea40f0a58"},
};

TEST(KCipher2Test, RfcVectors) {
  for (const Vector& v : kRfcVectors) {
    KCipher2 cipher;
    ASSERT_THAT(cipher.Init(Hex(v.key), Hex(v.iv)), IsOk());
    Bytes out(64);
    cipher.Keystream(out);
    EXPECT_EQ(ToHex(out), v.stream) << v.key;
  }
}

TEST(KCipher2Test, ByteGranularCallsGiveTheSameStream) {
  const Vector& v = kRfcVectors[1];
  KCipher2 cipher;
  ASSERT_THAT(cipher.Init(Hex(v.key), Hex(v.iv)), IsOk());
  Bytes out;
  for (std::size_t size : {1u, 3u, 8u, 5u, 13u, 2u, 32u}) {
    Bytes part(size);
    cipher.Keystream(part);
    out.insert(out.end(), part.begin(), part.end());
  }
  EXPECT_EQ(ToHex(out), v.stream);
}

TEST(KCipher2Test, XorIsTheKeystreamXoredIn) {
  const Vector& v = kRfcVectors[2];
  KCipher2 cipher;
  ASSERT_THAT(cipher.Init(Hex(v.key), Hex(v.iv)), IsOk());
  const Bytes in(64, 0x5a);
  Bytes out(64);
  ASSERT_THAT(cipher.Xor(ByteView(in).First(7), out), IsOk());
  ASSERT_THAT(cipher.Xor(*ByteView(in).Sub(7, 57),
                         std::span<std::uint8_t>(out).subspan(7)),
              IsOk());
  const Bytes stream = Hex(v.stream);
  for (std::size_t i = 0; i < 64; ++i) {
    EXPECT_EQ(out[i], stream[i] ^ 0x5a) << i;
  }
}

TEST(KCipher2Test, First8IsTheFirstEightBytesBigEndian) {
  for (const Vector& v : kRfcVectors) {
    const Bytes key = Hex(v.key);
    const Bytes iv = Hex(v.iv);
    const KCipher2Key expanded = KCipher2Expand(key.data());
    const std::uint64_t first = KCipher2First8(expanded, iv.data());
    const Bytes stream = Hex(v.stream);
    std::uint64_t want = 0;
    for (std::size_t i = 0; i < 8; ++i) want = (want << 8) | stream[i];
    EXPECT_EQ(first, want) << v.key;
  }
}

// §3.9 "Test vectors": the keys Yarrow-256 drew for real Akira files and
// the keystream their ciphertext shows.
TEST(KCipher2Test, AkiraVectors) {
  struct AkiraVector {
    std::string_view key, iv, stream;
  };
  constexpr AkiraVector kAkira[] = {
      {"a120cbd81a246a926e83f9fbf0d94943", "5f7717abcf49906c8585f40f711206dc",
       "86780610f0361d9c8c2bc00b51fd6f7f"},
      {"d0482116257e8723ee9d0bc26666a44f", "080256b8b7d946e1ec8f3421e06b00a3",
       "e569698dfb1eb7d5964b86faf8f28f6f"},
  };
  for (const AkiraVector& v : kAkira) {
    KCipher2 cipher;
    ASSERT_THAT(cipher.Init(Hex(v.key), Hex(v.iv)), IsOk());
    Bytes out(16);
    cipher.Keystream(out);
    EXPECT_EQ(ToHex(out), v.stream);
  }
}

TEST(KCipher2Test, RejectsWrongSizes) {
  KCipher2 cipher;
  EXPECT_THAT(cipher.Init(Bytes(15), Bytes(16)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(cipher.Init(Bytes(16), Bytes(17)),
              StatusIs(StatusCode::kInvalidArgument));
  ASSERT_THAT(cipher.Init(Bytes(16), Bytes(16)), IsOk());
  Bytes out(3);
  EXPECT_THAT(cipher.Xor(Bytes(4), out),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::crypto
