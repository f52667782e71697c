// The MISP galaxy reader (docs/kb-format.md §10, steps 1-5): families and
// aliases, extensions, note names and note texts from
// misp-galaxy/clusters/ransomware.json. JSON goes through nlohmann, whose
// exceptions are caught here.

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kb/importer.h"
#include "kb/kb_format.h"
#include "kintsugi/limits.h"
#include "text/markup.h"

namespace kintsugi::kb::import {
namespace {

using internal::ToLower;
using Json = nlohmann::json;

constexpr std::size_t kMaxSourceJsonBytes = 64 * limits::kMiB;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// Name without a trailing " Ransomware" (kept otherwise as MISP spells it).
std::string CleanName(std::string_view value) {
  std::string name = Trim(value);
  for (std::string_view suffix :
       {" Ransomware", " ransomware", " Ransomsware"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
    }
  }
  return Trim(name);
}

// The first year (19xx or 20xx) in a free-text date.
std::string FirstYear(std::string_view text) {
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    std::string_view y = text.substr(i, 4);
    bool digits = std::all_of(y.begin(), y.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    bool boundary = (i == 0 || !IsAlnum(text[i - 1])) &&
                    (i + 4 == text.size() || !IsAlnum(text[i + 4]));
    if (digits && boundary && (y.starts_with("19") || y.starts_with("20"))) {
      return std::string(y);
    }
  }
  return {};
}

bool IsSimpleExtension(std::string_view token) {
  if (token.size() < 2 || token.size() > 41 || token[0] != '.') return false;
  return std::all_of(token.begin() + 1, token.end(), [](char c) {
    return IsAlnum(c) || c == '_' || c == '!' || c == '~' || c == '$' ||
           c == '-';
  });
}

// Cleans one MISP "extension" into zero or more ".ext" tokens (free text
// dropped; placeholder patterns reduced to their literal final extension).
std::vector<std::string> CleanExtensions(const std::string& raw,
                                         std::size_t* dropped) {
  std::vector<std::string> out;
  std::string text = Trim(raw);
  bool free_text = text.find(' ') != std::string::npos &&
                   text.find(", ") == std::string::npos;
  if (free_text) {
    ++*dropped;
    return out;
  }
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text + " ") {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty() && ToLower(current) != "or") {
        tokens.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  for (std::string token : tokens) {
    if (token.front() != '.' && token.size() <= 12 &&
        IsSimpleExtension("." + token)) {
      token = "." + token;
    }
    if (IsSimpleExtension(token)) {
      out.push_back(token);
      continue;
    }
    // ".[random].globe", ".id-[ID].[mail].xtbl": keep the literal tail.
    bool placeholder = token.find_first_of("[{(<*#") != std::string::npos;
    std::size_t dot = token.rfind('.');
    if (placeholder && dot != std::string::npos) {
      std::string ext = token.substr(dot);
      std::string lower_ext = ToLower(ext);
      if (ext.size() >= 3 && ext.size() <= 31 && IsSimpleExtension(ext) &&
          lower_ext != ".com" && lower_ext != ".org") {
        out.push_back(ext);
        continue;
      }
    }
    ++*dropped;
  }
  return out;
}

bool CleanNoteName(const std::string& raw, std::string* out) {
  std::string name = Trim(raw);
  if (name.empty() || name.size() > 80) return false;
  if (name.find_first_of("[]{}<>*\n\r\t|?") != std::string::npos) return false;
  if (name.find("e.g.") != std::string::npos) return false;
  if (name.find('.') == std::string::npos) return false;
  *out = name;
  return true;
}

// The strings under `key` of a MISP "meta" object (a string or a list).
std::vector<std::string> Strings(const Json& meta, std::string_view key) {
  std::vector<std::string> out;
  auto it = meta.find(key);
  if (it == meta.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string UuidOf(const Json& v) {
  return v.contains("uuid") && v["uuid"].is_string()
             ? v["uuid"].get<std::string>()
             : std::string();
}

// One MISP entry into its family's draft.
void ReadEntry(const Json& entry, Drafts& drafts, ImportReport* report) {
  const Json empty = Json::object();
  const Json& meta = entry.contains("meta") && entry["meta"].is_object()
                         ? entry["meta"]
                         : empty;
  std::string name = CleanName(entry["value"].get<std::string>());
  std::string slug = Slug(name);
  if (slug.empty()) return;
  std::string id = CanonicalId(slug);
  // Fold into a family that already has this name as an alias.
  if (!drafts.Contains(id)) {
    std::string owner = drafts.OwnerOf(slug);
    if (!owner.empty()) id = owner;
  }
  if (drafts.Contains(id)) ++report->merged_entries;
  Draft& draft = drafts.For(id);
  Source source{std::string(kMisp), UuidOf(entry)};
  AddSource(&draft.family.sources, source);
  if (draft.family.name.empty()) {
    draft.family.name = name;
  } else {
    AddUnique(&draft.family.aliases, name);
  }
  drafts.Claim(draft, name);
  for (const auto& synonym : Strings(meta, "synonyms")) {
    std::string alias = CleanName(synonym);
    if (alias.size() > 80) continue;
    AddUnique(&draft.family.aliases, alias);
    drafts.Claim(draft, alias);
  }
  for (const auto& ref : Strings(meta, "refs")) {
    AddUnique(&draft.family.references, ref);
  }
  std::vector<std::string> dates = Strings(meta, "date");
  std::string year = dates.empty() ? std::string() : FirstYear(dates.front());
  if (!year.empty() &&
      (draft.family.first_seen.empty() || year < draft.family.first_seen)) {
    draft.family.first_seen = year;
  }
  for (const auto& key : {"extensions", "extension"}) {
    for (const auto& raw : Strings(meta, key)) {
      for (const auto& ext :
           CleanExtensions(raw, &report->dropped_extensions)) {
        auto& slot = draft.exts[ToLower(ext)];
        if (slot.first.empty()) slot.first = ext;
        AddSource(&slot.second, source);
      }
      AddContacts(draft, raw, source);
    }
  }
  for (const auto& key : {"ransomnotes-filenames", "ransomnotes-files",
                          "ransomnotes-filesnames", "ransomenotes-files"}) {
    for (const auto& raw : Strings(meta, key)) {
      std::string note;
      if (!CleanNoteName(raw, &note)) continue;
      auto& slot = draft.notes[ToLower(note)];
      if (slot.first.empty()) slot.first = note;
      AddSource(&slot.second, source);
    }
  }
  std::size_t n = 0;
  for (const auto& key : {"ransomnotes", "ransomenotes"}) {
    for (const auto& note_text : Strings(meta, key)) {
      if (note_text.size() < 40 || note_text.size() > limits::kMaxNoteBytes) {
        continue;
      }
      // Already UTF-8 (JSON); only the markup goes.
      const std::string plain = text::PlainText(note_text);
      AddContacts(draft, plain, source);
      draft.note_texts.push_back(MakeNote(
          plain, source,
          "notes/" + draft.family.id + "/misp-" + source.entry.substr(0, 8) +
              "-" + std::to_string(n++) + ".txt",
          Bytes(note_text.begin(), note_text.end())));
    }
  }
}

}  // namespace

Status ReadMisp(FileSystem& fs, const Path& sources, Drafts& drafts,
                ImportReport* report) {
  Path path = sources / kMisp / "clusters/ransomware.json";
  KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                            ReadWholeFile(fs, path, kMaxSourceJsonBytes));
  Json doc;
  try {
    doc = Json::parse(bytes.begin(), bytes.end());
  } catch (const Json::exception& e) {
    return CorruptError(path.string() + ": " + e.what());
  }
  if (!doc.is_object() || !doc.contains("values") ||
      !doc["values"].is_array()) {
    return CorruptError(path.string() + ": no 'values' array");
  }
  // Entries sorted by uuid so the first claimant of a name is stable.
  std::vector<const Json*> entries;
  for (const auto& v : doc["values"]) {
    if (v.is_object() && v.contains("value") && v["value"].is_string()) {
      entries.push_back(&v);
    }
  }
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const Json* a, const Json* b) { return UuidOf(*a) < UuidOf(*b); });
  for (const Json* entry : entries) ReadEntry(*entry, drafts, report);
  return Status::Ok();
}

}  // namespace kintsugi::kb::import
