// The Rhysida reconstruction model (recovery-schemes-3.md §3.10): each open
// parameter's readings do what their names say, checked against the
// building blocks directly (MSVC rand, chacha20_prng, OpenSSL's AES-CTR).

#include "families/rhysida/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <vector>

#include "core/testing/status_matchers.h"
#include "prng/prng.h"

namespace kintsugi::families::rhysida {
namespace {

// The generator `c` (0 = the unused one) under `feed`, built by hand from
// rand() as the feed's name says.
crypto::ChaCha20Prng ByHand(std::uint32_t seed, Feed feed, unsigned c) {
  prng::MsvcRand random(seed);
  std::vector<std::uint8_t> entropy;
  for (unsigned g = 0; g <= c; ++g) {
    entropy.clear();
    for (unsigned i = 0; i < FeedCalls(feed); ++i) {
      const auto r = static_cast<std::uint32_t>(random.Next());
      const auto low = static_cast<std::uint8_t>(r);
      const auto high = static_cast<std::uint8_t>(r >> 8);
      if (feed == Feed::kByte) entropy.push_back(low);
      if (feed == Feed::kLe16) entropy.insert(entropy.end(), {low, high});
      if (feed == Feed::kBe16) entropy.insert(entropy.end(), {high, low});
      if (feed == Feed::kLe32) entropy.insert(entropy.end(), {low, high, 0, 0});
    }
  }
  EXPECT_EQ(entropy.size(), 40U);
  crypto::ChaCha20Prng prng;
  prng.AddEntropy(entropy);
  prng.Ready();
  return prng;
}

TEST(RhysidaModelTest, EachFeedFillsFortyBytesFromSuccessiveRandCalls) {
  for (Feed feed : kAllFeeds) {
    const SeedGenerators generators(1700000000, feed, 3);
    ASSERT_EQ(generators.workers(), 3U);
    for (unsigned w = 1; w <= 3; ++w) {
      std::array<std::uint8_t, 48> got{};
      std::array<std::uint8_t, 48> want{};
      ASSERT_THAT(generators.Worker(w).ReadAt(0, got), IsOk());
      ASSERT_THAT(ByHand(1700000000, feed, w).ReadAt(0, want), IsOk());
      EXPECT_EQ(got, want) << FeedName(feed) << " worker " << w;
    }
  }
  // The feeds are different readings: worker 1's first bytes differ.
  std::array<std::uint8_t, 16> a{};
  std::array<std::uint8_t, 16> b{};
  ASSERT_THAT(SeedGenerators(5, Feed::kLe16, 1).Worker(1).ReadAt(0, a), IsOk());
  ASSERT_THAT(SeedGenerators(5, Feed::kBe16, 1).Worker(1).ReadAt(0, b), IsOk());
  EXPECT_NE(a, b);
}

TEST(RhysidaModelTest, FileKeysAreConsecutiveDrawsOfKeyThenIv) {
  const SeedGenerators generators(42, Feed::kByte, 2);
  std::array<std::uint8_t, 3 * 48> stream{};
  ASSERT_THAT(generators.Worker(2).ReadAt(0, stream), IsOk());
  const FileKey third = KeyAt(generators.Worker(2), Draw{}, 2);
  EXPECT_TRUE(
      std::equal(third.key.begin(), third.key.end(), stream.begin() + 96));
  EXPECT_TRUE(
      std::equal(third.iv.begin(), third.iv.end(), stream.begin() + 128));
  const FileKey short_draw = KeyAt(generators.Worker(2), Draw{16, 8}, 1);
  EXPECT_EQ(short_draw.key_bytes, 16U);
  EXPECT_TRUE(std::equal(short_draw.key.begin(), short_draw.key.begin() + 16,
                         stream.begin() + 24));
  EXPECT_TRUE(std::equal(short_draw.iv.begin(), short_draw.iv.begin() + 8,
                         stream.begin() + 40));
  EXPECT_EQ(short_draw.iv[8], 0);
}

// §4.12: the big-endian counter is OpenSSL's AES-CTR; the little-endian
// one carries from byte 0 upward.
TEST(RhysidaModelTest, BigEndianCounterIsOpenSslCtr) {
  FileKey key;
  for (std::size_t i = 0; i < 32; ++i)
    key.key[i] = static_cast<std::uint8_t>(i);
  key.iv.fill(0xff);
  key.iv[0] = 0x10;
  std::vector<std::uint8_t> data(1000, 0x5a);
  std::vector<std::uint8_t> want(data.size());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), nullptr, key.key.data(),
                               key.iv.data()),
            1);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, want.data(), &n, data.data(),
                              static_cast<int>(data.size())),
            1);
  EVP_CIPHER_CTX_free(ctx);
  ASSERT_OK_AND_ASSIGN(CtrKeystream stream,
                       CtrKeystream::Create(key, Counter::kBigEndian));
  // In two pieces, the second starting inside a block.
  ASSERT_THAT(stream.Apply(0, std::span(data).first(37)), IsOk());
  ASSERT_THAT(stream.Apply(37, std::span(data).subspan(37)), IsOk());
  EXPECT_EQ(data, want);
}

TEST(RhysidaModelTest, CounterBlocksCarryInTheirOwnDirection) {
  std::array<std::uint8_t, 16> iv{};
  iv.fill(0);
  iv[0] = 0xff;
  iv[15] = 0xff;
  const auto be = CounterBlock(iv, Counter::kBigEndian, 1);
  EXPECT_EQ(be[15], 0x00);
  EXPECT_EQ(be[14], 0x01);
  EXPECT_EQ(be[0], 0xff);
  const auto le = CounterBlock(iv, Counter::kLittleEndian, 1);
  EXPECT_EQ(le[0], 0x00);
  EXPECT_EQ(le[1], 0x01);
  EXPECT_EQ(le[15], 0xff);
  EXPECT_EQ(CounterBlock(iv, Counter::kLittleEndian, 0), iv);
  EXPECT_EQ(CounterBlock(iv, Counter::kBigEndian, 0), iv);
}

TEST(RhysidaModelTest, ChunkRulesParseAndCountTheirEncryptedBytes) {
  ASSERT_OK_AND_ASSIGN(const ChunkRule whole, ParseChunkRule("whole"));
  EXPECT_TRUE(whole.whole());
  EXPECT_EQ(whole.EncryptedBefore(1000), 1000U);
  ASSERT_OK_AND_ASSIGN(const ChunkRule head, ParseChunkRule("head:1k"));
  EXPECT_EQ(head.Name(), "head:1024");
  EXPECT_EQ(head.EncryptedBefore(5000), 1024U);
  ASSERT_OK_AND_ASSIGN(const ChunkRule stripes,
                       ParseChunkRule("stripes:64:256"));
  EXPECT_EQ(stripes.Name(), "stripes:64:256");
  EXPECT_EQ(stripes.EncryptedBefore(600), 64U * 2 + 64);
  std::uint64_t end = 0;
  EXPECT_TRUE(stripes.Encrypted(260, &end));
  EXPECT_EQ(end, 320U);
  EXPECT_FALSE(stripes.Encrypted(320, &end));
  EXPECT_EQ(end, 512U);
  for (const char* bad : {"", "half", "head:", "head:15", "stripes:64",
                          "stripes:64:64", "stripes:x:1m", "head:0"}) {
    EXPECT_EQ(ParseChunkRule(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  ASSERT_OK_AND_ASSIGN(const Draw draw, ParseDraw("16+16"));
  EXPECT_EQ(draw.per_file(), 32U);
  EXPECT_FALSE(ParseDraw("20+16").ok());
  EXPECT_FALSE(ParseDraw("32+17").ok());
  EXPECT_FALSE(ParseDraw("32").ok());
}

// The stream decrypts what TransformOriginal encrypted, fed in pieces, and
// drops the trailer; the bytes between stripes stay as they were.
TEST(RhysidaModelTest, StreamUndoesTheTransformAndDropsTheTrailer) {
  FileKey key;
  key.key.fill(7);
  key.iv.fill(9);
  Reading reading;
  reading.counter = Counter::kLittleEndian;
  ASSERT_OK_AND_ASSIGN(reading.chunks, ParseChunkRule("stripes:64:200"));
  std::vector<std::uint8_t> original(1000);
  for (std::size_t i = 0; i < original.size(); ++i) {
    original[i] = static_cast<std::uint8_t>(i * 13);
  }
  std::vector<std::uint8_t> file = original;
  ASSERT_OK_AND_ASSIGN(CtrKeystream stream,
                       CtrKeystream::Create(key, reading.counter));
  ASSERT_THAT(TransformOriginal(stream, reading.chunks, 0, file), IsOk());
  EXPECT_NE(std::vector(file.begin(), file.begin() + 64),
            std::vector(original.begin(), original.begin() + 64));
  EXPECT_EQ(std::vector(file.begin() + 64, file.begin() + 200),
            std::vector(original.begin() + 64, original.begin() + 200));
  file.resize(file.size() + reading.trailer, 0xee);
  ASSERT_OK_AND_ASSIGN(auto decryption,
                       StartDecryption(key, reading, file.size()));
  EXPECT_EQ(decryption->MinOutputBytes(), original.size());
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> buffer(300 + recover::StreamDecryption::kSlack);
  for (std::size_t at = 0; at < file.size(); at += 300) {
    const std::size_t n = std::min<std::size_t>(300, file.size() - at);
    ASSERT_OK_AND_ASSIGN(
        const std::size_t wrote,
        decryption->Update(ByteView(file.data() + at, n), buffer));
    out.insert(out.end(), buffer.begin(),
               buffer.begin() + static_cast<std::ptrdiff_t>(wrote));
  }
  EXPECT_EQ(out, original);
  EXPECT_EQ(StartDecryption(key, reading, 100).status().code(),
            StatusCode::kCorrupt);
}

}  // namespace
}  // namespace kintsugi::families::rhysida
