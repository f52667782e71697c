#include "families/cryptxxx/cryptxxx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/message_testing.h"
#include "core/testing/status_matchers.h"
#include "families/cryptxxx/testing/specimens.h"
#include "families/testing/report_lookup.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using kintsugi::testing::ArgNumber;

using families_testing::CryptxxxEncrypt;
using families_testing::Find;
using families_testing::MakeCryptxxxKey;
using formats::FileKind;
using ::testing::ElementsAre;

const Path kDir = "/victim";

// RFC 6229's first vector (§3.13 "Test vectors"): the generator's RC4 is
// the real one.
TEST(CryptxxxRc4Test, Rfc6229Vector) {
  const Bytes key = *FromHex("0102030405");
  EXPECT_EQ(ToHex(families_testing::Rc4Keystream(key, 16)),
            "b2396305f03dc027ccc3524a0a1118a8");
}

RecoverOptions Options() {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "cryptxxx";
  return options;
}

bool Holds(const Message& message, MessageId id) {
  if (message.id == id) return true;
  for (const MessageArg& arg : message.args) {
    if (const auto* nested = std::get_if<std::vector<Message>>(&arg.value)) {
      for (const Message& m : *nested) {
        if (Holds(m, id)) return true;
      }
    }
  }
  return false;
}

struct Victim {
  std::string name;
  Bytes plain;
};

// One infection: one RC4 key, several files, the notes beside them.
std::vector<Victim> Infect(io::MemoryFileSystem& fs, const Bytes& key,
                           std::size_t trailer = 0) {
  std::vector<Victim> files = {
      {"report.pdf", formats::samples::MakeSample(FileKind::kPdf, 20'000)},
      {"photo.png", formats::samples::MakeSample(FileKind::kPng, 0)},
      {"letter.docx", formats::samples::MakeSample(FileKind::kOoxml, 9'000)},
      {"notes.txt", formats::samples::MakeText(5'000)},
      {"tiny.txt", formats::samples::MakeText(1)},
  };
  for (const Victim& v : files) {
    EXPECT_THAT(families_testing::WriteCryptxxxSpecimen(
                    fs, kDir, v.name + ".crypt", v.plain, key, trailer),
                IsOk());
  }
  EXPECT_THAT(families_testing::WriteCryptxxxNotes(fs, kDir), IsOk());
  return files;
}

TEST(CryptxxxTest, OnePairOpensEveryFileOfTheInfection) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes key = MakeCryptxxxKey(1);
  const std::vector<Victim> files = Infect(fs, key);
  // The pair: a large original from a backup, and its encrypted copy.
  const Bytes backup = formats::samples::MakeText(60'000);
  ASSERT_THAT(families_testing::WriteCryptxxxSpecimen(
                  fs, kDir, "backup.txt.crypt", backup, key),
              IsOk());
  ASSERT_THAT(fs.AddFile("/originals/backup.txt", backup), IsOk());
  // A file longer than the pair's original: partial.
  const Bytes big = formats::samples::MakeText(70'000);
  ASSERT_THAT(families_testing::WriteCryptxxxSpecimen(fs, kDir, "big.txt.crypt",
                                                      big, key),
              IsOk());
  RecoverOptions options = Options();
  options.pairs = {{kDir / "backup.txt.crypt", "/originals/backup.txt"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const Victim& v : files) {
    SCOPED_TRACE(v.name);
    const FileOutcome* f = Find(report, kDir / (v.name + ".crypt"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->decryptor, "cryptxxx");
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    EXPECT_EQ(f->key_source, "--pair backup.txt.crypt=backup.txt");
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / v.name));
    EXPECT_TRUE(out == v.plain);
  }
  const FileOutcome* f = Find(report, kDir / "big.txt.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kPartial) << RenderEnglish(f->detail);
  EXPECT_EQ(f->output, kDir / "big.txt.partial");
  EXPECT_EQ(f->output_size, 70'000u);
  EXPECT_EQ(f->lost.total, 10'000u);
  EXPECT_THAT(f->lost.ranges, ElementsAre(ByteRange{60'000, 10'000}));
  EXPECT_TRUE(Holds(f->detail, MessageId::kRecoverCryptxxxKeystreamShort));
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "big.txt.partial"));
  ASSERT_EQ(out.size(), big.size());
  EXPECT_EQ(ByteView(out).First(60'000), ByteView(big).First(60'000));
  // The lost bytes are the encrypted ones, unchanged.
  const Bytes encrypted = CryptxxxEncrypt(big, key);
  EXPECT_EQ(ByteView(out).Last(10'000), ByteView(encrypted).Last(10'000));
  EXPECT_FALSE(fs.Exists(kDir / "big.txt"));
  // The notes are not encrypted files.
  f = Find(report, kDir / "de_crypt_readme.txt");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->decryptor, "cryptxxx");
}

TEST(CryptxxxTest, ATrailerIsToldByThePairAndDropped) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes key = MakeCryptxxxKey(2);
  const std::vector<Victim> files = Infect(fs, key, 16);
  const Bytes original = formats::samples::MakeText(30'000);
  ASSERT_THAT(fs.AddFile("/o/a.txt", original), IsOk());
  ASSERT_THAT(fs.AddFile("/o/a.txt.crypt", CryptxxxEncrypt(original, key, 16)),
              IsOk());
  RecoverOptions options = Options();
  options.pairs = {{"/o/a.txt.crypt", "/o/a.txt"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const Victim& v : files) {
    SCOPED_TRACE(v.name);
    const FileOutcome* f = Find(report, kDir / (v.name + ".crypt"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kRecovered) << RenderEnglish(f->detail);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / v.name));
    EXPECT_TRUE(out == v.plain);
  }
  // A second pair with another trailer is not of this infection.
  ASSERT_THAT(fs.AddFile("/o/b.txt", original), IsOk());
  ASSERT_THAT(fs.AddFile("/o/b.txt.crypt", CryptxxxEncrypt(original, key, 8)),
              IsOk());
  options.pairs.push_back({"/o/b.txt.crypt", "/o/b.txt"});
  EXPECT_THAT(Recover(fs, options), StatusIs(StatusCode::kInvalidArgument));
  // Nor a pair of another key.
  ASSERT_THAT(fs.AddFile("/o/c.txt.crypt",
                         CryptxxxEncrypt(original, MakeCryptxxxKey(9), 16)),
              IsOk());
  options.pairs.back() = {"/o/c.txt.crypt", "/o/a.txt"};
  EXPECT_THAT(Recover(fs, options), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CryptxxxTest, PerFileKeysAreToldApartFromOneMisfit) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  // Every file under its own key (how v2/v3 behave): the pair's keystream
  // fits only its own file.
  const std::vector<FileKind> kinds = {FileKind::kPdf, FileKind::kPng,
                                       FileKind::kZip, FileKind::kGif};
  const std::vector<std::string> names = {"a.pdf", "b.png", "c.zip", "d.gif"};
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    ASSERT_THAT(families_testing::WriteCryptxxxSpecimen(
                    fs, kDir, names[i] + ".crypt",
                    formats::samples::MakeSample(kinds[i], 3'000),
                    MakeCryptxxxKey(100 + i)),
                IsOk());
  }
  const Bytes original = formats::samples::MakeText(10'000);
  ASSERT_THAT(fs.AddFile("/o/a.txt", original), IsOk());
  ASSERT_THAT(fs.AddFile("/o/a.txt.crypt",
                         CryptxxxEncrypt(original, MakeCryptxxxKey(200))),
              IsOk());
  RecoverOptions options = Options();
  options.pairs = {{"/o/a.txt.crypt", "/o/a.txt"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const FileOutcome* f = Find(report, kDir / (name + ".crypt"));
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
    EXPECT_EQ(f->detail.id, MessageId::kRecoverCryptxxxPerFileKeys)
        << RenderEnglish(f->detail);
    EXPECT_EQ(ArgNumber(f->detail, "misfits"), 4);
    EXPECT_EQ(ArgNumber(f->detail, "checked"), 4);
    EXPECT_FALSE(fs.Exists(kDir / name));
  }

  // One infection with a single stranger: that file alone does not fit.
  io::MemoryFileSystem mixed;
  ASSERT_THAT(mixed.AddDirs(kDir), IsOk());
  const Bytes key = MakeCryptxxxKey(3);
  Infect(mixed, key);
  ASSERT_THAT(families_testing::WriteCryptxxxSpecimen(
                  mixed, kDir, "stranger.pdf.crypt",
                  formats::samples::MakeSample(FileKind::kPdf, 3'000),
                  MakeCryptxxxKey(4)),
              IsOk());
  ASSERT_THAT(mixed.AddFile("/o/a.txt", original), IsOk());
  ASSERT_THAT(mixed.AddFile("/o/a.txt.crypt", CryptxxxEncrypt(original, key)),
              IsOk());
  ASSERT_OK_AND_ASSIGN(report, Recover(mixed, options));
  const FileOutcome* f = Find(report, kDir / "stranger.pdf.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverKeyDoesNotFit)
      << RenderEnglish(f->detail);
  // The pair's original (10,000 bytes) covers this one whole.
  f = Find(report, kDir / "notes.txt.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, RecoverStatus::kRecovered);
}

TEST(CryptxxxTest, WithoutAPairItAsksForOne) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  Infect(fs, MakeCryptxxxKey(5));
  RecoverOptions options = Options();
  options.family.clear();  // Chosen by the extension.
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  const FileOutcome* f = Find(report, kDir / "report.pdf.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->decryptor, "cryptxxx");
  EXPECT_EQ(f->status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(f->detail.id, MessageId::kRecoverCryptxxxNeedsPair);
  // Bad pairs, with --family: refused in words before any file.
  ASSERT_THAT(fs.AddFile("/o/long.txt", Bytes(500, 'a')), IsOk());
  ASSERT_THAT(fs.AddFile("/o/short.txt.crypt", Bytes(100, 'b')), IsOk());
  ASSERT_THAT(fs.AddFile("/o/empty.txt", Bytes()), IsOk());
  options = Options();
  options.pairs = {{"/o/short.txt.crypt", "/o/long.txt"}};
  EXPECT_THAT(Recover(fs, options), StatusIs(StatusCode::kInvalidArgument));
  options.pairs = {{"/o/short.txt.crypt", "/o/empty.txt"}};
  EXPECT_THAT(Recover(fs, options), StatusIs(StatusCode::kInvalidArgument));
  options.pairs.clear();
  options.key = SecretBytes(Bytes(16, 1));
  EXPECT_THAT(Recover(fs, options), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::families
