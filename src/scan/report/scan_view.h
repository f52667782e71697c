#pragma once

// The scan's JSON (issue 11's contract: summary, families, files, errors,
// and the optional timeline, by_folder, by_extension and scanned of
// docs/cli.md) read into what the HTML report shows, checked as it is read.
// Lists are bounded here, so a scan of millions of files makes a page of a
// few hundred rows: what is left out is counted.

#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/message.h"
#include "kintsugi/status.h"

namespace kintsugi::scan_report {

// The classes of the contract's files[].class, in the order the report
// lists them.
enum class FileClass : std::uint8_t { kEncrypted, kNote, kSuspicious, kClean };
inline constexpr std::size_t kFileClassCount = 4;

struct ListedFile {
  std::string path;
  std::string family;  // Empty: none.
  std::optional<std::int64_t> size;
  std::string mtime;  // As the JSON gives it; empty: none.
  // How much of the original is still in the clear (partial encryption).
  std::optional<std::int64_t> intact_bytes;
  bool intact_at_least = false;  // intact_bytes is a lower bound.
};

// The first files of a class, and how many the class has in all.
struct FileList {
  std::vector<ListedFile> shown;
  std::int64_t total = 0;
};

struct FamilyRow {
  std::string family;
  std::int64_t files = 0;
  std::string decryptor;  // Empty: no decryptor.
  std::int64_t recoverable_now = 0;
  // Its needs and advice, rendered with the report's catalog (a need's
  // token such as "key-in-store" in its words); may be empty.
  std::string needs;
};

// A bar of a chart: a label (a family, a folder, an extension; empty for
// "no extension") and its count.
struct LabelCount {
  std::string label;
  std::int64_t count = 0;
};

struct ErrorRow {
  std::string path;
  std::string error;
};

struct ScanView {
  std::int64_t files = 0;
  std::int64_t encrypted = 0;
  std::int64_t notes = 0;
  std::int64_t suspicious = 0;
  std::int64_t clean = 0;
  std::vector<LabelCount> by_family;  // Most files first.
  std::string first_encrypted;        // Empty: none.
  std::string last_encrypted;
  std::vector<FamilyRow> families;  // Most files first.
  std::array<FileList, kFileClassCount> lists;
  std::vector<ErrorRow> errors;  // The first ones.
  std::int64_t error_count = 0;
  std::vector<LabelCount> by_folder;     // Every folder, most first.
  std::vector<LabelCount> by_extension;  // Every extension, most first.
  // (minute since the Unix epoch, encrypted files), ascending.
  std::vector<std::pair<std::int64_t, std::int64_t>> per_minute;
  std::vector<std::string> roots;
  std::string image;
  std::string kb_version;
  bool cancelled = false;   // The scan stopped before the end.
  bool names_only = false;  // Classified from names alone.
};

// Reads `scan`, keeping `rows_per_list` files of each class and errors.
// kInvalidArgument, whose message is scan_report.bad_field rendered by
// `catalog`, when a field the report needs is missing or of another type.
// Charts absent from the JSON are counted from its encrypted files.
Result<ScanView> ReadScan(const nlohmann::json& scan,
                          const MessageCatalog& catalog,
                          std::size_t rows_per_list);

// The minute since the Unix epoch of an ISO 8601 time ("2026-11-20T02:14"
// and anything after it, which is ignored); nullopt when it does not start
// like one.
std::optional<std::int64_t> EpochMinute(std::string_view iso_time);

// A minute since the epoch as "YYYY-MM-DD HH:MM".
std::string MinuteText(std::int64_t epoch_minute);

}  // namespace kintsugi::scan_report
