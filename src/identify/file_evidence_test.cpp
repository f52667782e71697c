#include "identify/file_evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kintsugi::identify {
namespace {

using ::testing::ElementsAre;

TEST(FileNameTest, ExtensionChainKeepsBracketsWhole) {
  const FileNameEvidence e = ParseFileName(
      "C:\\Users\\x\\photo.jpg.id[AB12CD34-3483].[mail@x.com].eking");
  EXPECT_THAT(e.extension_chain, ElementsAre(".jpg", ".id[AB12CD34-3483]",
                                             ".[mail@x.com]", ".eking"));
  EXPECT_EQ(e.extension, ".eking");
  ASSERT_EQ(e.indicators.size(), 1u);
  EXPECT_EQ(e.indicators[0].kind, text::IndicatorKind::kEmail);
  EXPECT_EQ(e.indicators[0].value, "mail@x.com");
  EXPECT_THAT(e.ids, ElementsAre("AB12CD34-3483"));
}

TEST(FileNameTest, PlainNameAndDotfile) {
  EXPECT_EQ(ParseFileName("report.docx").extension, ".docx");
  EXPECT_EQ(ParseFileName(".bashrc").extension, "");
  EXPECT_EQ(ParseFileName("README").extension, "");
  EXPECT_EQ(ParseFileName("").extension, "");
}

TEST(EntropyTest, KnownValues) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(ByteView()), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy(Bytes(100, 'a')), 0.0);
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  EXPECT_DOUBLE_EQ(ShannonEntropy(all), 8.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy(Bytes{0, 1}), 1.0);
}

Bytes PseudoRandom(std::size_t n) {
  Bytes out(n);
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

TEST(ClassifyTest, TextIsANote) {
  EXPECT_EQ(ClassifyContent(
                ByteView::FromString("ALL YOUR FILES HAVE BEEN ENCRYPTED\r\n"))
                .content,
            ContentClass::kNote);
}

TEST(ClassifyTest, RandomBytesAreEncrypted) {
  EXPECT_EQ(ClassifyContent(PseudoRandom(8192)).content,
            ContentClass::kEncryptedFile);
  EXPECT_EQ(ClassifyContent(PseudoRandom(64)).content,
            ContentClass::kEncryptedFile);
}

TEST(ClassifyTest, StructuredBinaryIsNeither) {
  Bytes bytes(4096, 0);
  for (std::size_t i = 0; i < bytes.size(); i += 16) bytes[i] = 0x7F;
  EXPECT_EQ(ClassifyContent(bytes).content, ContentClass::kOther);
}

}  // namespace
}  // namespace kintsugi::identify
