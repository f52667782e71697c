#include "prng/go_rand.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "crypto/aes_cbc.h"
#include "kintsugi/bytes.h"

namespace kintsugi::prng {
namespace {

TEST(GoRandTest, Int63MatchesGo119ForSeedOne) {
  // recovery-schemes-3.md §3.11 "Test vectors": rand.NewSource(1).
  GoRand random(1);
  EXPECT_EQ(random.Int63(), 5577006791947779410);
  EXPECT_EQ(random.Int63(), 8674665223082153551);
  EXPECT_EQ(random.Int63(), 6129484611666145821);
}

TEST(GoRandTest, SeedIsReducedModulo2To31Minus1) {
  // §4.10: seed mod (2^31 - 1), negative plus 2^31 - 1, 0 as 89482311.
  EXPECT_EQ(GoReducedSeed(1676212345123456789), 1706785683);
  EXPECT_EQ(GoReducedSeed(0), 89482311);
  EXPECT_EQ(GoReducedSeed(kGoSeedModulus), 89482311);
  EXPECT_EQ(GoReducedSeed(-1), 0x7ffffffe);
  EXPECT_EQ(GoReducedSeed(kGoSeedModulus + 5), 5);
  GoRand a(1676212345123456789);
  GoRand b(1706785683);
  GoRand zero(0);
  GoRand other(89482311);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.Uint64(), b.Uint64());
    EXPECT_EQ(zero.Uint64(), other.Uint64());
  }
}

// rng.go's Seed as written: seedrand chained 1,841 times (Schrage's
// method), to check the independent products GoSeedState computes.
void ChainedSeedState(std::int32_t seed,
                      std::array<std::uint64_t, internal::kGoRngLen>& vec) {
  const auto seedrand = [](std::int32_t x) {
    const std::int32_t hi = x / 44488;
    const std::int32_t lo = x % 44488;
    x = 48271 * lo - 3399 * hi;
    if (x < 0) x += 0x7fffffff;
    return x;
  };
  std::int32_t x = seed;
  for (int i = -20; i < internal::kGoRngLen; ++i) {
    x = seedrand(x);
    if (i >= 0) {
      auto u = static_cast<std::uint64_t>(x) << 40;
      x = seedrand(x);
      u ^= static_cast<std::uint64_t>(x) << 20;
      x = seedrand(x);
      u ^= static_cast<std::uint64_t>(x);
      u ^= internal::kGoRngCooked[i];
      vec[static_cast<std::size_t>(i)] = u;
    }
  }
}

TEST(GoRandTest, SeedStateEqualsTheChainedSeedrandSteps) {
  for (std::int32_t seed : {1, 2, 12345, 89482311, 1706785683, 0x7ffffffe}) {
    std::array<std::uint64_t, internal::kGoRngLen> chained{};
    std::array<std::uint64_t, internal::kGoRngLen> fast{};
    ChainedSeedState(seed, chained);
    GoSeedState(seed, fast);
    EXPECT_EQ(chained, fast) << seed;
  }
}

// One DarkBit file's draws in the model order of §3.11: key (Read 16), IV
// (Read 16), then 8 name characters charset[Intn(62)].
struct FileDraws {
  std::string key;
  std::string iv;
  std::string name;
};

FileDraws NextFile(GoRand& random) {
  constexpr std::string_view kCharset =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 16> iv{};
  random.Read(key);
  random.Read(iv);
  FileDraws draws{ToHex(ByteView(key.data(), key.size())),
                  ToHex(ByteView(iv.data(), iv.size())), ""};
  for (int i = 0; i < 8; ++i) {
    draws.name += kCharset[static_cast<std::size_t>(random.Intn(62))];
  }
  return draws;
}

TEST(GoRandTest, DarkBitKeysIvsAndNamesMatchGo119ForSeedOne) {
  GoRand random(1);
  const FileDraws file0 = NextFile(random);
  EXPECT_EQ(file0.key, "52fdfc072182654f163f5f0f9a621d72");
  EXPECT_EQ(file0.iv, "9566c74d10037c4d7bbb0407d1e2c649");
  EXPECT_EQ(file0.name, "gDsc2WD8");
  const FileDraws file1 = NextFile(random);
  EXPECT_EQ(file1.key, "81855ad471c483f15fb90badb37c5821");
  EXPECT_EQ(file1.iv, "b6d95526a41a9504680b4e7c8b763a1b");
  EXPECT_EQ(file1.name, "HK5a84jj");
}

TEST(GoRandTest, DarkBitKeysIvsAndNamesMatchGo119ForAUnixNanoSeed) {
  GoRand random(1676212345123456789);
  const FileDraws file0 = NextFile(random);
  EXPECT_EQ(file0.key, "61fe03191df737a609aacba03fd9e084");
  EXPECT_EQ(file0.iv, "e77a20e905e2343bfd17f72fdb7032b6");
  EXPECT_EQ(file0.name, "pBWwZTpK");
  const FileDraws file1 = NextFile(random);
  EXPECT_EQ(file1.key, "204551fdf580f1ff4cf36920289cd274");
  EXPECT_EQ(file1.iv, "9f210a71587892011411ba5910597b0e");
  EXPECT_EQ(file1.name, "YaFHy1X0");
}

TEST(GoRandTest, DarkBitAesCheckOfSeedOnesFirstFile) {
  // §3.11: AES-128-CBC(key, IV, "test.dat||||||||"), one block, no padding
  // (PKCS#7's extra block dropped).
  GoRand random(1);
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 16> iv{};
  random.Read(key);
  random.Read(iv);
  auto encrypted = crypto::AesCbcEncrypt(
      ByteView(key.data(), key.size()), ByteView(iv.data(), iv.size()),
      ByteView::FromString("test.dat||||||||"));
  ASSERT_TRUE(encrypted.ok());
  ASSERT_EQ(encrypted->size(), 32U);
  EXPECT_EQ(ToHex(ByteView(*encrypted).First(16)),
            "01e3f7968be48345c93db0965912f7a7");
}

TEST(GoRandTest, ReadKeepsLeftoverBytesAcrossCalls) {
  // 7 bytes per Int63, low byte first; a 3-byte read then a 5-byte read
  // take the same bytes as one 8-byte read.
  GoRand whole(42);
  std::array<std::uint8_t, 8> one{};
  whole.Read(one);
  GoRand split(42);
  std::array<std::uint8_t, 3> a{};
  std::array<std::uint8_t, 5> b{};
  split.Read(a);
  split.Read(b);
  EXPECT_EQ(ToHex(ByteView(one.data(), 3)), ToHex(ByteView(a.data(), 3)));
  EXPECT_EQ(ToHex(ByteView(one.data() + 3, 5)), ToHex(ByteView(b.data(), 5)));
  GoRand raw(42);
  const auto first = static_cast<std::uint64_t>(raw.Int63());
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(one[i], static_cast<std::uint8_t>(first >> (8 * i)));
  }
  // Seed resets the leftovers.
  split.Seed(42);
  std::array<std::uint8_t, 8> again{};
  split.Read(again);
  EXPECT_EQ(again, one);
}

TEST(GoRandTest, Int31nRedrawsAboveTheLargestMultiple) {
  // Int31n(62) is Int31() % 62 unless Int31() > 2^31 - 1 - (2^31 mod 62),
  // which is drawn again; Int31n of a power of two masks.
  GoRand a(7);
  GoRand b(7);
  for (int i = 0; i < 10000; ++i) {
    std::int32_t v = b.Int31();
    while (v > 2147483645) v = b.Int31();
    EXPECT_EQ(a.Int31n(62), v % 62);
  }
  GoRand c(7);
  GoRand d(7);
  EXPECT_EQ(c.Int31n(64), d.Int31() & 63);
  EXPECT_EQ(c.Int31n(0), 0);
}

}  // namespace
}  // namespace kintsugi::prng
