// .NET Framework System.Random, from the reference source's algorithm as
// recovery-schemes.md §4.1 states it. C# int arithmetic wraps (unchecked);
// here it is done in uint32_t and read back as int32_t, since signed
// overflow is undefined in C++.

#include "prng/prng.h"

#include <cstddef>
#include <cstdint>
#include <limits>

namespace kintsugi::prng {
namespace {

constexpr std::int32_t kMbig = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kMseed = 161803398;

std::int32_t Sub(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) -
                                   static_cast<std::uint32_t>(b));
}

std::int32_t Add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) +
                                   static_cast<std::uint32_t>(b));
}

}  // namespace

DotNetRandom::DotNetRandom(std::int32_t seed) {
  const std::int32_t subtraction =
      seed == std::numeric_limits<std::int32_t>::min() ? kMbig
      : seed < 0                                       ? -seed
                                                       : seed;
  std::int32_t mj = Sub(kMseed, subtraction);
  seed_array_[55] = mj;
  std::int32_t mk = 1;
  for (int i = 1; i < 55; ++i) {
    const int ii = (21 * i) % 55;
    seed_array_[ii] = mk;
    mk = Sub(mj, mk);
    if (mk < 0) mk = Add(mk, kMbig);
    mj = seed_array_[ii];
  }
  for (int k = 1; k < 5; ++k) {
    for (int i = 1; i < 56; ++i) {
      seed_array_[i] = Sub(seed_array_[i], seed_array_[1 + (i + 30) % 55]);
      if (seed_array_[i] < 0) seed_array_[i] = Add(seed_array_[i], kMbig);
    }
  }
  inext_ = 0;
  inextp_ = 21;
}

std::int32_t DotNetRandom::InternalSample() {
  if (++inext_ >= 56) inext_ = 1;
  if (++inextp_ >= 56) inextp_ = 1;
  std::int32_t r = Sub(seed_array_[inext_], seed_array_[inextp_]);
  if (r == kMbig) --r;
  if (r < 0) r = Add(r, kMbig);
  seed_array_[inext_] = r;
  return r;
}

std::int32_t DotNetRandom::Next() { return InternalSample(); }

double DotNetRandom::NextDouble() {
  // As .NET: multiply by the constant 1/MBIG (a division can round
  // differently).
  constexpr double kScale = 1.0 / kMbig;
  return InternalSample() * kScale;
}

std::int32_t DotNetRandom::Next(std::int32_t max_value) {
  if (max_value < 0) return 0;
  return static_cast<std::int32_t>(NextDouble() * max_value);
}

double DotNetRandom::GetSampleForLargeRange() {
  std::int32_t result = InternalSample();
  const bool negative = InternalSample() % 2 == 0;
  if (negative) result = -result;
  double d = result;
  d += kMbig - 1;
  d /= 2U * static_cast<std::uint32_t>(kMbig) - 1U;
  return d;
}

std::int32_t DotNetRandom::Next(std::int32_t min_value,
                                std::int32_t max_value) {
  if (max_value < min_value) return min_value;
  const std::int64_t range = std::int64_t{max_value} - min_value;
  if (range <= kMbig) {
    return Add(
        static_cast<std::int32_t>(NextDouble() * static_cast<double>(range)),
        min_value);
  }
  return static_cast<std::int32_t>(
      static_cast<std::int64_t>(GetSampleForLargeRange() *
                                static_cast<double>(range)) +
      min_value);
}

void DotNetRandom::NextBytes(std::span<std::uint8_t> out) {
  for (std::uint8_t& byte : out) {
    byte = static_cast<std::uint8_t>(InternalSample() % 256);
  }
}

}  // namespace kintsugi::prng
