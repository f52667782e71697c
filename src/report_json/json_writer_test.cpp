// JsonWriter writes what nlohmann::json's dump writes for the same value,
// byte for byte, compact and indented (json_writer.h's promise).

#include "report_json/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kintsugi {
namespace {

using Json = nlohmann::json;

std::string Dumped(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> AwkwardStrings() {
  std::vector<std::string> strings = {
      "",
      "plain",
      "quote \" and \\ backslash",
      "\x7f",
      "tab\tnewline\n",
      "\b\f\r",
      "/a/b",
      "caf\xC3\xA9",
      "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x91",
      "\xFF",
      "a\xC3",
      "\xED\xA0\x80 surrogate",
      "\xC0\xAF overlong",
      "\xF4\x90\x80\x80 above U+10FFFF"};
  for (int c = 0; c < 256; ++c) strings.push_back(std::string(1, char(c)));
  return strings;
}

TEST(JsonWriterTest, StringsAsNlohmannDumpsThem) {
  for (const int indent : {-1, 2}) {
    for (const std::string& text : AwkwardStrings()) {
      JsonWriter out(indent);
      out.String(text);
      EXPECT_EQ(out.Take(), Dumped(Json(text), indent))
          << "bytes: " << ::testing::PrintToString(text);
    }
  }
}

// Long strings are checked for bytes to escape 16 and 8 at a time: one
// such byte at every position of strings of every length up to 40, as a
// value and as a key, compact and indented.
TEST(JsonWriterTest, LongStringsWithOneByteToEscapeAnywhere) {
  const std::vector<std::string> specials = {
      "\"",   "\\",       "\n",   std::string(1, '\0'), "\x1f",
      "\x7f", "\xC3\xA9", "\xFF", "\xE6\x97\xA5"};
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const std::string& special : specials) {
        std::string text(length, 'a');
        text.replace(at, 1, special);
        for (const int indent : {-1, 2}) {
          JsonWriter out(indent, 8);
          out.BeginObject();
          out.Key(text);
          out.String(text);
          out.Key(text + "z");
          out.Int(1);
          out.EndObject();
          const Json expected = {{text, text}, {text + "z", 1}};
          EXPECT_EQ(out.Take(), Dumped(expected, indent))
              << "bytes: " << ::testing::PrintToString(text);
        }
      }
    }
  }
}

TEST(JsonWriterTest, NumbersAsNlohmannDumpsThem) {
  const std::vector<double> doubles = {0.0,
                                       1.0,
                                       0.5,
                                       0.857,
                                       0.612,
                                       1.0 / 3.0,
                                       1e-7,
                                       1e20,
                                       123456.789,
                                       -2.5,
                                       std::numeric_limits<double>::quiet_NaN(),
                                       INFINITY};
  for (const double d : doubles) {
    JsonWriter out(-1);
    out.Double(d);
    EXPECT_EQ(out.Take(), Dumped(Json(d), -1)) << d;
  }
  for (const std::int64_t n : {std::int64_t{0}, std::int64_t{-1},
                               std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()}) {
    JsonWriter out(-1);
    out.Int(n);
    EXPECT_EQ(out.Take(), Dumped(Json(n), -1));
  }
  JsonWriter out(-1);
  out.Uint(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out.Take(),
            Dumped(Json(std::numeric_limits<std::uint64_t>::max()), -1));
}

TEST(JsonWriterTest, NestedAndEmptyContainersAsNlohmannDumpsThem) {
  const Json expected = {
      {"a", Json::array()},
      {"b", Json::object()},
      {"c", {1, "two", nullptr, true, false, Json::array(), Json::object()}},
      {"d", {{"e", {{"f", Json::array({Json::object({{"g", 1}})})}}}}},
      {"h", {"x", "y"}},
      {"i", nullptr}};
  for (const int indent : {-1, 0, 2, 4}) {
    JsonWriter out(indent);
    out.BeginObject();
    out.Key("a");
    out.BeginArray();
    out.EndArray();
    out.Key("b");
    out.BeginObject();
    out.EndObject();
    out.Key("c");
    out.BeginArray();
    out.Int(1);
    out.String("two");
    out.Null();
    out.Bool(true);
    out.Bool(false);
    out.BeginArray();
    out.EndArray();
    out.BeginObject();
    out.EndObject();
    out.EndArray();
    out.Key("d");
    out.BeginObject();
    out.Key("e");
    out.BeginObject();
    out.Key("f");
    out.BeginArray();
    out.BeginObject();
    out.Key("g");
    out.Int(1);
    out.EndObject();
    out.EndArray();
    out.EndObject();
    out.EndObject();
    out.Key("h");
    out.Strings({"x", "y"});
    out.Key("i");
    out.StringOrNull("");
    out.EndObject();
    EXPECT_EQ(out.Take(), Dumped(expected, indent)) << "indent " << indent;
  }
}

}  // namespace
}  // namespace kintsugi
