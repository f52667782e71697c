// Fuzz target: the scan's HTML report (kintsugi/scan_report_html.h) from
// arbitrary bytes taken as the scan's JSON. It must never crash or hang, and
// must keep its promises:
//  - what it refuses is kInvalidArgument with a message;
//  - what it accepts is a page whose every tag is one the report writes:
//    nothing from the JSON ever becomes markup.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "kintsugi/scan_report_html.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr std::array<std::string_view, 29> kTags = {"footer", "!DOCTYPE html>",
                                                    "html",   "head",
                                                    "meta",   "title",
                                                    "style",  "body",
                                                    "header", "h1",
                                                    "h2",     "h3",
                                                    "p",      "section",
                                                    "ul",     "li",
                                                    "table",  "thead",
                                                    "tbody",  "tr",
                                                    "th",     "td",
                                                    "span",   "figcaption",
                                                    "figure", "svg",
                                                    "g",      "text",
                                                    "rect"};

// Whether the text after a '<' starts with one of the report's tags (or
// "line"), then ends its name.
bool IsOurTag(std::string_view rest) {
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  const auto starts_tag = [&](std::string_view tag) {
    if (rest.substr(0, tag.size()) != tag) return false;
    if (tag.back() == '>') return true;
    const char next = rest.size() > tag.size() ? rest[tag.size()] : '\0';
    return next == '>' || next == ' ' || next == '/';
  };
  for (const std::string_view tag : kTags) {
    if (starts_tag(tag)) return true;
  }
  return starts_tag("line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kintsugi::ScanReportHtmlOptions options;
  options.rows_per_list = 20;
  const kintsugi::Result<std::string> page =
      kintsugi::RenderScanReportHtml(text, options);
  if (!page.ok()) {
    Check(page.status().code() == kintsugi::StatusCode::kInvalidArgument);
    Check(!page.status().message().empty());
    return 0;
  }
  const std::string& html = *page;
  Check(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (std::size_t at = html.find('<'); at != std::string::npos;
       at = html.find('<', at + 1)) {
    Check(IsOurTag(std::string_view(html).substr(at + 1)));
  }
  return 0;
}
