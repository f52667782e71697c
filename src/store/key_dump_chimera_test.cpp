// Chimera's leaked keys in a dump (docs/key-format.md §1.2, §3;
// recovery-schemes-2.md §3.6): the leak's own shape, one hex blob a line,
// and the rsa-private-blob key type in JSON, each blob's RSA relations
// checked on import. Keys are generated here (§0), never leaked ones.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "core/testing/status_matchers.h"
#include "crypto/rsa_key_blob.h"
#include "kintsugi/key_dump.h"
#include "kintsugi/message.h"

namespace kintsugi {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Json = nlohmann::json;

// Two local RSA-2048 keys in the leak's blob format, made once.
const SecretBytes& Blob(int which) {
  static const SecretBytes blobs[2] = {
      *crypto::MakeRsaKeyBlob(*crypto::RsaPrivateKey::Generate(2048)),
      *crypto::MakeRsaKeyBlob(*crypto::RsaPrivateKey::Generate(2048))};
  return blobs[which];
}

std::string Hex(int which) { return ToHex(Blob(which).view()); }

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return text;
}

KeyDumpDefaults Defaults() { return {"pastebin 2016", {"chimera"}}; }

std::string Text(const KeyDumpProblem& problem) {
  return problem.detail.id == MessageId::kCount ? problem.message
                                                : RenderEnglish(problem.detail);
}

MATCHER_P2(ProblemAt, line, text, "") {
  *result_listener << "line " << arg.line << ": " << Text(arg);
  return arg.line == static_cast<std::size_t>(line) &&
         Text(arg).find(text) != std::string::npos;
}

TEST(KeyDumpChimeraTest, TheLeaksLinesAreChimeraKeys) {
  // A byte-order mark, CRLF, a blank line, upper case and a dangling nibble
  // (§3.6: the published test key has one) are all read.
  const std::string dump =
      "\xEF\xBB\xBF" + Hex(0) + "\r\n\n  " + Upper(Hex(1)) + "a \r\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed,
                       ParseKeyDump(dump, Defaults()));
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.records, SizeIs(2));
  EXPECT_THAT(parsed.lines, ElementsAre(1u, 3u));
  for (int i = 0; i < 2; ++i) {
    const KeyRecord& record = parsed.records[static_cast<std::size_t>(i)];
    EXPECT_EQ(record.family, "chimera");
    EXPECT_EQ(record.key_type, KeyType::kRsaPrivateBlob);
    EXPECT_EQ(record.handle, (KeyHandle{HandleKind::kNone, ""}));
    EXPECT_EQ(record.key.view(), Blob(i).view());
    EXPECT_EQ(record.provenance.source, "pastebin 2016");
    EXPECT_EQ(record.state, ReleaseState::kReleased);
  }
  EXPECT_EQ(parsed.no_decryptor_count, 0u);
}

TEST(KeyDumpChimeraTest, EveryBadLineIsNamedAndNothingIsKept) {
  SecretBytes disagreeing = Blob(1);
  // The last byte of Q (N 256, E 3, D 256, P 128, Q 128).
  disagreeing.mutable_span()[256 + 3 + 256 + 128 + 127] ^= 0x01;
  const std::string dump = Hex(0) + "\n" +                     // 1: good
                           Hex(0).substr(0, 600) + "\n" +      // 2: short
                           "zz" + Hex(1).substr(2) + "\n" +    // 3: not hex
                           ToHex(disagreeing.view()) + "\n" +  // 4: damaged
                           Hex(0) + "\n";                      // 5: again
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed,
                       ParseKeyDump(dump, Defaults()));
  EXPECT_THAT(parsed.records, IsEmpty());
  EXPECT_EQ(parsed.record_count, 5u);
  EXPECT_EQ(parsed.rejected_count, 4u);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemAt(2,
                                    "2,310 hex digits (1,155 bytes), not "
                                    "600"),
                          ProblemAt(3, "hex digits only"),
                          ProblemAt(4, "p * q is not n"),
                          ProblemAt(5, "the same key as line 1")));
}

TEST(KeyDumpChimeraTest, BlobsInJsonRecordsAndTheirExportReadBack) {
  const std::string dump = Json{{"family", "chimera"},
                                {"key_type", "rsa-private-blob"},
                                {"key_hex", Hex(1) + "f"},
                                {"case", "leak 2016-07-26"}}
                               .dump() +
                           "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed,
                       ParseKeyDump(dump, Defaults()));
  ASSERT_THAT(parsed.records, SizeIs(1)) << Text(parsed.problems.at(0));
  const std::string line = KeyDumpLine(parsed.records[0]);
  EXPECT_EQ(Json::parse(line)["key_hex"], Hex(1));
  EXPECT_EQ(Json::parse(line)["key_type"], "rsa-private-blob");
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump again,
                       ParseKeyDump(line, Defaults()));
  ASSERT_THAT(again.records, SizeIs(1));
  EXPECT_TRUE(again.records[0].key == parsed.records[0].key);
  EXPECT_EQ(again.records[0].provenance, parsed.records[0].provenance);
}

TEST(KeyDumpChimeraTest, RecordsMustFitTheChimeraFamily) {
  const std::string dump =
      Json{{"family", "chimera"},
           {"key_type", "rsa-private-blob"},
           {"key_pem", "-----BEGIN"}}
          .dump() +
      "\n" +
      Json{{"family", "chimera"},
           {"handle", "x"},
           {"key_type", "rsa-private-blob"},
           {"key_hex", Hex(0)}}
          .dump() +
      "\n" +
      Json{{"family", "chimera"}, {"key_type", "seed"}, {"key_hex", "00"}}
          .dump() +
      "\n" +
      // A blob is no key for another family's decryptors.
      Json{{"family", "babuk"},
           {"key_type", "rsa-private-blob"},
           {"key_hex", Hex(1)}}
          .dump() +
      "\n";
  ASSERT_OK_AND_ASSIGN(const ParsedKeyDump parsed,
                       ParseKeyDump(dump, Defaults()));
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemAt(1, "rsa-private-blob takes key_hex"),
                  ProblemAt(2, "chimera files name no key"),
                  ProblemAt(3,
                            "rsa-private-blob or rsa-private-pem or "
                            "rsa-private-der keys, not seed"),
                  ProblemAt(4, "the babuk decryptors take x25519-private")));
}

}  // namespace
}  // namespace kintsugi
