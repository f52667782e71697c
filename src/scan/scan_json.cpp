// `kintsugi scan --json` (docs/cli.md "scan", issue 11's contract) and its
// reading back by `kintsugi recover --from-scan`.

#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kintsugi/scan.h"

namespace kintsugi {
namespace {

using Json = nlohmann::json;

// "2026-12-03T14:05:09Z": the UTC second of `ns` since the epoch.
std::string IsoTime(std::int64_t ns) {
  std::int64_t seconds = ns / 1'000'000'000;
  if (ns % 1'000'000'000 < 0) --seconds;
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  const std::size_t n =
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

Json OrNull(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json TimeOrNull(const std::optional<std::int64_t>& ns) {
  return ns ? Json(IsoTime(*ns)) : Json(nullptr);
}

// A JSON string: escaped, invalid UTF-8 replaced.
void AppendString(std::string& out, const std::string& text) {
  out += Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void AppendStringOrNull(std::string& out, const std::string& text) {
  if (text.empty()) {
    out += "null";
  } else {
    AppendString(out, text);
  }
}

// One file of the report as one line of JSON: a million files are written
// as they are, not built into a document first (which took 20 s and 2 GB).
void AppendFile(std::string& out, const ScannedFile& f) {
  out += "{\"path\": ";
  AppendString(out, f.path.string());
  out += ", \"class\": \"";
  out += ScanClassName(f.klass);
  out += "\", \"family\": ";
  AppendStringOrNull(out, f.family);
  out += ", \"size\": " + std::to_string(f.size);
  out += ", \"mtime\": \"" + IsoTime(f.mtime_ns) + "\"";
  out += ", \"decryptor\": ";
  AppendStringOrNull(out, f.decryptor);
  out += ", \"campaign\": ";
  AppendStringOrNull(out, f.campaign);
  out += ", \"recoverable_now\": ";
  out += f.recoverable_now ? "true" : "false";
  out += ", \"recoverable_partly\": ";
  out += f.recoverable_partly ? "true" : "false";
  out += ", \"lost_bytes\": " + std::to_string(f.lost_bytes);
  out += ", \"intact_bytes\": ";
  out += f.intact_bytes ? std::to_string(*f.intact_bytes) : "null";
  out += ", \"intact_at_least\": ";
  out += f.intact_at_least ? "true" : "false";
  out += ", \"original_size\": ";
  out += f.original_size ? std::to_string(*f.original_size) : "null";
  if (f.klass != ScanClass::kClean && f.detail.id != MessageId::kCount) {
    out += ", \"detail\": ";
    AppendString(out, RenderEnglish(f.detail));
  }
  out += "}";
}

// Where the files go in the dumped document (a string no path can be:
// Json::dump escapes control characters).
constexpr std::string_view kFilesPlaceholder = "\x01files\x01";

}  // namespace

std::string ScanReportJson(const ScanReport& report) {
  Json by_family = Json::object();
  std::uint64_t recoverable = 0;
  std::uint64_t partly = 0;
  for (const FamilyVerdict& f : report.families) {
    if (f.files > 0) by_family[f.family] = f.files;
    recoverable += f.recoverable_now;
    partly += f.recoverable_partly;
  }
  Json summary = {{"files", report.total_files()},
                  {"encrypted", report.count(ScanClass::kEncrypted)},
                  {"notes", report.count(ScanClass::kNote)},
                  {"suspicious", report.count(ScanClass::kSuspicious)},
                  {"clean", report.count(ScanClass::kClean)},
                  {"by_family", std::move(by_family)},
                  {"first_encrypted", TimeOrNull(report.first_encrypted_ns)},
                  {"last_encrypted", TimeOrNull(report.last_encrypted_ns)},
                  {"recoverable_now", recoverable},
                  {"recoverable_partly", partly},
                  {"errors", report.errors.size()}};
  Json families = Json::array();
  for (const FamilyVerdict& f : report.families) {
    Json needs = Json::array();
    for (const std::string& need : f.needs) needs.push_back(need);
    Json advice = Json::array();
    for (const Message& m : f.advice) advice.push_back(RenderEnglish(m));
    Json notes = Json::array();
    for (const Path& p : f.note_paths) notes.push_back(p.string());
    // The plan of a seed search: in English, and its figures (seeds,
    // minutes, rate, ...) as numbers and strings.
    Json search = nullptr;
    if (f.search_plan) {
      Json args = Json::object();
      for (const MessageArg& arg : f.search_plan->args) {
        if (const auto* n = std::get_if<std::int64_t>(&arg.value)) {
          args[arg.name] = *n;
        } else if (const auto* t = std::get_if<std::string>(&arg.value)) {
          args[arg.name] = *t;
        }
      }
      search = {{"plan", RenderEnglish(*f.search_plan)},
                {"id", std::string(MessageIdName(f.search_plan->id))},
                {"args", std::move(args)}};
    }
    families.push_back({{"family", f.family},
                        {"files", f.files},
                        {"decryptor", OrNull(f.decryptor)},
                        {"recoverable_now", f.recoverable_now},
                        {"recoverable_partly", f.recoverable_partly},
                        {"needs", std::move(needs)},
                        {"strategy", OrNull(f.strategy)},
                        {"advice", std::move(advice)},
                        {"search", std::move(search)},
                        {"notes", f.notes},
                        {"note_paths", std::move(notes)},
                        {"campaigns", f.campaigns}});
  }
  Json errors = Json::array();
  for (const ScanError& e : report.errors) {
    errors.push_back({{"path", e.path.string()},
                      {"error", RenderEnglish(e.error)},
                      {"id", std::string(MessageIdName(e.error.id))}});
  }
  Json per_minute = Json::array();
  for (const auto& [minute, count] : report.per_minute) {
    per_minute.push_back({{"minute", IsoTime(minute)}, {"files", count}});
  }
  double rate = 0.0;
  if (report.first_encrypted_ns && report.last_encrypted_ns) {
    const double minutes = static_cast<double>(*report.last_encrypted_ns -
                                               *report.first_encrypted_ns) /
                           60e9;
    rate = static_cast<double>(report.count(ScanClass::kEncrypted)) /
           std::max(1.0, minutes);
  }
  Json by_folder = Json::array();
  for (const auto& [folder, count] : report.by_folder) {
    by_folder.push_back({{"folder", folder.string()}, {"encrypted", count}});
  }
  Json by_extension = Json::array();
  for (const auto& [extension, count] : report.by_extension) {
    by_extension.push_back({{"extension", extension}, {"files", count}});
  }
  Json roots = Json::array();
  for (const Path& root : report.roots) roots.push_back(root.string());
  Json document = {{"summary", std::move(summary)},
                   {"families", std::move(families)},
                   {"files", std::string(kFilesPlaceholder)},
                   {"errors", std::move(errors)},
                   {"timeline",
                    {{"first", TimeOrNull(report.first_encrypted_ns)},
                     {"last", TimeOrNull(report.last_encrypted_ns)},
                     {"files_per_minute", rate},
                     {"per_minute", std::move(per_minute)}}},
                   {"by_folder", std::move(by_folder)},
                   {"by_extension", std::move(by_extension)},
                   {"scanned",
                    {{"roots", std::move(roots)},
                     {"image", OrNull(report.image)},
                     {"kb_version", OrNull(report.kb_version)},
                     {"names_only", report.names_only},
                     {"bytes_read", report.bytes_read},
                     {"symlinks_skipped", report.symlinks_skipped},
                     {"duplicates_skipped", report.duplicates_skipped},
                     {"excluded", report.excluded},
                     {"other_file_systems", report.other_file_systems},
                     {"cancelled", report.cancelled}}}};
  std::string text =
      document.dump(2, ' ', false, Json::error_handler_t::replace);
  const std::string placeholder = Json(std::string(kFilesPlaceholder)).dump();
  const std::size_t at = text.find(placeholder);
  std::string files = "[";
  for (std::size_t i = 0; i < report.files.size(); ++i) {
    files += i == 0 ? "\n    " : ",\n    ";
    AppendFile(files, report.files[i]);
  }
  files += report.files.empty() ? "]" : "\n  ]";
  if (at != std::string::npos) text.replace(at, placeholder.size(), files);
  return text;
}

Result<std::vector<Path>> RecoverableFromScanJson(
    std::string_view json, std::string_view decryptor_id) {
  const Json document = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  // Issue 11's contract: a recover report has "summary" and "files" too,
  // but no "families" nor a summary of encrypted files.
  if (document.is_discarded() || !document.is_object() ||
      !document.contains("files") || !document["files"].is_array() ||
      !document.contains("families") || !document["families"].is_array() ||
      !document.contains("summary") || !document["summary"].is_object() ||
      !document["summary"].contains("encrypted")) {
    return InvalidArgumentError(
        "not a report of kintsugi scan --json (no \"summary\", "
        "\"families\" and \"files\")");
  }
  // The families whose keys a seed search finds: their files go too, and
  // the search starts from their times (each family's window is built
  // around its earliest file's modification time: the scan's timeline).
  std::set<std::string> searched;
  for (const Json& family : document["families"]) {
    if (!family.is_object()) continue;
    const auto name = family.find("family");
    const auto needs = family.find("needs");
    if (name == family.end() || !name->is_string() || needs == family.end() ||
        !needs->is_array()) {
      continue;
    }
    for (const Json& need : *needs) {
      if (need.is_string() && need.get<std::string>() == "seed-search") {
        searched.insert(name->get<std::string>());
      }
    }
  }
  std::vector<Path> paths;
  for (const Json& file : document["files"]) {
    if (!file.is_object() || !file.contains("path") ||
        !file["path"].is_string()) {
      return InvalidArgumentError("a file of the scan report has no path");
    }
    const auto recoverable = file.find("recoverable_now");
    const bool now = recoverable != file.end() && recoverable->is_boolean() &&
                     recoverable->get<bool>();
    const auto family = file.find("family");
    const auto decryptor = file.find("decryptor");
    const bool by_search = family != file.end() && family->is_string() &&
                           searched.count(family->get<std::string>()) > 0 &&
                           decryptor != file.end() && decryptor->is_string() &&
                           file.value("class", "") == "encrypted";
    const bool chosen = decryptor_id.empty() ||
                        (decryptor != file.end() && decryptor->is_string() &&
                         decryptor->get<std::string>() == decryptor_id);
    if ((now || by_search) && chosen) {
      paths.emplace_back(file["path"].get<std::string>());
    }
  }
  return paths;
}

}  // namespace kintsugi
