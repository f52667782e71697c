#include "families/petya_red/key_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/testing/status_matchers.h"
#include "families/petya_red/testing/specimens.h"
#include "io/memory_file_system.h"

namespace kintsugi::petya_red {
namespace {

KeyCharacters Key(std::string_view text) {
  KeyCharacters key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = text[i];
  return key;
}

const Nonce kNonce{0xd4, 0x0e, 0x32, 0x63, 0xc8, 0x8e, 0x82, 0x20};

VerificationTarget TargetFor(const KeyCharacters& key,
                             const Nonce& nonce = kNonce) {
  auto target =
      ReadVerificationTarget(families_testing::PetyaRedImage(key, nonce));
  EXPECT_THAT(target.status(), IsOk());
  return target.value_or(VerificationTarget{});
}

TEST(PetyaRedKeyPatternTest, EightOrSixteenCharacters) {
  ASSERT_OK_AND_ASSIGN(KeyPattern eight, ParseKeyPattern("ab3d????"));
  EXPECT_EQ(eight[0], 'a');
  EXPECT_EQ(eight[3], 'd');
  EXPECT_FALSE(eight[4].has_value());
  // The typed form: only the even positions count.
  ASSERT_OK_AND_ASSIGN(KeyPattern sixteen, ParseKeyPattern("aXbX3XdX?X?X?X?X"));
  EXPECT_EQ(sixteen, eight);
  EXPECT_THAT(ParseKeyPattern("ab3d???").status(),
              StatusIs(StatusCode::kInvalidArgument));
  // 'l' and '0' are not in the alphabet.
  EXPECT_THAT(ParseKeyPattern("ab3d???l").status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseKeyPattern("0b3d????").status(),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(PetyaRedTargetTest, ReadsTheNonceAndBlockZero) {
  const KeyCharacters key = Key("Ab3dEf5h");
  const VerificationTarget target = TargetFor(key);
  EXPECT_EQ(target.nonce, kNonce);
  EXPECT_EQ(target.block0, KeystreamBlock(key, kNonce, 0));
  EXPECT_TRUE(ConfirmKey(target, key));
  EXPECT_FALSE(ConfirmKey(target, Key("Ab3dEf5i")));
}

TEST(PetyaRedTargetTest, DamagedOrShortSectorsAreCleanErrors) {
  Bytes image = families_testing::PetyaRedImage(Key("Ab3dEf5h"), kNonce);
  Bytes damaged = image;
  damaged[55 * kSectorBytes + 102] = 0x00;  // One 37 37 pair broken.
  EXPECT_THAT(ReadVerificationTarget(damaged).status(),
              StatusIs(StatusCode::kCorrupt));
  // An image of zeros has no verification sector at all.
  EXPECT_THAT(ReadVerificationTarget(Bytes(56 * kSectorBytes, 0)).status(),
              StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(
      ReadVerificationTarget(ByteView(image.data(), 56 * kSectorBytes - 1))
          .status(),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadVerificationTarget(ByteView(image).First(512),
                                     ByteView(image).First(511))
                  .status(),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(PetyaRedTargetTest, ReadsOnlyTwoSectorsOfAnImageFile) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/case"), IsOk());
  const KeyCharacters key = Key("Ab3dEf5h");
  ASSERT_THAT(families_testing::WritePetyaRedImage(fs, "/case", "disk.img", key,
                                                   kNonce, 80),
              IsOk());
  ASSERT_OK_AND_ASSIGN(VerificationTarget target,
                       ReadVerificationTarget(fs, "/case/disk.img"));
  EXPECT_TRUE(ConfirmKey(target, key));
  ASSERT_THAT(fs.AddFile("/case/short.img", Bytes(55 * kSectorBytes, 0)),
              IsOk());
  EXPECT_THAT(ReadVerificationTarget(fs, "/case/short.img").status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_FALSE(ReadVerificationTarget(fs, "/case/missing.img").ok());
}

TEST(PetyaRedSearchTest, ExhaustiveFindsThreeUnknownCharacters) {
  const KeyCharacters key = Key("Ab3dEf5h");
  const VerificationTarget target = TargetFor(key);
  KeySearchOptions options;
  ASSERT_OK_AND_ASSIGN(options.pattern, ParseKeyPattern("A?3dE?5?"));
  std::uint64_t last_done = 0;
  std::uint64_t total = 0;
  options.on_progress = [&](const SearchProgress& p) {
    last_done = p.done;
    total = p.total;
  };
  WorkerPool pool(2);
  ASSERT_OK_AND_ASSIGN(KeySearchResult result,
                       SearchKey(target, options, pool, StopToken()));
  EXPECT_EQ(result.method, SearchMethod::kExhaustive);
  ASSERT_TRUE(result.key.has_value());
  EXPECT_EQ(*result.key, key);
  EXPECT_EQ(result.space, 54u * 54 * 54);
  EXPECT_EQ(total, result.space);
  EXPECT_GT(last_done, 0u);
}

TEST(PetyaRedSearchTest, ExhaustiveFindsFourUnknownCharacters) {
  // Unknown characters at the start and the end of both key halves.
  const KeyCharacters key = Key("9bxdEWfh");
  const VerificationTarget target = TargetFor(key, {1, 2, 3, 4, 5, 6, 7, 8});
  KeySearchOptions options;
  ASSERT_OK_AND_ASSIGN(options.pattern, ParseKeyPattern("?bx??Wf?"));
  WorkerPool pool(2);
  ASSERT_OK_AND_ASSIGN(KeySearchResult result,
                       SearchKey(target, options, pool, StopToken()));
  ASSERT_TRUE(result.key.has_value());
  EXPECT_EQ(*result.key, key);
  EXPECT_EQ(VerificationSector(*result.key, target.nonce), target.sector55);
}

TEST(PetyaRedSearchTest, ExhaustiveSaysNotFoundWhenThePatternIsWrong) {
  const VerificationTarget target = TargetFor(Key("Ab3dEf5h"));
  KeySearchOptions options;
  // A known character that is wrong: no key fits.
  ASSERT_OK_AND_ASSIGN(options.pattern, ParseKeyPattern("B??dEf5h"));
  WorkerPool pool(2);
  ASSERT_OK_AND_ASSIGN(KeySearchResult result,
                       SearchKey(target, options, pool, StopToken()));
  EXPECT_FALSE(result.key.has_value());
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.tested, 54u * 54);
  EXPECT_EQ(result.space, 54u * 54);
}

TEST(PetyaRedSearchTest, ExhaustiveRefusesTooManyUnknowns) {
  const VerificationTarget target = TargetFor(Key("Ab3dEf5h"));
  KeySearchOptions options;
  ASSERT_OK_AND_ASSIGN(options.pattern, ParseKeyPattern("A???????"));
  WorkerPool pool(1);
  EXPECT_THAT(SearchKey(target, options, pool, StopToken()).status(),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST(PetyaRedSearchTest, GeneticFindsTheKeyOfSpecimens) {
  // Keys drawn at random: 54^8 = 7.2e13 keys, so only a search that works
  // reproduces all 512 bytes of each sector within its bound.
  std::mt19937_64 rng(2016);
  WorkerPool pool(2);
  for (int i = 0; i < 3; ++i) {
    KeyCharacters key{};
    for (char& c : key) c = kKeyAlphabet[rng() % kKeyAlphabet.size()];
    Nonce nonce{};
    for (std::uint8_t& b : nonce) b = static_cast<std::uint8_t>(rng());
    const Bytes sector55 = families_testing::PetyaRedSector55(key, nonce);
    ASSERT_OK_AND_ASSIGN(
        VerificationTarget target,
        ReadVerificationTarget(families_testing::PetyaRedSector54(nonce),
                               sector55));
    KeySearchOptions options;
    options.genetic_candidates = 20'000'000;
    ASSERT_OK_AND_ASSIGN(KeySearchResult result,
                         SearchKey(target, options, pool, StopToken()));
    EXPECT_EQ(result.method, SearchMethod::kGenetic);
    ASSERT_TRUE(result.key.has_value())
        << "key " << std::string(key.begin(), key.end());
    EXPECT_EQ(*result.key, key);
    const Sector reproduced = VerificationSector(*result.key, nonce);
    EXPECT_EQ(Bytes(reproduced.begin(), reproduced.end()), sector55);
    EXPECT_LE(result.tested, options.genetic_candidates);
  }
}

TEST(PetyaRedSearchTest, GeneticSaysNotFoundWithinItsBound) {
  // A sector with the 37 37 pattern but random key words: no key makes it.
  std::mt19937_64 rng(55);
  Bytes sector55(kSectorBytes, kVerificationByte);
  for (std::size_t i = 0; i < kSectorBytes; i += 4) {
    sector55[i] = static_cast<std::uint8_t>(rng());
    sector55[i + 1] = static_cast<std::uint8_t>(rng());
  }
  ASSERT_OK_AND_ASSIGN(
      VerificationTarget target,
      ReadVerificationTarget(families_testing::PetyaRedSector54(kNonce),
                             sector55));
  KeySearchOptions options;
  options.genetic_candidates = 50'000;
  std::uint64_t last_done = 0;
  options.on_progress = [&](const SearchProgress& p) {
    EXPECT_EQ(p.total, 50'000u);
    EXPECT_GE(p.done, last_done);
    last_done = p.done;
  };
  WorkerPool pool(2);
  ASSERT_OK_AND_ASSIGN(KeySearchResult result,
                       SearchKey(target, options, pool, StopToken()));
  EXPECT_FALSE(result.key.has_value());
  EXPECT_TRUE(result.complete);
  EXPECT_EQ(result.tested, 50'000u);
  EXPECT_EQ(last_done, 50'000u);

  options.genetic_candidates = 0;
  EXPECT_THAT(SearchKey(target, options, pool, StopToken()).status(),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(PetyaRedSearchTest, StopsOnTheToken) {
  const VerificationTarget target = TargetFor(Key("Ab3dEf5h"));
  StopSource source;
  source.RequestCancel();
  WorkerPool pool(2);
  KeySearchOptions options;
  EXPECT_THAT(SearchKey(target, options, pool, source.token()).status(),
              StatusIs(StatusCode::kCancelled));
  ASSERT_OK_AND_ASSIGN(options.pattern, ParseKeyPattern("????Ef5h"));
  EXPECT_THAT(SearchKey(target, options, pool, source.token()).status(),
              StatusIs(StatusCode::kCancelled));
}

}  // namespace
}  // namespace kintsugi::petya_red
