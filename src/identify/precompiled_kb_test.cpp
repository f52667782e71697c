// The precompiled KB (docs/kb-format.md §9, issue #15 "Cold start"): the
// one built into the binary is used, and gives the same report as compiling
// the KB now for every fixture of every family; damaged, stale or foreign
// artefacts are refused (and the built-in KB is then compiled instead),
// never half used.

#include "identify/precompiled_kb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "identify/builtin_kb.h"
#include "identify/testing/fixture_inputs.h"
#include "kb/bundle.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/report_json.h"

namespace kintsugi::identify::internal {
namespace {

using identify_testing::FixtureInputs;

// Every report of `compiled` for the fixtures of `kb` and the examples/
// folder, as the JSON a user sees, one per case.
std::vector<std::string> AllReports(const CompiledKb& compiled,
                                    const kb::KnowledgeBase& kb) {
  std::vector<std::string> out;
  for (const kb::Family& family : kb.families) {
    for (const kb::Fixture& fixture : family.fixtures) {
      const std::vector<Input> inputs = FixtureInputs(fixture);
      out.push_back(fixture.where.file + ":" +
                    std::to_string(fixture.where.line) + "\n" +
                    IdentifyReportJson(compiled.Identify(inputs)));
    }
  }
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  EXPECT_NE(root, nullptr) << "KINTSUGI_SOURCE_ROOT is not set";
  if (root == nullptr) return out;
  for (const char* example : {"_readme.txt", "holiday-photo.jpg.djvu"}) {
    auto input = ReadInput(RealFileSystem(), Path(root) / "examples" / example);
    EXPECT_TRUE(input.has_value()) << example;
    if (!input) continue;
    const std::vector<Input> inputs{*input};
    out.push_back(std::string(example) + "\n" +
                  IdentifyReportJson(compiled.Identify(inputs)));
  }
  return out;
}

TEST(PrecompiledKbTest, TheBuiltInArtefactFitsThisBinary) {
  // Falling back would give the same answers, slowly: this test is what
  // notices a build that stopped precompiling.
  ASSERT_OK_AND_ASSIGN(
      auto impl,
      LoadPrecompiledKb(BuiltInArtefact(), kb::internal::EmbeddedBundle()));
  EXPECT_GT(impl->families.size(), 1000u);
  EXPECT_GT(impl->note_text.size(), 0u);
}

TEST(PrecompiledKbTest, GivesWhatCompilingGivesForEveryFixture) {
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase kb,
                       kb::LoadEmbeddedKnowledgeBase());
  ASSERT_OK_AND_ASSIGN(auto fresh, internal::CompileImpl(kb, {}, nullptr));
  ASSERT_OK_AND_ASSIGN(
      auto loaded,
      LoadPrecompiledKb(BuiltInArtefact(), kb::internal::EmbeddedBundle()));
  // Member by member (the databases aside: they are built for another
  // CPU), so a member the artefact drops or garbles fails here even when no
  // fixture happens to need it.
  ASSERT_OK_AND_ASSIGN(const Bytes fresh_bytes,
                       EncodePrecompiledPayload(*fresh, false));
  ASSERT_OK_AND_ASSIGN(const Bytes loaded_bytes,
                       EncodePrecompiledPayload(*loaded, false));
  EXPECT_TRUE(fresh_bytes == loaded_bytes)
      << "the precompiled KB differs from the compiled one";
  // And what users see, databases included.
  const auto fresh_kb = CompiledKb::Impl::Share(std::move(fresh));
  const auto loaded_kb = CompiledKb::Impl::Share(std::move(loaded));
  const std::vector<std::string> expected = AllReports(*fresh_kb, kb);
  const std::vector<std::string> actual = AllReports(*loaded_kb, kb);
  ASSERT_EQ(actual.size(), expected.size());
  EXPECT_GT(expected.size(), 1000u);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (actual[i] == expected[i]) continue;
    if (++differing <= 3) {
      ADD_FAILURE() << "compiled:\n"
                    << expected[i] << "\nprecompiled:\n"
                    << actual[i];
    }
  }
  EXPECT_EQ(differing, 0u);
}

TEST(PrecompiledKbTest, ThePayloadRoundTripsByteForByte) {
  ASSERT_OK_AND_ASSIGN(const ParsedArtefact parsed,
                       ParsePrecompiledKb(BuiltInArtefact()));
  ASSERT_OK_AND_ASSIGN(auto impl, DecodePrecompiledPayload(parsed.payload));
  ASSERT_OK_AND_ASSIGN(const Bytes again, EncodePrecompiledPayload(*impl));
  EXPECT_TRUE(ByteView(again) == parsed.payload);
}

// A small KB with a rule of every kind, a contact, a reference note and an
// allow-list entry, for the damage tests.
kb::KnowledgeBase SmallKb() {
  kb::KnowledgeBase kb;
  kb::Family family;
  family.id = "alpha";
  family.name = "Alpha Locker";
  family.aliases = {"alphalock"};
  const auto add = [&family](std::string id, kb::RuleKind kind,
                             std::string pattern, bool is_regex = false) {
    kb::Rule rule;
    rule.id = std::move(id);
    rule.kind = kind;
    rule.strength = kb::Strength::kStrong;
    rule.pattern = std::move(pattern);
    rule.is_regex = is_regex;
    rule.sources = {{"curated", "test"}};
    rule.where = {"kb/alpha.yaml", 7};
    family.rules.push_back(std::move(rule));
  };
  add("ext", kb::RuleKind::kExtension, ".alpha");
  add("name", kb::RuleKind::kFilenamePattern, R"(\.id-[0-9a-f]{8}\.alpha$)",
      true);
  add("note", kb::RuleKind::kNoteName, "ALPHA-README.txt");
  add("phrase", kb::RuleKind::kNotePhrase, "alpha has locked your files");
  add("regex", kb::RuleKind::kNoteRegex, R"(personal id: [a-z0-9]{12})", true);
  add("id", kb::RuleKind::kVictimId, "[A-Z]{4}-[0-9]{6}", true);
  add("marker", kb::RuleKind::kFileMarker, "");
  family.rules.back().marker = {0xA1, 0xFA, 0x00, 0x01};
  family.contacts.push_back(
      {kb::ContactKind::kEmail, "alpha@example.org", {}, {}});
  family.reference_notes = {"notes/alpha/readme.txt"};
  family.recovery.possible = kb::RecoveryPossible::kNo;
  kb.families.push_back(family);
  kb.note_texts["notes/alpha/readme.txt"] =
      ByteView::FromString(
          "Alpha has locked your files. Your personal ID: abcdef123456. Write "
          "to alpha@example.org to buy the decryptor; do not rename the files.")
          .ToBytes();
  kb.allow_list.push_back(
      {kb::RuleKind::kExtension, ".backup-lock", false, "a backup tool", {}});
  return kb;
}

const ByteView kBundle = ByteView::FromString("the KB bundle");

std::vector<Input> SmallCase() {
  std::vector<Input> inputs;
  inputs.push_back(FileNameInput("photo.jpg.id-0badcafe.alpha"));
  Input note;
  note.kind = InputKind::kNote;
  note.file_name = note.source = "ALPHA-README.txt";
  note.content = ByteView::FromString(
                     "Alpha has locked your files! personal id: "
                     "q1w2e3r4t5y6. Write to alpha@example.org.")
                     .ToBytes();
  note.size = note.content.size();
  inputs.push_back(std::move(note));
  return inputs;
}

class SmallArtefactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const hs_platform_info_t platform = BaselinePlatform();
    ASSERT_OK_AND_ASSIGN(auto impl, CompileImpl(kb_, {}, &platform));
    ASSERT_OK_AND_ASSIGN(artefact_,
                         SavePrecompiledKb(*impl, kBundle, platform));
    ASSERT_OK_AND_ASSIGN(auto compiled, Compile(kb_));
    expected_ = IdentifyReportJson(compiled->Identify(SmallCase()));
  }

  // The artefact with its header changed by `change`.
  Bytes WithHeader(const std::function<void(PrecompiledHeader&)>& change) {
    auto parsed = ParsePrecompiledKb(artefact_);
    EXPECT_TRUE(parsed.has_value());
    PrecompiledHeader header = parsed->header;
    change(header);
    return WritePrecompiledKb(header, parsed->payload);
  }

  const kb::KnowledgeBase kb_ = SmallKb();
  Bytes artefact_;
  std::string expected_;
};

TEST_F(SmallArtefactTest, LoadsAndGivesTheSameReport) {
  ASSERT_OK_AND_ASSIGN(auto impl, LoadPrecompiledKb(artefact_, kBundle));
  const auto loaded = CompiledKb::Impl::Share(std::move(impl));
  EXPECT_EQ(IdentifyReportJson(loaded->Identify(SmallCase())), expected_);
  EXPECT_THAT(expected_, ::testing::HasSubstr("\"identified\""));
}

TEST_F(SmallArtefactTest, AnotherBundleIsStale) {
  EXPECT_THAT(LoadPrecompiledKb(artefact_, ByteView::FromString("newer KB")),
              StatusIs(StatusCode::kUnsupported));
}

TEST_F(SmallArtefactTest, AnotherFormatEngineOrHyperscanIsRefused) {
  EXPECT_THAT(LoadPrecompiledKb(WithHeader([](auto& h) { ++h.format_version; }),
                                kBundle),
              StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(
      LoadPrecompiledKb(WithHeader([](auto& h) { h.engine_version = "999.0"; }),
                        kBundle),
      StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(
      LoadPrecompiledKb(
          WithHeader([](auto& h) { h.hyperscan_version = "4.0.0"; }), kBundle),
      StatusIs(StatusCode::kUnsupported));
}

TEST_F(SmallArtefactTest, DatabasesForAMissingCpuFeatureAreRefused) {
  hs_platform_info_t current{};
  ASSERT_EQ(hs_populate_platform(&current), HS_SUCCESS);
  const unsigned long long missing = ~current.cpu_features;
  EXPECT_THAT(
      LoadPrecompiledKb(WithHeader([&](auto& h) { h.cpu_features = missing; }),
                        kBundle),
      StatusIs(StatusCode::kUnsupported));
}

TEST_F(SmallArtefactTest, EveryTruncationIsRefused) {
  for (std::size_t size = 0; size < artefact_.size(); ++size) {
    const ByteView cut = ByteView(artefact_).First(size);
    auto loaded = LoadPrecompiledKb(cut, kBundle);
    ASSERT_FALSE(loaded.has_value()) << size;
    ASSERT_TRUE(loaded.error().code() == StatusCode::kCorrupt ||
                loaded.error().code() == StatusCode::kNotFound)
        << size << ": " << loaded.error().ToString();
  }
}

TEST_F(SmallArtefactTest, EveryFlippedByteIsRefused) {
  for (std::size_t i = 0; i < artefact_.size(); ++i) {
    Bytes damaged = artefact_;
    damaged[i] ^= 0x20;
    EXPECT_FALSE(LoadPrecompiledKb(damaged, kBundle).has_value()) << i;
  }
}

TEST_F(SmallArtefactTest, ADamagedPayloadNeverCrashesTheDecoder) {
  // Past the checksum (as a fuzzer gets there): each byte flipped and each
  // prefix either decodes or is refused, and never crashes.
  ASSERT_OK_AND_ASSIGN(const ParsedArtefact parsed,
                       ParsePrecompiledKb(artefact_));
  const Bytes payload = parsed.payload.ToBytes();
  std::size_t refused = 0;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    Bytes damaged = payload;
    damaged[i] ^= 0xFF;
    if (!DecodePrecompiledPayload(damaged).has_value()) ++refused;
    if (!DecodePrecompiledPayload(ByteView(payload).First(i)).has_value()) {
      ++refused;
    }
  }
  EXPECT_GT(refused, payload.size());
}

TEST_F(SmallArtefactTest, FallsBackToCompilingWithTheSameReport) {
  Bytes damaged = artefact_;
  damaged.back() ^= 1;
  int loads = 0;
  ASSERT_OK_AND_ASSIGN(auto compiled, LoadOrCompile(damaged, kBundle, [&] {
                         ++loads;
                         return Result<kb::KnowledgeBase>(kb_);
                       }));
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(IdentifyReportJson(compiled->Identify(SmallCase())), expected_);
  // A fitting artefact needs no KB at all.
  ASSERT_OK_AND_ASSIGN(compiled, LoadOrCompile(artefact_, kBundle, [&] {
                         ++loads;
                         return Result<kb::KnowledgeBase>(kb_);
                       }));
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(IdentifyReportJson(compiled->Identify(SmallCase())), expected_);
}

TEST(CompileBuiltInKbTest, IdentifiesTheExampleNote) {
  ASSERT_OK_AND_ASSIGN(auto compiled, CompileBuiltInKb());
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr);
  ASSERT_OK_AND_ASSIGN(
      Input note,
      ReadInput(RealFileSystem(), Path(root) / "examples" / "_readme.txt"));
  const std::vector<Input> inputs{note};
  const Report report = compiled->Identify(inputs);
  EXPECT_EQ(report.verdict, Verdict::kIdentified);
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "stop-djvu");
}

}  // namespace
}  // namespace kintsugi::identify::internal
