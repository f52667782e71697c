// The names-only screen (name_screen.h) changes nothing but the work done:
// a scan that lists clean files and one that screens them give every file
// the same verdict; the decryptors' NameSuffixes() claims hold for their
// probes; NameCarriesNothing never passes a name ParseFileName finds
// something in.

#include "scan/name_screen.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/registry.h"
#include "identify/file_evidence.h"
#include "io/memory_file_system.h"
#include "kintsugi/identify.h"
#include "kintsugi/scan.h"
#include "scan/scan_run.h"

namespace kintsugi {
namespace {

std::shared_ptr<const identify::CompiledKb> Kb() {
  static const auto kb = *identify::CompileBuiltInKb();
  return kb;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Every extension some decryptor of this build takes, as written.
std::vector<std::string> DecryptorExtensions() {
  std::vector<std::string> out;
  for (const recover::Decryptor* d : families::AllDecryptors()) {
    for (std::string_view e : d->info().extensions) out.emplace_back(e);
  }
  return out;
}

// Counts Stat calls: a screened name is never stat'ed.
class CountingFs final : public ReadOnlyFileSystem {
 public:
  explicit CountingFs(ReadOnlyFileSystem& fs) : fs_(fs) {}
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& p) override {
    return fs_.OpenForRead(p);
  }
  Result<FileInfo> Stat(const Path& p, bool follow) override {
    ++stats;
    return fs_.Stat(p, follow);
  }
  Result<std::vector<DirEntry>> ListDir(const Path& dir) override {
    return fs_.ListDir(dir);
  }
  std::atomic<std::uint64_t> stats{0};

 private:
  ReadOnlyFileSystem& fs_;
};

// "class:family" per path of the files a report lists (clean ones left
// out when `skip_clean`).
std::map<std::string, std::string> Verdicts(const ScanReport& report,
                                            bool skip_clean) {
  std::map<std::string, std::string> out;
  for (const ScannedFile& f : report.files) {
    if (skip_clean && f.klass == ScanClass::kClean) continue;
    out[f.path.string()] = std::string(ScanClassName(f.klass)) + ":" +
                           f.family + ":" + f.decryptor;
  }
  return out;
}

// Scans `fs` names-only three times: every name triaged (the reference),
// screened and listed, screened and counted; checks all give the same
// verdicts, and returns the reference.
ScanReport ScanBothWays(io::MemoryFileSystem& fs) {
  ScanOptions options;
  options.paths = {"/t"};
  options.kb = Kb();
  options.threads = 3;
  options.names_only = true;
  CountingFs listed_fs(fs);
  auto listed = scan::RunScanWith(listed_fs, options, families::AllDecryptors(),
                                  /*screen_names=*/false);
  EXPECT_TRUE(listed.ok());
  auto screened_listed = RunScan(fs, options);
  EXPECT_TRUE(screened_listed.ok());
  options.list_clean = false;
  CountingFs screened_fs(fs);
  auto screened = RunScan(screened_fs, options);
  EXPECT_TRUE(screened.ok());
  if (!listed.ok() || !screened.ok() || !screened_listed.ok()) return {};
  EXPECT_EQ(Verdicts(*screened_listed, false), Verdicts(*listed, false));
  EXPECT_EQ(screened_listed->counts, listed->counts);
  for (std::size_t i = 0;
       i < std::min(listed->files.size(), screened_listed->files.size()); ++i) {
    EXPECT_EQ(screened_listed->files[i].path, listed->files[i].path);
    EXPECT_EQ(screened_listed->files[i].size, listed->files[i].size);
    EXPECT_EQ(screened_listed->files[i].mtime_ns, listed->files[i].mtime_ns);
  }
  EXPECT_EQ(screened->counts, listed->counts);
  EXPECT_EQ(screened->total_files(), listed->total_files());
  EXPECT_EQ(Verdicts(*screened, false), Verdicts(*listed, true));
  EXPECT_EQ(screened->unlisted_clean, listed->count(ScanClass::kClean));
  EXPECT_EQ(screened->first_encrypted_ns, listed->first_encrypted_ns);
  EXPECT_EQ(screened->last_encrypted_ns, listed->last_encrypted_ns);
  EXPECT_LT(screened_fs.stats.load(), listed_fs.stats.load());
  return std::move(*listed);
}

TEST(NameScreenTest, ScreenedAndListedScansGiveTheSameVerdicts) {
  io::MemoryFileSystem fs;
  const std::vector<std::string> plain = {"a.txt",
                                          "b.docx",
                                          "IMG_20240101_1234.jpg",
                                          "notes 1.md",
                                          "x",
                                          "report-final.pdf",
                                          "\xc3\xa9t\xc3\xa9.txt",
                                          "1234567890123.dat",
                                          "valid-2024.csv"};
  for (const char* dir : {"/t/plain", "/t/hit", "/t/lockbit", "/t/odd"}) {
    for (const std::string& name : plain) {
      ASSERT_THAT(
          fs.AddFile(std::string(dir) + "/" + name, ByteView::FromString("x")),
          IsOk());
    }
  }
  // Files some decryptor takes by name, and a ransom note's name.
  for (const std::string_view name :
       {"f.pdf.fun", "g.doc.crypted", "README.txt", "k.doc.boop",
        "photo.jpg.locked", "h.pdf.FUN", "_readme.txt"}) {
    ASSERT_THAT(
        fs.AddFile("/t/hit/" + std::string(name), ByteView::FromString("y")),
        IsOk());
  }
  // A family this build has no decryptor for: every file of the folder is
  // its (recover::TriageFile), the screened ones too.
  // (Akira was this family until its 2024 build got a decryptor.)
  for (const std::string_view name : {"a.docx.lockbit", "b.pdf.lockbit"}) {
    ASSERT_THAT(fs.AddFile("/t/lockbit/" + std::string(name),
                           ByteView::FromString("z")),
                IsOk());
  }
  // Names with IDs, contacts and addresses written into them.
  for (const std::string_view name :
       {"f.txt.id[ABCDEF12-3456].[back@mail.io].eking", "id-123456789.txt",
        "pay.1BoatSLRHtKNngkdXEeobR76b53LETtpyT.txt",
        "x.jpg.{4F2A8C1E-77AB}.zip", "(copy) letter.txt",
        "aaaaaaaaaaaaaaaaaaaa.bin", "http___x.onion.txt"}) {
    ASSERT_THAT(
        fs.AddFile("/t/odd/" + std::string(name), ByteView::FromString("w")),
        IsOk());
  }
  // An attacker's e-mail (8Base's, from the KB) as the only evidence.
  ASSERT_THAT(fs.AddFile("/t/contact/a.docx.[8filesback@onionmail.org]",
                         ByteView::FromString("v")),
              IsOk());
  ASSERT_THAT(fs.AddFile("/t/contact/b.txt", ByteView::FromString("v")),
              IsOk());
  const ScanReport listed = ScanBothWays(fs);
  EXPECT_EQ(listed.total_files(), 4 * plain.size() + 7 + 2 + 7 + 2);
  // The folder of a family without a decryptor: its plain files too.
  const auto verdicts = Verdicts(listed, false);
  EXPECT_EQ(verdicts.at("/t/lockbit/a.txt"), "encrypted:lockbit:");
  EXPECT_EQ(verdicts.at("/t/plain/a.txt"), "clean::");
  EXPECT_EQ(verdicts.at("/t/hit/f.pdf.fun"), "encrypted:jigsaw:jigsaw");
  EXPECT_EQ(verdicts.at("/t/contact/a.docx.[8filesback@onionmail.org]"),
            "encrypted:8base:");
  EXPECT_EQ(verdicts.at("/t/contact/b.txt"), "encrypted:8base:");
}

// Random names from an alphabet of what rules look at (dots, brackets,
// '@', "id", digits, the decryptors' extensions in any case), in folders
// of 40: the screen never changes a verdict.
TEST(NameScreenTest, RandomNamesGetTheSameVerdicts) {
  io::MemoryFileSystem fs;
  std::mt19937 random(20261203);
  const std::vector<std::string> pieces = {
      "a",       "B",   "7",    "0",       ".",       "_",
      "-",       " ",   "@",    "[",       "]",       "(",
      "{",       "id",  "ID",   "x",       "readme",  "README",
      "decrypt", "txt", ".txt", "mail.io", "1234567", "ABCDEF"};
  std::vector<std::string> endings = DecryptorExtensions();
  for (const std::string_view e :
       {".akira", ".lockbit", ".txt", ".pdf", ".html", ".djvu", ".1txt", ".id",
        ".encrypted"}) {
    endings.emplace_back(e);
  }
  for (int i = 0; i < 1200; ++i) {
    std::string name;
    const int parts = 1 + static_cast<int>(random() % 6);
    for (int p = 0; p < parts; ++p) name += pieces[random() % pieces.size()];
    if (random() % 3 == 0) {
      std::string ending = endings[random() % endings.size()];
      if (random() % 2 == 0) ending = Lower(ending);
      name += ending;
    }
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      continue;
    }
    const std::string path = "/t/d" + std::to_string(i % 30) + "/" + name;
    if (fs.Stat(path).ok()) continue;
    ASSERT_THAT(fs.AddFile(path, ByteView::FromString("r")), IsOk()) << path;
  }
  const ScanReport listed = ScanBothWays(fs);
  EXPECT_GT(listed.count(ScanClass::kClean), 0u);
  EXPECT_GT(listed.count(ScanClass::kEncrypted), 0u);
}

// NameSuffixes() is a promise about Probe(): with nothing but the name
// (empty head and tail), no file of another ending is taken.
TEST(NameScreenTest, DecryptorsTakeByNameOnlyTheEndingsTheyDeclare) {
  io::MemoryFileSystem fs;
  std::vector<std::string> names = {"a.txt", "b",         "c.pdf.enc",
                                    ".fun",  "x.encrypt", "readme.html"};
  for (const std::string& e : DecryptorExtensions()) {
    for (const std::string& stem :
         {std::string("photo.jpg"), std::string("x")}) {
      names.push_back(stem + e);
      names.push_back(stem + Lower(e));
      std::string upper = stem + e;
      for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      names.push_back(upper);
      names.push_back(stem + e + "1");
      names.push_back(stem + e.substr(0, e.size() - 1));
    }
  }
  std::size_t taken = 0;
  for (const recover::Decryptor* decryptor : families::AllDecryptors()) {
    auto run = decryptor->Prepare(fs, recover::RunInputs{});
    ASSERT_TRUE(run.ok()) << decryptor->info().id;
    const auto suffixes = (*run)->NameSuffixes();
    ASSERT_TRUE(suffixes.has_value())
        << decryptor->info().id << ": every decryptor of this build declares";
    for (const std::string& name : names) {
      for (const std::uint64_t size : {1u, 16u, 4096u, 4097u, 1u << 20}) {
        const recover::FileSample sample{Path("/t") / name, name, size, {}, {}};
        if ((*run)->Probe(sample).confidence == 0) continue;
        ++taken;
        const std::string lower = Lower(name);
        EXPECT_TRUE(std::any_of(
            suffixes->begin(), suffixes->end(),
            [&](const std::string& s) { return lower.ends_with(s); }))
            << decryptor->info().id << " takes " << name;
      }
    }
  }
  EXPECT_GT(taken, 0u);
}

// Hive v3/v4 names end in a random extension, which no suffix can declare:
// the KB's name rule for them keeps them from the screen (hive.cpp
// NameSuffixes), whatever their token.
TEST(NameScreenTest, HiveNamesAreLeftToTheTriage) {
  io::MemoryFileSystem fs;
  std::vector<recover::PreparedDecryptor> runs;
  for (const recover::Decryptor* decryptor : families::AllDecryptors()) {
    auto run = decryptor->Prepare(fs, recover::RunInputs{});
    ASSERT_TRUE(run.ok()) << decryptor->info().id;
    runs.push_back({decryptor, std::move(*run)});
  }
  const auto screen = scan::NameScreen::Make(Kb().get(), runs);
  ASSERT_TRUE(screen.has_value());
  std::mt19937 random(17);
  const std::string base64url =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<DirEntry> entries;
  for (int i = 0; i < 200; ++i) {
    // Random token bytes, FF at byte 32 (characters 42-43), as Hive writes.
    std::string token;
    for (int k = 0; k < 56; ++k) token += base64url[random() % 64];
    // Half of them with separators every 7 characters, so that no run of
    // letters and digits flags them as an ID.
    if (i % 2 == 0) {
      for (std::size_t k = 0; k < 56; k += 7) token[k] = '-';
    }
    token[42] = base64url[(random() % 16) * 4 + 3];
    token[43] = '_';
    entries.push_back({"doc" + std::to_string(i) + ".pdf." + token + ".ab1cd",
                       FileType::kRegular});
  }
  entries.push_back({"holiday photo.jpg", FileType::kRegular});
  std::vector<bool> plain;
  screen->Screen(entries, plain);
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    EXPECT_FALSE(plain[i]) << entries[i].name;
  }
  EXPECT_TRUE(plain.back());
}

TEST(NameScreenTest, NamesCarryingIdsOrContactsAreNotPlain) {
  EXPECT_TRUE(scan::NameCarriesNothing("report 2024-final.pdf"));
  EXPECT_TRUE(scan::NameCarriesNothing("IMG_20240101_123456.jpg"));
  EXPECT_TRUE(scan::NameCarriesNothing("valid.txt"));
  EXPECT_FALSE(scan::NameCarriesNothing("a.id[AB12CD34-3483].[x@y.io].eking"));
  EXPECT_FALSE(scan::NameCarriesNothing("id-12345678.txt"));
  EXPECT_FALSE(scan::NameCarriesNothing("back@mail.io.txt"));
  EXPECT_FALSE(scan::NameCarriesNothing("x.{ABCDEF12}.zip"));
  EXPECT_FALSE(
      scan::NameCarriesNothing("1BoatSLRHtKNngkdXEeobR76b53LETtpyT.txt"));
}

// Whatever ParseFileName finds in a name (an ID, a contact, an address),
// NameCarriesNothing refuses the name.
TEST(NameScreenTest, APlainNameHasNothingParseFileNameFinds) {
  std::mt19937 random(3);
  const std::string alphabet = "abcdefxyzABCDEF0123456789._- @[](){}/:idID";
  std::size_t found = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string name;
    const std::size_t length = 1 + random() % 48;
    for (std::size_t k = 0; k < length; ++k) {
      name += alphabet[random() % alphabet.size()];
    }
    // Long runs of letters and digits, as wallets and IDs are.
    if (random() % 4 == 0)
      name.insert(random() % name.size(), "1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
    const identify::FileNameEvidence evidence = identify::ParseFileName(name);
    const bool something = !evidence.ids.empty() ||
                           !evidence.contacts.empty() ||
                           !evidence.indicators.empty();
    if (!something) continue;
    ++found;
    EXPECT_FALSE(scan::NameCarriesNothing(name)) << name;
  }
  EXPECT_GT(found, 1000u);
}

}  // namespace
}  // namespace kintsugi
