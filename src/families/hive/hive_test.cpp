// Hive v3/v4 (recovery-schemes-2.md §3.10): the spec's name and block
// examples, and recovery through Recover() on specimens made by the
// generator (a seeded local table, never exported): what the evidence
// covers is decrypted, the rest is lost, byte for byte as an independent
// reckoning of the evidence says.

#include "families/hive/hive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/hive/evidence.h"
#include "families/hive/layout.h"
#include "families/hive/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "recover/decryptor.h"

namespace kintsugi::families {
namespace {

using families_testing::Find;
using families_testing::HiveTestTable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Path kDir = "/victim";
const Path kBackup = "/backup";

// --- The name (§3.10 "File name") -------------------------------------------

// The spec's example: id = 32 x 11, n1 = 0x01020304, n2 = 0xA0B0C0D0.
constexpr std::string_view kSpecToken =
    "ERERERERERERERERERERERERERERERERERERERERERH_BAMCAdDAsKA0";

TEST(HiveNameTest, TheSpecsExampleDecodesExactly) {
  const auto name =
      ParseHiveName("report.docx." + std::string(kSpecToken) + ".kj9sm");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->original_name, "report.docx");
  EXPECT_EQ(name->extension, "kj9sm");
  HiveTableId id;
  id.fill(0x11);
  EXPECT_EQ(name->table_id, id);
  EXPECT_EQ(name->n1, 0x01020304u);
  EXPECT_EQ(name->n2, 0xA0B0C0D0u);
  EXPECT_EQ(name->last, kHiveNameLastByte);
  EXPECT_EQ(HiveNameTokenText(id, 0x01020304u, 0xA0B0C0D0u), kSpecToken);
  EXPECT_EQ(HiveTableLabel(id), "11111111");
  // And back through the 42 bytes a found key carries.
  const auto token = HiveNameToken(*name);
  const auto again = HiveNameFromToken(token);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->n2, name->n2);
}

TEST(HiveNameTest, OtherNamesDoNotDecode) {
  const std::string token(kSpecToken);
  std::string no_marker = token;
  no_marker[43] = 'A';  // Byte 32 (characters 42-43) no longer FF.
  for (const std::string& name : {
           std::string("a.docx"),
           "a.docx." + token.substr(1) + ".kj9sm",  // 55 characters.
           "a.docx." + token + "x.kj9sm",           // 57 characters.
           "a.docx." + token + ".kj9s",             // 4-character extension.
           "a.docx." + token + ".kj.sm",
           "." + token + ".kj9sm",  // No original name.
           "a.docx_" + token + ".kj9sm",
           "a.docx." + token.substr(0, 20) + "+" + token.substr(21) + ".kj9sm",
           "a.docx." + no_marker + ".kj9sm",
           "a.docx." + token + ".kj9sm.hive",
       }) {
    EXPECT_EQ(ParseHiveName(name), std::nullopt) << name;
  }
  // The last byte is not required (the windows need only n1 and n2).
  HiveTableId id;
  id.fill(7);
  const auto other =
      ParseHiveName("x." + HiveNameTokenText(id, 5, 6, 0x00) + ".ABCDE");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->last, 0);
}

// --- The blocks (§3.10 "v3/v4 block rule") ----------------------------------

std::vector<std::uint64_t> Offsets(const std::vector<HiveBlock>& blocks) {
  std::vector<std::uint64_t> offsets;
  for (const HiveBlock& b : blocks) offsets.push_back(b.offset);
  return offsets;
}

TEST(HiveBlocksTest, TheSpecsExamples) {
  EXPECT_THAT(Offsets(HiveBlocks(10'000, kHiveV3)), ElementsAre(0, 5904));
  EXPECT_THAT(Offsets(HiveBlocks(100'000, kHiveV3)),
              ElementsAre(0, 15984, 31968, 47952, 63936, 79920, 95904));
  EXPECT_EQ(HiveBlocks(100'000, kHiveV4), HiveBlocks(100'000, kHiveV3));
  const std::uint64_t mib100 = 100ull << 20;
  const auto v4 = HiveBlocks(mib100, kHiveV4);
  ASSERT_EQ(v4.size(), 256u);
  EXPECT_EQ(v4[1].offset - kHiveBlockBytes, 407'094u);  // The gap.
  EXPECT_EQ(v4[2].offset, 2 * (kHiveBlockBytes + 407'094));
  EXPECT_EQ(v4.back().offset, mib100 - kHiveBlockBytes);
  EXPECT_EQ(v4.back().stream_index, 255 * kHiveBlockBytes);
  EXPECT_EQ(HiveEncryptedBytes(v4), 1u << 20);
  // v3 stops at 25 blocks: 0x19000 bytes, one W1.
  const auto v3 = HiveBlocks(mib100, kHiveV3);
  ASSERT_EQ(v3.size(), 25u);
  EXPECT_EQ(HiveEncryptedBytes(v3), kHiveV3.window1);
}

TEST(HiveBlocksTest, SmallFilesAndTheOverlap) {
  EXPECT_TRUE(HiveBlocks(0, kHiveV3).empty());
  EXPECT_THAT(HiveBlocks(1, kHiveV3), ElementsAre(HiveBlock{0, 1, 0}));
  EXPECT_THAT(HiveBlocks(4096, kHiveV3), ElementsAre(HiveBlock{0, 4096, 0}));
  // 4097-8191: the gap is negative, the two blocks overlap.
  EXPECT_THAT(HiveBlocks(5000, kHiveV3),
              ElementsAre(HiveBlock{0, 4096, 0}, HiveBlock{904, 4096, 4096}));
  EXPECT_EQ(HiveEncryptedBytes(HiveBlocks(5000, kHiveV3)), 5000u);
  EXPECT_THAT(HiveBlocks(8192, kHiveV3),
              ElementsAre(HiveBlock{0, 4096, 0}, HiveBlock{4096, 4096, 4096}));
  // Where v3 and v4 part: 87 blocks' worth of bytes makes 26 blocks.
  EXPECT_EQ(HiveBlocks(87 * 4096 - 1, kHiveV4).size(), 25u);
  EXPECT_EQ(HiveBlocks(87 * 4096, kHiveV4).size(), 26u);
  EXPECT_EQ(HiveBlocks(87 * 4096, kHiveV3).size(), 25u);
}

TEST(HiveWindowsTest, OffsetsFollowTheVersionsConstants) {
  const HiveWindows v3 = HiveWindowsFor(0xFFFFFFFF, 0xFFFFFFFF, kHiveV3);
  EXPECT_EQ(v3.p1, 0xFFFFFFFFu % (0x100000 - 0x19000));
  EXPECT_EQ(v3.p2, 0xFFFFFFFFu % (0x100000 - 0xC00));
  const HiveWindows v4 = HiveWindowsFor(0xFFFFFFFF, 0xFFFFFFFF, kHiveV4);
  EXPECT_EQ(v4.p1, 0xFFFFFFFFu % (0x300000 - 0x100000));
  EXPECT_EQ(v4.p2, 0xFFFFFFFFu % (0x300000 - 0xC00));
  const HiveTablePair last = HivePositions(v4, (1 << 20) - 1, kHiveV4);
  EXPECT_LT(last.a, kHiveV4.table_bytes);
  EXPECT_EQ(last.b, v4.p2 + ((1u << 20) - 1) % 0xC00);
}

TEST(HiveVersionsTest, OnlyEvidenceThatConfirmsAVersionChoosesIt) {
  const HiveVersionTally right{100, 1, 5000, ""};
  const HiveVersionTally wrong{40, 61, 3, "--pair a=b"};
  const HiveVersionTally silent{10, 0, 0, ""};
  EXPECT_THAT(ChooseHiveVersions(right, wrong, nullptr), ElementsAre(&kHiveV3));
  EXPECT_THAT(ChooseHiveVersions(wrong, right, nullptr), ElementsAre(&kHiveV4));
  // Nothing closed a loop: nothing tells them apart.
  EXPECT_THAT(ChooseHiveVersions(silent, silent, nullptr),
              ElementsAre(&kHiveV3, &kHiveV4));
  // A few agreeing checks among many contradictions do not make a fit.
  const HiveVersionTally noisy{100, 20, 30, ""};
  EXPECT_THAT(ChooseHiveVersions(noisy, silent, nullptr),
              ElementsAre(&kHiveV3, &kHiveV4));
  // --variant decides.
  EXPECT_THAT(ChooseHiveVersions(right, wrong, &kHiveV4),
              ElementsAre(&kHiveV4));
}

// --- Recovery
// ------------------------------------------------------------------

struct Rng {
  std::uint64_t state;
  std::uint32_t Next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::uint32_t>(z ^ (z >> 31));
  }
};

// One specimen: the original, where it is, and its windows.
struct Specimen {
  std::string original;  // "doc3.txt"
  Bytes plain;
  std::uint32_t n1 = 0;
  std::uint32_t n2 = 0;
  std::string encrypted;  // The name written in kDir.
};

// The components of the table positions the evidence of `pairs` joins,
// reckoned without the decryptor: a breadth-first search over every
// equation the pairs give (one label per position).
std::vector<std::uint32_t> Components(
    const HiveParameters& version, const std::vector<const Specimen*>& pairs) {
  const std::uint32_t size = version.table_bytes;
  std::vector<std::vector<std::uint32_t>> edges(size);
  for (const Specimen* pair : pairs) {
    const auto blocks = HiveBlocks(pair->plain.size(), version);
    const HiveWindows w = HiveWindowsFor(pair->n1, pair->n2, version);
    std::vector<int> cover(pair->plain.size(), 0);
    for (const HiveBlock& b : blocks) {
      for (std::uint64_t k = 0; k < b.length; ++k) ++cover[b.offset + k];
    }
    for (const HiveBlock& b : blocks) {
      for (std::uint64_t k = 0; k < b.length; ++k) {
        if (cover[b.offset + k] != 1) continue;  // Two keystream bytes.
        const HiveTablePair at = HivePositions(w, b.stream_index + k, version);
        edges[at.a].push_back(at.b);
        edges[at.b].push_back(at.a);
      }
    }
  }
  std::vector<std::uint32_t> component(size, UINT32_MAX);
  std::vector<std::uint32_t> queue;
  for (std::uint32_t start = 0; start < size; ++start) {
    if (component[start] != UINT32_MAX) continue;
    component[start] = start;
    queue.assign(1, start);
    while (!queue.empty()) {
      const std::uint32_t x = queue.back();
      queue.pop_back();
      for (std::uint32_t y : edges[x]) {
        if (component[y] == UINT32_MAX) {
          component[y] = start;
          queue.push_back(y);
        }
      }
    }
  }
  return component;
}

// Which bytes of `target` those components leave undetermined.
std::vector<bool> ExpectedLost(const HiveParameters& version,
                               const std::vector<std::uint32_t>& component,
                               const Specimen& target) {
  std::vector<bool> lost(target.plain.size(), false);
  const HiveWindows w = HiveWindowsFor(target.n1, target.n2, version);
  for (const HiveBlock& b : HiveBlocks(target.plain.size(), version)) {
    for (std::uint64_t k = 0; k < b.length; ++k) {
      const HiveTablePair at = HivePositions(w, b.stream_index + k, version);
      if (component[at.a] != component[at.b]) lost[b.offset + k] = true;
    }
  }
  return lost;
}

std::vector<bool> LostFlags(const FileOutcome& outcome, std::size_t size) {
  std::vector<bool> flags(size, false);
  for (const ByteRange& r : outcome.lost.ranges) {
    for (std::uint64_t k = 0; k < r.length; ++k) flags[r.offset + k] = true;
  }
  return flags;
}

class HiveRecoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(fs_.AddDirs(kDir), IsOk());
    ASSERT_THAT(fs_.AddDirs(kBackup), IsOk());
  }

  // Writes a specimen of `plain` (and its original in kBackup).
  Specimen& Add(const std::string& original, Bytes plain,
                const HiveTestTable& table, const HiveParameters& version,
                std::uint32_t n1, std::uint32_t n2) {
    Specimen s{original, std::move(plain), n1, n2, ""};
    auto name = families_testing::WriteHiveSpecimen(
        fs_, kDir, original, s.plain, table, version, n1, n2);
    EXPECT_TRUE(name.ok());
    s.encrypted = name.ok() ? *name : "";
    EXPECT_THAT(fs_.AddFile(kBackup / original, s.plain), IsOk());
    specimens_.push_back(std::move(s));
    return specimens_.back();
  }
  KnownPlaintextPair PairOf(const Specimen& s) const {
    return {kDir / s.encrypted, kBackup / s.original};
  }
  RecoverOptions Options() const {
    RecoverOptions options;
    options.paths = {kDir};
    options.family = "hive";
    options.threads = 2;
    return options;
  }
  const FileOutcome* Outcome(const RecoverReport& report,
                             const Specimen& s) const {
    return Find(report, kDir / s.encrypted);
  }

  // Every output of `report` against its original: a recovered file is
  // the original; a partial one holds the original at every byte not lost
  // and the encrypted byte at every lost one, and loses exactly what the
  // independent reckoning says.
  void ExpectExactAccounting(const RecoverReport& report,
                             const HiveParameters& version,
                             const std::vector<const Specimen*>& pairs) {
    const std::vector<std::uint32_t> component = Components(version, pairs);
    for (const Specimen& s : specimens_) {
      SCOPED_TRACE(s.original);
      const FileOutcome* f = Outcome(report, s);
      ASSERT_NE(f, nullptr);
      const std::vector<bool> expected = ExpectedLost(version, component, s);
      const auto lost_count = static_cast<std::uint64_t>(
          std::count(expected.begin(), expected.end(), true));
      if (lost_count == 0) {
        EXPECT_EQ(f->status, RecoverStatus::kRecovered)
            << RenderEnglish(f->detail);
        EXPECT_THAT(fs_.Contents(kDir / s.original), IsOkAndHolds(s.plain));
        continue;
      }
      if (lost_count ==
          HiveEncryptedBytes(HiveBlocks(s.plain.size(), version))) {
        EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
        EXPECT_EQ(f->detail.id, MessageId::kRecoverHiveNotCovered);
        continue;
      }
      ASSERT_EQ(f->status, RecoverStatus::kPartial) << RenderEnglish(f->detail);
      EXPECT_FALSE(fs_.Exists(kDir / s.original));
      ASSERT_OK_AND_ASSIGN(Bytes out,
                           fs_.Contents(kDir / (s.original + ".partial")));
      ASSERT_OK_AND_ASSIGN(Bytes encrypted, fs_.Contents(kDir / s.encrypted));
      ASSERT_EQ(out.size(), s.plain.size());
      EXPECT_EQ(f->output_size, s.plain.size());
      EXPECT_EQ(f->lost.total, lost_count);
      ASSERT_EQ(f->lost.ranges.size(), f->lost.range_count);
      EXPECT_EQ(LostFlags(*f, out.size()), expected);
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] != (expected[i] ? encrypted[i] : s.plain[i])) ++wrong;
      }
      EXPECT_EQ(wrong, 0u) << "bytes neither the original's nor left encrypted";
    }
  }

  io::MemoryFileSystem fs_;
  std::deque<Specimen> specimens_;  // Never moves what it holds.
};

TEST_F(HiveRecoverTest, APairRecoversEveryFileOfItsStream) {
  // rivitna's shortcut (§3.10 step 4): files that share (table, n1, n2)
  // share the whole keystream, so one pair decrypts them all.
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV3, 1);
  namespace gen = formats::samples;
  Add("pair.txt", gen::MakeText(120'000), table, kHiveV3, 0xDEADBEEF, 77);
  Add("same.pdf", gen::MakePdf(90'000), table, kHiveV3, 0xDEADBEEF, 77);
  Add("small.png", gen::MakePng(20, 20), table, kHiveV3, 0xDEADBEEF, 77);
  Add("empty.txt", Bytes{}, table, kHiveV3, 1, 2);
  RecoverOptions options = Options();
  options.pairs = {PairOf(specimens_[0])};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  for (const Specimen& s : specimens_) {
    SCOPED_TRACE(s.original);
    const FileOutcome* f = Outcome(report, s);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_THAT(fs_.Contents(kDir / s.original), IsOkAndHolds(s.plain));
  }
  // One pair closes no loop: v3 and v4 agree on these files, and the
  // detail says the evidence did not tell them apart.
  const FileOutcome* same = Outcome(report, specimens_[1]);
  EXPECT_EQ(same->variant, "v3 or v4");
  EXPECT_THAT(RenderEnglish(same->detail),
              HasSubstr("Hive key table " + HiveTableLabel(table.id)));
  EXPECT_THAT(RenderEnglish(same->detail), HasSubstr("--variant v3 or v4"));
}

class HiveVersionTest
    : public HiveRecoverTest,
      public ::testing::WithParamInterface<const HiveParameters*> {};

TEST_P(HiveVersionTest, ManyPairsTellTheVersionAndTheRestIsPartialExactly) {
  const HiveParameters& version = *GetParam();
  const HiveTestTable table =
      families_testing::MakeHiveTable(version, 2 + version.table_bytes);
  Rng rng{version.table_bytes};
  namespace gen = formats::samples;
  // Twelve originals of 400 KB (25 blocks under v3, 29 under v4: the
  // layouts differ), then files of every size class that are not pairs,
  // the originals' first windows together over table positions 0 to
  // 540,000 or more, the others' from 400,000 on: the small ones inside
  // what the originals cover, the largest past its end.
  const auto n2 = [&] { return rng.Next() % 20'000; };
  for (std::uint32_t i = 0; i < 12; ++i) {
    Add("twin" + std::to_string(i) + ".txt", gen::MakeText(400'000 + i), table,
        version, i * 40'000, n2());
  }
  const std::size_t sizes[] = {1, 100, 4096, 5000, 9000, 70'000, 400'000};
  for (std::size_t size : sizes) {
    Add("file" + std::to_string(size) + ".txt", gen::MakeText(size), table,
        version, static_cast<std::uint32_t>(400'000 + size / 4), n2());
  }
  RecoverOptions options = Options();
  std::vector<const Specimen*> pairs;
  for (std::size_t i = 0; i < 12; ++i) {
    pairs.push_back(&specimens_[i]);
    options.pairs.push_back(PairOf(specimens_[i]));
  }
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  ExpectExactAccounting(report, version, pairs);
  const FileOutcome* twin = Outcome(report, specimens_[0]);
  ASSERT_NE(twin, nullptr);
  EXPECT_EQ(twin->status, RecoverStatus::kRecovered);
  EXPECT_EQ(twin->variant, version.name);
  EXPECT_THAT(RenderEnglish(twin->detail),
              HasSubstr("the evidence fits " + std::string(version.name)));
  EXPECT_GT(report.counts[static_cast<std::size_t>(RecoverStatus::kPartial)],
            0u);
}

TEST_F(HiveRecoverTest, LoopsTellTheVersionWhereTheLayoutsAgree) {
  // 200 KB files have the same blocks in v3 and v4: only the equations
  // that close loops (windows that overlap) can tell the versions apart,
  // and under the wrong one they contradict.
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV4, 8);
  Rng rng{8};
  namespace gen = formats::samples;
  RecoverOptions options = Options();
  for (std::size_t i = 0; i < 30; ++i) {
    Add("t" + std::to_string(i) + ".txt", gen::MakeText(200'000), table,
        kHiveV4, rng.Next(), rng.Next());
    options.pairs.push_back(PairOf(specimens_.back()));
  }
  ASSERT_EQ(HiveBlocks(200'000, kHiveV3), HiveBlocks(200'000, kHiveV4));
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  const FileOutcome* f = Outcome(report, specimens_[0]);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
  EXPECT_EQ(f->variant, "v4");
  EXPECT_THAT(RenderEnglish(f->detail), HasSubstr("the evidence fits v4"));
  EXPECT_THAT(fs_.Contents(kDir / "t0.txt"), IsOkAndHolds(specimens_[0].plain));
}

INSTANTIATE_TEST_SUITE_P(Versions, HiveVersionTest,
                         ::testing::Values(&kHiveV3, &kHiveV4),
                         [](const auto& test) {
                           return std::string(test.param->name);
                         });

TEST_F(HiveRecoverTest, ExpectedLostIsKnownBeforeDecrypting) {
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV3, 3);
  Rng rng{3};
  namespace gen = formats::samples;
  for (int i = 0; i < 6; ++i) {
    Add("t" + std::to_string(i) + ".txt", gen::MakeText(200'000), table,
        kHiveV3, rng.Next() % 0x10000, rng.Next() % 0x1000);
  }
  recover::RunInputs inputs;
  inputs.forced = true;
  for (int i = 0; i < 4; ++i) {
    inputs.pairs.push_back(PairOf(specimens_[static_cast<std::size_t>(i)]));
  }
  ASSERT_OK_AND_ASSIGN(auto run, HiveDecryptor().Prepare(fs_, inputs));
  RecoverOptions options = Options();
  options.pairs = inputs.pairs;
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  std::uint64_t partial = 0;
  for (const Specimen& s : specimens_) {
    SCOPED_TRACE(s.original);
    recover::FileSample sample;
    sample.path = kDir / s.encrypted;
    sample.name = s.encrypted;
    sample.size = s.plain.size();
    const recover::ProbeResult probe = run->Probe(sample);
    EXPECT_EQ(probe.original_name, s.original);
    const recover::KeyOutcome key = run->FindKey(sample, probe);
    const FileOutcome* f = Outcome(report, s);
    ASSERT_NE(f, nullptr);
    if (f->status == RecoverStatus::kPartial) {
      ++partial;
      EXPECT_EQ(key.verdict, recover::KeyVerdict::kFound);
      EXPECT_EQ(key.expected_lost, f->lost.total);
      EXPECT_GT(key.expected_lost, 0u);
    } else if (f->status == RecoverStatus::kRecovered) {
      EXPECT_EQ(key.expected_lost, 0u);
    }
  }
  // Windows drawn near each other overlap: the unseen files are partly
  // covered.
  EXPECT_GT(partial, 0u);
}

TEST_F(HiveRecoverTest, AWrongOriginalIsLeftOutAndSaidSo) {
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV3, 4);
  namespace gen = formats::samples;
  // Windows close together, so the pairs check each other.
  Add("a.txt", gen::MakeText(150'000), table, kHiveV3, 1000, 50);
  Add("b.txt", gen::MakeText(150'000), table, kHiveV3, 30'000, 900);
  Add("c.txt", gen::MakeText(150'000), table, kHiveV3, 61'000, 2000);
  Add("d.txt", gen::MakeText(150'000), table, kHiveV3, 15'000, 400);
  // The user's "original" of d.txt is another version of it.
  Bytes edited = specimens_[3].plain;
  for (std::size_t i = 0; i < edited.size(); i += 97) edited[i] ^= 0x20;
  ASSERT_THAT(fs_.AddFile(kBackup / "d-edited.txt", edited), IsOk());
  RecoverOptions options = Options();
  options.variant = "v3";
  options.pairs = {PairOf(specimens_[0]),
                   PairOf(specimens_[1]),
                   PairOf(specimens_[2]),
                   {kDir / specimens_[3].encrypted, kBackup / "d-edited.txt"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  const FileOutcome* a = Outcome(report, specimens_[0]);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->status, RecoverStatus::kRecovered);
  EXPECT_THAT(RenderEnglish(a->detail),
              HasSubstr("left out as contradicting the rest (a wrong "
                        "original?): 1, the first --pair " +
                        specimens_[3].encrypted + "=d-edited.txt"));
  EXPECT_THAT(RenderEnglish(a->detail), HasSubstr("v3 as --variant says"));
  // d.txt is decrypted from the others only: never to the wrong original.
  ExpectExactAccounting(report, kHiveV3,
                        {&specimens_[0], &specimens_[1], &specimens_[2]});
}

TEST_F(HiveRecoverTest, KnownHeadersAloneRecoverTheHeaders) {
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV4, 5);
  namespace gen = formats::samples;
  Add("report.pdf", gen::MakePdf(20'000), table, kHiveV4, 123'456, 789);
  Add("photo.png", gen::MakePng(40, 40), table, kHiveV4, 98'765, 4321);
  Add("notes.txt", gen::MakeText(3000), table, kHiveV4, 5, 6);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, Options()));
  const FileOutcome* pdf = Outcome(report, specimens_[0]);
  ASSERT_NE(pdf, nullptr);
  ASSERT_EQ(pdf->status, RecoverStatus::kPartial) << RenderEnglish(pdf->detail);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs_.Contents(kDir / "report.pdf.partial"));
  EXPECT_EQ(ByteView(out).First(7), ByteView::FromString("%PDF-1."));
  ASSERT_FALSE(pdf->lost.ranges.empty());
  EXPECT_EQ(pdf->lost.ranges.front().offset, 7u);
  EXPECT_THAT(RenderEnglish(pdf->detail),
              HasSubstr("--pair originals: 0, known file headers: 2"));
  const FileOutcome* png = Outcome(report, specimens_[1]);
  ASSERT_EQ(png->status, RecoverStatus::kPartial);
  // A text file has no known header: nothing of it is covered.
  const FileOutcome* txt = Outcome(report, specimens_[2]);
  EXPECT_EQ(txt->status, RecoverStatus::kNeedsInput);
  EXPECT_THAT(RenderEnglish(txt->detail), HasSubstr("--pair ENC=ORIG"));
}

TEST_F(HiveRecoverTest, WhatCannotBeRecoveredSaysWhy) {
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV3, 6);
  Add("lonely.txt", formats::samples::MakeText(5000), table, kHiveV3, 1, 2);
  ASSERT_THAT(fs_.AddFile(kDir / "old.docx.hive", Bytes(300, 1)), IsOk());
  ASSERT_THAT(fs_.AddFile(kDir / "renamed.docx.locked", Bytes(300, 1)), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, Options()));
  const FileOutcome* lonely = Outcome(report, specimens_[0]);
  ASSERT_NE(lonely, nullptr);
  EXPECT_EQ(lonely->status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(lonely->detail.id, MessageId::kRecoverHiveNeedsEvidence);
  const FileOutcome* old = Find(report, kDir / "old.docx.hive");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(old->detail.id, MessageId::kRecoverHiveOldVersion);
  EXPECT_EQ(old->variant, "v1/v2");
  const FileOutcome* renamed = Find(report, kDir / "renamed.docx.locked");
  ASSERT_NE(renamed, nullptr);
  EXPECT_EQ(renamed->status, RecoverStatus::kError);
  EXPECT_EQ(renamed->detail.id, MessageId::kRecoverHiveNameNotDecoded);
  EXPECT_THAT(fs_.Contents(kDir / "renamed.docx.locked"),
              IsOkAndHolds(Bytes(300, 1)));
  for (const FileOutcome& f : report.files) {
    EXPECT_TRUE(HasDeclaredArgs(f.detail)) << MessageIdName(f.detail.id);
  }
}

TEST_F(HiveRecoverTest, InputsThatCannotWorkAreRefusedInPlainWords) {
  const HiveTestTable table = families_testing::MakeHiveTable(kHiveV3, 7);
  Add("a.txt", formats::samples::MakeText(5000), table, kHiveV3, 1, 2);
  ASSERT_THAT(fs_.AddFile(kBackup / "short.txt", Bytes(10, 0)), IsOk());
  ASSERT_THAT(fs_.AddFile(kDir / "plain.txt", Bytes(10, 0)), IsOk());
  RecoverOptions options = Options();
  options.pairs = {{kDir / specimens_[0].encrypted, kBackup / "short.txt"}};
  auto sizes = Recover(fs_, options);
  ASSERT_FALSE(sizes.ok());
  EXPECT_EQ(sizes.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(sizes.error().message(), HasSubstr("Hive keeps the size"));

  options.pairs = {{kDir / "plain.txt", kBackup / "short.txt"}};
  auto unnamed = Recover(fs_, options);
  ASSERT_FALSE(unnamed.ok());
  EXPECT_THAT(unnamed.error().message(),
              HasSubstr("not named as Hive v3/v4 names its files"));

  options.pairs.clear();
  options.variant = "v5";
  auto variant = Recover(fs_, options);
  ASSERT_FALSE(variant.ok());
  EXPECT_THAT(variant.error().message(), HasSubstr("v3 and v4"));
}

TEST_F(HiveRecoverTest, MoreTablesThanTheLimitAreNotSolved) {
  namespace gen = formats::samples;
  std::vector<HiveTestTable> tables;
  for (std::uint64_t t = 0; t <= kMaxHiveTables; ++t) {
    tables.push_back(families_testing::MakeHiveTable(kHiveV3, 100 + t));
    Add("doc" + std::to_string(t) + ".pdf", gen::MakePdf(3000), tables.back(),
        kHiveV3, 10 + static_cast<std::uint32_t>(t), 20);
  }
  RecoverOptions options = Options();
  options.threads = 1;
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs_, options));
  std::size_t too_many = 0;
  for (const Specimen& s : specimens_) {
    const FileOutcome* f = Outcome(report, s);
    ASSERT_NE(f, nullptr);
    if (f->detail.id == MessageId::kRecoverHiveTooManyTables) {
      ++too_many;
      EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
    } else {
      EXPECT_EQ(f->status, RecoverStatus::kPartial);
    }
  }
  EXPECT_EQ(too_many, 1u);
}

}  // namespace
}  // namespace kintsugi::families
