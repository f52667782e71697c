// The KB loader: every malformed field fails with file and line; the writer
// round-trips; min_engine, the disable list and limits behave as specified
// (docs/kb-format.md).

#include "kb/kb_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/limits.h"

namespace kintsugi::kb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr std::string_view kGood = R"(id: "akira"
name: "Akira"
aliases: ["Megazord"]
sources: ["misp-galaxy:u1"]
rules:
  - id: "ext-akira"
    kind: extension
    strength: medium
    pattern: ".akira"
    sources: ["misp-galaxy:u1"]
  - id: "marker"
    kind: file-marker
    strength: strong
    marker_hex: "abbccd"
    anchor: end
    offset: 3
    sources: ["curated:test"]
contacts:
  - kind: onion
    value: "akiral2iz6a7qgd3ayp3l6yub7xx2uep76idk3u2kollpj5z3z636bad.onion"
    sources: ["threatlabz-notes:akira/a.txt"]
fixtures:
  - positive: true
    file_names: ["a.docx.akira"]
  - positive: false
    file_names: ["a.jpg"]
)";

Result<Family> Parse(std::string_view text) {
  return internal::ParseFamily(text, "kb/akira.yaml");
}

// The error names the file and the line of the bad field.
void ExpectErrorAt(std::string_view text, int line, std::string_view what) {
  auto family = Parse(text);
  ASSERT_FALSE(family.has_value()) << text;
  EXPECT_EQ(family.error().code(), StatusCode::kCorrupt);
  EXPECT_THAT(family.error().message(),
              HasSubstr("kb/akira.yaml:" + std::to_string(line) + ":"));
  EXPECT_THAT(family.error().message(), HasSubstr(std::string(what)));
}

TEST(ParseFamilyTest, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(Family family, Parse(kGood));
  EXPECT_EQ(family.id, "akira");
  EXPECT_EQ(family.aliases, std::vector<std::string>{"Megazord"});
  ASSERT_THAT(family.rules, SizeIs(2));
  EXPECT_EQ(family.rules[0].pattern, ".akira");
  EXPECT_EQ(family.rules[0].where.line, 6);
  EXPECT_EQ(family.rules[1].marker, (Bytes{0xab, 0xbc, 0xcd}));
  EXPECT_EQ(family.rules[1].anchor, Anchor::kEnd);
  EXPECT_EQ(family.rules[1].offset, 3u);
  ASSERT_THAT(family.contacts, SizeIs(1));
  EXPECT_EQ(family.contacts[0].kind, ContactKind::kOnion);
  EXPECT_EQ(family.contacts[0].sources[0].dataset, "threatlabz-notes");
  EXPECT_EQ(family.contacts[0].sources[0].entry, "akira/a.txt");
  ASSERT_THAT(family.fixtures, SizeIs(2));
  EXPECT_FALSE(family.fixtures[1].positive);
}

TEST(ParseFamilyTest, UnknownKeyIsAnErrorWithItsLine) {
  ExpectErrorAt("id: x\nnmae: X\n", 2, "unknown key 'nmae'");
}

TEST(ParseFamilyTest, UnknownRuleKeyIsAnError) {
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: extension\n    patern: .x\n", 5,
      "unknown key 'patern'");
}

TEST(ParseFamilyTest, BadEnumValueNamesTheAllowedOnes) {
  ExpectErrorAt("id: x\nrules:\n  - id: r\n    kind: extention\n", 4,
                "expected one of extension");
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: extension\n    strength: huge\n", 5,
      "'strength' is 'huge'");
  ExpectErrorAt("id: x\nrecovery:\n  possible: maybe\n", 3, "'possible'");
  ExpectErrorAt("id: x\ncontacts:\n  - kind: pigeon\n    value: v\n", 3,
                "'kind' is 'pigeon'");
}

TEST(ParseFamilyTest, MalformedValuesNameTheirLine) {
  ExpectErrorAt("id: x\naliases: foo\n", 2, "'aliases' must be a list");
  ExpectErrorAt("id: x\ndisabled: yes\n", 2, "true or false");
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: file-marker\n    offset: -3\n", 5,
      "non-negative integer");
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: file-marker\n    marker_hex: zz\n",
      5, "must be hex");
  ExpectErrorAt("id: x\nsources: [\"nocolon\"]\n", 2, "dataset:entry");
  ExpectErrorAt("id: x\nfixtures:\n  - note_name: a.txt\n", 3,
                "positive: true|false");
  ExpectErrorAt("id: x\nrules:\n  - kind: extension\n", 3,
                "rule without an 'id'");
  ExpectErrorAt("id: x\nrules:\n  - id: r\n", 3, "without a 'kind'");
  ExpectErrorAt("id: x\nid: y\n", 2, "duplicate key 'id'");
  ExpectErrorAt("name: x\n", 1, "without an 'id'");
}

constexpr std::string_view kFields = R"(id: "phobos"
rules:
  - id: "footer"
    kind: file-marker
    strength: strong
    anchor: end
    offset: 178
    fields:
      - at: 4
        type: le32
        values: ["0xaf77bc0f", 4037500434]
      - at: 168
        type: le32
        min: 0xb2
        max: "size"
      - at: -32
        type: key
        length: 32
      - at: 170
        type: u8
        equals: "size - 534"
      - at: 171
        type: be16
        max: "size + 3"
    min_engine: "1.1"
    sources: ["curated:test"]
)";

TEST(ParseFamilyTest, ReadsFields) {
  ASSERT_OK_AND_ASSIGN(Family family, Parse(kFields));
  ASSERT_THAT(family.rules, SizeIs(1));
  const Rule& rule = family.rules[0];
  EXPECT_TRUE(rule.marker.empty());
  ASSERT_THAT(rule.fields, SizeIs(5));
  EXPECT_EQ(rule.fields[0].at, 4);
  EXPECT_EQ(rule.fields[0].type, FieldType::kLe32);
  EXPECT_EQ(rule.fields[0].values,
            (std::vector<std::uint64_t>{0xAF77BC0F, 0xF0A75E12}));
  EXPECT_EQ(rule.fields[0].where.line, 9);
  ASSERT_TRUE(rule.fields[1].min && rule.fields[1].max);
  EXPECT_FALSE(rule.fields[1].min->relative_to_size);
  EXPECT_EQ(rule.fields[1].min->value, 0xB2u);
  EXPECT_TRUE(rule.fields[1].max->relative_to_size);
  EXPECT_EQ(rule.fields[1].max->delta, 0);
  EXPECT_EQ(rule.fields[2].at, -32);
  EXPECT_EQ(rule.fields[2].type, FieldType::kKey);
  EXPECT_EQ(rule.fields[2].length, 32u);
  ASSERT_TRUE(rule.fields[3].min && rule.fields[3].max);
  EXPECT_EQ(rule.fields[3].min->delta, -534);
  EXPECT_EQ(rule.fields[3].max->delta, -534);
  EXPECT_EQ(rule.fields[4].max->delta, 3);
  EXPECT_EQ(rule.min_engine, "1.1");
}

TEST(ParseFamilyTest, MalformedFieldsNameTheirLine) {
  const std::string base =
      "id: x\nrules:\n  - id: r\n    kind: file-marker\n"
      "    fields:\n      - at: 4\n";
  ExpectErrorAt(base + "        type: le24\n", 7, "'type' is 'le24'");
  ExpectErrorAt(base + "        type: le32\n        max: \"size * 2\"\n", 8,
                "'size - N'");
  ExpectErrorAt(base + "        type: le32\n        max: \"sizes\"\n", 8,
                "'size - N'");
  ExpectErrorAt(base + "        type: key\n", 6, "needs a 'length'");
  ExpectErrorAt(base + "        type: u8\n        length: 4\n", 6,
                "for 'key' fields only");
  ExpectErrorAt(base +
                    "        type: key\n        length: 4\n"
                    "        max: 3\n",
                6, "no values or bounds");
  ExpectErrorAt(base +
                    "        type: u8\n        equals: 1\n"
                    "        max: 3\n",
                6, "not both");
  ExpectErrorAt(base + "        type: u8\n        colour: red\n", 8,
                "unknown key 'colour' in a field");
  ExpectErrorAt(base + "        type: u8\n        values: 3\n", 8,
                "must be a list");
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: file-marker\n"
      "    fields:\n      - at: 1x\n        type: u8\n",
      6, "integer below 2^48");
  ExpectErrorAt(
      "id: x\nrules:\n  - id: r\n    kind: file-marker\n"
      "    fields:\n      - type: u8\n        at: -0x1000000000001\n",
      7, "integer below 2^48");
}

TEST(FamilyToYamlTest, RoundTripsFields) {
  ASSERT_OK_AND_ASSIGN(Family family, Parse(kFields));
  const std::string yaml = internal::FamilyToYaml(family);
  ASSERT_OK_AND_ASSIGN(Family again, Parse(yaml));
  EXPECT_EQ(internal::FamilyToYaml(again), yaml);
  ASSERT_THAT(again.rules[0].fields, SizeIs(5));
  EXPECT_EQ(again.rules[0].fields[0].values, family.rules[0].fields[0].values);
  EXPECT_EQ(again.rules[0].fields[3].max->delta, -534);
  EXPECT_EQ(again.rules[0].fields[2].length, 32u);
  EXPECT_THAT(yaml, HasSubstr("equals: \"size - 534\""));
  EXPECT_THAT(yaml, HasSubstr("\"0xaf77bc0f\""));
}

// A rule for a newer engine may use what this engine does not know; it is
// skipped, and the rest of the family loads. The same rule without a newer
// min_engine is an error, as any other unknown key.
TEST(LoadFromFilesTest, ToleratesWhatANewerEngineRuleUses) {
  const std::string text =
      "id: akira\nsources: [\"curated:t\"]\nrules:\n"
      "  - id: future\n    kind: file-hologram\n    sparkle: 3\n"
      "    min_engine: \"9.0\"\n"
      "  - id: ext\n    kind: extension\n    pattern: .akira\n";
  std::vector<internal::KbFile> files{
      {"akira.yaml", ByteView::FromString(text)}};
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, internal::LoadFromFiles(files, "kb/"));
  ASSERT_THAT(kb.families[0].rules, SizeIs(1));
  EXPECT_EQ(kb.families[0].rules[0].id, "ext");
  EXPECT_EQ(kb.skipped_rules, 1u);
  std::string current = text;
  current.replace(current.find("9.0"), 3, "1.1");
  files[0].data = ByteView::FromString(current);
  auto failed = internal::LoadFromFiles(files, "kb/");
  ASSERT_FALSE(failed.has_value());
  EXPECT_THAT(failed.error().message(), HasSubstr("kb/akira.yaml:5:"));
}

TEST(ParseFamilyTest, YamlSyntaxErrorNamesTheLine) {
  ExpectErrorAt("id: x\nname: [a, b\n", 3, "");
  ExpectErrorAt("", 1, "empty document");
}

TEST(ParseFamilyTest, PatternLongerThanTheLimitIsRejected) {
  std::string text =
      "id: x\nrules:\n  - id: r\n    kind: note-phrase\n"
      "    pattern: \"" +
      std::string(limits::kMaxPatternBytes + 1, 'a') + "\"\n";
  ExpectErrorAt(text, 5, "kMaxPatternBytes");
}

TEST(FamilyToYamlTest, RoundTripsEveryField) {
  ASSERT_OK_AND_ASSIGN(Family family, Parse(kGood));
  family.name = "Quote \" back\\slash \xc3\xa9 \x01 tab\t";
  family.recovery.possible = RecoveryPossible::kPartial;
  family.recovery.decryptor = "akira";
  family.recovery.needs = {"a file pair"};
  family.recovery.sources = {{"curated", "x"}};
  family.fixtures[0].file_tail = {0x00, 0xff};
  family.fixtures[0].note_text = "line one\nline two";
  std::string yaml = internal::FamilyToYaml(family);
  ASSERT_OK_AND_ASSIGN(Family again, Parse(yaml));
  EXPECT_EQ(again.name, family.name);
  EXPECT_EQ(internal::FamilyToYaml(again), yaml);
  EXPECT_EQ(again.fixtures[0].file_tail, family.fixtures[0].file_tail);
  EXPECT_EQ(again.recovery.possible, RecoveryPossible::kPartial);
}

// Regression (found by kb_loader_fuzzer): bytes that are not UTF-8 (0xF8 to
// 0xFF leads, overlong forms, surrogates, code points past U+10FFFF) were
// written as \U escapes of invalid code points, which the reader rejects.
// They are written as U+FFFD; valid characters keep their own escape.
TEST(FamilyToYamlTest, InvalidUtf8IsWrittenAsReplacementAndReadsBack) {
  ASSERT_OK_AND_ASSIGN(Family family, Parse(kGood));
  for (const std::string bad :
       {"\xff\xff\xff\xff\xa1", "\xf8\x88\x80\x80\x80", "\xc0\x80",
        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"}) {
    family.name = "a" + bad + "\xf0\x9f\x94\x91z";  // U+1F511 stays.
    const std::string yaml = internal::FamilyToYaml(family);
    SCOPED_TRACE(yaml);
    ASSERT_OK_AND_ASSIGN(Family again, Parse(yaml));
    EXPECT_EQ(again.name.substr(0, 1), "a");
    EXPECT_NE(again.name.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
    EXPECT_NE(again.name.find("\xf0\x9f\x94\x91z"), std::string::npos);
    EXPECT_EQ(internal::FamilyToYaml(again), yaml);
  }
}

TEST(LoadFromFilesTest, SkipsRulesForANewerEngineAndCountsThem) {
  std::string text = std::string(kGood) + "  # trailing comment\n";
  text.replace(
      text.find("    sources: [\"misp-galaxy:u1\"]\n  - id: \"marker\""), 0,
      "    min_engine: \"9.0\"\n");
  std::vector<internal::KbFile> files{
      {"akira.yaml", ByteView::FromString(text)}};
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, internal::LoadFromFiles(files, "kb/"));
  ASSERT_THAT(kb.families, SizeIs(1));
  ASSERT_THAT(kb.families[0].rules, SizeIs(1));
  EXPECT_EQ(kb.families[0].rules[0].id, "marker");
  EXPECT_EQ(kb.skipped_rules, 1u);
}

TEST(LoadFromFilesTest, FileNameMustMatchTheId) {
  std::vector<internal::KbFile> files{
      {"conti.yaml", ByteView::FromString(kGood)}};
  auto kb = internal::LoadFromFiles(files, "kb/");
  ASSERT_FALSE(kb.has_value());
  EXPECT_THAT(kb.error().message(), HasSubstr("kb/conti.yaml:1:"));
}

TEST(LoadFromFilesTest, DisableListRetractsFamiliesAndRules) {
  std::vector<internal::KbFile> files{
      {"akira.yaml", ByteView::FromString(kGood)},
      {"disabled.yaml",
       ByteView::FromString("disabled: [\"akira/ext-akira\"]\n")}};
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, internal::LoadFromFiles(files, "kb/"));
  ASSERT_THAT(kb.families[0].rules, SizeIs(1));
  EXPECT_FALSE(kb.families[0].disabled);
  files[1].data = ByteView::FromString("disabled: [akira]\n");
  ASSERT_OK_AND_ASSIGN(kb, internal::LoadFromFiles(files, "kb/"));
  EXPECT_TRUE(kb.families[0].disabled);
}

TEST(LoadFromFilesTest, AllowListErrorsNameFileAndLine) {
  std::vector<internal::KbFile> files{
      {"allow-list.yaml",
       ByteView::FromString("allow:\n  - kind: extension\n    reason: r\n")}};
  auto kb = internal::LoadFromFiles(files, "kb/");
  ASSERT_FALSE(kb.has_value());
  EXPECT_THAT(kb.error().message(), HasSubstr("kb/allow-list.yaml:2:"));
}

TEST(LoadFromFilesTest, AllowListContactsByValueOrDomain) {
  std::vector<internal::KbFile> files{
      {"allow-list.yaml",
       ByteView::FromString("contacts:\n"
                            "  - value: 1BoatSLRHtKNngkdXEeobR76b53LETtpyT\n"
                            "    reason: wiki example\n"
                            "  - domain: Example.COM\n"
                            "    reason: RFC 2606\n")}};
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, internal::LoadFromFiles(files, "kb/"));
  ASSERT_THAT(kb.allow_contacts, SizeIs(2));
  EXPECT_EQ(kb.allow_contacts[1].domain, "example.com");
  const auto& allowed = kb.allow_contacts;
  EXPECT_EQ(FindAllowedContact(allowed, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
            &allowed[0]);
  EXPECT_EQ(FindAllowedContact(allowed, "joe@example.com"), &allowed[1]);
  EXPECT_EQ(FindAllowedContact(allowed, "http://www.example.com/pay/"),
            &allowed[1]);
  EXPECT_EQ(FindAllowedContact(allowed, "example.com"), &allowed[1]);
  // Neither a look-alike host nor another address.
  EXPECT_EQ(FindAllowedContact(allowed, "joe@notexample.com"), nullptr);
  EXPECT_EQ(FindAllowedContact(allowed, "joe@example.com.evil.onion"), nullptr);
  EXPECT_EQ(FindAllowedContact(allowed, "1BoatSLRHtKNngkdXEeobR76b53LETtpy"),
            nullptr);

  files[0].data = ByteView::FromString(
      "contacts:\n  - value: a@b.c\n    domain: b.c\n    reason: r\n");
  auto both = internal::LoadFromFiles(files, "kb/");
  ASSERT_FALSE(both.has_value());
  EXPECT_THAT(both.error().message(),
              HasSubstr("kb/allow-list.yaml:2: allowed contact needs exactly "
                        "one of 'value' and 'domain'"));
}

TEST(LoadKnowledgeBaseTest, ReadsFamiliesListsAndNotesThroughTheFileSystem) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddFile("/kb/akira.yaml", ByteView::FromString(kGood)),
              IsOk());
  ASSERT_THAT(fs.AddFile("/kb/allow-list.yaml",
                         ByteView::FromString("allow:\n  - kind: extension\n"
                                              "    pattern: .bak\n"
                                              "    reason: backups\n")),
              IsOk());
  ASSERT_THAT(fs.AddFile("/kb/notes/akira/readme.txt",
                         ByteView::FromString("Hi friends")),
              IsOk());
  ASSERT_THAT(fs.AddFile("/kb/README.md", ByteView::FromString("not yaml")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(KnowledgeBase kb, LoadKnowledgeBase(fs, "/kb"));
  ASSERT_THAT(kb.families, SizeIs(1));
  EXPECT_EQ(kb.families[0].where.file, "/kb/akira.yaml");
  ASSERT_THAT(kb.allow_list, SizeIs(1));
  ASSERT_TRUE(kb.note_texts.contains("notes/akira/readme.txt"));
  EXPECT_EQ(FindFamily(kb, "MEGAZORD"), &kb.families[0]);
  EXPECT_EQ(FindFamily(kb, "Akira"), &kb.families[0]);
  EXPECT_EQ(FindFamily(kb, "conti"), nullptr);
}

TEST(LoadKnowledgeBaseTest, OversizedFamilyFileIsResourceExhausted) {
  io::MemoryFileSystem fs;
  std::string big = std::string(kGood) + "#" +
                    std::string(limits::kMaxKbFileBytes, 'x') + "\n";
  ASSERT_THAT(fs.AddFile("/kb/akira.yaml", ByteView::FromString(big)), IsOk());
  EXPECT_THAT(LoadKnowledgeBase(fs, "/kb"),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST(LoadKnowledgeBaseTest, MissingFolderIsAnError) {
  io::MemoryFileSystem fs;
  EXPECT_FALSE(LoadKnowledgeBase(fs, "/nowhere").has_value());
}

}  // namespace
}  // namespace kintsugi::kb
