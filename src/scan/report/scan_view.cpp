// Reading the scan's JSON into the report's view (scan_view.h). The JSON
// library throws; nothing here lets it: every access checks the type first.

#include "scan/report/scan_view.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace kintsugi::scan_report {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kCount = "integer";
constexpr std::string_view kText = "string";
constexpr std::string_view kOptionalText = "null|string";
constexpr std::string_view kObject = "object";
constexpr std::string_view kArray = "array";
constexpr std::string_view kClasses = "encrypted|note|suspicious|clean";
constexpr std::string_view kNeeds =
    "null|string|{\"id\", \"args\"}|array of them";

std::optional<FileClass> ClassNamed(std::string_view name) {
  if (name == "encrypted") return FileClass::kEncrypted;
  if (name == "note") return FileClass::kNote;
  if (name == "suspicious") return FileClass::kSuspicious;
  if (name == "clean") return FileClass::kClean;
  return std::nullopt;
}

// The id named `name` (docs/messages.md), or kCount.
MessageId IdNamed(std::string_view name) {
  static const auto* const ids = [] {
    auto* map = new std::unordered_map<std::string_view, MessageId>();
    for (std::size_t i = 0; i < static_cast<std::size_t>(MessageId::kCount);
         ++i) {
      const auto id = static_cast<MessageId>(i);
      map->emplace(MessageIdName(id), id);
    }
    return map;
  }();
  const auto it = ids->find(name);
  return it == ids->end() ? MessageId::kCount : it->second;
}

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string Indexed(std::string_view field, std::size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

std::string Dotted(std::string_view field, std::string_view key) {
  return std::string(field) + "." + std::string(key);
}

// A message of the JSON shape report_json writes ({"id", "args"}), whose
// arguments are text, integers or messages; nullopt when it is not one.
std::optional<Message> MessageFromJson(const Json& json, int depth) {
  if (depth > 8 || !json.is_object()) return std::nullopt;
  const Json* id = Member(json, "id");
  const Json* args = Member(json, "args");
  if (id == nullptr || !id->is_string()) return std::nullopt;
  Message message;
  message.id = IdNamed(id->get_ref<const std::string&>());
  if (message.id == MessageId::kCount) return std::nullopt;
  if (args == nullptr) return message;
  if (!args->is_object()) return std::nullopt;
  for (const auto& [name, value] : args->items()) {
    if (value.is_string()) {
      message.args.push_back({name, value.get<std::string>()});
    } else if (value.is_number_integer() &&
               !(value.is_number_unsigned() &&
                 value.get<std::uint64_t>() >
                     static_cast<std::uint64_t>(
                         std::numeric_limits<std::int64_t>::max()))) {
      message.args.push_back({name, value.get<std::int64_t>()});
    } else if (value.is_array()) {
      std::vector<Message> nested;
      for (const Json& item : value) {
        std::optional<Message> inner = MessageFromJson(item, depth + 1);
        if (!inner) return std::nullopt;
        nested.push_back(std::move(*inner));
      }
      message.args.push_back({name, std::move(nested)});
    } else {
      return std::nullopt;
    }
  }
  return message;
}

class Reader {
 public:
  Reader(const MessageCatalog& catalog, std::size_t rows)
      : catalog_(catalog), rows_(rows) {}

  Result<ScanView> Read(const Json& scan);

 private:
  Status Bad(std::string field, std::string_view expected) const {
    return InvalidArgumentError(Render(
        Message{
            MessageId::kScanReportBadField,
            {{"field", std::move(field)}, {"expected", std::string(expected)}}},
        catalog_));
  }

  // A required count (a non-negative integer that fits 64 bits).
  Result<std::int64_t> Count(const Json* value, std::string field) const {
    if (value == nullptr || !value->is_number_integer()) {
      return Bad(std::move(field), kCount);
    }
    if (value->is_number_unsigned()) {
      const auto n = value->get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(
                  std::numeric_limits<std::int64_t>::max())) {
        return Bad(std::move(field), kCount);
      }
      return static_cast<std::int64_t>(n);
    }
    const auto n = value->get<std::int64_t>();
    if (n < 0) return Bad(std::move(field), kCount);
    return n;
  }

  // Text; null or absent is "" where `optional`.
  Result<std::string> Text(const Json* value, std::string field,
                           bool optional) const {
    if (value != nullptr && value->is_string()) {
      return value->get<std::string>();
    }
    if (optional && (value == nullptr || value->is_null())) {
      return std::string();
    }
    return Bad(std::move(field), optional ? kOptionalText : kText);
  }

  // A boolean; absent or null is false.
  Result<bool> Flag(const Json* value, std::string field) const {
    if (value == nullptr || value->is_null()) return false;
    if (!value->is_boolean()) return Bad(std::move(field), "boolean");
    return value->get<bool>();
  }

  Result<std::string> Needs(const Json* value, std::string field) const;
  Status ReadSummary(const Json& scan, ScanView& view) const;
  Status ReadFamilies(const Json& scan, ScanView& view) const;
  Status ReadFiles(const Json& scan, ScanView& view, bool count_folders,
                   bool count_extensions, bool count_minutes) const;
  Status ReadErrors(const Json& scan, ScanView& view) const;
  Status ReadCharts(const Json& scan, ScanView& view, bool& has_folders,
                    bool& has_extensions, bool& has_minutes) const;
  Status ReadLabelCounts(const Json& list, std::string_view field,
                         std::string_view label_key, std::string_view count_key,
                         std::vector<LabelCount>& out) const;
  Status ReadScanned(const Json& scan, ScanView& view) const;

  const MessageCatalog& catalog_;
  std::size_t rows_;
};

// The words for a need the scan names by a token (docs/cli.md "scan"); any
// other text is shown as it is.
std::string NeedText(const std::string& need, const MessageCatalog& catalog) {
  MessageId id = MessageId::kCount;
  if (need == "key-in-store") id = MessageId::kScanReportNeedKeyInStore;
  if (need == "original-file") id = MessageId::kScanReportNeedOriginalFile;
  if (need == "seed-search") id = MessageId::kScanReportNeedSeedSearch;
  return id == MessageId::kCount ? need : Render(Message{id, {}}, catalog);
}

Result<std::string> Reader::Needs(const Json* value, std::string field) const {
  if (value == nullptr || value->is_null()) return std::string();
  if (value->is_string()) return NeedText(value->get<std::string>(), catalog_);
  std::vector<const Json*> items;
  if (value->is_array()) {
    for (const Json& item : *value) items.push_back(&item);
  } else {
    items.push_back(value);
  }
  std::string out;
  for (const Json* item : items) {
    std::string text;
    if (item->is_string()) {
      text = NeedText(item->get<std::string>(), catalog_);
    } else if (std::optional<Message> message = MessageFromJson(*item, 0)) {
      text = Render(*message, catalog_);
    } else {
      return Bad(std::move(field), kNeeds);
    }
    if (!out.empty() && !text.empty()) out += "; ";
    out += text;
  }
  return out;
}

Status Reader::ReadSummary(const Json& scan, ScanView& view) const {
  const Json* summary = Member(scan, "summary");
  if (summary == nullptr || !summary->is_object()) {
    return Bad("summary", kObject);
  }
  KINTSUGI_ASSIGN_OR_RETURN(view.files,
                            Count(Member(*summary, "files"), "summary.files"));
  KINTSUGI_ASSIGN_OR_RETURN(view.encrypted, Count(Member(*summary, "encrypted"),
                                                  "summary.encrypted"));
  KINTSUGI_ASSIGN_OR_RETURN(view.notes,
                            Count(Member(*summary, "notes"), "summary.notes"));
  KINTSUGI_ASSIGN_OR_RETURN(
      view.suspicious,
      Count(Member(*summary, "suspicious"), "summary.suspicious"));
  KINTSUGI_ASSIGN_OR_RETURN(view.clean,
                            Count(Member(*summary, "clean"), "summary.clean"));
  const Json* by_family = Member(*summary, "by_family");
  if (by_family == nullptr || !by_family->is_object()) {
    return Bad("summary.by_family", kObject);
  }
  for (const auto& [family, count] : by_family->items()) {
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::int64_t files,
        Count(&count, Dotted("summary.by_family", family)));
    view.by_family.push_back({family, files});
  }
  KINTSUGI_ASSIGN_OR_RETURN(view.first_encrypted,
                            Text(Member(*summary, "first_encrypted"),
                                 "summary.first_encrypted", true));
  KINTSUGI_ASSIGN_OR_RETURN(
      view.last_encrypted,
      Text(Member(*summary, "last_encrypted"), "summary.last_encrypted", true));
  return Status::Ok();
}

Status Reader::ReadFamilies(const Json& scan, ScanView& view) const {
  const Json* families = Member(scan, "families");
  if (families == nullptr || !families->is_array()) {
    return Bad("families", kArray);
  }
  for (std::size_t i = 0; i < families->size(); ++i) {
    const Json& entry = (*families)[i];
    const std::string field = Indexed("families", i);
    if (!entry.is_object()) return Bad(field, kObject);
    FamilyRow row;
    KINTSUGI_ASSIGN_OR_RETURN(row.family, Text(Member(entry, "family"),
                                               Dotted(field, "family"), false));
    KINTSUGI_ASSIGN_OR_RETURN(
        row.files, Count(Member(entry, "files"), Dotted(field, "files")));
    KINTSUGI_ASSIGN_OR_RETURN(
        row.decryptor,
        Text(Member(entry, "decryptor"), Dotted(field, "decryptor"), true));
    KINTSUGI_ASSIGN_OR_RETURN(row.recoverable_now,
                              Count(Member(entry, "recoverable_now"),
                                    Dotted(field, "recoverable_now")));
    KINTSUGI_ASSIGN_OR_RETURN(
        row.needs, Needs(Member(entry, "needs"), Dotted(field, "needs")));
    // The scan's own sentences about the family (what its decryptor needs,
    // why it has none) follow the needs.
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::string advice,
        Needs(Member(entry, "advice"), Dotted(field, "advice")));
    if (!advice.empty()) {
      row.needs += (row.needs.empty() ? "" : "; ") + advice;
    }
    // A seed search's cost, as the scan measured it (null for others).
    if (const Json* search = Member(entry, "search");
        search != nullptr && !search->is_null()) {
      if (!search->is_object()) return Bad(Dotted(field, "search"), kObject);
      KINTSUGI_ASSIGN_OR_RETURN(
          const std::string plan,
          Text(Member(*search, "plan"), Dotted(field, "search.plan"), true));
      if (!plan.empty()) row.needs += (row.needs.empty() ? "" : "; ") + plan;
    }
    view.families.push_back(std::move(row));
  }
  return Status::Ok();
}

std::string FolderOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

// ".jpg" of "/a/b.JPG" (ASCII letters lowercased), "" for none.
std::string ExtensionOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  std::string extension(name.substr(dot));
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return extension;
}

std::vector<LabelCount> MostFirst(
    const std::map<std::string, std::int64_t>& counts) {
  std::vector<LabelCount> out;
  out.reserve(counts.size());
  for (const auto& [label, count] : counts) out.push_back({label, count});
  std::stable_sort(out.begin(), out.end(),
                   [](const LabelCount& a, const LabelCount& b) {
                     return a.count > b.count;
                   });
  return out;
}

Status Reader::ReadFiles(const Json& scan, ScanView& view, bool count_folders,
                         bool count_extensions, bool count_minutes) const {
  const Json* files = Member(scan, "files");
  if (files == nullptr || !files->is_array()) return Bad("files", kArray);
  std::map<std::string, std::int64_t> folders;
  std::map<std::string, std::int64_t> extensions;
  std::map<std::int64_t, std::int64_t> minutes;
  for (std::size_t i = 0; i < files->size(); ++i) {
    const Json& entry = (*files)[i];
    const std::string field = Indexed("files", i);
    if (!entry.is_object()) return Bad(field, kObject);
    const Json* path = Member(entry, "path");
    if (path == nullptr || !path->is_string()) {
      return Bad(Dotted(field, "path"), kText);
    }
    const Json* class_name = Member(entry, "class");
    const std::optional<FileClass> file_class =
        class_name != nullptr && class_name->is_string()
            ? ClassNamed(class_name->get_ref<const std::string&>())
            : std::nullopt;
    if (!file_class) return Bad(Dotted(field, "class"), kClasses);
    KINTSUGI_ASSIGN_OR_RETURN(
        std::string family,
        Text(Member(entry, "family"), Dotted(field, "family"), true));
    std::optional<std::int64_t> size;
    if (const Json* s = Member(entry, "size"); s != nullptr && !s->is_null()) {
      KINTSUGI_ASSIGN_OR_RETURN(size, Count(s, Dotted(field, "size")));
    }
    KINTSUGI_ASSIGN_OR_RETURN(
        std::string mtime,
        Text(Member(entry, "mtime"), Dotted(field, "mtime"), true));
    std::optional<std::int64_t> intact;
    if (const Json* bytes = Member(entry, "intact_bytes");
        bytes != nullptr && !bytes->is_null()) {
      KINTSUGI_ASSIGN_OR_RETURN(intact,
                                Count(bytes, Dotted(field, "intact_bytes")));
    }
    KINTSUGI_ASSIGN_OR_RETURN(const bool at_least,
                              Flag(Member(entry, "intact_at_least"),
                                   Dotted(field, "intact_at_least")));
    const std::string& path_text = path->get_ref<const std::string&>();
    const bool encrypted = *file_class == FileClass::kEncrypted;
    if (encrypted && count_folders) ++folders[FolderOf(path_text)];
    if (encrypted && count_extensions) ++extensions[ExtensionOf(path_text)];
    if (encrypted && count_minutes) {
      if (const std::optional<std::int64_t> minute = EpochMinute(mtime)) {
        ++minutes[*minute];
      }
    }
    FileList& list = view.lists[static_cast<std::size_t>(*file_class)];
    ++list.total;
    if (list.shown.size() < rows_) {
      list.shown.push_back({path_text, std::move(family), size,
                            std::move(mtime), intact, at_least});
    }
  }
  if (count_folders) view.by_folder = MostFirst(folders);
  if (count_extensions) view.by_extension = MostFirst(extensions);
  if (count_minutes) view.per_minute.assign(minutes.begin(), minutes.end());
  return Status::Ok();
}

Status Reader::ReadErrors(const Json& scan, ScanView& view) const {
  const Json* errors = Member(scan, "errors");
  if (errors == nullptr || !errors->is_array()) return Bad("errors", kArray);
  for (std::size_t i = 0; i < errors->size(); ++i) {
    const Json& entry = (*errors)[i];
    const std::string field = Indexed("errors", i);
    if (!entry.is_object()) return Bad(field, kObject);
    ErrorRow row;
    KINTSUGI_ASSIGN_OR_RETURN(
        row.path, Text(Member(entry, "path"), Dotted(field, "path"), false));
    KINTSUGI_ASSIGN_OR_RETURN(
        row.error, Text(Member(entry, "error"), Dotted(field, "error"), false));
    ++view.error_count;
    if (view.errors.size() < rows_) view.errors.push_back(std::move(row));
  }
  return Status::Ok();
}

Status Reader::ReadLabelCounts(const Json& list, std::string_view field,
                               std::string_view label_key,
                               std::string_view count_key,
                               std::vector<LabelCount>& out) const {
  if (!list.is_array()) return Bad(std::string(field), kArray);
  std::map<std::string, std::int64_t> counts;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& entry = list[i];
    const std::string item = Indexed(field, i);
    if (!entry.is_object()) return Bad(item, kObject);
    KINTSUGI_ASSIGN_OR_RETURN(
        std::string label,
        Text(Member(entry, label_key), Dotted(item, label_key), true));
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::int64_t count,
        Count(Member(entry, count_key), Dotted(item, count_key)));
    counts[std::move(label)] += count;
  }
  out = MostFirst(counts);
  return Status::Ok();
}

Status Reader::ReadCharts(const Json& scan, ScanView& view, bool& has_folders,
                          bool& has_extensions, bool& has_minutes) const {
  if (const Json* folders = Member(scan, "by_folder")) {
    has_folders = true;
    KINTSUGI_RETURN_IF_ERROR(ReadLabelCounts(*folders, "by_folder", "folder",
                                             "encrypted", view.by_folder));
  }
  if (const Json* extensions = Member(scan, "by_extension")) {
    has_extensions = true;
    KINTSUGI_RETURN_IF_ERROR(ReadLabelCounts(
        *extensions, "by_extension", "extension", "files", view.by_extension));
  }
  const Json* timeline = Member(scan, "timeline");
  if (timeline == nullptr || timeline->is_null()) return Status::Ok();
  if (!timeline->is_object()) return Bad("timeline", kObject);
  const Json* per_minute = Member(*timeline, "per_minute");
  if (per_minute == nullptr) return Status::Ok();
  if (!per_minute->is_array()) return Bad("timeline.per_minute", kArray);
  has_minutes = true;
  std::map<std::int64_t, std::int64_t> minutes;
  for (std::size_t i = 0; i < per_minute->size(); ++i) {
    const Json& entry = (*per_minute)[i];
    const std::string item = Indexed("timeline.per_minute", i);
    if (!entry.is_object()) return Bad(item, kObject);
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::string minute,
        Text(Member(entry, "minute"), Dotted(item, "minute"), false));
    KINTSUGI_ASSIGN_OR_RETURN(
        const std::int64_t files,
        Count(Member(entry, "files"), Dotted(item, "files")));
    // A time the report cannot place is left out of the chart, not fatal.
    if (const std::optional<std::int64_t> at = EpochMinute(minute)) {
      minutes[*at] += files;
    }
  }
  view.per_minute.assign(minutes.begin(), minutes.end());
  if (view.first_encrypted.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(
        view.first_encrypted,
        Text(Member(*timeline, "first"), "timeline.first", true));
  }
  if (view.last_encrypted.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(
        view.last_encrypted,
        Text(Member(*timeline, "last"), "timeline.last", true));
  }
  return Status::Ok();
}

Status Reader::ReadScanned(const Json& scan, ScanView& view) const {
  const Json* scanned = Member(scan, "scanned");
  if (scanned == nullptr || scanned->is_null()) return Status::Ok();
  if (!scanned->is_object()) return Bad("scanned", kObject);
  if (const Json* roots = Member(*scanned, "roots");
      roots != nullptr && !roots->is_null()) {
    if (!roots->is_array()) return Bad("scanned.roots", kArray);
    for (std::size_t i = 0; i < roots->size(); ++i) {
      KINTSUGI_ASSIGN_OR_RETURN(
          std::string root,
          Text(&(*roots)[i], Indexed("scanned.roots", i), false));
      view.roots.push_back(std::move(root));
    }
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      view.image, Text(Member(*scanned, "image"), "scanned.image", true));
  KINTSUGI_ASSIGN_OR_RETURN(
      view.cancelled, Flag(Member(*scanned, "cancelled"), "scanned.cancelled"));
  KINTSUGI_ASSIGN_OR_RETURN(
      view.names_only,
      Flag(Member(*scanned, "names_only"), "scanned.names_only"));
  KINTSUGI_ASSIGN_OR_RETURN(
      view.kb_version,
      Text(Member(*scanned, "kb_version"), "scanned.kb_version", true));
  return Status::Ok();
}

Result<ScanView> Reader::Read(const Json& scan) {
  if (!scan.is_object()) return Bad("(the document)", kObject);
  ScanView view;
  KINTSUGI_RETURN_IF_ERROR(ReadSummary(scan, view));
  KINTSUGI_RETURN_IF_ERROR(ReadFamilies(scan, view));
  bool has_folders = false;
  bool has_extensions = false;
  bool has_minutes = false;
  KINTSUGI_RETURN_IF_ERROR(
      ReadCharts(scan, view, has_folders, has_extensions, has_minutes));
  KINTSUGI_RETURN_IF_ERROR(
      ReadFiles(scan, view, !has_folders, !has_extensions, !has_minutes));
  KINTSUGI_RETURN_IF_ERROR(ReadErrors(scan, view));
  KINTSUGI_RETURN_IF_ERROR(ReadScanned(scan, view));
  const auto most_first = [](const auto& a, const auto& b) {
    return a.files > b.files;
  };
  std::stable_sort(view.families.begin(), view.families.end(), most_first);
  std::stable_sort(view.by_family.begin(), view.by_family.end(),
                   [](const LabelCount& a, const LabelCount& b) {
                     return a.count > b.count;
                   });
  return view;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

Result<ScanView> ReadScan(const nlohmann::json& scan,
                          const MessageCatalog& catalog,
                          std::size_t rows_per_list) {
  return Reader(catalog, rows_per_list).Read(scan);
}

std::optional<std::int64_t> EpochMinute(std::string_view iso_time) {
  // YYYY-MM-DDTHH:MM (a space instead of the T is accepted).
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd";
  if (iso_time.size() < kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = iso_time[i];
    const bool ok = kShape[i] == 'd'   ? (c >= '0' && c <= '9')
                    : kShape[i] == 'T' ? (c == 'T' || c == ' ')
                                       : c == kShape[i];
    if (!ok) return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t length) {
    std::int64_t n = 0;
    for (std::size_t i = at; i < at + length; ++i)
      n = n * 10 + (iso_time[i] - '0');
    return n;
  };
  const std::int64_t month = number(5, 2);
  const std::int64_t day = number(8, 2);
  const std::int64_t hour = number(11, 2);
  const std::int64_t minute = number(14, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59) {
    return std::nullopt;
  }
  return DaysFromCivil(number(0, 4), month, day) * 1440 + hour * 60 + minute;
}

std::string MinuteText(std::int64_t epoch_minute) {
  // H. Hinnant's civil_from_days.
  std::int64_t days = epoch_minute / 1440;
  std::int64_t rest = epoch_minute % 1440;
  if (rest < 0) {
    rest += 1440;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe =
      (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char text[112];  // Room for any 64-bit fields (-Wformat-truncation).
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld %02lld:%02lld",
                static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d), static_cast<long long>(rest / 60),
                static_cast<long long>(rest % 60));
  return text;
}

}  // namespace kintsugi::scan_report
