// `kintsugi identify` as a user runs it (issue #3, "CLI contract";
// docs/cli.md): the JSON shape, the human output, and the exit code for
// every kind of bad input. Runs the built binary ($KINTSUGI_BINARY) against
// a tiny synthetic KB (tests/identify/kb) so the answers are stable.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "report_json/json_shape.h"

namespace {

// A temporary file name unique to this process: test runs of several build
// folders side by side must not share files.
std::filesystem::path UniqueTempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("kintsugi-" + std::to_string(getpid()) + "-" + name);
}

using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int exit_code = -1;
  std::string out;
};

std::string Root() {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  return root != nullptr ? root : ".";
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// Runs kintsugi with `args` (already quoted); stdout only, stderr dropped.
CliRun Kintsugi(const std::string& args) {
  const char* binary = std::getenv("KINTSUGI_BINARY");
  EXPECT_NE(binary, nullptr) << "KINTSUGI_BINARY is not set";
  CliRun run;
  if (binary == nullptr) return run;
  const std::string command = Quote(binary) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT: test harness
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string TestKb() { return "--kb " + Quote(Root() + "/tests/identify/kb"); }
std::string Input(const std::string& name) {
  return Quote(Root() + "/tests/identify/inputs/" + name);
}

TEST(IdentifyCliTest, JsonHasTheContractShape) {
  const CliRun run =
      Kintsugi(TestKb() + " identify --json " + Input("report.docx.tlock"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["verdict"], "identified");
  ASSERT_TRUE(json["candidates"].is_array());
  const auto& best = json["candidates"][0];
  EXPECT_EQ(best["family"], "testlocker");
  EXPECT_EQ(best["name"], "TestLocker");
  EXPECT_GE(best["score"].get<double>(), 0.5);
  EXPECT_LE(best["score"].get<double>(), 1.0);
  for (const auto& e : best["evidence"]) {
    EXPECT_TRUE(e["kind"].is_string());
    EXPECT_TRUE(e["detail"].is_string());
    EXPECT_THAT(e["source"].get<std::string>(), HasSubstr("report.docx.tlock"));
  }
  std::set<std::string> kinds;
  for (const auto& e : best["evidence"]) kinds.insert(e["kind"]);
  EXPECT_TRUE(kinds.count("extension")) << run.out;
  EXPECT_TRUE(kinds.count("file-marker")) << run.out;
  EXPECT_EQ(best["recovery"]["possible"], "yes");
  EXPECT_EQ(best["recovery"]["decryptor"], "testlocker");
  EXPECT_EQ(best["recovery"]["needs"][0], "an encrypted file");
  ASSERT_EQ(json["inputs"].size(), 1u);
  EXPECT_EQ(json["inputs"][0]["kind"], "encrypted-file");
  EXPECT_EQ(json["named"], 1);
  // Every key and type, as tests/json/identify.shape.json lists them.
  std::ifstream shape_file(Root() + "/tests/json/identify.shape.json");
  std::stringstream shape;
  shape << shape_file.rdbuf();
  EXPECT_THAT(kintsugi::testing::JsonShapeErrors(
                  json, nlohmann::json::parse(shape.str())),
              ::testing::IsEmpty());
  // Beside each rendered detail, its message id and arguments.
  for (const auto& e : best["evidence"]) {
    EXPECT_EQ(e["message"]["id"].get<std::string>().rfind("evidence.", 0), 0u)
        << e;
  }
}

// Regression: `kintsugi identify /etc/passwd` called the file a ransom note
// and answered "it could be root". A text with nothing of a ransom note
// about it is "not a ransom note" and adds no evidence.
TEST(IdentifyCliTest, TextThatIsNoRansomNoteAddsNoEvidence) {
  const std::filesystem::path path = UniqueTempPath("passwd");
  {
    std::ofstream out(path);
    out << "root:x:0:0:root:/root:/bin/bash\n"
           "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
           "tl:x:1000:1000:TestLocker,,,:/home/tl:/bin/bash\n";
  }
  const CliRun json = Kintsugi(TestKb() + " identify --json " + Quote(path));
  const CliRun human = Kintsugi(TestKb() + " identify " + Quote(path));
  std::filesystem::remove(path);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["verdict"], "unknown");
  EXPECT_TRUE(report["candidates"].empty()) << json.out;
  EXPECT_EQ(report["inputs"][0]["kind"], "other-file");
  EXPECT_THAT(report["inputs"][0]["description"].get<std::string>(),
              HasSubstr("not a ransom note"));
  EXPECT_THAT(human.out, HasSubstr("not a ransom note"));
  EXPECT_THAT(human.out, ::testing::Not(HasSubstr("could be")));
}

// A note whose markup hides its text from the stripper is still a note.
TEST(IdentifyCliTest, HtmlNoteWithMalformedMarkupIsStillANote) {
  const CliRun run =
      Kintsugi(TestKb() + " identify --json " +
               Quote(Root() + "/kb/notes/h0lygh0st/h0lygh0st.html"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["inputs"][0]["kind"], "note")
      << run.out;
}

TEST(IdentifyCliTest, RewordedNoteWithAnotherContactIsRecognised) {
  const CliRun run =
      Kintsugi(TestKb() + " identify --json " + Input("variant-note.txt"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_NE(json["verdict"], "unknown");
  EXPECT_EQ(json["candidates"][0]["family"], "testlocker");
  EXPECT_EQ(json["inputs"][0]["kind"], "note");
}

TEST(IdentifyCliTest, ContactAloneIsEvidence) {
  const CliRun run = Kintsugi(TestKb() +
                              " identify --json --contact "
                              "UNLOCK-TEST@fakemail.example");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["candidates"][0]["family"], "testlocker");
  EXPECT_EQ(json["candidates"][0]["evidence"][0]["source"], "contact");
}

TEST(IdentifyCliTest, HumanOutputGivesTheAnswerFirst) {
  const CliRun run =
      Kintsugi(TestKb() + " identify " + Input("report.docx.tlock"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out.rfind("Identified: TestLocker (testlocker)", 0), 0u)
      << run.out;
  EXPECT_THAT(run.out, HasSubstr("file-marker"));
}

TEST(IdentifyCliTest, UnknownIsAVerdictNotAnError) {
  const CliRun run = Kintsugi(TestKb() +
                              " identify --json --contact "
                              "nobody@nowhere.example");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["verdict"], "unknown");
}

TEST(IdentifyCliTest, NoInputsIsBadInput) {
  const CliRun run = Kintsugi(TestKb() + " identify --json");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(run.out)["error"]["code"],
            "invalid_argument");
}

TEST(IdentifyCliTest, MissingFileIsBadInput) {
  EXPECT_EQ(Kintsugi(TestKb() + " identify " + Input("no-such-file")).exit_code,
            3);
}

TEST(IdentifyCliTest, EmptyFileIsBadInput) {
  EXPECT_EQ(Kintsugi(TestKb() + " identify " + Input("empty.txt")).exit_code,
            3);
}

TEST(IdentifyCliTest, InvalidUtf16IsBadInput) {
  const CliRun run =
      Kintsugi(TestKb() + " identify --json " + Input("bad-utf16.txt"));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.out, HasSubstr("UTF-16"));
}

// A ransom note in UTF-16 (little-endian, or big-endian), with or without
// a byte-order mark.
std::string Utf16Note(bool bom, bool little_endian = true) {
  const std::string text =
      "ALL YOUR FILES ARE ENCRYPTED! Write to UNLOCK-TEST@fakemail.example "
      "to get them back. Do not rename the files.\r\n";
  std::string out;
  if (bom) out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (const char c : text) {
    out += little_endian ? std::string{c, '\0'} : std::string{'\0', c};
  }
  return out;
}

CliRun IdentifyBytes(const std::string& name, const std::string& bytes) {
  const std::filesystem::path path = UniqueTempPath(name);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  const CliRun run = Kintsugi(TestKb() + " identify --json " + Quote(path));
  std::filesystem::remove(path);
  return run;
}

// Regression (issue 16): invalid UTF-16 was accepted in some shapes (an
// unpaired high surrogate, an odd length) and refused in others. One rule
// (docs/cli.md "identify"): UTF-16 text, with or without a BOM, must be
// well-formed, or it is bad input (exit 3) naming the flaw and its offset.
TEST(IdentifyCliTest, InvalidUtf16IsRefusedWhateverItsShape) {
  const std::string good = Utf16Note(true);
  const std::string good_be = Utf16Note(true, false);
  const std::string bare = Utf16Note(false);
  struct Shape {
    const char* name;
    std::string bytes;
    const char* flaw;
  };
  const Shape shapes[] = {
      {"unpaired-high.txt", good.substr(0, 40) + "\x3D\xD8" + good.substr(40),
       "unpaired high surrogate at byte 40"},
      {"unpaired-high-at-end.txt", good + "\x3D\xD8",
       "unpaired high surrogate at byte"},
      {"unpaired-low.txt",
       good_be.substr(0, 40) + "\xDE\x00" + good_be.substr(40),
       "unpaired low surrogate at byte 40"},
      {"odd-length.txt", good + "!", "odd number of bytes"},
      {"bomless.txt", bare.substr(0, 40) + "\x3D\xD8" + bare.substr(40),
       "unpaired high surrogate at byte 40"},
  };
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(shape.name);
    const CliRun run = IdentifyBytes(shape.name, shape.bytes);
    EXPECT_EQ(run.exit_code, 3) << run.out;
    EXPECT_THAT(run.out, HasSubstr("not valid UTF-16"));
    EXPECT_THAT(run.out, HasSubstr(shape.flaw));
  }
  // The same note well-formed is read, with a BOM or without one.
  for (const std::string& bytes : {good, good_be, bare}) {
    const CliRun run = IdentifyBytes("good-utf16.txt", bytes);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    EXPECT_EQ(nlohmann::json::parse(run.out)["inputs"][0]["kind"], "note");
  }
}

// Regression (issue 16): `identify /proc/self/status` said "the file is
// empty": such files say 0 bytes yet have content. It is read to its end.
TEST(IdentifyCliTest, FileThatSaysZeroBytesButHasContentIsRead) {
  const CliRun run = Kintsugi(TestKb() +
                              " identify --json /proc/self/status --contact "
                              "nobody@nowhere.example");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  bool seen = false;
  for (const auto& input : json["inputs"]) {
    if (input["source"] != "/proc/self/status") continue;
    seen = true;
    EXPECT_NE(input["kind"], "unread") << input;
  }
  EXPECT_TRUE(seen) << run.out;
}

TEST(IdentifyCliTest, StructuredBinaryGarbageIsBadInput) {
  EXPECT_EQ(
      Kintsugi(TestKb() + " identify " + Input("structured.bin")).exit_code, 3);
}

TEST(IdentifyCliTest, TwoGigabyteNoteIsALimit) {
  // A 2 GiB file that is text as far as identify reads (the rest sparse):
  // too large to be a note.
  const std::filesystem::path path = UniqueTempPath("2gb-note.txt");
  std::filesystem::remove(path);
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4000; ++i) out << "ALL YOUR FILES ARE ENCRYPTED\n";
  }
  std::filesystem::resize_file(path, 2ull << 30);
  const CliRun run = Kintsugi(TestKb() + " identify --json " + Quote(path));
  std::filesystem::remove(path);
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_EQ(nlohmann::json::parse(run.out)["error"]["code"],
            "resource_exhausted");
}

TEST(IdentifyCliTest, OneBadInputAmongGoodOnesIsPartial) {
  const CliRun run =
      Kintsugi(TestKb() + " identify --json " + Input("report.docx.tlock") +
               " " + Input("empty.txt"));
  EXPECT_EQ(run.exit_code, 1);
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["candidates"][0]["family"], "testlocker");
  ASSERT_EQ(json["inputs"].size(), 2u);
  EXPECT_EQ(json["inputs"][1]["error"]["code"], "invalid_argument");
}

TEST(IdentifyCliTest, BadKbDirectoryIsKbInvalid) {
  EXPECT_EQ(Kintsugi("--kb " + Input("report.docx.tlock") +
                     " identify --contact a@b.example")
                .exit_code,
            7);
}

TEST(IdentifyCliTest, YaraRuleWithFamilyMetaAddsEvidence) {
  const std::filesystem::path rules = UniqueTempPath("identify-test.yar");
  std::filesystem::remove(rules);
  {
    std::ofstream out(rules);
    out << "rule footer { meta: family = \"testlocker\" strings: $a = "
           "\"TLOCK-FOOTER\" condition: $a }\n"
           "rule anything { condition: filesize > 0 }\n";
  }
  const CliRun run = Kintsugi(TestKb() + " identify --json --yara " +
                              Quote(rules) + " " + Input("report.docx.tlock"));
  std::filesystem::remove(rules);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  std::set<std::string> kinds;
  for (const auto& e : json["candidates"][0]["evidence"])
    kinds.insert(e["kind"]);
  EXPECT_TRUE(kinds.count("yara")) << run.out;
  EXPECT_EQ(json["unattributed_evidence"][0]["detail"], "YARA rule anything");
}

TEST(IdentifyCliTest, InvalidYaraRulesAreBadInput) {
  const std::filesystem::path rules = UniqueTempPath("identify-bad.yar");
  std::filesystem::remove(rules);
  {
    std::ofstream out(rules);
    out << "rule broken { condition: }\n";
  }
  const CliRun run = Kintsugi(TestKb() + " identify --yara " + Quote(rules) +
                              " " + Input("report.docx.tlock"));
  std::filesystem::remove(rules);
  EXPECT_EQ(run.exit_code, 3);
}

// `make run` identifies examples/ with the built-in KB.
TEST(IdentifyCliTest, ExamplesAreIdentifiedWithTheBuiltInKb) {
  const CliRun run =
      Kintsugi("identify --json " + Quote(Root() + "/examples/_readme.txt") +
               " " + Quote(Root() + "/examples/holiday-photo.jpg.djvu"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["verdict"], "identified") << run.out;
  EXPECT_EQ(json["candidates"][0]["family"], "stop-djvu") << run.out;
  // The KB names the stop-djvu decryptor, which this build has (issue 9;
  // before it, the answer said "not in this version").
  EXPECT_EQ(json["candidates"][0]["recovery"]["decryptor"], "stop-djvu");
  EXPECT_EQ(json["candidates"][0]["recovery"]["available"], true);
  const CliRun human =
      Kintsugi("identify " + Quote(Root() + "/examples/_readme.txt"));
  EXPECT_THAT(human.out, ::testing::HasSubstr("with 'kintsugi recover'"));
  EXPECT_THAT(human.out,
              ::testing::Not(::testing::HasSubstr("not in this version")));
}

// Issue 15: a benign e-mail that quotes the Bitcoin wiki's example address
// was "Identified: File-Locker, 0.69" because a source listed it. An
// allow-listed contact (kb/allow-list.yaml) is never evidence, typed alone
// or inside a text.
TEST(IdentifyCliTest, DocumentationExampleContactsAreNoEvidence) {
  const std::filesystem::path path = UniqueTempPath("mail.txt");
  {
    std::ofstream out(path);
    out << "Hi Anna,\n\nfor the workshop slides on Bitcoin payments I used "
           "the wiki's example address 1BoatSLRHtKNngkdXEeobR76b53LETtpyT "
           "and the BIP 173 one, bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4."
           "\nQuestions to bob@example.com please.\n\nThanks, Bob\n";
  }
  const CliRun mail = Kintsugi("identify --json " + Quote(path));
  std::filesystem::remove(path);
  ASSERT_EQ(mail.exit_code, 0) << mail.out;
  auto json = nlohmann::json::parse(mail.out);
  EXPECT_EQ(json["verdict"], "unknown") << mail.out;
  for (const auto& candidate : json["candidates"]) {
    EXPECT_LT(candidate["score"].get<double>(), 0.3) << mail.out;
  }
  const CliRun contact =
      Kintsugi("identify --json --contact 1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
  ASSERT_EQ(contact.exit_code, 0) << contact.out;
  json = nlohmann::json::parse(contact.out);
  EXPECT_EQ(json["verdict"], "unknown") << contact.out;
  EXPECT_TRUE(json["candidates"].empty()) << contact.out;
  // A bare mail domain is no attacker's contact either.
  const CliRun domain = Kintsugi("identify --json --contact cock.li");
  ASSERT_EQ(domain.exit_code, 0) << domain.out;
  EXPECT_TRUE(nlohmann::json::parse(domain.out)["candidates"].empty())
      << domain.out;
}

// Writes `files` (name, content) into a new folder of this process; the
// paths, quoted for the command line.
std::string WriteIncident(
    const std::string& tag,
    const std::vector<std::pair<std::string, std::string>>& files) {
  const std::filesystem::path dir = UniqueTempPath(tag);
  std::filesystem::create_directories(dir);
  std::string args;
  for (const auto& [name, content] : files) {
    std::ofstream out(dir / name, std::ios::binary);
    out << content;
    args += " " + Quote((dir / name).string());
  }
  return args;
}

// Bytes that look encrypted: a fixed pseudo-random pattern.
std::string NoiseBytes(std::size_t size) {
  std::string bytes;
  std::uint32_t x = 88172645u;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    bytes.push_back(static_cast<char>(x & 0xFF));
  }
  return bytes;
}

// Issue 17 (recovery-schemes-2.md §3.8): no GandCrab key is public; the
// answer names the vendor's free tool and the versions it covers, in the
// words a user reads and in --json.
TEST(IdentifyCliTest, GandCrabPointsToTheVendorsTool) {
  const std::string args = WriteIncident(
      "gandcrab",
      {{"KRAB-DECRYPT.txt",
        "---= GANDCRAB V4.0 =---\n\nAttention!\n\nAll your files, documents, "
        "photos, databases and other important files are encrypted and have "
        "the extension: .KRAB\n\n---BEGIN PC DATA---\nAAAA\n---END PC "
        "DATA---\n\n---BEGIN GANDCRAB KEY---\nBBBB\n---END GANDCRAB "
        "KEY---\n"},
       {"report.docx.KRAB", NoiseBytes(4096)}});
  const CliRun human = Kintsugi("identify" + args);
  ASSERT_EQ(human.exit_code, 0) << human.out;
  EXPECT_THAT(human.out, HasSubstr("Identified: GandCrab"));
  EXPECT_THAT(human.out, HasSubstr("not by this version of Kintsugi"));
  EXPECT_THAT(human.out,
              HasSubstr("You need: Bitdefender's free GandCrab decryption "
                        "tool, from No More Ransom "
                        "(https://www.nomoreransom.org): it decrypts files of "
                        "GandCrab versions 1, 4 and 5.0 to 5.2"));
  const CliRun json = Kintsugi("identify --json" + args);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["verdict"], "identified");
  const auto& recovery = report["candidates"][0]["recovery"];
  EXPECT_EQ(report["candidates"][0]["family"], "gandcrab");
  EXPECT_EQ(recovery["possible"], "partial");
  EXPECT_TRUE(recovery["decryptor"].is_null());
  EXPECT_EQ(recovery["available"], false);
  ASSERT_EQ(recovery["needs"].size(), 1u);
  EXPECT_THAT(recovery["needs"][0].get<std::string>(),
              HasSubstr("nomoreransom.org"));
}

// Issue 17 (recovery-schemes-2.md §3.6): Chimera's decryptor is built, but
// it only matches leaked keys; the answer never says the files can be
// recovered.
TEST(IdentifyCliTest, ChimeraIsNotSaidToBeRecoverable) {
  const std::string args = WriteIncident(
      "chimera",
      {{"YOUR_FILES_ARE_ENCRYPTED.TXT", "Your personal files are encrypted.\n"},
       {"report.docx.crypt", NoiseBytes(6424)},
       {"budget.xlsx.crypt", NoiseBytes(2328)}});
  const CliRun json = Kintsugi("identify --json" + args);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const auto report = nlohmann::json::parse(json.out);
  bool saw_chimera = false;
  for (const auto& candidate : report["candidates"]) {
    if (candidate["family"] != "chimera") continue;
    saw_chimera = true;
    EXPECT_EQ(candidate["recovery"]["possible"], "unknown");
    EXPECT_EQ(candidate["recovery"]["decryptor"], "chimera");
    EXPECT_EQ(candidate["recovery"]["available"], true);
  }
  EXPECT_TRUE(saw_chimera) << json.out;
  const CliRun human = Kintsugi("identify" + args);
  ASSERT_EQ(human.exit_code, 0) << human.out;
  EXPECT_THAT(human.out,
              HasSubstr("Recovery: unknown; its decryptor (chimera) is in "
                        "'kintsugi recover', but whether it can recover files "
                        "is not known yet"));
  EXPECT_THAT(human.out, Not(HasSubstr("can be recovered offline with")));
}

TEST(IdentifyCliTest, BuiltDecryptorIsOfferedAsAvailable) {
  // Jigsaw's decryptor is built in: an encrypted-looking "*.docx.fun" file
  // names it as available. The content is a fixed pseudo-random pattern
  // (4112 = 16 * 257 bytes, a whole number of AES blocks).
  const std::string path = UniqueTempPath("report.docx.fun").string();
  {
    std::ofstream out(path, std::ios::binary);
    std::uint32_t x = 2463534242u;
    for (int i = 0; i < 4112; ++i) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      out.put(static_cast<char>(x & 0xFF));
    }
  }
  const CliRun run = Kintsugi("identify --json " + Quote(path));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  bool saw_jigsaw = false;
  for (const auto& candidate : json["candidates"]) {
    if (candidate["family"] != "jigsaw") continue;
    saw_jigsaw = true;
    EXPECT_EQ(candidate["recovery"]["decryptor"], "jigsaw");
    EXPECT_EQ(candidate["recovery"]["available"], true);
  }
  EXPECT_TRUE(saw_jigsaw) << run.out;
}

}  // namespace
