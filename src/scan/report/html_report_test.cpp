// The scan's HTML report (kintsugi/scan_report_html.h): its sections and
// counts, escaping of hostile names, the empty and the huge scan, and the
// malformed JSON it refuses.

#include "scan/report/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/testing/status_matchers.h"
#include "kintsugi/message.h"
#include "kintsugi/scan_report_html.h"
#include "report_json/json_shape.h"
#include "scan/report/html_text.h"
#include "scan/report/svg_chart.h"

namespace kintsugi::scan_report {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string SampleText() {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::ifstream in(std::string(root == nullptr ? "." : root) +
                   "/src/scan/report/testdata/sample_scan.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json Sample() { return Json::parse(SampleText()); }

TEST(ScanReportSampleTest, HasTheShapeOfTheScansJson) {
  // The seam with the scan (docs/cli.md "scan"): the sample the report's
  // tests use is what `kintsugi scan --json` prints, key for key.
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  std::ifstream in(std::string(root == nullptr ? "." : root) +
                   "/tests/json/scan.shape.json");
  if (!in) GTEST_SKIP() << "tests/json/scan.shape.json is not in this tree";
  const Json shape = Json::parse(in, nullptr, false);
  ASSERT_FALSE(shape.is_discarded());
  EXPECT_THAT(kintsugi::testing::JsonShapeErrors(Sample(), shape),
              ::testing::IsEmpty());
}

Json EmptyScan() {
  return Json::parse(R"({
    "summary": {"files": 0, "encrypted": 0, "notes": 0, "suspicious": 0,
                "clean": 0, "by_family": {}, "first_encrypted": null,
                "last_encrypted": null},
    "families": [], "files": [], "errors": []})");
}

std::string Page(const Json& scan, const ScanReportHtmlOptions& options = {}) {
  Result<std::string> page = RenderScanReportHtml(scan, options);
  EXPECT_THAT(page, IsOk());
  return page.ok() ? *page : std::string();
}

std::size_t Occurrences(std::string_view text, std::string_view what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

// A message as the page shows it: rendered in English, then escaped.
std::string Shown(MessageId id, std::vector<MessageArg> args = {}) {
  return Escaped(RenderEnglish(Message{id, std::move(args)}));
}

// The page after its style sheet: what is text and markup.
std::string Body(const std::string& page) {
  const std::size_t at = page.find("</style>");
  return at == std::string::npos ? page : page.substr(at);
}

std::string BadField(std::string field, std::string expected) {
  return RenderEnglish(Message{
      MessageId::kScanReportBadField,
      {{"field", std::move(field)}, {"expected", std::move(expected)}}});
}

TEST(ScanReportHtmlTest, SectionsComeInOrderWithTheAnswerFirst) {
  const std::string page = Page(Sample());
  std::size_t last = 0;
  for (const char* id : {"answer", "charts", "families", "notes", "timeline",
                         "errors", "files"}) {
    const std::size_t at = page.find("<section id=\"" + std::string(id));
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(page, HasSubstr("<meta charset=\"utf-8\">"));
}

TEST(ScanReportHtmlTest, TheAnswerSaysCountsFamiliesAndNeeds) {
  const std::string page = Page(Sample());
  const std::string answer =
      page.substr(page.find("<section id=\"answer\""),
                  page.find("<section id=\"charts\"") -
                      page.find("<section id=\"answer\""));
  EXPECT_THAT(answer, HasSubstr(Shown(
                          MessageId::kScanReportAnswerEncrypted,
                          {{"count", std::int64_t{6}},
                           {"files", std::int64_t{12}},
                           {"families", "stop-djvu (4), babuk-esxi (2)"}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerRecoverable,
                                      {{"count", std::int64_t{3}}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerFamily,
                                      {{"family", "stop-djvu"},
                                       {"files", std::int64_t{4}},
                                       {"recoverable", std::int64_t{3}},
                                       {"decryptor", "stop-djvu"}})));
  EXPECT_THAT(
      answer,
      HasSubstr(Shown(
          MessageId::kScanReportAnswerNeeds,
          {{"needs",
            RenderEnglish(Message{MessageId::kScanReportNeedKeyInStore, {}}) +
                "; the private key of the run, in the key store"}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerNotes,
                                      {{"count", std::int64_t{2}}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerSuspicious,
                                      {{"count", std::int64_t{1}}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerErrors,
                                      {{"count", std::int64_t{1}}})));
  EXPECT_THAT(answer, HasSubstr(Shown(MessageId::kScanReportAnswerWindow,
                                      {{"first", "2026-11-20T02:14:09Z"},
                                       {"last", "2026-11-20T02:21:11Z"}})));
}

TEST(ScanReportHtmlTest, EveryFileFamilyAndErrorIsARow) {
  const std::string page = Page(Sample());
  EXPECT_EQ(Occurrences(page, "<tr class=\"file-encrypted\">"), 6u);
  EXPECT_EQ(Occurrences(page, "<tr class=\"file-note\">"), 2u);
  EXPECT_EQ(Occurrences(page, "<tr class=\"file-suspicious\">"), 1u);
  EXPECT_EQ(Occurrences(page, "<tr class=\"file-clean\">"), 3u);
  EXPECT_EQ(Occurrences(page, "<tr class=\"family\">"), 2u);
  EXPECT_EQ(Occurrences(page, "<tr class=\"error\">"), 1u);
  EXPECT_THAT(page, Not(HasSubstr("class=\"more\"")));
}

TEST(ScanReportHtmlTest, ChartsAreInlineSvgWithABarPerLabel) {
  const std::string page = Page(Sample());
  EXPECT_EQ(Occurrences(page, "<svg "), 4u);  // Families, folders, ext., time.
  const auto bars_in = [&](std::string_view figure) {
    const std::size_t from = page.find(figure);
    const std::size_t to = page.find("</figure>", from);
    return Occurrences(page.substr(from, to - from), "<rect class=\"bar\"");
  };
  EXPECT_EQ(bars_in("id=\"chart-families\""), 2u);
  EXPECT_EQ(bars_in("id=\"chart-folders\""), 3u);
  EXPECT_EQ(bars_in("id=\"chart-extensions\""), 2u);
  EXPECT_EQ(bars_in("id=\"chart-timeline\""), 4u);  // 4 minutes with files.
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportChartTimeline,
                                    {{"minutes", std::int64_t{1}}})));
}

TEST(ScanReportHtmlTest, ChartsAreCountedFromTheFilesWhenTheJsonHasNone) {
  Json scan = Sample();
  scan.erase("timeline");
  scan.erase("by_folder");
  scan.erase("by_extension");
  const std::string page = Page(scan);
  EXPECT_THAT(page, HasSubstr("id=\"chart-folders\""));
  EXPECT_THAT(page, HasSubstr("<title>/srv/share/finance: 3</title>"));
  EXPECT_THAT(page, HasSubstr("<title>.djvu: 4</title>"));
  EXPECT_THAT(page, HasSubstr("<title>.babyk: 2</title>"));
  EXPECT_THAT(page, Not(HasSubstr("<title>.txt:")));  // Not encrypted.
  // Encrypted files' minutes: 02:14 (2), 02:15, 02:17, 02:21 (2).
  EXPECT_THAT(page, HasSubstr("<title>2026-11-20 02:14: 2</title>"));
  EXPECT_THAT(page, HasSubstr("<title>2026-11-20 02:21: 2</title>"));
}

TEST(ScanReportHtmlTest, FilesWithoutAnExtensionHaveABarNamedSo) {
  Json scan = Sample();
  scan["by_extension"].push_back({{"extension", ""}, {"files", 2}});
  const std::string page = Page(scan);
  EXPECT_THAT(page,
              HasSubstr("<title>" + Shown(MessageId::kScanReportNoExtension) +
                        ": 2</title>"));
}

TEST(ScanReportHtmlTest, NoScriptNoExternalAssetAndEveryWordFromTheCatalog) {
  const std::string page = Page(Sample());
  for (const char* banned : {"<script", "src=", "href=", "url(", "@import",
                             "<link", "<iframe", "<img"}) {
    EXPECT_THAT(page, Not(HasSubstr(banned))) << banned;
  }
  // A message the catalog lacks renders as its name; a missing argument
  // leaves its {placeholder}.
  const std::string body = Body(page);
  EXPECT_THAT(body, Not(HasSubstr("scan_report.")));
  EXPECT_THAT(body, Not(HasSubstr("{")));
  EXPECT_THAT(page, HasSubstr("@media print"));
  EXPECT_THAT(page, HasSubstr("@page{size:A4"));
}

TEST(ScanReportHtmlTest, HostileNamesRenderAsText) {
  const std::string page = Page(Sample());
  EXPECT_THAT(page, HasSubstr("/srv/share/photos/&lt;script&gt;alert(1)&lt;/"
                              "script&gt;.jpg.djvu"));
  EXPECT_THAT(page, HasSubstr("cat &amp; dog &quot;best&quot;.png"));
  EXPECT_THAT(page, Not(HasSubstr("<script>alert(1)")));
}

TEST(ScanReportHtmlTest, EveryStringOfTheJsonIsEscaped) {
  const std::string evil = "<img src=x onerror=alert(1)>'\"&";
  Json scan = Json::parse(R"({
    "summary": {"files": 4, "encrypted": 1, "notes": 1, "suspicious": 1,
                "clean": 1, "by_family": {}},
    "families": [{"family": "", "files": 1, "decryptor": "",
                  "recoverable_now": 1, "needs": ""}],
    "files": [{"path": "", "class": "encrypted", "family": ""},
              {"path": "", "class": "note", "family": ""},
              {"path": "", "class": "suspicious"},
              {"path": "", "class": "clean"}],
    "errors": [{"path": "", "error": ""}],
    "by_folder": [{"folder": "", "encrypted": 1}],
    "by_extension": [{"extension": "", "files": 1}],
    "scanned": {"roots": [""], "image": "", "kb_version": ""}})");
  scan["summary"]["by_family"][evil] = 1;
  scan["summary"]["first_encrypted"] = evil;
  scan["summary"]["last_encrypted"] = evil;
  for (const char* key : {"family", "decryptor", "needs", "advice"}) {
    scan["families"][0][key] = evil;
  }
  for (Json& file : scan["files"]) {
    file["path"] = evil;
    file["mtime"] = evil;
    if (file.contains("family")) file["family"] = evil;
  }
  scan["errors"][0]["path"] = evil;
  scan["errors"][0]["error"] = evil;
  scan["by_folder"][0]["folder"] = evil;
  scan["by_extension"][0]["extension"] = evil;
  scan["scanned"]["roots"][0] = evil;
  scan["scanned"]["image"] = evil;
  scan["scanned"]["kb_version"] = evil;
  ScanReportHtmlOptions options;
  options.generated_at = evil;
  const std::string page = Page(scan, options);
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  EXPECT_THAT(page, Not(HasSubstr("'\"&")));
  EXPECT_THAT(page, HasSubstr("&lt;img src=x onerror=alert(1)&gt;&#39;&quot;"
                              "&amp;"));
}

TEST(ScanReportHtmlTest, PartlyEncryptedFilesSayHowMuchIsIntact) {
  const std::string page = Page(Sample());
  const std::size_t from = page.find("data-class=\"encrypted\"");
  const std::string table =
      page.substr(from, page.find("</table>", from) - from);
  EXPECT_THAT(table, HasSubstr(Shown(MessageId::kScanReportColumnIntact)));
  EXPECT_THAT(table, HasSubstr("<td class=\"num\">2146807</td>"));
  Json bound = Sample();
  bound["files"][3]["intact_at_least"] = true;
  EXPECT_THAT(Page(bound), HasSubstr("<td class=\"num\">\u2265 2146807</td>"));
  // Untouched files have no such column.
  const std::size_t clean = page.find("data-class=\"clean\"");
  EXPECT_THAT(page.substr(clean, page.find("</table>", clean) - clean),
              Not(HasSubstr(Shown(MessageId::kScanReportColumnIntact))));
}

TEST(ScanReportHtmlTest, AnInterruptedOrNamesOnlyScanSaysSoFirst) {
  EXPECT_THAT(Page(Sample()), Not(HasSubstr("class=\"warning\"")));
  Json scan = Sample();
  scan["scanned"]["cancelled"] = true;
  scan["scanned"]["names_only"] = true;
  const std::string page = Page(scan);
  const std::size_t cancelled =
      page.find(Shown(MessageId::kScanReportCancelled));
  const std::size_t names_only =
      page.find(Shown(MessageId::kScanReportNamesOnly));
  ASSERT_NE(cancelled, std::string::npos);
  ASSERT_NE(names_only, std::string::npos);
  EXPECT_LT(cancelled, page.find("<p class=\"lead\">"));
  EXPECT_LT(names_only, page.find("<p class=\"lead\">"));
}

TEST(ScanReportHtmlTest, AFamilyWithOnlyNotesIsInTheTableNotTheAnswer) {
  Json scan = Sample();
  scan["families"].push_back({{"family", "notes-only"},
                              {"files", 0},
                              {"decryptor", nullptr},
                              {"recoverable_now", 0},
                              {"needs", Json::array()}});
  const std::string page = Page(scan);
  EXPECT_EQ(Occurrences(page, "<tr class=\"family\">"), 3u);
  EXPECT_EQ(Occurrences(page, "notes-only"), 1u);
}

TEST(ScanReportHtmlTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  Json scan = EmptyScan();
  scan["summary"]["files"] = 1;
  scan["summary"]["clean"] = 1;
  scan["files"].push_back(
      {{"path", std::string("/a/b\xFF\x01.txt")}, {"class", "clean"}});
  const std::string page = Page(scan);
  EXPECT_THAT(page, HasSubstr("/a/b\xEF\xBF\xBD\xEF\xBF\xBD.txt"));
  EXPECT_THAT(page, Not(HasSubstr("\xFF")));
}

TEST(ScanReportHtmlTest, AnEmptyScanSaysSoInEverySection) {
  const std::string page = Page(EmptyScan());
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportAnswerNone,
                                    {{"files", std::int64_t{0}}})));
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportNoTimeline)));
  EXPECT_THAT(page, Not(HasSubstr("<section id=\"charts\"")));
  EXPECT_THAT(page, Not(HasSubstr("<svg")));
  EXPECT_THAT(page, Not(HasSubstr("<tr class=\"file-")));
  // Families, notes, errors and the three classes of files.
  EXPECT_EQ(Occurrences(page, "<p class=\"nothing\">"), 6u);
  EXPECT_THAT(Body(page), Not(HasSubstr("{")));
}

TEST(ScanReportHtmlTest, AHugeScanListsTheFirstFilesAndCountsTheRest) {
  Json scan = EmptyScan();
  constexpr int kFiles = 5000;
  for (int i = 0; i < kFiles; ++i) {
    scan["files"].push_back({{"path", "/d" + std::to_string(i % 300) + "/f" +
                                          std::to_string(i) + ".locked"},
                             {"class", "encrypted"},
                             {"family", "f" + std::to_string(i % 40)},
                             {"size", i},
                             {"mtime", "2026-01-01T00:00:00Z"}});
  }
  // The JSON lists 5000 of a million encrypted files.
  scan["summary"]["files"] = 1000000;
  scan["summary"]["encrypted"] = 1000000;
  for (int f = 0; f < 40; ++f) {
    scan["summary"]["by_family"]["f" + std::to_string(f)] = 25000;
  }
  ScanReportHtmlOptions options;
  options.rows_per_list = 100;
  options.bars_per_chart = 10;
  const std::string page = Page(scan, options);
  EXPECT_EQ(Occurrences(page, "<tr class=\"file-encrypted\">"), 100u);
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportMoreRows,
                                    {{"count", std::int64_t{999900}}})));
  // Ten bars of the 40 families and of the 300 folders; one extension.
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportChartMore,
                                    {{"count", std::int64_t{30}}})));
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportChartMore,
                                    {{"count", std::int64_t{290}}})));
  EXPECT_LT(page.size(), 100'000u);
}

TEST(ScanReportHtmlTest, ALongTimelineIsGroupedIntoColumns) {
  Json scan = Sample();
  scan["timeline"]["per_minute"] = Json::array();
  // Ten days, one file every hour.
  for (int hour = 0; hour < 240; ++hour) {
    char minute[32];
    std::snprintf(minute, sizeof minute, "2026-03-%02dT%02d:00:00Z",
                  1 + hour / 24, hour % 24);
    scan["timeline"]["per_minute"].push_back(
        {{"minute", minute}, {"files", 1}});
  }
  const std::string page = Page(scan);
  // 239 hours and a minute in at most 120 columns: 120 minutes a column.
  EXPECT_THAT(page, HasSubstr(Shown(MessageId::kScanReportChartTimeline,
                                    {{"minutes", std::int64_t{120}}})));
  const std::size_t from = page.find("id=\"chart-timeline\"");
  const std::string chart =
      page.substr(from, page.find("</figure>", from) - from);
  EXPECT_EQ(Occurrences(chart, "<rect class=\"bar\""), 120u);
  EXPECT_THAT(chart, HasSubstr("<title>2026-03-01 00:00: 2</title>"));
}

TEST(ScanReportHtmlTest, NeedsGivenAsAMessageAreRenderedByTheCatalog) {
  Json scan = Sample();
  scan["families"][0]["needs"] = {{"id", "decryptor.nemucod_needs"},
                                  {"args", Json::object()}};
  const std::string page = Page(scan);
  EXPECT_THAT(page, HasSubstr(Escaped(RenderEnglish(
                        Message{MessageId::kDecryptorNemucodNeeds, {}}))));
}

TEST(ScanReportHtmlTest, ASeedSearchsPlanIsAmongItsFamilysNeeds) {
  Json scan = Sample();
  scan["families"][0]["search"] = {
      {"plan", "searching 2,000 seeds <about 1 minute>"},
      {"id", "recover.seed_search_plan"},
      {"args", {{"seeds", 2000}}}};
  EXPECT_THAT(Page(scan),
              HasSubstr("searching 2,000 seeds &lt;about 1 minute&gt;"));
}

TEST(ScanReportHtmlTest, TheCatalogGivenIsUsed) {
  Result<MessageCatalog> catalog = MessageCatalog::Parse(
      R"({"language": "fr", "messages": {
            "scan_report.title": "Rapport d'analyse <Kintsugi>"}})");
  ASSERT_THAT(catalog, IsOk());
  ScanReportHtmlOptions options;
  options.catalog = &*catalog;
  const std::string page = Page(Sample(), options);
  EXPECT_THAT(page, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(page,
              HasSubstr("<h1>Rapport d&#39;analyse &lt;Kintsugi&gt;</h1>"));
}

TEST(ScanReportHtmlTest, TheTextFormParsesTheJson) {
  Result<std::string> page = kintsugi::RenderScanReportHtml(SampleText());
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(*page, Page(Sample()));
  const Result<std::string> broken =
      kintsugi::RenderScanReportHtml("{\"summary\": ");
  EXPECT_THAT(broken, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(broken.status().message(),
              HasSubstr(RenderEnglish(Message{MessageId::kScanReportBadJson,
                                              {{"error", ""}}})
                            .substr(0, 40)));
}

struct Malformed {
  const char* what;
  std::function<void(Json&)> change;
  std::string field;
  std::string expected;
};

TEST(ScanReportHtmlTest, MalformedJsonIsAnErrorNamingTheField) {
  const std::vector<Malformed> cases = {
      {"not an object", [](Json& s) { s = Json::array(); }, "(the document)",
       "object"},
      {"no summary", [](Json& s) { s.erase("summary"); }, "summary", "object"},
      {"count is text", [](Json& s) { s["summary"]["encrypted"] = "6"; },
       "summary.encrypted", "integer"},
      {"negative count", [](Json& s) { s["summary"]["files"] = -1; },
       "summary.files", "integer"},
      {"by_family value", [](Json& s) { s["summary"]["by_family"]["x"] = 1.5; },
       "summary.by_family.x", "integer"},
      {"families not an array", [](Json& s) { s["families"] = 3; }, "families",
       "array"},
      {"family without a name",
       [](Json& s) { s["families"][1].erase("family"); }, "families[1].family",
       "string"},
      {"needs a number", [](Json& s) { s["families"][0]["needs"] = 7; },
       "families[0].needs", "null|string|{\"id\", \"args\"}|array of them"},
      {"unknown class", [](Json& s) { s["files"][3]["class"] = "bogus"; },
       "files[3].class", "encrypted|note|suspicious|clean"},
      {"path a number", [](Json& s) { s["files"][0]["path"] = 1; },
       "files[0].path", "string"},
      {"size text", [](Json& s) { s["files"][2]["size"] = "big"; },
       "files[2].size", "integer"},
      {"huge size",
       [](Json& s) { s["files"][2]["size"] = 18446744073709551615u; },
       "files[2].size", "integer"},
      {"mtime a number", [](Json& s) { s["files"][5]["mtime"] = 5; },
       "files[5].mtime", "null|string"},
      {"intact text", [](Json& s) { s["files"][0]["intact_bytes"] = "1"; },
       "files[0].intact_bytes", "integer"},
      {"advice a number", [](Json& s) { s["families"][0]["advice"] = 1; },
       "families[0].advice", "null|string|{\"id\", \"args\"}|array of them"},
      {"search a list", [](Json& s) { s["families"][0]["search"] = {1}; },
       "families[0].search", "object"},
      {"search plan a number",
       [](Json& s) {
         s["families"][0]["search"] = {{"plan", 3}};
       },
       "families[0].search.plan", "null|string"},
      {"cancelled text", [](Json& s) { s["scanned"]["cancelled"] = "no"; },
       "scanned.cancelled", "boolean"},
      {"no errors", [](Json& s) { s.erase("errors"); }, "errors", "array"},
      {"error without text", [](Json& s) { s["errors"][0].erase("error"); },
       "errors[0].error", "string"},
      {"timeline minutes", [](Json& s) { s["timeline"]["per_minute"] = 1; },
       "timeline.per_minute", "array"},
      {"by_folder entry", [](Json& s) { s["by_folder"][0] = "x"; },
       "by_folder[0]", "object"},
      {"roots", [](Json& s) { s["scanned"]["roots"] = "/srv"; },
       "scanned.roots", "array"},
  };
  for (const Malformed& c : cases) {
    Json scan = Sample();
    c.change(scan);
    const Result<std::string> page = RenderScanReportHtml(scan, {});
    EXPECT_THAT(page, StatusIs(StatusCode::kInvalidArgument)) << c.what;
    EXPECT_EQ(page.status().message(), BadField(c.field, c.expected)) << c.what;
  }
}

}  // namespace
}  // namespace kintsugi::scan_report
