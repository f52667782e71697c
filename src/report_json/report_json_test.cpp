// The schema tests of identify's and recover's JSON (docs/cli.md): every
// key and type against tests/json/*.shape.json, and the values scripts rely
// on.

#include "kintsugi/report_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report_json/json_shape.h"

namespace kintsugi {
namespace {

using ::testing::IsEmpty;
using Json = nlohmann::json;

Json Shape(const std::string& name) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::ifstream in(std::string(root != nullptr ? root : ".") + "/tests/json/" +
                   name);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

identify::Report FullIdentifyReport() {
  identify::Report report;
  report.verdict = identify::Verdict::kAmbiguous;
  report.named = 2;
  identify::Candidate conti;
  conti.family = "conti";
  conti.name = "Conti";
  conti.score = 0.61234;
  conti.recovery = kb::RecoveryPossible::kNo;
  conti.needs = {"nothing"};
  conti.related = {"monti"};
  identify::Evidence evidence;
  evidence.kind = identify::EvidenceKind::kExtension;
  evidence.detail = Message{MessageId::kEvidenceExtension,
                            {{"pattern", ".conti"},
                             {"rule", "ext-conti"},
                             {"strength", "strong"},
                             {"file", "kb/conti.yaml"},
                             {"line", std::int64_t{7}}}};
  evidence.source = "a.doc.conti";
  conti.evidence = {evidence};
  identify::Candidate monti = conti;
  monti.family = "monti";
  monti.name = "Monti";
  monti.decryptor = "monti-tool";
  monti.score = 0.5;
  report.candidates = {conti, monti};
  identify::InputSummary input;
  input.source = "a.doc.conti";
  input.kind = identify::InputKind::kEncryptedFile;
  input.description = Message{MessageId::kInputEncryptedFile,
                              {{"size", "1.0 KiB"}, {"entropy", "7.99"}}};
  input.indicators = {{"email", "a@b.test"}};
  input.allow_listed = "a backup tool";
  report.inputs = {input};
  report.unattributed = {identify::Evidence{
      identify::EvidenceKind::kYara,
      Message{MessageId::kEvidenceYara, {{"rule", "anything"}}}, "x", false}};
  return report;
}

TEST(IdentifyJsonTest, EveryKeyHasItsDocumentedType) {
  const Json json = Json::parse(IdentifyReportJson(
      FullIdentifyReport(), {{"gone.txt", NotFoundError("gone.txt")}}));
  EXPECT_THAT(testing::JsonShapeErrors(json, Shape("identify.shape.json")),
              IsEmpty())
      << json.dump(2);
}

// The report is written without a document (json_writer.h): each object's
// keys must come in nlohmann's order and every byte as its dump has it, so
// parsing and dumping again gives the same text, compact and indented.
TEST(IdentifyJsonTest, WrittenExactlyAsADocumentDumpsIt) {
  identify::Report report = FullIdentifyReport();
  report.candidates[0].evidence[0].source = "tab\t \"quoted\" caf\xC3\xA9 \xFF";
  report.candidates[0].evidence[0].detail.args.push_back(
      {"nested", std::vector<Message>{
                     Message{MessageId::kEvidenceYara, {{"rule", "r\x01"}}}}});
  report.candidates[0].evidence[0].detail.args.push_back(
      {"file", "a later value of a repeated name"});
  identify::GroupFinding group;
  group.id = "conti-group";
  group.name = "Conti group";
  group.kind = "rebrand";
  group.shares = "a note template";
  group.members = {"conti", "monti"};
  group.member_names = {"Conti", "Monti"};
  group.candidates = {"conti", "monti"};
  group.separating = report.candidates[1].evidence;
  report.group = group;
  const std::vector<UnreadInput> unread = {
      {"gone\n.txt", NotFoundError("gone \"here\"")}};
  for (const int indent : {2, -1}) {
    const std::string written = IdentifyReportJson(report, unread, indent);
    EXPECT_EQ(written, Json::parse(written).dump(
                           indent, ' ', false, Json::error_handler_t::replace));
    report.group->favoured = "monti";
  }
  const Json json = Json::parse(IdentifyReportJson(report, unread));
  EXPECT_EQ(json["candidates"][0]["evidence"][0]["message"]["args"]["file"],
            "a later value of a repeated name");
  EXPECT_EQ(json["candidates"][0]["evidence"][0]["message"]["args"]["nested"][0]
                ["args"]["rule"],
            "r\x01");
  EXPECT_EQ(json["group"]["favoured"], "monti");
  EXPECT_TRUE(json["group"].contains("explanation_message"));
}

TEST(IdentifyJsonTest, ValuesScriptsReadAreKept) {
  const Json json = Json::parse(IdentifyReportJson(
      FullIdentifyReport(), {{"gone.txt", NotFoundError("gone.txt")}}));
  EXPECT_EQ(json["verdict"], "ambiguous");
  EXPECT_EQ(json["named"], 2);
  const Json& conti = json["candidates"][0];
  EXPECT_EQ(conti["score"], 0.612);
  EXPECT_EQ(conti["recovery"]["possible"], "no");
  EXPECT_TRUE(conti["recovery"]["decryptor"].is_null());
  EXPECT_FALSE(conti["recovery"]["available"]);
  EXPECT_EQ(json["candidates"][1]["recovery"]["decryptor"], "monti-tool");
  const Json& evidence = conti["evidence"][0];
  EXPECT_EQ(evidence["kind"], "extension");
  EXPECT_EQ(evidence["detail"],
            "file name ends in \".conti\" (rule ext-conti, strong, "
            "kb/conti.yaml:7)");
  EXPECT_EQ(evidence["message"]["id"], "evidence.extension");
  EXPECT_EQ(evidence["message"]["args"]["pattern"], ".conti");
  EXPECT_EQ(evidence["message"]["args"]["line"], 7);
  EXPECT_EQ(json["unattributed_evidence"][0]["detail"], "YARA rule anything");
  const Json& input = json["inputs"][0];
  EXPECT_EQ(input["kind"], "encrypted-file");
  EXPECT_EQ(input["description"],
            "encrypted file, 1.0 KiB, entropy 7.99 bits/byte");
  EXPECT_EQ(input["description_message"]["id"], "input.encrypted_file");
  EXPECT_EQ(input["allow_listed"], "a backup tool");
  const Json& unread = json["inputs"][1];
  EXPECT_EQ(unread["kind"], "unread");
  EXPECT_EQ(unread["error"]["code"], "not_found");
}

TEST(IdentifyJsonTest, MessagesAsArgumentsAreNestedObjects) {
  identify::Report report;
  report.unattributed = {identify::Evidence{
      identify::EvidenceKind::kYara,
      Message{
          MessageId::kRecoverChoiceIdentified,
          {{"name", "Gamma"},
           {"origin", std::vector<Message>{{MessageId::kOriginFolder, {}}}}}},
      "x", false}};
  const Json json = Json::parse(IdentifyReportJson(report));
  const Json& message = json["unattributed_evidence"][0]["message"];
  EXPECT_EQ(message["id"], "recover.choice_identified");
  EXPECT_EQ(message["args"]["origin"][0]["id"], "origin.folder");
  EXPECT_TRUE(message["args"]["origin"][0]["args"].is_object());
  EXPECT_EQ(json["unattributed_evidence"][0]["detail"],
            "identified as Gamma from the files in this folder");
}

TEST(IdentifyJsonTest, NoUnattributedKeyWhenThereIsNone) {
  const Json json = Json::parse(IdentifyReportJson(identify::Report{}));
  EXPECT_FALSE(json.contains("unattributed_evidence"));
  EXPECT_EQ(json["verdict"], "unknown");
  EXPECT_THAT(testing::JsonShapeErrors(json, Shape("identify.shape.json")),
              IsEmpty());
}

RecoverReport FullRecoverReport() {
  RecoverReport report;
  FileOutcome done;
  done.path = "/v/report.docx.fun";
  done.status = RecoverStatus::kRecovered;
  done.family = "jigsaw";
  done.decryptor = "jigsaw";
  done.variant = "hard-coded key 1";
  done.output = "/v/report.docx";
  done.verified_as = "ooxml";
  done.verified_by = VerifiedBy::kChecksum;
  // A nested message, as the pipeline makes when identify chose the
  // decryptor.
  done.detail = Message{
      MessageId::kRecoverWithChoice,
      {{"detail", std::vector<Message>{{MessageId::kRecoverVerified, {}}}},
       {"choice",
        std::vector<Message>{
            {MessageId::kRecoverChoiceIdentified,
             {{"name", "Jigsaw"},
              {"origin", std::vector<Message>{{MessageId::kOriginFile,
                                               {{"file", "a.txt"}}}}}}}}}}};
  done.key_source = "hard-coded key 1";
  FileOutcome plain;
  plain.path = "/v/notes.txt";
  plain.status = RecoverStatus::kNotEncrypted;
  // Issue 17: a partial output, with its byte accounting.
  FileOutcome part;
  part.path = "/v/disk.vmdk.abcdefghi";
  part.status = RecoverStatus::kPartial;
  part.family = "blackbasta";
  part.output = "/v/disk.vmdk.partial";
  part.output_size = 10000;
  part.lost = LostBytes{4936, {{64, 4936}}, 1};
  report.files = {done, plain, part};
  report.counts[static_cast<std::size_t>(RecoverStatus::kRecovered)] = 1;
  report.counts[static_cast<std::size_t>(RecoverStatus::kNotEncrypted)] = 1;
  report.counts[static_cast<std::size_t>(RecoverStatus::kPartial)] = 1;
  report.verified_by[static_cast<std::size_t>(VerifiedBy::kChecksum)] = 1;
  report.symlinks_skipped = 3;
  report.duplicates_skipped = 2;
  report.keys = {{"nemucod", "00ff", "", "--pair a=b",
                  Message{MessageId::kRecoverNemucodKeyFromPair,
                          {{"region", std::int64_t{2048}},
                           {"length", std::int64_t{255}}}}}};
  report.bytes_written = 12345;
  return report;
}

TEST(RecoverJsonTest, EveryKeyHasItsDocumentedType) {
  const Json json = Json::parse(RecoverReportJson(FullRecoverReport()));
  EXPECT_THAT(testing::JsonShapeErrors(json, Shape("recover.shape.json")),
              IsEmpty())
      << json.dump(2);
}

TEST(RecoverJsonTest, ValuesScriptsReadAreKept) {
  const Json json = Json::parse(RecoverReportJson(FullRecoverReport()));
  const Json& done = json["files"][0];
  EXPECT_EQ(done["path"], "/v/report.docx.fun");
  EXPECT_EQ(done["status"], "recovered");
  EXPECT_EQ(done["output"], "/v/report.docx");
  EXPECT_EQ(done["variant"], "hard-coded key 1");
  const Json& plain = json["files"][1];
  EXPECT_EQ(plain["status"], "not_encrypted");
  EXPECT_FALSE(plain.contains("partial"));
  const Json& part = json["files"][2];
  EXPECT_EQ(part["status"], "partial");
  EXPECT_EQ(part["partial"]["size"], 10000);
  EXPECT_EQ(part["partial"]["bytes_recovered"], 10000 - 4936);
  EXPECT_EQ(part["partial"]["bytes_lost"], 4936);
  EXPECT_EQ(part["partial"]["lost_ranges"][0]["offset"], 64);
  EXPECT_EQ(part["partial"]["lost_ranges"][0]["length"], 4936);
  EXPECT_EQ(part["partial"]["lost_range_count"], 1);
  EXPECT_EQ(json["summary"]["counts"]["partial"], 1);
  // How strong each verification was, and the recovered files by strength
  // (issue 16).
  EXPECT_EQ(done["verified_by"], "checksum");
  EXPECT_EQ(plain["verified_by"], "none");
  EXPECT_EQ(json["summary"]["verified_by"]["checksum"], 1);
  EXPECT_EQ(json["summary"]["verified_by"]["structure"], 0);
  EXPECT_EQ(json["summary"]["verified_by"]["none"], 0);
  EXPECT_EQ(json["summary"]["symlinks_skipped"], 3);
  EXPECT_EQ(json["summary"]["duplicates_skipped"], 2);
  EXPECT_TRUE(plain["family"].is_null());
  EXPECT_TRUE(plain["output"].is_null());
  EXPECT_FALSE(plain.contains("variant"));
  // The detail in English for scripts, and as a message for other
  // languages; a file without a detail has neither.
  EXPECT_EQ(done["detail"], "verified; identified as Jigsaw from a.txt");
  EXPECT_EQ(done["message"]["id"], "recover.with_choice");
  EXPECT_EQ(done["message"]["args"]["detail"][0]["id"], "recover.verified");
  EXPECT_EQ(done["message"]["args"]["choice"][0]["args"]["name"], "Jigsaw");
  EXPECT_EQ(plain["detail"], "");
  EXPECT_FALSE(plain.contains("message"));
  EXPECT_EQ(json["summary"]["files"], 3);
  EXPECT_EQ(json["summary"]["counts"]["recovered"], 1);
  EXPECT_EQ(json["summary"]["counts"]["key_not_found"], 0);
  EXPECT_EQ(json["summary"]["keys"][0]["key"], "00ff");
  // A key's detail likewise: English for scripts, and the message (issue 8).
  const Json& key = json["summary"]["keys"][0];
  EXPECT_EQ(key["detail"],
            "XOR over the first 2048 bytes with a 255-byte key; reuse it with "
            "--family nemucod --key HEX");
  EXPECT_EQ(key["message"]["id"], "recover.nemucod_key_from_pair");
  EXPECT_EQ(key["message"]["args"]["region"], 2048);
  EXPECT_EQ(key["message"]["args"]["length"], 255);
  EXPECT_EQ(json["summary"]["bytes_written"], 12345);
  EXPECT_EQ(json["summary"]["dry_run"], false);
  EXPECT_EQ(json["summary"]["interrupted"], false);
}

// Regression (issue 16): a file name that is not valid UTF-8 came out with
// U+FFFD and no longer named the file. Its exact bytes are added in base64,
// and only where the UTF-8 rendering differs.
TEST(RecoverJsonTest, NamesThatAreNotUtf8CarryTheirBytes) {
  RecoverReport report = FullRecoverReport();
  report.files[0].path = "/v/caf\xE9.doc.fun";  // Latin-1, not UTF-8.
  report.files[0].output = "/v/caf\xE9.doc";
  const Json json = Json::parse(RecoverReportJson(report));
  EXPECT_THAT(testing::JsonShapeErrors(json, Shape("recover.shape.json")),
              IsEmpty())
      << json.dump(2);
  const Json& odd = json["files"][0];
  EXPECT_EQ(odd["path"], "/v/caf\xEF\xBF\xBD.doc.fun");
  EXPECT_EQ(odd["path_bytes"], "L3YvY2Fm6S5kb2MuZnVu");
  EXPECT_EQ(odd["output_bytes"], "L3YvY2Fm6S5kb2M=");
  const Json& plain = json["files"][1];  // "/v/notes.txt", no output.
  EXPECT_FALSE(plain.contains("path_bytes"));
  EXPECT_FALSE(plain.contains("output_bytes"));
}

TEST(IdentifyJsonTest, NamesThatAreNotUtf8CarryTheirBytes) {
  identify::Report report = FullIdentifyReport();
  report.inputs[0].source = "/n/\xFF";
  report.candidates[0].evidence[0].source = "/n/\xFF";
  const Json json = Json::parse(
      IdentifyReportJson(report, {{"/n/\xFF", NotFoundError("gone")}}));
  EXPECT_THAT(testing::JsonShapeErrors(json, Shape("identify.shape.json")),
              IsEmpty())
      << json.dump(2);
  EXPECT_EQ(json["inputs"][0]["source_bytes"], "L24v/w==");
  EXPECT_EQ(json["inputs"][1]["source_bytes"], "L24v/w==");
  EXPECT_EQ(json["candidates"][0]["evidence"][0]["source_bytes"], "L24v/w==");
  EXPECT_FALSE(json["candidates"][1]["evidence"][0].contains("source_bytes"));
  EXPECT_FALSE(json["unattributed_evidence"][0].contains("source_bytes"));
}

// The checker itself: a shape test that cannot fail is no test.
TEST(JsonShapeTest, FindsMissingUnexpectedAndMistypedKeys) {
  const Json shape = Json::parse(
      R"({"a": "string", "b?": "null|integer", "c": [{"d": "boolean"}]})");
  EXPECT_THAT(testing::JsonShapeErrors(
                  Json::parse(R"({"a": "x", "c": [{"d": true}]})"), shape),
              IsEmpty());
  EXPECT_THAT(testing::JsonShapeErrors(
                  Json::parse(R"({"a": "x", "b": null, "c": []})"), shape),
              IsEmpty());
  EXPECT_EQ(testing::JsonShapeErrors(Json::parse(R"({"c": []})"), shape),
            std::vector<std::string>{"$: missing \"a\""});
  EXPECT_EQ(testing::JsonShapeErrors(
                Json::parse(R"({"a": "x", "b": 1.5, "c": [{"d": 1}], "e": 0})"),
                shape),
            (std::vector<std::string>{"$.b: want null|integer, got 1.5",
                                      "$.c[0].d: want boolean, got 1",
                                      "$: unexpected \"e\""}));
}

}  // namespace
TEST(RecoverJsonTest, WrittenAsTheRunGoesItIsTheSameDocument) {
  const RecoverReport report = FullRecoverReport();
  std::string streamed;
  RecoverJsonWriter writer([&](std::string_view part) { streamed += part; });
  for (const FileOutcome& f : report.files) writer.File(f);
  RecoverReport without_files = report;
  without_files.files.clear();
  writer.Finish(without_files);
  EXPECT_EQ(streamed, RecoverReportJson(report));
  EXPECT_EQ(Json::parse(streamed)["summary"]["files"], 3);
  // No file at all, and a run that failed after three files.
  std::string empty;
  RecoverJsonWriter none([&](std::string_view part) { empty += part; });
  none.Finish(without_files);
  EXPECT_TRUE(Json::parse(empty)["files"].empty());
  std::string failed;
  RecoverJsonWriter failing([&](std::string_view part) { failed += part; });
  for (const FileOutcome& f : report.files) failing.File(f);
  failing.Fail(IoError("cannot write the journal"));
  const Json error = Json::parse(failed);
  EXPECT_EQ(error["files"].size(), 3u);
  EXPECT_EQ(error["error"]["code"], "io_error");
  EXPECT_FALSE(error.contains("summary"));
}

}  // namespace kintsugi

namespace kintsugi {
namespace {

kb::Family SampleFamily() {
  kb::Family family;
  family.id = "stop-djvu";
  family.name = "STOP/Djvu";
  family.aliases = {"Djvu"};
  family.first_seen = "2018";
  family.platforms = {"windows"};
  family.recovery.possible = kb::RecoveryPossible::kPartial;
  family.recovery.decryptor = "stop-djvu";
  family.recovery.strategy = "key-lookup";
  family.recovery.needs = {"offline ID"};
  kb::Rule extension;
  extension.kind = kb::RuleKind::kExtension;
  extension.pattern = ".djvu";
  kb::Rule regex_note;
  regex_note.kind = kb::RuleKind::kNoteName;
  regex_note.pattern = "_readme[0-9]*\\.txt";
  regex_note.is_regex = true;
  kb::Rule note;
  note.kind = kb::RuleKind::kNoteName;
  note.pattern = "_readme.txt";
  family.rules = {extension, regex_note, note};
  kb::Contact contact;
  contact.kind = kb::ContactKind::kEmail;
  contact.value = "helpmanager@airmail.cc";
  family.contacts = {contact};
  return family;
}

TEST(FamiliesJsonTest, TheListAndOneFamilysFacts) {
  kb::KnowledgeBase base;
  base.families = {SampleFamily()};
  const nlohmann::json list = nlohmann::json::parse(FamiliesJson(base));
  EXPECT_EQ(list, nlohmann::json::parse(R"({"families": [{"id": "stop-djvu",
      "name": "STOP/Djvu", "aliases": ["Djvu"], "decryptor": "stop-djvu",
      "recovery": "partial"}]})"));
  const nlohmann::json one =
      nlohmann::json::parse(FamilyJson(base.families[0]));
  EXPECT_EQ(one["first_seen"], "2018");
  EXPECT_TRUE(one["last_seen"].is_null());
  EXPECT_EQ(one["recovery"]["strategy"], "key-lookup");
  EXPECT_EQ(one["recovery"]["available"], DecryptorBuilt("stop-djvu"));
  // Literal extensions and note names only: a regex is not an indicator a
  // partner's tool can use as it is.
  EXPECT_EQ(one["indicators"]["extensions"], nlohmann::json({".djvu"}));
  EXPECT_EQ(one["indicators"]["note_names"], nlohmann::json({"_readme.txt"}));
  EXPECT_EQ(one["indicators"]["contacts"][0]["kind"], "email");
}

}  // namespace
}  // namespace kintsugi
