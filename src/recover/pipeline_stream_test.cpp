// A run as a stream (issue 16): each file is processed once however often
// the inputs name it, links inside the tree are not followed, and outcomes
// reach RecoverOptions::on_file in walk order instead of piling up in the
// report.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/registry.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/pipeline.h"

namespace kintsugi::recover {
namespace {

using ::testing::ElementsAre;

const Path kDir = "/d";

void AddJigsaw(io::MemoryFileSystem& fs, const Path& path) {
  ASSERT_THAT(fs.AddFile(path, families_testing::JigsawEncrypt(
                                   formats::samples::MakeText(40), 1)),
              IsOk());
}

Result<RecoverReport> RunOn(io::MemoryFileSystem& fs, std::vector<Path> paths,
                            unsigned threads = 2) {
  RecoverOptions options;
  options.paths = std::move(paths);
  options.threads = threads;
  options.journal_dir = "/journal";
  return RunRecovery(fs, options, families::AllDecryptors());
}

std::vector<std::string> Names(const RecoverReport& report) {
  std::vector<std::string> names;
  for (const FileOutcome& f : report.files) names.push_back(f.path.string());
  return names;
}

TEST(PipelineStreamTest, TheSameFileTwiceIsRecoveredOnce) {
  for (const std::vector<Path>& inputs : std::vector<std::vector<Path>>{
           {kDir / "scan.txt.fun", kDir / "scan.txt.fun"},
           {kDir / "scan.txt.fun", kDir / "." / "scan.txt.fun"},
           {kDir, kDir / "scan.txt.fun"},
           {kDir / "scan.txt.fun", kDir},
           {kDir, kDir}}) {
    SCOPED_TRACE(inputs.back().string());
    io::MemoryFileSystem fs;
    AddJigsaw(fs, kDir / "scan.txt.fun");
    ASSERT_OK_AND_ASSIGN(RecoverReport report, RunOn(fs, inputs));
    EXPECT_THAT(Names(report), ElementsAre("/d/scan.txt.fun"));
    EXPECT_EQ(report.counts[static_cast<int>(RecoverStatus::kRecovered)], 1u);
    EXPECT_EQ(report.duplicates_skipped, 1u);
    EXPECT_TRUE(fs.Exists(kDir / "scan.txt"));
    EXPECT_FALSE(fs.Exists(kDir / "scan (recovered).txt"));
  }
}

TEST(PipelineStreamTest, LinksAreFollowedOnlyWhenAskedAndOnlyOnce) {
  io::MemoryFileSystem fs;
  AddJigsaw(fs, "/elsewhere/x.txt.fun");
  AddJigsaw(fs, kDir / "a.txt.fun");
  ASSERT_THAT(fs.AddSymlink(kDir / "link", "/elsewhere"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kDir / "link2", "/elsewhere"), IsOk());
  ASSERT_THAT(fs.AddSymlink(kDir / "root", "/"), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport plain, RunOn(fs, {kDir}));
  EXPECT_THAT(Names(plain), ElementsAre("/d/a.txt.fun"));
  EXPECT_EQ(plain.symlinks_skipped, 3u);
  EXPECT_FALSE(fs.Exists("/elsewhere/x.txt"));

  RecoverOptions options;
  options.paths = {kDir};
  options.journal_dir = "/journal2";
  options.follow_symlinks = true;
  ASSERT_OK_AND_ASSIGN(RecoverReport followed,
                       RunRecovery(fs, options, families::AllDecryptors()));
  EXPECT_EQ(followed.symlinks_skipped, 0u);
  EXPECT_EQ(followed.counts[static_cast<int>(RecoverStatus::kRecovered)], 2u);
  EXPECT_TRUE(fs.Exists(kDir / "link" / "x.txt"));
}

TEST(PipelineStreamTest, OutcomesReachOnFileInWalkOrderAndNotTheReport) {
  io::MemoryFileSystem fs;
  std::vector<std::string> expected;
  for (int folder = 0; folder < 3; ++folder) {
    for (int i = 0; i < 40; ++i) {
      const Path path = kDir / ("f" + std::to_string(folder)) /
                        ("n" + std::to_string(100 + i) + ".txt.fun");
      AddJigsaw(fs, path);
      expected.push_back(path.string());
    }
  }
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 4;
  options.journal_dir = "/journal";
  std::vector<std::string> seen;
  options.on_file = [&](FileOutcome&& outcome) {
    EXPECT_EQ(outcome.status, RecoverStatus::kRecovered);
    seen.push_back(outcome.path.string());
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RunRecovery(fs, options, families::AllDecryptors()));
  EXPECT_TRUE(report.files.empty());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(report.counts[static_cast<int>(RecoverStatus::kRecovered)], 120u);
  EXPECT_TRUE(report.AllWell());
}

}  // namespace
}  // namespace kintsugi::recover
