#include "crypto/pbkdf2_sha1.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kintsugi/bytes.h"
#include "prng/prng.h"

namespace kintsugi::crypto {
namespace {

ByteView Text(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

Bytes Reference(ByteView password, ByteView salt, std::uint32_t iterations,
                std::size_t out_len) {
  Bytes out(out_len);
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()),
                              static_cast<int>(password.size()), salt.data(),
                              static_cast<int>(salt.size()),
                              static_cast<int>(iterations), EVP_sha1(),
                              static_cast<int>(out_len), out.data()),
            1);
  return out;
}

std::vector<Sha1Engine> Engines() {
  std::vector<Sha1Engine> engines = {Sha1Engine::kPortable};
  for (Sha1Engine engine :
       {Sha1Engine::kShaNi, Sha1Engine::kAvx512, Sha1Engine::kAvx2}) {
    if (Sha1EngineAvailable(engine)) engines.push_back(engine);
  }
  return engines;
}

Bytes Derive(Sha1Engine engine, ByteView password, ByteView salt,
             std::uint32_t iterations, std::size_t out_len) {
  Bytes out(out_len);
  const ByteView one[] = {password};
  Pbkdf2HmacSha1Batch(engine, one, salt, iterations, out_len, out);
  return out;
}

TEST(Pbkdf2HmacSha1Test, Rfc6070Vectors) {
  struct Case {
    std::string password;
    std::string salt;
    std::uint32_t iterations;
    std::string hex;
  };
  const std::vector<Case> cases = {
      {"password", "salt", 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
      {"password", "salt", 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
      {"password", "salt", 4096, "4b007901b765489abead49d926f721d065a429c1"},
      {"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096,
       "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
      {std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096,
       "56fa6aa75548099dcc37d7f03425e0c3"},
  };
  for (Sha1Engine engine : Engines()) {
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(Sha1EngineName(engine)) + " " + c.password);
      const Bytes out = Derive(engine, Text(c.password), Text(c.salt),
                               c.iterations, c.hex.size() / 2);
      EXPECT_EQ(ToHex(out), c.hex);
    }
  }
}

TEST(Pbkdf2HmacSha1Test, EveryEngineAgreesWithOpenSslOnRandomInputs) {
  std::mt19937 random(20261202);
  auto bytes = [&](std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(random());
    return b;
  };
  for (int round = 0; round < 60; ++round) {
    // Passwords around the 64-byte HMAC block (longer ones are hashed
    // first), salts across SHA-1's 55/56-byte padding edge, outputs that
    // end inside a block.
    const Bytes password = bytes(random() % 140);
    const Bytes salt = bytes(random() % 130);
    const auto iterations = static_cast<std::uint32_t>(1 + random() % 40);
    const std::size_t out_len = 1 + random() % 70;
    const Bytes expected = Reference(password, salt, iterations, out_len);
    for (Sha1Engine engine : Engines()) {
      SCOPED_TRACE(std::string(Sha1EngineName(engine)) + " round " +
                   std::to_string(round));
      EXPECT_EQ(Derive(engine, password, salt, iterations, out_len), expected);
    }
  }
}

TEST(Pbkdf2HmacSha1Test, ABatchEqualsOneAtATime) {
  // More candidates than the interleaved lanes, and a ragged last group.
  std::vector<std::string> passwords;
  for (int i = 0; i < 21; ++i)
    passwords.push_back("candidate-" + std::to_string(i));
  std::vector<ByteView> views;
  for (const std::string& p : passwords) views.push_back(Text(p));
  const Bytes salt = {1, 2, 3, 4, 5, 6, 7, 8};
  for (Sha1Engine engine : Engines()) {
    SCOPED_TRACE(Sha1EngineName(engine));
    Bytes out(views.size() * 48);
    Pbkdf2HmacSha1Batch(engine, views, salt, 1000, 48, out);
    for (std::size_t i = 0; i < views.size(); ++i) {
      const Bytes expected = Reference(views[i], salt, 1000, 48);
      EXPECT_EQ(Bytes(out.begin() + static_cast<std::ptrdiff_t>(i * 48),
                      out.begin() + static_cast<std::ptrdiff_t>(i * 48 + 48)),
                expected)
          << i;
    }
  }
}

TEST(Pbkdf2HmacSha1Test, HiddenTearKeysOfTheSpec) {
  // recovery-schemes.md §3.3: password from Random(seed), SHA-256 of it,
  // PBKDF2-HMAC-SHA1(salt 01..08, 1000) -> AES key (32) || IV (16).
  const std::string charset =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890*!=&?&/";
  struct Case {
    std::int32_t seed;
    std::string key_hex;
    std::string iv_hex;
  };
  for (const Case& c :
       {Case{0,
             "9e8ab57d3b692d7024039e59ba040489ed592e1788baaae04524134e59cb4b72",
             "a43651d7766828a7d7b9b7f061816e71"},
        Case{1,
             "0b76f509c1c7902d8106677003efba8537bff600c3d00e4b1f864519acdf0ffe",
             "7d00ac0867b14585c4e3260d6af594b7"},
        Case{12345,
             "895979f098f34e70a5230b2b16846aa747792e557a6afbe2332fd2243d4b7d3d",
             "842d0da9e8052203182ab2e0bf18a55e"}}) {
    SCOPED_TRACE(c.seed);
    prng::DotNetRandom random(c.seed);
    std::string password;
    for (int i = 0; i < 15; ++i) {
      password += charset[static_cast<std::size_t>(
          random.Next(static_cast<std::int32_t>(charset.size())))];
    }
    std::uint8_t hashed[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const std::uint8_t*>(password.data()),
           password.size(), hashed);
    const Bytes salt = {1, 2, 3, 4, 5, 6, 7, 8};
    for (Sha1Engine engine : Engines()) {
      const Bytes out =
          Derive(engine, ByteView(hashed, sizeof hashed), salt, 1000, 48);
      EXPECT_EQ(ToHex(ByteView(out.data(), 32)), c.key_hex);
      EXPECT_EQ(ToHex(ByteView(out.data() + 32, 16)), c.iv_hex);
    }
  }
}

TEST(Pbkdf2HmacSha1Test, TheConvenienceCallUsesTheBestEngine) {
  Bytes out(25);
  Pbkdf2HmacSha1(Text("password"), Text("salt"), 2, out);
  EXPECT_EQ(out, Reference(Text("password"), Text("salt"), 2, 25));
}

}  // namespace
}  // namespace kintsugi::crypto
