// Scan on the in-memory file system with the real decryptors and the
// built-in KB: each class, errors, excludes, names-only, the timeline, and
// the JSON contract of issue 11.

#include "kintsugi/scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/testing/status_matchers.h"
#include "crypto/rsa_oaep.h"
#include "families/black_basta/black_basta.h"
#include "families/black_basta/testing/specimens.h"
#include "families/stop_djvu/footer.h"
#include "families/stop_djvu/testing/specimens.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/identify.h"
#include "report_json/json_shape.h"
#include "scan/aggregate.h"
#include "scan/scan_run.h"

namespace kintsugi {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using Json = nlohmann::json;

std::string SourceFile(const std::string& relative) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::ifstream in(std::string(root != nullptr ? root : ".") + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const identify::CompiledKb> Kb() {
  static const auto kb = *identify::CompileBuiltInKb();
  return kb;
}

const crypto::RsaPrivateKey& StopKey() {
  static const crypto::RsaPrivateKey key =
      *crypto::RsaPrivateKey::Generate(2048);
  return key;
}

ByteView Text(const std::string& text) { return ByteView::FromString(text); }

// A small attacked tree: two families' files, a note, random data, the
// victim's own files, a folder that cannot be listed and a link.
class ScanTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Bytes pdf = formats::samples::MakePdf(3000);
    ASSERT_THAT(fs_.AddFile("/v/a/report.pdf.fun",
                            families_testing::JigsawEncrypt(pdf)),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/v/a/letter.pdf.fun",
                            families_testing::JigsawEncrypt(pdf, 2)),
                IsOk());
    stop_id_ = families_testing::MakeStopPersonalId(7, /*offline=*/false);
    auto stop = families_testing::StopDjvuEncrypt(
        formats::samples::MakeJpeg(200'000), StopKey(), stop_id_,
        families_testing::MakeStopUuid(7));
    ASSERT_TRUE(stop.has_value());
    stop_size_ = stop->size();
    ASSERT_THAT(fs_.AddFile("/v/a/photo.jpg.boop", *stop), IsOk());
    ASSERT_THAT(fs_.AddFile("/v/a/_readme.txt",
                            Text(SourceFile("kb/notes/stop-djvu/stop.txt"))),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/v/b/blob.bin",
                            formats::samples::PseudoRandomBytes(20'000, 3)),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/v/b/minutes.txt",
                            Text("Minutes of the meeting of the garden club. "
                                 "We agreed to plant more tulips.\n")),
                IsOk());
    ASSERT_THAT(fs_.AddFile("/v/b/empty.dat", ByteView()), IsOk());
    // A note name of HelloXD's, but the victim's own text.
    ASSERT_THAT(fs_.AddFile("/v/b/hello.txt", Text("hello\n")), IsOk());
    ASSERT_THAT(fs_.AddFile("/v/b/image.png", formats::samples::MakePng(8, 8)),
                IsOk());
    ASSERT_THAT(fs_.AddSymlink("/v/b/up", "/v"), IsOk());
    ASSERT_THAT(fs_.AddDirs("/v/locked"), IsOk());
    ASSERT_THAT(fs_.AddFile("/v/locked/x.txt", Text("x")), IsOk());
    ASSERT_THAT(fs_.SetMode("/v/locked", 0), IsOk());
  }

  ScanOptions Options() {
    ScanOptions options;
    options.paths = {"/v"};
    options.kb = Kb();
    options.threads = 3;
    return options;
  }

  std::map<std::string, std::string> Classes(const ScanReport& report) {
    std::map<std::string, std::string> classes;
    for (const ScannedFile& f : report.files) {
      classes[f.path.string()] =
          std::string(ScanClassName(f.klass)) + ":" + f.family;
    }
    return classes;
  }

  io::MemoryFileSystem fs_;
  std::string stop_id_;
  std::size_t stop_size_ = 0;
};

TEST_F(ScanTreeTest, EachFileGetsItsClass) {
  auto report = RunScan(fs_, Options());
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(Classes(*report),
              ElementsAre(Pair("/v/a/_readme.txt", "note:stop-djvu"),
                          Pair("/v/a/letter.pdf.fun", "encrypted:jigsaw"),
                          Pair("/v/a/photo.jpg.boop", "encrypted:stop-djvu"),
                          Pair("/v/a/report.pdf.fun", "encrypted:jigsaw"),
                          Pair("/v/b/blob.bin", "suspicious:"),
                          Pair("/v/b/empty.dat", "clean:"),
                          Pair("/v/b/hello.txt", "clean:"),
                          Pair("/v/b/image.png", "clean:"),
                          Pair("/v/b/minutes.txt", "clean:")));
  EXPECT_EQ(report->count(ScanClass::kEncrypted), 3u);
  EXPECT_EQ(report->count(ScanClass::kNote), 1u);
  EXPECT_EQ(report->count(ScanClass::kSuspicious), 1u);
  EXPECT_EQ(report->count(ScanClass::kClean), 4u);
  EXPECT_EQ(report->symlinks_skipped, 1u);
  // The folder that cannot be listed is an error, not a failure.
  ASSERT_EQ(report->errors.size(), 1u);
  EXPECT_EQ(report->errors[0].path, "/v/locked");
  EXPECT_EQ(report->errors[0].error.id, MessageId::kRecoverCannotList);
}

TEST_F(ScanTreeTest, FamiliesSayWhatIsRecoverableAndWhatItNeeds) {
  auto report = RunScan(fs_, Options());
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->families.size(), 2u);
  const FamilyVerdict& jigsaw = report->families[0];
  EXPECT_EQ(jigsaw.family, "jigsaw");
  EXPECT_EQ(jigsaw.files, 2u);
  EXPECT_EQ(jigsaw.decryptor, "jigsaw");
  EXPECT_EQ(jigsaw.strategy, "hard-coded-key");
  EXPECT_EQ(jigsaw.recoverable_now, 2u);  // The keys are built in.
  EXPECT_THAT(jigsaw.needs, IsEmpty());
  const FamilyVerdict& stop = report->families[1];
  EXPECT_EQ(stop.family, "stop-djvu");
  EXPECT_EQ(stop.files, 1u);
  EXPECT_EQ(stop.notes, 1u);
  EXPECT_EQ(stop.decryptor, "stop-djvu");
  EXPECT_EQ(stop.recoverable_now, 0u);  // No key store.
  EXPECT_THAT(stop.needs, ElementsAre("key-in-store"));
  EXPECT_THAT(stop.note_paths, ElementsAre(Path("/v/a/_readme.txt")));
  EXPECT_THAT(stop.campaigns, ElementsAre(stop_id_));
  // STOP/Djvu encrypts at most 150 KiB after the first 5 bytes.
  const ScannedFile& photo = report->files[2];
  ASSERT_EQ(photo.path, "/v/a/photo.jpg.boop");
  EXPECT_EQ(photo.campaign, stop_id_);
  ASSERT_TRUE(photo.intact_bytes.has_value());
  EXPECT_EQ(*photo.intact_bytes,
            stop_size_ - families::kStopFooterBytes - 153'600);
  EXPECT_FALSE(photo.intact_at_least);
  EXPECT_EQ(photo.original_size, stop_size_ - families::kStopFooterBytes);
  // Jigsaw encrypts every byte.
  EXPECT_EQ(report->files[1].intact_bytes, 0u);
}

TEST_F(ScanTreeTest, ReadsOnlyHeadsAndTailsOnce) {
  auto report = RunScan(fs_, Options());
  ASSERT_THAT(report, IsOk());
  std::uint64_t bound = 0;
  for (const ScannedFile& f : report->files) {
    bound += f.path.extension() == ".txt"
                 ? f.size
                 : std::min<std::uint64_t>(f.size, 4096 + 512);
  }
  EXPECT_LE(report->bytes_read, bound);
  EXPECT_GT(report->bytes_read, 0u);
}

TEST_F(ScanTreeTest, ExcludesLeaveOutNamesAndPaths) {
  ScanOptions options = Options();
  options.excludes = {"b", "/v/a/*.fun"};
  auto report = RunScan(fs_, options);
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(Classes(*report),
              ElementsAre(Pair("/v/a/_readme.txt", "note:stop-djvu"),
                          Pair("/v/a/photo.jpg.boop", "encrypted:stop-djvu")));
  EXPECT_EQ(report->excluded, 3u);  // Folder b and two files.

  // A family known by its note alone still gets this build's decryptor.
  options.excludes.push_back("*.boop");
  report = RunScan(fs_, options);
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->families.size(), 1u);
  EXPECT_EQ(report->families[0].files, 0u);
  EXPECT_EQ(report->families[0].notes, 1u);
  EXPECT_EQ(report->families[0].decryptor, "stop-djvu");
  EXPECT_THAT(report->families[0].needs, ElementsAre("key-in-store"));
}

TEST_F(ScanTreeTest, NamesOnlyOpensNothing) {
  // Any open fails: a scan that opened a file would report an error.
  fs_.SetFaultPlan(io::FaultPlan::FailOperation(io::Operation::kOpenForRead, 1,
                                                StatusCode::kIoError));
  ScanOptions options = Options();
  options.names_only = true;
  auto report = RunScan(fs_, options);
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->errors.size(), 1u);  // Only the locked folder.
  EXPECT_EQ(report->bytes_read, 0u);
  const auto classes = Classes(*report);
  EXPECT_EQ(classes.at("/v/a/_readme.txt"), "note:stop-djvu");
  EXPECT_EQ(classes.at("/v/a/report.pdf.fun"), "encrypted:jigsaw");
  EXPECT_EQ(classes.at("/v/b/blob.bin"), "clean:");  // Nothing read.
  EXPECT_EQ(report->count(ScanClass::kSuspicious), 0u);
  for (const ScannedFile& f : report->files) EXPECT_FALSE(f.recoverable_now);
}

TEST_F(ScanTreeTest, AnUnreadableFileIsAnErrorOfItsOwn) {
  ASSERT_THAT(fs_.SetMode("/v/b/blob.bin", 0), IsOk());
  auto report = RunScan(fs_, Options());
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->files.size(), 8u);
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].path, "/v/b/blob.bin");
  EXPECT_EQ(report->errors[0].error.id, MessageId::kRecoverCannotOpen);
}

TEST_F(ScanTreeTest, ALoopIsReportedNotFollowedForever) {
  ScanOptions options = Options();
  options.follow_symlinks = true;
  auto report = RunScan(fs_, options);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->files.size(), 9u);  // Each file once.
  bool loop = false;
  for (const ScanError& e : report->errors) {
    loop |= e.error.id == MessageId::kRecoverFolderVisited;
  }
  EXPECT_TRUE(loop);
}

TEST_F(ScanTreeTest, TheJsonHasTheIssuesContract) {
  auto report = RunScan(fs_, Options());
  ASSERT_THAT(report, IsOk());
  const Json json = Json::parse(ScanReportJson(*report));
  const Json& summary = json.at("summary");
  EXPECT_EQ(summary.at("files"), 9);
  EXPECT_EQ(summary.at("encrypted"), 3);
  EXPECT_EQ(summary.at("notes"), 1);
  EXPECT_EQ(summary.at("suspicious"), 1);
  EXPECT_EQ(summary.at("clean"), 4);
  EXPECT_EQ(summary.at("by_family"), (Json{{"jigsaw", 2}, {"stop-djvu", 1}}));
  EXPECT_TRUE(summary.at("first_encrypted").is_string());
  EXPECT_TRUE(summary.at("last_encrypted").is_string());
  const Json& family = json.at("families").at(0);
  for (const char* key :
       {"family", "files", "decryptor", "recoverable_now", "needs"}) {
    EXPECT_TRUE(family.contains(key)) << key;
  }
  const Json& file = json.at("files").at(1);
  EXPECT_EQ(file.at("path"), "/v/a/letter.pdf.fun");
  EXPECT_EQ(file.at("class"), "encrypted");
  EXPECT_EQ(file.at("family"), "jigsaw");
  EXPECT_TRUE(file.at("size").is_number_unsigned());
  EXPECT_TRUE(file.at("mtime").is_string());
  EXPECT_EQ(json.at("errors").at(0).at("path"), "/v/locked");
  EXPECT_TRUE(json.at("errors").at(0).at("error").is_string());
  EXPECT_EQ(json.at("files").at(4).at("family"), nullptr);  // blob.bin
  EXPECT_EQ(json.at("files").at(4).at("class"), "suspicious");
  // Every key and type, as tests/json/scan.shape.json lists them.
  const Json shape = Json::parse(SourceFile("tests/json/scan.shape.json"));
  EXPECT_THAT(testing::JsonShapeErrors(json, shape), IsEmpty()) << json.dump(2);

  // recover --from-scan takes exactly the files recoverable now.
  auto recoverable = RecoverableFromScanJson(ScanReportJson(*report));
  ASSERT_THAT(recoverable, IsOk());
  EXPECT_THAT(*recoverable, ElementsAre(Path("/v/a/letter.pdf.fun"),
                                        Path("/v/a/report.pdf.fun")));
  EXPECT_THAT(RecoverableFromScanJson("{\"verdict\": 1}"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      RecoverableFromScanJson(R"({"summary": {"counts": {}}, "files": []})"),
      StatusIs(StatusCode::kInvalidArgument));  // recover's
  EXPECT_THAT(RecoverableFromScanJson("not json"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(ScanTimelineTest, FirstLastAndFilesPerMinute) {
  constexpr std::int64_t kMinute = 60'000'000'000;
  const std::int64_t t0 = 1'700'000'000LL * 1'000'000'000LL;  // 14 Nov 2023.
  ScanReport report;
  auto add = [&](ScanClass klass, std::int64_t mtime, const char* path) {
    ScannedFile f;
    f.path = path;
    f.klass = klass;
    f.family = klass == ScanClass::kEncrypted ? "jigsaw" : "";
    f.mtime_ns = mtime;
    report.files.push_back(f);
  };
  add(ScanClass::kEncrypted, t0 + 5 * kMinute + 1, "/x/a.fun");
  add(ScanClass::kEncrypted, t0 + 5 * kMinute + 2, "/x/b.fun");
  add(ScanClass::kClean, t0 - 100 * kMinute, "/x/old.txt");  // Not counted.
  add(ScanClass::kEncrypted, t0 + 7 * kMinute + 30'000'000'000, "/y/c.FUN");
  scan::Aggregate({}, report);
  EXPECT_EQ(report.first_encrypted_ns, t0 + 5 * kMinute + 1);
  EXPECT_EQ(report.last_encrypted_ns, t0 + 7 * kMinute + 30'000'000'000);
  const std::int64_t m0 = scan::MinuteOf(t0 + 5 * kMinute);
  EXPECT_THAT(report.per_minute,
              ElementsAre(Pair(m0, 2u), Pair(m0 + 2 * kMinute, 1u)));
  EXPECT_THAT(report.by_folder,
              ElementsAre(Pair(Path("/x"), 2u), Pair(Path("/y"), 1u)));
  EXPECT_THAT(report.by_extension, ElementsAre(Pair(".fun", 3u)));
  const Json json = Json::parse(ScanReportJson(report));
  EXPECT_EQ(json.at("summary").at("first_encrypted"), "2023-11-14T22:18:20Z");
  EXPECT_EQ(json.at("timeline").at("per_minute").at(0).at("minute"),
            "2023-11-14T22:18:00Z");
  EXPECT_EQ(json.at("timeline").at("per_minute").at(1).at("files"), 1);
  EXPECT_EQ(scan::MinuteOf(-1), -kMinute);
}

TEST(ScanExcludeTest, NamesAndPaths) {
  EXPECT_TRUE(scan::MatchesExclude("*.iso", "/a/b/disk.iso"));
  EXPECT_FALSE(scan::MatchesExclude("*.iso", "/a/b/disk.iso.fun"));
  EXPECT_TRUE(scan::MatchesExclude("node_modules", "/a/node_modules"));
  EXPECT_TRUE(scan::MatchesExclude("/a/*/tmp", "/a/b/tmp"));
  EXPECT_FALSE(scan::MatchesExclude("/a/*/tmp", "/c/b/tmp"));
}

TEST(ScanOptionsTest, NoPathOrAnEmptyPatternIsRefused) {
  io::MemoryFileSystem fs;
  EXPECT_THAT(RunScan(fs, ScanOptions{}),
              StatusIs(StatusCode::kInvalidArgument));
  ScanOptions options;
  options.paths = {"/"};
  options.excludes = {""};
  EXPECT_THAT(RunScan(fs, options), StatusIs(StatusCode::kInvalidArgument));
}

// Issue 17: a file a key recovers only in part counts as recoverable now
// and partly. Black Basta over "1 GiB" (the test threshold: 64 KiB) loses
// bytes 64..4,999; one up to it loses nothing; one under 5,000 bytes has
// no key without its original.
TEST(ScanPartialTest, BlackBastaFilesOverTheThresholdArePartlyRecoverable) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/v"), IsOk());
  // Zero regions with text here and there: K shows in them.
  Bytes disk(300'000, 0);
  const Bytes text = formats::samples::MakeText(2'000);
  for (std::size_t at = 20'000; at + text.size() <= disk.size(); at += 50'000) {
    std::copy(text.begin(), text.end(),
              disk.begin() + static_cast<std::ptrdiff_t>(at));
  }
  families::BlackBastaSettings settings;
  settings.large_from = 64 * 1024;
  families_testing::BlackBastaSpecimen spec;
  spec.large_from = settings.large_from;
  spec.block = families_testing::MakeBlackBastaBlock(1);
  ASSERT_THAT(fs.AddFile("/v/big.vmdk.abcdefghi",
                         families_testing::BlackBastaEncrypt(disk, spec)),
              IsOk());
  spec.block = families_testing::MakeBlackBastaBlock(2);
  ASSERT_THAT(fs.AddFile("/v/mid.vmdk.abcdefghj",
                         families_testing::BlackBastaEncrypt(
                             ByteView(disk).First(60'000), spec)),
              IsOk());
  ASSERT_THAT(fs.AddFile("/v/small.txt.abcdefghk",
                         families_testing::BlackBastaEncrypt(
                             formats::samples::MakeText(3'000), spec)),
              IsOk());
  const auto decryptor = families::MakeBlackBastaDecryptor(settings);
  const recover::Decryptor* const decryptors[] = {decryptor.get()};
  ScanOptions options;
  options.paths = {"/v"};
  options.kb = Kb();
  options.threads = 2;
  ASSERT_OK_AND_ASSIGN(ScanReport report,
                       scan::RunScanWith(fs, options, decryptors));
  std::map<std::string, const ScannedFile*> files;
  for (const ScannedFile& f : report.files) {
    files[f.path.filename().string()] = &f;
  }
  ASSERT_EQ(files.size(), 3u);
  const ScannedFile* big = files["big.vmdk.abcdefghi"];
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->decryptor, "black-basta");
  EXPECT_TRUE(big->recoverable_now);
  EXPECT_TRUE(big->recoverable_partly);
  EXPECT_EQ(big->lost_bytes, 4'936u);
  const ScannedFile* mid = files["mid.vmdk.abcdefghj"];
  ASSERT_NE(mid, nullptr);
  EXPECT_TRUE(mid->recoverable_now);
  EXPECT_FALSE(mid->recoverable_partly);
  const ScannedFile* small = files["small.txt.abcdefghk"];
  ASSERT_NE(small, nullptr);
  EXPECT_FALSE(small->recoverable_now);
  EXPECT_EQ(small->detail.id, MessageId::kRecoverBlackBastaSmall);
  ASSERT_EQ(report.families.size(), 1u);
  EXPECT_EQ(report.families[0].family, "blackbasta");
  EXPECT_EQ(report.families[0].recoverable_now, 2u);
  EXPECT_EQ(report.families[0].recoverable_partly, 1u);
}

}  // namespace
}  // namespace kintsugi
