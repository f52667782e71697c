#include "recover/pipeline.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"
#include "kintsugi/store.h"
#include "recover/evidence.h"
#include "recover/feed.h"
#include "recover/journal.h"
#include "recover/output_digest.h"
#include "recover/output_stage.h"
#include "recover/store_keys.h"
#include "recover/walker.h"

namespace kintsugi::recover {
namespace {

FileOutcome Outcome(const Path& path, RecoverStatus status, Message detail) {
  FileOutcome outcome;
  outcome.path = path;
  outcome.status = status;
  outcome.detail = std::move(detail);
  return outcome;
}

// A decryptor's own words about a key (KeyOutcome::detail), until the
// decryptors produce messages themselves.
Message DecryptorDetail(const std::string& detail) {
  if (detail.empty()) return {};
  return Message{MessageId::kRecoverDecryptorDetail, {{"detail", detail}}};
}

// Drives one file through triage, key and output stage.
class Pipeline {
 public:
  // Encrypted files are read through `source`; outputs are written through
  // `fs`, under `out_dir` (absolute) when it is not empty. `journal` must
  // outlive the pipeline.
  Pipeline(ReadOnlyFileSystem& source, FileSystem& fs,
           const RecoverOptions& options, Path out_dir,
           std::vector<PreparedDecryptor> runs, Journal& journal,
           StopToken stop);

  FileOutcome Process(const FeedTask& task, StreamBuffers& buffers);
  std::uint64_t bytes_written() const { return output_.bytes_written(); }

 private:
  // Identify's evidence for the task's folder; null when identify is not
  // consulted (no KB, or --family).
  const FolderEvidence* EvidenceFor(const FeedTask& task);
  // The rest of Process once a decryptor is chosen.
  FileOutcome Decrypt(const WalkItem& item, ReadableFile& file,
                      std::uint64_t size, const FileSample& sample,
                      const DecryptorChoice& choice, StreamBuffers& buffers);

  ReadOnlyFileSystem& source_;
  FileSystem& fs_;
  const RecoverOptions& options_;
  const Path out_dir_;
  std::vector<PreparedDecryptor> runs_;
  Journal& journal_;
  OutputStage output_;
  const bool use_evidence_;
};

Pipeline::Pipeline(ReadOnlyFileSystem& source, FileSystem& fs,
                   const RecoverOptions& options, Path out_dir,
                   std::vector<PreparedDecryptor> runs, Journal& journal,
                   StopToken stop)
    : source_(source),
      fs_(fs),
      options_(options),
      out_dir_(std::move(out_dir)),
      runs_(std::move(runs)),
      journal_(journal),
      output_(fs, journal,
              OutputOptions{options.dry_run, options.verified_only,
                            std::move(stop)}),
      use_evidence_(options.kb != nullptr && options.family.empty()) {}

const FolderEvidence* Pipeline::EvidenceFor(const FeedTask& task) {
  if (!use_evidence_) return nullptr;
  SharedBatch& batch = *task.batch;
  std::call_once(batch.once, [&] {
    std::vector<const WalkItem*> files;
    for (const WalkItem& item : batch.walk.items) {
      if (!item.preset) files.push_back(&item);
    }
    batch.evidence = GatherFolderEvidence(source_, *options_.kb, files);
  });
  return &batch.evidence;
}

FileOutcome Pipeline::Process(const FeedTask& task, StreamBuffers& buffers) {
  const WalkItem& item = task.item();
  if (item.preset) return *item.preset;
  const Path& path = item.path;
  // "Already done" only while the output holds what was written; else the
  // file is redone and its detail says why (output_digest.h).
  std::optional<Message> redo_reason;
  if (auto done = journal_.FindDone(path)) {
    auto check = CheckEarlierOutput(fs_, *done, buffers.in);
    if (check && *check == EarlierOutput::kUnchanged) {
      FileOutcome outcome = Outcome(
          path, done->status, Message{MessageId::kRecoverAlreadyDone, {}});
      outcome.output = done->output;
      return outcome;
    }
    redo_reason = RedoReason(*done, check);
  }
  auto file = source_.OpenForRead(path);
  if (!file) {
    return Outcome(path, RecoverStatus::kError,
                   Message{MessageId::kRecoverCannotOpen,
                           {{"error", file.error().message()}}});
  }
  auto size = (*file)->Size();
  if (!size) {
    return Outcome(path, RecoverStatus::kError,
                   Message{MessageId::kRecoverCannotRead,
                           {{"error", size.error().message()}}});
  }
  // Bounded samples for probing: head and tail (both empty for an empty
  // file, which is probed too: some schemes keep the size).
  Bytes head(static_cast<std::size_t>(
      std::min<std::uint64_t>(*size, kProbeHeadBytes)));
  Bytes tail(static_cast<std::size_t>(
      std::min<std::uint64_t>(*size, kProbeTailBytes)));
  for (auto [buffer, offset] :
       {std::pair<Bytes*, std::uint64_t>{&head, 0},
        std::pair<Bytes*, std::uint64_t>{&tail, *size - tail.size()}}) {
    auto got = ReadFullyAt(**file, offset, *buffer);
    if (!got) {
      return Outcome(path, RecoverStatus::kError,
                     Message{MessageId::kRecoverCannotRead,
                             {{"error", got.error().message()}}});
    }
    if (*got < buffer->size()) {
      return Outcome(path, RecoverStatus::kError,
                     Message{MessageId::kRecoverShrank, {}});
    }
  }
  FileSample sample{path, path.filename().native(), *size, head, tail};
  const Triage triage =
      TriageFile(runs_, sample, [&] { return EvidenceFor(task); });
  if (!triage.choice) {
    FileOutcome unchosen = Outcome(path, triage.status, triage.detail);
    unchosen.family = triage.family;  // Issue 16: the family identify names.
    return unchosen;
  }
  const DecryptorChoice& choice = *triage.choice;
  FileOutcome outcome = Decrypt(item, **file, *size, sample, choice, buffers);
  // An if, not a ternary: g++ 12 -O2 sees a maybe-uninitialized variant in
  // the ternary's temporary (a false positive that -Werror turns fatal).
  if (choice.evidence.id != MessageId::kCount) {
    if (outcome.detail.id == MessageId::kCount) {
      outcome.detail = choice.evidence;
    } else {
      Message both{MessageId::kRecoverWithChoice,
                   {{"detail", std::vector<Message>{outcome.detail}},
                    {"choice", std::vector<Message>{choice.evidence}}}};
      outcome.detail = std::move(both);
    }
  }
  if (redo_reason) {
    outcome.detail = RedoneDetail(std::move(outcome.detail), *redo_reason);
  }
  return outcome;
}

FileOutcome Pipeline::Decrypt(const WalkItem& item, ReadableFile& file,
                              std::uint64_t size, const FileSample& sample,
                              const DecryptorChoice& choice,
                              StreamBuffers& buffers) {
  const Path& path = item.path;
  const DecryptorInfo& info = choice.prepared->decryptor->info();
  FileOutcome outcome;
  outcome.path = path;
  outcome.decryptor = std::string(info.id);
  outcome.family = std::string(info.family_id);
  outcome.variant = choice.probe.variant;

  KeyOutcome key = choice.prepared->run->FindKey(sample, choice.probe);
  // Issue 16: a decryptor's message, when it gives one, over its words.
  const Message key_detail = key.message.id != MessageId::kCount
                                 ? key.message
                                 : DecryptorDetail(key.detail);
  switch (key.verdict) {
    case KeyVerdict::kFound:
      break;
    case KeyVerdict::kNeedsInput:
      outcome.status = RecoverStatus::kNeedsInput;
      outcome.detail = key_detail;
      return outcome;
    case KeyVerdict::kNotFound:
      outcome.status = RecoverStatus::kKeyNotFound;
      outcome.detail = key_detail;
      return outcome;
    case KeyVerdict::kDamaged:
      outcome.status = RecoverStatus::kError;
      outcome.detail = key_detail;
      return outcome;
    case KeyVerdict::kUnsupported:
      outcome.status = RecoverStatus::kUnsupported;
      outcome.detail = key_detail;
      return outcome;
  }
  if (!key.key.variant.empty()) outcome.variant = key.key.variant;
  outcome.key_source = key.key.source;

  auto decryption = choice.prepared->run->StartDecryption(key.key, size);
  if (!decryption) {
    outcome.status = RecoverStatus::kError;
    outcome.detail = Message{MessageId::kRecoverCannotStart,
                             {{"error", decryption.error().message()}}};
    return outcome;
  }
  OutputRequest request;
  request.encrypted = path;
  request.source = &file;
  request.size = size;
  request.decryption = decryption->get();
  request.dir = out_dir_.empty() ? path.parent_path()
                                 : (out_dir_ / item.rel).parent_path();
  request.name = choice.probe.original_name;
  request.mode = key.key.mode;
  FileOutcome written = output_.Write(request, std::move(outcome), buffers);
  // Issue 16: what the decryptor says of a key it found (e.g. it fits but
  // the file is truncated) follows the output's detail.
  if (key.message.id != MessageId::kCount) {
    Message both{MessageId::kRecoverWithWarning,
                 {{"detail", std::vector<Message>{written.detail}},
                  {"warning", std::vector<Message>{key.message}}}};
    written.detail = std::move(both);
  }
  // How the key was found (e.g. the seed a search found), for every file
  // it was used on.
  if (key.found.id != MessageId::kCount) {
    if (written.detail.id == MessageId::kCount) {
      written.detail = std::move(key.found);
    } else {
      Message both{MessageId::kRecoverWithKey,
                   {{"detail", std::vector<Message>{written.detail}},
                    {"key", std::vector<Message>{key.found}}}};
      written.detail = std::move(both);
    }
  }
  return written;
}

}  // namespace

std::vector<Path> OutputBases(std::span<const Path> roots) {
  std::vector<Path> bases;
  for (const Path& root : roots) bases.push_back(root.parent_path());
  std::map<Path, Path> by_name;  // Name -> the first root with it.
  bool collide = false;
  for (const Path& root : roots) {
    auto [it, added] = by_name.emplace(root.filename(), root);
    if (!added && it->second != root) collide = true;
  }
  if (!collide) return bases;
  // The deepest folder above every root: the common leading components of
  // their parents.
  Path common = bases.front();
  for (const Path& base : bases) {
    Path shared;
    auto a = common.begin();
    for (auto b = base.begin();
         a != common.end() && b != base.end() && *a == *b; ++a, ++b) {
      shared /= *a;
    }
    common = shared;
  }
  return std::vector<Path>(roots.size(), common);
}

Result<RecoverReport> RunRecovery(
    FileSystem& fs, const RecoverOptions& options,
    std::span<const Decryptor* const> decryptors) {
  return RunRecovery(fs, fs, options, decryptors);
}

Result<RecoverReport> RunRecovery(
    ReadOnlyFileSystem& source, FileSystem& fs, const RecoverOptions& options,
    std::span<const Decryptor* const> decryptors) {
  if (options.paths.empty()) return InvalidArgumentError("no PATH given");
  if (options.iv && !options.key) {
    return InvalidArgumentError("--iv needs --key");
  }
  if (options.key && options.family.empty()) {
    return InvalidArgumentError(
        "--key needs --family (which scheme the key is for)");
  }
  if (!options.known.empty() && options.family.empty()) {
    return InvalidArgumentError(
        "--known needs --family (which scheme the bytes are for)");
  }
  std::uint64_t known_bytes = 0;
  for (const KnownPlaintextAt& known : options.known) {
    if (known.bytes.empty()) {
      return InvalidArgumentError("--known: no bytes at offset " +
                                  std::to_string(known.offset));
    }
    known_bytes += known.bytes.size();
  }
  if (known_bytes > limits::kMaxKnownPlaintextBytes) {
    return ResourceExhaustedError(
        "--known: " + std::to_string(known_bytes) + " bytes in all; at most " +
        std::to_string(limits::kMaxKnownPlaintextBytes) + " are taken");
  }
  std::vector<const Decryptor*> chosen;
  for (const Decryptor* decryptor : decryptors) {
    if (options.family.empty() || options.family == decryptor->info().id ||
        options.family == decryptor->info().family_id) {
      chosen.push_back(decryptor);
    }
  }
  if (chosen.empty()) {
    std::string known;
    for (const Decryptor* decryptor : decryptors) {
      known += (known.empty() ? "" : ", ") + std::string(decryptor->info().id);
    }
    return InvalidArgumentError("unknown family '" + options.family +
                                "'; decryptors: " + known);
  }

  std::vector<Path> roots;
  for (const Path& p : options.paths) {
    std::error_code ec;
    Path absolute = std::filesystem::absolute(p, ec);
    if (ec) return InvalidArgumentError("bad path " + p.string());
    roots.push_back(absolute.lexically_normal());
  }
  Path out_dir;
  if (!options.out_dir.empty()) {
    std::error_code ec;
    out_dir = std::filesystem::absolute(options.out_dir, ec).lexically_normal();
    if (ec)
      return InvalidArgumentError("bad --out " + options.out_dir.string());
  }

  // The journal sits where the caller says (--journal), else with the
  // outputs in --out; a library caller that names neither keeps the older
  // place, the first input's folder.
  Path journal_dir;
  if (!options.journal_dir.empty()) {
    std::error_code ec;
    journal_dir =
        std::filesystem::absolute(options.journal_dir, ec).lexically_normal();
    if (ec) {
      return InvalidArgumentError("bad --journal " +
                                  options.journal_dir.string());
    }
  } else if (!out_dir.empty()) {
    journal_dir = out_dir / kJournalDirName;
  } else {
    auto info = fs.Stat(roots.front(), true);
    journal_dir = ((info && info->type == FileType::kDirectory)
                       ? roots.front()
                       : roots.front().parent_path()) /
                  kJournalDirName;
  }
  if (!out_dir.empty() && !options.dry_run) {
    KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(out_dir));
    KINTSUGI_RETURN_IF_ERROR(fs.SyncDir(out_dir.parent_path()));
  }
  auto journal = Journal::Open(fs, journal_dir, options.dry_run);
  if (!journal) {
    return Status(journal.error().code(),
                  "cannot keep a journal in " + journal_dir.string() + ": " +
                      journal.error().message() +
                      " (use --journal DIR to keep it elsewhere)");
  }

  // Neither our outputs in --out nor the journal's folder are inputs, even
  // when they lie inside an input folder under any name: identified as the
  // source sees them (the walk compares the source's identities).
  std::vector<FolderId> skip_folders;
  for (const Path& own : {out_dir, journal_dir}) {
    if (own.empty()) continue;
    if (auto info = source.Stat(own, true)) {
      skip_folders.emplace_back(info->device, info->inode);
    }
  }
  WalkOptions walk;
  const Journal* run_journal = journal->get();
  walk.is_own_output = [run_journal](const Path& path) {
    return run_journal->IsOutput(path);
  };
  walk.skip_folders = std::move(skip_folders);
  walk.follow_symlinks = options.follow_symlinks;
  for (const Decryptor* decryptor : chosen) {
    for (std::string_view name : decryptor->info().side_files) {
      walk.side_file_names.emplace_back(name);
    }
  }
  const std::vector<Path> bases = OutputBases(roots);
  // Walks every root with a fresh walker (one walker for all roots: an
  // input inside another one is walked once).
  const auto walk_all = [&](const BatchSink& sink) {
    Walker walker(source, walk);
    for (std::size_t i = 0; i < roots.size(); ++i) {
      if (!walker.WalkRoot(roots[i], bases[i], sink)) break;
    }
    return walker;
  };

  // One stop token for the run: Ctrl-C (options.cancel) and the deadline;
  // key searches in Prepare poll it too.
  StopSource stop_source(options.cancel);
  if (options.deadline) stop_source.SetDeadline(*options.deadline);
  const StopToken stop = stop_source.token();
  const auto stopped_report = [&] {
    RecoverReport report;
    report.dry_run = options.dry_run;
    report.cancelled = true;
    report.stopped_by = stop.reason();
    return report;
  };

  // A first walk, keeping no paths: how much there is (for progress), the
  // side files, and which files are reached twice (the identities of every
  // file, 16 bytes each, are sorted and dropped).
  RecoverProgress progress;
  std::uint64_t largest_file = 0;
  std::vector<FileId> ids;
  std::vector<Path> side_files;
  {
    Walker survey = walk_all([&](WalkBatch&& batch) {
      for (const WalkItem& item : batch.items) {
        ++progress.files_total;
        progress.bytes_total += item.size;
        largest_file = std::max(largest_file, item.size);
        if (!item.preset) ids.push_back(item.id);
      }
      return !stop.stop_requested();
    });
    side_files = survey.TakeSideFiles();
  }
  if (stop.stop_requested()) return stopped_report();
  walk.repeated = RepeatedIds(ids);
  const std::uint64_t file_count = ids.size();
  ids = std::vector<FileId>();

  RunInputs inputs;
  inputs.search.stop = stop;
  // Seed searches run in Prepare, before any file: on every core (or
  // --threads), whatever the number of files, in a pool that is gone before
  // the files' pool starts.
  std::optional<WorkerPool> search_pool;
  inputs.seed.range = options.seed_range;
  inputs.seed.around = options.seed_around;
  if (!options.shard.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(inputs.seed.shard, ParseSeedShard(options.shard));
  }
  inputs.seed.variant = options.variant;
  inputs.seed.victim_id = options.victim_id;
  inputs.seed.family_options = options.family_options;
  inputs.seed.logs = options.seed_logs;
  inputs.seed.gap = options.seed_gap;
  if (std::any_of(chosen.begin(), chosen.end(), [](const Decryptor* d) {
        return d->info().strategy == Strategy::kSeedSearch;
      })) {
    search_pool.emplace(options.threads);
    inputs.seed.pool = &*search_pool;
  }
  if (!options.dry_run) {
    inputs.seed.state_fs = &fs;
    inputs.seed.checkpoint_dir = journal_dir;
  }
  inputs.pairs = options.pairs;
  inputs.known = options.known;
  inputs.key = options.key;
  inputs.iv = options.iv;
  inputs.forced = !options.family.empty();
  inputs.file_count = file_count;
  inputs.for_each_file = [&](const RunInputs::FileVisitor& visit) {
    Status status = Status::Ok();
    walk_all([&](WalkBatch&& batch) {
      for (const WalkItem& item : batch.items) {
        if (item.preset) continue;
        status = visit(item.path, item.size);
        if (!status.ok()) return false;
      }
      return true;
    });
    return status;
  };
  // The key store, asked from one worker at a time (a KeyStore is used by
  // one thread at a time: kintsugi/store.h).
  std::mutex store_mutex;
  if (options.key_store) {
    inputs.key_lookup = StoreKeyLookup(options.key_store, store_mutex);
    inputs.released_keys = StoreReleasedKeys(options.key_store, store_mutex);
  }
  std::vector<PreparedDecryptor> runs;
  for (const Decryptor* decryptor : chosen) {
    // Each decryptor sees only the side files it asked for.
    inputs.side_files.clear();
    for (const Path& side : side_files) {
      const std::string name = AsciiLower(side.filename().native());
      for (std::string_view wanted : decryptor->info().side_files) {
        if (name == AsciiLower(wanted)) {
          inputs.side_files.push_back(side);
          break;
        }
      }
    }
    inputs.search.on_progress = nullptr;
    if (options.on_key_search) {
      inputs.search.on_progress = [&options,
                                   decryptor](const SearchProgress& at) {
        options.on_key_search(KeySearchProgress{
            std::string(decryptor->info().id), at.done, at.total});
      };
    }
    inputs.search.on_plan = nullptr;
    if (options.on_key_search_plan) {
      inputs.search.on_plan = [&options, decryptor](const Message& plan) {
        options.on_key_search_plan(decryptor->info().id, plan);
      };
    }
    auto run = decryptor->Prepare(source, inputs);
    // A key search cut short: the run stops before its first file.
    if (!run && stop.stop_requested()) return stopped_report();
    if (!run) {
      return Status(run.error().code(), std::string(decryptor->info().id) +
                                            ": " + run.error().message());
    }
    runs.push_back(PreparedDecryptor{decryptor, std::move(*run)});
  }
  inputs.seed.pool = nullptr;
  search_pool.reset();
  std::vector<const DecryptorRun*> run_views;
  for (const PreparedDecryptor& p : runs) run_views.push_back(p.run.get());

  Pipeline pipeline(source, fs, options, out_dir, std::move(runs), **journal,
                    stop);
  RecoverReport report;
  report.dry_run = options.dry_run;
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, limits::kMaxThreads);
  threads = static_cast<unsigned>(std::max<std::uint64_t>(
      1, std::min<std::uint64_t>(threads, progress.files_total)));
  // Outcomes reach the report (or the caller's on_file) in walk order.
  Feed feed(
      limits::kRecoverWindowPerThread * threads, stop,
      [&](FileOutcome&& outcome, std::uint64_t size) {
        ++report.counts[static_cast<std::size_t>(outcome.status)];
        if (outcome.status == RecoverStatus::kRecovered) {
          ++report.verified_by[static_cast<std::size_t>(outcome.verified_by)];
        }
        ++progress.files_done;
        progress.bytes_done += size;
        progress.files_total =
            std::max(progress.files_total, progress.files_done);
        progress.bytes_total =
            std::max(progress.bytes_total, progress.bytes_done);
        if (options.on_file) {
          options.on_file(std::move(outcome));
        } else {
          report.files.push_back(std::move(outcome));
        }
        if (options.on_progress) options.on_progress(progress);
      });
  // The second walk feeds the workers as it goes, on a thread of its own
  // (it waits on the disk while they work).
  WalkCounts walked;
  bool walk_cut = false;  // The walk ended early: the run was stopped.
  std::thread producer([&] {
    Walker walker = walk_all([&](WalkBatch&& batch) {
      if (feed.Push(std::move(batch))) return true;
      walk_cut = true;
      return false;
    });
    walked = walker.counts();
    feed.Close();
  });
  std::atomic<bool> interrupted{false};  // A file was cut short.
  const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(
      limits::kStreamChunkBytes, std::max<std::uint64_t>(1, largest_file)));
  WorkerPool pool(threads);
  const Status ran =
      pool.ParallelFor(pool.size(), stop, [&](std::size_t, unsigned) -> Status {
        std::optional<StreamBuffers> buffers;
        while (std::optional<FeedTask> task = feed.Pop()) {
          if (!buffers) buffers.emplace(chunk);
          FileOutcome outcome = pipeline.Process(*task, *buffers);
          // The journal cannot be written: no new file starts (issue 16).
          if (Status journal_ok = (*journal)->write_failure();
              !journal_ok.ok()) {
            feed.Done(*task, std::nullopt);
            feed.Abort();
            return journal_ok;
          }
          if (stop.stop_requested() &&
              outcome.status == RecoverStatus::kError) {
            interrupted = true;  // Interrupted mid-file: not a verdict.
            feed.Done(*task, std::nullopt);
            continue;
          }
          feed.Done(*task, std::move(outcome));
        }
        return Status::Ok();
      });
  feed.Abort();  // Lets the walk end if the workers stopped early.
  producer.join();
  const bool all_done = feed.AllDelivered();
  feed.Drain();

  // A run that could not keep its journal is a failure of the run, not one
  // error per file (docs/cli.md: exit 6).
  KINTSUGI_RETURN_IF_ERROR((*journal)->write_failure());
  report.cancelled = !ran.ok() || interrupted.load() || walk_cut || !all_done;
  if (report.cancelled) report.stopped_by = stop.reason();
  report.symlinks_skipped = walked.symlinks_skipped;
  report.duplicates_skipped = walked.duplicates;
  for (const DecryptorRun* run : run_views) {
    for (ReportedKey& key : run->ReportedKeys()) {
      report.keys.push_back(std::move(key));
    }
  }
  report.bytes_written = pipeline.bytes_written();
  return report;
}

}  // namespace kintsugi::recover
