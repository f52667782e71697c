// End to end (issue 17, Hive v3/v4, recovery-schemes-2.md §3.10): a
// victim's folder of Hive files, originals of some of them given with
// --pair, recovered by `kintsugi recover --family hive`. The files the
// originals cover whole are recovered; the others are written only as
// NAME.partial, and the report's byte accounting is exact: every byte
// outside the lost ranges is the original's, every byte inside them is the
// encrypted byte left as it was, and the lost ranges lie inside the blocks
// Hive encrypts.
//
// Specimens (recovery-schemes-2.md §3.10 "Specimen recipe"): synthetic
// plaintext, a key table drawn from a seed (never exported), one explicit
// output file at a time inside a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "families/hive/layout.h"
#include "families/hive/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using families::HiveParameters;
using testing::FileEntry;
using testing::ReadJson;

Bytes Read(const Path& path) {
  auto bytes = ReadWholeFile(RealFileSystem(), path, 1 << 24);
  return bytes.ok() ? *bytes : Bytes();
}

struct Rng {
  std::uint64_t state;
  std::uint32_t Next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::uint32_t>(z ^ (z >> 31));
  }
};

struct Specimen {
  std::string original;
  Bytes plain;
  std::string encrypted;
  std::uint32_t n1 = 0;
  std::uint32_t n2 = 0;
};

class HiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("hive");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    twins_ = dir_ / "twins";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    ASSERT_TRUE(stdfs::create_directories(twins_));
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  const Specimen& Add(const std::string& original, Bytes plain,
                      const families_testing::HiveTestTable& table,
                      const HiveParameters& version, std::uint32_t n1,
                      std::uint32_t n2, bool twin) {
    auto name = families_testing::WriteHiveSpecimen(
        RealFileSystem(), victim_, original, plain, table, version, n1, n2);
    EXPECT_TRUE(name.ok());
    if (twin) {
      EXPECT_THAT(WriteNewFile(RealFileSystem(), twins_ / original, plain),
                  IsOk());
      pairs_.push_back("--pair");
      pairs_.push_back((victim_ / *name).string() + "=" +
                       (twins_ / original).string());
    }
    specimens_.push_back(
        {original, std::move(plain), name.ok() ? *name : "", n1, n2});
    return specimens_.back();
  }

  nlohmann::json Recover(std::vector<std::string> extra, bool family = true,
                         int exit_code = 1) {
    std::vector<std::string> args = {"recover", victim_.string(), "--json"};
    if (family) {
      args.push_back("--family");
      args.push_back("hive");
    }
    args.insert(args.end(), pairs_.begin(), pairs_.end());
    args.insert(args.end(), extra.begin(), extra.end());
    const Path json = dir_ / "out.json";
    // 1: some files are partial or need input (docs/cli.md exit codes).
    EXPECT_EQ(testing::RunCliToFile(args, json), exit_code);
    return ReadJson(json);
  }

  // A partial output checked byte by byte against the JSON report.
  void ExpectExactPartial(const nlohmann::json& f, const Specimen& s,
                          const HiveParameters& version) {
    EXPECT_FALSE(stdfs::exists(victim_ / s.original));
    const Bytes out = Read(victim_ / (s.original + ".partial"));
    const Bytes encrypted = Read(victim_ / s.encrypted);
    ASSERT_EQ(out.size(), s.plain.size());
    const nlohmann::json& partial = f["partial"];
    ASSERT_TRUE(partial.is_object()) << f.dump();
    EXPECT_EQ(partial["size"], s.plain.size());
    const std::uint64_t lost = partial["bytes_lost"];
    EXPECT_EQ(partial["bytes_recovered"].get<std::uint64_t>() + lost,
              s.plain.size());
    ASSERT_EQ(partial["lost_range_count"], partial["lost_ranges"].size());
    std::vector<bool> in_range(out.size(), false);
    std::uint64_t listed = 0;
    std::uint64_t previous_end = 0;
    for (const nlohmann::json& r : partial["lost_ranges"]) {
      const std::uint64_t offset = r["offset"];
      const std::uint64_t length = r["length"];
      ASSERT_GT(length, 0u);
      ASSERT_LE(offset + length, out.size());
      if (listed > 0) {
        EXPECT_GT(offset, previous_end);  // Sorted, merged.
      }
      previous_end = offset + length;
      listed += length;
      for (std::uint64_t k = 0; k < length; ++k) in_range[offset + k] = true;
    }
    EXPECT_EQ(listed, lost);
    // Lost bytes lie in the blocks Hive encrypts.
    std::vector<bool> encrypted_block(out.size(), false);
    for (const families::HiveBlock& b :
         families::HiveBlocks(s.plain.size(), version)) {
      for (std::uint64_t k = 0; k < b.length; ++k) {
        encrypted_block[b.offset + k] = true;
      }
    }
    std::uint64_t differing = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (in_range[i]) {
        ASSERT_TRUE(encrypted_block[i]) << "byte " << i;
        ASSERT_EQ(out[i], encrypted[i]) << "byte " << i;
        if (out[i] != s.plain[i]) ++differing;
      } else {
        ASSERT_EQ(out[i], s.plain[i]) << "byte " << i;
      }
    }
    // The lost bytes are those that could not be solved: almost all of them
    // still differ from the original (a keystream byte of 0 leaves one
    // alike, 1 in 256).
    EXPECT_GT(differing, lost - lost / 32 - 8);
  }

  Path dir_;
  Path victim_;
  Path twins_;
  std::vector<std::string> pairs_;
  std::deque<Specimen> specimens_;
};

TEST_F(HiveCli, TwinsRecoverTheirTableAndTheRestIsPartialWithExactBytes) {
  const auto table = families_testing::MakeHiveTable(families::kHiveV3, 21);
  namespace gen = formats::samples;
  Rng rng{21};
  // Ten originals of 400 KB (§3.10: the more twins, the more of every
  // file), their first windows together over table positions 0-460,800.
  for (std::uint32_t i = 0; i < 10; ++i) {
    Add("backup" + std::to_string(i) + ".txt", gen::MakeText(400'000 + i),
        table, families::kHiveV3, i * 40'000, rng.Next() % 20'000, true);
  }
  // A file encrypted with a twin's windows: recovered whole (§3.10 step 4).
  Add("same-stream.pdf", gen::MakePdf(200'000), table, families::kHiveV3,
      0x01020304, 0xA0B0C0D0, false);
  Add("twin-of-same.txt", gen::MakeText(300'000), table, families::kHiveV3,
      0x01020304, 0xA0B0C0D0, true);
  // Files no twin shares windows with, theirs from 380,000 on: the small
  // ones inside what the twins cover, the large ones past its end.
  std::vector<std::size_t> unseen;
  for (std::size_t size : {6'000u, 50'000u, 150'000u, 400'000u, 1'000'000u}) {
    unseen.push_back(specimens_.size());
    Add("unseen" + std::to_string(size) + ".txt", gen::MakeText(size), table,
        families::kHiveV3, 380'000 + rng.Next() % 60'000, rng.Next() % 20'000,
        false);
  }
  const nlohmann::json report = Recover({});
  for (const Specimen& s : specimens_) {
    if (s.original.rfind("unseen", 0) == 0) continue;
    SCOPED_TRACE(s.original);
    const nlohmann::json* f = FileEntry(report, s.encrypted);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_EQ((*f)["variant"], "v3") << f->dump();
    EXPECT_EQ(Read(victim_ / s.original), s.plain);
  }
  const nlohmann::json* same = FileEntry(report, specimens_[10].encrypted);
  ASSERT_NE(same, nullptr);
  EXPECT_EQ((*same)["verified_by"], "structure") << same->dump();
  EXPECT_THAT(testing::JsonText(*same, "/detail"),
              ::testing::HasSubstr("the evidence fits v3"));
  std::size_t partial = 0;
  for (std::size_t i : unseen) {
    const Specimen& s = specimens_[i];
    SCOPED_TRACE(s.original);
    const nlohmann::json* f = FileEntry(report, s.encrypted);
    ASSERT_NE(f, nullptr) << report.dump();
    if ((*f)["status"] == "recovered") {
      EXPECT_EQ(Read(victim_ / s.original), s.plain);
      continue;
    }
    ASSERT_EQ((*f)["status"], "partial") << f->dump();
    ++partial;
    ExpectExactPartial(*f, s, families::kHiveV3);
  }
  EXPECT_GE(partial, 2u);  // At least the two largest.
  EXPECT_EQ(report["summary"]["counts"]["partial"], partial);
}

TEST_F(HiveCli, V4FilesWithTheVariantGiven) {
  const auto table = families_testing::MakeHiveTable(families::kHiveV4, 22);
  namespace gen = formats::samples;
  Rng rng{22};
  for (int i = 0; i < 4; ++i) {
    Add("twin" + std::to_string(i) + ".txt", gen::MakeText(600'000), table,
        families::kHiveV4, rng.Next() % 200'000, rng.Next() % 20'000, true);
  }
  // Twin 0's windows: recovered whole.
  Add("same.txt", gen::MakeText(500'000), table, families::kHiveV4,
      specimens_[0].n1, specimens_[0].n2, false);
  const std::size_t first_unseen = specimens_.size();
  for (std::size_t size : {20'000u, 700'000u}) {
    Add("other" + std::to_string(size) + ".txt", gen::MakeText(size), table,
        families::kHiveV4, rng.Next() % 200'000, rng.Next() % 20'000, false);
  }
  const nlohmann::json report = Recover({"--variant", "v4"});
  for (std::size_t i = 0; i < first_unseen; ++i) {
    const Specimen& s = specimens_[i];
    SCOPED_TRACE(s.original);
    const nlohmann::json* f = FileEntry(report, s.encrypted);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_EQ((*f)["variant"], "v4");
    EXPECT_THAT(testing::JsonText(*f, "/detail"),
                ::testing::HasSubstr("v4 as --variant says"));
    EXPECT_EQ(Read(victim_ / s.original), s.plain);
  }
  for (std::size_t i = first_unseen; i < specimens_.size(); ++i) {
    const Specimen& s = specimens_[i];
    SCOPED_TRACE(s.original);
    const nlohmann::json* f = FileEntry(report, s.encrypted);
    ASSERT_NE(f, nullptr);
    if ((*f)["status"] == "partial") {
      ExpectExactPartial(*f, s, families::kHiveV4);
    } else {
      EXPECT_EQ((*f)["status"], "needs_input") << f->dump();
    }
  }
}

TEST_F(HiveCli, WithoutFamilyTheNamesTellHive) {
  // No --family: the names are Hive's (the KB's name rule, the probe), the
  // pairs are Hive's alone (Nemucod takes only .crypted ones).
  const auto table = families_testing::MakeHiveTable(families::kHiveV3, 23);
  namespace gen = formats::samples;
  Add("twin.txt", gen::MakeText(200'000), table, families::kHiveV3, 77, 88,
      true);
  Add("same.pdf", gen::MakePdf(100'000), table, families::kHiveV3, 77, 88,
      false);
  const nlohmann::json report = Recover({}, /*family=*/false, /*exit_code=*/0);
  for (const Specimen& s : specimens_) {
    SCOPED_TRACE(s.original);
    const nlohmann::json* f = FileEntry(report, s.encrypted);
    ASSERT_NE(f, nullptr) << report.dump();
    EXPECT_EQ((*f)["status"], "recovered") << f->dump();
    EXPECT_EQ((*f)["decryptor"], "hive");
    EXPECT_EQ(Read(victim_ / s.original), s.plain);
  }
}

TEST_F(HiveCli, ANameThatDoesNotDecodeIsACleanError) {
  const Path odd = victim_ / "report.docx.notahivename.abcde";
  ASSERT_THAT(WriteNewFile(RealFileSystem(), odd, Bytes(5000, 7)), IsOk());
  const nlohmann::json report = Recover({});
  const nlohmann::json* f = FileEntry(report, odd.filename().string());
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["status"], "error") << f->dump();
  EXPECT_EQ(testing::JsonText(*f, "/message/id"),
            "recover.hive_name_not_decoded");
  EXPECT_THAT(testing::JsonText(*f, "/detail"),
              ::testing::HasSubstr("not recoverable by this method"));
  EXPECT_EQ(Read(odd), Bytes(5000, 7));
  for (const auto& entry : stdfs::directory_iterator(victim_)) {
    EXPECT_TRUE(entry.path() == odd || entry.is_directory()) << entry.path();
  }
}

}  // namespace
}  // namespace kintsugi
