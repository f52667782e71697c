#include "gpu/akira_pairs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include "core/stop_token.h"
#include "core/testing/status_matchers.h"
#include "crypto/kcipher2.h"
#include "kintsugi/bytes.h"

namespace kintsugi::gpu {

// Test names read "GetParam() = local" rather than a byte dump (found by
// argument-dependent lookup, so outside the unnamed namespace).
inline void PrintTo(KernelTables tables, std::ostream* os) {
  *os << (tables == KernelTables::kLocal ? "local" : "constant");
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// N bytes from hex; zeros for text that is not N bytes of hex (a test's
// typo then fails its expectation).
template <std::size_t N>
std::array<std::uint8_t, N> Hex(std::string_view hex) {
  std::array<std::uint8_t, N> bytes{};
  const auto parsed = FromHex(hex);
  if (parsed.ok() && parsed->size() == N) {
    std::copy(parsed->begin(), parsed->end(), bytes.begin());
  }
  return bytes;
}

// RFC 7008's vectors (spec §4.7): key, IV, first 8 keystream bytes; and
// Akira's ones.vmdk pair from real ciphertext (spec §3.9 "Test vectors").
struct Vector {
  std::string_view key, iv, first8;
};
constexpr Vector kVectors[] = {
    {"00000000000000000000000000000000", "00000000000000000000000000000000",
     "F871EBEF945B7272"},
    {"A37B7D012F897076FE08C22D142BB2CF", "33A6EE60E57927E08B45CC4CA30EDE4A",
     "60E9A6B67B4C2524"},
    {"3D62E9B18E5B042F42DF43CC7175C96E", "777CEFE4541300C8ADCACA8A0B48CD55",
     "690F108D84F44AC7"},
    {"a120cbd81a246a926e83f9fbf0d94943", "5f7717abcf49906c8585f40f711206dc",
     "86780610f0361d9c"},
};

std::vector<AkiraKey> RandomKeys(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<AkiraKey> keys(count);
  for (AkiraKey& key : keys) {
    for (std::uint8_t& byte : key) byte = static_cast<std::uint8_t>(random());
  }
  return keys;
}

// The target that vector `v`'s keystream passes.
AkiraTarget TargetOf(const Vector& v) {
  std::uint64_t want = 0;
  for (std::uint8_t byte : Hex<8>(v.first8)) want = want << 8 | byte;
  return AkiraTarget{want};
}

// The CPU path's test, pair by pair (crypto::KCipher2First8, the akira
// family's tester): the reference the device must equal.
std::vector<PairHit> CpuPairs(const AkiraPairJob& job) {
  std::vector<PairHit> hits;
  for (std::uint32_t index = job.first; index < job.first + job.count;
       ++index) {
    const crypto::KCipher2Key key =
        crypto::KCipher2Expand(job.keys[index].data());
    for (std::uint64_t gap = job.gap_min; gap <= job.gap_max; ++gap) {
      const std::uint64_t first8 =
          crypto::KCipher2First8(key, job.keys[index + gap].data());
      for (std::uint32_t t = 0; t < job.targets.size(); ++t) {
        const AkiraTarget& target = job.targets[t];
        if (((first8 ^ target.want) & target.mask) == 0) {
          hits.push_back(PairHit{index, static_cast<std::uint32_t>(gap), t});
        }
      }
    }
  }
  return hits;
}

class AkiraPairsTest : public ::testing::TestWithParam<KernelTables> {
 protected:
  void SetUp() override {
    if (!OpenClCompiledIn()) {
      GTEST_SKIP() << "this build has no OpenCL (KINTSUGI_OPENCL)";
    }
    ASSERT_OK_AND_ASSIGN(const auto devices, OpenClDevices());
    // pocl in CI; a GPU where there is one.
    auto device = PreferredOpenClDevice(devices);
    if (!device) device = FirstOpenClDevice(devices, DeviceKind::kCpu);
    ASSERT_TRUE(device.has_value())
        << "no OpenCL device: install pocl-opencl-icd (scripts/install-deps)";
    ASSERT_OK_AND_ASSIGN(search_, AkiraPairSearch::Open(*device, GetParam()));
    EXPECT_EQ(search_->local_tables(), GetParam() == KernelTables::kLocal);
  }

  // A job over `keys` whose target is vector `v`'s keystream, with v's key
  // planted at `index` and its IV at `index + gap`.
  AkiraPairJob Planted(std::vector<AkiraKey>& keys, const Vector& v,
                       std::uint32_t index, std::uint32_t gap) {
    keys[index] = Hex<16>(v.key);
    keys[index + gap] = Hex<16>(v.iv);
    AkiraPairJob job;
    job.keys = keys;
    job.targets = {TargetOf(v)};
    return job;
  }

  std::unique_ptr<AkiraPairSearch> search_;
};

TEST(AkiraPairsTablesTest, MatchRfc7008) {
  const auto& tables = KCipher2KernelTables();
  // Sub_K2's low-byte column: S(0) = 0x63 -> (3s, s, s, 2s).
  EXPECT_EQ(tables[0], 0xA56363C6u);
  // amul0..amul3 at 1 and 2, as the RFC prints them.
  EXPECT_EQ(tables[256 + 1], 0xB6086D1Au);
  EXPECT_EQ(tables[256 + 2], 0xAF10DA34u);
  EXPECT_EQ(tables[512 + 1], 0xA0F5FC2Eu);
  EXPECT_EQ(tables[512 + 2], 0x6DC7D55Cu);
  EXPECT_EQ(tables[768 + 1], 0x5BF87F93u);
  EXPECT_EQ(tables[1024 + 1], 0x4559568Bu);
  EXPECT_EQ(tables[256], 0u);
}

TEST_P(AkiraPairsTest, KernelGivesTheRfcKeystream) {
  for (const Vector& v : kVectors) {
    std::vector<AkiraKey> keys(2);
    AkiraPairJob job = Planted(keys, v, 0, 1);
    job.count = 1;
    job.gap_min = 1;
    job.gap_max = 1;
    EXPECT_THAT(search_->Run(job), IsOkAndHolds(ElementsAre(PairHit{0, 1})))
        << v.key;
    // One bit off, and no hit.
    job.targets[0].want ^= 0x01;
    EXPECT_THAT(search_->Run(job), IsOkAndHolds(ElementsAre())) << v.key;
    // Unless that bit is masked out.
    job.targets[0].mask = ~std::uint64_t{1};
    EXPECT_THAT(search_->Run(job), IsOkAndHolds(ElementsAre(PairHit{0, 1})));
  }
}

// The public tool's run2 kernel skipped answers at the end of a range
// (spec §3.9 "Pitfalls"): the first and last T3 index and the first and
// last gap of a band are all tested, also across launch boundaries.
TEST_P(AkiraPairsTest, PlantedAnswersAtTheEdgesAreFound) {
  struct Edge {
    std::uint32_t first, count, gap_min, gap_max, index, gap;
  };
  const Edge edges[] = {
      {0, 1, 0, 0, 0, 0},            // One pair, gap 0.
      {10, 40, 5, 300, 10, 5},       // First index, first gap.
      {10, 40, 5, 300, 49, 300},     // Last index, last gap.
      {10, 40, 5, 300, 49, 5},       // Last index, first gap.
      {10, 40, 5, 300, 10, 300},     // First index, last gap.
      {3, 2000, 1, 257, 2002, 257},  // Many launches (257 gaps: a group + 1).
      {3, 2000, 1, 257, 1027, 129},  // Inside, past the first launches.
      {0, 700, 1000, 1023, 699, 1023},
  };
  for (const Edge& e : edges) {
    const std::uint32_t size = e.first + e.count + e.gap_max;
    auto keys = RandomKeys(size, size);
    // Gap 0 has key and IV in one place: the vector whose key is its IV.
    const Vector& v = e.gap == 0 ? kVectors[0] : kVectors[1];
    AkiraPairJob job = Planted(keys, v, e.index, e.gap);
    job.first = e.first;
    job.count = e.count;
    job.gap_min = e.gap_min;
    job.gap_max = e.gap_max;
    EXPECT_THAT(search_->Run(job),
                IsOkAndHolds(ElementsAre(PairHit{e.index, e.gap})))
        << "index " << e.index << " gap " << e.gap;
    // One step outside the range or band: not tested, not found.
    if (e.index == e.first + e.count - 1 && e.count > 1) {
      AkiraPairJob shorter = job;
      --shorter.count;
      EXPECT_THAT(search_->Run(shorter), IsOkAndHolds(ElementsAre()));
    }
    if (e.gap == e.gap_max && e.gap_max > e.gap_min) {
      AkiraPairJob narrower = job;
      --narrower.gap_max;
      EXPECT_THAT(search_->Run(narrower), IsOkAndHolds(ElementsAre()));
    }
  }
}

// Random tables and targets with only a few known bits, so that about one
// pair in 2^8..2^10 passes each: hundreds of hits over whole ranges (edges
// and launch boundaries included), each the CPU path's too, none missing.
TEST_P(AkiraPairsTest, HitsEqualTheCpuPath) {
  struct Range {
    std::uint32_t first, count, gap_min, gap_max;
    std::vector<std::uint64_t> masks;  // One target each.
  };
  const Range ranges[] = {
      {0, 1, 0, 30000, {0xff00000000000000}},
      {5, 300, 1, 200, {0xff, 0x0ff0000000000000}},
      {0, 1100, 37, 293, {0x0f0000000000f030, 0x3f00000300, 0x1ff}},
      {17, 40, 1000, 1900, {0x0081004010000c21}},
  };
  std::uint64_t seed = 11;
  for (const Range& r : ranges) {
    const std::uint32_t size = r.first + r.count + r.gap_max;
    auto keys = RandomKeys(size, ++seed);
    std::mt19937_64 random(seed);
    AkiraPairJob job;
    job.keys = keys;
    job.first = r.first;
    job.count = r.count;
    job.gap_min = r.gap_min;
    job.gap_max = r.gap_max;
    for (std::uint64_t mask : r.masks) {
      job.targets.push_back(AkiraTarget{random(), mask});
    }
    job.max_hits = 1 << 16;
    const std::vector<PairHit> expected = CpuPairs(job);
    EXPECT_GT(expected.size(), 50u) << "first " << r.first;
    EXPECT_THAT(search_->Run(job), IsOkAndHolds(expected))
        << "first " << r.first;
  }
}

TEST_P(AkiraPairsTest, SeveralHitsComeBackSorted) {
  auto keys = RandomKeys(600, 7);
  // Vector 1's key twice and its IV twice: four pairs with a gap in band.
  keys[100] = keys[130] = Hex<16>(kVectors[1].key);
  keys[150] = keys[160] = Hex<16>(kVectors[1].iv);
  AkiraPairJob job;
  job.keys = keys;
  job.targets = {TargetOf(kVectors[1])};
  job.first = 0;
  job.count = 500;
  job.gap_min = 20;
  job.gap_max = 60;
  EXPECT_THAT(search_->Run(job),
              IsOkAndHolds(ElementsAre(PairHit{100, 50}, PairHit{100, 60},
                                       PairHit{130, 20}, PairHit{130, 30})));
}

// Files of one window share a pass: each hit names its target.
TEST_P(AkiraPairsTest, SeveralTargetsShareAPass) {
  auto keys = RandomKeys(500, 8);
  keys[10] = Hex<16>(kVectors[1].key);
  keys[90] = Hex<16>(kVectors[1].iv);
  keys[200] = Hex<16>(kVectors[2].key);
  keys[260] = Hex<16>(kVectors[2].iv);
  AkiraPairJob job;
  job.keys = keys;
  job.count = 400;
  job.gap_min = 50;
  job.gap_max = 99;
  job.targets = {TargetOf(kVectors[2]), AkiraTarget{0x1234},
                 TargetOf(kVectors[1])};
  EXPECT_THAT(search_->Run(job), IsOkAndHolds(ElementsAre(
                                     PairHit{10, 80, 2}, PairHit{200, 60, 0})));
}

TEST_P(AkiraPairsTest, TooManyHitsIsAnErrorNotATruncatedList) {
  auto keys = RandomKeys(200, 3);
  AkiraPairJob job;
  job.keys = keys;
  job.count = 100;
  job.gap_min = 1;
  job.gap_max = 50;
  job.targets = {AkiraTarget{0, 0}};  // Nothing known: every pair passes.
  job.max_hits = 5000;
  EXPECT_THAT(search_->Run(job), IsOkAndHolds(::testing::SizeIs(5000)));
  job.max_hits = 4999;
  const auto hits = search_->Run(job);
  EXPECT_THAT(hits, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(hits.status().message(), HasSubstr("opencl.too_many_hits"));
}

TEST_P(AkiraPairsTest, BadJobsAreRefused) {
  auto keys = RandomKeys(100, 1);
  AkiraPairJob job;
  job.keys = keys;
  job.first = 10;
  job.count = 40;
  job.gap_min = 0;
  job.gap_max = 50;  // Last IV: 10 + 39 + 50 = 99, the table's last key.
  job.targets.assign(kMaxAkiraTargets, AkiraTarget{});
  EXPECT_THAT(search_->Run(job), IsOk());
  job.targets.push_back(AkiraTarget{});
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.targets.clear();
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.targets = {AkiraTarget{}};
  EXPECT_THAT(search_->Run(job), IsOk());
  job.gap_max = 51;
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.gap_max = 50;
  job.first = 0xffffffffu;
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.first = 10;
  job.gap_min = 51;
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.gap_min = 0;
  job.max_hits = 0;
  EXPECT_THAT(search_->Run(job), StatusIs(StatusCode::kInvalidArgument));
  job.max_hits = 1;
  job.count = 0;
  EXPECT_THAT(search_->Run(job), IsOkAndHolds(ElementsAre()));
}

TEST_P(AkiraPairsTest, AStoppedSearchSaysSo) {
  auto keys = RandomKeys(100, 2);
  AkiraPairJob job;
  job.keys = keys;
  job.count = 50;
  job.gap_max = 40;
  job.targets = {AkiraTarget{}};
  StopSource source;
  source.RequestCancel();
  EXPECT_THAT(search_->Run(job, source.token()),
              StatusIs(StatusCode::kCancelled));
}

TEST_P(AkiraPairsTest, ThreadsTakeTurns) {
  auto keys = RandomKeys(400, 9);
  AkiraPairJob job = Planted(keys, kVectors[2], 123, 77);
  job.count = 300;
  job.gap_min = 1;
  job.gap_max = 99;
  std::vector<Result<std::vector<PairHit>>> results(
      4, Result<std::vector<PairHit>>(std::vector<PairHit>()));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] { result = search_->Run(job); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    EXPECT_THAT(result, IsOkAndHolds(ElementsAre(PairHit{123, 77})));
  }
}

TEST_P(AkiraPairsTest, RateIsMeasured) {
  ASSERT_OK_AND_ASSIGN(const double rate, search_->MeasurePairsPerSecond(
                                              std::chrono::milliseconds(1)));
  EXPECT_GT(rate, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Tables, AkiraPairsTest,
                         ::testing::Values(KernelTables::kConstant,
                                           KernelTables::kLocal),
                         [](const auto& param_info) {
                           return param_info.param == KernelTables::kLocal
                                      ? std::string("Local")
                                      : std::string("Constant");
                         });

// Without a GPU the convenience call says so (the CPU path then runs);
// with one, it finds the planted pair.
TEST(OpenClAkiraPairsTest, UsesAGpuOrSaysThereIsNone) {
  std::vector<AkiraKey> keys = RandomKeys(64, 5);
  keys[3] = Hex<16>(kVectors[0].key);
  keys[40] = Hex<16>(kVectors[0].iv);
  AkiraPairJob job;
  job.keys = keys;
  job.targets = {TargetOf(kVectors[0])};
  job.count = 20;
  job.gap_min = 30;
  job.gap_max = 40;
  const auto hits = OpenClAkiraPairs(job);
  if (!OpenClCompiledIn()) {
    EXPECT_THAT(hits, StatusIs(StatusCode::kUnsupported));
    GTEST_SKIP() << "this build has no OpenCL";
  }
  ASSERT_OK_AND_ASSIGN(const auto devices, OpenClDevices());
  if (PreferredOpenClDevice(devices)) {
    EXPECT_THAT(hits, IsOkAndHolds(ElementsAre(PairHit{3, 37})));
  } else {
    EXPECT_THAT(hits, StatusIs(StatusCode::kNotFound));
    EXPECT_THAT(hits.status().message(), HasSubstr("opencl.no_device"));
  }
}

}  // namespace
}  // namespace kintsugi::gpu
