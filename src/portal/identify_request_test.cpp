// The identify request's decoding (identify_request.h): the JSON and the
// base64 of heads and tails, strict where a browser's output is exact.

#include "portal/identify_request.h"

#include <gtest/gtest.h>

#include <string>

#include "kintsugi/limits.h"

namespace kintsugi::portal {
namespace {

// {"files": [{"name": "a", "head": HEAD}]}, decoded.
Result<IdentifyEvidence> WithHead(const std::string& head) {
  return DecodeIdentifyRequest(R"({"files": [{"name": "a", "head": )" + head +
                               "}]}");
}

TEST(IdentifyRequestTest, DecodesEveryPart) {
  const auto evidence = DecodeIdentifyRequest(
      R"({"files": [{"name": "x.djvu", "size": 9, "head": "QUJD", "tail": "RA=="},
                    {"name": "y.djvu"}],
          "notes": [{"name": "", "text": "pay \u00e9"}],
          "contacts": ["helpmanager@airmail.cc"]})");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  ASSERT_EQ(evidence->files.size(), 2u);
  EXPECT_EQ(evidence->files[0].name, "x.djvu");
  EXPECT_EQ(evidence->files[0].size, 9u);
  EXPECT_EQ(std::string(evidence->files[0].head.begin(),
                        evidence->files[0].head.end()),
            "ABC");
  EXPECT_EQ(std::string(evidence->files[0].tail.begin(),
                        evidence->files[0].tail.end()),
            "D");
  EXPECT_EQ(evidence->files[1].size, 0u);
  ASSERT_EQ(evidence->notes.size(), 1u);
  EXPECT_EQ(evidence->notes[0].name, "note-1.txt");
  EXPECT_EQ(evidence->notes[0].text, "pay \xc3\xa9");
  ASSERT_EQ(evidence->contacts.size(), 1u);
  EXPECT_EQ(evidence->contacts[0], "helpmanager@airmail.cc");
}

TEST(IdentifyRequestTest, Base64IsWhatBtoaGivesAndNothingElse) {
  for (const auto& [text, bytes] :
       {std::pair{R"("")", ""}, std::pair{R"("QQ==")", "A"},
        std::pair{R"("QUI=")", "AB"}, std::pair{R"("QUJD")", "ABC"},
        std::pair{R"("QUJDRA==")", "ABCD"},
        std::pair{R"("+/8=")", "\xfb\xff"}}) {
    const auto evidence = WithHead(text);
    ASSERT_TRUE(evidence.ok()) << text << ": " << evidence.status().ToString();
    EXPECT_EQ(std::string(evidence->files[0].head.begin(),
                          evidence->files[0].head.end()),
              std::string(bytes))
        << text;
  }
  // Whitespace anywhere, '=' inside or too many, a cut group, another
  // alphabet, not a string.
  for (const char* text :
       {R"(" QUJD")", R"("QUJD ")", R"("QUJD\n")", R"("QU JD")", R"("QU=D")",
        R"("====")", R"("Q===")", R"("QUJ")", R"("QUJD=")", R"("QUJD-_==")",
        R"("QUJD----")", R"("QUJ\u0000")", "7", "null", R"(["QUJD"])"}) {
    const auto evidence = WithHead(text);
    ASSERT_FALSE(evidence.ok()) << text;
    EXPECT_EQ(evidence.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(IdentifyRequestTest, AHeadOverTheLimitIsRefusedByItsLength) {
  const std::string big((limits::kFileHeadBytes + 3) / 3 * 4 + 4, 'A');
  const auto evidence = WithHead("\"" + big + "\"");
  ASSERT_FALSE(evidence.ok());
  EXPECT_EQ(evidence.status().code(), StatusCode::kResourceExhausted);
}

TEST(IdentifyRequestTest, SizeIsAWholeNumberNoSmallerThanTheBytes) {
  for (const char* size :
       {"-1", "1.5", "1e3", "\"9\"", "true", "18446744073709551616"}) {
    const auto evidence = DecodeIdentifyRequest(
        std::string(R"({"files": [{"name": "a", "size": )") + size + "}]}");
    EXPECT_FALSE(evidence.ok()) << size;
  }
  const auto short_size = DecodeIdentifyRequest(
      R"({"files": [{"name": "a", "size": 2, "head": "QUJD"}]})");
  ASSERT_FALSE(short_size.ok());
  EXPECT_NE(short_size.status().message().find("files[0]"), std::string::npos);
}

TEST(IdentifyRequestTest, RefusesWhatIsNotTheRequestNamingTheField) {
  for (const auto& [body, field] :
       {std::pair{"not json", "JSON object"}, std::pair{"[]", "JSON object"},
        std::pair{"{}", "nothing to identify"},
        std::pair{R"({"files": 3})", "files"},
        std::pair{R"({"notes": {}})", "notes"},
        std::pair{R"({"files": [7]})", "files[0]"},
        std::pair{R"({"files": [{"size": 1}]})", "files[0].name"},
        std::pair{R"({"files": [{"name": ""}]})", "files[0].name"},
        std::pair{R"({"notes": [{"name": "n"}]})", "notes[0].text"},
        std::pair{R"({"contacts": ["a", 7]})", "contacts[1]"},
        std::pair{R"({"files": [{"name": "a"}], "x": )", "JSON object"},
        std::pair{"{\"notes\": [{\"name\": \"n\", \"text\": \"\xff\"}]}",
                  "JSON object"}}) {
    const auto evidence = DecodeIdentifyRequest(body);
    ASSERT_FALSE(evidence.ok()) << body;
    EXPECT_NE(evidence.status().message().find(field), std::string::npos)
        << body << ": " << evidence.status().message();
  }
}

TEST(IdentifyRequestTest, AbsentAndNullPartsAreNone) {
  const auto evidence = DecodeIdentifyRequest(
      R"({"files": null, "notes": null, "contacts": ["a@b.cc"]})");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  EXPECT_TRUE(evidence->files.empty());
  EXPECT_TRUE(evidence->notes.empty());
}

TEST(IdentifyRequestTest, AKeyGivenTwiceCountsItsLastValue) {
  const auto evidence = DecodeIdentifyRequest(
      R"({"contacts": ["first@a.cc"], "contacts": ["last@a.cc"]})");
  ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
  ASSERT_EQ(evidence->contacts.size(), 1u);
  EXPECT_EQ(evidence->contacts[0], "last@a.cc");
}

TEST(IdentifyRequestTest, CountsAreLimited) {
  std::string body = R"({"contacts": [)";
  for (std::size_t i = 0; i <= limits::kMaxContacts; ++i) {
    body += (i == 0 ? "" : ",") + std::string(R"("a@b.cc")");
  }
  body += "]}";
  const auto evidence = DecodeIdentifyRequest(body);
  ASSERT_FALSE(evidence.ok());
  EXPECT_EQ(evidence.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace kintsugi::portal
