#include "identify/file_evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kintsugi::identify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

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

TEST(FileNameTest, IdFormatsGiveTheIdAndTheContact) {
  // Phobos.
  FileNameEvidence e =
      ParseFileName("photo.jpg.id[1E857D00-2275].[recoverydata@cock.li].eking");
  EXPECT_THAT(e.ids, ElementsAre("1E857D00-2275"));
  EXPECT_THAT(e.contacts, ElementsAre("recoverydata@cock.li"));
  ASSERT_EQ(e.indicators.size(), 1u);
  EXPECT_EQ(e.indicators[0].value, "recoverydata@cock.li");
  // Dharma.
  e = ParseFileName("budget.xlsx.id-1E857D00.[backup2024@tuta.io].arrow");
  EXPECT_THAT(e.ids, ElementsAre("1E857D00"));
  EXPECT_THAT(e.contacts, ElementsAre("backup2024@tuta.io"));
  // A handle that is no e-mail is kept as written, to be looked up.
  e = ParseFileName("a.doc.id[AB12CD34-3483].[decrypt_helper].faust");
  EXPECT_THAT(e.contacts, ElementsAre("decrypt_helper"));
  e = ParseFileName("a.doc.id-AB12CD34.{decrypt_helper}.cmb");
  EXPECT_THAT(e.contacts, ElementsAre("decrypt_helper"));
}

TEST(FileNameTest, NotEveryBracketIsAnIdOrAContact) {
  // The local part of a bracketed e-mail is no ID, even with digits.
  EXPECT_THAT(ParseFileName("a.jpg.[mail2024@x.com].crypt").ids, IsEmpty());
  // "id-" inside a word starts no ID.
  EXPECT_THAT(ParseFileName("valid-2024report.docx").ids, IsEmpty());
  EXPECT_THAT(ParseFileName("a_id-2024report.docx").ids,
              ElementsAre("2024report"));
  // A bracket without an ID element before it is no contact.
  EXPECT_THAT(ParseFileName("Report [final].docx").contacts, IsEmpty());
  EXPECT_THAT(ParseFileName("a.identity.[x].docx").contacts, IsEmpty());
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

kb::Rule Layout(kb::Anchor anchor, std::uint64_t offset, std::string marker,
                std::vector<kb::FileField> fields) {
  kb::Rule rule;
  rule.id = "r";
  rule.kind = kb::RuleKind::kFileMarker;
  rule.anchor = anchor;
  rule.offset = offset;
  rule.marker.assign(marker.begin(), marker.end());
  rule.fields = std::move(fields);
  return rule;
}

kb::FileField NumberField(std::int64_t at, kb::FieldType type) {
  kb::FileField field;
  field.at = at;
  field.type = type;
  return field;
}

void PutLe(Bytes& bytes, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    bytes[at + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(value >> (8 * i));
  }
}

TEST(FileMarkerTest, MarkerAtItsPlace) {
  Bytes file = PseudoRandom(100);
  file[96] = 'T';
  file[97] = 'A';
  file[98] = 'G';
  file[99] = '!';
  const kb::Rule end = Layout(kb::Anchor::kEnd, 4, "TAG!", {});
  EXPECT_TRUE(MatchesFileMarker(end, file, file, file.size()));
  EXPECT_FALSE(MatchesFileMarker(Layout(kb::Anchor::kEnd, 5, "TAG!", {}), file,
                                 file, file.size()));
  const kb::Rule start = Layout(kb::Anchor::kStart, 96, "TAG!", {});
  EXPECT_TRUE(MatchesFileMarker(start, file, file, file.size()));
  EXPECT_TRUE(MatchesFileMarker(Layout(kb::Anchor::kTail, 0, "AG!", {}), file,
                                file, file.size()));
  EXPECT_FALSE(MatchesFileMarker(Layout(kb::Anchor::kHead, 0, "TAG?", {}), file,
                                 file, file.size()));
}

// Phobos-like: the footer's magic has alternatives; its length must lie
// between the block's own and the file's size.
TEST(FileMarkerTest, FieldsWithAlternativesAndSizeBounds) {
  kb::FileField magic = NumberField(4, kb::FieldType::kLe32);
  magic.values = {0xAF77BC0F, 0xF0A75E12};
  kb::FileField length = NumberField(168, kb::FieldType::kLe32);
  length.min = kb::FieldBound{false, 178, 0};
  length.max = kb::FieldBound{true, 0, 0};
  const kb::Rule rule = Layout(kb::Anchor::kEnd, 178, "", {magic, length});
  Bytes file = PseudoRandom(1000);
  const std::size_t block = file.size() - 178;
  PutLe(file, block + 4, 0xF0A75E12, 4);
  PutLe(file, block + 168, 300, 4);
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, block + 4, 0xAF77BC0F, 4);
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, block + 4, 0xAF77BC0E, 4);  // Wrong magic.
  EXPECT_FALSE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, block + 4, 0xAF77BC0F, 4);
  PutLe(file, block + 168, 1001, 4);  // Longer than the file.
  EXPECT_FALSE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, block + 168, 177, 4);  // Shorter than the block.
  EXPECT_FALSE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, block + 168, 1000, 4);
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  // Head and tail of a larger file: the size is the file's, not the
  // tail's; the fields must be in the tail (the magic is 174 bytes from
  // the end).
  EXPECT_TRUE(MatchesFileMarker(rule, ByteView(file).First(10), file, 5000));
  EXPECT_TRUE(MatchesFileMarker(rule, ByteView(file).First(10),
                                ByteView(file).Last(174), 5000));
  EXPECT_FALSE(MatchesFileMarker(rule, ByteView(file).First(10),
                                 ByteView(file).Last(173), 5000));
  // A footer longer than the file.
  EXPECT_FALSE(MatchesFileMarker(rule, ByteView(file).Last(100),
                                 ByteView(file).Last(100), 100));
}

// Akira-like: an original size that, with the footer, makes the file's
// size; the bound "size - N" below zero never holds as a maximum.
TEST(FileMarkerTest, FieldEqualToTheSizeMinusTheFooter) {
  kb::FileField original = NumberField(526, kb::FieldType::kLe64);
  original.min = kb::FieldBound{true, 0, -534};
  original.max = original.min;
  const kb::Rule rule = Layout(kb::Anchor::kEnd, 534, "", {original});
  Bytes file = PseudoRandom(600);
  PutLe(file, file.size() - 8, 66, 8);
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  PutLe(file, file.size() - 8, 67, 8);
  EXPECT_FALSE(MatchesFileMarker(rule, file, file, file.size()));
  kb::FileField small = NumberField(-1, kb::FieldType::kU8);
  small.max = kb::FieldBound{true, 0, -1000};
  EXPECT_FALSE(MatchesFileMarker(Layout(kb::Anchor::kEnd, 1, "", {small}), file,
                                 file, file.size()));
  small.max.reset();
  small.min = kb::FieldBound{true, 0, -1000};
  EXPECT_TRUE(MatchesFileMarker(Layout(kb::Anchor::kEnd, 1, "", {small}), file,
                                file, file.size()));
}

// INC-like: a short tag confirmed by key material before it.
TEST(FileMarkerTest, KeyBeforeAShortTag) {
  kb::FileField key = NumberField(-32, kb::FieldType::kKey);
  key.length = 32;
  const kb::Rule rule = Layout(kb::Anchor::kEnd, 3, "INC", {key});
  Bytes file = PseudoRandom(64);
  file.push_back('I');
  file.push_back('N');
  file.push_back('C');
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  const std::string text = "Copyright 2024 Example Holdings, Example Corp. INC";
  const Bytes prose(text.begin(), text.end());
  EXPECT_FALSE(MatchesFileMarker(rule, prose, prose, prose.size()));
  // Only the tag, no room for the key.
  const Bytes tag = {'I', 'N', 'C'};
  EXPECT_FALSE(MatchesFileMarker(rule, tag, tag, tag.size()));
}

TEST(FileMarkerTest, BigEndianAndFieldsAtTheStart) {
  kb::FileField version = NumberField(4, kb::FieldType::kBe16);
  version.values = {0x0102};
  const kb::Rule rule = Layout(kb::Anchor::kStart, 0, "HDR!", {version});
  Bytes file = {'H', 'D', 'R', '!', 0x01, 0x02, 0x00};
  EXPECT_TRUE(MatchesFileMarker(rule, file, file, file.size()));
  file[5] = 0x03;
  EXPECT_FALSE(MatchesFileMarker(rule, file, file, file.size()));
  // A field before the file's start.
  kb::FileField before = NumberField(-1, kb::FieldType::kU8);
  before.max = kb::FieldBound{false, 255, 0};
  EXPECT_FALSE(
      MatchesFileMarker(Layout(kb::Anchor::kStart, 0, "HDR!", {before}), file,
                        file, file.size()));
}

TEST(LooksLikeKeyTest, RandomBytesYesTextAndPaddingNo) {
  std::size_t random_keys = 0;
  for (std::size_t i = 0; i < 200; ++i) {
    const Bytes bytes = PseudoRandom(32 + 32 * i);
    if (LooksLikeKey(ByteView(bytes).Last(32))) ++random_keys;
  }
  EXPECT_EQ(random_keys, 200u);
  EXPECT_TRUE(LooksLikeKey(PseudoRandom(512)));
  EXPECT_FALSE(LooksLikeKey(Bytes(32, 0)));
  EXPECT_FALSE(LooksLikeKey(Bytes(512, 0x41)));
  EXPECT_FALSE(
      LooksLikeKey(ByteView::FromString("abcdefghijklmnopqrstuvwxyzABCDEF")));
  // UTF-8 Cyrillic: few distinct bytes.
  EXPECT_FALSE(LooksLikeKey(ByteView::FromString(
      "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
      "\xd0\xbc\xd0\xb8\xd1\x80 \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2")));
  EXPECT_FALSE(LooksLikeKey(ByteView()));
}

TEST(ClassifyTest, StructuredBinaryIsNeither) {
  Bytes bytes(4096, 0);
  for (std::size_t i = 0; i < bytes.size(); i += 16) bytes[i] = 0x7F;
  EXPECT_EQ(ClassifyContent(bytes).content, ContentClass::kOther);
}

}  // namespace
}  // namespace kintsugi::identify
