#include "crypto/chacha20_prng.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "crypto/chacha20.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

// recovery-schemes-3.md §4.9: LibTomCrypt's chacha20_prng_test. Entropy
// 0x01..0x32 (50 bytes: 41..50 wrap onto the first ten), ready, read 10.
TEST(ChaCha20PrngTest, ReproducesLibTomCryptsSelfTest) {
  std::array<std::uint8_t, 50> entropy{};
  for (std::size_t i = 0; i < entropy.size(); ++i) {
    entropy[i] = static_cast<std::uint8_t>(i + 1);
  }
  ChaCha20Prng prng;
  prng.AddEntropy(ByteView(entropy.data(), entropy.size()));
  prng.Ready();
  std::array<std::uint8_t, 10> out{};
  ASSERT_TRUE(prng.Read(out).ok());
  EXPECT_EQ(ToHex(ByteView(out.data(), out.size())), "59b226952b018f05bed8");
}

// Entropy fed in pieces is the same as fed at once; reads in pieces are
// the same as one read (partial blocks carry over), and ReadAt agrees.
TEST(ChaCha20PrngTest, PiecesMatchOnePass) {
  std::vector<std::uint8_t> entropy(97);
  for (std::size_t i = 0; i < entropy.size(); ++i) {
    entropy[i] = static_cast<std::uint8_t>(i * 7 + 3);
  }
  ChaCha20Prng whole;
  whole.AddEntropy(ByteView(entropy.data(), entropy.size()));
  whole.Ready();
  std::vector<std::uint8_t> one(300);
  ASSERT_TRUE(whole.Read(one).ok());

  ChaCha20Prng pieces;
  for (std::size_t at = 0; at < entropy.size(); at += 13) {
    const std::size_t n = std::min<std::size_t>(13, entropy.size() - at);
    pieces.AddEntropy(ByteView(entropy.data() + at, n));
  }
  pieces.Ready();
  std::vector<std::uint8_t> many(300);
  for (std::size_t at = 0; at < many.size(); at += 48) {
    const std::size_t n = std::min<std::size_t>(48, many.size() - at);
    ASSERT_TRUE(pieces.Read(std::span(many).subspan(at, n)).ok());
  }
  EXPECT_EQ(one, many);
  std::vector<std::uint8_t> at(37);
  ASSERT_TRUE(whole.ReadAt(100, at).ok());
  EXPECT_TRUE(std::equal(at.begin(), at.end(), one.begin() + 100));
}

// The stream is ChaCha20 in DJB's layout keyed by the 40 entropy bytes.
TEST(ChaCha20PrngTest, IsChaCha20KeyedByTheEntropy) {
  std::array<std::uint8_t, 40> entropy{};
  for (std::size_t i = 0; i < entropy.size(); ++i) {
    entropy[i] = static_cast<std::uint8_t>(0xa0 ^ i);
  }
  ChaCha20Prng prng;
  prng.AddEntropy(ByteView(entropy.data(), entropy.size()));
  prng.Ready();
  std::array<std::uint8_t, 128> got{};
  ASSERT_TRUE(prng.Read(got).ok());
  std::array<std::uint8_t, 128> zeros{};
  std::array<std::uint8_t, 128> want{};
  ASSERT_TRUE(ChaCha20DjbXor(ByteView(entropy.data(), 32),
                             ByteView(entropy.data() + 32, 8), 0,
                             ByteView(zeros.data(), zeros.size()), want)
                  .ok());
  EXPECT_EQ(got, want);
}

TEST(ChaCha20PrngTest, ReadBeforeReadyIsAnError) {
  ChaCha20Prng prng;
  std::array<std::uint8_t, 4> out{};
  EXPECT_EQ(prng.Read(out).code(), StatusCode::kInvalidArgument);
}

// A rekey after Ready changes the stream, and the same rekey twice gives
// the same stream.
TEST(ChaCha20PrngTest, EntropyAfterReadyRekeys) {
  const std::array<std::uint8_t, 3> more = {1, 2, 3};
  auto stream = [&](bool rekey) {
    ChaCha20Prng prng;
    prng.AddEntropy(ByteView(more.data(), more.size()));
    prng.Ready();
    if (rekey) prng.AddEntropy(ByteView(more.data(), more.size()));
    std::array<std::uint8_t, 16> out{};
    EXPECT_TRUE(prng.Read(out).ok());
    return out;
  };
  EXPECT_NE(stream(false), stream(true));
  EXPECT_EQ(stream(true), stream(true));
}

}  // namespace
}  // namespace kintsugi::crypto
