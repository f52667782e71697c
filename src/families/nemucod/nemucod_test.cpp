#include "families/nemucod/nemucod.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/testing/status_matchers.h"
#include "families/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/recover.h"
#include "recover/strategies.h"

namespace kintsugi::families {
namespace {

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::HasSubstr;

const Path kDir = "/victim";

const FileOutcome* Find(const RecoverReport& report, const Path& path) {
  for (const FileOutcome& f : report.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

struct Variant {
  std::uint64_t region;
  std::size_t key_length;
};

// §3.2 "Observed (H, K)", plus a period that is none of them.
const Variant kVariants[] = {
    {2048, 255}, {1024, 36}, {1024, 102}, {1024, 1024}, {2048, 7}};

TEST(NemucodTest, DerivesEveryObservedVariantFromOnePair) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(std::to_string(v.region) + "/" + std::to_string(v.key_length));
    const auto key = families_testing::MakeNemucodKey(v.key_length, v.region,
                                                      v.key_length + 1);
    const Bytes plain = MakeSample(FileKind::kPdf, 5000);
    const Bytes enc = families_testing::NemucodEncrypt(plain, key);
    ASSERT_OK_AND_ASSIGN(auto derived, recover::DeriveRepeatingXorKey(
                                           enc, plain, kNemucodRegions));
    EXPECT_EQ(derived.region, v.region);
    EXPECT_EQ(derived.key, key.key);
  }
}

TEST(NemucodTest, PairsThatCannotBePairsAreRefusedInPlainWords) {
  const Bytes plain = MakeSample(FileKind::kPdf, 5000);
  Bytes other = plain;
  other.push_back(0);
  EXPECT_THAT(recover::DeriveRepeatingXorKey(other, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(recover::DeriveRepeatingXorKey(plain, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  Bytes late = plain;
  late[3000] ^= 1;
  EXPECT_THAT(recover::DeriveRepeatingXorKey(late, plain, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
  const Bytes small(500, 1);
  const Bytes small_enc(500, 2);
  EXPECT_THAT(recover::DeriveRepeatingXorKey(small_enc, small, kNemucodRegions),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(NemucodTest, ShortestPeriod) {
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("010203010203")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("0102030102")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("010203")), 3u);
  EXPECT_EQ(recover::ShortestPeriod(*FromHex("0101")), 1u);
}

class NemucodRunTest : public ::testing::TestWithParam<Variant> {};

TEST_P(NemucodRunTest, OnePairRecoversEveryFileOfTheRun) {
  const Variant v = GetParam();
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const auto key = families_testing::MakeNemucodKey(v.key_length, v.region,
                                                    99 + v.key_length);
  // Sizes around the encrypted region: 0, 1, one block, just under/over.
  const std::size_t sizes[] = {1,    16,   1023, 1024, 1025,
                               2047, 2048, 2049, 4096, 100000};
  std::vector<std::pair<std::string, Bytes>> originals;
  for (std::size_t size : sizes) {
    const std::string name = "t" + std::to_string(size) + ".txt";
    const Bytes plain = formats::samples::MakeText(size);
    ASSERT_THAT(families_testing::WriteSpecimen(
                    fs, kDir, name + ".crypted",
                    families_testing::NemucodEncrypt(plain, key), "nemucod"),
                IsOk());
    originals.emplace_back(name, plain);
  }
  const Bytes pdf = MakeSample(FileKind::kPdf, 6000);
  ASSERT_THAT(fs.AddFile(kDir / "doc.pdf.crypted",
                         families_testing::NemucodEncrypt(pdf, key)),
              IsOk());
  ASSERT_THAT(fs.AddFile("/backup/doc.pdf", pdf), IsOk());
  ASSERT_THAT(fs.AddFile(kDir / "empty.txt.crypted", Bytes{}), IsOk());

  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 3;
  ASSERT_OK_AND_ASSIGN(RecoverReport no_pair, Recover(fs, options));
  const FileOutcome* first = Find(no_pair, kDir / "t1.txt.crypted");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->status, RecoverStatus::kNeedsInput);
  EXPECT_THAT(first->detail, HasSubstr("--pair"));
  EXPECT_FALSE(fs.Exists(kDir / "t1.txt"));

  options.pairs = {{kDir / "doc.pdf.crypted", "/backup/doc.pdf"}};
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  for (const auto& [name, plain] : originals) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / name));
    EXPECT_TRUE(out == plain);
  }
  EXPECT_EQ(Find(report, kDir / "empty.txt.crypted")->status,
            RecoverStatus::kNotEncrypted);
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "nemucod");

  // The reported key, given back with --key, decrypts the same files.
  io::MemoryFileSystem fs2;
  ASSERT_THAT(fs2.AddFile(kDir / "again.pdf.crypted",
                          families_testing::NemucodEncrypt(pdf, key)),
              IsOk());
  RecoverOptions reuse;
  reuse.paths = {kDir};
  reuse.family = "nemucod";
  reuse.key = *FromHex(report.keys[0].key_hex);
  ASSERT_OK_AND_ASSIGN(RecoverReport again, Recover(fs2, reuse));
  ASSERT_EQ(again.files.size(), 1u);
  EXPECT_EQ(again.files[0].status, RecoverStatus::kRecovered)
      << again.files[0].detail;
  ASSERT_OK_AND_ASSIGN(Bytes out, fs2.Contents(kDir / "again.pdf"));
  EXPECT_TRUE(out == pdf);
}

INSTANTIATE_TEST_SUITE_P(Variants, NemucodRunTest,
                         ::testing::ValuesIn(kVariants));

TEST(NemucodTest, APairThatDoesNotFitStopsTheRunWithAClearMessage) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile(kDir / "a.txt.crypted", Bytes(3000, 1)), IsOk());
  ASSERT_THAT(fs.AddFile("/b/a.txt", Bytes(2999, 1)), IsOk());
  RecoverOptions options;
  options.paths = {kDir};
  options.pairs = {{kDir / "a.txt.crypted", "/b/a.txt"}};
  auto report = Recover(fs, options);
  EXPECT_THAT(report, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(report.status().message(), HasSubstr("differ in size"));
}

}  // namespace
}  // namespace kintsugi::families
