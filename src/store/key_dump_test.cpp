// Key dumps (docs/key-format.md): good records read back as the store will
// keep them; each malformed one is named with its line, and a dump with any
// problem yields no records at all.

#include "kintsugi/key_dump.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/key_families.h"
#include "kintsugi/message.h"

namespace kintsugi {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string PemOf(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

// Locally generated keys (recovery-schemes.md §0), made once: RSA-2048, the
// size the STOP/Djvu decryptor takes, and RSA-1024, which it does not.
const std::string& RsaPem() {
  static const std::string pem = [] {
    Pkey key(EVP_RSA_gen(2048));
    return PemOf(key.get());
  }();
  return pem;
}

const std::string& Rsa1024Pem() {
  static const std::string pem = [] {
    Pkey key(EVP_RSA_gen(1024));
    return PemOf(key.get());
  }();
  return pem;
}

std::string RsaDerHex(const std::string& pem = RsaPem()) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Pkey key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  unsigned char* der = nullptr;
  const int size = i2d_PrivateKey(key.get(), &der);
  const std::string hex = ToHex(ByteView(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return hex;
}

const std::string& X25519Pem() {
  static const std::string pem = [] {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    return PemOf(key.get());
  }();
  return pem;
}

using Json = nlohmann::json;

// One JSON line.
std::string Line(const Json& record) { return record.dump(); }

// A STOP/Djvu personal ID: 40 printable ASCII characters, ending in `tail`.
std::string StopId(const std::string& tail) {
  return std::string(40 - tail.size(), 'A') + tail;
}

// A family of the test's knowledge base with no key-lookup decryptor: any
// key type and handle are accepted.
constexpr char kKbOnly[] = "old-family";

Json Victim(const std::string& id, const std::string& key_hex) {
  return {{"family", kKbOnly},
          {"handle", id},
          {"key_type", "symmetric"},
          {"key_hex", key_hex}};
}

KeyDumpDefaults Defaults(const std::string& source = "test") {
  return {source, {kKbOnly, "f", "x", "babuk"}};
}

Result<ParsedKeyDump> Parse(const std::string& text) {
  return ParseKeyDump(text, Defaults());
}

std::string Key(const KeyRecord& record) {
  const ByteView key = record.key.view();
  return std::string(key.begin(), key.end());
}

// A problem's text as the CLI prints it: its message in English, or its
// English text for the problems not made messages yet. A message must carry
// exactly its declared arguments.
std::string Text(const KeyDumpProblem& problem) {
  if (problem.detail.id == MessageId::kCount) return problem.message;
  EXPECT_TRUE(HasDeclaredArgs(problem.detail))
      << MessageIdName(problem.detail.id);
  EXPECT_THAT(problem.message, IsEmpty());
  return RenderEnglish(problem.detail);
}

MATCHER_P2(ProblemAt, line, text, "") {
  *result_listener << "line " << arg.line << ": " << Text(arg);
  return arg.line == static_cast<std::size_t>(line) &&
         Text(arg).find(text) != std::string::npos;
}

TEST(KeyDumpTest, JsonLinesReadBack) {
  const std::string dump = Line(Victim("id1", "00ff")) + "\n\n" +
                           Line({{"family", "babuk"},
                                 {"handle", nullptr},
                                 {"key_type", "x25519-private"},
                                 {"key_pem", X25519Pem()},
                                 {"case", "leak-2021"},
                                 {"date", "2021-09-03"},
                                 {"state", "embargoed"},
                                 {"source", "own"}}) +
                           "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.records, SizeIs(2));
  EXPECT_THAT(parsed.lines, ElementsAre(1u, 3u));
  EXPECT_EQ(parsed.record_count, 2u);
  EXPECT_EQ(parsed.rejected_count, 0u);
  EXPECT_EQ(parsed.no_decryptor_count, 1u);  // kKbOnly's.
  const KeyRecord& first = parsed.records[0];
  EXPECT_EQ(first.family, kKbOnly);
  EXPECT_EQ(first.handle, (KeyHandle{HandleKind::kVictimId, "id1"}));
  EXPECT_EQ(first.key_type, KeyType::kSymmetric);
  EXPECT_EQ(Key(first), std::string("\x00\xff", 2));
  EXPECT_EQ(first.provenance.source, "test");  // The default.
  EXPECT_EQ(first.state, ReleaseState::kReleased);
  const KeyRecord& second = parsed.records[1];
  EXPECT_EQ(second.handle, (KeyHandle{HandleKind::kNone, ""}));
  EXPECT_EQ(second.key.size(), 32u);  // The raw key, not the PEM.
  EXPECT_EQ(second.provenance, (Provenance{"own", "leak-2021", "2021-09-03"}));
  EXPECT_EQ(second.state, ReleaseState::kEmbargoed);
}

TEST(KeyDumpTest, AnArrayGivesEachRecordItsLine) {
  const std::string dump = "[\n  " + Line(Victim("a", "01")) + ",\n\n  " +
                           Line(Victim("b", "02")) + ", " +
                           Line(Victim("c", "03")) + "\n]\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.lines, ElementsAre(2u, 4u, 4u));
}

TEST(KeyDumpTest, RsaKeysParse) {
  const std::string dump = Line({{"family", "stop-djvu"},
                                 {"handle", StopId("t1")},
                                 {"key_type", "rsa-private-pem"},
                                 {"key_pem", RsaPem()}}) +
                           "\n" +
                           Line({{"family", "stop-djvu"},
                                 {"handle", StopId("t2")},
                                 {"key_type", "rsa-private-der"},
                                 {"key_hex", RsaDerHex()}});
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.records, SizeIs(2));
  EXPECT_EQ(Key(parsed.records[0]), RsaPem());
}

TEST(KeyDumpTest, EveryBadRecordIsNamedWithItsLine) {
  // One base64 digit in the middle of the key changed: it still parses,
  // but its parts no longer agree.
  std::string broken_pem = RsaPem();
  std::size_t middle = broken_pem.size() / 2;
  while (!std::isalnum(static_cast<unsigned char>(broken_pem[middle]))) {
    ++middle;
  }
  broken_pem[middle] = broken_pem[middle] == 'A' ? 'B' : 'A';
  const std::vector<std::string> lines = {
      Line(Victim("ok", "01")),
      "{\"family\": \"stop-djvu\",",  // Truncated.
      Line({{"family", "stop-djvu"},
            {"handle", "x"},
            {"key_type", "rsa-private-pem"},
            {"key_pem", broken_pem}}),
      Line({{"family", "stop-djvu"},
            {"handle", "y"},
            {"key_type", "rsa-private-pem"},
            {"key_pem", X25519Pem()}}),  // The wrong key type.
      Line({{"family", "stop-djvu"},
            {"handle", "z"},
            {"key_type", "x25519-private"},
            {"key_hex", "00ff"}}),  // Not 32 bytes.
      Line(Victim("ok", "02")),     // A duplicate handle of line 1.
      Line({{"family", "Stop Djvu"}, {"key_type", "seed"}, {"key_hex", "01"}}),
      Line({{"family", "f"}, {"key_type", "aes"}, {"key_hex", "01"}}),
      Line({{"family", "f"}, {"key_type", "seed"}, {"key_hex", "0g"}}),
      Line({{"family", "f"}, {"key_type", "seed"}, {"key_pen", "01"}}),
      Line({{"family", "f"},
            {"key_type", "seed"},
            {"key_hex", "01"},
            {"handle_kind", "campaign"}}),  // A campaign needs a handle.
      Line({{"family", "f"},
            {"key_type", "seed"},
            {"key_hex", "01"},
            {"date", "yesterday"}}),
      Line({{"family", "f"}, {"key_type", "seed"}, {"key_hex", 1}}),
      "[1]",
  };
  std::string dump;
  for (const std::string& line : lines) dump += line + "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.records, IsEmpty());
  EXPECT_EQ(parsed.record_count, lines.size());
  // Line 6 repeats line 1's handle in kKbOnly.
  EXPECT_EQ(parsed.rejected_count, lines.size() - 1);
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemAt(2, "not valid JSON"),
                  ProblemAt(3, "not an unencrypted PEM RSA"),
                  ProblemAt(4, "not an unencrypted PEM RSA"),
                  ProblemAt(5, "32 bytes"),
                  ProblemAt(6, "same old-family handle as line 1"),
                  ProblemAt(7, "\"family\" is required"),
                  ProblemAt(8, "unknown key type"), ProblemAt(9, "hex"),
                  ProblemAt(10, "unknown field \"key_pen\""),
                  ProblemAt(11, "campaign handle"), ProblemAt(12, "date"),
                  ProblemAt(13, "\"key_hex\" is not a string"),
                  ProblemAt(14, "a record is a JSON object")));
}

TEST(KeyDumpTest, TheSameKeyWithoutHandleTwiceIsADuplicate) {
  const Json any = {{"family", "babuk"},
                    {"key_type", "x25519-private"},
                    {"key_hex", std::string(64, 'a')}};
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed,
                       Parse(Line(any) + "\n" + Line(any) + "\n"));
  EXPECT_THAT(parsed.problems, ElementsAre(ProblemAt(2, "same key as line 1")));
}

TEST(KeyDumpTest, ABrokenArrayNamesTheLine) {
  const std::string dump =
      "[\n" + Line(Victim("a", "01")) + ",\n" + Line(Victim("b", "02")) + "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.records, IsEmpty());
  ASSERT_THAT(parsed.problems, SizeIs(1));
  EXPECT_EQ(parsed.problems[0].line, 4u);  // Where the text ends.
}

TEST(KeyDumpTest, TextThatIsNotUtf8IsRefused) {
  // UTF-16 (what a Windows tool may write), and a Latin-1 byte.
  std::string utf16;
  for (char c : Line(Victim("a", "01"))) {
    utf16 += c;
    utf16 += '\0';
  }
  ASSERT_OK_AND_ASSIGN(
      const ParsedKeyDump latin1,
      Parse("{\"family\": \"stop-djvu\", \"handle\": \"caf\xe9\", "
            "\"key_type\": \"seed\", \"key_hex\": \"01\"}"));
  EXPECT_THAT(latin1.problems, ElementsAre(ProblemAt(1, "not valid JSON")));
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump wide, Parse(utf16));
  EXPECT_THAT(wide.records, IsEmpty());
  EXPECT_THAT(wide.problems, SizeIs(1));
}

TEST(KeyDumpTest, NoRecordsAtAllIsAnError) {
  EXPECT_THAT(Parse(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Parse(" \n\t\n"), StatusIs(StatusCode::kInvalidArgument));
  // A CSV header without rows.
  EXPECT_THAT(Parse("family,key_type,key_hex\r\n"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(KeyDumpTest, ExportedLinesReadBackTheSame) {
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump original,
                       Parse(Line({{"family", "stop-djvu"},
                                   {"handle", StopId("t1")},
                                   {"key_type", "rsa-private-pem"},
                                   {"key_pem", RsaPem()},
                                   {"case", "c"},
                                   {"date", "2020-01-02"}}) +
                             "\n" +
                             Line({{"family", "babuk"},
                                   {"key_type", "x25519-private"},
                                   {"key_hex", std::string(64, '1')},
                                   {"state", "embargoed"}}) +
                             "\n" +
                             Line({{"family", "x"},
                                   {"handle_kind", "fingerprint"},
                                   {"handle", "ab12"},
                                   {"key_type", "seed"},
                                   {"key_hex", "00"}})));
  ASSERT_THAT(original.records, SizeIs(3));
  std::string exported;
  for (const KeyRecord& record : original.records) {
    exported += KeyDumpLine(record) + "\n";
  }
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump again,
                       ParseKeyDump(exported, Defaults("other default")));
  ASSERT_THAT(again.records, SizeIs(3));
  for (std::size_t i = 0; i < 3; ++i) {
    const KeyRecord& a = original.records[i];
    const KeyRecord& b = again.records[i];
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.key_type, b.key_type);
    EXPECT_EQ(a.handle, b.handle);
    EXPECT_TRUE(a.key == b.key);
    EXPECT_EQ(a.provenance, b.provenance);  // "test", from the export.
    EXPECT_EQ(a.state, b.state);
  }
}

// A CSV field as RFC 4180 quotes it.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

TEST(KeyDumpCsvTest, ColumnsInAnyOrderAndQuotedPemKeysReadBack) {
  // The PEM key spans many lines inside its quotes: the next record starts
  // on the line after it ends. CRLF line ends, an empty cell is absent.
  const std::size_t pem_lines = static_cast<std::size_t>(
      std::count(RsaPem().begin(), RsaPem().end(), '\n'));
  const std::string dump =
      "key_type,handle,family,key_pem,key_hex,case,date,state\r\n"
      "rsa-private-pem," +
      StopId("t1") + ",stop-djvu," + Quoted(RsaPem()) +
      ",,\"op \"\"x\"\", 2024\",2024-02-20,\r\n"
      "x25519-private,,babuk,," +
      std::string(64, 'a') + ",,,embargoed\r\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.records, SizeIs(2));
  EXPECT_THAT(parsed.lines, ElementsAre(2u, 3u + pem_lines));
  EXPECT_EQ(parsed.no_decryptor_count, 0u);
  const KeyRecord& stop = parsed.records[0];
  EXPECT_EQ(stop.family, "stop-djvu");
  EXPECT_EQ(stop.handle, (KeyHandle{HandleKind::kVictimId, StopId("t1")}));
  EXPECT_EQ(Key(stop), RsaPem());
  EXPECT_EQ(stop.provenance,
            (Provenance{"test", "op \"x\", 2024", "2024-02-20"}));
  EXPECT_EQ(stop.state, ReleaseState::kReleased);  // The empty cell.
  const KeyRecord& babuk = parsed.records[1];
  EXPECT_EQ(babuk.handle, (KeyHandle{HandleKind::kNone, ""}));
  EXPECT_EQ(babuk.key.size(), 32u);
  EXPECT_EQ(babuk.state, ReleaseState::kEmbargoed);
}

TEST(KeyDumpCsvTest, TheSameRecordsAsJsonLines) {
  const std::string csv = "family,handle,key_type,key_hex\n" +
                          std::string(kKbOnly) + ",a,symmetric,01\n" +
                          std::string(kKbOnly) + ",b,seed,0203";
  const std::string json = Line(Victim("a", "01")) + "\n" +
                           Line({{"family", kKbOnly},
                                 {"handle", "b"},
                                 {"key_type", "seed"},
                                 {"key_hex", "0203"}});
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump from_csv, Parse(csv));
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump from_json, Parse(json));
  ASSERT_THAT(from_csv.records, SizeIs(2));
  ASSERT_THAT(from_json.records, SizeIs(2));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(KeyDumpLine(from_csv.records[i]),
              KeyDumpLine(from_json.records[i]));
  }
}

TEST(KeyDumpCsvTest, EveryBadRowIsNamedWithItsLine) {
  const std::string header = "family,handle,key_type,key_hex\n";
  const std::string dump =
      header +                                            // 1
      std::string(kKbOnly) + ",a,symmetric,01\n" +        // 2: good
      std::string(kKbOnly) + ",b,symmetric\n" +           // 3: 3 fields
      std::string(kKbOnly) + ",c,symmetric,01,x\n" +      // 4: 5 fields
      std::string(kKbOnly) + ",caf\xe9,symmetric,01\n" +  // 5: Latin-1
      std::string(kKbOnly) + ",d" + std::string(1, '\0') +
      ",symmetric,01\n" +                           // 6: NUL
      std::string(kKbOnly) + ",a,symmetric,02\n" +  // 7: duplicate of 2
      std::string(kKbOnly) + ",e,symmetric,0g\n";   // 8: bad hex
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(parsed.records, IsEmpty());
  EXPECT_EQ(parsed.record_count, 7u);
  EXPECT_EQ(parsed.rejected_count, 6u);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemAt(3, "3 field(s), but the header has 4"),
                          ProblemAt(4, "5 field(s)"),
                          ProblemAt(5, "column \"handle\": not UTF-8"),
                          ProblemAt(6, "column \"handle\": a NUL byte"),
                          ProblemAt(7, "same old-family handle as line 2"),
                          ProblemAt(8, "hex")));
}

TEST(KeyDumpCsvTest, AVeryWideRowIsCountedNotKept) {
  const std::string header = "family,handle,key_type,key_hex\n";
  ASSERT_OK_AND_ASSIGN(
      const ParsedKeyDump parsed,
      Parse(header + std::string(kKbOnly) + std::string(100'000, ',') + "\n"));
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemAt(2, "100001 field(s), but the header has 4")));
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump wide_header,
                       Parse(header.substr(0, header.size() - 1) +
                             std::string(100'000, ',') + "\n"));
  EXPECT_THAT(wide_header.problems,
              ElementsAre(ProblemAt(1, "column 5 has no name")));
}

TEST(KeyDumpCsvTest, ASyntaxErrorStopsTheReadingWithItsLine) {
  const std::string header = "family,handle,key_type,key_hex,key_pem\n";
  const std::string good = std::string(kKbOnly) + ",a,seed,01,\n";
  struct Case {
    std::string dump;
    std::size_t line;
    std::string problem;
  };
  const std::vector<Case> cases = {
      // Cut short inside a PEM key: the line where its record starts.
      {header + good + "stop-djvu," + StopId("t1") +
           ",rsa-private-pem,,\"-----BEGIN PRIVATE KEY-----\nMIIE\nMIIE",
       3, "opened on line 3 is never closed"},
      {header + good + std::string(kKbOnly) + ",\"b\"x,seed,01,\n", 3,
       "text after a closing quote"},
      {header + std::string(kKbOnly) + ",b\"c,seed,01,\n", 2,
       "a quote inside an unquoted field"},
      {header + std::string(kKbOnly) + ",b\rc,seed,01,\n", 2,
       "a carriage return"},
  };
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(c.dump));
    EXPECT_THAT(parsed.records, IsEmpty()) << c.dump;
    EXPECT_THAT(parsed.problems, ElementsAre(ProblemAt(c.line, c.problem)))
        << c.dump;
  }
}

TEST(KeyDumpCsvTest, AHeaderOfUnknownOrRepeatedColumnsIsRefused) {
  const std::string row = "\n" + std::string(kKbOnly) + ",symmetric,01\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"family,key_type,key_hexx", "unknown column \"key_hexx\""},
      {"family,key_type,key_hex,family", "\"family\" is named twice"},
      {"family,key_type,", "column 3 has no name"},
      {"family,key_type,handle", "no \"family\", \"key_type\""},
      {"Family,key_type,key_hex", "unknown column \"Family\""},
      {"hello world", "unknown column \"hello world\""},
  };
  for (const auto& [header, problem] : cases) {
    ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(header + row));
    EXPECT_THAT(parsed.records, IsEmpty()) << header;
    EXPECT_THAT(parsed.problems, ElementsAre(ProblemAt(1, problem))) << header;
  }
}

TEST(KeyFamilyTest, RecordsMustFitTheirFamily) {
  const auto stop = [](const Json& handle, const std::string& type,
                       const std::string& field, const std::string& key) {
    Json record = {{"family", "stop-djvu"}, {"key_type", type}, {field, key}};
    if (!handle.is_null()) record["handle"] = handle;
    return Line(record);
  };
  const std::string x25519 = std::string(64, '5');
  const std::vector<std::string> lines = {
      stop(StopId("t1"), "rsa-private-pem", "key_pem", RsaPem()),     // Good.
      stop(StopId("t2"), "rsa-private-der", "key_hex", RsaDerHex()),  // Good.
      Line({{"family", "babuk"},
            {"key_type", "x25519-private"},
            {"key_hex", x25519}}),  // Good.
      Line({{"family", "stop-djvu-x"},
            {"key_type", "seed"},
            {"key_hex", "01"}}),  // Neither table nor KB.
      stop(StopId("t3"), "symmetric", "key_hex", "01"),
      stop(StopId("t4"), "x25519-private", "key_hex", x25519),
      stop(StopId("t5"), "rsa-private-pem", "key_pem", Rsa1024Pem()),
      stop(StopId("t6"), "rsa-private-der", "key_hex", RsaDerHex(Rsa1024Pem())),
      stop(nullptr, "rsa-private-pem", "key_pem", RsaPem()),  // No ID.
      stop(StopId("t1").substr(1), "rsa-private-pem", "key_pem", RsaPem()),
      stop(StopId("t1") + "x", "rsa-private-pem", "key_pem", RsaPem()),
      stop("AAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAt7", "rsa-private-pem",
           "key_pem", RsaPem()),
      Line({{"family", "stop-djvu"},
            {"handle_kind", "campaign"},
            {"handle", StopId("t8")},
            {"key_type", "rsa-private-pem"},
            {"key_pem", RsaPem()}}),
      Line({{"family", "babuk"},
            {"handle", "victim"},
            {"key_type", "x25519-private"},
            {"key_hex", std::string(64, '6')}}),
      Line({{"family", "babuk"},
            {"key_type", "rsa-private-pem"},
            {"key_pem", RsaPem()}}),
  };
  std::string dump;
  for (const std::string& line : lines) dump += line + "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_EQ(parsed.rejected_count, lines.size() - 3);
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(
          ProblemAt(4, "unknown family \"stop-djvu-x\""),
          ProblemAt(5,
                    "take rsa-private-pem or rsa-private-der keys, not "
                    "symmetric"),
          ProblemAt(6, "not x25519-private"),
          ProblemAt(7, "take RSA-2048 keys, not RSA-1024"),
          ProblemAt(8, "take RSA-2048 keys, not RSA-1024"),
          ProblemAt(9, "by a victim-id handle, not none"),
          ProblemAt(10, "not a personal ID of 40 printable ASCII"),
          ProblemAt(11, "not a personal ID"),
          ProblemAt(12, "not a personal ID"),
          ProblemAt(13, "by a victim-id handle, not campaign"),
          ProblemAt(14, "babuk files name no key"),
          ProblemAt(15, "take x25519-private keys, not rsa-private-pem")));
  // The three good ones alone import.
  ASSERT_OK_AND_ASSIGN(
      const ParsedKeyDump good,
      Parse(lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n"));
  EXPECT_THAT(good.problems, IsEmpty());
  EXPECT_THAT(good.records, SizeIs(3));
  EXPECT_EQ(good.no_decryptor_count, 0u);
}

TEST(KeyFamilyTest, AFamilyOfTheKnowledgeBaseWithoutDecryptorIsCounted) {
  const std::string dump = Line(Victim("a", "01")) + "\n" +
                           Line({{"family", "babuk"},
                                 {"key_type", "x25519-private"},
                                 {"key_hex", std::string(64, '1')}}) +
                           "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump with_kb, Parse(dump));
  EXPECT_THAT(with_kb.problems, IsEmpty());
  EXPECT_EQ(with_kb.no_decryptor_count, 1u);
  // Without the knowledge base, only key-lookup families are known.
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump without_kb,
                       ParseKeyDump(dump, {"test", {}}));
  EXPECT_THAT(without_kb.problems,
              ElementsAre(ProblemAt(1, "unknown family \"old-family\"")));
}

// TeslaCrypt 3.x/4.x master keys (recovery-schemes-2.md §3.1): 32 bytes,
// a secp256k1 private key (1 to n-1), no handle.
TEST(KeyFamilyTest, TeslaCryptKeysAreSecp256k1PrivateKeys) {
  const auto tesla = [](const std::string& type, const std::string& field,
                        const std::string& key) {
    return Line({{"family", "teslacrypt"}, {"key_type", type}, {field, key}});
  };
  const std::string n =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
  const std::vector<std::string> lines = {
      tesla("secp256k1-private", "key_hex", std::string(63, '0') + "1"),
      tesla("secp256k1-private", "key_hex", std::string(64, '0')),
      tesla("secp256k1-private", "key_hex", n),
      tesla("secp256k1-private", "key_hex", std::string(62, '1')),
      tesla("secp256k1-private", "key_pem", RsaPem()),
      tesla("x25519-private", "key_hex", std::string(64, '2')),
      Line({{"family", "teslacrypt"},
            {"handle", "victim"},
            {"key_type", "secp256k1-private"},
            {"key_hex", std::string(64, '3')}}),
  };
  std::string dump;
  for (const std::string& line : lines) dump += line + "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed, Parse(dump));
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemAt(2, "a number from 1 to the group order"),
                  ProblemAt(3, "a number from 1 to the group order"),
                  ProblemAt(4, "32 bytes (64 hex digits)"),
                  ProblemAt(5, "secp256k1-private takes key_hex"),
                  ProblemAt(6, "take secp256k1-private keys, not x25519"),
                  ProblemAt(7, "teslacrypt files name no key")));
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump good, Parse(lines[0] + "\n"));
  ASSERT_THAT(good.records, SizeIs(1));
  EXPECT_EQ(good.records[0].key_type, KeyType::kSecp256k1Private);
  EXPECT_EQ(good.records[0].key.size(), 32u);
  EXPECT_EQ(KeyTypeName(KeyType::kSecp256k1Private), "secp256k1-private");
  EXPECT_EQ(*ParseKeyType("secp256k1-private"), KeyType::kSecp256k1Private);
}

TEST(KeyFamilyTest, TheTableNamesEachFamilyOnce) {
  std::set<std::string_view> ids;
  for (const KeyFamily& family : KeyFamilies()) {
    EXPECT_TRUE(ids.insert(family.id).second) << family.id;
    EXPECT_EQ(FindKeyFamily(family.id), &family);
    EXPECT_FALSE(family.key_types.empty()) << family.id;
    EXPECT_EQ(family.handle_kind == HandleKind::kNone,
              family.handle_format == MessageId::kCount)
        << family.id;
  }
  EXPECT_NE(FindKeyFamily("babuk"), nullptr);
  EXPECT_NE(FindKeyFamily("stop-djvu"), nullptr);
  EXPECT_NE(FindKeyFamily("teslacrypt"), nullptr);
  EXPECT_EQ(FindKeyFamily("babuk-nas"), nullptr);
}

}  // namespace
}  // namespace kintsugi
