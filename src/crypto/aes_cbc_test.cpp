#include "crypto/aes_cbc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/testing/status_matchers.h"

namespace kintsugi::crypto {
namespace {

using ::testing::ElementsAreArray;

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// recovery-schemes.md §3.1: key 1, the fixed IV, "0123456789abcdef".
const Bytes kKey = Hex("3a822c030c05db7708090a0b0c0d0e0d");
const Bytes kIv = Hex("00010003050300010000020006070600");
constexpr std::string_view kVector =
    "42f37cb4b9c8a5f51388fb2cf865fa40518d4607f685819b3fa01476d598b37e";

Result<Bytes> StreamDecrypt(ByteView key, ByteView iv, ByteView ct,
                            std::size_t chunk, bool padded = true) {
  KINTSUGI_ASSIGN_OR_RETURN(auto dec,
                            padded ? AesCbcDecryptor::Create(key, iv)
                                   : AesCbcDecryptor::CreateUnpadded(key, iv));
  Bytes plain;
  Bytes buffer(AesCbcDecryptor::MaxOutput(chunk));
  for (std::size_t at = 0; at < ct.size(); at += chunk) {
    KINTSUGI_ASSIGN_OR_RETURN(ByteView piece,
                              ct.Sub(at, std::min(chunk, ct.size() - at)));
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, dec.Update(piece, buffer));
    plain.insert(plain.end(), buffer.begin(),
                 buffer.begin() + static_cast<std::ptrdiff_t>(n));
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, dec.Finish(buffer));
  plain.insert(plain.end(), buffer.begin(),
               buffer.begin() + static_cast<std::ptrdiff_t>(n));
  return plain;
}

TEST(AesCbcTest, EncryptMatchesJigsawTestVector) {
  ASSERT_OK_AND_ASSIGN(
      Bytes ct,
      AesCbcEncrypt(kKey, kIv, ByteView::FromString("0123456789abcdef")));
  EXPECT_EQ(ToHex(ct), kVector);
}

TEST(AesCbcTest, StreamingDecryptOfTestVectorAnyChunking) {
  const Bytes ct = Hex(kVector);
  for (std::size_t chunk : {1u, 5u, 16u, 17u, 32u, 1000u}) {
    ASSERT_OK_AND_ASSIGN(Bytes plain, StreamDecrypt(kKey, kIv, ct, chunk));
    EXPECT_EQ(std::string(plain.begin(), plain.end()), "0123456789abcdef")
        << "chunk " << chunk;
  }
}

TEST(AesCbcTest, RoundTripsManySizes) {
  for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 1000u, 65537u}) {
    Bytes plain(size);
    for (std::size_t i = 0; i < size; ++i) {
      plain[i] = static_cast<std::uint8_t>(i * 7 + 3);
    }
    ASSERT_OK_AND_ASSIGN(Bytes ct, AesCbcEncrypt(kKey, kIv, plain));
    EXPECT_EQ(ct.size(), 16 * (size / 16 + 1));
    ASSERT_OK_AND_ASSIGN(Bytes back, StreamDecrypt(kKey, kIv, ct, 4096));
    EXPECT_THAT(back, ElementsAreArray(plain)) << "size " << size;
  }
}

TEST(AesCbcTest, WrongKeyFailsPaddingCheckAsCorrupt) {
  Bytes other = kKey;
  other[5] ^= 1;
  EXPECT_THAT(StreamDecrypt(other, kIv, Hex(kVector), 16),
              StatusIs(StatusCode::kCorrupt));
}

TEST(AesCbcTest, TruncatedCiphertextIsCorrupt) {
  Bytes ct = Hex(kVector);
  ct.pop_back();
  EXPECT_THAT(StreamDecrypt(kKey, kIv, ct, 16), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(StreamDecrypt(kKey, kIv, Bytes{}, 16),
              StatusIs(StatusCode::kCorrupt));
}

TEST(AesCbcTest, BadKeyOrIvSizeIsInvalidArgument) {
  EXPECT_THAT(AesCbcDecryptor::Create(Bytes(15), kIv),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AesCbcDecryptor::Create(kKey, Bytes(8)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_TRUE(AesCbcDecryptor::Create(Bytes(32), kIv).has_value());
}

// Unpadded (TeslaCrypt, recovery-schemes-2.md §3.1): every block comes out,
// the padding block included; nothing at all is fine; a partial block is
// not.
TEST(AesCbcTest, UnpaddedKeepsEveryBlockAndRefusesPartialOnes) {
  const Bytes ct = Hex(kVector);
  for (std::size_t chunk : {1u, 15u, 16u, 33u}) {
    ASSERT_OK_AND_ASSIGN(Bytes plain, StreamDecrypt(kKey, kIv, ct, chunk,
                                                    /*padded=*/false));
    ASSERT_EQ(plain.size(), 32u) << "chunk " << chunk;
    EXPECT_EQ(std::string(plain.begin(), plain.begin() + 16),
              "0123456789abcdef");
    EXPECT_EQ(Pkcs7PaddingLength(ByteView(plain).Last(16)), 16u);
  }
  ASSERT_OK_AND_ASSIGN(Bytes none,
                       StreamDecrypt(kKey, kIv, Bytes{}, 16, false));
  EXPECT_TRUE(none.empty());
  Bytes cut = ct;
  cut.pop_back();
  EXPECT_THAT(StreamDecrypt(kKey, kIv, cut, 16, false),
              StatusIs(StatusCode::kCorrupt));
}

TEST(AesCbcTest, LastBlockProbeUsesPreviousBlockAsIv) {
  // §4.4: decrypt the last block with the previous ciphertext block as IV.
  const Bytes ct = Hex(kVector);
  ASSERT_OK_AND_ASSIGN(ByteView prev, ByteView(ct).Sub(0, 16));
  ASSERT_OK_AND_ASSIGN(ByteView last, ByteView(ct).Sub(16, 16));
  ASSERT_OK_AND_ASSIGN(Bytes block, AesCbcDecryptBlocks(kKey, prev, last));
  EXPECT_EQ(Pkcs7PaddingLength(block), 16u);
}

TEST(AesCbcTest, Pkcs7PaddingLength) {
  Bytes block(16, 0x41);
  EXPECT_EQ(Pkcs7PaddingLength(block), std::nullopt);
  block[15] = 1;
  EXPECT_EQ(Pkcs7PaddingLength(block), 1u);
  block[14] = 2;
  block[15] = 2;
  EXPECT_EQ(Pkcs7PaddingLength(block), 2u);
  block[14] = 3;
  block[15] = 2;
  EXPECT_EQ(Pkcs7PaddingLength(block), std::nullopt);
  block[15] = 0;
  EXPECT_EQ(Pkcs7PaddingLength(block), std::nullopt);
  block[15] = 17;
  EXPECT_EQ(Pkcs7PaddingLength(block), std::nullopt);
  EXPECT_EQ(Pkcs7PaddingLength(Bytes(15, 1)), std::nullopt);
}

}  // namespace
}  // namespace kintsugi::crypto
