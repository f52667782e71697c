#pragma once

// Ports of the pseudo-random generators that weakly seeded ransomware drew
// its keys from (issue 10; recovery-schemes.md §4.1-4.3), bit-exact, so
// that a seed search can regenerate a key from a candidate seed. Each is
// checked against the published reference outputs (prng_test.cpp).
//
// Not for anything that needs randomness: these are the attackers' weak
// generators, reproduced.

#include <cstdint>
#include <span>

namespace kintsugi::prng {

// .NET Framework System.Random (Knuth's subtractive generator as .NET
// implements it, inextp = 21; §4.1). Not .NET Core's parameterless one.
class DotNetRandom {
 public:
  // new Random(seed): the absolute value of `seed` (Int32.MinValue as
  // Int32.MaxValue).
  explicit DotNetRandom(std::int32_t seed);

  // Next(): 0 <= r < Int32.MaxValue.
  std::int32_t Next();
  // Next(max_value) for max_value >= 0: 0 <= r < max_value (0 for 0);
  // truncate(Sample() * max_value). A negative max_value returns 0 (.NET
  // throws).
  std::int32_t Next(std::int32_t max_value);
  // Next(min_value, max_value) for min_value <= max_value, both ranges
  // (.NET's GetSampleForLargeRange above Int32.MaxValue); min_value when
  // max_value < min_value (.NET throws).
  std::int32_t Next(std::int32_t min_value, std::int32_t max_value);
  // Sample(): InternalSample() * (1.0 / Int32.MaxValue).
  double NextDouble();
  // NextBytes(): each byte the low 8 bits of InternalSample()
  // (.NET Framework 4.x: InternalSample() % 256).
  void NextBytes(std::span<std::uint8_t> out);

 private:
  std::int32_t InternalSample();
  double GetSampleForLargeRange();

  std::int32_t seed_array_[56] = {};
  int inext_ = 0;
  int inextp_ = 21;
};

// musl's rand() after srand(seed) (§4.2): 64-bit LCG, the top 31 bits.
// glibc's rand() is a different generator. musl's srand is
// `seed = s - 1` with `s` unsigned: the subtraction wraps in 32 bits, so
// srand(0) starts from 0xffffffff, not from 2^64 - 1 as §4.2's "s - 1 (as
// 64-bit)" would read (checked against musl 1.2.3 itself: prng_test.cpp).
class MuslRand {
 public:
  explicit MuslRand(std::uint32_t seed) : state_(seed - 1U) {}
  // 0 <= r <= 0x7fffffff.
  std::int32_t Next() {
    state_ = state_ * 6364136223846793005ULL + 1;
    return static_cast<std::int32_t>(state_ >> 33);
  }

 private:
  std::uint64_t state_;
};

// The Microsoft C runtime's rand() after srand(seed) (§4.3): 32-bit LCG,
// bits 16..30.
class MsvcRand {
 public:
  explicit MsvcRand(std::uint32_t seed) : holdrand_(seed) {}
  // 0 <= r <= 0x7fff (RAND_MAX).
  std::int32_t Next() {
    holdrand_ = holdrand_ * 214013U + 2531011U;
    return static_cast<std::int32_t>((holdrand_ >> 16) & 0x7fffU);
  }

 private:
  std::uint32_t holdrand_;
};

}  // namespace kintsugi::prng
