// A run and its journal (issue 16), on the in-memory file system: a rerun
// says "already done" only for outputs that still hold what was written
// (otherwise it redoes the file under a free name and says why), a
// version-1 journal's files are redone without duplicates, and a journal
// that cannot be written stops the run with one I/O error instead of one
// error per file.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/registry.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/journal.h"
#include "recover/journal_format.h"
#include "recover/pipeline.h"

namespace kintsugi::recover {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Path kDir = "/v";
const Path kJournalDir = kDir / std::string(kJournalDirName);

struct World {
  io::MemoryFileSystem fs;
  std::map<std::string, Bytes> plain;  // Output path -> expected bytes.
};

// Three Jigsaw specimens: /v/a.txt.fun, /v/b.txt.fun, /v/sub/c.txt.fun.
void MakeWorld(World& w) {
  ASSERT_THAT(w.fs.AddDirs(kDir / "sub"), IsOk());
  const std::pair<Path, std::size_t> files[] = {
      {kDir / "a.txt", 40}, {kDir / "b.txt", 17}, {kDir / "sub" / "c.txt", 33}};
  for (const auto& [path, size] : files) {
    const Bytes plain = formats::samples::MakeText(size);
    ASSERT_THAT(w.fs.AddFile(path.string() + ".fun",
                             families_testing::JigsawEncrypt(plain, 1)),
                IsOk());
    w.plain[path.string()] = plain;
  }
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 1;
  return options;
}

Result<RecoverReport> RunIn(World& w, RecoverOptions options = Options()) {
  return RunRecovery(w.fs, options, families::AllDecryptors());
}

const FileOutcome* OutcomeOf(const RecoverReport& report,
                             const std::string& encrypted) {
  for (const FileOutcome& f : report.files) {
    if (f.path == Path(encrypted)) return &f;
  }
  return nullptr;
}

void Replace(io::MemoryFileSystem& fs, const Path& path, const Bytes& bytes) {
  ASSERT_THAT(fs.Remove(path), IsOk());
  ASSERT_THAT(fs.AddFile(path, bytes), IsOk());
}

std::vector<std::string> Temporaries(io::MemoryFileSystem& fs) {
  std::vector<std::string> out;
  for (const std::string& path : fs.ListAllFiles()) {
    if (IsTempName(Path(path).filename().native())) out.push_back(path);
  }
  return out;
}

// Every file but the journal's segments (renamed by every compaction).
std::vector<std::string> FilesOutsideTheJournal(io::MemoryFileSystem& fs) {
  std::vector<std::string> out;
  for (const std::string& path : fs.ListAllFiles()) {
    if (Path(path).parent_path() != kJournalDir) out.push_back(path);
  }
  return out;
}

std::vector<std::string> SegmentsIn(io::MemoryFileSystem& fs) {
  std::vector<std::string> out;
  for (const std::string& path : fs.ListAllFiles()) {
    if (Path(path).parent_path() == kJournalDir) out.push_back(path);
  }
  return out;
}

TEST(JournalRunTest, AChangedOrMissingOutputIsRedoneAndNeverOverwritten) {
  // Regression (issue 16): an output replaced by other bytes (of the same
  // size, or another) was reported "already done" on the rerun.
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport first, RunIn(w));
  ASSERT_TRUE(first.AllWell());
  const Bytes same_size(w.plain["/v/a.txt"].size(), 'A');
  const Bytes other_size = formats::samples::MakeText(5);
  Replace(w.fs, "/v/a.txt", same_size);
  Replace(w.fs, "/v/b.txt", other_size);
  ASSERT_THAT(w.fs.Remove("/v/sub/c.txt"), IsOk());

  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w));
  EXPECT_TRUE(again.AllWell());
  struct Expect {
    const char* encrypted;
    const char* output;
    const char* plain;
    const char* reason;
  };
  const Expect expects[] = {
      {"/v/a.txt.fun", "/v/a (recovered).txt", "/v/a.txt", "has changed"},
      {"/v/b.txt.fun", "/v/b (recovered).txt", "/v/b.txt", "has changed"},
      {"/v/sub/c.txt.fun", "/v/sub/c.txt", "/v/sub/c.txt", "is gone"},
  };
  for (const Expect& e : expects) {
    SCOPED_TRACE(e.encrypted);
    const FileOutcome* f = OutcomeOf(again, e.encrypted);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered);
    EXPECT_EQ(f->output, Path(e.output));
    const std::string detail = RenderEnglish(f->detail);
    EXPECT_THAT(detail, Not(HasSubstr("already done")));
    EXPECT_THAT(detail, HasSubstr("verified; warning: the output of an "
                                  "earlier run, " +
                                  std::string(e.plain) + ", " + e.reason));
    EXPECT_TRUE(HasDeclaredArgs(f->detail));
    EXPECT_THAT(w.fs.Contents(e.output), IsOkAndHolds(w.plain[e.plain]));
  }
  // The user's bytes are where they were.
  EXPECT_THAT(w.fs.Contents("/v/a.txt"), IsOkAndHolds(same_size));
  EXPECT_THAT(w.fs.Contents("/v/b.txt"), IsOkAndHolds(other_size));

  // Now every output holds what was written: already done, nothing new.
  const auto before = FilesOutsideTheJournal(w.fs);
  ASSERT_OK_AND_ASSIGN(RecoverReport third, RunIn(w));
  for (const Expect& e : expects) {
    const FileOutcome* f = OutcomeOf(third, e.encrypted);
    ASSERT_NE(f, nullptr) << e.encrypted;
    EXPECT_EQ(RenderEnglish(f->detail), "already done by an earlier run");
    EXPECT_EQ(f->output, Path(e.output));
  }
  EXPECT_EQ(FilesOutsideTheJournal(w.fs), before);
  EXPECT_THAT(Temporaries(w.fs), ::testing::IsEmpty());
}

TEST(JournalRunTest, AVersionOneJournalsFilesAreRedoneWithoutDuplicates) {
  // docs/journal-format.md, "Compatibility": a version-1 journal cannot
  // vouch for its outputs, so its files are redone; the output stage's
  // same-content check keeps each identical output instead of adding a
  // second one.
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport first, RunIn(w));
  ASSERT_TRUE(first.AllWell());
  // Rewrite the journal as an earlier Kintsugi wrote it.
  const auto segments = SegmentsIn(w.fs);
  ASSERT_EQ(segments.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Bytes bytes, w.fs.Contents(segments[0]));
  const SegmentParse parse = ParseJournalSegment(bytes);
  ASSERT_EQ(parse.end, SegmentEnd::kClean);
  ASSERT_EQ(parse.records.size(), 9u);  // B, C and D for each file.
  Bytes v1 = EncodeJournalHeader(1);
  for (JournalRecord record : parse.records) {
    record.digest.reset();
    ASSERT_OK_AND_ASSIGN(Bytes encoded, EncodeJournalRecord(record, 1));
    v1.insert(v1.end(), encoded.begin(), encoded.end());
  }
  Replace(w.fs, segments[0], v1);
  const auto before = FilesOutsideTheJournal(w.fs);

  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w));
  EXPECT_TRUE(again.AllWell());
  ASSERT_EQ(again.files.size(), 3u);
  for (const FileOutcome& f : again.files) {
    SCOPED_TRACE(f.path.string());
    EXPECT_EQ(f.status, RecoverStatus::kRecovered);
    const std::string output = f.path.string().substr(
        0, f.path.string().size() - std::string(".fun").size());
    EXPECT_EQ(f.output, Path(output));
    EXPECT_THAT(RenderEnglish(f.detail),
                HasSubstr("already recovered (same content); warning: an "
                          "older journal has no checksum"));
  }
  EXPECT_EQ(FilesOutsideTheJournal(w.fs), before);
  for (const std::string& path : w.fs.ListAllFiles()) {
    EXPECT_THAT(path, Not(HasSubstr("(recovered"))) << path;
  }
  // The journal is version 2 now: the next run trusts the checked outputs.
  ASSERT_OK_AND_ASSIGN(RecoverReport third, RunIn(w));
  for (const FileOutcome& f : third.files) {
    EXPECT_EQ(RenderEnglish(f.detail), "already done by an earlier run");
  }
}

TEST(JournalRunTest, AJournalThatCannotBeWrittenStopsTheRun) {
  // Regression (issue 16): a full disk under the journal gave one error per
  // file and exit 1; the run stops with the journal's I/O error (exit 6)
  // and starts no new file.
  World w;
  MakeWorld(w);
  RecoverOptions options = Options();
  int done = 0;
  options.on_progress = [&](const RecoverProgress&) {
    // After the first file, every append fails as on a full disk.
    if (++done == 1) {
      w.fs.SetFaultPlan(io::FaultPlan::FailOperation(
          io::Operation::kAppend, 0, StatusCode::kResourceExhausted));
    }
  };
  auto report = RunIn(w, options);
  EXPECT_EQ(done, 1);
  EXPECT_THAT(report, StatusIs(StatusCode::kIoError));
  EXPECT_THAT(report.status().message(),
              HasSubstr("cannot write the journal in " + kJournalDir.string()));
  int outputs = 0;
  for (const auto& [path, bytes] : w.plain) {
    if (w.fs.Exists(path)) {
      ++outputs;
      EXPECT_THAT(w.fs.Contents(path), IsOkAndHolds(bytes));
    }
  }
  EXPECT_EQ(outputs, 1);
  EXPECT_THAT(Temporaries(w.fs), ::testing::IsEmpty());

  w.fs.SetFaultPlan({});
  ASSERT_OK_AND_ASSIGN(RecoverReport rest, RunIn(w));
  EXPECT_TRUE(rest.AllWell());
  for (const auto& [path, bytes] : w.plain) {
    EXPECT_THAT(w.fs.Contents(path), IsOkAndHolds(bytes)) << path;
  }
}

TEST(JournalRunTest, AFailedJournalAppendIsNeverAPerFileError) {
  // Each append of the rest of a run fails in turn (after the first file):
  // an output's append is that file's error and the run goes on; a
  // journal's append stops the run with the journal's I/O error. Either
  // way nothing is left half done, and a rerun finishes with each output
  // exactly once.
  int stopped = 0;
  int went_on = 0;
  for (std::uint64_t nth = 1; nth <= 24; ++nth) {
    SCOPED_TRACE("append " + std::to_string(nth));
    World w;
    MakeWorld(w);
    RecoverOptions options = Options();
    bool armed = false;
    options.on_progress = [&](const RecoverProgress&) {
      if (armed) return;
      armed = true;
      w.fs.SetFaultPlan(io::FaultPlan::FailOperation(
          io::Operation::kAppend, nth, StatusCode::kResourceExhausted));
    };
    auto report = RunIn(w, options);
    if (!report) {
      ++stopped;
      EXPECT_THAT(report, StatusIs(StatusCode::kIoError));
      EXPECT_THAT(report.status().message(), HasSubstr("journal"));
    } else {
      ++went_on;
      for (const FileOutcome& f : report->files) {
        EXPECT_NE(f.detail.id, MessageId::kRecoverCannotJournal) << f.path;
      }
    }
    EXPECT_THAT(Temporaries(w.fs), ::testing::IsEmpty());
    w.fs.SetFaultPlan({});
    ASSERT_OK_AND_ASSIGN(RecoverReport rest, RunIn(w));
    EXPECT_TRUE(rest.AllWell());
    for (const auto& [path, bytes] : w.plain) {
      EXPECT_THAT(w.fs.Contents(path), IsOkAndHolds(bytes)) << path;
    }
    for (const std::string& path : w.fs.ListAllFiles()) {
      EXPECT_THAT(path, Not(HasSubstr("(recovered"))) << path;
    }
    EXPECT_THAT(Temporaries(w.fs), ::testing::IsEmpty());
  }
  // Both kinds of append were hit.
  EXPECT_GT(stopped, 0);
  EXPECT_GT(went_on, 0);
}

}  // namespace
}  // namespace kintsugi::recover
