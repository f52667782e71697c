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
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/recover.h"
#include "recover/journal.h"
#include "recover/output_stage.h"
#include "recover/testing/fakes.h"

namespace kintsugi::recover {
namespace {

using fakes::FakeDecryptor;
using fakes::NoteText;
using fakes::TestKb;
using ::testing::HasSubstr;
using ::testing::Not;

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
    EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("earlier run"));
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
  EXPECT_THAT(report.status().message(), HasSubstr("--journal"));
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
  // A link inside the tree is not followed (issue 16), only counted.
  EXPECT_EQ(by_name.count("loop"), 0u);
  EXPECT_EQ(report.symlinks_skipped, 1u);
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
  EXPECT_EQ(CandidateName("a.txt", 2, OutputKind::kVerified),
            "a (recovered 2).txt");
  EXPECT_EQ(CandidateName("a.txt", 0, OutputKind::kUnverified),
            "a.txt.unverified");
}

// Removes the journal's segment files (a user deleting .kintsugi-journal).
void DeleteJournal(World& w) {
  for (const std::string& path : w.fs.ListAllFiles()) {
    if (InJournal(path)) {
      ASSERT_THAT(w.fs.Remove(path), IsOk());
    }
  }
}

TEST(PipelineTest, RerunWithoutTheJournalKeepsTheIdenticalEarlierOutput) {
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport first, RunIn(w));
  ASSERT_TRUE(first.AllWell());
  DeleteJournal(w);
  // b.txt is now a different file of the user's: it must stay, and b's
  // output goes beside it.
  ASSERT_THAT(w.fs.Remove(kDir / "b.txt"), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "b.txt", ByteView::FromString("user's")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w));
  std::map<std::string, const FileOutcome*> by_name;
  for (const FileOutcome& f : again.files) {
    by_name[f.path.filename().string()] = &f;
  }
  for (const char* name : {"a.txt.fun", "c.txt.fun"}) {
    SCOPED_TRACE(name);
    const FileOutcome& f = *by_name.at(name);
    EXPECT_EQ(f.status, RecoverStatus::kRecovered);
    EXPECT_THAT(RenderEnglish(f.detail),
                HasSubstr("already recovered (same content)"));
    EXPECT_EQ(f.output, f.path.parent_path() / f.path.stem());
  }
  const FileOutcome& b = *by_name.at("b.txt.fun");
  EXPECT_EQ(b.status, RecoverStatus::kRecovered);
  EXPECT_EQ(b.output, kDir / "b (recovered).txt");
  ASSERT_OK_AND_ASSIGN(Bytes users, w.fs.Contents(kDir / "b.txt"));
  EXPECT_EQ(std::string(users.begin(), users.end()), "user's");
  ASSERT_OK_AND_ASSIGN(Bytes b_out, w.fs.Contents(kDir / "b (recovered).txt"));
  EXPECT_TRUE(b_out == w.plain.at((kDir / "b.txt").string()));
  for (const std::string& path : w.fs.ListAllFiles()) {
    EXPECT_FALSE(IsTempName(Path(path).filename().native())) << path;
    if (path != kDir / "b (recovered).txt") {
      EXPECT_EQ(path.find("(recovered"), std::string::npos) << path;
    }
  }
  // The journal learnt the kept outputs: the next run calls them done.
  ASSERT_OK_AND_ASSIGN(RecoverReport third, RunIn(w));
  for (const FileOutcome& f : third.files) {
    if (f.path.extension() == ".fun") {
      EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("earlier run")) << f.path;
    }
  }
}

// A dry run says what the real run would do with an earlier identical
// output: keep it, not write "name (recovered).ext" beside it.
TEST(PipelineTest, DryRunSaysAnIdenticalEarlierOutputIsKept) {
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport first, RunIn(w));
  ASSERT_TRUE(first.AllWell());
  DeleteJournal(w);
  ASSERT_THAT(w.fs.Remove(kDir / "b.txt"), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "b.txt", ByteView::FromString("user's")),
              IsOk());
  // c.txt: the same bytes but one more at the end -> not the same.
  Bytes longer = w.plain.at((kDir / "sub" / "c.txt").string());
  longer.push_back('!');
  ASSERT_THAT(w.fs.Remove(kDir / "sub" / "c.txt"), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "sub" / "c.txt", longer), IsOk());
  const std::vector<std::string> before = w.fs.ListAllFiles();
  RecoverOptions options = Options();
  options.dry_run = true;
  ASSERT_OK_AND_ASSIGN(RecoverReport dry, RunIn(w, options));
  std::map<std::string, const FileOutcome*> by_name;
  for (const FileOutcome& f : dry.files) {
    by_name[f.path.filename().string()] = &f;
  }
  const FileOutcome& a = *by_name.at("a.txt.fun");
  EXPECT_EQ(a.status, RecoverStatus::kRecovered);
  EXPECT_THAT(RenderEnglish(a.detail),
              HasSubstr("already recovered (same content)"));
  EXPECT_EQ(a.output, kDir / "a.txt");
  EXPECT_EQ(by_name.at("b.txt.fun")->output, kDir / "b (recovered).txt");
  EXPECT_EQ(by_name.at("c.txt.fun")->output,
            kDir / "sub" / "c (recovered).txt");
  EXPECT_THAT(RenderEnglish(by_name.at("c.txt.fun")->detail),
              HasSubstr("would write"));
  EXPECT_EQ(w.fs.ListAllFiles(), before) << "a dry run wrote something";
}

TEST(PipelineTest, InputsInAnotherOrderDoNotDuplicateOutputs) {
  // The journal sits in the first input folder: with the subfolder first
  // the second run keeps a new, empty journal in /v/sub.
  World w;
  MakeWorld(w);
  ASSERT_OK_AND_ASSIGN(RecoverReport first, RunIn(w));
  ASSERT_TRUE(first.AllWell());
  RecoverOptions options = Options();
  options.paths = {kDir / "sub", kDir};
  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w, options));
  std::size_t kept = 0;
  for (const FileOutcome& f : again.files) {
    if (RenderEnglish(f.detail).find("already recovered (same content)") !=
        std::string::npos) {
      ++kept;
    }
  }
  EXPECT_EQ(kept, 3u);  // /v's journal is not read: every file is redone.
  ExpectFinished(w, "second order");
  for (const std::string& path : w.fs.ListAllFiles()) {
    EXPECT_EQ(path.find("(recovered"), std::string::npos) << path;
  }
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

TEST(PipelineTest, JournalDirIsHonouredAndNotWalked) {
  // --journal inside an input folder, under a name of its own: the journal
  // is kept there, not in the input folder, and its files are not inputs.
  World w;
  MakeWorld(w);
  RecoverOptions options = Options();
  options.journal_dir = kDir / "state";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w, options));
  EXPECT_TRUE(report.AllWell());
  EXPECT_EQ(report.files.size(), 3u);
  EXPECT_FALSE(w.fs.Exists(kDir / std::string(kJournalDirName)));
  bool journal_written = false;
  for (const std::string& path : w.fs.ListAllFiles()) {
    if (Path(path).parent_path() == kDir / "state") journal_written = true;
  }
  EXPECT_TRUE(journal_written);
  // The rerun finds the earlier outputs through that journal.
  ASSERT_OK_AND_ASSIGN(RecoverReport again, RunIn(w, options));
  ASSERT_EQ(again.files.size(), 3u);
  for (const FileOutcome& f : again.files) {
    EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("earlier run"));
  }
}

TEST(PipelineTest, OutKeepsInputsOfTheSameNameApart) {
  // Two different folders called docs (and two files called x.txt.fun):
  // each keeps its own output folder.
  World w;
  std::map<std::string, Bytes> expected;  // Output path -> plaintext.
  const std::pair<Path, Path> inputs[] = {
      {"/a/docs/x.txt.fun", "/out/a/docs/x.txt"},
      {"/b/docs/x.txt.fun", "/out/b/docs/x.txt"},
      {"/a/y/x.txt.fun", "/out/a/y/x.txt"},
      {"/b/x.txt.fun", "/out/b/x.txt"}};
  std::size_t size = 30;
  for (const auto& [enc, out] : inputs) {
    ASSERT_THAT(w.fs.AddDirs(enc.parent_path()), IsOk());
    const Bytes plain = formats::samples::MakeText(size++);
    ASSERT_THAT(w.fs.AddFile(enc, families_testing::JigsawEncrypt(plain, 1)),
                IsOk());
    expected[out.string()] = plain;
  }
  RecoverOptions options = Options();
  options.paths = {"/a/docs", "/b/docs", "/a/y/x.txt.fun", "/b/x.txt.fun"};
  options.out_dir = "/out";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w, options));
  EXPECT_TRUE(report.AllWell());
  for (const auto& [out, plain] : expected) {
    ASSERT_OK_AND_ASSIGN(Bytes got, w.fs.Contents(out));
    EXPECT_TRUE(got == plain) << out;
  }
  EXPECT_FALSE(w.fs.Exists("/out/docs"));

  // The rule itself: today's layout unless names collide.
  const std::vector<Path> distinct = {"/h/u/docs", "/h/u/pics"};
  EXPECT_EQ(OutputBases(distinct), (std::vector<Path>{"/h/u", "/h/u"}));
  const std::vector<Path> apart = {"/h/u/docs", "/h/v/pics"};
  EXPECT_EQ(OutputBases(apart), (std::vector<Path>{"/h/u", "/h/v"}));
  const std::vector<Path> clash = {"/h/u/a/docs", "/h/u/b/c/docs", "/h/u/e"};
  EXPECT_EQ(OutputBases(clash), (std::vector<Path>{"/h/u", "/h/u", "/h/u"}));
  const std::vector<Path> same = {"/h/docs", "/h/docs"};
  EXPECT_EQ(OutputBases(same), (std::vector<Path>{"/h", "/h"}));
  const std::vector<Path> top = {"/a/docs", "/b/docs"};
  EXPECT_EQ(OutputBases(top), (std::vector<Path>{"/", "/"}));
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

TEST(PipelineTest, EmptyNemucodFileIsRecoveredAsAnEmptyFile) {
  // Defect (issue 8): an empty file encrypted by Nemucod
  // (empty.txt.crypted, 0 bytes) was reported not_encrypted. XOR keeps the
  // size, so its original was an empty file: recovering it recreates that.
  World w;
  ASSERT_THAT(w.fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "empty.txt.crypted", Bytes()), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "empty.docx.crypted", Bytes()), IsOk());
  // Empty files that no scheme can have written stay what they are.
  ASSERT_THAT(w.fs.AddFile(kDir / "notes.txt", Bytes()), IsOk());
  ASSERT_THAT(w.fs.AddFile(kDir / "block.txt.fun", Bytes()), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, RunIn(w));
  std::map<std::string, FileOutcome> files;
  for (const FileOutcome& f : report.files) {
    files[f.path.filename().string()] = f;
  }
  for (const char* name : {"empty.txt.crypted", "empty.docx.crypted"}) {
    SCOPED_TRACE(name);
    const FileOutcome& f = files.at(name);
    EXPECT_EQ(f.status, RecoverStatus::kRecovered) << RenderEnglish(f.detail);
    EXPECT_EQ(f.decryptor, "nemucod");
    EXPECT_THAT(RenderEnglish(f.detail), HasSubstr("empty"));
  }
  EXPECT_EQ(files.at("empty.txt.crypted").output, kDir / "empty.txt");
  EXPECT_EQ(files.at("empty.docx.crypted").output, kDir / "empty.docx");
  ASSERT_OK_AND_ASSIGN(Bytes docx, w.fs.Contents(kDir / "empty.docx"));
  EXPECT_TRUE(docx.empty());
  EXPECT_EQ(files.at("notes.txt").status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(files.at("block.txt.fun").status, RecoverStatus::kNotEncrypted);
  EXPECT_EQ(RenderEnglish(files.at("block.txt.fun").detail), "empty file");
}

// --- Identify's evidence in the choice of decryptor (issue 4) -------------

// Needs input / unsupported are the outcomes here, so AllWell is false.
std::map<std::string, FileOutcome> ByName(const RecoverReport& report) {
  std::map<std::string, FileOutcome> by_name;
  for (const FileOutcome& f : report.files) {
    by_name[f.path.filename().string()] = f;
  }
  return by_name;
}

TEST(PipelineIdentifyTest, NamedFamilyWinsATieAndOnlyInItsFolder) {
  const FakeDecryptor beta("beta", "beta", ".x", 40);
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const Decryptor* decryptors[] = {&beta, &alpha};  // Beta first: wins ties.
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir / "other"), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "report.doc.x",
                         formats::samples::PseudoRandomBytes(3000, 1)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "DECRYPT.txt",
                         NoteText("alpha has locked every one of your files")),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "other" / "plan.doc.x",
                         formats::samples::PseudoRandomBytes(3000, 2)),
              IsOk());
  RecoverOptions options = Options();
  options.kb = TestKb();
  ASSERT_NE(options.kb, nullptr);

  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RunRecovery(fs, options, decryptors));
  auto files = ByName(report);
  EXPECT_EQ(files.at("report.doc.x").decryptor, "alpha");
  EXPECT_EQ(files.at("report.doc.x").status, RecoverStatus::kNeedsInput);
  EXPECT_THAT(RenderEnglish(files.at("report.doc.x").detail),
              HasSubstr("possibly Alpha from DECRYPT.txt"));
  // The note is in /v, not in /v/other: no evidence there.
  EXPECT_EQ(files.at("plan.doc.x").decryptor, "beta");
  EXPECT_THAT(RenderEnglish(files.at("plan.doc.x").detail),
              Not(HasSubstr("identif")));
  EXPECT_EQ(files.at("DECRYPT.txt").status, RecoverStatus::kNotEncrypted);

  // Without a KB, probing alone decides (the first of a tie).
  options.kb = nullptr;
  ASSERT_OK_AND_ASSIGN(RecoverReport plain,
                       RunRecovery(fs, options, decryptors));
  EXPECT_EQ(ByName(plain).at("report.doc.x").decryptor, "beta");

  // With --family the user decided: identify is not consulted.
  options.kb = TestKb();
  options.family = "beta";
  ASSERT_OK_AND_ASSIGN(RecoverReport forced,
                       RunRecovery(fs, options, decryptors));
  EXPECT_EQ(ByName(forced).at("report.doc.x").decryptor, "beta");
  EXPECT_THAT(RenderEnglish(ByName(forced).at("report.doc.x").detail),
              Not(HasSubstr("identif")));
}

TEST(PipelineIdentifyTest, CloseCallGoesToTheNamedFamilyButStructureWins) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "report.doc.x",
                         formats::samples::PseudoRandomBytes(3000, 1)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "HOW_TO_RESTORE.html",
                         NoteText("alpha has locked every one of your files")),
              IsOk());
  RecoverOptions options = Options();
  options.kb = TestKb();

  {  // 50 by name vs 40 by name: a close call, Alpha is named.
    const FakeDecryptor beta("beta", "beta", ".x", 50);
    const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
    const Decryptor* decryptors[] = {&beta, &alpha};
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         RunRecovery(fs, options, decryptors));
    EXPECT_EQ(ByName(report).at("report.doc.x").decryptor, "alpha");
  }
  {  // 90 (a structural check) vs 40 (a name): structure beats a name.
    const FakeDecryptor beta("beta", "beta", ".x", 90);
    const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
    const Decryptor* decryptors[] = {&beta, &alpha};
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         RunRecovery(fs, options, decryptors));
    EXPECT_EQ(ByName(report).at("report.doc.x").decryptor, "beta");
    EXPECT_THAT(
        RenderEnglish(ByName(report).at("report.doc.x").detail),
        HasSubstr("identify says possibly Alpha (from HOW_TO_RESTORE.html)"));
  }
  {  // Alpha's probe rejects the file: identify never makes it accept it.
    const FakeDecryptor beta("beta", "beta", ".x", 30);
    const FakeDecryptor alpha("alpha", "alpha", ".x", 0);
    const Decryptor* decryptors[] = {&beta, &alpha};
    ASSERT_OK_AND_ASSIGN(RecoverReport report,
                         RunRecovery(fs, options, decryptors));
    EXPECT_EQ(ByName(report).at("report.doc.x").decryptor, "beta");
  }
}

TEST(PipelineIdentifyTest, FamilyWithoutADecryptorIsNamedWithWhatTheKbSays) {
  const FakeDecryptor alpha("alpha", "alpha", ".x", 40);
  const Decryptor* decryptors[] = {&alpha};
  io::MemoryFileSystem fs;
  for (const char* sub : {"g", "d", "u"}) {
    ASSERT_THAT(fs.AddDirs(kDir / sub), IsOk());
  }
  ASSERT_THAT(fs.AddFile(kDir / "g" / "a.doc.gamma",
                         formats::samples::PseudoRandomBytes(3000, 3)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "d" / "b.doc.delta",
                         formats::samples::PseudoRandomBytes(3000, 4)),
              IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "u" / "c.doc.zzz",
                         formats::samples::PseudoRandomBytes(3000, 5)),
              IsOk());
  RecoverOptions options = Options();
  options.kb = TestKb();
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       RunRecovery(fs, options, decryptors));
  auto files = ByName(report);
  const FileOutcome& gamma = files.at("a.doc.gamma");
  EXPECT_EQ(gamma.status, RecoverStatus::kUnsupported);
  EXPECT_THAT(RenderEnglish(gamma.detail),
              HasSubstr("identified as Gamma Locker (gamma)"));
  EXPECT_THAT(RenderEnglish(gamma.detail), HasSubstr("a.doc.gamma"));
  EXPECT_THAT(RenderEnglish(gamma.detail),
              HasSubstr("No offline recovery is known for this family"));
  const FileOutcome& delta = files.at("b.doc.delta");
  EXPECT_EQ(delta.status, RecoverStatus::kUnsupported);
  EXPECT_THAT(RenderEnglish(delta.detail),
              HasSubstr("its decryptor (delta-tool) is not in this version"));
  EXPECT_THAT(RenderEnglish(delta.detail),
              HasSubstr("an encrypted file and its original"));
  // An "unknown" verdict changes nothing.
  EXPECT_EQ(files.at("c.doc.zzz").status, RecoverStatus::kUnsupported);
  EXPECT_EQ(RenderEnglish(files.at("c.doc.zzz").detail),
            "no decryptor recognises this file");
  for (const FileOutcome& f : report.files) {
    EXPECT_TRUE(fakes::DeclaredThroughout(f.detail)) << f.path;
  }
}

}  // namespace
}  // namespace kintsugi::recover
