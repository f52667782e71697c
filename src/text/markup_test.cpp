#include "text/markup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kintsugi::text {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MarkupTest, DetectsHtmlAndRtf) {
  EXPECT_EQ(DetectMarkup("<!DOCTYPE html><html>"), Markup::kHtml);
  EXPECT_EQ(DetectMarkup("  <HTA:APPLICATION id=x>"), Markup::kHtml);
  EXPECT_EQ(DetectMarkup("{\\rtf1\\ansi hello}"), Markup::kRtf);
  EXPECT_EQ(DetectMarkup("Pay 1 BTC if a < b"), Markup::kPlain);
}

TEST(StripHtmlTest, ScriptAndStyleContentIsIgnored) {
  const std::string plain = StripHtml(
      "<html><head><style>body{color:red}</style>"
      "<script>var key = 'secret'; if (a < b) alert(1);</script></head>"
      "<body><p>All your <b>files</b> are encrypted</p><!-- hidden -->"
      "<div>Contact&nbsp;us &amp; pay &#36;100 &#x41;</div></body></html>");
  EXPECT_THAT(plain, Not(HasSubstr("secret")));
  EXPECT_THAT(plain, Not(HasSubstr("color")));
  EXPECT_THAT(plain, Not(HasSubstr("hidden")));
  EXPECT_EQ(FoldText(plain),
            "all your files are encrypted contact us & pay "
            "$100 a");
}

TEST(StripHtmlTest, UnterminatedScriptDropsTheRest) {
  EXPECT_EQ(FoldText(StripHtml("visible<script>never ends")), "visible");
}

TEST(StripHtmlTest, RegressionUnclosedAttributeQuoteSwallowedTheNote) {
  // An H0lyGh0st note: style="width:20% is never closed; honouring the
  // quote across lines dropped every paragraph up to the next quote.
  const std::string plain = StripHtml(
      "<img alt=\"H0lyGh0st\" style=\"width:20%\n</head>\n<body>\n"
      "<p>Don't worry, you can return all of your files.</p>\n"
      "<p>Contact us at <a href=\"mailto:x@y.com\">x@y.com</a></p>");
  EXPECT_THAT(plain, HasSubstr("you can return all of your files"));
  EXPECT_THAT(plain, HasSubstr("Contact us at"));
  EXPECT_THAT(plain, Not(HasSubstr("width")));
}

TEST(StripRtfTest, ControlWordsAndTablesGo) {
  const std::string plain = StripRtf(
      "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\*\\generator Riched20;}"
      "\\f0\\fs22 Your files are \\b encrypted\\b0\\par Pay caf\\'e9 \\{1\\}}");
  EXPECT_EQ(FoldText(plain), "your files are encrypted pay caf\xC3\xA9 {1}");
}

TEST(FoldTextTest, FoldsCaseAndWhitespace) {
  EXPECT_EQ(FoldText("  ALL\tYour\r\n\r\nFILES  "), "all your files");
  EXPECT_EQ(FoldText(""), "");
}

}  // namespace
}  // namespace kintsugi::text
