// The rivitna contacts reader (docs/kb-format.md §10, step 4): attacker
// contact lists, <Family>/attackers.txt, read with the indicator
// extraction identify uses on notes.

#include "kb/importer.h"
#include "kintsugi/limits.h"
#include "text/decode.h"

namespace kintsugi::kb::import {

Status ReadRivitna(FileSystem& fs, const Path& sources, Drafts& drafts,
                   ImportReport* report) {
  Path root = sources / kRivitna;
  KINTSUGI_ASSIGN_OR_RETURN(auto folders, fs.ListDir(root));
  for (const auto& folder : folders) {
    if (folder.type != FileType::kDirectory) continue;
    auto bytes = ReadWholeFile(fs, root / folder.name / "attackers.txt",
                               limits::kMaxNoteBytes);
    if (!bytes.has_value()) continue;
    Draft* draft = drafts.ForFolder(folder.name, report);
    if (draft == nullptr) continue;
    Source source{std::string(kRivitna), folder.name + "/attackers.txt"};
    AddSource(&draft->family.sources, source);
    AddContacts(*draft, text::DecodeText(ByteView(*bytes)).utf8, source);
  }
  return Status::Ok();
}

}  // namespace kintsugi::kb::import
