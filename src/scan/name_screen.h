#pragma once

// A names-only scan's screen (issue 11, "Benchmark"). Most files of a tree
// have ordinary names that no rule can match: no extension, file-name
// pattern or note name of the KB, no ending a decryptor takes by name, no
// ID, contact or address written into the name. Such a file's names-only
// verdict is "clean" without a triage, unless its folder's evidence names
// a family this build cannot decrypt (recover::TriageFile: every file of
// such a folder is that family's). The screen tells those names apart from
// the name alone, cheaply, so the walk counts them without a stat, a path
// or a triage; the scan asks the folder's evidence afterwards
// (scan.cpp).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/fs.h"
#include "recover/decryptor.h"
#include "recover/evidence.h"

namespace kintsugi::identify {
class CompiledKb;
}  // namespace kintsugi::identify

namespace kintsugi::scan {

// Whether nothing written into `name` is evidence by itself: no ID or
// contact (identify::ParseFileName: brackets, "id-", "id_"), no e-mail, URL,
// onion, wallet, Tox or victim ID (text::ExtractIndicators: '@', '/', runs
// of 14 or more letters and digits). Conservative: a name it refuses may
// still say nothing.
bool NameCarriesNothing(std::string_view name);

class NameScreen {
 public:
  // Nothing when a decryptor's probe may take a name of any ending
  // (DecryptorRun::NameSuffixes: --family forced, a side file's list of
  // names): then no name can be screened. `kb` may be null.
  static std::optional<NameScreen> Make(
      const identify::CompiledKb* kb,
      std::span<const recover::PreparedDecryptor> runs);

  // For the entries of one folder, whether each is a regular file whose
  // name the screen passes (false for folders, links and other entries).
  void Screen(std::span<const DirEntry> entries,
              std::vector<bool>& plain) const;

 private:
  const identify::CompiledKb* kb_ = nullptr;
  std::vector<std::string> suffixes_;  // Lower case.
};

}  // namespace kintsugi::scan
