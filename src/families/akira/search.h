#pragma once

// The two-stage clock search of Akira's 2024 Linux/ESXi build
// (recovery-schemes-3.md §3.9 "Search space and how to narrow it",
// "Cheapest candidate test"), as SeedTesters for the seed-search engine
// (recover/seed_search.h):
//   - Stage A: the engine's seeds are T3 (nanoseconds since the epoch);
//     for each, every gap d = T4 - T3 of the band is tried inside the
//     tester: KCipher-2 with key K(T3) and IV K(T3 + d) against 8 known
//     bytes at offset 0. The key expansion is done once per T3.
//   - Stage B (only for files with ChaCha8 chunks): the seeds are T1; for
//     each, every gap d1 = T2 - T1 with T3 - T2 also in the band: ChaCha8
//     with key K(T1) and nonce K(T2)[0:8] against 8 known bytes at offset
//     65,535.
// K(t) = Yarrow-256(decimal t)[0:16] (§4.6) costs about 3,000 SHA-256
// compressions: the testers share a cache of K over blocks of t, filled
// once by whichever worker needs a block first, so that the T4 values of
// neighbouring T3s are derived once.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gpu/akira_pairs.h"
#include "recover/seed_search.h"

namespace kintsugi::families::akira {

// K(t): the first 16 bytes Yarrow-256 gives for the decimal text of t.
using Key16 = std::array<std::uint8_t, 16>;
Key16 DeriveKey(std::uint64_t t);

// Known plaintext compared under a mask: a candidate keystream ks passes
// when (ks & mask) == want, want = (ciphertext ^ plaintext) & mask, all
// read big-endian from the 8 bytes.
struct Target {
  std::uint64_t want = 0;
  std::uint64_t mask = 0;
  std::string what;  // "zeros", "Windows MBR", "--known", "PNG signature".
};

// Builds a target from 8 ciphertext bytes and up to 8 plaintext bytes
// (mask bits set for the bytes given).
Target MakeTarget(const std::uint8_t ciphertext[8], ByteView plaintext,
                  std::string what);

// The cache of K(t), in blocks of kKeyBlock values of t. Thread-safe.
class KeyCache {
 public:
  static constexpr std::uint64_t kKeyBlock = 1024;
  // At most `max_blocks` blocks are kept (the least recently used go).
  explicit KeyCache(std::size_t max_blocks = 4096);
  // The block holding K(t) for t in [b * kKeyBlock, (b + 1) * kKeyBlock).
  std::shared_ptr<const std::vector<Key16>> Block(std::uint64_t b);
  // Blocks derived so far (for tests and the plan).
  std::uint64_t derived() const { return derived_.load(); }

 private:
  struct Entry {
    std::shared_ptr<const std::vector<Key16>> keys;  // Null: being derived.
    std::uint64_t used = 0;
  };
  std::size_t max_blocks_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::unordered_map<std::uint64_t, Entry> blocks_;
  std::uint64_t clock_ = 0;
  std::atomic<std::uint64_t> derived_{0};
};

// The gaps (nanoseconds) a stage tries: [low, high] less the band an
// earlier step already searched, [skip_low, skip_high] (none when
// skip_low > skip_high).
struct GapBand {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
  std::uint64_t skip_low = 1;
  std::uint64_t skip_high = 0;
  bool Contains(std::uint64_t d) const {
    return d >= low && d <= high && !(d >= skip_low && d <= skip_high);
  }
  bool Inside(std::uint64_t d) const { return d >= low && d <= high; }
  bool Skipped(std::uint64_t d) const {
    return d >= skip_low && d <= skip_high;
  }
  // Gaps of the band (for the plan).
  std::uint64_t Width() const;
};

// The bands tried one after another (§3.9 step 2): 1.0-1.8 ms first, the
// published measurements' most likely band, then 0.8-2.7 ms, then
// 0.5-4.0 ms, each step skipping what the last searched. With a band the
// user gave, that band alone.
std::vector<GapBand> GapSteps(
    std::optional<std::pair<std::uint64_t, std::uint64_t>> given);

// Stage A: the engine's seeds are T3.
class StageATester final : public SeedTester {
 public:
  StageATester(KeyCache& cache, GapBand band, std::vector<Target> targets)
      : cache_(cache), band_(band), targets_(std::move(targets)) {}
  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override;
  bool Confirm(std::uint64_t t3) const override;
  // The T4 of a confirmed T3 (the smallest gap that fits).
  std::optional<std::uint64_t> T4For(std::uint64_t t3) const;
  // Test() hands the KCipher-2 pairs to `device` (an OpenCL kernel, spec
  // §3.9: the term that dominates) and keeps the CPU loop for what it
  // cannot do; null: the CPU alone. Confirm() always runs on the CPU, so a
  // device's hit is checked by the CPU code before it counts.
  void UseDevice(const gpu::AkiraPairSearch* device) { device_ = device; }

 private:
  // Test() on the device; false when it failed (the CPU then does it).
  bool TestOnDevice(std::uint64_t first, std::uint32_t count,
                    std::vector<std::uint64_t>& hits) const;

  KeyCache& cache_;
  GapBand band_;
  std::vector<Target> targets_;
  const gpu::AkiraPairSearch* device_ = nullptr;
};

// The OpenCL device Akira's Stage A uses, opened once per process: the
// first GPU (or accelerator) the drivers offer; with KINTSUGI_OPENCL_DEVICE
// set to "any", a CPU device too (pocl: how the tests run the kernel
// without a GPU); "off": none. Null when there is none or its kernel does
// not build (the CPU path then runs; the plan says which).
const gpu::AkiraPairSearch* StageADevice();

// Stage B: the engine's seeds are T1, for a found T3.
class StageBTester final : public SeedTester {
 public:
  StageBTester(KeyCache& cache, GapBand band, std::uint64_t t3,
               std::vector<Target> targets)
      : cache_(cache), band_(band), t3_(t3), targets_(std::move(targets)) {}
  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override;
  bool Confirm(std::uint64_t t1) const override;
  std::optional<std::uint64_t> T2For(std::uint64_t t1) const;
  // The T1 window: [T3 - 2 * high, T3 - 2 * low].
  std::pair<std::uint64_t, std::uint64_t> Window() const;

 private:
  // Calls `f(t2)` for every T2 the band allows after `t1`.
  template <typename F>
  void ForEachT2(std::uint64_t t1, F&& f) const;

  KeyCache& cache_;
  GapBand band_;
  std::uint64_t t3_;
  std::vector<Target> targets_;
};

}  // namespace kintsugi::families::akira
