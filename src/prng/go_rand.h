#pragma once

// Go's math/rand legacy source (Go before 1.20's random seeding; 1.19.8 is
// the reference), bit-exact (recovery-schemes-3.md §4.10): the generator
// DarkBit drew its keys and names from after rand.Seed(UnixNano) (§3.11).
// Checked against outputs of Go 1.19.8 itself (go_rand_test.cpp).
//
// Not for anything that needs randomness: the attackers' weak generator,
// reproduced.

#include <cstdint>
#include <span>

namespace kintsugi::prng {

namespace internal {
inline constexpr int kGoRngLen = 607;  // rng.go rngLen.
inline constexpr int kGoRngTap = 273;  // rng.go rngTap.
// rng.go's rngCooked, as uint64 (go_rng_cooked.cpp, Go's BSD licence in
// go_rng_cooked.LICENSE).
extern const std::uint64_t kGoRngCooked[kGoRngLen];
}  // namespace internal

// 2^31 - 1: Seed reduces its argument modulo this (§4.10).
inline constexpr std::int64_t kGoSeedModulus = 0x7fffffff;

// The seed Seed(seed) really uses: seed mod (2^31 - 1), a negative
// remainder plus 2^31 - 1, and 0 as 89482311. Always in 1 .. 2^31 - 2: at
// most 2^31 - 2 distinct streams, whatever the nanoseconds were.
std::int32_t GoReducedSeed(std::int64_t seed);

// A rand.Rand over the legacy source: rand.New(rand.NewSource(seed)), or
// the global functions after rand.Seed(seed) (same stream, same Read
// leftovers).
class GoRand {
 public:
  explicit GoRand(std::int64_t seed) { Seed(seed); }

  // rngSource.Seed, and Rand.Seed's reset of Read's leftover bytes.
  void Seed(std::int64_t seed);

  // rngSource.Uint64: the lagged-Fibonacci step (taps 607/273).
  std::uint64_t Uint64() {
    if (--tap_ < 0) tap_ += internal::kGoRngLen;
    if (--feed_ < 0) feed_ += internal::kGoRngLen;
    const std::uint64_t x = vec_[feed_] + vec_[tap_];
    vec_[feed_] = x;
    return x;
  }
  // 0 <= r < 2^63.
  std::int64_t Int63() {
    return static_cast<std::int64_t>(Uint64() & 0x7fffffffffffffffULL);
  }
  // Int63() >> 32: 0 <= r < 2^31.
  std::int32_t Int31() { return static_cast<std::int32_t>(Int63() >> 32); }
  // Rand.Int31n: masked for a power of two, else redrawn above
  // 2^31 - 1 - (2^31 mod n); 0 for n <= 0 (Go panics).
  std::int32_t Int31n(std::int32_t n);
  // Rand.Intn for 0 < n <= 2^31 - 1: Int31n(n).
  std::int32_t Intn(std::int32_t n) { return Int31n(n); }
  // Rand.Read: 7 bytes of each Int63, low byte first; the bytes left over
  // are kept for the next call (and are not touched by the other draws).
  void Read(std::span<std::uint8_t> out);

 private:
  int tap_ = 0;
  int feed_ = 0;
  std::uint64_t vec_[internal::kGoRngLen] = {};
  std::uint64_t read_val_ = 0;
  int read_pos_ = 0;
};

// The source's state right after Seed(seed), computed without Seed's
// 1,841 chained steps: each of seedrand's values is 48271^k * seed mod
// (2^31 - 1), an independent product (what a seed search uses). `vec`
// receives rngSource.vec.
void GoSeedState(std::int32_t reduced_seed,
                 std::span<std::uint64_t, internal::kGoRngLen> vec);

}  // namespace kintsugi::prng
