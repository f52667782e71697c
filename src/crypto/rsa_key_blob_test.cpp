// Chimera's leaked-key blob (recovery-schemes-2.md §3.6 "Leaked key
// format"), with a locally generated key (§0): never a leaked one.

#include "crypto/rsa_key_blob.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "crypto/x25519.h"

namespace kintsugi::crypto {
namespace {

const RsaPrivateKey& TestKey() {
  static const RsaPrivateKey key = *RsaPrivateKey::Generate(2048);
  return key;
}

TEST(RsaKeyBlobTest, WritesAndReadsTheBlobLayout) {
  auto blob = MakeRsaKeyBlob(TestKey());
  ASSERT_TRUE(blob.ok()) << blob.error().message();
  ASSERT_EQ(blob->size(), kRsaKeyBlobBytes);
  const ByteView view = blob->view();
  // N first, then E = 01 00 01 (three bytes), then D.
  EXPECT_EQ(view.First(256), ByteView(TestKey().Modulus()));
  EXPECT_EQ(*view.Sub(256, 3), ByteView(Bytes{0x01, 0x00, 0x01}));
  const RsaParts parts = *TestKey().Parts();
  // QInv last, right-aligned in its 128 bytes.
  EXPECT_EQ(view.Last(parts.qinv.size()), parts.qinv.view());
  auto key = ParseRsaKeyBlob(view);
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->Modulus(), TestKey().Modulus());
  const Bytes block = *TestKey().Pkcs1v15Encrypt(Bytes(16, 7));
  EXPECT_EQ(key->RawDecrypt(block)->view(),
            TestKey().RawDecrypt(block)->view());
}

TEST(RsaKeyBlobTest, ReadsHexWithADanglingNibble) {
  const SecretBytes blob = *MakeRsaKeyBlob(TestKey());
  std::string hex = ToHex(blob.view());
  ASSERT_EQ(hex.size(), kRsaKeyBlobHexDigits);
  EXPECT_EQ(RsaKeyBlobFromHex(hex)->view(), blob.view());
  for (char& c : hex) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(RsaKeyBlobFromHex(hex)->view(), blob.view());
  EXPECT_EQ(RsaKeyBlobFromHex(hex + "7")->view(), blob.view());
  for (const std::string& bad :
       {hex + "7f", hex + "g", hex.substr(0, hex.size() - 1), hex.substr(0, 64),
        std::string(), "x" + hex.substr(1)}) {
    EXPECT_EQ(RsaKeyBlobFromHex(bad).error().code(),
              StatusCode::kInvalidArgument)
        << bad.size();
  }
}

TEST(RsaKeyBlobTest, RefusesABlobWhosePartsDisagree) {
  const SecretBytes good = *MakeRsaKeyBlob(TestKey());
  // One bit of each part in turn: N, E, D, P, Q, DP, DQ, QInv.
  std::size_t at = 0;
  for (const std::size_t width : kRsaKeyBlobWidths) {
    SCOPED_TRACE(at);
    SecretBytes bad = good;
    bad.mutable_span()[at + width - 1] ^= 0x04;
    auto key = ParseRsaKeyBlob(bad.view());
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
    at += width;
  }
  EXPECT_EQ(ParseRsaKeyBlob(good.view().First(1154)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRsaKeyBlob(Bytes(kRsaKeyBlobBytes, 0)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRsaKeyBlob(Bytes(kRsaKeyBlobBytes, 0xff)).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(RsaKeyBlobTest, OnlyRsa2048FitsTheBlob) {
  const RsaPrivateKey small = *RsaPrivateKey::Generate(1024);
  EXPECT_EQ(MakeRsaKeyBlob(small).error().code(), StatusCode::kInvalidArgument);
}

TEST(RsaKeyBlobTest, FingerprintIsSha256OfTheModulus) {
  const std::string fingerprint = RsaModulusFingerprint(TestKey());
  ASSERT_EQ(fingerprint.size(), 16u);
  EXPECT_EQ(fingerprint, ToHex(Sha256(TestKey().Modulus()).view().First(8)));
  const RsaPrivateKey other = *RsaPrivateKey::Generate(2048);
  EXPECT_NE(RsaModulusFingerprint(other), fingerprint);
}

}  // namespace
}  // namespace kintsugi::crypto
