// Form bodies (form.h): multipart/form-data as browsers send it, and
// malformed bodies refused.

#include "portal/form.h"

#include <gtest/gtest.h>

namespace kintsugi::portal {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr char kType[] =
    "multipart/form-data; boundary=----WebKitFormBoundaryX3a9";

TEST(FormTest, ReadsWhatChromiumSends) {
  const std::string body =
      "------WebKitFormBoundaryX3a9\r\n"
      "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
      "abc\r\n"
      "------WebKitFormBoundaryX3a9\r\n"
      "Content-Disposition: form-data; name=\"file\"; "
      "filename=\"dump.jsonl\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n"
      "line 1\r\nline 2\n--not-a-boundary\r\n"
      "\r\n"
      "------WebKitFormBoundaryX3a9\r\n"
      "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
      "\r\n"
      "------WebKitFormBoundaryX3a9--\r\n";
  auto fields = ParseMultipartForm(kType, body);
  ASSERT_TRUE(fields.has_value()) << fields.error().ToString();
  EXPECT_EQ(*fields, (Fields{{"csrf", "abc"},
                             {"file", "line 1\r\nline 2\n--not-a-boundary\r\n"},
                             {"empty", ""}}));
  EXPECT_EQ(FormValue(*fields, "csrf"), "abc");
  EXPECT_EQ(FormValue(*fields, "missing"), "");
}

TEST(FormTest, QuotedBoundaryPreambleAndEscapedNames) {
  const std::string body =
      "preamble to ignore\r\n--b\"q\r\n"
      "content-disposition: FORM-DATA; name=\"a\\\"b\"\r\n\r\n"
      "v\r\n--b\"q--";
  auto fields = ParseMultipartForm(
      "multipart/form-data; charset=utf-8; boundary=\"b\\\"q\"", body);
  ASSERT_TRUE(fields.has_value()) << fields.error().ToString();
  EXPECT_EQ(*fields, (Fields{{"a\"b", "v"}}));
}

TEST(FormTest, MalformedBodiesAreRefused) {
  const std::string part =
      "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n";
  for (const auto& [type, body] : {
           std::pair{"multipart/form-data", part + "--B--"},
           std::pair{"multipart/form-data; boundary=", part + "--B--"},
           std::pair{"multipart/form-data; boundary=\"B", part + "--B--"},
           std::pair{"multipart/form-data; boundary=B", std::string("")},
           std::pair{"multipart/form-data; boundary=B", part},
           std::pair{"multipart/form-data; boundary=B",
                     std::string("--B\r\nContent-Type: text/plain\r\n\r\nv"
                                 "\r\n--B--")},
           std::pair{"multipart/form-data; boundary=B",
                     std::string("--B\r\nContent-Disposition: form-data; "
                                 "name=\"x\"\r\nv\r\n--B--")},
           std::pair{"multipart/form-data; boundary=B",
                     std::string("--B\r\n\r\nv\r\n--B--")},
           std::pair{"multipart/form-data; boundary=B",
                     std::string("--Bjunk\r\n")},
       }) {
    auto fields = ParseMultipartForm(type, body);
    ASSERT_FALSE(fields.has_value()) << type << " | " << body;
    EXPECT_EQ(fields.error().code(), StatusCode::kInvalidArgument);
  }
  std::string many;
  for (std::size_t i = 0; i <= kMaxFormParts; ++i) many += part;
  auto fields =
      ParseMultipartForm("multipart/form-data; boundary=B", many + "--B--");
  ASSERT_FALSE(fields.has_value());
  EXPECT_NE(fields.error().message().find("parts"), std::string::npos);
}

TEST(FormTest, EitherEncodingByContentType) {
  HttpRequest request;
  request.body = "a=1&b=x+y";
  auto plain = ParseForm(request);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, (Fields{{"a", "1"}, {"b", "x y"}}));
  request.headers = {{"content-type", "application/json"}};
  EXPECT_FALSE(ParseForm(request).has_value());
  request.headers = {{"content-type", "multipart/form-data; boundary=B"}};
  request.body =
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--";
  auto multipart = ParseForm(request);
  ASSERT_TRUE(multipart.has_value());
  EXPECT_EQ(*multipart, (Fields{{"a", "1"}}));
}

}  // namespace
}  // namespace kintsugi::portal
