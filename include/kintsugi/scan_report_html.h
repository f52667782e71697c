#pragma once

// The self-contained HTML report of `kintsugi scan` (issue 11), made from
// the scan's JSON (docs/cli.md: summary, families, files, errors, and the
// optional timeline, by_folder, by_extension and scanned): the answer
// first (how many files are encrypted, by which families, how many can be
// recovered now and what each family needs), then charts (inline SVG),
// the families, the notes found, the timeline, the errors and the files.
// One file with inline CSS: no script, no external asset, nothing fetched;
// it opens offline and prints on A4. Every word on it comes from a message
// catalog (docs/messages.md "The scan's HTML report").

#include <cstddef>
#include <string>
#include <string_view>

#include "kintsugi/status.h"

namespace kintsugi {

class MessageCatalog;

struct ScanReportHtmlOptions {
  // The page's language; null: English (MessageCatalog::English()).
  const MessageCatalog* catalog = nullptr;
  // Files listed per class (encrypted, note, suspicious, clean), and errors
  // listed; the rest are counted, so a scan of a million files still makes
  // a page a browser opens at once.
  std::size_t rows_per_list = 200;
  // Bars per chart (families, folders, extensions); the rest are counted.
  std::size_t bars_per_chart = 12;
  // Columns of the timeline at most: minutes are grouped to fit.
  std::size_t timeline_columns = 120;
  // When the report was made, shown in its header as given; "": not shown
  // (the page is then a pure function of the JSON).
  std::string generated_at;
};

// The report of `scan_json`, the text `kintsugi scan --json` prints.
// kInvalidArgument (scan_report.bad_json or scan_report.bad_field, rendered
// by the options' catalog) when it is not JSON or not of the scan's shape.
Result<std::string> RenderScanReportHtml(
    std::string_view scan_json, const ScanReportHtmlOptions& options = {});

}  // namespace kintsugi
