#include "crypto/salsa20.h"

#include <gtest/gtest.h>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// Known answer: the eSTREAM Salsa20/20 256-bit test vectors, set 1,
// vector 0 (key 80 00 .. 00, IV 0), stream[0..63].
TEST(Salsa20Test, MatchesEstreamSet1Vector0) {
  Bytes key(32, 0);
  key[0] = 0x80;
  const Bytes nonce(8, 0);
  const Bytes zeros(64, 0);
  Bytes out(64);
  ASSERT_TRUE(Salsa20Xor(key, nonce, 0, zeros, out).ok());
  EXPECT_EQ(out, Hex("e3be8fdd8beca2e3ea8ef9475b29a6e7003951e1097a5c38d23b7a5f"
                     "ad9f6844b22c97559e2723c7cbbd3fe4fc8d9a0744652a83e72a9c46"
                     "1876af4d7ef1a117"));
}

// Any split of a stream at any offset gives the bytes of one pass.
TEST(Salsa20Test, SeekingMatchesOnePass) {
  Bytes key(32);
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
  const Bytes nonce = Hex("0102030405060708");
  Bytes plain(1000);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] = static_cast<std::uint8_t>(i);
  }
  Bytes whole(plain.size());
  ASSERT_TRUE(Salsa20Xor(key, nonce, 0, plain, whole).ok());
  EXPECT_NE(whole, plain);
  for (std::size_t split : {1u, 5u, 63u, 64u, 65u, 130u, 999u}) {
    Bytes pieces(plain.size());
    const ByteView all(plain);
    ASSERT_TRUE(Salsa20Xor(key, nonce, 0, all.First(split), pieces).ok());
    ASSERT_TRUE(Salsa20Xor(key, nonce, split, all.Last(plain.size() - split),
                           std::span<std::uint8_t>(pieces).subspan(split))
                    .ok());
    EXPECT_EQ(pieces, whole) << "split " << split;
  }
  // Short pieces inside one block.
  Bytes small(plain.size());
  for (std::size_t at = 0; at < plain.size(); at += 7) {
    const std::size_t n = std::min<std::size_t>(7, plain.size() - at);
    ASSERT_TRUE(Salsa20Xor(key, nonce, at, *ByteView(plain).Sub(at, n),
                           std::span<std::uint8_t>(small).subspan(at, n))
                    .ok());
  }
  EXPECT_EQ(small, whole);
}

TEST(Salsa20Test, RefusesBadSizes) {
  const Bytes in(4, 0);
  Bytes out(4);
  EXPECT_EQ(Salsa20Xor(Bytes(16, 0), Bytes(8, 0), 0, in, out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Salsa20Xor(Bytes(32, 0), Bytes(12, 0), 0, in, out).code(),
            StatusCode::kInvalidArgument);
  Bytes small(2);
  EXPECT_EQ(Salsa20Xor(Bytes(32, 0), Bytes(8, 0), 0, in, small).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::crypto
