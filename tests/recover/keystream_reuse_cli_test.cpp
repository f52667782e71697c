// End to end (issue 17, keystream reuse): `kintsugi recover --json`
// through the real binary for Black Basta (recovery-schemes-2.md §3.9) and
// CryptXXX v1 (recovery-schemes-3.md §3.13). Black Basta: a VMDK-like disk
// image whose zero regions give its block without any input, recovered
// whole; a file under 5,000 bytes opened by --pair, kept as NAME.partial
// with exact accounting; a file whose encryption was interrupted; 64 known
// bytes given with --known. CryptXXX: one pair opens the other files of the
// infection, and a file longer than the pair's original is partial. (The
// class over 1 GiB is exercised through the same pipeline with a scaled
// threshold in src/families/black_basta/black_basta_test.cpp.)
//
// Specimens (recovery-schemes.md §0): synthetic plaintext, blocks and RC4
// keys drawn locally, one explicit file at a time in a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/black_basta/testing/specimens.h"
#include "families/cryptxxx/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::FileEntry;
using testing::JsonText;
using testing::ReadJson;

namespace stdfs = std::filesystem;

void Write(const Path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes Read(const Path& path) {
  auto bytes = ReadWholeFile(RealFileSystem(), path, 1 << 24);
  return bytes.ok() ? *bytes : Bytes();
}

// A "VMDK-like" disk image: a descriptor, then text here and there among
// zeros.
Bytes SparseDisk(std::size_t size) {
  Bytes disk(size, 0);
  const std::string descriptor =
      "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\n";
  std::copy(descriptor.begin(), descriptor.end(), disk.begin());
  const Bytes text = formats::samples::MakeText(4096);
  for (std::size_t at = 70'000; at + text.size() <= size; at += 100'000) {
    std::copy(text.begin(), text.end(),
              disk.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return disk;
}

class KeystreamReuseCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("keystream-reuse");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    originals_ = dir_ / "originals";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    ASSERT_TRUE(stdfs::create_directories(originals_));
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  nlohmann::json Recover(std::vector<std::string> extra, int want_exit) {
    std::vector<std::string> args = {"recover", victim_.string(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Path out = dir_ / "out.json";
    EXPECT_EQ(testing::RunCliToFile(args, out), want_exit);
    return ReadJson(out);
  }

  Path dir_;
  Path victim_;
  Path originals_;
};

TEST_F(KeystreamReuseCli, BlackBastaZeroRegionsPairsAndAnInterruptedRun) {
  families_testing::BlackBastaSpecimen spec;
  // The disk: its zero regions give K.
  const Bytes disk = SparseDisk(800'000);
  spec.block = families_testing::MakeBlackBastaBlock(1);
  ASSERT_THAT(
      families_testing::WriteBlackBastaSpecimen(
          RealFileSystem(), victim_, "vm-flat.vmdk.sah28vut5", disk, spec),
      IsOk());
  // A database whose run was interrupted half-way.
  const Bytes db = formats::samples::MakeSqlite(150'000);
  spec.block = families_testing::MakeBlackBastaBlock(2);
  spec.counter = db.size() / 2;
  ASSERT_THAT(families_testing::WriteBlackBastaSpecimen(
                  RealFileSystem(), victim_, "half.sqlite.k2m9x0q1z", db, spec),
              IsOk());
  spec.counter.reset();
  // A small text: only its first block can come back, from its original.
  const Bytes small = formats::samples::MakeText(3'200);
  spec.block = families_testing::MakeBlackBastaBlock(3);
  ASSERT_THAT(families_testing::WriteBlackBastaSpecimen(
                  RealFileSystem(), victim_, "memo.txt.p0o9i8u7y", small, spec),
              IsOk());
  Write(originals_ / "memo.txt", small);
  const Bytes small_enc = Read(victim_ / "memo.txt.p0o9i8u7y");

  const nlohmann::json report =
      Recover({"--family", "black-basta", "--pair",
               (victim_ / "memo.txt.p0o9i8u7y").string() + "=" +
                   (originals_ / "memo.txt").string()},
              1);  // memo.txt is partial; the VMDK unverified (no validator).
  ASSERT_FALSE(report.is_discarded());

  const nlohmann::json* f = FileEntry(report, "vm-flat.vmdk.sah28vut5");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "unverified") << f->dump();
  EXPECT_EQ((*f)["key_source"], "encrypted zero regions (5 blocks)");
  EXPECT_FALSE(f->contains("partial"));
  EXPECT_TRUE(Read(victim_ / "vm-flat.vmdk.unverified") == disk);

  f = FileEntry(report, "half.sqlite.k2m9x0q1z");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["status"], "recovered") << f->dump();
  EXPECT_THAT(JsonText(*f, "/detail"),
              ::testing::HasSubstr("encryption stopped at byte " +
                                   std::to_string(db.size() / 2)));
  EXPECT_TRUE(Read(victim_ / "half.sqlite") == db);

  f = FileEntry(report, "memo.txt.p0o9i8u7y");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["status"], "partial") << f->dump();
  EXPECT_EQ((*f)["partial"]["size"], 3'200);
  EXPECT_EQ((*f)["partial"]["bytes_recovered"], 64);
  EXPECT_EQ((*f)["partial"]["bytes_lost"], 3'136);
  ASSERT_EQ((*f)["partial"]["lost_ranges"].size(), 1u);
  EXPECT_EQ((*f)["partial"]["lost_ranges"][0]["offset"], 64);
  EXPECT_EQ((*f)["partial"]["lost_ranges"][0]["length"], 3'136);
  EXPECT_FALSE(stdfs::exists(victim_ / "memo.txt"));
  const Bytes out = Read(victim_ / "memo.txt.partial");
  ASSERT_EQ(out.size(), 3'200u);
  EXPECT_EQ(ByteView(out).First(64), ByteView(small).First(64));
  EXPECT_EQ(ByteView(out).Last(3'136),
            ByteView(small_enc).First(3'200).Last(3'136));
  // The pair's block is reported, reusable on that file.
  const nlohmann::json keys = report["summary"]["keys"];
  ASSERT_EQ(keys.size(), 1u) << report["summary"].dump();
  EXPECT_EQ(keys[0]["decryptor"], "black-basta");
  EXPECT_EQ(
      keys[0]["key"],
      ToHex(ByteView(families_testing::MakeBlackBastaBlock(3).data(), 64)));
  // The originals are untouched.
  EXPECT_TRUE(Read(originals_ / "memo.txt") == small);
}

TEST_F(KeystreamReuseCli, BlackBastaKnownBytes) {
  const Bytes text = formats::samples::MakeText(40'000);
  families_testing::BlackBastaSpecimen spec;
  spec.block = families_testing::MakeBlackBastaBlock(4);
  ASSERT_THAT(families_testing::WriteBlackBastaSpecimen(
                  RealFileSystem(), victim_, "notes.txt.a1b2c3d4e", text, spec),
              IsOk());
  // Without input: what to give.
  nlohmann::json report = Recover({}, 1);
  const nlohmann::json* f = FileEntry(report, "notes.txt.a1b2c3d4e");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "needs_input");
  EXPECT_THAT(JsonText(*f, "/detail"), ::testing::HasSubstr("--known"));
  // 64 bytes at 192 * 10, given in hex, offset in hex.
  const std::string known =
      "0x780:" + ToHex(ByteView(text).First(1'920 + 64).Last(64));
  report = Recover({"--family", "black-basta", "--known", known}, 0);
  f = FileEntry(report, "notes.txt.a1b2c3d4e");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "recovered") << f->dump();
  EXPECT_EQ((*f)["key_source"], "--known");
  EXPECT_TRUE(Read(victim_ / "notes.txt") == text);
}

TEST_F(KeystreamReuseCli, KnownNeedsWellFormedBytesAndAFamily) {
  const Path out = dir_ / "out.txt";
  EXPECT_EQ(testing::RunCliToFile(
                {"recover", victim_.string(), "--known", "0:00"}, out),
            3);
  EXPECT_EQ(testing::RunCliToFile({"recover", victim_.string(), "--family",
                                   "black-basta", "--known", "zz:00"},
                                  out),
            3);
  EXPECT_EQ(testing::RunCliToFile({"recover", victim_.string(), "--family",
                                   "black-basta", "--known", "12:0g"},
                                  out),
            3);
}

TEST_F(KeystreamReuseCli, CryptxxxOnePairAndALongerFile) {
  const Bytes key = families_testing::MakeCryptxxxKey(7);
  const Bytes pdf = formats::samples::MakePdf(30'000);
  const Bytes png = formats::samples::MakeSample(formats::FileKind::kPng, 0);
  const Bytes big = formats::samples::MakeText(90'000);
  const Bytes backup = formats::samples::MakeText(50'000);
  for (const auto& [name, plain] :
       std::vector<std::pair<std::string, const Bytes*>>{
           {"report.pdf.crypt", &pdf},
           {"logo.png.crypt", &png},
           {"big.txt.crypt", &big},
           {"backup.txt.crypt", &backup}}) {
    ASSERT_THAT(families_testing::WriteCryptxxxSpecimen(
                    RealFileSystem(), victim_, name, *plain, key),
                IsOk());
  }
  ASSERT_THAT(families_testing::WriteCryptxxxNotes(RealFileSystem(), victim_),
              IsOk());
  Write(originals_ / "backup.txt", backup);
  const nlohmann::json report =
      Recover({"--family", "cryptxxx", "--pair",
               (victim_ / "backup.txt.crypt").string() + "=" +
                   (originals_ / "backup.txt").string()},
              1);  // big.txt is partial.
  ASSERT_FALSE(report.is_discarded());
  for (const auto& [name, plain] :
       std::vector<std::pair<std::string, const Bytes*>>{
           {"report.pdf", &pdf}, {"logo.png", &png}, {"backup.txt", &backup}}) {
    SCOPED_TRACE(name);
    const nlohmann::json* f = FileEntry(report, name + ".crypt");
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_TRUE(Read(victim_ / name) == *plain);
  }
  const nlohmann::json* f = FileEntry(report, "big.txt.crypt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["status"], "partial") << f->dump();
  EXPECT_EQ((*f)["partial"]["bytes_recovered"], 50'000);
  EXPECT_EQ((*f)["partial"]["bytes_lost"], 40'000);
  EXPECT_EQ((*f)["partial"]["lost_ranges"][0]["offset"], 50'000);
  const Bytes out = Read(victim_ / "big.txt.partial");
  ASSERT_EQ(out.size(), big.size());
  EXPECT_EQ(ByteView(out).First(50'000), ByteView(big).First(50'000));
  EXPECT_FALSE(stdfs::exists(victim_ / "big.txt"));
}

}  // namespace
}  // namespace kintsugi
