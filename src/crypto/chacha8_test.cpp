#include "crypto/chacha8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "core/testing/status_matchers.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

Bytes Stream(ByteView key, ByteView nonce, std::size_t size) {
  ChaCha8 cipher;
  EXPECT_THAT(cipher.Init(key, nonce), IsOk());
  const Bytes zeros(size, 0);
  Bytes out(size);
  EXPECT_THAT(cipher.Xor(zeros, out), IsOk());
  return out;
}

// draft-strombergson-chacha-test-vectors TC1, 8 rounds
// (recovery-schemes-3.md §4.8).
TEST(ChaCha8Test, StrombergsonZeroKeyVectors) {
  EXPECT_EQ(ToHex(Stream(Bytes(16), Bytes(8), 16)),
            "e28a5fa4a67f8c5defed3e6fb7303486");
  EXPECT_EQ(ToHex(Stream(Bytes(32), Bytes(8), 16)),
            "3e00ef2f895f40d67f5bb8e81f09a5a1");
}

// §3.9 "Test vectors": the ChaCha8 chunk of a real Akira file.
TEST(ChaCha8Test, AkiraVector) {
  const Bytes key = Hex("4b54d5cf9c979821f4d569c7dabd586d");
  const Bytes nonce = Hex("6ead9a759dbdff55");
  EXPECT_EQ(ToHex(Stream(key, nonce, 16)), "eecaf9db9d31d30351e7ff53b941b660");
  EXPECT_EQ(ChaCha8First8(key.data(), nonce.data()), 0xeecaf9db9d31d303ULL);
  // The 256-bit reading does not give Akira's bytes (§3.9).
  Bytes doubled = key;
  doubled.insert(doubled.end(), key.begin(), key.end());
  EXPECT_NE(ToHex(Stream(doubled, nonce, 8)), "eecaf9db9d31d303");
}

TEST(ChaCha8Test, SeekAndAlignStartFreshBlocks) {
  const Bytes key = Hex("4b54d5cf9c979821f4d569c7dabd586d");
  const Bytes nonce = Hex("6ead9a759dbdff55");
  const Bytes whole = Stream(key, nonce, 256);
  ChaCha8 cipher;
  ASSERT_THAT(cipher.Init(key, nonce), IsOk());
  Bytes part(10);
  ASSERT_THAT(cipher.Xor(Bytes(10), part), IsOk());
  EXPECT_EQ(cipher.block(), 0u);
  cipher.AlignToBlock();
  EXPECT_EQ(cipher.block(), 1u);
  ASSERT_THAT(cipher.Xor(Bytes(10), part), IsOk());
  EXPECT_EQ(ToHex(part), ToHex(ByteView(whole).Sub(64, 10)->span()));
  cipher.Seek(3);
  ASSERT_THAT(cipher.Xor(Bytes(10), part), IsOk());
  EXPECT_EQ(ToHex(part), ToHex(ByteView(whole).Sub(192, 10)->span()));
  // Aligning at a block boundary moves nothing.
  cipher.Seek(2);
  cipher.AlignToBlock();
  EXPECT_EQ(cipher.block(), 2u);
}

TEST(ChaCha8Test, RejectsWrongSizes) {
  ChaCha8 cipher;
  EXPECT_THAT(cipher.Init(Bytes(24), Bytes(8)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(cipher.Init(Bytes(16), Bytes(12)),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::crypto
