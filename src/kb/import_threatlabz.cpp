// The ThreatLabz notes reader (docs/kb-format.md §10, steps 3 and 5): real
// ransom notes, one folder per family, decoded and stripped by the text
// library as identify reads a note.

#include <algorithm>

#include "kb/importer.h"
#include "kb/kb_format.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "text/decode.h"
#include "text/markup.h"

namespace kintsugi::kb::import {
namespace {

using internal::ToLower;

// A ThreatLabz file name the collector made up ("conti1.txt",
// "akira_readme_2.txt"), not the note's real name.
bool IsMadeUpNoteName(const std::string& folder, const std::string& file) {
  std::string stem = ToLower(file.substr(0, file.rfind('.')));
  if (stem.find('[') != std::string::npos) return true;
  if (!stem.starts_with(folder)) return false;
  std::string_view rest = std::string_view(stem).substr(folder.size());
  auto skip_filler = [&rest] {
    while (!rest.empty() &&
           (std::isdigit(static_cast<unsigned char>(rest.front())) != 0 ||
            rest.front() == '_' || rest.front() == ' ' ||
            rest.front() == '-')) {
      rest.remove_prefix(1);
    }
  };
  skip_filler();
  for (std::string_view word : {"readme", "note", "v"}) {
    if (rest.starts_with(word)) {
      rest.remove_prefix(word.size());
      break;
    }
  }
  skip_filler();
  return rest.empty();
}

// A note file name as we store it under kb/notes/<id>/.
std::string SafeFileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (out.empty()) out = "note";
  return out;
}

// Copies a held-back note to DIR/<id>/ (an identical earlier copy is fine).
Status HoldOut(FileSystem& fs, const Path& hold_out, const std::string& id,
               const std::string& name, ByteView bytes) {
  Path dir = hold_out / id;
  KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(dir));
  Status written = WriteNewFile(fs, dir / SafeFileName(name), bytes, 0644);
  if (!written.ok() && written.code() != StatusCode::kAlreadyExists) {
    return written;
  }
  return Status::Ok();
}

}  // namespace

Status ReadThreatLabz(FileSystem& fs, const ImportOptions& options,
                      Drafts& drafts, ImportReport* report) {
  Path root = options.sources / kThreatLabz;
  KINTSUGI_ASSIGN_OR_RETURN(auto folders, fs.ListDir(root));
  for (const auto& folder : folders) {
    if (folder.type != FileType::kDirectory) continue;
    Draft* found = drafts.ForFolder(folder.name, report);
    if (found == nullptr) continue;
    Draft& draft = *found;
    const std::string& id = draft.family.id;
    AddSource(&draft.family.sources,
              {std::string(kThreatLabz), folder.name + "/"});
    KINTSUGI_ASSIGN_OR_RETURN(auto files, fs.ListDir(root / folder.name));
    std::vector<std::string> names;
    for (const auto& f : files) {
      if (f.type == FileType::kRegular) names.push_back(f.name);
    }
    std::sort(names.begin(), names.end());
    bool hold = !options.hold_out.empty() && names.size() >= 2;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (name.ends_with(".pdf")) continue;
      auto bytes =
          ReadWholeFile(fs, root / folder.name / name, limits::kMaxNoteBytes);
      if (!bytes.has_value()) {
        Log(LogLevel::kWarning, "kb import: skipping a note: {}",
            bytes.error().ToString());
        continue;
      }
      if (hold && i + 1 == names.size()) {
        KINTSUGI_RETURN_IF_ERROR(
            HoldOut(fs, options.hold_out, id, name, *bytes));
        ++report->held_out_notes;
        continue;
      }
      Source source{std::string(kThreatLabz), folder.name + "/" + name};
      const std::string plain =
          text::PlainText(text::DecodeText(ByteView(*bytes)).utf8);
      AddContacts(draft, plain, source);
      draft.note_texts.push_back(
          MakeNote(plain, source, "notes/" + id + "/" + SafeFileName(name),
                   std::move(*bytes)));
      if (!IsMadeUpNoteName(ToLower(folder.name), name) &&
          name.find_first_of("[]") == std::string::npos) {
        auto& slot = draft.notes[ToLower(name)];
        if (slot.first.empty()) slot.first = name;
        AddSource(&slot.second, source);
      }
    }
  }
  return Status::Ok();
}

}  // namespace kintsugi::kb::import
