#pragma once

// A plain HC-128, written from the algorithm as the eSTREAM reference
// `hc-128.c` and the HC-128 paper structure it: the tables P and Q, a
// counter mod 1024, and one step function that makes one 32-bit word with
// every index taken mod 512 -- no unrolling, no window of the last 16
// words. It is the baseline the decryptor's speed is measured against
// (bench/crypto/hc128_bench.cpp, issue 17: "HC-128 against the spec's
// reference implementation") and the independent implementation
// src/crypto/hc128_test.cpp compares the optimised one with over a long
// stream. Init takes the eight key and eight IV words of
// recovery-schemes-2.md §2.2 (standard HC-128 repeats four of each).
//
// Header-only, so that the benchmark and the test both build it.

#include <array>
#include <cstddef>
#include <cstdint>

namespace kintsugi::bench {

class Hc128Reference {
 public:
  Hc128Reference(const std::array<std::uint32_t, 8>& key,
                 const std::array<std::uint32_t, 8>& iv) {
    std::array<std::uint32_t, 1280> w{};
    for (std::size_t i = 0; i < 8; ++i) {
      w[i] = key[i];
      w[i + 8] = iv[i];
    }
    for (std::size_t i = 16; i < 1280; ++i) {
      w[i] = F2(w[i - 2]) + w[i - 7] + F1(w[i - 15]) + w[i - 16] +
             static_cast<std::uint32_t>(i);
    }
    for (std::size_t i = 0; i < 512; ++i) {
      p_[i] = w[i + 256];
      q_[i] = w[i + 768];
    }
    // 1024 steps whose outputs replace the table entries.
    for (int i = 0; i < 1024; ++i) Step(true);
  }

  // The next keystream word (emitted little-endian).
  std::uint32_t Next() { return Step(false); }

  // XORs `size` bytes with the keystream, one word at a time; the stream
  // goes on across calls.
  void Xor(const std::uint8_t* in, std::uint8_t* out, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
      if (left_ == 0) {
        word_ = Next();
        left_ = 4;
      }
      out[i] = static_cast<std::uint8_t>(in[i] ^ (word_ & 0xFF));
      word_ >>= 8;
      --left_;
    }
  }

 private:
  static std::uint32_t Rotr(std::uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
  }
  static std::uint32_t Rotl(std::uint32_t x, int n) {
    return (x << n) | (x >> (32 - n));
  }
  static std::uint32_t F1(std::uint32_t x) {
    return Rotr(x, 7) ^ Rotr(x, 18) ^ (x >> 3);
  }
  static std::uint32_t F2(std::uint32_t x) {
    return Rotr(x, 17) ^ Rotr(x, 19) ^ (x >> 10);
  }
  static std::uint32_t G1(std::uint32_t x, std::uint32_t y, std::uint32_t z) {
    return (Rotr(x, 10) ^ Rotr(z, 23)) + Rotr(y, 8);
  }
  static std::uint32_t G2(std::uint32_t x, std::uint32_t y, std::uint32_t z) {
    return (Rotl(x, 10) ^ Rotl(z, 23)) + Rotl(y, 8);
  }
  std::uint32_t H1(std::uint32_t x) const {
    return q_[x & 0xFF] + q_[256 + ((x >> 16) & 0xFF)];
  }
  std::uint32_t H2(std::uint32_t x) const {
    return p_[x & 0xFF] + p_[256 + ((x >> 16) & 0xFF)];
  }

  // One step i (the counter mod 1024), j = i mod 512; `setup`: the output
  // goes back into the table entry.
  std::uint32_t Step(bool setup) {
    const std::uint32_t i = counter_;
    const std::uint32_t j = i & 511;
    std::uint32_t s;
    if (i < 512) {
      p_[j] += G1(p_[(j - 3) & 511], p_[(j - 10) & 511], p_[(j - 511) & 511]);
      s = H1(p_[(j - 12) & 511]) ^ p_[j];
      if (setup) p_[j] = s;
    } else {
      q_[j] += G2(q_[(j - 3) & 511], q_[(j - 10) & 511], q_[(j - 511) & 511]);
      s = H2(q_[(j - 12) & 511]) ^ q_[j];
      if (setup) q_[j] = s;
    }
    counter_ = (i + 1) & 1023;
    return s;
  }

  std::array<std::uint32_t, 512> p_{};
  std::array<std::uint32_t, 512> q_{};
  std::uint32_t counter_ = 0;
  std::uint32_t word_ = 0;
  int left_ = 0;
};

}  // namespace kintsugi::bench
