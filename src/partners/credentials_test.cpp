// Partner credentials against their standards' published vectors: RFC 4226
// (HOTP) and RFC 6238 (TOTP, all three hashes), RFC 4648 base32; Argon2id
// hashes that verify only their password; tokens; the guessing delays.

#include "kintsugi/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"

namespace kintsugi::credentials {
namespace {

using ::testing::MatchesRegex;
using ::testing::StartsWith;

ByteView Text(const std::string& s) { return ByteView::FromString(s); }

TEST(TotpTest, Rfc4226HotpVectorsThroughTheFirstSteps) {
  // HOTP(K, C) is TOTP at time C * 30 with 6 digits and SHA-1.
  const std::string secret = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t count = 0; count < 10; ++count) {
    EXPECT_EQ(TotpCode(Text(secret), count * 30), expected[count]) << count;
  }
}

TEST(TotpTest, Rfc6238VectorsForEveryHash) {
  struct Vector {
    std::uint64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {{59, "94287082", "46119246", "90693936"},
                            {1111111109, "07081804", "68084774", "25091201"},
                            {1111111111, "14050471", "67062674", "99943326"},
                            {1234567890, "89005924", "91819424", "93441116"},
                            {2000000000, "69279037", "90698825", "38618901"},
                            {20000000000, "65353130", "77737706", "47863826"}};
  const std::string seed20 = "12345678901234567890";
  const std::string seed32 = "12345678901234567890123456789012";
  const std::string seed64 =
      "1234567890123456789012345678901234567890123456789012345678901234";
  for (const Vector& v : vectors) {
    EXPECT_EQ(TotpCode(Text(seed20), v.time, {TotpAlgorithm::kSha1, 8, 30}),
              v.sha1);
    EXPECT_EQ(TotpCode(Text(seed32), v.time, {TotpAlgorithm::kSha256, 8, 30}),
              v.sha256);
    EXPECT_EQ(TotpCode(Text(seed64), v.time, {TotpAlgorithm::kSha512, 8, 30}),
              v.sha512);
  }
}

TEST(TotpTest, VerifyAcceptsTheWindowOnceAndNothingElse) {
  const std::string secret = "12345678901234567890";
  const std::uint64_t now = 1111111111;  // step 37037037
  const std::string code = TotpCode(Text(secret), now);
  ASSERT_OK_AND_ASSIGN(const std::uint64_t step,
                       VerifyTotp(Text(secret), code, now, 0));
  EXPECT_EQ(step, now / 30);
  // The same code again: refused (replay).
  EXPECT_THAT(VerifyTotp(Text(secret), code, now, step),
              StatusIs(StatusCode::kUnauthenticated));
  // One step of drift either way passes; two do not.
  EXPECT_TRUE(VerifyTotp(Text(secret), TotpCode(Text(secret), now - 30), now, 0)
                  .has_value());
  EXPECT_TRUE(VerifyTotp(Text(secret), TotpCode(Text(secret), now + 30), now, 0)
                  .has_value());
  EXPECT_FALSE(
      VerifyTotp(Text(secret), TotpCode(Text(secret), now + 60), now, 0)
          .has_value());
  EXPECT_FALSE(
      VerifyTotp(Text(secret), TotpCode(Text(secret), now - 90), now, 0)
          .has_value());
  for (const std::string bad : {"", "12345", "1234567", "12a456", "      "}) {
    EXPECT_THAT(VerifyTotp(Text(secret), bad, now, 0),
                StatusIs(StatusCode::kUnauthenticated))
        << bad;
  }
  // Another secret's code.
  EXPECT_FALSE(
      VerifyTotp(Text("another secret of 20b"), code, now, 0).has_value());
}

TEST(TotpTest, Base32IsRfc4648AndTheUriCarriesTheSecret) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32(Text(plain)), encoded);
    ASSERT_OK_AND_ASSIGN(const Bytes back, FromBase32(encoded));
    EXPECT_EQ(std::string(back.begin(), back.end()), plain);
  }
  EXPECT_THAT(FromBase32("MZ1"), StatusIs(StatusCode::kInvalidArgument));
  const SecretBytes secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_EQ(TotpUri(Text("12345678901234567890"), "ana@cert.example"),
            "otpauth://totp/Kintsugi:ana%40cert.example?secret="
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kintsugi&algorithm=SHA1&"
            "digits=6&period=30");
}

TEST(PasswordTest, AnArgon2idHashVerifiesItsPasswordOnly) {
  ASSERT_OK_AND_ASSIGN(const std::string hash,
                       HashPassword("correct horse battery staple"));
  EXPECT_THAT(hash, StartsWith("$argon2id$v=19$"));
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword("$2y$10$notargon", "x"));
  EXPECT_FALSE(PasswordNeedsRehash(hash));
  // Salted: the same password twice gives two hashes.
  ASSERT_OK_AND_ASSIGN(const std::string again,
                       HashPassword("correct horse battery staple"));
  EXPECT_NE(hash, again);
  EXPECT_THAT(HashPassword("short"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(HashPassword(std::string(kMaxPasswordBytes + 1, 'a')),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(TokenTest, TokensAreRandomShapedAndStoredAsHashes) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string token = NewApiToken();
    EXPECT_THAT(token, MatchesRegex("ksp_[A-Za-z0-9_-]{43}"));
    EXPECT_TRUE(LooksLikeApiToken(token));
    EXPECT_TRUE(seen.insert(token).second);
    EXPECT_THAT(TokenHash(token), MatchesRegex("[0-9a-f]{64}"));
  }
  // SHA-256("abc"), FIPS 180-2.
  EXPECT_EQ(TokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  for (const std::string& bad : std::vector<std::string>{
           "", "ksp_", "ksp_short", "Bearer ksp_x",
           "ksp_" + std::string(43, '*'), "xyz_" + std::string(43, 'a')}) {
    EXPECT_FALSE(LooksLikeApiToken(bad)) << bad;
  }
}

TEST(GuessingTest, DelaysGrowThenStopAtAMinute) {
  EXPECT_EQ(LoginDelay(0).count(), 0);
  EXPECT_EQ(LoginDelay(2).count(), 0);
  EXPECT_EQ(LoginDelay(3).count(), 1);
  EXPECT_EQ(LoginDelay(4).count(), 2);
  EXPECT_EQ(LoginDelay(8).count(), 32);
  EXPECT_EQ(LoginDelay(9).count(), 60);
  EXPECT_EQ(LoginDelay(1000).count(), 60);
}

}  // namespace
}  // namespace kintsugi::credentials
