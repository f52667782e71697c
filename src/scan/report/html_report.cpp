// The scan's HTML report (kintsugi/scan_report_html.h): one page, the
// answer first. Every string that reaches the page, from the JSON or from
// the catalog, is escaped (html_text.h); every word is a message.

#include "scan/report/html_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>
#include <vector>

#include "kintsugi/message.h"
#include "scan/report/html_text.h"
#include "scan/report/scan_view.h"
#include "scan/report/svg_chart.h"

namespace kintsugi {
namespace scan_report {
namespace {

// Screen and print (A4) styles. Long names wrap, so that nothing is wider
// than the page: in text where they overflow, in the tables' cells of names
// (paths, families, needs) anywhere, so a table's narrowest width does not
// count them whole; rows, figures and the answer do not split across pages,
// and table headings repeat on each.
constexpr std::string_view kStyle = R"css(
:root{color-scheme:light}
body{font:14px/1.45 "DejaVu Sans",system-ui,sans-serif;color:#1d1d1f;
background:#fff;max-width:60rem;margin:1.5rem auto;padding:0 1rem;
overflow-wrap:break-word}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.25rem;border-bottom:2px solid #c8961e;padding-bottom:.15rem;
margin-top:2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:#555;margin:.1rem 0}
.lead{font-size:1.15rem;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
table.counts{width:auto}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;
vertical-align:top}
th{background:#f3efe6}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.time{white-space:nowrap}
td.wrap{overflow-wrap:anywhere}
.more{color:#555;font-style:italic}
.warning{border-left:4px solid #b3261e;background:#fdf1ef;padding:.4rem .6rem}
figure{margin:1rem 0}
figcaption{font-weight:600;margin-bottom:.3rem}
svg.chart{max-width:100%;height:auto;font:12px "DejaVu Sans",sans-serif}
svg.chart text{fill:#1d1d1f}
footer{margin-top:2.5rem;color:#555;font-size:.85rem;
border-top:1px solid #ccc;padding-top:.5rem}
@page{size:A4;margin:14mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
h2,h3,figcaption{break-after:avoid;page-break-after:avoid}
figure,tr,#answer,table.counts{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
svg.chart{width:100%;height:auto}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)css";

constexpr std::string_view kClassNames[kFileClassCount] = {
    "encrypted", "note", "suspicious", "clean"};

class Page {
 public:
  Page(const ScanView& view, const ScanReportHtmlOptions& options,
       const MessageCatalog& catalog)
      : view_(view), options_(options), catalog_(catalog) {}

  std::string Make() {
    out_ += "<!DOCTYPE html>\n<html lang=\"";
    AppendEscaped(out_, catalog_.language().empty() ? std::string_view("en")
                                                    : catalog_.language());
    out_ += "\">\n<head>\n<meta charset=\"utf-8\">\n";
    out_ +=
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<title>";
    Say(MessageId::kScanReportTitle);
    out_ += "</title>\n<style>";
    out_ += kStyle;
    out_ += "</style>\n</head>\n<body>\n";
    Header();
    Answer();
    Charts();
    Families();
    Notes();
    Timeline();
    Errors();
    Files();
    out_ += "<footer><p>";
    Say(MessageId::kScanReportFooter);
    out_ += "</p></footer>\n</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  std::string Text(MessageId id, std::vector<MessageArg> args = {}) const {
    return Render(Message{id, std::move(args)}, catalog_);
  }
  void Say(MessageId id, std::vector<MessageArg> args = {}) {
    AppendEscaped(out_, Text(id, std::move(args)));
  }
  void Cell(std::string_view text, std::string_view css_class = "") {
    out_ += css_class.empty() ? "<td>"
                              : "<td class=\"" + std::string(css_class) + "\">";
    AppendEscaped(out_, text);
    out_ += "</td>";
  }
  void Heading(MessageId id, std::string_view css_class = "") {
    out_ += css_class.empty() ? "<th>"
                              : "<th class=\"" + std::string(css_class) + "\">";
    Say(id);
    out_ += "</th>";
  }
  void SectionStart(std::string_view id, MessageId heading) {
    out_ += "<section id=\"" + std::string(id) + "\">\n<h2>";
    Say(heading);
    out_ += "</h2>\n";
  }
  void Nothing() {
    out_ += "<p class=\"nothing\">";
    Say(MessageId::kScanReportNothing);
    out_ += "</p>\n";
  }
  void More(std::int64_t count) {
    if (count <= 0) return;
    out_ += "<p class=\"more\">";
    Say(MessageId::kScanReportMoreRows, {{"count", count}});
    out_ += "</p>\n";
  }

  void Header();
  void Answer();
  void AnswerFamilies();
  void Charts();
  // `empty_label` names a bar whose label is empty (kCount: left empty).
  void Chart(MessageId title, const std::vector<LabelCount>& counts,
             std::string_view id, MessageId empty_label);
  void Families();
  void Notes();
  void Timeline();
  void Errors();
  void Files();
  void FileTable(FileClass file_class, std::int64_t summary_count);

  const ScanView& view_;
  const ScanReportHtmlOptions& options_;
  const MessageCatalog& catalog_;
  std::string out_;
};

void Page::Header() {
  out_ += "<header>\n<h1>";
  Say(MessageId::kScanReportTitle);
  out_ += "</h1>\n";
  const auto meta = [&](MessageId id, std::string_view name,
                        std::string value) {
    if (value.empty()) return;
    out_ += "<p class=\"meta\">";
    Say(id, {{std::string(name), std::move(value)}});
    out_ += "</p>\n";
  };
  std::string roots;
  for (const std::string& root : view_.roots) {
    roots += (roots.empty() ? "" : ", ") + root;
  }
  meta(MessageId::kScanReportScannedRoots, "roots", roots);
  meta(MessageId::kScanReportScannedImage, "image", view_.image);
  meta(MessageId::kScanReportKbVersion, "version", view_.kb_version);
  meta(MessageId::kScanReportGenerated, "time", options_.generated_at);
  out_ += "</header>\n";
}

void Page::Answer() {
  SectionStart("answer", MessageId::kScanReportAnswerHeading);
  const auto warn = [&](MessageId id) {
    out_ += "<p class=\"warning\">";
    Say(id);
    out_ += "</p>\n";
  };
  if (view_.cancelled) warn(MessageId::kScanReportCancelled);
  if (view_.names_only) warn(MessageId::kScanReportNamesOnly);
  out_ += "<p class=\"lead\">";
  if (view_.encrypted > 0) {
    std::string families;
    for (const LabelCount& family : view_.by_family) {
      if (!families.empty()) families += ", ";
      families += family.label + " (" + Digits(family.count) + ")";
    }
    if (families.empty()) families = Text(MessageId::kScanReportUnknownFamily);
    Say(MessageId::kScanReportAnswerEncrypted, {{"count", view_.encrypted},
                                                {"files", view_.files},
                                                {"families", families}});
    std::int64_t recoverable = 0;
    for (const FamilyRow& row : view_.families) {
      recoverable += row.recoverable_now;
    }
    out_ += " ";
    Say(MessageId::kScanReportAnswerRecoverable, {{"count", recoverable}});
  } else {
    Say(MessageId::kScanReportAnswerNone, {{"files", view_.files}});
  }
  out_ += "</p>\n";
  AnswerFamilies();
  std::vector<std::string> more;
  if (view_.notes > 0) {
    more.push_back(
        Text(MessageId::kScanReportAnswerNotes, {{"count", view_.notes}}));
  }
  if (view_.suspicious > 0) {
    more.push_back(Text(MessageId::kScanReportAnswerSuspicious,
                        {{"count", view_.suspicious}}));
  }
  if (!view_.first_encrypted.empty() && !view_.last_encrypted.empty()) {
    more.push_back(Text(
        MessageId::kScanReportAnswerWindow,
        {{"first", view_.first_encrypted}, {"last", view_.last_encrypted}}));
  }
  if (view_.error_count > 0) {
    more.push_back(Text(MessageId::kScanReportAnswerErrors,
                        {{"count", view_.error_count}}));
  }
  for (const std::string& sentence : more) {
    out_ += "<p>";
    AppendEscaped(out_, sentence);
    out_ += "</p>\n";
  }
  out_ += "<table class=\"counts\"><tbody>\n";
  const std::pair<MessageId, std::int64_t> counts[] = {
      {MessageId::kScanReportFilesScanned, view_.files},
      {MessageId::kScanReportClassEncrypted, view_.encrypted},
      {MessageId::kScanReportClassNote, view_.notes},
      {MessageId::kScanReportClassSuspicious, view_.suspicious},
      {MessageId::kScanReportClassClean, view_.clean}};
  for (const auto& [id, count] : counts) {
    out_ += "<tr>";
    Heading(id);
    Cell(Digits(count), "num");
    out_ += "</tr>\n";
  }
  out_ += "</tbody></table>\n</section>\n";
}

void Page::AnswerFamilies() {
  // A family with notes only is in the table, not in the answer.
  const auto has_files = [](const FamilyRow& row) { return row.files > 0; };
  if (std::none_of(view_.families.begin(), view_.families.end(), has_files)) {
    return;
  }
  out_ += "<ul class=\"verdicts\">\n";
  for (const FamilyRow& row : view_.families) {
    if (!has_files(row)) continue;
    out_ += "<li>";
    if (row.decryptor.empty()) {
      Say(MessageId::kScanReportAnswerFamilyNoDecryptor,
          {{"family", row.family}, {"files", row.files}});
    } else {
      Say(MessageId::kScanReportAnswerFamily,
          {{"family", row.family},
           {"files", row.files},
           {"recoverable", row.recoverable_now},
           {"decryptor", row.decryptor}});
    }
    if (!row.needs.empty()) {
      out_ += " ";
      Say(MessageId::kScanReportAnswerNeeds, {{"needs", row.needs}});
    }
    out_ += "</li>\n";
  }
  out_ += "</ul>\n";
}

void Page::Chart(MessageId title, const std::vector<LabelCount>& counts,
                 std::string_view id, MessageId empty_label) {
  if (counts.empty()) return;
  const std::string caption = Text(title);
  std::vector<Bar> bars;
  const std::size_t shown = std::min(counts.size(), options_.bars_per_chart);
  for (std::size_t i = 0; i < shown; ++i) {
    bars.push_back({counts[i].label.empty() && empty_label != MessageId::kCount
                        ? Text(empty_label)
                        : counts[i].label,
                    counts[i].count});
  }
  out_ += "<figure id=\"" + std::string(id) + "\"><figcaption>";
  AppendEscaped(out_, caption);
  out_ += "</figcaption>\n";
  out_ += BarChartSvg(caption, bars);
  if (counts.size() > shown) {
    out_ += "\n<p class=\"more\">";
    Say(MessageId::kScanReportChartMore,
        {{"count", static_cast<std::int64_t>(counts.size() - shown)}});
    out_ += "</p>";
  }
  out_ += "</figure>\n";
}

void Page::Charts() {
  if (view_.by_family.empty() && view_.by_folder.empty() &&
      view_.by_extension.empty()) {
    return;
  }
  SectionStart("charts", MessageId::kScanReportOverviewHeading);
  Chart(MessageId::kScanReportChartFamilies, view_.by_family, "chart-families",
        MessageId::kScanReportUnknownFamily);
  Chart(MessageId::kScanReportChartFolders, view_.by_folder, "chart-folders",
        MessageId::kCount);
  Chart(MessageId::kScanReportChartExtensions, view_.by_extension,
        "chart-extensions", MessageId::kScanReportNoExtension);
  out_ += "</section>\n";
}

void Page::Families() {
  SectionStart("families", MessageId::kScanReportFamiliesHeading);
  if (view_.families.empty()) {
    Nothing();
    out_ += "</section>\n";
    return;
  }
  out_ += "<table><thead><tr>";
  Heading(MessageId::kScanReportColumnFamily);
  Heading(MessageId::kScanReportColumnFiles, "num");
  Heading(MessageId::kScanReportColumnDecryptor);
  Heading(MessageId::kScanReportColumnRecoverable, "num");
  Heading(MessageId::kScanReportColumnNeeds);
  out_ += "</tr></thead>\n<tbody>\n";
  for (const FamilyRow& row : view_.families) {
    out_ += "<tr class=\"family\">";
    Cell(row.family, "wrap");
    Cell(Digits(row.files), "num");
    Cell(row.decryptor.empty() ? Text(MessageId::kScanReportNoDecryptor)
                               : row.decryptor,
         "wrap");
    Cell(Digits(row.recoverable_now), "num");
    Cell(row.needs, "wrap");
    out_ += "</tr>\n";
  }
  out_ += "</tbody></table>\n</section>\n";
}

void Page::FileTable(FileClass file_class, std::int64_t summary_count) {
  const FileList& list = view_.lists[static_cast<std::size_t>(file_class)];
  const std::string_view name =
      kClassNames[static_cast<std::size_t>(file_class)];
  const auto shown = static_cast<std::int64_t>(list.shown.size());
  const std::int64_t rest = std::max(list.total, summary_count) - shown;
  if (list.shown.empty()) {
    if (rest > 0) {
      More(rest);
    } else {
      Nothing();
    }
    return;
  }
  const bool with_family = file_class != FileClass::kClean;
  const bool with_intact = std::any_of(
      list.shown.begin(), list.shown.end(),
      [](const ListedFile& f) { return f.intact_bytes.has_value(); });
  out_ += "<table class=\"files\" data-class=\"" + std::string(name) +
          "\"><thead><tr>";
  Heading(MessageId::kScanReportColumnPath);
  if (with_family) Heading(MessageId::kScanReportColumnFamily);
  Heading(MessageId::kScanReportColumnSize, "num");
  if (with_intact) Heading(MessageId::kScanReportColumnIntact, "num");
  Heading(MessageId::kScanReportColumnModified);
  out_ += "</tr></thead>\n<tbody>\n";
  for (const ListedFile& file : list.shown) {
    out_ += "<tr class=\"file-" + std::string(name) + "\">";
    Cell(file.path, "wrap");
    if (with_family) {
      Cell(file.family.empty() ? Text(MessageId::kScanReportUnknownFamily)
                               : file.family,
           "wrap");
    }
    Cell(file.size ? Digits(*file.size) : std::string(), "num");
    if (with_intact) {
      // A lower bound (a key-dependent layout) reads "≥ N".
      Cell(file.intact_bytes ? (file.intact_at_least ? "\u2265 " : "") +
                                   Digits(*file.intact_bytes)
                             : std::string(),
           "num");
    }
    Cell(file.mtime, "time");
    out_ += "</tr>\n";
  }
  out_ += "</tbody></table>\n";
  More(rest);
}

void Page::Notes() {
  SectionStart("notes", MessageId::kScanReportNotesHeading);
  FileTable(FileClass::kNote, view_.notes);
  out_ += "</section>\n";
}

void Page::Timeline() {
  SectionStart("timeline", MessageId::kScanReportTimelineHeading);
  const TimelineBins bins =
      BinTimeline(view_.per_minute, options_.timeline_columns);
  if (view_.first_encrypted.empty() && bins.columns.empty()) {
    out_ += "<p>";
    Say(MessageId::kScanReportNoTimeline);
    out_ += "</p>\n</section>\n";
    return;
  }
  if (!view_.first_encrypted.empty()) {
    out_ += "<p>";
    Say(MessageId::kScanReportTimelineRange,
        {{"first", view_.first_encrypted}, {"last", view_.last_encrypted}});
    out_ += "</p>\n";
  }
  if (!bins.columns.empty()) {
    const std::string caption = Text(MessageId::kScanReportChartTimeline,
                                     {{"minutes", bins.minutes_per_column}});
    out_ += "<figure id=\"chart-timeline\"><figcaption>";
    AppendEscaped(out_, caption);
    out_ += "</figcaption>\n" + TimelineSvg(caption, bins) + "</figure>\n";
  }
  out_ += "</section>\n";
}

void Page::Errors() {
  SectionStart("errors", MessageId::kScanReportErrorsHeading);
  if (view_.errors.empty()) {
    Nothing();
    out_ += "</section>\n";
    return;
  }
  out_ += "<table><thead><tr>";
  Heading(MessageId::kScanReportColumnPath);
  Heading(MessageId::kScanReportColumnError);
  out_ += "</tr></thead>\n<tbody>\n";
  for (const ErrorRow& row : view_.errors) {
    out_ += "<tr class=\"error\">";
    Cell(row.path, "wrap");
    Cell(row.error, "wrap");
    out_ += "</tr>\n";
  }
  out_ += "</tbody></table>\n";
  More(view_.error_count - static_cast<std::int64_t>(view_.errors.size()));
  out_ += "</section>\n";
}

void Page::Files() {
  SectionStart("files", MessageId::kScanReportFilesHeading);
  const std::tuple<FileClass, MessageId, std::int64_t> classes[] = {
      {FileClass::kEncrypted, MessageId::kScanReportClassEncrypted,
       view_.encrypted},
      {FileClass::kSuspicious, MessageId::kScanReportClassSuspicious,
       view_.suspicious},
      {FileClass::kClean, MessageId::kScanReportClassClean, view_.clean}};
  for (const auto& [file_class, heading, count] : classes) {
    const FileList& list = view_.lists[static_cast<std::size_t>(file_class)];
    out_ += "<h3 id=\"files-" +
            std::string(kClassNames[static_cast<std::size_t>(file_class)]) +
            "\">";
    Say(heading);
    out_ += " <span class=\"num\">(" + Digits(std::max(list.total, count)) +
            ")</span></h3>\n";
    FileTable(file_class, count);
  }
  out_ += "</section>\n";
}

}  // namespace

Result<std::string> RenderScanReportHtml(const nlohmann::json& scan,
                                         const ScanReportHtmlOptions& options) {
  const MessageCatalog& catalog =
      options.catalog != nullptr ? *options.catalog : MessageCatalog::English();
  KINTSUGI_ASSIGN_OR_RETURN(const ScanView view,
                            ReadScan(scan, catalog, options.rows_per_list));
  return Page(view, options, catalog).Make();
}

}  // namespace scan_report

Result<std::string> RenderScanReportHtml(std::string_view scan_json,
                                         const ScanReportHtmlOptions& options) {
  const MessageCatalog& catalog =
      options.catalog != nullptr ? *options.catalog : MessageCatalog::English();
  nlohmann::json scan;
  try {
    scan = nlohmann::json::parse(scan_json);
  } catch (const nlohmann::json::exception& error) {
    // The parser's own text, which says where (conventions.md "Errors").
    return InvalidArgumentError(Render(
        Message{MessageId::kScanReportBadJson, {{"error", error.what()}}},
        catalog));
  }
  return scan_report::RenderScanReportHtml(scan, options);
}

}  // namespace kintsugi
