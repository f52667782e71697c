// Loading a KB folder (docs/kb-format.md §1): family files, the allow list,
// the disable list and the reference notes, all read through the FileSystem
// interface and bounded by limits.h.

#include <algorithm>
#include <set>

#include "kb/kb_format.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"

namespace kintsugi::kb {
namespace internal {
namespace {

constexpr std::string_view kAllowListFile = "allow-list.yaml";
constexpr std::string_view kDisabledFile = "disabled.yaml";
constexpr std::string_view kGroupsFile = "groups.yaml";
constexpr std::string_view kNotesPrefix = "notes/";

bool IsFamilyFile(std::string_view path) {
  return path.find('/') == std::string_view::npos && path.ends_with(".yaml") &&
         path != kAllowListFile && path != kDisabledFile && path != kGroupsFile;
}

// Retracts the families and rules named in the disable list
// (docs/kb-format.md §7).
void ApplyDisabled(KnowledgeBase* kb) {
  std::set<std::string, std::less<>> whole;
  std::set<std::pair<std::string, std::string>> rules;
  for (const auto& entry : kb->disabled) {
    std::size_t slash = entry.find('/');
    if (slash == std::string::npos) {
      whole.insert(entry);
    } else {
      rules.emplace(entry.substr(0, slash), entry.substr(slash + 1));
    }
  }
  for (auto& family : kb->families) {
    if (whole.contains(family.id)) family.disabled = true;
    std::erase_if(family.rules, [&](const Rule& rule) {
      return rules.contains({family.id, rule.id});
    });
  }
}

}  // namespace

Result<KnowledgeBase> LoadFromFiles(const std::vector<KbFile>& files,
                                    const std::string& display_root) {
  KnowledgeBase kb;
  std::size_t rule_count = 0;
  for (const auto& file : files) {
    const std::string shown = display_root + file.path;
    if (file.data.size() > limits::kMaxKbFileBytes &&
        !file.path.starts_with(kNotesPrefix)) {
      return ResourceExhaustedError(shown +
                                    ":1: larger than limits::kMaxKbFileBytes");
    }
    if (file.path.starts_with(kNotesPrefix)) {
      if (file.data.size() > limits::kMaxNoteBytes) {
        return ResourceExhaustedError(shown +
                                      ":1: larger than limits::kMaxNoteBytes");
      }
      kb.note_texts.emplace(file.path, file.data.ToBytes());
      continue;
    }
    if (file.path == kAllowListFile) {
      KINTSUGI_RETURN_IF_ERROR(ParseAllowList(
          file.data.AsChars(), shown, &kb.allow_list, &kb.allow_contacts));
      continue;
    }
    if (file.path == kDisabledFile) {
      KINTSUGI_RETURN_IF_ERROR(
          ParseDisabledList(file.data.AsChars(), shown, &kb.disabled));
      continue;
    }
    if (file.path == kGroupsFile) {
      KINTSUGI_RETURN_IF_ERROR(
          ParseGroups(file.data.AsChars(), shown, &kb.groups));
      continue;
    }
    if (!IsFamilyFile(file.path)) continue;
    if (kb.families.size() >= limits::kMaxKbFamilies) {
      return ResourceExhaustedError(
          shown + ":1: more families than limits::kMaxKbFamilies");
    }
    KINTSUGI_ASSIGN_OR_RETURN(Family family,
                              ParseFamily(file.data.AsChars(), shown));
    std::string expected = family.id + ".yaml";
    if (file.path != expected) {
      return CorruptError(shown + ":" + std::to_string(family.where.line) +
                          ": family id '" + family.id +
                          "' does not match the file name (expected " +
                          expected + ")");
    }
    // Rules for a newer engine are skipped, not misread (kb-format.md §6).
    std::size_t skipped = std::erase_if(family.rules, [](const Rule& rule) {
      return !rule.min_engine.empty() && IsNewerThanEngine(rule.min_engine);
    });
    if (skipped > 0) {
      Log(LogLevel::kInfo, "{}: skipped {} rule(s) for a newer engine", shown,
          skipped);
      kb.skipped_rules += skipped;
    }
    rule_count += family.rules.size();
    if (rule_count > limits::kMaxKbRules) {
      return ResourceExhaustedError(shown +
                                    ":1: more rules than limits::kMaxKbRules");
    }
    kb.families.push_back(std::move(family));
  }
  std::sort(kb.families.begin(), kb.families.end(),
            [](const Family& a, const Family& b) { return a.id < b.id; });
  ApplyDisabled(&kb);
  return kb;
}

}  // namespace internal

namespace {

// Lists `dir` and its "notes/<family>/" subfolders (the only nesting the
// format has), as paths relative to `root`.
Status ListKbFiles(FileSystem& fs, const Path& root, const std::string& rel,
                   int depth, std::vector<std::string>* out) {
  KINTSUGI_ASSIGN_OR_RETURN(auto entries, fs.ListDir(root / rel));
  for (const auto& entry : entries) {
    std::string path = rel.empty() ? entry.name : rel + "/" + entry.name;
    if (entry.type == FileType::kRegular) {
      out->push_back(path);
    } else if (entry.type == FileType::kDirectory && depth < 2 &&
               (depth > 0 || entry.name == "notes")) {
      KINTSUGI_RETURN_IF_ERROR(ListKbFiles(fs, root, path, depth + 1, out));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<KnowledgeBase> LoadKnowledgeBase(FileSystem& fs, const Path& dir) {
  std::vector<std::string> paths;
  KINTSUGI_RETURN_IF_ERROR(ListKbFiles(fs, dir, "", 0, &paths));
  std::vector<Bytes> contents;
  contents.reserve(paths.size());
  std::vector<internal::KbFile> files;
  files.reserve(paths.size());
  std::string display = dir.string();
  if (!display.empty() && display.back() != '/') display += '/';
  for (const auto& path : paths) {
    bool is_note = path.starts_with("notes/");
    bool is_yaml = path.ends_with(".yaml") && !is_note;
    if (!is_note && !is_yaml) continue;
    std::size_t max = is_note ? limits::kMaxNoteBytes : limits::kMaxKbFileBytes;
    auto bytes = ReadWholeFile(fs, dir / path, max);
    if (!bytes.has_value()) {
      return bytes.error().WithContext(display + path + ": ");
    }
    contents.push_back(std::move(*bytes));
    files.push_back({path, ByteView(contents.back())});
  }
  KINTSUGI_ASSIGN_OR_RETURN(KnowledgeBase kb,
                            internal::LoadFromFiles(files, display));
  kb.root = dir;
  Log(LogLevel::kInfo, "kb: loaded {} families from {}", kb.families.size(),
      display);
  return kb;
}

const Group* FindGroup(const KnowledgeBase& kb, std::string_view family) {
  for (const Group& group : kb.groups) {
    if (std::find(group.members.begin(), group.members.end(), family) !=
        group.members.end()) {
      return &group;
    }
  }
  return nullptr;
}

const Family* FindFamily(const KnowledgeBase& kb, std::string_view name) {
  std::string wanted = internal::ToLower(name);
  for (const auto& family : kb.families) {
    if (family.id == wanted || internal::ToLower(family.name) == wanted) {
      return &family;
    }
  }
  for (const auto& family : kb.families) {
    for (const auto& alias : family.aliases) {
      if (internal::ToLower(alias) == wanted) return &family;
    }
  }
  return nullptr;
}

}  // namespace kintsugi::kb
