// The XOR-graph solver (recovery-schemes-2.md §2.5): relations within a
// component, contradictions that drop a whole unit and leave the rest as
// it was, no recursion on long chains, and the spec's scaled simulation.

#include "recover/xor_graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <queue>
#include <vector>

namespace kintsugi::recover {
namespace {

using ::testing::Optional;

// SplitMix64: deterministic test data.
struct Rng {
  std::uint64_t state;
  std::uint64_t Next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint32_t Below(std::uint32_t n) {
    return static_cast<std::uint32_t>(Next() % n);
  }
};

TEST(XorGraphTest, RelatesPositionsOfOneComponentOnly) {
  XorGraph graph(8);
  EXPECT_TRUE(graph.Add(0, 1, 0x05));
  EXPECT_TRUE(graph.Add(1, 2, 0x03));
  EXPECT_TRUE(graph.Add(4, 5, 0x80));
  EXPECT_THAT(graph.Relation(0, 2), Optional(std::uint8_t{0x06}));
  EXPECT_THAT(graph.Relation(2, 0), Optional(std::uint8_t{0x06}));
  EXPECT_THAT(graph.Relation(5, 4), Optional(std::uint8_t{0x80}));
  EXPECT_THAT(graph.Relation(3, 3), Optional(std::uint8_t{0}));
  EXPECT_EQ(graph.Relation(0, 4), std::nullopt);
  EXPECT_EQ(graph.Relation(0, 8), std::nullopt);  // Out of range.
  EXPECT_EQ(graph.units_kept(), 3u);
  EXPECT_EQ(graph.links(), 3u);
}

TEST(XorGraphTest, AContradictionDropsTheWholeUnitAndSaysWhere) {
  XorGraph graph(8);
  graph.BeginUnit();
  EXPECT_TRUE(graph.Add(0, 1, 0x05));
  EXPECT_TRUE(graph.Add(1, 2, 0x03));
  EXPECT_TRUE(graph.Add(0, 2, 0x06));  // Closes a loop, agrees.
  XorUnitResult good = graph.EndUnit();
  EXPECT_TRUE(good.kept);
  EXPECT_EQ(good.equations, 3u);
  EXPECT_EQ(good.links, 2u);
  EXPECT_EQ(good.confirmations, 1u);

  graph.BeginUnit();
  EXPECT_TRUE(graph.Add(3, 4, 0x11));
  EXPECT_TRUE(graph.Add(4, 0, 0x22));
  EXPECT_FALSE(graph.Add(2, 0, 0x07));  // Known: 0x06.
  EXPECT_FALSE(graph.Add(5, 6, 0x01));  // Ignored: the unit is lost.
  XorUnitResult bad = graph.EndUnit();
  EXPECT_FALSE(bad.kept);
  ASSERT_TRUE(bad.contradiction.has_value());
  EXPECT_EQ(bad.contradiction->a, 2u);
  EXPECT_EQ(bad.contradiction->b, 0u);
  EXPECT_EQ(bad.contradiction->claimed, 0x07);
  EXPECT_EQ(bad.contradiction->known, 0x06);
  // Its links are undone; what came before stands.
  EXPECT_EQ(graph.Relation(3, 4), std::nullopt);
  EXPECT_EQ(graph.Relation(4, 0), std::nullopt);
  EXPECT_EQ(graph.Relation(5, 6), std::nullopt);
  EXPECT_THAT(graph.Relation(0, 2), Optional(std::uint8_t{0x06}));
  EXPECT_EQ(graph.units_dropped(), 1u);
  EXPECT_EQ(graph.confirmations(), 1u);

  // A unit the caller fails is undone too.
  graph.BeginUnit();
  EXPECT_TRUE(graph.Add(6, 7, 0x01));
  graph.FailUnit();
  EXPECT_FALSE(graph.EndUnit().kept);
  EXPECT_EQ(graph.Relation(6, 7), std::nullopt);
}

// What the kept units imply, by breadth-first search over their equations.
std::vector<std::optional<std::uint8_t>> Reference(
    std::uint32_t size,
    const std::vector<std::vector<std::array<std::uint32_t, 3>>>& units,
    const std::vector<bool>& kept, std::uint32_t from) {
  std::vector<std::vector<std::pair<std::uint32_t, std::uint8_t>>> edges(size);
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (!kept[u]) continue;
    for (const auto& e : units[u]) {
      edges[e[0]].push_back({e[1], static_cast<std::uint8_t>(e[2])});
      edges[e[1]].push_back({e[0], static_cast<std::uint8_t>(e[2])});
    }
  }
  std::vector<std::optional<std::uint8_t>> value(size);
  value[from] = 0;
  std::queue<std::uint32_t> queue;
  queue.push(from);
  while (!queue.empty()) {
    const std::uint32_t x = queue.front();
    queue.pop();
    for (const auto& [y, c] : edges[x]) {
      if (!value[y]) {
        value[y] = static_cast<std::uint8_t>(*value[x] ^ c);
        queue.push(y);
      }
    }
  }
  return value;
}

TEST(XorGraphTest, DroppedUnitsLeaveExactlyWhatTheKeptOnesImply) {
  // A true table, units of true equations, and every fifth unit with one
  // false byte: the graph must equal the kept units' closure, and a unit
  // with a false byte is kept only while nothing can check it.
  constexpr std::uint32_t kSize = 96;
  Rng rng{17};
  std::vector<std::uint8_t> table(kSize);
  for (auto& t : table) t = static_cast<std::uint8_t>(rng.Next());
  XorGraph graph(kSize);
  std::vector<std::vector<std::array<std::uint32_t, 3>>> units;
  std::vector<bool> kept;
  for (int u = 0; u < 60; ++u) {
    std::vector<std::array<std::uint32_t, 3>> unit;
    const std::uint32_t n = 1 + rng.Below(4);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t a = rng.Below(kSize);
      const std::uint32_t b = rng.Below(kSize);
      std::uint32_t c = table[a] ^ table[b];
      if (u % 5 == 4 && i == 0) c ^= 1 + rng.Below(255);
      unit.push_back({a, b, c & 0xFF});
    }
    graph.BeginUnit();
    for (const auto& e : unit) {
      graph.Add(e[0], e[1], static_cast<std::uint8_t>(e[2]));
    }
    const XorUnitResult result = graph.EndUnit();
    kept.push_back(result.kept);
    units.push_back(std::move(unit));
    // A true unit is only ever dropped for a false one kept before it.
    if (u % 5 != 4 && !result.kept) {
      bool false_kept = false;
      for (std::size_t v = 0; v + 1 < units.size(); ++v) {
        false_kept |= v % 5 == 4 && kept[v];
      }
      EXPECT_TRUE(false_kept) << "unit " << u;
    }
    for (std::uint32_t from : {0u, 13u, 50u}) {
      const auto expected = Reference(kSize, units, kept, from);
      for (std::uint32_t x = 0; x < kSize; ++x) {
        ASSERT_EQ(graph.Relation(from, x), expected[x])
            << "after unit " << u << ", " << from << "-" << x;
      }
    }
  }
  EXPECT_GT(graph.units_dropped(), 0u);
}

TEST(XorGraphTest, LongChainsNeitherRecurseNorStayDeep) {
  // A chain of every position in one unit, then its undoing, then again
  // kept: loops only (a recursive find would blow the stack here).
  constexpr std::uint32_t kSize = 3 << 20;  // Hive v4's table.
  XorGraph graph(kSize);
  for (bool keep : {false, true}) {
    graph.BeginUnit();
    for (std::uint32_t x = 0; x + 1 < kSize; ++x) {
      graph.Add(x, x + 1, static_cast<std::uint8_t>(x));
    }
    if (!keep) graph.FailUnit();
    EXPECT_EQ(graph.EndUnit().kept, keep);
    if (!keep) {
      EXPECT_EQ(graph.Relation(0, kSize - 1), std::nullopt);
    }
  }
  graph.Finish();
  // XOR of x & 0xFF over 0..kSize-2: whole runs of 256 cancel out.
  std::uint8_t expected = 0;
  for (std::uint32_t x = 0; x + 1 < kSize; ++x) {
    expected ^= static_cast<std::uint8_t>(x);
  }
  EXPECT_THAT(graph.Relation(0, kSize - 1), Optional(expected));
  EXPECT_EQ(graph.links(), kSize - 1);
}

// §2.5's scaled simulation: table 192 KiB, windows 64 KiB and 3 KiB, 40
// known files of 2-12 KB; the keystream bytes of 200 unseen files. The spec
// measured 79 % with no contradiction.
TEST(XorGraphTest, ScaledSimulationRecoversMostOfUnseenFiles) {
  constexpr std::uint32_t kTable = 192 * 1024;
  constexpr std::uint32_t kWindow1 = 64 * 1024;
  constexpr std::uint32_t kWindow2 = 3 * 1024;
  Rng rng{20220217};
  std::vector<std::uint8_t> table(kTable);
  for (auto& t : table) t = static_cast<std::uint8_t>(rng.Next());
  struct File {
    std::uint32_t p1, p2, size;
  };
  auto draw = [&] {
    return File{rng.Below(kTable - kWindow1), rng.Below(kTable - kWindow2),
                2000 + rng.Below(10001)};
  };
  XorGraph graph(kTable);
  for (int f = 0; f < 40; ++f) {
    const File file = draw();
    graph.BeginUnit();
    for (std::uint32_t i = 0; i < file.size; ++i) {
      const std::uint32_t a = file.p1 + i % kWindow1;
      const std::uint32_t b = file.p2 + i % kWindow2;
      graph.Add(a, b, table[a] ^ table[b]);
    }
    EXPECT_TRUE(graph.EndUnit().kept) << "file " << f;
  }
  graph.Finish();
  EXPECT_EQ(graph.units_dropped(), 0u);
  std::uint64_t total = 0;
  std::uint64_t recovered = 0;
  for (int f = 0; f < 200; ++f) {
    const File file = draw();
    for (std::uint32_t i = 0; i < file.size; ++i) {
      const std::uint32_t a = file.p1 + i % kWindow1;
      const std::uint32_t b = file.p2 + i % kWindow2;
      ++total;
      if (const auto value = graph.Relation(a, b)) {
        ++recovered;
        ASSERT_EQ(*value, table[a] ^ table[b]) << "file " << f << " " << i;
      }
    }
  }
  const double fraction =
      static_cast<double>(recovered) / static_cast<double>(total);
  EXPECT_GE(fraction, 0.75) << recovered << " of " << total;
  RecordProperty("recovered_percent", static_cast<int>(fraction * 100));
  std::printf("scaled simulation: %.1f %% of %llu keystream bytes\n",
              fraction * 100, static_cast<unsigned long long>(total));
}

}  // namespace
}  // namespace kintsugi::recover
