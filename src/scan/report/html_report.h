#pragma once

// The scan's HTML report from a JSON document already parsed
// (kintsugi/scan_report_html.h takes the text).

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "kintsugi/scan_report_html.h"
#include "kintsugi/status.h"

namespace kintsugi::scan_report {

// The page for `scan` (the shape of kintsugi/scan_report_html.h).
// kInvalidArgument with scan_report.bad_field, rendered by the options'
// catalog, naming the first field that is missing or of another type; the
// JSON is never trusted to be well formed.
Result<std::string> RenderScanReportHtml(const nlohmann::json& scan,
                                         const ScanReportHtmlOptions& options);

}  // namespace kintsugi::scan_report
