#include "families/hidden_tear/hidden_tear.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/testing/status_matchers.h"
#include "families/hidden_tear/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using formats::FileKind;
using formats::samples::MakeSample;
using ::testing::ElementsAreArray;

const Path kDir = "/victim";

const HiddenTearVariant& Variant(std::string_view name) {
  for (const HiddenTearVariant& v : HiddenTearVariants()) {
    if (v.name == name) return v;
  }
  ADD_FAILURE() << "no variant " << name;
  return HiddenTearVariants().front();
}

RecoverOptions Search(std::uint64_t first, std::uint64_t last,
                      std::optional<std::uint64_t> around = std::nullopt) {
  RecoverOptions options;
  options.paths = {kDir};
  options.threads = 2;
  options.family = "hidden-tear";
  options.seed_range = std::make_pair(first, last);
  options.seed_around = around;
  options.journal_dir = "/state";
  return options;
}

TEST(HiddenTearTest, KeysOfTheSpec) {
  // §3.3's vectors: seed -> password -> key and IV.
  const HiddenTearVariant& ht = Variant("hiddentear");
  EXPECT_EQ(HiddenTearPassword(ht, 0), "Y51MoM*E&suGRG&");
  EXPECT_EQ(ToHex(HiddenTearKeyIv(ht, "Y51MoM*E&suGRG&").view()),
            "9e8ab57d3b692d7024039e59ba040489ed592e1788baaae04524134e59cb4b72"
            "a43651d7766828a7d7b9b7f061816e71");
  EXPECT_EQ(HiddenTearPassword(Variant("bankaccountsummary"), 0).size(), 10u);
}

TEST(HiddenTearTest, ASearchFindsTheSeedAndRecoversEveryFileOfTheRun) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const std::int32_t seed = 5'123'456;  // 85 minutes after boot.
  const Bytes pdf = MakeSample(FileKind::kPdf, 3000);
  const Bytes png = MakeSample(FileKind::kPng, 1000);
  ASSERT_THAT(
      families_testing::WriteHiddenTearSpecimen(
          fs, kDir, "report.pdf.locked", pdf, seed, Variant("hiddentear")),
      IsOk());
  ASSERT_THAT(
      families_testing::WriteHiddenTearSpecimen(
          fs, kDir, "photo.png.locked", png, seed, Variant("hiddentear")),
      IsOk());
  // A window of 3,000 seeds around the estimate.
  ASSERT_OK_AND_ASSIGN(RecoverReport report,
                       Recover(fs, Search(5'120'000, 5'125'000, 5'122'000)));
  int recovered = 0;
  for (const FileOutcome& f : report.files) {
    if (f.status == RecoverStatus::kRecovered) ++recovered;
  }
  EXPECT_EQ(recovered, 2);
  ASSERT_OK_AND_ASSIGN(Bytes out, fs.Contents(kDir / "report.pdf"));
  EXPECT_THAT(out, ElementsAreArray(pdf));
  ASSERT_OK_AND_ASSIGN(Bytes out_png, fs.Contents(kDir / "photo.png"));
  EXPECT_THAT(out_png, ElementsAreArray(png));
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_EQ(report.keys[0].decryptor, "hidden-tear");
  EXPECT_EQ(report.keys[0].detail.id, MessageId::kRecoverHiddenTearKeyFound);
  EXPECT_TRUE(HasDeclaredArgs(report.keys[0].detail));
  // The printed key decrypts a later run without a search.
  io::MemoryFileSystem again;
  ASSERT_THAT(again.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      families_testing::WriteHiddenTearSpecimen(
          again, kDir, "report.pdf.locked", pdf, seed, Variant("hiddentear")),
      IsOk());
  RecoverOptions with_key;
  with_key.paths = {kDir};
  with_key.family = "hidden-tear";
  with_key.key = *SecretBytes::FromHex(report.keys[0].key_hex);
  ASSERT_OK_AND_ASSIGN(RecoverReport reused, Recover(again, with_key));
  ASSERT_FALSE(reused.files.empty());
  EXPECT_EQ(reused.files[0].status, RecoverStatus::kRecovered);
}

TEST(HiddenTearTest, SaysWhatTheSearchWillCoverBeforeItRuns) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "a.pdf.locked", families_testing::HiddenTearEncrypt(
                                            MakeSample(FileKind::kPdf, 300),
                                            3'600'500, Variant("hiddentear"))),
      IsOk());
  RecoverOptions options = Search(3'600'000, 3'601'000, 3'600'000);
  options.variant = "hiddentear";
  std::vector<Message> plans;
  options.on_key_search_plan = [&](std::string_view decryptor,
                                   const Message& plan) {
    EXPECT_EQ(decryptor, "hidden-tear");
    plans.push_back(plan);
  };
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].id, MessageId::kRecoverSeedSearchPlan);
  EXPECT_TRUE(HasDeclaredArgs(plans[0]));
  // The window as uptimes: one hour after boot.
  EXPECT_THAT(RenderEnglish(plans[0]), ::testing::HasSubstr("1:00:00"));
  EXPECT_THAT(RenderEnglish(plans[0]), ::testing::HasSubstr("1001 seeds"));
}

TEST(HiddenTearTest, APartWithNothingToSearchSaysSo) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "a.pdf.locked", families_testing::HiddenTearEncrypt(
                                            MakeSample(FileKind::kPdf, 300), 5,
                                            Variant("hiddentear"))),
      IsOk());
  // 100 seeds are one chunk: part 2 of 2 has none.
  RecoverOptions options = Search(0, 99);
  options.shard = "2/2";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(report.files[0].detail.id, MessageId::kRecoverSeedShardEmpty)
      << RenderEnglish(report.files[0].detail);
  EXPECT_TRUE(HasDeclaredArgs(report.files[0].detail));
}

TEST(HiddenTearTest, FindsADerivativesParameters) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes zip = MakeSample(FileKind::kZip, 500);
  ASSERT_THAT(families_testing::WriteHiddenTearSpecimen(
                  fs, kDir, "a.zip.locked", zip, 777, Variant("mireware")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Search(0, 2000)));
  ASSERT_FALSE(report.files.empty());
  EXPECT_EQ(report.files[0].status, RecoverStatus::kRecovered)
      << RenderEnglish(report.files[0].detail);
}

TEST(HiddenTearTest, AWindowWithoutTheSeedSaysWhatItCoveredAndTouchesNothing) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 1000);
  const Bytes encrypted =
      families_testing::HiddenTearEncrypt(pdf, 90'000, Variant("hiddentear"));
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.locked", encrypted), IsOk());
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, Search(1000, 1999)));
  ASSERT_EQ(report.files.size(), 1u);
  const FileOutcome& f = report.files[0];
  EXPECT_EQ(f.status, RecoverStatus::kKeyNotFound);
  EXPECT_EQ(f.detail.id, MessageId::kRecoverSeedNotFound)
      << RenderEnglish(f.detail);
  EXPECT_TRUE(HasDeclaredArgs(f.detail));
  EXPECT_THAT(RenderEnglish(f.detail), ::testing::HasSubstr("1000 to 1999"));
  ASSERT_OK_AND_ASSIGN(Bytes still, fs.Contents(kDir / "report.pdf.locked"));
  EXPECT_THAT(still, ElementsAreArray(encrypted));
  EXPECT_FALSE(fs.Contents(kDir / "report.pdf").ok());
}

TEST(HiddenTearTest, WithoutFamilyALockedFileSaysHowToSearch) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  const Bytes pdf = MakeSample(FileKind::kPdf, 1000);
  ASSERT_THAT(fs.AddFile(kDir / "report.pdf.locked",
                         families_testing::HiddenTearEncrypt(
                             pdf, 12, Variant("hiddentear"))),
              IsOk());
  RecoverOptions options;
  options.paths = {kDir};
  options.journal_dir = "/state";
  ASSERT_OK_AND_ASSIGN(RecoverReport report, Recover(fs, options));
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].decryptor, "hidden-tear");
  EXPECT_EQ(report.files[0].status, RecoverStatus::kNeedsInput);
  EXPECT_EQ(report.files[0].detail.id,
            MessageId::kRecoverHiddenTearSearchNeeded)
      << RenderEnglish(report.files[0].detail);
}

TEST(HiddenTearTest, ARangeOutsideTheSpaceOrAnUnknownVariantIsRefused) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs(kDir), IsOk());
  ASSERT_THAT(
      fs.AddFile(kDir / "a.pdf.locked", families_testing::HiddenTearEncrypt(
                                            MakeSample(FileKind::kPdf, 100), 1,
                                            Variant("hiddentear"))),
      IsOk());
  EXPECT_EQ(Recover(fs, Search(0, 1ULL << 31)).status().code(),
            StatusCode::kInvalidArgument);
  RecoverOptions unknown = Search(0, 10);
  unknown.variant = "eda2";
  EXPECT_EQ(Recover(fs, unknown).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kintsugi::families
