#include "crypto/hc128.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "bench/crypto/hc128_reference.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

// The keystream words the HC-128 paper prints, as the bytes they stand
// for (each word little-endian).
Bytes WordBytes(std::initializer_list<std::uint32_t> words) {
  Bytes out;
  for (std::uint32_t w : words) {
    for (int i = 0; i < 4; ++i) {
      out.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    }
  }
  return out;
}

Bytes Keystream(Hc128& cipher, std::size_t size) {
  const Bytes zeros(size, 0);
  Bytes out(size);
  EXPECT_THAT(cipher.Xor(zeros, out), IsOk());
  return out;
}

Bytes Standard(std::string_view key, std::string_view iv, std::size_t size) {
  auto cipher = Hc128Standard(Hex(key), Hex(iv));
  EXPECT_TRUE(cipher.ok());
  return Keystream(*cipher, size);
}

constexpr std::string_view kZero16 = "00000000000000000000000000000000";

// recovery-schemes-2.md §2.2: the paper's vectors 1-3, as rand_hc quotes
// them (16 words each).
TEST(Hc128Test, MatchesThePaperVectors) {
  EXPECT_EQ(Standard(kZero16, kZero16, 64),
            WordBytes({0x73150082, 0x3bfd03a0, 0xfb2fd77f, 0xaa63af0e,
                       0xde122fc6, 0xa7dc29b6, 0x62a68527, 0x8b75ec68,
                       0x9036db1e, 0x81896005, 0x00ade078, 0x491fbf9a,
                       0x1cdc3013, 0x6c3d6e24, 0x90f664b2, 0x9cd57102}));
  EXPECT_EQ(Standard(kZero16, "01000000000000000000000000000000", 64),
            WordBytes({0xc01893d5, 0xb7dbe958, 0x8f65ec98, 0x64176604,
                       0x36fc6724, 0xc82c6eec, 0x1b1c38a7, 0xc9b42a95,
                       0x323ef123, 0x0a6a908b, 0xce757b68, 0x9f14f7bb,
                       0xe4cde011, 0xaeb5173f, 0x89608c94, 0xb5cf46ca}));
  EXPECT_EQ(Standard("55000000000000000000000000000000", kZero16, 64),
            WordBytes({0x518251a4, 0x04b4930a, 0xb02af931, 0x0639f032,
                       0xbcb4a47a, 0x5722480b, 0x2bf99f72, 0xcdc0e566,
                       0x310f0c56, 0xd3cc83e8, 0x663db8ef, 0x62dfe07f,
                       0x593e1790, 0xc5ceaa9c, 0xab03806f, 0xc9a6e5a0}));
}

// §2.2: wolfSSL's hc128_test vectors (keystream bytes).
TEST(Hc128Test, MatchesTheWolfSslVectors) {
  EXPECT_EQ(Standard("80000000000000000000000000000000", kZero16, 8),
            Hex("378602B98F32A748"));
  EXPECT_EQ(Standard(kZero16, "80000000000000000000000000000000", 8),
            Hex("337F8611C6ED615F"));
  EXPECT_EQ(Standard("0053A6F94C9FF24598EB3E91E4378ADD",
                     "0D74DB42A91077DE45AC137AE148AF16", 8),
            Hex("2E1ED12A8551C05A"));
  EXPECT_EQ(Standard("0F62B5085BAE0154A7FA4DA0F34699EC",
                     "288FF65DC42B92F960C72E95FC63CA31", 15),
            Hex("1CD8AEDDFE52E217E835D0B7E84E29"));
}

// §2.2, computed by the spec's authors: Babuk's 8-word mode (nothing
// repeated), and the standard mode through Hc128Init with each half
// written twice.
TEST(Hc128Test, MatchesTheEightWordModeVectors) {
  Bytes key(32);
  Bytes iv(32);
  for (std::size_t i = 0; i < 32; ++i) {
    key[i] = static_cast<std::uint8_t>(i);
    iv[i] = static_cast<std::uint8_t>(0x20 + i);
  }
  auto cipher = Hc128EightWord(key, iv);
  ASSERT_TRUE(cipher.ok());
  EXPECT_EQ(Keystream(*cipher, 64),
            Hex("6a4d8e8ad1f1016f388bff609d921b240e5671876690101887cbccb63a91"
                "8b210530bfa1d3e053d6c0e09fe8964fd2d1ea16120806cfd1a81e7291c0"
                "97ae05da"));

  const Bytes standard_key = Hex("000102030405060708090a0b0c0d0e0f");
  const Bytes standard_iv = Hex("101112131415161718191a1b1c1d1e1f");
  const Bytes expected =
      Hex("2be0721c5dca3bca218905e514b8d989c4d8320df33b2736c0e17a9a0d072e7b");
  Bytes doubled_key = standard_key;
  doubled_key.insert(doubled_key.end(), standard_key.begin(),
                     standard_key.end());
  Bytes doubled_iv = standard_iv;
  doubled_iv.insert(doubled_iv.end(), standard_iv.begin(), standard_iv.end());
  auto doubled = Hc128EightWord(doubled_key, doubled_iv);
  ASSERT_TRUE(doubled.ok());
  EXPECT_EQ(Keystream(*doubled, 32), expected);
  auto standard = Hc128Standard(standard_key, standard_iv);
  ASSERT_TRUE(standard.ok());
  EXPECT_EQ(Keystream(*standard, 32), expected);
}

// The vectors cover the first 16 words; the plain step-by-step reference
// (bench/crypto/hc128_reference.h, itself checked on the paper vectors
// here) covers many rounds of P and Q after them.
TEST(Hc128Test, AgreesWithThePlainReferenceOverALongStream) {
  const std::array<std::uint32_t, 8> key = {1, 2, 3, 0xdeadbeef, 5, 6, 7, 8};
  const std::array<std::uint32_t, 8> iv = {9,  0x80000000, 11, 12,
                                           13, 14,         15, 0xffffffff};
  bench::Hc128Reference reference(key, iv);
  Hc128 cipher = Hc128Init(key, iv);
  constexpr std::size_t kBytes = 5 * 4096 + 12;  // Five rounds of P and Q.
  Bytes want(kBytes, 0);
  reference.Xor(want.data(), want.data(), want.size());
  EXPECT_EQ(Keystream(cipher, kBytes), want);

  bench::Hc128Reference zero({}, {});
  EXPECT_EQ(zero.Next(), 0x73150082u);  // The paper's vector 1.
}

TEST(Hc128Test, TheStreamGoesOnAcrossCallsOfAnySizeAndSkips) {
  const Bytes key = Hex("0F62B5085BAE0154A7FA4DA0F34699EC");
  const Bytes iv = Hex("288FF65DC42B92F960C72E95FC63CA31");
  auto whole = Hc128Standard(key, iv);
  ASSERT_TRUE(whole.ok());
  const Bytes stream = Keystream(*whole, 10'000);
  EXPECT_EQ(whole->position(), 10'000u);

  // Pieces of odd sizes, in place.
  auto pieces = Hc128Standard(key, iv);
  ASSERT_TRUE(pieces.ok());
  Bytes out(stream.size(), 0);
  std::size_t at = 0;
  for (std::size_t size : std::initializer_list<std::size_t>{
           1, 63, 64, 65, 0, 3, 1000, 128, 4097}) {
    std::span<std::uint8_t> part(out.data() + at, size);
    ASSERT_THAT(pieces->Xor(ByteView(part.data(), size), part), IsOk());
    at += size;
  }
  ASSERT_THAT(
      pieces->Xor(ByteView(out).From(at).value(), std::span(out).subspan(at)),
      IsOk());
  EXPECT_EQ(out, stream);

  // Skips of every kind: inside a block, to a block's end, many blocks.
  auto skipping = Hc128Standard(key, iv);
  ASSERT_TRUE(skipping.ok());
  std::size_t pos = 0;
  for (auto [skip, take] : {std::pair<std::size_t, std::size_t>{5, 7},
                            {52, 1},
                            {0, 64},
                            {640, 30},
                            {2000, 100}}) {
    skipping->Skip(skip);
    pos += skip;
    EXPECT_EQ(skipping->position(), pos);
    EXPECT_EQ(Keystream(*skipping, take),
              ByteView(stream).Sub(pos, take).value());
    pos += take;
  }
}

TEST(Hc128Test, RefusesWrongSizes) {
  EXPECT_EQ(Hc128Standard(Bytes(15, 0), Bytes(16, 0)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Hc128Standard(Bytes(16, 0), Bytes(32, 0)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Hc128EightWord(Bytes(16, 0), Bytes(32, 0)).error().code(),
            StatusCode::kInvalidArgument);
  auto cipher = Hc128EightWord(Bytes(32, 1), Bytes(32, 2));
  ASSERT_TRUE(cipher.ok());
  Bytes out(3);
  EXPECT_EQ(cipher->Xor(Bytes(4, 0), out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::crypto
