// Go math/rand's legacy source as recovery-schemes-3.md §4.10 states it
// (rng.go's Seed, Uint64; rand.go's Int31n and read).

#include "prng/go_rand.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace kintsugi::prng {
namespace {

constexpr std::uint64_t kModulus = 0x7fffffffULL;
constexpr std::uint64_t kMultiplier = 48271;  // rng.go seedrand's A.
// Seed calls seedrand 20 times, then 3 times for each of the 607 entries.
constexpr int kSeedSteps = 20 + 3 * internal::kGoRngLen;

// x * y mod (2^31 - 1) for x, y < 2^31 - 1.
constexpr std::uint64_t MulMod(std::uint64_t x, std::uint64_t y) {
  const std::uint64_t p = x * y;  // < 2^62.
  std::uint64_t r = (p & kModulus) + (p >> 31);
  r = (r & kModulus) + (r >> 31);
  return r >= kModulus ? r - kModulus : r;
}

// kPowers[k] = 48271^(k + 1) mod (2^31 - 1): seedrand applied k + 1 times
// is a multiplication by it (seedrand is Schrage's form of x * 48271 mod
// 2^31 - 1, exact for 0 <= x < 2^31 - 1).
constexpr std::array<std::uint32_t, kSeedSteps> MakePowers() {
  std::array<std::uint32_t, kSeedSteps> powers{};
  std::uint64_t x = 1;
  for (int k = 0; k < kSeedSteps; ++k) {
    x = MulMod(x, kMultiplier);
    powers[static_cast<std::size_t>(k)] = static_cast<std::uint32_t>(x);
  }
  return powers;
}

constexpr std::array<std::uint32_t, kSeedSteps> kPowers = MakePowers();

}  // namespace

std::int32_t GoReducedSeed(std::int64_t seed) {
  std::int64_t s = seed % kGoSeedModulus;
  if (s < 0) s += kGoSeedModulus;
  if (s == 0) s = 89482311;
  return static_cast<std::int32_t>(s);
}

void GoSeedState(std::int32_t reduced_seed,
                 std::span<std::uint64_t, internal::kGoRngLen> vec) {
  const auto s = static_cast<std::uint64_t>(reduced_seed);
  // Entry i takes seedrand's values number 21 + 3i, 22 + 3i and 23 + 3i
  // (counting from 1): kPowers[20 + 3i ...].
  for (std::size_t i = 0; i < vec.size(); ++i) {
    const std::size_t k = 20 + 3 * i;
    const std::uint64_t a = MulMod(kPowers[k], s);
    const std::uint64_t b = MulMod(kPowers[k + 1], s);
    const std::uint64_t c = MulMod(kPowers[k + 2], s);
    // Go shifts int64s: the bits past 64 are lost, as in uint64.
    vec[i] = (a << 40) ^ (b << 20) ^ c ^ internal::kGoRngCooked[i];
  }
}

void GoRand::Seed(std::int64_t seed) {
  tap_ = 0;
  feed_ = internal::kGoRngLen - internal::kGoRngTap;
  GoSeedState(GoReducedSeed(seed), vec_);
  read_val_ = 0;
  read_pos_ = 0;
}

std::int32_t GoRand::Int31n(std::int32_t n) {
  if (n <= 0) return 0;
  if ((n & (n - 1)) == 0) return Int31() & (n - 1);
  const auto max = static_cast<std::int32_t>(
      0x7fffffffU - (0x80000000U % static_cast<std::uint32_t>(n)));
  std::int32_t v = Int31();
  while (v > max) v = Int31();
  return v % n;
}

void GoRand::Read(std::span<std::uint8_t> out) {
  for (std::uint8_t& byte : out) {
    if (read_pos_ == 0) {
      read_val_ = static_cast<std::uint64_t>(Int63());
      read_pos_ = 7;
    }
    byte = static_cast<std::uint8_t>(read_val_);
    read_val_ >>= 8;
    --read_pos_;
  }
}

}  // namespace kintsugi::prng
