// Issue 11: every decryptor says how much of an encrypted file is still the
// original's plaintext, by its family's layout, so that scan can tell a
// responder what is salvageable without a key.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "families/registry.h"
#include "io/memory_file_system.h"
#include "recover/decryptor.h"

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

// What Intact() says for a file of `size` bytes accepted with `variant`
// (it reads only the size and the variant, never the bytes).
std::optional<recover::IntactBytes> IntactOf(std::string_view id,
                                             std::uint64_t size,
                                             std::string variant = "") {
  io::MemoryFileSystem fs;
  for (const recover::Decryptor* decryptor : AllDecryptors()) {
    if (decryptor->info().id != id) continue;
    recover::RunInputs inputs;
    auto run = decryptor->Prepare(fs, inputs);
    if (!run) return std::nullopt;
    recover::FileSample sample{"/x/f", "f", size, ByteView(), ByteView()};
    recover::ProbeResult probe;
    probe.variant = std::move(variant);
    return (*run)->Intact(sample, probe);
  }
  ADD_FAILURE() << "no decryptor " << id;
  return std::nullopt;
}

TEST(IntactBytesTest, EveryDecryptorKnowsItsLayout) {
  for (const recover::Decryptor* decryptor : AllDecryptors()) {
    SCOPED_TRACE(decryptor->info().id);
    EXPECT_TRUE(IntactOf(decryptor->info().id, 10 * kMiB).has_value());
  }
}

TEST(IntactBytesTest, StopDjvuEncryptsOnly150KiBAfterFivePlainBytes) {
  // §3.7: 5 plain, 153,600 encrypted, the rest plain, 334 bytes of footer.
  auto big = IntactOf("stop-djvu", 1'000'000 + 334);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->original_size, 1'000'000u);
  EXPECT_EQ(big->intact, 1'000'000u - 153'600u);
  EXPECT_FALSE(big->at_least);
  auto small = IntactOf("stop-djvu", 100 + 334);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->intact, 5u);
  auto tiny = IntactOf("stop-djvu", 3 + 334);
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->intact, 3u);
  EXPECT_FALSE(IntactOf("stop-djvu", 333).has_value());
}

TEST(IntactBytesTest, BabukNasEncryptsFourMiBOrOneMiBInTen) {
  // §3.8 NAS: up to 20 MiB the first min(n, 4 MiB); above, 1 MiB every
  // 10 MiB. 38 bytes of footer.
  auto small = IntactOf("babuk-nas", 10 * kMiB + 38);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->original_size, 10 * kMiB);
  EXPECT_EQ(small->intact, 6 * kMiB);
  auto large = IntactOf("babuk-nas", 105 * kMiB + 38);
  ASSERT_TRUE(large);
  EXPECT_EQ(large->intact, 105 * kMiB - 10 * kMiB);
  auto whole = IntactOf("babuk-nas", 1000 + 38);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->intact, 0u);
}

TEST(IntactBytesTest, BabukEsxiEncryptsAtMost512MiB) {
  auto large = IntactOf("babuk-esxi", 600 * kMiB + 32);
  ASSERT_TRUE(large);
  EXPECT_EQ(large->original_size, 600 * kMiB);
  EXPECT_EQ(large->intact, 88 * kMiB);
}

TEST(IntactBytesTest, BabukWindowsEncryptsATenthThreeMiBOrOneMiBInTen) {
  // recovery-schemes-2.md §3.3: 68 bytes of footer; up to 5 MiB the first
  // tenth, up to 20 MiB three blocks of 1 MiB, above 1 MiB every 10 MiB.
  auto small = IntactOf("babuk-windows", 1000 + 68);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->original_size, 1000u);
  EXPECT_EQ(small->intact, 900u);
  auto medium = IntactOf("babuk-windows", 10 * kMiB + 68);
  ASSERT_TRUE(medium);
  EXPECT_EQ(medium->intact, 7 * kMiB);
  auto large = IntactOf("babuk-windows", 105 * kMiB + 68);
  ASSERT_TRUE(large);
  EXPECT_EQ(large->intact, 95 * kMiB);
  auto tiny = IntactOf("babuk-windows", 64 + 68);
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->intact, 0u);
  EXPECT_FALSE(IntactOf("babuk-windows", 67).has_value());
}

TEST(IntactBytesTest, DmaLockerLeavesEachChunksPartialBlockPlain) {
  // §3.5: 45 chunks of floor(E/45) and a remainder; only whole blocks of
  // each are encrypted. E = 45 * 100 + 7: chunks of 100 leave 4 plain each,
  // the 7-byte remainder is plain.
  auto dma = IntactOf("dma-locker", 0x88 + 45 * 100 + 7);
  ASSERT_TRUE(dma);
  EXPECT_EQ(dma->original_size, 45u * 100u + 7u);
  EXPECT_EQ(dma->intact, 45u * 4u + 7u);
}

TEST(IntactBytesTest, NemucodWithoutAKeyIsALowerBound) {
  auto nemucod = IntactOf("nemucod", 10'000);
  ASSERT_TRUE(nemucod);
  EXPECT_EQ(nemucod->original_size, 10'000u);
  EXPECT_EQ(nemucod->intact, 10'000u - 2048u);
  EXPECT_TRUE(nemucod->at_least);
  auto packed = IntactOf("nemucod", 10'000, "7-zip");
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->intact, 0u);
}

TEST(IntactBytesTest, BlackBastaEncryptsABlockIn192) {
  // recovery-schemes-2.md §3.9: n = 10,000 has 52 blocks of 64 bytes; the
  // 314-byte footer holds the counter, which the empty tail here does not
  // show: a lower bound (an interrupted run encrypted less).
  auto medium = IntactOf("black-basta", 10'000 + 314);
  ASSERT_TRUE(medium);
  EXPECT_EQ(medium->original_size, 10'000u);
  EXPECT_EQ(medium->intact, 10'000u - 52u * 64u);
  EXPECT_TRUE(medium->at_least);
  // Under 5,000 bytes: [0, n - n mod 64) is encrypted.
  auto small = IntactOf("black-basta", 1'000 + 314);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->intact, 40u);
  EXPECT_FALSE(IntactOf("black-basta", 313).has_value());
}

TEST(IntactBytesTest, HiveEncryptsBlocksAndTheVersionMattersForLargeFiles) {
  // recovery-schemes-2.md §3.10: 7 blocks of 4096 in 100,000 bytes, the
  // same in v3 and v4; 100 MiB: 25 blocks in v3, 256 in v4 (1 MiB), so
  // before the version is known only a lower bound.
  auto small = IntactOf("hive", 100'000);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->original_size, 100'000u);
  EXPECT_EQ(small->intact, 100'000u - 7u * 4096u);
  EXPECT_FALSE(small->at_least);
  auto large = IntactOf("hive", 100 * kMiB);
  ASSERT_TRUE(large);
  EXPECT_EQ(large->intact, 100 * kMiB - kMiB);
  EXPECT_TRUE(large->at_least);
  EXPECT_FALSE(IntactOf("hive", 5000, "v1/v2").has_value());
}

TEST(IntactBytesTest, WholeFileSchemesLeaveNothing) {
  for (const char* id : {"jigsaw", "hidden-tear", "linux-encoder",
                         "princess-locker", "cryptxxx"}) {
    SCOPED_TRACE(id);
    auto whole = IntactOf(id, 4096);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->intact, 0u);
    EXPECT_FALSE(whole->original_size.has_value());
  }
}

}  // namespace
}  // namespace kintsugi::families
