// The pipeline's promises under faults, through the in-memory file system:
// a full disk at every write position, short writes, a refused folder and a
// crash after every N-th mutation leave every original byte-identical and
// no unverified output under a final name, and a rerun finishes the job.

#include "recover/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/testing/status_matchers.h"
#include "families/registry.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/journal.h"

namespace kintsugi::recover {
namespace {

using ::testing::HasSubstr;

const Path kDir = "/v";

struct World {
  io::MemoryFileSystem fs;
  std::map<std::string, Bytes> encrypted;  // Path -> bytes.
  std::map<std::string, Bytes> plain;      // Expected output path -> bytes.
};

// Three small Jigsaw specimens (one in a subfolder).
void MakeWorld(World& w) {
  ASSERT_THAT(w.fs.AddDirs(kDir / "sub"), IsOk());
  const std::pair<Path, std::size_t> files[] = {
      {kDir / "a.txt", 40}, {kDir / "b.txt", 17}, {kDir / "sub" / "c.txt", 33}};
  for (const auto& [path, size] : files) {
    const Bytes plain = formats::samples::MakeText(size);
    const Bytes enc = families_testing::JigsawEncrypt(plain, 1);
    const Path enc_path = path.string() + ".fun";
    ASSERT_THAT(w.fs.AddFile(enc_path, enc), IsOk());
    w.encrypted[enc_path.string()] = enc;
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

bool InJournal(const std::string& path) {
  return path.find(std::string(kJournalDirName)) != std::string::npos;
}

// The invariants that hold after any failure.
void ExpectNothingLost(World& w, const std::string& where) {
  SCOPED_TRACE(where);
  for (const auto& [path, bytes] : w.encrypted) {
    auto now = w.fs.Contents(path);
    ASSERT_TRUE(now.has_value()) << path << " vanished";
    EXPECT_TRUE(*now == bytes) << path << " changed";
  }
  for (const std::string& path : w.fs.ListAllFiles()) {
    if (w.encrypted.count(path) > 0 || InJournal(path) ||
        IsTempName(Path(path).filename().native())) {
      continue;
    }
    // Anything else under a final name is a complete, verified output.
    EXPECT_EQ(Path(path).extension(), ".txt") << path;
    auto it = w.plain.find(path);
    ASSERT_NE(it, w.plain.end()) << "unexpected file " << path;
    EXPECT_TRUE(*w.fs.Contents(path) == it->second) << path;
  }
}

// After a clean rerun: every output exactly once, no temporaries.
void ExpectFinished(World& w, const std::string& where) {
  SCOPED_TRACE(where);
  ExpectNothingLost(w, where);
  for (const auto& [path, bytes] : w.plain) {
    EXPECT_TRUE(w.fs.Exists(path)) << path << " not recovered";
  }
  for (const std::string& path : w.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native()))
        << "stale temporary " << path;
  }
}

TEST(PipelineTest, CleanRunRecoversAll) {
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w));
  EXPECT_TRUE(report.AllWell());
  ExpectFinished(w, "clean");
  // A rerun does nothing new and reports the earlier outputs.
  const auto before = w.fs.ListAllFiles();
  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w));
  EXPECT_EQ(again.counts[0], 3u);
  for (const FileOutcome& f : again.files) {
    EXPECT_THAT(f.detail, HasSubstr("earlier run"));
  }
  EXPECT_EQ(w.fs.ListAllFiles().size(), before.size());
}

TEST(PipelineTest, OutputTakesTheEncryptedFilesPermissions) {
  // A private file must not come back readable by everyone.
  World w;
  MakeWorld(w);
  ASSERT_THAT(w.fs.SetMode(kDir / "a.txt.fun", 0600), IsOk());
  ASSERT_THAT(w.fs.SetMode(kDir / "b.txt.fun", 0640), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w));
  EXPECT_TRUE(report.AllWell());
  ASSERT_OK_AND_ASSIGN(FileInfo a, w.fs.Stat(kDir / "a.txt"));
  EXPECT_EQ(a.mode, 0600u);
  ASSERT_OK_AND_ASSIGN(FileInfo b, w.fs.Stat(kDir / "b.txt"));
  EXPECT_EQ(b.mode, 0640u);
}

TEST(PipelineTest, DiskFullAtEveryWritePosition) {
  World probe;
  MakeWorld(probe);
  probe.fs.SetFaultPlan({});
  ASSERT_TRUE(RunIn(probe).has_value());
  // Bytes appended by a clean run: the journal plus the outputs.
  std::uint64_t total = 0;
  for (const std::string& path : probe.fs.ListAllFiles()) {
    if (probe.encrypted.count(path) == 0) {
      total += probe.fs.Contents(path)->size();
    }
  }
  ASSERT_GT(total, 0u);
  for (std::uint64_t at = 0; at <= total; ++at) {
    World w;
    MakeWorld(w);
    io::FaultPlan plan;
    plan.disk_full_at_byte = at;
    w.fs.SetFaultPlan(plan);
    auto report = RunIn(w);
    ExpectNothingLost(w, "disk full at " + std::to_string(at));
    w.fs.SetFaultPlan({});
    ASSERT_TRUE(RunIn(w).has_value());
    ExpectFinished(w, "rerun after disk full at " + std::to_string(at));
  }
}

TEST(PipelineTest, ShortWriteOnEveryAppend) {
  for (std::uint64_t k = 1; k <= 12; ++k) {
    World w;
    MakeWorld(w);
    io::FaultPlan plan;
    plan.short_write_on_append = k;
    w.fs.SetFaultPlan(plan);
    auto report = RunIn(w);
    ExpectNothingLost(w, "short write " + std::to_string(k));
    w.fs.SetFaultPlan({});
    ASSERT_TRUE(RunIn(w).has_value());
    ExpectFinished(w, "rerun after short write " + std::to_string(k));
  }
}

TEST(PipelineTest, RefusedTargetFolder) {
  World w;
  MakeWorld(w);
  io::FaultPlan plan;
  plan.deny_writes_under = {kDir};
  w.fs.SetFaultPlan(plan);
  auto report = RunIn(w);
  EXPECT_THAT(report, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(report.status().message(), HasSubstr("--out"));
  ExpectNothingLost(w, "refused");
  // Only a subfolder refused: per-file errors, the run goes on.
  plan.deny_writes_under = {kDir / "sub"};
  w.fs.SetFaultPlan(plan);
  ASSERT_OK_AND_ASSIGN(RecoverReport partial, RunIn(w));
  EXPECT_EQ(partial.counts[static_cast<int>(RecoverStatus::kError)], 1u);
  EXPECT_EQ(partial.counts[static_cast<int>(RecoverStatus::kRecovered)], 2u);
  ExpectNothingLost(w, "subfolder refused");
  w.fs.SetFaultPlan({});
  ASSERT_TRUE(RunIn(w).has_value());
  ExpectFinished(w, "rerun after refusal");
}

TEST(PipelineTest, CrashAfterEveryMutationThenRerunFinishes) {
  World probe;
  MakeWorld(probe);
  const std::uint64_t start = probe.fs.mutation_count();
  ASSERT_TRUE(RunIn(probe).has_value());
  const std::uint64_t mutations = probe.fs.mutation_count() - start;
  ASSERT_GT(mutations, 10u);
  for (std::uint64_t n = 0; n <= mutations; ++n) {
    World w;
    MakeWorld(w);
    io::FaultPlan plan;
    plan.crash_after_mutations = n;
    w.fs.SetFaultPlan(plan);
    auto report = RunIn(w);
    w.fs.SimulateCrashRecovery();
    const std::string where = "crash after " + std::to_string(n);
    ExpectNothingLost(w, where);
    ASSERT_TRUE(RunIn(w).has_value()) << where;
    ExpectFinished(w, where + ", rerun");
  }
}

TEST(PipelineTest, HostileInputsGetAClearStatusAndTheRunGoesOn) {
  World w;
  MakeWorld(w);
  ASSERT_THAT(w.fs.AddFile(kDir / "zero.txt.fun", Bytes{}), IsOk());
  ASSERT_THAT(w.fs.AddSymlink(kDir / "sub" / "loop", kDir), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "secret.txt.fun",
                           families_testing::JigsawEncrypt(
                               formats::samples::MakeText(50), 1)),
              IsOk());
  ASSERT_THAT(w.fs.SetReadable(kDir / "secret.txt.fun", false), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "renamed.txt",
                           families_testing::JigsawEncrypt(
                               formats::samples::MakeText(50), 1)),
              IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "other.doc.crypted", Bytes(3000, 7)), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "plain.pdf", formats::samples::MakeSample(
                                                   formats::FileKind::kPdf)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w));
  std::map<std::string, const FileOutcome*> by_name;
  for (const FileOutcome& f : report.files) {
    by_name[f.path.filename().string()] = &f;
  }
  EXPECT_EQ(by_name.at("zero.txt.fun")->status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(by_name.at("loop")->status, RecoverStatus::kUnsupported);
  EXPECT_THAT(by_name.at("loop")->detail, HasSubstr("loop"));
  EXPECT_EQ(by_name.at("secret.txt.fun")->status, RecoverStatus::kError);
  EXPECT_EQ(by_name.at("renamed.txt")->status, RecoverStatus::kUnsupported);
  EXPECT_EQ(by_name.at("other.doc.crypted")->status,
            RecoverStatus::kNeedsInput);
  EXPECT_EQ(by_name.at("plain.pdf")->status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(report.counts[static_cast<int>(RecoverStatus::kRecovered)], 3u);
  EXPECT_FALSE(report.AllWell());
}

TEST(PipelineTest, TakenNameGetsARecoveredName) {
  World w;
  MakeWorld(w);
  ASSERT_THAT(w.fs.AddFile(kDir / "a.txt", ByteView::FromString("mine")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w));
  ASSERT_OK_AND_ASSIGN(Bytes mine, w.fs.Contents(kDir / "a.txt"));
  EXPECT_EQ(std::string(mine.begin(), mine.end()), "mine");
  ASSERT_OK_AND_ASSIGN(Bytes out, w.fs.Contents(kDir / "a (recovered).txt"));
  EXPECT_TRUE(out == w.plain.at((kDir / "a.txt").string()));
  EXPECT_EQ(CandidateName("a.txt", 2, false), "a (recovered 2).txt");
  EXPECT_EQ(CandidateName("a.txt", 0, true), "a.txt.unverified");
}

TEST(PipelineTest, OutMirrorsTheTreeAndDryRunWritesNothing) {
  World w;
  MakeWorld(w);
  RecoverOptions options = Options();
  options.dry_run = true;
  const auto before = w.fs.ListAllFiles();
  ASSERT_OK_AND_ASSIGN(RecoverReport dry, RunIn(w, options));
  EXPECT_EQ(w.fs.ListAllFiles(), before);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(dry.counts[0], 3u);
  options.dry_run = false;
  options.out_dir = "/out";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w, options));
  EXPECT_TRUE(report.AllWell());
  ASSERT_OK_AND_ASSIGN(Bytes c, w.fs.Contents("/out/v/sub/c.txt"));
  EXPECT_TRUE(c == w.plain.at((kDir / "sub" / "c.txt").string()));
  EXPECT_FALSE(w.fs.Exists(kDir / "a.txt"));
}

TEST(PipelineTest, UnverifiableOutputOnlyUnderAnUnverifiedName) {
  World w;
  ASSERT_THAT(w.fs.AddDirs(kDir), IsOk());
  const Bytes junk = formats::samples::PseudoRandomBytes(1000, 5);
  ASSERT_THAT(w.fs.AddFile(kDir / "blob.docx.fun",
                           families_testing::JigsawEncrypt(junk, 1)),
              IsOk());
  RecoverOptions options = Options();
  options.verified_only = true;
  ASSERT_OK_AND_ASSIGN(RecoverReport dropped, RunIn(w, options));
  EXPECT_EQ(dropped.files[0].status, RecoverStatus::kUnverified);
  EXPECT_FALSE(w.fs.Exists(kDir / "blob.docx"));
  EXPECT_FALSE(w.fs.Exists(kDir / "blob.docx.unverified"));
  ASSERT_OK_AND_ASSIGN(RecoverReport kept, RunIn(w));
  EXPECT_EQ(kept.files[0].status, RecoverStatus::kUnverified);
  EXPECT_FALSE(w.fs.Exists(kDir / "blob.docx"));
  ASSERT_OK_AND_ASSIGN(Bytes out, w.fs.Contents(kDir / "blob.docx.unverified"));
  EXPECT_TRUE(out == junk);
}

}  // namespace
}  // namespace kintsugi::recover
