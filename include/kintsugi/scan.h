#pragma once

// Scan: the triage of a whole tree (issue 11, docs/cli.md "scan"). After an
// attack the responder asks how many files are hit, by what, since when,
// where the notes are, and what can be recovered today. RunScan answers
// from each file's name and bounded head/tail bytes (never the whole file,
// each file read at most once), reusing recover's walker and triage
// (src/recover/walker.h, evidence.h) rather than a classifier of its own.
//
// It reads through a ReadOnlyFileSystem, so the same scan runs over a
// folder, the in-memory file system of the tests, or a disk image.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"

namespace kintsugi {

namespace identify {
class CompiledKb;  // kintsugi/identify.h
}  // namespace identify
class KeyStore;  // kintsugi/store.h

// What a file is. The names (ScanClassName) reach users in JSON; append
// only.
enum class ScanClass : std::uint8_t {
  kEncrypted,   // Encrypted by a known family (a decryptor's probe or
                // identify's markers and names say which).
  kNote,        // A ransom note (of a family when identify names one).
  kSuspicious,  // High-entropy content of no known family or format:
                // possibly encrypted.
  kClean,       // Nothing of the above (an ordinary or empty file).
};
inline constexpr std::size_t kScanClassCount = 4;

// "encrypted", "note", "suspicious", "clean".
std::string_view ScanClassName(ScanClass klass);

struct ScanOptions {
  // Files or folders. Folders are walked without following symbolic links
  // (unless follow_symlinks); loops and unreadable folders are reported in
  // ScanReport::errors, never fatal.
  std::vector<Path> paths;
  // The compiled knowledge base: ransom notes, and families this build has
  // no decryptor for. Null: decryptors' probes alone (no notes found).
  std::shared_ptr<const identify::CompiledKb> kb;
  // The key store, to tell which key-lookup files are recoverable now (a
  // key for their ID is stored). Asked from one thread at a time. Null:
  // none.
  std::shared_ptr<KeyStore> key_store;
  // Worker threads; 0 = all cores (capped at limits::kMaxThreads).
  unsigned threads = 0;
  // Classify from names alone: no file is opened (no note or suspicious
  // file can be told, and nothing is "recoverable now").
  bool names_only = false;
  // List clean files in ScanReport::files. False: they are only counted
  // (ScanReport::unlisted_clean), which a summary needs and a million-file
  // tree's memory does not miss; a names-only scan then does not even stat
  // a file whose name no rule can match (src/scan/name_screen.h).
  bool list_clean = true;
  // Glob patterns (fnmatch) of entries to leave out: a pattern without '/'
  // is matched against each file's and folder's name, one with '/' against
  // its whole path. Roots are never left out.
  std::vector<std::string> excludes;
  // Do not enter folders on another file system than their root's.
  bool one_file_system = false;
  // For each family whose key a seed search finds, start the search on its
  // files only to measure it and say what it would cost
  // (FamilyVerdict::search_plan); it is stopped before it searches.
  bool plan_searches = true;
  bool follow_symlinks = false;
  // What the report names as the image scanned (scan --image); empty: a
  // tree.
  std::string image;
  // What the report names as the KB's version; empty: not said.
  std::string kb_version;
  // When set and it becomes true, no new file is started and the report
  // says `cancelled`.
  const std::atomic<bool>* cancel = nullptr;
};

// One file's verdict.
struct ScannedFile {
  Path path;
  ScanClass klass = ScanClass::kClean;
  // KB family id; empty when none is known (a suspicious file, a note no
  // family matched).
  std::string family;
  // The decryptor of this build that takes the file; empty: none.
  std::string decryptor;
  // The campaign or victim ID the file carries where its format has one
  // (a STOP/Djvu personal ID, the ID in a renamed file's name); empty:
  // none.
  std::string campaign;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  // A key is at hand now (hard-coded, in the key store): `kintsugi recover`
  // decrypts it without anything more.
  bool recoverable_now = false;
  // With recoverable_now: the key cannot recover every byte (issue 17:
  // `kintsugi recover` writes NAME.partial); `lost_bytes` of them, as far
  // as the decryptor knows before decrypting.
  bool recoverable_partly = false;
  std::uint64_t lost_bytes = 0;
  // Partial encryption: bytes of the original still in the clear, where the
  // decryptor knows its family's layout (DecryptorRun::Intact); unset: not
  // known. `intact_at_least`: a lower bound (the encrypted length depends
  // on the key). `original_size`: the original's size where the layout
  // tells it exactly.
  std::optional<std::uint64_t> intact_bytes;
  bool intact_at_least = false;
  std::optional<std::uint64_t> original_size;
  // Why, as a message (the triage's detail); id kCount: nothing to say.
  Message detail;
};

// A path the scan could not read or would not enter.
struct ScanError {
  Path path;
  Message error;
};

// The verdict for one family found.
struct FamilyVerdict {
  std::string family;       // KB family id.
  std::uint64_t files = 0;  // Encrypted files.
  std::uint64_t notes = 0;  // Ransom notes.
  // This build's decryptor for it (the one most of its files took); empty:
  // none.
  std::string decryptor;
  std::string strategy;  // "key-lookup", ... (recover's StrategyName).
  std::uint64_t recoverable_now = 0;
  // Of those, the files only partly recoverable (ScannedFile).
  std::uint64_t recoverable_partly = 0;
  // What recovering the rest needs: "key-in-store", "original-file",
  // "seed-search", "user-input"; empty: nothing (or no decryptor).
  std::vector<std::string> needs;
  // The same in sentences (the decryptor's needs, or the KB's advice when
  // this build has no decryptor).
  std::vector<Message> advice;
  // For a seed search: what `kintsugi recover --family` would search over
  // these files and how long it would take on this machine, as recover
  // says before it starts (its rate measured here, on these files); unset
  // when not asked (names only, ScanOptions::plan_searches false) or the
  // search said nothing.
  std::optional<Message> search_plan;
  // Up to limits::kScanListedPerFamily note paths and campaign IDs.
  std::vector<Path> note_paths;
  std::vector<std::string> campaigns;
};

struct ScanReport {
  // Every regular file, in walk order (a folder's files by name, then its
  // subfolders); without the clean ones unless ScanOptions::list_clean.
  std::vector<ScannedFile> files;
  // Clean files not in `files` (ScanOptions::list_clean false); counted in
  // `counts` all the same.
  std::uint64_t unlisted_clean = 0;
  std::vector<ScanError> errors;
  // Most encrypted files first.
  std::vector<FamilyVerdict> families;
  // Files per class, indexed by ScanClass.
  std::array<std::uint64_t, kScanClassCount> counts{};
  // The attack's timeline: the encrypted files' mtimes (ns since the
  // epoch), and how many fell in each UTC minute (minute start, files), in
  // time order. Unset / empty without encrypted files.
  std::optional<std::int64_t> first_encrypted_ns;
  std::optional<std::int64_t> last_encrypted_ns;
  std::vector<std::pair<std::int64_t, std::uint64_t>> per_minute;
  // Encrypted files per folder and per (last) extension, most first, at
  // most limits::kScanListedBuckets each.
  std::vector<std::pair<Path, std::uint64_t>> by_folder;
  std::vector<std::pair<std::string, std::uint64_t>> by_extension;
  // What was scanned, and how.
  std::vector<Path> roots;
  std::string image;
  std::string kb_version;  // ScanOptions::kb_version.
  bool names_only = false;
  std::uint64_t bytes_read = 0;
  std::uint64_t symlinks_skipped = 0;
  std::uint64_t duplicates_skipped = 0;
  std::uint64_t excluded = 0;
  std::uint64_t other_file_systems = 0;
  bool cancelled = false;

  // Every regular file scanned, listed or not.
  std::uint64_t total_files() const { return files.size() + unlisted_clean; }

  std::uint64_t count(ScanClass klass) const {
    return counts[static_cast<std::size_t>(klass)];
  }
};

// Scans `options.paths` through `source`. Errors: kInvalidArgument (no
// path, a bad --exclude pattern); a decryptor that cannot be prepared.
// Unreadable files and folders are ScanReport::errors, not failures.
Result<ScanReport> RunScan(ReadOnlyFileSystem& source,
                           const ScanOptions& options);

// `kintsugi scan --json` (docs/cli.md "scan"): {"summary", "families",
// "files", "errors", "timeline", "by_folder", "by_extension", "scanned"}.
// Indented by two spaces; invalid UTF-8 in paths is replaced.
std::string ScanReportJson(const ScanReport& report);

// The files a scan's JSON report (ScanReportJson) says `kintsugi recover
// --from-scan` can take, in its order: those recoverable now, and the
// encrypted files of families whose key a seed search finds (each such
// family's search window is built around its earliest file's modification
// time, the scan's timeline of it). With `decryptor_id` (recover
// --family), only the files of that decryptor. kInvalidArgument for a
// document that is not such a report.
Result<std::vector<Path>> RecoverableFromScanJson(
    std::string_view json, std::string_view decryptor_id = {});

}  // namespace kintsugi
