#pragma once

// The recovery journal: what makes a run resumable after a crash or a kill
// (issue 4, "Resumable runs"). It lives in a folder `.kintsugi-journal`
// beside the outputs and holds append-only segment files, each written only
// through FileSystem::CreateNew + Append + Sync (the interface cannot reopen
// a file for writing). The byte format is docs/journal-format.md
// (journal_format.h): a header with a magic and a version, then records that
// each carry their length and a CRC-32C. Every record is synced before the
// step it announces:
//
//   B enc temp                a temporary is about to be created for `enc`
//   C enc temp final digest   the temporary is about to be renamed to `final`
//   D enc final status digest the output is in place (recovered/unverified)
//   A enc                     the attempt was abandoned, its temporary removed
//
// `digest` is the output's size and XXH3-128 (version 2): a rerun says
// "already done" only while the output still holds them (output_digest.h,
// CheckEarlierOutput); a version-1 record has none, so its file is redone.
//
// On open, the newest state of each file decides: B or C with the temporary
// still present -> the temporary is removed and the file is redone; C whose
// temporary is gone but whose final name exists -> the rename happened, the
// file is done. Then the segments are compacted into one. A torn or
// corrupted record ends what is read of its segment: the bytes after it are
// counted (load_report()) and never acted on, so no file is removed unless a
// valid record says this journal's run created it, under our temporary
// name, where the record says. A segment of the older text format, or of a
// newer version, is refused (kUnsupported), never rewritten.
//
// An append that fails (a full disk, an I/O error) is remembered
// (write_failure()): the run stops rather than go on without a journal.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"
#include "recover/journal_format.h"

namespace kintsugi::recover {

// The name of the journal folder.
inline constexpr std::string_view kJournalDirName = ".kintsugi-journal";
// Temporaries are named ".<output name>.kintsugi-tmp-<random hex>".
inline constexpr std::string_view kTempMarker = ".kintsugi-tmp-";

// True for names of our temporaries.
bool IsTempName(std::string_view name);
// A fresh temporary name for an output called `output_name`.
std::string MakeTempName(std::string_view output_name);

class Journal {
 public:
  struct Done {
    Path output;
    RecoverStatus status = RecoverStatus::kRecovered;
    // What the output held when it was written; absent when a version-1
    // journal recorded it (then it cannot be checked).
    std::optional<OutputDigest> digest;
  };

  // Opens the journal in `dir` (created, and its parent synced, when
  // missing), cleans up after an interrupted run and compacts it. With
  // `read_only` (dry runs) nothing is created, removed or written.
  static Result<std::unique_ptr<Journal>> Open(FileSystem& fs, const Path& dir,
                                               bool read_only);
  ~Journal();

  // The earlier outcome for an encrypted file, if it was finished.
  std::optional<Done> FindDone(const Path& encrypted) const;
  // True if `path` is an output a run of ours wrote.
  bool IsOutput(const Path& path) const;
  // Temporaries of an interrupted run removed when the journal was opened.
  std::uint64_t stale_temporaries_removed() const { return stale_removed_; }

  // What opening the journal read, and what it had to ignore
  // (docs/journal-format.md, "Loading").
  struct LoadReport {
    std::uint64_t segments = 0;  // Segment files read.
    std::uint64_t records = 0;   // Valid records among them.
    // Segments whose header or a record was torn or corrupted, and the bytes
    // from that point to their ends, which were ignored.
    std::uint64_t damaged_segments = 0;
    std::uint64_t bytes_ignored = 0;
    // The first damage, as "<segment>: <reason> at byte <offset>".
    std::string first_damage;
  };
  const LoadReport& load_report() const { return load_report_; }

  // The journal's folder.
  const Path& dir() const { return dir_; }

  Status Begin(const Path& encrypted, const Path& temp);
  // `digest`: the temporary's size and XXH3-128, which `final_path` holds
  // once it is in place.
  Status Committing(const Path& encrypted, const Path& temp,
                    const Path& final_path, const OutputDigest& digest);
  Status Finished(const Path& encrypted, const Path& final_path,
                  RecoverStatus status, const OutputDigest& digest);
  Status Abandoned(const Path& encrypted);

  // OK until an append of this run fails; then kIoError saying that the
  // journal in dir() cannot be written, with the first failure's reason
  // (whatever its code: a full disk is an I/O failure of the journal here,
  // docs/cli.md exit 6). The run stops on it: without its records, a rerun
  // could not tell what this run did (issue 16).
  Status write_failure() const;
  // The same as !write_failure().ok(), lock-free: polled while streaming.
  bool write_failed() const { return write_failed_.load(); }

 private:
  Journal(FileSystem& fs, Path dir, bool read_only);
  Status Load();
  Status Recover();
  // Creates the next segment with its header; the caller holds mutex_ (or
  // is Open, before the journal is shared).
  Status StartSegment();
  Status Append(const JournalRecord& record);

  FileSystem& fs_;
  const Path dir_;
  const bool read_only_;
  mutable std::mutex mutex_;
  std::map<std::string, Done> done_;  // Keyed by the encrypted path.
  std::set<std::string> outputs_;
  std::uint64_t stale_removed_ = 0;
  LoadReport load_report_;
  // Null after a failed append or sync: the next record starts a fresh
  // segment, since one torn record hides every later one in its segment.
  std::unique_ptr<WritableFile> segment_;
  Status write_failure_;  // Guarded by mutex_.
  std::atomic<bool> write_failed_{false};
  std::vector<Path> old_segments_;
  std::uint64_t next_sequence_ = 1;
  // The latest in-flight record per encrypted path (B or C), from Load().
  struct InFlight {
    Path temp;
    std::optional<Path> final_path;
    std::optional<OutputDigest> digest;  // With final_path, from version 2.
  };
  std::map<std::string, InFlight> in_flight_;
};

}  // namespace kintsugi::recover
