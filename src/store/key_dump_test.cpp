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

#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"

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

// Locally generated keys (recovery-schemes.md §0), made once: RSA-1024 is
// enough to parse and quick to make.
const std::string& RsaPem() {
  static const std::string pem = [] {
    Pkey key(EVP_RSA_gen(1024));
    return PemOf(key.get());
  }();
  return pem;
}

std::string RsaDerHex() {
  BIO* bio =
      BIO_new_mem_buf(RsaPem().data(), static_cast<int>(RsaPem().size()));
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

Json Victim(const std::string& id, const std::string& key_hex) {
  return {{"family", "stop-djvu"},
          {"handle", id},
          {"key_type", "symmetric"},
          {"key_hex", key_hex}};
}

Result<ParsedKeyDump> Parse(const std::string& text) {
  return ParseKeyDump(text, {"test"});
}

std::string Key(const KeyRecord& record) {
  const ByteView key = record.key.view();
  return std::string(key.begin(), key.end());
}

MATCHER_P2(ProblemAt, line, text, "") {
  return arg.line == static_cast<std::size_t>(line) &&
         arg.message.find(text) != std::string::npos;
}

TEST(KeyDumpTest, JsonLinesReadBack) {
  const std::string dump = Line(Victim("id1", "00ff")) + "\n\n" +
                           Line({{"family", "babuk-nas"},
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
  const KeyRecord& first = parsed.records[0];
  EXPECT_EQ(first.family, "stop-djvu");
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
                                 {"handle", "id"},
                                 {"key_type", "rsa-private-pem"},
                                 {"key_pem", RsaPem()}}) +
                           "\n" +
                           Line({{"family", "stop-djvu"},
                                 {"handle", "id2"},
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
  EXPECT_EQ(parsed.rejected_count, lines.size() - 1);
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemAt(2, "not valid JSON"),
                  ProblemAt(3, "not an unencrypted PEM RSA"),
                  ProblemAt(4, "not an unencrypted PEM RSA"),
                  ProblemAt(5, "32 bytes"),
                  ProblemAt(6, "same stop-djvu handle as line 1"),
                  ProblemAt(7, "\"family\" is required"),
                  ProblemAt(8, "unknown key type"), ProblemAt(9, "hex"),
                  ProblemAt(10, "unknown field \"key_pen\""),
                  ProblemAt(11, "campaign handle"), ProblemAt(12, "date"),
                  ProblemAt(13, "\"key_hex\" is not a string"),
                  ProblemAt(14, "a record is a JSON object")));
}

TEST(KeyDumpTest, TheSameKeyWithoutHandleTwiceIsADuplicate) {
  const Json any = {{"family", "babuk-nas"},
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
  EXPECT_THAT(Parse("family,handle\n"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(KeyDumpTest, ExportedLinesReadBackTheSame) {
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump original,
                       Parse(Line({{"family", "stop-djvu"},
                                   {"handle", "id"},
                                   {"key_type", "rsa-private-pem"},
                                   {"key_pem", RsaPem()},
                                   {"case", "c"},
                                   {"date", "2020-01-02"}}) +
                             "\n" +
                             Line({{"family", "babuk-nas"},
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
                       ParseKeyDump(exported, {"other default"}));
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

}  // namespace
}  // namespace kintsugi
