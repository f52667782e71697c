#include "crypto/aes_vaes.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/testing/status_matchers.h"
#include "crypto/aes_cbc.h"

namespace kintsugi::crypto {
namespace {

using internal::AesDecryptionKeys;
using internal::CbcDecryptVaes;
using internal::ExpandDecryptionKeys;
using internal::VaesAvailable;

using Block = std::array<std::uint8_t, 16>;

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

Block ToBlock(const Bytes& bytes) {
  Block block{};
  std::copy(bytes.begin(), bytes.end(), block.begin());
  return block;
}

Bytes RandomBytes(std::mt19937_64& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

class VaesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!VaesAvailable()) GTEST_SKIP() << "this CPU has no AVX-512 VAES";
  }
};

// NIST SP 800-38A, F.2.2 / F.2.4 / F.2.6 (CBC-AES128/192/256.Decrypt).
struct KnownAnswer {
  const char* key;
  const char* ciphertext;
};
constexpr const char* kSp80038aIv = "000102030405060708090a0b0c0d0e0f";
constexpr const char* kSp80038aPlaintext =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr KnownAnswer kSp80038a[] = {
    {"2b7e151628aed2a6abf7158809cf4f3c",
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
     "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
     "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd"},
    {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
};

TEST_F(VaesTest, Sp80038aKnownAnswersForAllKeySizes) {
  for (const KnownAnswer& kat : kSp80038a) {
    AesDecryptionKeys keys;
    ASSERT_TRUE(ExpandDecryptionKeys(Hex(kat.key), keys));
    Block iv = ToBlock(Hex(kSp80038aIv));
    const Bytes ct = Hex(kat.ciphertext);
    Bytes out(ct.size());
    CbcDecryptVaes(keys, iv, ct, out);
    EXPECT_EQ(ToHex(out), kSp80038aPlaintext) << kat.key;
    // The chain ends on the last ciphertext block.
    EXPECT_EQ(ToHex(ByteView(iv)), ToHex(*ByteView(ct).Sub(48, 16)));
  }
}

TEST(AesVaesKeys, RejectsKeysOfOtherSizes) {
  AesDecryptionKeys keys;
  for (std::size_t size : {0u, 8u, 15u, 17u, 31u, 33u, 64u}) {
    EXPECT_FALSE(ExpandDecryptionKeys(Bytes(size), keys)) << size;
  }
}

// Every block count from 1 to 200 (all the kernel's paths: 32-block loop,
// 4-block loop, 1-3 masked blocks), each key size, against OpenSSL.
TEST_F(VaesTest, MatchesOpenSslForEveryBlockCount) {
  std::mt19937_64 rng(20261129);
  for (std::size_t key_size : {16u, 24u, 32u}) {
    for (std::size_t blocks = 1; blocks <= 200; ++blocks) {
      const Bytes key = RandomBytes(rng, key_size);
      const Bytes iv = RandomBytes(rng, 16);
      const Bytes ct = RandomBytes(rng, 16 * blocks);
      ASSERT_OK_AND_ASSIGN(Bytes expected, AesCbcDecryptBlocks(key, iv, ct));
      AesDecryptionKeys keys;
      ASSERT_TRUE(ExpandDecryptionKeys(key, keys));
      Block chain = ToBlock(iv);
      Bytes out(ct.size());
      CbcDecryptVaes(keys, chain, ct, out);
      ASSERT_EQ(ToHex(out), ToHex(expected))
          << "key " << key_size << " blocks " << blocks;
    }
  }
}

TEST_F(VaesTest, InPlaceAndChainedCallsMatchOneCall) {
  std::mt19937_64 rng(7);
  const Bytes key = RandomBytes(rng, 16);
  const Bytes iv = RandomBytes(rng, 16);
  const Bytes ct = RandomBytes(rng, 16 * 1000);
  ASSERT_OK_AND_ASSIGN(Bytes expected, AesCbcDecryptBlocks(key, iv, ct));
  AesDecryptionKeys keys;
  ASSERT_TRUE(ExpandDecryptionKeys(key, keys));

  Bytes in_place = ct;
  Block chain = ToBlock(iv);
  CbcDecryptVaes(keys, chain, in_place, in_place);
  EXPECT_EQ(ToHex(in_place), ToHex(expected));

  // Uneven pieces: 1, 3, 5, 33, ... blocks.
  Bytes pieces(ct.size());
  chain = ToBlock(iv);
  std::size_t at = 0;
  for (std::size_t n = 1; at < ct.size(); n += 2) {
    const std::size_t len = std::min(16 * n, ct.size() - at);
    CbcDecryptVaes(keys, chain, std::span(ct).subspan(at, len),
                   std::span(pieces).subspan(at, len));
    at += len;
  }
  EXPECT_EQ(ToHex(pieces), ToHex(expected));
}

TEST_F(VaesTest, TouchesNothingBeyondTheOutput) {
  // A masked store must not write past the last block.
  std::mt19937_64 rng(11);
  const Bytes key = RandomBytes(rng, 32);
  AesDecryptionKeys keys;
  ASSERT_TRUE(ExpandDecryptionKeys(key, keys));
  for (std::size_t blocks = 1; blocks <= 7; ++blocks) {
    const Bytes ct = RandomBytes(rng, 16 * blocks);
    Bytes out(16 * blocks + 64, 0xA5);
    Block chain{};
    CbcDecryptVaes(keys, chain, ct, std::span(out).first(16 * blocks));
    for (std::size_t i = 16 * blocks; i < out.size(); ++i) {
      ASSERT_EQ(out[i], 0xA5) << "blocks " << blocks << " byte " << i;
    }
  }
}

// The streaming decryptor gives the same bytes and the same verdicts with
// either engine, for random sizes and random Update() splits.
TEST_F(VaesTest, StreamingEnginesAgreeOnRandomSplitsAndPadding) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 300; ++round) {
    const Bytes key = RandomBytes(rng, 16 + 8 * (rng() % 3));
    const Bytes iv = RandomBytes(rng, 16);
    const std::size_t size = rng() % 3000;
    const Bytes plain = RandomBytes(rng, size);
    ASSERT_OK_AND_ASSIGN(Bytes ct, AesCbcEncrypt(key, iv, plain));
    if (round % 5 == 4) ct[ct.size() - 1 - rng() % 16] ^= 0x01;  // Damage.
    if (round % 7 == 6) ct.resize(ct.size() - 1 - rng() % 15);   // Cut.
    std::string results[2];
    for (AesEngine engine : {AesEngine::kOpenSsl, AesEngine::kVaes}) {
      ASSERT_OK_AND_ASSIGN(auto dec, AesCbcDecryptor::Create(key, iv, engine));
      std::string& got = results[engine == AesEngine::kVaes ? 1 : 0];
      std::mt19937_64 split(static_cast<std::uint64_t>(round));
      Bytes buffer;
      for (std::size_t at = 0; at < ct.size();) {
        const std::size_t n =
            std::min<std::size_t>(split() % 100, ct.size() - at);
        buffer.assign(AesCbcDecryptor::MaxOutput(n), 0);
        ASSERT_OK_AND_ASSIGN(std::size_t w,
                             dec.Update(*ByteView(ct).Sub(at, n), buffer));
        got += ToHex(ByteView(buffer.data(), w));
        at += n;
      }
      buffer.assign(16, 0);
      auto fin = dec.Finish(buffer);
      got +=
          fin ? ToHex(ByteView(buffer.data(), *fin))
              : "error " + std::to_string(static_cast<int>(fin.error().code()));
    }
    EXPECT_EQ(results[0], results[1]) << "round " << round;
  }
}

TEST_F(VaesTest, AutoChoosesVaesHere) {
  ASSERT_OK_AND_ASSIGN(auto dec, AesCbcDecryptor::Create(Bytes(16), Bytes(16)));
  EXPECT_EQ(dec.engine_name(), "vaes");
}

}  // namespace
}  // namespace kintsugi::crypto
