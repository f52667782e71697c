// The engine on a small synthetic KB: each kind of evidence, the scoring
// rules (weak evidence never decides alone, rebrands reported together),
// the allow-list, the disabled list, min_engine and bad input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"

namespace kintsugi::identify {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

kb::Rule MakeRule(std::string id, kb::RuleKind kind, std::string pattern,
                  kb::Strength strength, bool is_regex = false) {
  kb::Rule rule;
  rule.id = std::move(id);
  rule.kind = kind;
  rule.pattern = std::move(pattern);
  rule.strength = strength;
  rule.is_regex = is_regex;
  rule.where = {"kb/test.yaml", 1};
  return rule;
}

constexpr std::string_view kStopNote =
    "ATTENTION!\n\nDon't worry, you can return all your files!\n"
    "All your files like pictures, databases, documents and other important "
    "are encrypted with strongest encryption and unique key.\n"
    "The only method of recovering files is to purchase decrypt tool and "
    "unique key for you.\nThis software will decrypt all your encrypted "
    "files.\nWhat guarantees you have?\nYou can send one of your encrypted "
    "file from your PC and we decrypt it for free.\nPrice of private key and "
    "decrypt software is $980.\nDiscount 50% available if you contact us "
    "first 72 hours, that's price for you is $490.\nPlease note that you'll "
    "never restore your data without payment.\nTo get this software you "
    "need write on our e-mail:\nsupport@fakemail.test\n\nReserve e-mail "
    "address to contact us:\nhelp@fakemail.test\n\nYour personal ID:\n"
    "0123abcdefghijklmnopqrstuvwxyz0123456789ABCD\n";

constexpr std::string_view kOtherNote =
    "Hello! Your network has been penetrated. We have downloaded your "
    "confidential data and encrypted your servers. To recover your business "
    "open our chat in the Tor browser and enter your company key. If you do "
    "not contact us within five days we publish everything on our blog. "
    "Do not rename files, do not use third party recovery tools, do not "
    "contact the police or negotiators.\n";

kb::KnowledgeBase TestKb() {
  kb::KnowledgeBase kb;
  kb::Family stop;
  stop.id = "stop-djvu";
  stop.name = "STOP/Djvu";
  stop.rules = {
      MakeRule("ext-eking", kb::RuleKind::kExtension, ".eking",
               kb::Strength::kStrong),
      MakeRule("note-readme", kb::RuleKind::kNoteName, "_readme.txt",
               kb::Strength::kMedium),
      MakeRule("phrase-price", kb::RuleKind::kNotePhrase,
               "Price of private key and decrypt software is",
               kb::Strength::kStrong),
      MakeRule("id-format", kb::RuleKind::kVictimId, "[0-9A-Za-z]{40,48}",
               kb::Strength::kWeak, true),
  };
  kb::Rule marker;
  marker.id = "marker-eof";
  marker.kind = kb::RuleKind::kFileMarker;
  marker.strength = kb::Strength::kDecisive;
  const std::string guid = "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
  marker.marker = Bytes(guid.begin(), guid.end());
  marker.anchor = kb::Anchor::kTail;
  marker.where = {"kb/stop-djvu.yaml", 9};
  stop.rules.push_back(marker);
  stop.recovery.possible = kb::RecoveryPossible::kPartial;
  stop.recovery.decryptor = "stop-djvu";
  stop.recovery.needs = {"an original file and its encrypted copy"};
  stop.reference_notes = {"notes/stop-djvu/_readme.txt"};
  kb::Contact contact;
  contact.kind = kb::ContactKind::kEmail;
  contact.value = "support@fakemail.test";
  stop.contacts.push_back(contact);

  kb::Family locked;
  locked.id = "generic-locker";
  locked.name = "Generic Locker";
  locked.rules = {MakeRule("ext-locked", kb::RuleKind::kExtension, ".locked",
                           kb::Strength::kWeak)};

  kb::Family conti;
  conti.id = "conti";
  conti.name = "Conti";
  conti.related = {"monti"};
  conti.reference_notes = {"notes/conti/readme.txt"};
  kb::Family monti = conti;
  monti.id = "monti";
  monti.name = "Monti";
  monti.related = {"conti"};
  monti.reference_notes = {"notes/monti/readme.txt"};

  kb::Family gone;
  gone.id = "gone";
  gone.name = "Gone";
  gone.disabled = true;
  gone.rules = {MakeRule("ext-gone", kb::RuleKind::kExtension, ".gone",
                         kb::Strength::kDecisive)};

  kb::Family future;
  future.id = "future";
  future.name = "Future";
  future.rules = {MakeRule("ext-future", kb::RuleKind::kExtension, ".future",
                           kb::Strength::kDecisive)};
  future.rules[0].min_engine = "99.0";
  future.rules.push_back(MakeRule("ext-retracted", kb::RuleKind::kExtension,
                                  ".retracted", kb::Strength::kDecisive));

  kb.families = {stop, locked, conti, monti, gone, future};
  kb.disabled = {"future/ext-retracted"};
  kb::AllowEntry allow;
  allow.kind = kb::RuleKind::kExtension;
  allow.pattern = ".locked";
  allow.reason = "a backup tool's lock files";
  kb.allow_list = {allow};
  auto bytes = [](std::string_view s) {
    return ByteView::FromString(s).ToBytes();
  };
  kb.note_texts.emplace("notes/stop-djvu/_readme.txt", bytes(kStopNote));
  kb.note_texts.emplace("notes/conti/readme.txt", bytes(kOtherNote));
  kb.note_texts.emplace("notes/monti/readme.txt", bytes(kOtherNote));
  return kb;
}

std::shared_ptr<const CompiledKb> CompiledTestKb() {
  auto compiled = Compile(TestKb());
  EXPECT_TRUE(compiled.has_value()) << compiled.status().ToString();
  return compiled.has_value() ? *compiled : nullptr;
}

Input Note(std::string name, std::string_view text) {
  Input input;
  input.kind = InputKind::kNote;
  input.source = name;
  input.file_name = std::move(name);
  input.content = ByteView::FromString(text).ToBytes();
  input.size = input.content.size();
  return input;
}

TEST(EngineTest, StrongExtensionIdentifies) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input input = FileNameInput("holiday.jpg.eking");
  const Report report = kb->Identify({&input, 1});
  EXPECT_EQ(report.verdict, Verdict::kIdentified);
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "stop-djvu");
  EXPECT_EQ(report.candidates[0].decryptor, "stop-djvu");
  EXPECT_THAT(report.candidates[0].evidence,
              Contains(Field(&Evidence::kind, EvidenceKind::kExtension)));
}

TEST(EngineTest, ExtensionMatchIsCaseInsensitiveAndAnchored) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input upper = FileNameInput("A.DOC.EKING");
  EXPECT_EQ(kb->Identify({&upper, 1}).verdict, Verdict::kIdentified);
  const Input inside = FileNameInput("a.eking.docx");
  EXPECT_EQ(kb->Identify({&inside, 1}).verdict, Verdict::kUnknown);
}

TEST(EngineTest, WeakEvidenceNeverDecidesAlone) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  kb::KnowledgeBase no_allow = TestKb();
  no_allow.allow_list.clear();
  auto compiled = Compile(no_allow);
  ASSERT_TRUE(compiled.has_value());
  std::vector<Input> inputs;
  for (int i = 0; i < 50; ++i) {
    inputs.push_back(FileNameInput("file" + std::to_string(i) + ".locked"));
  }
  const Report report = (*compiled)->Identify(inputs);
  EXPECT_EQ(report.verdict, Verdict::kUnknown);
}

TEST(EngineTest, AllowListedNameIsNotEvidence) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input input = FileNameInput("db.locked");
  const Report report = kb->Identify({&input, 1});
  EXPECT_TRUE(report.candidates.empty());
  ASSERT_EQ(report.inputs.size(), 1u);
  EXPECT_EQ(report.inputs[0].allow_listed, "a backup tool's lock files");
}

TEST(EngineTest, DisabledFamiliesRulesAndNewerRulesAreSkipped) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  for (const std::string name : {"x.gone", "x.future", "x.retracted"}) {
    const Input input = FileNameInput(name);
    EXPECT_EQ(kb->Identify({&input, 1}).verdict, Verdict::kUnknown) << name;
  }
  EXPECT_GE(kb->stats().skipped_rules, 3u);
}

TEST(EngineTest, RewordedNoteWithOtherContactsIsRecognised) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  std::string note(kStopNote);
  // Another victim: other contacts, other ID, a changed sentence.
  note.replace(note.find("support@fakemail.test"), 21, "xyz@other.test");
  note.replace(note.find("help@fakemail.test"), 18, "abc@other.test");
  note.replace(note.find("Price of private key"), 20, "Cost of the secret key");
  note.replace(note.find("0123abcdef"), 10, "9876zyxwvu");
  const Input input = Note("note.txt", note);
  const Report report = kb->Identify({&input, 1});
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "stop-djvu");
  EXPECT_NE(report.verdict, Verdict::kUnknown);
  EXPECT_THAT(report.candidates[0].evidence,
              Contains(Field(&Evidence::kind, EvidenceKind::kNoteSimilarity)));
}

TEST(EngineTest, HtmlNoteWithScriptIsMatchedOnItsText) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input input =
      Note("_readme.txt",
           "<html><script>document.write('Price of private key and decrypt "
           "software is')</script><body><p>Hello</p></body></html>");
  const Report report = kb->Identify({&input, 1});
  for (const Candidate& c : report.candidates) {
    EXPECT_THAT(c.evidence, ::testing::Not(Contains(Field(
                                &Evidence::kind, EvidenceKind::kNotePhrase))));
  }
}

TEST(EngineTest, RebrandsAreReportedTogether) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input input = Note("readme.txt", kOtherNote);
  const Report report = kb->Identify({&input, 1});
  EXPECT_EQ(report.verdict, Verdict::kAmbiguous);
  ASSERT_GE(report.candidates.size(), 2u);
  std::set<std::string> top = {report.candidates[0].family,
                               report.candidates[1].family};
  EXPECT_EQ(top, (std::set<std::string>{"conti", "monti"}));
}

TEST(EngineTest, TypedContactIsEvidence) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  ASSERT_OK_AND_ASSIGN(const Input input,
                       ContactInput("  Support@FakeMail.test "));
  const Report report = kb->Identify({&input, 1});
  ASSERT_FALSE(report.candidates.empty());
  EXPECT_EQ(report.candidates[0].family, "stop-djvu");
  EXPECT_EQ(report.candidates[0].evidence[0].source, "contact");
}

TEST(EngineTest, MarkerNearEndOfFile) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  Input input;
  input.kind = InputKind::kEncryptedFile;
  input.source = "data.bin";
  input.file_name = "data.bin";
  input.content = Bytes(1000, 0xAB);
  input.tail = input.content;
  const std::string guid = "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
  input.tail.insert(input.tail.end(), guid.begin(), guid.end());
  input.size = 5000;
  const Report report = kb->Identify({&input, 1});
  EXPECT_EQ(report.verdict, Verdict::kIdentified);
  EXPECT_EQ(report.candidates.at(0).family, "stop-djvu");
}

TEST(EngineTest, NoInputsIsUnknown) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Report report = kb->Identify({});
  EXPECT_EQ(report.verdict, Verdict::kUnknown);
  EXPECT_TRUE(report.candidates.empty());
}

// Every sentence the engine makes carries the arguments its message id
// declares, so every catalog's placeholders are filled.
void ExpectDeclaredArgs(const Report& report) {
  for (const Candidate& c : report.candidates) {
    for (const Evidence& e : c.evidence) {
      EXPECT_TRUE(HasDeclaredArgs(e.detail))
          << MessageIdName(e.detail.id) << ": " << RenderEnglish(e.detail);
    }
  }
  for (const InputSummary& in : report.inputs) {
    EXPECT_TRUE(HasDeclaredArgs(in.description))
        << MessageIdName(in.description.id);
  }
  EXPECT_TRUE(HasDeclaredArgs(VerdictSummary(report)));
}

TEST(EngineTest, EveryMessageHasItsDeclaredArguments) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  Input encrypted;
  encrypted.kind = InputKind::kEncryptedFile;
  encrypted.source = "data.bin.eking";
  encrypted.file_name = "data.bin.eking";
  encrypted.content = Bytes(1000, 0xAB);
  encrypted.tail = encrypted.content;
  const std::string guid = "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
  encrypted.tail.insert(encrypted.tail.end(), guid.begin(), guid.end());
  encrypted.size = 5000;
  ASSERT_OK_AND_ASSIGN(const Input contact,
                       ContactInput("support@fakemail.test"));
  const std::vector<Input> inputs = {
      Note("_readme.txt", kStopNote), Note("readme.txt", kOtherNote),
      FileNameInput("x.jpg.eking"), encrypted, contact};
  std::set<MessageId> ids;
  for (const Input& input : inputs) {
    const Report report = kb->Identify({&input, 1});
    ExpectDeclaredArgs(report);
    for (const Candidate& c : report.candidates) {
      for (const Evidence& e : c.evidence) ids.insert(e.detail.id);
    }
  }
  const Report all = kb->Identify(inputs);
  ExpectDeclaredArgs(all);
  // The kinds this KB can produce were all seen.
  for (const MessageId id :
       {MessageId::kEvidenceExtension, MessageId::kEvidenceNoteName,
        MessageId::kEvidenceNotePhrase, MessageId::kEvidenceVictimId,
        MessageId::kEvidenceMarkerTail, MessageId::kEvidenceContact,
        MessageId::kEvidenceSimilarity}) {
    EXPECT_TRUE(ids.count(id)) << MessageIdName(id);
  }
}

TEST(EngineTest, NamedCandidatesAreDecidedWithTheVerdict) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input rebrand = Note("readme.txt", kOtherNote);
  const Report ambiguous = kb->Identify({&rebrand, 1});
  EXPECT_EQ(ambiguous.verdict, Verdict::kAmbiguous);
  EXPECT_EQ(ambiguous.named, 2u);
  const Input eking = FileNameInput("a.eking");
  const Report identified = kb->Identify({&eking, 1});
  EXPECT_EQ(identified.verdict, Verdict::kIdentified);
  EXPECT_EQ(identified.named, 1u);
  EXPECT_EQ(kb->Identify({}).named, 0u);
}

// Regression: `kintsugi identify /etc/passwd` called the file a ransom note
// and answered "it could be root": a family name in an ordinary text file
// was evidence.
TEST(EngineTest, TextWithoutRansomNoteTraitsIsNotANote) {
  const auto kb = CompiledTestKb();
  ASSERT_NE(kb, nullptr);
  const Input passwd =
      Note("passwd",
           "root:x:0:0:root:/root:/bin/bash\n"
           "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
           "conti:x:1000:1000:Conti,,,:/home/conti:/bin/bash\n"
           "monti:x:1001:1001:Monti,,,:/home/monti:/bin/bash\n");
  const Report report = kb->Identify({&passwd, 1});
  EXPECT_EQ(report.verdict, Verdict::kUnknown);
  EXPECT_TRUE(report.candidates.empty());
  ASSERT_EQ(report.inputs.size(), 1u);
  EXPECT_EQ(report.inputs[0].kind, InputKind::kOtherFile);
  EXPECT_EQ(report.inputs[0].description.id, MessageId::kInputNotANote);
  EXPECT_THAT(RenderEnglish(report.inputs[0].description),
              HasSubstr("not a ransom note"));
  // The same names in a text that asks for a ransom are evidence.
  const Input note = Note(
      "note.txt", "Conti: your files are encrypted. Pay to get them back.");
  EXPECT_FALSE(kb->Identify({&note, 1}).candidates.empty());
}

TEST(ReadInputTest, ClassifiesByContentNotName) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/t"), IsOk());
  ASSERT_THAT(WriteNewFile(fs, "/t/photo.jpg.eking",
                           ByteView::FromString("Your files are encrypted!")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const Input input, ReadInput(fs, "/t/photo.jpg.eking"));
  EXPECT_EQ(input.kind, InputKind::kNote);
  EXPECT_EQ(input.file_name, "photo.jpg.eking");
}

TEST(ReadInputTest, EmptyFileIsBadInput) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/t"), IsOk());
  ASSERT_THAT(WriteNewFile(fs, "/t/empty.txt", ByteView()), IsOk());
  EXPECT_THAT(ReadInput(fs, "/t/empty.txt"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadInput(fs, "/t/missing.txt"), StatusIs(StatusCode::kNotFound));
}

TEST(ReadInputTest, OversizedTextIsALimitNotANote) {
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.CreateDirs("/t"), IsOk());
  const std::string text(limits::kMaxNoteBytes + 10, 'a');
  ASSERT_THAT(WriteNewFile(fs, "/t/big.txt", ByteView::FromString(text)),
              IsOk());
  EXPECT_THAT(ReadInput(fs, "/t/big.txt"),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST(ContactInputTest, RejectsEmptyAndOversized) {
  EXPECT_THAT(ContactInput("   "), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ContactInput(std::string(limits::kMaxContactBytes + 1, 'a')),
              StatusIs(StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace kintsugi::identify
