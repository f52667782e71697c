// Rhysida through the library (recovery-schemes-3.md §3.10): specimens of
// the reconstruction model (MODEL, UNVERIFIED: they test that the search
// finds what the model put in, not that the model is Rhysida's), several
// workers' files interleaved in time, recovered by the seed search and the
// file-order reconstruction; readings other than the first found by trying
// the candidates in turn; files the order cannot place said honestly.

#include "families/rhysida/rhysida.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/rhysida/model.h"
#include "families/rhysida/search.h"
#include "families/rhysida/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using families_testing::ArgText;
using families_testing::Find;
using families_testing::RhysidaRun;
using formats::FileKind;
using formats::samples::MakeSample;
using kintsugi::testing::ArgNumber;
using kintsugi::testing::Nested;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const Path kDir = "/victim";
constexpr std::int64_t kNs = 1'000'000'000;

struct Planted {
  std::string name;  // Without .rhysida.
  Bytes plain;
  unsigned worker;
  std::uint64_t index;
  std::int64_t after_ms;  // Modification time after the seed.
};

// `file` encrypted by `run`, modified `file.after_ms` after `clock` (by
// default the run's seed: the attack's start).
void Plant(io::MemoryFileSystem& fs, const RhysidaRun& run, const Planted& file,
           std::uint32_t clock = 0) {
  if (clock == 0) clock = run.seed;
  ASSERT_THAT(fs.AddFile(kDir / (file.name + ".rhysida"),
                         families_testing::RhysidaEncrypt(
                             file.plain, run, file.worker, file.index),
                         static_cast<std::int64_t>(clock) * kNs +
                             file.after_ms * 1'000'000),
              IsOk());
}

RecoverOptions Search(std::uint32_t seed,
                      std::map<std::string, std::string> readings = {}) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "rhysida";
  options.seed_range = std::make_pair(std::uint64_t{seed} - 20, seed + 20);
  options.journal_dir = "/state";
  options.family_options = std::move(readings);
  return options;
}

// Three workers, their files interleaved in time: worker 1's files 0, 1, 2,
// worker 2's 0 and 1, worker 3's 0; two of them finished in the same
// second in the opposite order of their index.
std::vector<Planted> Interleaved() {
  return {
      {"report.pdf", MakeSample(FileKind::kPdf, 3000), 2, 0, 1200},
      {"photo.png", MakeSample(FileKind::kPng, 2000), 1, 0, 1500},
      {"cat.jpg", MakeSample(FileKind::kJpeg, 5000), 3, 0, 1700},
      {"notes.txt", MakeSample(FileKind::kText, 900), 1, 1, 2100},
      {"old.doc", MakeSample(FileKind::kOle2, 1500), 2, 1, 2600},
      // Same time: taken in name order, a-later (file 3) before b-earlier.
      {"a-later.png", MakeSample(FileKind::kPng, 1200), 1, 3, 3000},
      {"b-earlier.pdf", MakeSample(FileKind::kPdf, 1800), 1, 2, 3000},
  };
}

void ExpectRecovered(io::MemoryFileSystem& fs, const RecoverReport& report,
                     const std::vector<Planted>& planted, std::uint32_t seed) {
  for (const Planted& file : planted) {
    const FileOutcome* f = Find(report, kDir / (file.name + ".rhysida"));
    ASSERT_NE(f, nullptr) << file.name;
    EXPECT_EQ(f->status, RecoverStatus::kRecovered)
        << file.name << ": " << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(f->output));
    EXPECT_THAT(out, ElementsAreArray(file.plain)) << file.name;
    const Message* key = Nested(f->detail, MessageId::kRecoverRhysidaKey);
    ASSERT_NE(key, nullptr) << RenderEnglish(f->detail);
    EXPECT_TRUE(HasDeclaredArgs(*key));
    EXPECT_EQ(ArgNumber(*key, "seed"), seed);
    EXPECT_EQ(ArgNumber(*key, "worker"), file.worker) << file.name;
    EXPECT_EQ(ArgNumber(*key, "index"), file.index) << file.name;
  }
}

TEST(RhysidaTest, InterleavedWorkersFilesAreAllPlacedAndRecovered) {
  RhysidaRun run;
  run.seed = 1700000000;  // 2023-11-14, Rhysida's active years.
  run.procs = 3;
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::vector<Planted> planted = Interleaved();
  for (const Planted& file : planted) Plant(fs, run, file);
  // PROCS not given: workers 1..64 are tried.
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Search(run.seed)));
  ExpectRecovered(fs, report, planted, run.seed);
  ASSERT_EQ(report.keys.size(), 1u);
  const Message& found = report.keys[0].detail;
  EXPECT_EQ(found.id, MessageId::kRecoverRhysidaSeedFound);
  EXPECT_TRUE(HasDeclaredArgs(found));
  EXPECT_EQ(ArgNumber(found, "placed"), 7);
  EXPECT_EQ(ArgText(found, "reading"),
            "feed byte, draw 32+16, counter be, chunks whole, trailer 512");
  EXPECT_EQ(ArgText(found, "sample"), "report.pdf.rhysida");
  EXPECT_EQ(ArgNumber(found, "worker"), 2);
  // The originals are untouched.
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf.rhysida"));
  EXPECT_EQ(still.size(), planted[0].plain.size() + 512);
}

// Each reading other than the first of its list is found by trying them in
// turn: feed le32, the little-endian counter, a 1024-byte trailer, and a
// chunk rule the user lists after "whole".
TEST(RhysidaTest, OtherReadingsAreFoundByTryingTheCandidatesInTurn) {
  RhysidaRun run;
  run.seed = 1690000000;
  run.procs = 2;
  run.reading.feed = rhysida::Feed::kLe32;
  run.reading.counter = rhysida::Counter::kLittleEndian;
  run.reading.trailer = 1024;
  ASSERT_OK_AND_ASSIGN(run.reading.chunks,
                       rhysida::ParseChunkRule("stripes:1k:4k"));
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::vector<Planted> planted = {
      {"a.png", MakeSample(FileKind::kPng, 9000), 2, 0, 400},
      {"b.pdf", MakeSample(FileKind::kPdf, 12000), 1, 0, 800},
      {"c.png", MakeSample(FileKind::kPng, 6000), 2, 1, 900},
  };
  for (const Planted& file : planted) Plant(fs, run, file);
  ASSERT_OK_AND_ASSIGN(
      RecoverReport report,
      Recover(fs,
              Search(run.seed, {{"rhysida-procs", "2"},
                                {"rhysida-chunks", "whole,stripes:1k:4k"}})));
  ExpectRecovered(fs, report, planted, run.seed);
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(ArgText(report.keys[0].detail, "reading"),
            "feed le32, draw 32+16, counter le, chunks stripes:1024:4096, "
            "trailer 1024");
}

TEST(RhysidaTest, FilesTheOrderCannotPlaceAreSaidNotRecovered) {
  RhysidaRun run;
  run.seed = 1700000000;
  run.procs = 2;
  RhysidaRun other = run;
  other.seed = 1600000000;  // Another machine's run, copied in later.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::vector<Planted> planted = {
      {"report.pdf", MakeSample(FileKind::kPdf, 3000), 1, 0, 1000},
      {"photo.png", MakeSample(FileKind::kPng, 2000), 2, 0, 1100},
  };
  for (const Planted& file : planted) Plant(fs, run, file);
  Plant(fs, other,
        {"stranger.png", MakeSample(FileKind::kPng, 2000), 1, 0, 1500},
        run.seed);
  Plant(fs, run, {"data.xyz", Bytes(3000, 0x41), 1, 1, 1600});
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(run.seed, {{"rhysida-procs", "2"}})));
  ExpectRecovered(fs, report, planted, run.seed);
  const FileOutcome* stranger = Find(report, kDir / "stranger.png.rhysida");
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ(stranger->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(stranger->detail.id, MessageId::kRecoverRhysidaUnresolved)
      << RenderEnglish(stranger->detail);
  EXPECT_TRUE(stranger->output.empty());
  const FileOutcome* unknown = Find(report, kDir / "data.xyz.rhysida");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(unknown->detail.id, MessageId::kRecoverRhysidaUncheckable);
}

TEST(RhysidaTest, NoSeedInTheWindowIsSaidAndNothingIsWritten) {
  RhysidaRun run;
  run.seed = 1700000000;
  run.procs = 1;
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Plant(fs, run, {"report.pdf", MakeSample(FileKind::kPdf, 3000), 1, 0, 100});
  RecoverOptions options = Search(run.seed, {{"rhysida-procs", "1"}});
  options.seed_range = std::make_pair(std::uint64_t{run.seed} + 10,
                                      std::uint64_t{run.seed} + 40);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverSeedClockNotFound);
  EXPECT_TRUE(report.keys.empty());
}

// --shard K/N: the parts of one search cover the window once; the part
// whose chunks hold the seed recovers the file, the other says what it
// covered without it.
TEST(RhysidaTest, TwoShardsSplitTheWindowAndOneFindsTheSeed) {
  RhysidaRun run;
  run.seed = 1700000000;
  run.procs = 2;
  const Bytes pdf = MakeSample(FileKind::kPdf, 3000);
  std::vector<RecoverStatus> statuses;
  for (const char* shard : {"1/2", "2/2"}) {
    io::MemoryFileSystem fs;
    ASSERT_THAT(fs.AddDirs(kDir), IsOk());
    Plant(fs, run, {"report.pdf", pdf, 2, 0, 100});
    RecoverOptions options = Search(run.seed, {{"rhysida-procs", "2"}});
    options.seed_range = std::make_pair(std::uint64_t{run.seed} - 300,
                                        std::uint64_t{run.seed} + 300);
    options.shard = shard;
    ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
    ASSERT_EQ(report.files.size(), 1u);
    statuses.push_back(report.files[0].status);
    if (report.files[0].status != RecoverStatus::kRecovered) {
      EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverSeedClockNotFound)
          << RenderEnglish(report.files[0].detail);
    }
  }
  // The search starts at the file's time, just above the seed: chunk 0,
  // shard 1's.
  EXPECT_EQ(statuses,
            (std::vector<RecoverStatus>{RecoverStatus::kRecovered,
                                        RecoverStatus::kKeyNotFound}));
}

TEST(RhysidaTest, WithoutFamilyTheFileSaysHowToSearch) {
  RhysidaRun run;
  run.seed = 1700000000;
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Plant(fs, run, {"report.pdf", MakeSample(FileKind::kPdf, 3000), 1, 0, 100});
  RecoverOptions options;
  options.paths = {kDir};
  options.journal_dir = "/state";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].decryptor, "rhysida");
  EXPECT_EQ(report.files[0].status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverRhysidaSearchNeeded);
}

TEST(RhysidaTest, BadReadingsAreRefused) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"rhysida-feed", "nibble"},
           {"rhysida-ctr", "be,middle"},
           {"rhysida-procs", "0"},
           {"rhysida-procs", "12x"},
           {"rhysida-draw", "32"},
           {"rhysida-chunks", "stripes:100:50"},
           {"rhysida-trailer", "-1"}}) {
    EXPECT_EQ(Recover(fs, Search(1700000000, {{name, value}})).status().code(),
              StatusCode::kInvalidArgument)
        << name << "=" << value;
  }
}

}  // namespace
}  // namespace kintsugi::families
