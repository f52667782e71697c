#include "formats/known_header.h"

#include <gtest/gtest.h>

#include <string>

#include "formats/testing/sample_files.h"

namespace kintsugi::formats {
namespace {

struct Case {
  FileKind kind;
  std::string_view extension;
};

// One extension per kind with a sample generator (text has no header).
constexpr Case kCases[] = {
    {FileKind::kPdf, "pdf"},    {FileKind::kZip, "zip"},
    {FileKind::kOoxml, "docx"}, {FileKind::kOdf, "odt"},
    {FileKind::kOle2, "doc"},   {FileKind::kPng, "png"},
    {FileKind::kJpeg, "jpg"},   {FileKind::kGif, "gif"},
    {FileKind::kBmp, "bmp"},    {FileKind::kSevenZip, "7z"},
    {FileKind::kRar, "rar"},    {FileKind::kGzip, "gz"},
    {FileKind::kBzip2, "bz2"},  {FileKind::kSqlite, "sqlite"},
    {FileKind::kMp3, "mp3"},
};

// How many runs of `certainty` differ from the file's bytes.
int Mismatches(const KnownHeader& header, ByteView file, Certainty certainty,
               std::string* which) {
  int n = 0;
  for (const KnownBytes& run : header.runs) {
    if (run.certainty != certainty) continue;
    if (!file.MatchesAt(static_cast<std::size_t>(run.offset), run.bytes)) {
      ++n;
      *which += std::string(run.what) + "; ";
    }
  }
  return n;
}

class KnownHeaderEveryKind : public ::testing::TestWithParam<Case> {};

TEST_P(KnownHeaderEveryKind, FixedBytesHoldInValidFilesOfEverySize) {
  const Case c = GetParam();
  for (std::size_t min_size : {0u, 700u, 1500u, 5000u, 300000u}) {
    const Bytes file = samples::MakeSample(c.kind, min_size);
    SCOPED_TRACE(std::string(c.extension) + " of " +
                 std::to_string(file.size()) + " bytes");
    const auto header = KnownHeaderFor(c.extension, file.size());
    ASSERT_TRUE(header.has_value());
    EXPECT_EQ(header->kind, ExpectedKinds(c.extension).front());
    std::size_t fixed = 0;
    for (const KnownBytes& run : header->runs) {
      EXPECT_LE(run.offset + run.bytes.size(), file.size()) << run.what;
      if (run.certainty == Certainty::kFixed) fixed += run.bytes.size();
    }
    std::string which;
    EXPECT_EQ(Mismatches(*header, file, Certainty::kFixed, &which), 0) << which;
    // MP3 has no fixed bytes (ID3 tags are optional); every other kind has
    // at least its signature.
    if (c.kind == FileKind::kMp3) {
      EXPECT_EQ(fixed, 0u);
    } else {
      EXPECT_GE(fixed, 3u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, KnownHeaderEveryKind,
                         ::testing::ValuesIn(kCases));

TEST(KnownHeader, UsualBytesHoldForTheUsualWriters) {
  // Our generators write what common writers write for these kinds.
  const std::pair<FileKind, std::string_view> usual[] = {
      {FileKind::kPng, "png"}, {FileKind::kOle2, "doc"},
      {FileKind::kGif, "gif"}, {FileKind::kOdf, "odt"},
      {FileKind::kBmp, "bmp"}, {FileKind::kSqlite, "sqlite"},
      {FileKind::kMp3, "mp3"}, {FileKind::kZip, "zip"},
  };
  for (const auto& [kind, extension] : usual) {
    for (std::size_t min_size : {0u, 5000u, 200000u}) {
      const Bytes file = samples::MakeSample(kind, min_size);
      const auto header = KnownHeaderFor(extension, file.size());
      ASSERT_TRUE(header.has_value()) << extension;
      std::string which;
      EXPECT_EQ(Mismatches(*header, file, Certainty::kUsual, &which), 0)
          << extension << " " << file.size() << ": " << which;
    }
  }
}

TEST(KnownHeader, OdfMediaTypeFollowsTheExtension) {
  const Bytes odt = samples::MakeOdt();
  const auto text = KnownHeaderFor(".ODT", odt.size());
  ASSERT_TRUE(text.has_value());
  std::string which;
  EXPECT_EQ(Mismatches(*text, odt, Certainty::kFixed, &which), 0) << which;
  // The same bytes named .ods must not fit: the media type differs.
  const auto sheet = KnownHeaderFor("ods", odt.size());
  ASSERT_TRUE(sheet.has_value());
  EXPECT_GT(Mismatches(*sheet, odt, Certainty::kFixed, &which), 0);
}

TEST(KnownHeader, OleDifatTailStopsShortOfTheFatSectorsOfLargeFiles) {
  // 6 MiB: about 96 FAT sectors, so only the last dozen DIFAT entries are
  // free; the run must not claim the used ones.
  const Bytes ole = samples::MakeOle2(6 * 1024 * 1024);
  const auto header = KnownHeaderFor("xls", ole.size());
  ASSERT_TRUE(header.has_value());
  std::string which;
  EXPECT_EQ(Mismatches(*header, ole, Certainty::kUsual, &which), 0) << which;
}

TEST(KnownHeader, NothingForTextUnknownOrAmbiguousExtensions) {
  EXPECT_FALSE(KnownHeaderFor("txt", 5000).has_value());
  EXPECT_FALSE(KnownHeaderFor("xyz", 5000).has_value());
  EXPECT_FALSE(KnownHeaderFor("", 5000).has_value());
  EXPECT_FALSE(KnownHeaderFor("db", 5000).has_value());  // SQLite or OLE2
}

TEST(KnownHeader, RunsStayInsideTinyFiles) {
  for (const Case& c : kCases) {
    for (std::uint64_t size : {0u, 1u, 5u, 13u, 40u}) {
      const auto header = KnownHeaderFor(c.extension, size);
      if (!header) continue;
      for (const KnownBytes& run : header->runs) {
        EXPECT_LE(run.offset + run.bytes.size(), size)
            << c.extension << " " << run.what;
      }
    }
  }
  EXPECT_FALSE(KnownHeaderFor("png", 0).has_value());
}

}  // namespace
}  // namespace kintsugi::formats
