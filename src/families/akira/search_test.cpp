// The Akira clock search (recovery-schemes-3.md §3.9) on test-sized
// windows: the testers through the seed-search engine, and whole runs
// through Recover() on specimens from the generator.

#include "families/akira/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/testing/status_matchers.h"
#include "core/worker_pool.h"
#include "crypto/chacha8.h"
#include "crypto/kcipher2.h"
#include "families/akira/testing/specimens.h"
#include "families/akira/window.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families::akira {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/vmfs/vm1";
// T3 lies 1,234 ns into the window; gaps near 1.1 ms.
constexpr std::uint64_t kT1 = 1741841294372043294;
constexpr std::uint64_t kT2 = kT1 + 1'100'050;
constexpr std::uint64_t kT3 = kT2 + 1'100'120;
constexpr std::uint64_t kT4 = kT3 + 1'100'090;
constexpr families_testing::AkiraTimes kTimes{kT1, kT2, kT3, kT4};
constexpr std::uint64_t kGapLow = 1'100'000;
constexpr std::uint64_t kGapHigh = 1'100'150;

TEST(AkiraSearchTest, GapStepsWidenWithoutRepeating) {
  const auto steps = GapSteps(std::nullopt);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].low, 1'000'000u);
  EXPECT_EQ(steps[0].high, 1'800'000u);
  // Each step skips what the one before searched.
  EXPECT_FALSE(steps[1].Contains(1'500'000));
  EXPECT_TRUE(steps[1].Contains(2'000'000));
  EXPECT_TRUE(steps[1].Contains(900'000));
  EXPECT_EQ(steps[1].Width(), steps[1].high - steps[1].low + 1 -
                                  (steps[0].high - steps[0].low + 1));
  const auto given = GapSteps(std::make_pair(10u, 20u));
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].Width(), 11u);
}

TEST(AkiraSearchTest, StagesFindThePlantedTimes) {
  const Key16 k1 = DeriveKey(kT1), k2 = DeriveKey(kT2), k3 = DeriveKey(kT3),
              k4 = DeriveKey(kT4);
  const std::uint64_t ks_a =
      crypto::KCipher2First8(crypto::KCipher2Expand(k3.data()), k4.data());
  const std::uint64_t ks_b = crypto::ChaCha8First8(k1.data(), k2.data());
  KeyCache cache;
  const GapBand band{kGapLow, kGapHigh, 1, 0};
  WorkerPool pool(2);
  StageATester a(cache, band, {Target{ks_a, ~0ULL, "test"}});
  SeedSearchOptions options;
  options.first = kT3 - 300;
  options.last = kT3 + 300;
  options.center = options.last;
  options.chunk = 64;
  ASSERT_OK_AND_ASSIGN(SeedSearchResult found,
                       RunSeedSearch(a, options, pool, nullptr, StopToken()));
  EXPECT_EQ(found.seed, kT3);
  EXPECT_EQ(a.T4For(kT3), kT4);
  // A band that misses the gap finds nothing.
  StageATester narrow(cache, GapBand{kGapLow, kT4 - kT3 - 1, 1, 0},
                      {Target{ks_a, ~0ULL, "test"}});
  ASSERT_OK_AND_ASSIGN(
      found, RunSeedSearch(narrow, options, pool, nullptr, StopToken()));
  EXPECT_FALSE(found.seed.has_value());
  // Stage B from T3.
  StageBTester b(cache, band, kT3, {Target{ks_b, ~0ULL, "test"}});
  const auto [first, last] = b.Window();
  EXPECT_LE(first, kT1);
  EXPECT_GE(last, kT1);
  SeedSearchOptions b_options;
  b_options.first = first;
  b_options.last = last;
  b_options.center = last;
  b_options.chunk = 32;
  ASSERT_OK_AND_ASSIGN(found,
                       RunSeedSearch(b, b_options, pool, nullptr, StopToken()));
  EXPECT_EQ(found.seed, kT1);
  EXPECT_EQ(b.T2For(kT1), kT2);
}

TEST(AkiraSearchTest, MaskedTargetsCompareOnlyKnownBytes) {
  const std::uint8_t ct[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const Target t = MakeTarget(ct, Bytes{1, 2, 3}, "three");
  EXPECT_EQ(t.mask, 0xffffff0000000000ULL);
  EXPECT_EQ(t.want, 0u);
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "akira";
  options.seed_gap = std::make_pair(kGapLow, kGapHigh);
  options.journal_dir = "/state";
  return options;
}

const FileOutcome* Find(const RecoverReport& report, const std::string& name) {
  for (const FileOutcome& f : report.files) {
    if (f.path.filename() == name) return &f;
  }
  return nullptr;
}

TEST(AkiraRecoverTest, ARangeFindsAllFourKeysOfAFlatVmdk) {
  // 3 MiB of zeros: ChaCha8 chunks too; the -flat.vmdk defaults (zeros)
  // are the known bytes of both stages.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes plain(3 << 20, 0);
  ASSERT_THAT(families_testing::WriteAkiraSpecimen(
                  fs, kDir, "disk-flat.vmdk.akira", plain, kTimes),
              IsOk());
  RecoverOptions options = Options();
  options.seed_range = std::make_pair(kT3 - 1'000, kT3 + 999);
  std::vector<Message> plans;
  options.on_key_search_plan = [&](std::string_view, const Message& m) {
    plans.push_back(m);
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, "disk-flat.vmdk.akira");
  ASSERT_NE(f, nullptr);
  // No validator knows a raw disk of zeros: kept as unverified, honestly.
  EXPECT_EQ(f->status, RecoverStatus::kUnverified) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out,
                       fs.Contents(kDir / "disk-flat.vmdk.unverified"));
  EXPECT_THAT(out, ElementsAreArray(plain));
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "akira");
  EXPECT_EQ(report.keys[0].detail.id, MessageId::kRecoverAkiraKeyFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
  EXPECT_THAT(RenderEnglish(report.keys[0].detail),
              HasSubstr(std::to_string(kT1)));
  // The plan was stated for both stages, before they ran.
  ASSERT_GE(plans.size(), 2u);
  EXPECT_EQ(plans[0].id, MessageId::kRecoverAkiraPlan);
  EXPECT_TRUE(HasDeclaredArgs(plans[0]));
  EXPECT_THAT(RenderEnglish(plans[0]), HasSubstr("--seed-range"));
}

TEST(AkiraRecoverTest, TheWindowComesFromTheMtimeAndALog) {
  // A PNG of 200 KB: KCipher-2 chunks only; its signature is the known
  // plaintext. Test-sized gaps of about 1.5 us (our own times): the window
  // runs from the log line naming the VM's folder (a millisecond at or
  // below T3) up to the file's nanosecond mtime.
  constexpr std::uint64_t kMs = 1741841294372000000;  // A whole ms.
  constexpr families_testing::AkiraTimes kSmall{kMs - 2'700, kMs - 1'200,
                                                kMs + 300, kMs + 1'800};
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(fs.AddDirs("/logs"), IsOk());
  const Bytes png =
      formats::samples::MakeSample(formats::FileKind::kPng, 200'000);
  const Bytes file = families_testing::AkiraEncrypt(png, kSmall, 15);
  ASSERT_THAT(fs.AddFile(kDir / "photo.png.akira", file,
                         static_cast<std::int64_t>(kSmall.t4 + 200)),
              IsOk());
  const std::string log =
      UtcNanos(kMs - 5'000'000).substr(0, 23) + "Z hostd[1]: vm1 on\n" +
      UtcNanos(kMs).substr(0, 23) + "Z hostd[1]: vm1 power off\n" +
      UtcNanos(kMs).substr(0, 23) + "Z hostd[1]: vm2 power off\n";
  ASSERT_THAT(
      fs.AddFile("/logs/hostd.log",
                 ByteView(reinterpret_cast<const std::uint8_t*>(log.data()),
                          log.size())),
      IsOk());
  RecoverOptions options = Options();
  options.seed_logs = {"/logs/hostd.log"};
  options.seed_gap = std::make_pair(1'400u, 1'600u);
  std::vector<Message> plans;
  options.on_key_search_plan = [&](std::string_view, const Message& m) {
    plans.push_back(m);
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, "photo.png.akira");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "photo.png"));
  EXPECT_THAT(out, ElementsAreArray(png));
  ASSERT_EQ(plans.size(), 1u);
  const std::string plan = RenderEnglish(plans[0]);
  EXPECT_THAT(plan, HasSubstr("hostd.log line 2"));
  EXPECT_THAT(plan, HasSubstr(std::to_string(kMs)));
  EXPECT_THAT(plan, HasSubstr(std::to_string(kSmall.t4 + 200)));
}

TEST(AkiraRecoverTest, WithoutFamilyOrWindowItSaysWhatToGive) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  png.resize(20'000, 0x42);
  ASSERT_THAT(fs.AddFile(kDir / "a.png.akira",
                         families_testing::AkiraEncrypt(png, kTimes, 15), 0),
              IsOk());
  // Not forced: the search is only offered.
  RecoverOptions plain;
  plain.paths = {kDir};
  plain.journal_dir = "/state";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, plain));
  const FileOutcome* f = Find(report, "a.png.akira");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  // Forced, with no mtime and no range: asks for a window.
  ASSERT_OK_AND_ASSIGN(report, Recover(fs, Options()));
  f = Find(report, "a.png.akira");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("--seed-range"));
}

}  // namespace
}  // namespace kintsugi::families::akira
