// RunScan (kintsugi/scan.h): the walk, then every file classified in
// parallel from its name and bounded head/tail bytes, each file read at
// most once; the aggregation into families and a timeline is in
// aggregate.cpp.

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "families/registry.h"
#include "families/stop_djvu/footer.h"
#include "identify/file_evidence.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"
#include "kintsugi/store.h"
#include "recover/evidence.h"
#include "recover/store_keys.h"
#include "recover/walker.h"
#include "scan/aggregate.h"
#include "scan/name_screen.h"
#include "scan/scan_run.h"
#include "scan/search_plan.h"

namespace kintsugi::scan {
namespace {

using recover::FileSample;
using recover::PreparedDecryptor;
using recover::WalkItem;

// One folder's files as the walk handed them over, and what its notes tell
// about the rest (identify's evidence, built once from what was read).
struct Folder {
  recover::WalkBatch batch;
  std::mutex mutex;  // Guards `notes` and `note_sources`.
  std::vector<identify::Input> notes;
  std::set<std::string> note_sources;
  std::once_flag once;
  recover::FolderEvidence evidence;
  // Beside batch.items once screened names joined them (Unscreen): 1 for
  // those the screen and the folder's evidence leave clean, which are only
  // stat'ed (StatClean); empty when none did.
  std::vector<std::uint8_t> known_clean;
};

// A file to classify: its folder and its place in the folder and in the
// report.
struct FileRef {
  std::size_t folder = 0;
  std::size_t item = 0;
  std::size_t result = 0;
};

// A classified file, or why it could not be (then not a file of the
// report but an error).
struct Outcome {
  bool done = false;  // Classified (not so in a cancelled scan).
  ScannedFile file;
  std::optional<ScanError> error;
};

class Classifier {
 public:
  Classifier(ReadOnlyFileSystem& source, const ScanOptions& options,
             std::span<const PreparedDecryptor> runs)
      : source_(source), options_(options), runs_(runs) {
    no_folder_.kb = options_.kb.get();
  }

  // `notes_phase`: the notes of the folders are still being found, so
  // their evidence is not asked for yet (it would depend on the order).
  Outcome Classify(const WalkItem& item, Folder& folder, Bytes& buffer,
                   bool notes_phase);
  std::uint64_t bytes_read() const { return bytes_read_.load(); }

 private:
  Outcome ByName(const WalkItem& item, Folder& folder);
  // The verdict of recover's triage, mapped to a class; `content`: the
  // file's bytes were read (else a file no family takes is clean).
  void FromTriage(const FileSample& sample, Folder& folder, bool content,
                  bool notes_phase, ScannedFile& file);
  // A text file that identify takes for a ransom note: true, with `file`
  // set, and the note kept for its folder's evidence.
  bool AsNote(ByteView bytes, std::uint64_t size, const std::string& name,
              Folder& folder, ScannedFile& file);
  const recover::FolderEvidence* EvidenceFor(Folder& folder);

  ReadOnlyFileSystem& source_;
  const ScanOptions& options_;
  std::span<const PreparedDecryptor> runs_;
  // Identify for the file's own evidence, without its folder's.
  recover::FolderEvidence no_folder_;
  std::atomic<std::uint64_t> bytes_read_{0};
};

Outcome ReadError(const Path& path, MessageId id, const Status& status) {
  Outcome outcome;
  outcome.error = ScanError{path, Message{id, {{"error", status.message()}}}};
  return outcome;
}

const recover::FolderEvidence* Classifier::EvidenceFor(Folder& folder) {
  if (options_.kb == nullptr) return nullptr;
  std::call_once(folder.once, [&] {
    // The notes found (phase one is over: no lock is needed, but it costs
    // nothing) and the names of the other files: nothing is read again.
    std::lock_guard lock(folder.mutex);
    std::vector<identify::Input> inputs = folder.notes;
    std::size_t names = 0;
    // The files' names in name order: the items' and the screened ones
    // (name_screen.h), as the walk listed them.
    const auto& items = folder.batch.items;
    const auto& screened = folder.batch.screened;
    std::size_t i = 0;
    std::size_t k = 0;
    while (names < limits::kMaxRecoverNamesPerFolder &&
           (i < items.size() || k < screened.size())) {
      std::string name;
      if (i < items.size()) name = items[i].path.filename().string();
      if (k < screened.size() && (i == items.size() || screened[k] < name)) {
        name = screened[k++];
      } else {
        const WalkItem& item = items[i++];
        if (item.preset || recover::NoteLikeName(item.path)) continue;
      }
      if (recover::NoteLikeName(Path(name))) continue;
      ++names;
      inputs.push_back(identify::FileNameInput(name));
    }
    folder.evidence =
        recover::EvidenceFromInputs(*options_.kb, inputs, folder.note_sources);
  });
  return &folder.evidence;
}

bool Classifier::AsNote(ByteView bytes, std::uint64_t size,
                        const std::string& name, Folder& folder,
                        ScannedFile& file) {
  if (options_.kb == nullptr || bytes.empty()) return false;
  if (identify::ClassifyContent(bytes.First(limits::kFileHeadBytes)).content !=
      identify::ContentClass::kNote) {
    return false;
  }
  identify::Input input;
  input.kind = identify::InputKind::kNote;
  input.source = name;
  input.file_name = name;
  input.content = bytes.ToBytes();
  input.size = size;
  const identify::Input inputs[] = {input};
  const identify::Report report = options_.kb->Identify(inputs);
  // Text with nothing of a ransom note about it is the victim's own; so is
  // text whose only evidence is its name ("hello.txt" saying "hello": a
  // note name of HelloXD's).
  if (report.inputs.empty() ||
      report.inputs.front().kind != identify::InputKind::kNote) {
    return false;
  }
  const bool only_names =
      !report.candidates.empty() &&
      std::all_of(report.candidates.begin(), report.candidates.end(),
                  [](const identify::Candidate& c) {
                    return std::all_of(
                        c.evidence.begin(), c.evidence.end(),
                        [](const identify::Evidence& e) {
                          return e.kind == identify::EvidenceKind::kNoteName;
                        });
                  });
  if (only_names) return false;
  file.klass = ScanClass::kNote;
  if (report.verdict != identify::Verdict::kUnknown &&
      !report.candidates.empty()) {
    file.family = report.candidates.front().family;
  }
  file.detail = identify::VerdictSummary(report);
  std::lock_guard lock(folder.mutex);
  if (folder.notes.size() < limits::kMaxRecoverNotesPerFolder) {
    folder.note_sources.insert(name);
    folder.notes.push_back(std::move(input));
  }
  return true;
}

void Classifier::FromTriage(const FileSample& sample, Folder& folder,
                            bool content, bool notes_phase, ScannedFile& file) {
  const recover::Triage triage = recover::TriageFile(
      runs_, sample, [&]() -> const recover::FolderEvidence* {
        if (options_.kb == nullptr) return nullptr;
        return notes_phase ? &no_folder_ : EvidenceFor(folder);
      });
  file.detail = triage.detail;
  if (triage.choice) {
    const recover::DecryptorInfo& info =
        triage.choice->prepared->decryptor->info();
    file.klass = ScanClass::kEncrypted;
    file.family = std::string(info.family_id);
    file.decryptor = std::string(info.id);
    file.detail = triage.choice->probe.reason;
    if (content) {
      const recover::KeyOutcome key =
          triage.choice->prepared->run->FindKey(sample, triage.choice->probe);
      file.recoverable_now = key.verdict == recover::KeyVerdict::kFound;
      file.recoverable_partly = file.recoverable_now && key.expected_lost > 0;
      if (file.recoverable_partly) file.lost_bytes = key.expected_lost;
      if (key.message.id != MessageId::kCount) file.detail = key.message;
      // Partial encryption: what the layout leaves of the original.
      if (auto intact = triage.choice->prepared->run->Intact(
              sample, triage.choice->probe)) {
        file.intact_bytes = intact->intact;
        file.intact_at_least = intact->at_least;
        file.original_size = intact->original_size;
      }
    }
  } else if (triage.status == RecoverStatus::kUnsupported &&
             !triage.family.empty()) {
    file.klass = ScanClass::kEncrypted;
    file.family = triage.family;
  } else if (triage.status == RecoverStatus::kUnsupported && content &&
             identify::ClassifyContent(sample.head).content ==
                 identify::ContentClass::kEncryptedFile) {
    file.klass = ScanClass::kSuspicious;
  } else {
    file.klass = ScanClass::kClean;
    file.detail = {};  // Nothing to say, and a million files to keep.
  }
  if (file.klass == ScanClass::kEncrypted) {
    file.campaign = CampaignId(file.family, sample.name, sample.tail);
  }
}

Outcome Classifier::ByName(const WalkItem& item, Folder& folder) {
  Outcome outcome;
  ScannedFile& file = outcome.file;
  const std::string name = item.path.filename().string();
  if (options_.kb != nullptr && recover::NoteLikeName(item.path)) {
    const identify::Input inputs[] = {identify::FileNameInput(name)};
    const identify::Report report = options_.kb->Identify(inputs);
    if (!report.candidates.empty()) {
      const identify::Candidate& best = report.candidates.front();
      if (std::any_of(best.evidence.begin(), best.evidence.end(),
                      [](const identify::Evidence& e) {
                        return e.kind == identify::EvidenceKind::kNoteName;
                      })) {
        file.klass = ScanClass::kNote;
        file.family = best.family;
        return outcome;
      }
    }
  }
  file.size = item.size;
  const FileSample sample{item.path, name, item.size, {}, {}};
  FromTriage(sample, folder, /*content=*/false, /*notes_phase=*/false, file);
  return outcome;
}

Outcome Classifier::Classify(const WalkItem& item, Folder& folder,
                             Bytes& buffer, bool notes_phase) {
  if (options_.names_only) {
    Outcome outcome = ByName(item, folder);
    return outcome;
  }
  const Path& path = item.path;
  auto opened = source_.OpenForRead(path);
  if (!opened) {
    return ReadError(path, MessageId::kRecoverCannotOpen, opened.error());
  }
  ReadableFile& readable = **opened;
  auto size_or = readable.Size();
  if (!size_or) {
    return ReadError(path, MessageId::kRecoverCannotRead, size_or.error());
  }
  const std::uint64_t size = *size_or;
  const bool note_like = recover::NoteLikeName(path);
  // One read of the whole file when it is small (or may be a whole note),
  // else the head and the tail, which do not overlap: no byte is read
  // twice.
  const bool whole =
      size <= recover::kProbeHeadBytes + recover::kProbeTailBytes ||
      (note_like && options_.kb != nullptr && size <= limits::kScanNoteBytes);
  ByteView head;
  ByteView tail;
  std::size_t have = 0;
  if (whole) {
    buffer.resize(static_cast<std::size_t>(size));
    auto got = ReadFullyAt(readable, 0, buffer);
    if (!got)
      return ReadError(path, MessageId::kRecoverCannotRead, got.error());
    have = *got;
    const ByteView all(buffer.data(), have);
    head = all.First(std::min(have, recover::kProbeHeadBytes));
    tail = all.Last(std::min(have, recover::kProbeTailBytes));
  } else {
    buffer.resize(recover::kProbeHeadBytes + recover::kProbeTailBytes);
    const std::span<std::uint8_t> head_span(buffer.data(),
                                            recover::kProbeHeadBytes);
    const std::span<std::uint8_t> tail_span(
        buffer.data() + recover::kProbeHeadBytes, recover::kProbeTailBytes);
    auto got_head = ReadFullyAt(readable, 0, head_span);
    if (!got_head) {
      return ReadError(path, MessageId::kRecoverCannotRead, got_head.error());
    }
    auto got_tail =
        ReadFullyAt(readable, size - recover::kProbeTailBytes, tail_span);
    if (!got_tail) {
      return ReadError(path, MessageId::kRecoverCannotRead, got_tail.error());
    }
    have = *got_head + *got_tail;
    head = ByteView(buffer.data(), *got_head);
    tail = ByteView(buffer.data() + recover::kProbeHeadBytes, *got_tail);
  }
  bytes_read_ += have;
  Outcome outcome;
  ScannedFile& file = outcome.file;
  const std::string name = path.filename().string();
  // A file that shrank while it was read is judged by what it holds.
  const std::uint64_t held = whole ? have : size;
  file.size = held;
  if (note_like && whole &&
      AsNote(ByteView(buffer.data(), have), held, name, folder, file)) {
    return outcome;
  }
  if (note_like && !whole && AsNote(head, held, name, folder, file)) {
    return outcome;
  }
  const FileSample sample{path, name, held, head, tail};
  FromTriage(sample, folder, /*content=*/true, notes_phase, file);
  return outcome;
}

// Turns a folder's screened names into items, in name order among the
// others. `known_clean`: the folder's evidence leaves them clean, and they
// are stat'ed later, in parallel, for the list (StatClean); else they are
// stat'ed now, as the walk would have, to be classified.
void Unscreen(ReadOnlyFileSystem& source, Folder& folder, bool known_clean,
              std::vector<ScanError>& errors) {
  recover::WalkBatch& batch = folder.batch;
  std::vector<std::uint8_t> flags(batch.items.size(), 0);
  for (const std::string& name : batch.screened) {
    WalkItem item;
    item.path = batch.folder / name;
    if (!known_clean) {
      auto info = source.Stat(item.path, false);
      if (!info) {
        errors.push_back(
            ScanError{item.path, Message{MessageId::kRecoverCannotRead,
                                         {{"error", info.error().message()}}}});
        continue;
      }
      if (info->type != FileType::kRegular) continue;  // Changed meanwhile.
      item.size = info->size;
      item.id = {info->device, info->inode};
      item.mtime_ns = info->mtime_ns;
    }
    batch.items.push_back(std::move(item));
    flags.push_back(known_clean ? 1 : 0);
  }
  batch.screened.clear();
  std::vector<std::size_t> order(batch.items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) {
                     return batch.items[a].path.filename().native() <
                            batch.items[b].path.filename().native();
                   });
  std::vector<WalkItem> items;
  items.reserve(order.size());
  folder.known_clean.clear();
  for (const std::size_t i : order) {
    items.push_back(std::move(batch.items[i]));
    folder.known_clean.push_back(flags[i]);
  }
  batch.items = std::move(items);
  if (!known_clean) folder.known_clean.clear();
}

// A screened file its folder leaves clean, for the list: its size and time.
Outcome StatClean(ReadOnlyFileSystem& source, WalkItem& item) {
  auto info = source.Stat(item.path, false);
  if (!info) {
    return ReadError(item.path, MessageId::kRecoverCannotRead, info.error());
  }
  item.size = info->size;
  item.mtime_ns = info->mtime_ns;
  Outcome outcome;
  outcome.file.size = info->size;
  return outcome;
}

// The walk problems that are errors of the scan: anything but a file that
// is no regular file (a FIFO, a socket, a device), which is not a file to
// classify and no failure either.
bool IsError(const WalkItem& item) {
  return item.preset->detail.id != MessageId::kRecoverNotRegular;
}

}  // namespace

bool MatchesExclude(std::string_view pattern, const Path& path) {
  const std::string glob(pattern);
  if (glob.find('/') != std::string::npos) {
    return fnmatch(glob.c_str(), path.c_str(), 0) == 0;
  }
  return fnmatch(glob.c_str(), path.filename().c_str(), 0) == 0;
}

std::string CampaignId(std::string_view family, std::string_view name,
                       ByteView tail) {
  if (family == "stop-djvu") {
    const families::StopFooterParse parsed = families::ParseStopFooter(tail);
    if (parsed.error == families::StopFooterError::kNone) {
      return parsed.footer.personal_id;
    }
  }
  const identify::FileNameEvidence evidence = identify::ParseFileName(name);
  return evidence.ids.empty() ? std::string() : evidence.ids.front();
}

Result<ScanReport> RunScanWith(
    ReadOnlyFileSystem& source, const ScanOptions& options,
    std::span<const recover::Decryptor* const> decryptors, bool screen_names) {
  if (options.paths.empty()) return InvalidArgumentError("no PATH given");
  for (const std::string& pattern : options.excludes) {
    if (pattern.empty()) {
      return InvalidArgumentError("--exclude: an empty pattern");
    }
  }
  ScanReport report;
  report.names_only = options.names_only;
  report.image = options.image;
  report.kb_version = options.kb_version;
  for (const Path& p : options.paths) {
    Path root = p;
    if (root.is_relative()) {
      std::error_code ec;
      root = std::filesystem::absolute(p, ec);
      if (ec) return InvalidArgumentError("bad path " + p.string());
    }
    report.roots.push_back(root.lexically_normal());
  }
  StopSource stop_source(options.cancel);
  const StopToken stop = stop_source.token();

  // The decryptors, prepared with nothing from the user: no search runs
  // (a seed search runs only when asked for), and key lookups go to the
  // store.
  recover::RunInputs inputs;
  inputs.search.stop = stop;
  std::mutex store_mutex;
  if (options.key_store) {
    inputs.key_lookup = recover::StoreKeyLookup(options.key_store, store_mutex);
    inputs.released_keys =
        recover::StoreReleasedKeys(options.key_store, store_mutex);
  }
  std::vector<PreparedDecryptor> runs;
  for (const recover::Decryptor* decryptor : decryptors) {
    auto run = decryptor->Prepare(source, inputs);
    if (!run) {
      return Status(run.error().code(), std::string(decryptor->info().id) +
                                            ": " + run.error().message());
    }
    runs.push_back(PreparedDecryptor{decryptor, std::move(*run)});
  }

  // The walk, on this thread (with threads listing folders ahead of it):
  // it hands over folder after folder, kept for the classification (a
  // path, a size and a time per file).
  recover::WalkOptions walk;
  walk.follow_symlinks = options.follow_symlinks;
  walk.one_file_system = options.one_file_system;
  if (!options.excludes.empty()) {
    walk.exclude = [&options](const Path& path, bool) {
      return std::any_of(
          options.excludes.begin(), options.excludes.end(),
          [&](const std::string& p) { return MatchesExclude(p, path); });
    };
  }
  // Names-only: the walk hands over the names no rule can match without a
  // stat (name_screen.h).
  std::optional<NameScreen> screen;
  if (options.names_only && screen_names) {
    screen = NameScreen::Make(options.kb.get(), runs);
  }
  if (screen) {
    walk.screen = [&screen](std::span<const DirEntry> entries,
                            std::vector<bool>& plain) {
      screen->Screen(entries, plain);
    };
  }
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, limits::kMaxThreads);
  walk.list_ahead_threads = threads;
  std::vector<std::unique_ptr<Folder>> folders;
  {
    recover::Walker walker(source, walk);
    for (const Path& root : report.roots) {
      const bool went_on =
          walker.WalkRoot(root, root.parent_path(), [&](auto&& batch) {
            auto folder = std::make_unique<Folder>();
            folder->batch = std::move(batch);
            folders.push_back(std::move(folder));
            return !stop.stop_requested();
          });
      if (!went_on) break;
    }
    report.symlinks_skipped = walker.counts().symlinks_skipped;
    report.duplicates_skipped = walker.counts().duplicates;
    report.excluded = walker.counts().excluded;
    report.other_file_systems = walker.counts().other_file_systems;
  }

  // Notes first (their folders' evidence helps tell the other files), then
  // the rest; results go to their walk-order place.
  std::vector<FileRef> notes;
  std::vector<FileRef> others;
  std::size_t files = 0;
  Classifier classifier(source, options, runs);
  WorkerPool pool(threads);
  std::vector<Bytes> buffers(pool.size());
  // Screened names are clean unless their folder's evidence makes every
  // file of it a family's (a family this build cannot decrypt): asked of
  // one name, as a file of any size but empty, the folder's verdict for all.
  // A folder of screened names alone has no evidence (none of its names
  // matches anything).
  std::vector<std::uint8_t> unscreen(folders.size(), 0);
  const Status screened_ok = pool.ParallelFor(
      folders.size(), stop, [&](std::size_t f, unsigned worker) -> Status {
        Folder& folder = *folders[f];
        const auto& batch = folder.batch;
        if (batch.screened.empty() || batch.items.empty()) return Status::Ok();
        WalkItem probe;
        probe.path = batch.folder / batch.screened.front();
        probe.size = 1;
        const Outcome outcome =
            classifier.Classify(probe, folder, buffers[worker], false);
        unscreen[f] = outcome.file.klass != ScanClass::kClean;
        return Status::Ok();
      });
  if (!screened_ok.ok()) report.cancelled = true;
  for (std::size_t f = 0; f < folders.size(); ++f) {
    if (folders[f]->batch.screened.empty()) continue;
    if (unscreen[f] != 0) {
      Unscreen(source, *folders[f], /*known_clean=*/false, report.errors);
    } else if (options.list_clean) {
      Unscreen(source, *folders[f], /*known_clean=*/true, report.errors);
    }
  }
  for (std::size_t f = 0; f < folders.size(); ++f) {
    const auto& items = folders[f]->batch.items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].preset) continue;
      const FileRef ref{f, i, files++};
      if (!options.names_only && recover::NoteLikeName(items[i].path)) {
        notes.push_back(ref);
      } else {
        others.push_back(ref);
      }
    }
  }
  std::vector<Outcome> outcomes(files);
  bool cut = false;
  for (const std::vector<FileRef>* phase : {&notes, &others}) {
    const std::size_t tasks = (phase->size() + limits::kScanFilesPerTask - 1) /
                              limits::kScanFilesPerTask;
    const Status ran = pool.ParallelFor(
        tasks, stop, [&](std::size_t task, unsigned worker) -> Status {
          const std::size_t first = task * limits::kScanFilesPerTask;
          const std::size_t last =
              std::min(phase->size(), first + limits::kScanFilesPerTask);
          for (std::size_t k = first; k < last; ++k) {
            if (stop.stop_requested()) return stop.status();
            const FileRef& ref = (*phase)[k];
            Folder& folder = *folders[ref.folder];
            WalkItem& item = folder.batch.items[ref.item];
            if (!folder.known_clean.empty() &&
                folder.known_clean[ref.item] != 0) {
              outcomes[ref.result] = StatClean(source, item);
            } else {
              outcomes[ref.result] = classifier.Classify(
                  item, folder, buffers[worker], phase == &notes);
            }
            outcomes[ref.result].done = true;
          }
          return Status::Ok();
        });
    if (!ran.ok()) {
      cut = true;
      break;
    }
  }
  report.cancelled = report.cancelled || cut || stop.stop_requested();
  report.bytes_read = classifier.bytes_read();

  // In walk order: the files with their size and time as the walk saw
  // them, and the problems.
  std::size_t next = 0;
  for (const auto& folder : folders) {
    for (const WalkItem& item : folder->batch.items) {
      if (item.preset) {
        if (IsError(item)) {
          report.errors.push_back(ScanError{item.path, item.preset->detail});
        }
        continue;
      }
      Outcome& outcome = outcomes[next++];
      if (!outcome.done) continue;  // Not reached: the scan was stopped.
      if (outcome.error) {
        report.errors.push_back(std::move(*outcome.error));
        continue;
      }
      if (!options.list_clean && outcome.file.klass == ScanClass::kClean) {
        ++report.unlisted_clean;
        continue;
      }
      outcome.file.path = item.path;
      outcome.file.mtime_ns = item.mtime_ns;
      report.files.push_back(std::move(outcome.file));
    }
    if (!report.cancelled)
      report.unlisted_clean += folder->batch.screened.size();
    folder->batch.items.clear();
    folder->batch.screened.clear();
  }
  Aggregate(runs, report);
  if (options.plan_searches && !options.names_only && !report.cancelled) {
    PlanSearches(source, decryptors, threads, options.cancel, report);
  }
  return report;
}

}  // namespace kintsugi::scan

namespace kintsugi {

std::string_view ScanClassName(ScanClass klass) {
  switch (klass) {
    case ScanClass::kEncrypted:
      return "encrypted";
    case ScanClass::kNote:
      return "note";
    case ScanClass::kSuspicious:
      return "suspicious";
    case ScanClass::kClean:
      return "clean";
  }
  return "clean";
}

Result<ScanReport> RunScan(ReadOnlyFileSystem& source,
                           const ScanOptions& options) {
  return scan::RunScanWith(source, options, families::AllDecryptors());
}

}  // namespace kintsugi
