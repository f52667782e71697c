#pragma once

// Akira's Stage A on an OpenCL device (recovery-schemes-3.md §3.9 "Search
// space", "Cheapest candidate test"): for every T3 of a range and every gap
// d = T4 - T3 of a band, KCipher-2 (RFC 7008, spec §4.7) keyed with K(T3)
// and IV K(T3 + d) must give the file's first 8 keystream bytes. The keys
// K(t) = Y(t)[0:16] (Yarrow-256, spec §4.6) are computed on the CPU, once
// per timestamp; the device does the |W3| x |G| KCipher-2 initialisations,
// the term that dominates the work.
//
// Plain std types, so that a family's SeedTester can hand over its table
// and range as they are:
//
//   auto devices = gpu::OpenClDevices();             // none: CPU path
//   auto device = gpu::PreferredOpenClDevice(*devices);
//   auto search = gpu::AkiraPairSearch::Open(*device);  // builds the kernel
//   auto hits = (*search)->Run(job, stop);            // (T3 index, gap)s

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/stop_token.h"
#include "gpu/opencl.h"
#include "kintsugi/status.h"

namespace kintsugi::gpu {

// K(t): the first 16 Yarrow-256 bytes of one timestamp's decimal text, used
// as KCipher-2 key (t = T3) or IV (t = T4), bytes in file order.
using AkiraKey = std::array<std::uint8_t, 16>;

// One file's known bytes: a keystream passes when (first8 & mask) ==
// (want & mask), the 8 bytes read big-endian as crypto::KCipher2First8
// returns them (ZH in the high half). want = ct[0:8] XOR the known
// plaintext at file offset 0; the mask's bits are the known ones.
struct AkiraTarget {
  std::uint64_t want = 0;
  std::uint64_t mask = ~std::uint64_t{0};
};

// Files searched in one pass at most (the public tool: 31).
inline constexpr std::size_t kMaxAkiraTargets = 64;

// One piece of a Stage A search.
struct AkiraPairJob {
  // K(t0 + i) for i = 0, 1, ...: consecutive timestamps (one nanosecond
  // apart in Akira's case). It must reach the last IV: index first + count
  // - 1 + gap_max.
  std::span<const AkiraKey> keys;
  // The T3 indices tested: [first, first + count).
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  // The gap band in table steps, both ends included: the pair (i, d) has
  // key keys[i] and IV keys[i + d].
  std::uint32_t gap_min = 0;
  std::uint32_t gap_max = 0;
  // The files' targets, 1 to kMaxAkiraTargets: files encrypted in the same
  // window share the pairs' work (spec §3.9 "Search space").
  std::vector<AkiraTarget> targets;
  // More hits than this is kResourceExhausted ("opencl.too_many_hits"):
  // the mask leaves too few bits to test, and no hit is dropped silently.
  std::uint32_t max_hits = 1024;
};

// A pair that passed: K(T3) = keys[index], K(T4) = keys[index + gap],
// for job.targets[target].
struct PairHit {
  std::uint32_t index = 0;
  std::uint32_t gap = 0;
  std::uint32_t target = 0;

  friend auto operator<=>(const PairHit&, const PairHit&) = default;
};

// Where the kernel keeps its tables (Sub_K2 and the four alpha
// multiplications, 5 KiB): in each work-group's local memory (GPUs) or in
// constant memory (CPU drivers, whose local memory is ordinary memory).
enum class KernelTables : std::uint8_t { kAuto, kLocal, kConstant };

// The Stage A kernel built for one device. Run() and
// MeasurePairsPerSecond() may be called from several threads; their
// launches take turns on the device.
class AkiraPairSearch {
 public:
  // Builds the kernel for `device` (from OpenClDevices()). kNotFound
  // "opencl.no_device" when it is gone, kInternal "opencl.build_failed"
  // with the compiler's log when the driver cannot build it, kUnsupported
  // "opencl.not_built" in a build without OpenCL.
  static Result<std::unique_ptr<AkiraPairSearch>> Open(
      const OpenClDevice& device, KernelTables tables = KernelTables::kAuto);

  ~AkiraPairSearch();
  AkiraPairSearch(const AkiraPairSearch&) = delete;
  AkiraPairSearch& operator=(const AkiraPairSearch&) = delete;

  // Every (pair, target) of `job` that passes, sorted by (index, gap,
  // target). Every T3 index of the range and every gap of the band is
  // tested, the last ones too. kInvalidArgument "opencl.bad_job" for an
  // empty band (gap_min > gap_max), no target or more than
  // kMaxAkiraTargets, max_hits of 0, a table that ends before the last IV
  // or a last IV index past 2^32 - 1;
  // kResourceExhausted "opencl.too_many_hits" past max_hits, or
  // "opencl.job_too_big" for a table slice larger than the device can
  // hold; `stop`'s status when it stops between launches.
  Result<std::vector<PairHit>> Run(const AkiraPairJob& job,
                                   const StopToken& stop = {}) const;

  // Pairs tested per second on this device, measured on random keys for
  // about `budget` (at least one launch): for a search's plan.
  Result<double> MeasurePairsPerSecond(std::chrono::milliseconds budget) const;

  const OpenClDevice& device() const;
  // Whether the kernel keeps its tables in local memory.
  bool local_tables() const;

 private:
  struct State;
  explicit AkiraPairSearch(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Run() on the preferred device (PreferredOpenClDevice: a GPU), whose
// kernel is built on the first call and kept for the process. kNotFound
// "opencl.no_device" when there is no GPU, kUnsupported "opencl.not_built"
// in a build without OpenCL: the caller then uses the CPU path.
Result<std::vector<PairHit>> OpenClAkiraPairs(const AkiraPairJob& job,
                                              const StopToken& stop = {});

// The KCipher-2 tables the kernel uses (RFC 7008): [0, 256) Sub_K2 on the
// low byte (the AES S-box, then MixColumn; the other bytes are rotations),
// then amul0..amul3, the multiplications by alpha_0..alpha_3 on the top
// byte. Exposed for the tests.
const std::array<std::uint32_t, 1280>& KCipher2KernelTables();

}  // namespace kintsugi::gpu
