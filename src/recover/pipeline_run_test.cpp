// The seams of a run: it runs on the worker pool under one stop token
// carrying both Ctrl-C (RecoverOptions::cancel) and a deadline, and a
// stopped run says which of the two stopped it; its inputs are read through
// a read-only file system, its outputs written through a writable one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/registry.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/output_stage.h"
#include "recover/pipeline.h"

namespace kintsugi::recover {
namespace {

const Path kDir = "/v";

// Three Jigsaw specimens, "a.txt.fun" to "c.txt.fun".
void MakeFiles(io::MemoryFileSystem& fs) {
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    const Bytes plain = formats::samples::MakeText(40);
    ASSERT_THAT(fs.AddFile(kDir / (std::string(name) + ".fun"),
                           families_testing::JigsawEncrypt(plain, 1)),
                IsOk());
  }
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 1;
  return options;
}

TEST(PipelineStopTest, ADeadlineInThePastProcessesNoFileAndSaysSo) {
  io::MemoryFileSystem fs;
  MakeFiles(fs);
  RecoverOptions options = Options();
  options.deadline = std::chrono::steady_clock::now() - std::chrono::hours(1);
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RunRecovery(fs, options, families::AllDecryptors()));
  EXPECT_TRUE(report.files.empty());
  EXPECT_TRUE(report.cancelled);
  EXPECT_EQ(report.stopped_by, StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(report.AllWell());
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    EXPECT_FALSE(fs.Exists(kDir / name)) << name;
  }
}

TEST(PipelineStopTest, CancelDuringARunStartsNoNewFile) {
  io::MemoryFileSystem fs;
  MakeFiles(fs);
  std::atomic<bool> cancel{false};
  RecoverOptions options = Options();
  options.cancel = &cancel;
  // Ctrl-C once the first file is done: one worker, so nothing else is in
  // flight, and no further file may start.
  options.on_progress = [&](const RecoverProgress&) { cancel = true; };
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RunRecovery(fs, options, families::AllDecryptors()));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered);
  EXPECT_TRUE(report.cancelled);
  EXPECT_EQ(report.stopped_by, StatusCode::kCancelled);
  EXPECT_TRUE(fs.Exists(kDir / "a.txt"));
  EXPECT_FALSE(fs.Exists(kDir / "b.txt"));
  EXPECT_FALSE(fs.Exists(kDir / "c.txt"));

  // A rerun without the cancel finishes the job.
  ASSERT_OK_AND_ASSIGN(RecoverReport rest,
                       RunRecovery(fs, Options(), families::AllDecryptors()));
  EXPECT_FALSE(rest.cancelled);
  EXPECT_EQ(rest.stopped_by, StatusCode::kOk);
  EXPECT_TRUE(rest.AllWell());
  EXPECT_TRUE(fs.Exists(kDir / "b.txt"));
  EXPECT_TRUE(fs.Exists(kDir / "c.txt"));
}

TEST(PipelineSourceTest, InputsAreReadThroughAReadOnlySource) {
  io::MemoryFileSystem fs;
  MakeFiles(fs);
  const std::unique_ptr<ReadOnlyFileSystem> source = ReadOnlyView(fs);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(*source, fs, Options()));
  EXPECT_TRUE(report.AllWell());
  ASSERT_EQ(report.files.size(), 3u);
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    EXPECT_TRUE(fs.Exists(kDir / name)) << name;
  }
}

TEST(PipelineSourceTest, OutputsGoToAnotherFileSystemThanTheSource) {
  // The source holds the encrypted files, the destination only the outputs
  // and the journal: every read of an input goes through the source. Both
  // number their inodes alike, so the walk must not skip the input folder
  // as "--out" by the destination's identity of /out.
  io::MemoryFileSystem source;
  MakeFiles(source);
  const std::vector<std::string> before = source.ListAllFiles();
  io::MemoryFileSystem out;
  RecoverOptions options = Options();
  options.out_dir = "/out";
  const std::unique_ptr<ReadOnlyFileSystem> view = ReadOnlyView(source);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(*view, out, options));
  EXPECT_TRUE(report.AllWell());
  ASSERT_EQ(report.files.size(), 3u);
  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    EXPECT_TRUE(out.Exists(Path("/out/v") / name)) << name;
  }

  EXPECT_EQ(source.ListAllFiles(), before);
}

}  // namespace
}  // namespace kintsugi::recover
