#include "recover/pipeline.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "formats/file_validator.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "recover/journal.h"

namespace kintsugi::recover {
namespace {

constexpr std::string_view kJigsawFileList = "encryptedfilelist.txt";

// Decryption and verification run over pieces of a read chunk this large,
// which stay in the CPU's L1/L2 cache between the two passes.
constexpr std::size_t kDecryptPieceBytes = 64 * 1024;

// How far below the best probe a decryptor of the family identify names may
// be and still be chosen. Probes by name alone score ~20-60 and structural
// checks ~70-90 (decryptor.h), so identify settles ties and close calls
// between names, but a structural fit beats a name (issue 4).
constexpr int kIdentifyCloseCall = 15;
// In an ambiguous verdict, the candidates this close to the best score are
// the families identify names (as `kintsugi identify` lists them).
constexpr double kAmbiguousMargin = 0.15;

// One input file found by the walk, or a problem with an input (outcome
// already set).
struct Item {
  Path path;
  Path rel;  // Relative to its root's base (OutputBases), for --out.
  std::uint64_t size = 0;
  std::optional<FileOutcome> preset;
};

struct Prepared {
  const Decryptor* decryptor = nullptr;
  std::unique_ptr<DecryptorRun> run;
};

// A family identify names for a folder, with what the detail of a file
// needs to say about it.
struct NamedFamily {
  std::string family;  // KB id.
  std::string name;    // Display name.
  std::string from;    // The evidence in words: "DECRYPT.txt and ...".
  kb::RecoveryPossible recovery = kb::RecoveryPossible::kUnknown;
  std::string decryptor;  // The KB's decryptor id; empty if none.
  std::vector<std::string> needs;
};

// Identify's answer for one folder of the run.
struct FolderEvidence {
  identify::Verdict verdict = identify::Verdict::kUnknown;
  // Identified: the one family; ambiguous: the close candidates, best
  // first; unknown: none.
  std::vector<NamedFamily> named;
};

// One folder holding files to recover: its files, and identify's evidence,
// computed by the first worker that needs it.
struct Folder {
  std::vector<const Item*> files;
  std::once_flag once;
  FolderEvidence evidence;
};

// Ransom notes are text, HTML, HTA or RTF files; only such names are read
// to find them (reading every file of a folder would double the run's I/O).
bool NoteLikeName(const Path& path) {
  static constexpr std::string_view kExtensions[] = {".txt", ".html", ".htm",
                                                     ".hta", ".rtf"};
  const std::string ext = AsciiLower(path.extension().native());
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) !=
         std::end(kExtensions);
}

// Words ransom-note names use ("HOW_TO_DECRYPT.txt", "_readme.txt",
// "RESTORE-FILES.html"): such names are read first, before a victim's own
// text files.
bool NoteWordInName(const Path& path) {
  static constexpr std::string_view kWords[] = {
      "readme",    "read_me", "read-me",   "read me",  "decrypt", "restore",
      "recover",   "help",    "how",       "instruct", "ransom",  "unlock",
      "attention", "warning", "important", "files",    "info",    "!"};
  const std::string name = AsciiLower(path.filename().native());
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view word) {
                       return name.find(word) != std::string::npos;
                     });
}

// The evidence behind `candidate` in words: the notes by name, then the
// other files ("DECRYPT.txt and the names of the files in this folder").
std::string EvidenceFrom(const identify::Candidate& candidate,
                         const std::set<std::string>& note_sources) {
  std::vector<std::string> notes;
  std::set<std::string> files;
  bool names_only = true;
  for (const identify::Evidence& e : candidate.evidence) {
    if (note_sources.count(e.source) > 0) {
      if (std::find(notes.begin(), notes.end(), e.source) == notes.end()) {
        notes.push_back(e.source);
      }
      continue;
    }
    if (e.source.empty()) continue;
    files.insert(e.source);
    if (e.kind != "extension" && e.kind != "filename-pattern") {
      names_only = false;
    }
  }
  std::string from;
  for (std::size_t i = 0; i < notes.size() && i < 2; ++i) {
    from += (i == 0 ? "" : ", ") + notes[i];
  }
  if (notes.size() > 2) {
    from += " and " + std::to_string(notes.size() - 2) + " other notes";
  }
  if (!files.empty()) {
    if (!from.empty()) from += " and ";
    if (files.size() == 1) {
      from += (names_only ? "the name " : "") + *files.begin();
    } else {
      from += names_only ? "the names of the files in this folder"
                         : "the files in this folder";
    }
  }
  return from.empty() ? "the files in this folder" : from;
}

// What the KB says about recovering a family this build has no decryptor
// for, in plain words.
std::string RecoveryInWords(const NamedFamily& family) {
  switch (family.recovery) {
    case kb::RecoveryPossible::kYes:
    case kb::RecoveryPossible::kPartial: {
      std::string words =
          std::string("files of this family can ") +
          (family.recovery == kb::RecoveryPossible::kPartial ? "in part "
                                                             : "") +
          "be recovered offline, but " +
          (family.decryptor.empty()
               ? std::string("not by this version of Kintsugi")
               : "its decryptor (" + family.decryptor +
                     ") is not in this version of Kintsugi yet");
      for (std::size_t i = 0; i < family.needs.size(); ++i) {
        words += (i == 0 ? "; it needs: " : ", ") + family.needs[i];
      }
      return words;
    }
    case kb::RecoveryPossible::kNo:
      return "no offline recovery is known for this family";
    case kb::RecoveryPossible::kUnknown:
      break;
  }
  return "whether files of this family can be recovered is not known";
}

FileOutcome Outcome(const Path& path, RecoverStatus status,
                    std::string detail) {
  FileOutcome outcome;
  outcome.path = path;
  outcome.status = status;
  outcome.detail = std::move(detail);
  return outcome;
}

class Walker {
 public:
  Walker(FileSystem& fs, const Journal* journal,
         std::optional<std::pair<std::uint64_t, std::uint64_t>> out_dir_id)
      : fs_(fs), journal_(journal), out_dir_id_(out_dir_id) {}

  // Walks `root`; items' `rel` is relative to `base` (a folder above it).
  void WalkRoot(const Path& root, const Path& base) {
    base_ = base;
    auto info = fs_.Stat(root, true);
    if (!info) {
      items_.push_back(Item{root, root.lexically_relative(base_), 0,
                            Outcome(root, RecoverStatus::kError,
                                    "cannot read: " + info.error().message())});
      return;
    }
    Visit(root, *info, 0);
  }

  std::vector<Item> TakeItems() { return std::move(items_); }
  std::vector<Path> TakeSideFiles() { return std::move(side_files_); }

 private:
  void Visit(const Path& path, const FileInfo& info, std::size_t depth) {
    const Path rel = path.lexically_relative(base_);
    if (info.type == FileType::kRegular) {
      if (journal_ != nullptr && journal_->IsOutput(path)) return;
      if (AsciiLower(path.filename().native()) == kJigsawFileList) {
        side_files_.push_back(path);
      }
      items_.push_back(Item{path, rel, info.size, std::nullopt});
      return;
    }
    if (info.type != FileType::kDirectory) {
      items_.push_back(Item{path, rel, 0,
                            Outcome(path, RecoverStatus::kUnsupported,
                                    "not a regular file or folder; skipped")});
      return;
    }
    const std::pair<std::uint64_t, std::uint64_t> id{info.device, info.inode};
    if (out_dir_id_ && id == *out_dir_id_) return;  // Our own outputs.
    if (!visited_.insert(id).second) {
      items_.push_back(
          Item{path, rel, 0,
               Outcome(path, RecoverStatus::kUnsupported,
                       "folder already visited (a symbolic link loop or a "
                       "second path to it); skipped")});
      return;
    }
    if (depth >= limits::kMaxDirectoryDepth) {
      items_.push_back(Item{path, rel, 0,
                            Outcome(path, RecoverStatus::kError,
                                    "folders nested too deep; skipped")});
      return;
    }
    auto entries = fs_.ListDir(path);
    if (!entries) {
      items_.push_back(
          Item{path, rel, 0,
               Outcome(path, RecoverStatus::kError,
                       "cannot list folder: " + entries.error().message())});
      return;
    }
    for (const DirEntry& entry : *entries) {
      if (entry.name == kJournalDirName || IsTempName(entry.name)) continue;
      const Path child = path / entry.name;
      FileInfo child_info;
      if (entry.type == FileType::kSymlink) {
        auto followed = fs_.Stat(child, true);
        if (!followed) {
          items_.push_back(
              Item{child, child.lexically_relative(base_), 0,
                   Outcome(child, RecoverStatus::kUnsupported,
                           "symbolic link that cannot be followed (" +
                               followed.error().message() + "); skipped")});
          continue;
        }
        child_info = *followed;
      } else if (entry.type == FileType::kDirectory ||
                 entry.type == FileType::kRegular) {
        auto stat = fs_.Stat(child, false);
        if (!stat) {
          items_.push_back(
              Item{child, child.lexically_relative(base_), 0,
                   Outcome(child, RecoverStatus::kError,
                           "cannot read: " + stat.error().message())});
          continue;
        }
        child_info = *stat;
      } else {
        child_info.type = entry.type;
      }
      Visit(child, child_info, depth + 1);
    }
  }

  FileSystem& fs_;
  const Journal* journal_;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> out_dir_id_;
  Path base_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> visited_;
  std::vector<Item> items_;
  std::vector<Path> side_files_;
};

// Per-worker buffers, reused for every file: bounded memory whatever the
// file sizes (at most limits::kStreamChunkBytes each; less when every file
// is smaller).
struct Buffers {
  explicit Buffers(std::size_t chunk)
      : in(chunk), out(chunk + StreamDecryption::kSlack) {}
  Bytes in;
  Bytes out;
};

// A dry run's stand-in for the output file: compares what a real run would
// write with a file already under the target name, so that the dry run can
// say "already recovered" exactly when the real run would keep that file.
class ComparingSink final : public WritableFile {
 public:
  ComparingSink(std::unique_ptr<ReadableFile> existing, std::uint64_t size)
      : existing_(std::move(existing)), size_(size) {}
  Status Append(ByteView data) override {
    for (std::size_t done = 0; same_ && done < data.size();) {
      if (offset_ >= size_) {
        same_ = false;
        break;
      }
      const std::size_t want = std::min(scratch_.size(), data.size() - done);
      auto got = existing_->ReadAt(offset_, std::span(scratch_).first(want));
      if (!got || *got == 0 ||
          !std::equal(scratch_.begin(),
                      scratch_.begin() + static_cast<std::ptrdiff_t>(*got),
                      data.span().subspan(done, *got).begin())) {
        same_ = false;
        break;
      }
      done += *got;
      offset_ += *got;
    }
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  bool Same() const { return same_ && offset_ == size_; }

 private:
  std::unique_ptr<ReadableFile> existing_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  bool same_ = true;
  Bytes scratch_ = Bytes(64 * 1024);
};

class Pipeline {
 public:
  // `items` must outlive the pipeline.
  Pipeline(FileSystem& fs, const RecoverOptions& options,
           std::vector<Prepared> runs, Journal* journal,
           const std::vector<Item>& items);

  FileOutcome Process(const Item& item, Buffers& buffers);
  std::uint64_t bytes_written() const { return bytes_written_.load(); }

 private:
  struct Choice {
    const Prepared* prepared = nullptr;
    ProbeResult probe;
    std::string evidence;  // What identify said, for the detail; or empty.
  };
  // Picks the decryptor for a file among those whose probe accepts it: the
  // most confident, unless one of the family identify names for the
  // folder is within kIdentifyCloseCall of it (`evidence` may be null).
  std::optional<Choice> ChooseDecryptor(const FileSample& sample,
                                        const FolderEvidence* evidence) const;
  // Identify's evidence for the folder of `item`; null when identify is
  // not consulted (no KB, or --family).
  const FolderEvidence* EvidenceFor(const Item& item);
  FolderEvidence GatherEvidence(const std::vector<const Item*>& files) const;
  // Whether a decryptor of this run is for `family`.
  bool HasDecryptorFor(const NamedFamily& family) const;
  // The rest of Process once a decryptor is chosen.
  FileOutcome Decrypt(const Item& item, ReadableFile& file, std::uint64_t size,
                      const FileSample& sample, const Choice& choice,
                      Buffers& buffers);
  Status EnsureDir(const Path& dir);
  bool Exists(const Path& path) { return fs_.Stat(path, false).has_value(); }
  // Decrypts `file` through `decryption`, feeding `verifier` and, unless
  // dry-running, `sink`.
  Status Stream(ReadableFile& file, std::uint64_t size,
                StreamDecryption& decryption, formats::StreamVerifier& verifier,
                WritableFile* sink, Buffers& buffers);
  // Whether `existing` is a regular file with the same bytes as `ours`,
  // compared a chunk at a time through `buffers` (bounded memory).
  Result<bool> SameContent(const Path& ours, const Path& existing,
                           Buffers& buffers);
  void Abandon(const Path& encrypted, const Path& temp) {
    fs_.Remove(temp).IgnoreError();
    journal_->Abandoned(encrypted).IgnoreError();
  }

  FileSystem& fs_;
  const RecoverOptions& options_;
  std::vector<Prepared> runs_;
  Journal* journal_;
  std::atomic<std::uint64_t> bytes_written_{0};
  std::mutex dirs_mutex_;
  std::set<std::string> known_dirs_;
  // Keyed by folder; filled in the constructor, then only each Folder's
  // evidence is written (once, under its once_flag).
  std::map<std::string, Folder> folders_;
};

Pipeline::Pipeline(FileSystem& fs, const RecoverOptions& options,
                   std::vector<Prepared> runs, Journal* journal,
                   const std::vector<Item>& items)
    : fs_(fs), options_(options), runs_(std::move(runs)), journal_(journal) {
  if (options_.kb == nullptr || !options_.family.empty()) return;
  for (const Item& item : items) {
    if (item.preset) continue;
    folders_[item.path.parent_path().native()].files.push_back(&item);
  }
}

const FolderEvidence* Pipeline::EvidenceFor(const Item& item) {
  auto it = folders_.find(item.path.parent_path().native());
  if (it == folders_.end()) return nullptr;
  Folder& folder = it->second;
  std::call_once(folder.once,
                 [&] { folder.evidence = GatherEvidence(folder.files); });
  return &folder.evidence;
}

FolderEvidence Pipeline::GatherEvidence(
    const std::vector<const Item*>& files) const {
  std::vector<const Item*> note_like;
  std::vector<const Item*> others;
  for (const Item* item : files) {
    if (NoteLikeName(item->path)) {
      if (item->size <= limits::kMaxRecoverNoteBytes) note_like.push_back(item);
    } else {
      others.push_back(item);
    }
  }
  std::stable_partition(
      note_like.begin(), note_like.end(),
      [](const Item* item) { return NoteWordInName(item->path); });
  // Inputs are named by file name alone: the evidence is about this folder,
  // and the detail speaks of "DECRYPT.txt", not of a full path.
  std::vector<identify::Input> inputs;
  std::set<std::string> note_sources;
  std::size_t reads = 0;
  for (const Item* item : note_like) {
    if (reads == limits::kMaxRecoverNoteReadsPerFolder ||
        note_sources.size() == limits::kMaxRecoverNotesPerFolder) {
      break;
    }
    ++reads;
    auto input = identify::ReadInput(fs_, item->path);
    if (!input || input->kind != identify::InputKind::kNote) continue;
    input->source = item->path.filename().string();
    note_sources.insert(input->source);
    inputs.push_back(std::move(*input));
  }
  std::size_t heads = 0;
  for (std::size_t i = 0;
       i < others.size() && i < limits::kMaxRecoverNamesPerFolder; ++i) {
    const std::string name = others[i]->path.filename().string();
    if (heads < limits::kMaxRecoverHeadsPerFolder) {
      auto input = identify::ReadInput(fs_, others[i]->path);
      if (input && input->kind != identify::InputKind::kNote) {
        ++heads;
        input->source = name;
        inputs.push_back(std::move(*input));
        continue;
      }
    }
    inputs.push_back(identify::FileNameInput(name));
  }
  FolderEvidence evidence;
  if (inputs.empty()) return evidence;
  const identify::Report report = options_.kb->Identify(inputs);
  evidence.verdict = report.verdict;
  if (report.verdict == identify::Verdict::kUnknown ||
      report.candidates.empty()) {
    return evidence;
  }
  const double best = report.candidates.front().score;
  for (const identify::Candidate& c : report.candidates) {
    if (!evidence.named.empty() &&
        (report.verdict == identify::Verdict::kIdentified ||
         c.score <= best - kAmbiguousMargin)) {
      break;
    }
    evidence.named.push_back(NamedFamily{c.family, c.name,
                                         EvidenceFrom(c, note_sources),
                                         c.recovery, c.decryptor, c.needs});
  }
  return evidence;
}

bool Pipeline::HasDecryptorFor(const NamedFamily& family) const {
  return std::any_of(runs_.begin(), runs_.end(), [&](const Prepared& p) {
    return p.decryptor->info().family_id == family.family ||
           (!family.decryptor.empty() &&
            p.decryptor->info().id == family.decryptor);
  });
}

std::optional<Pipeline::Choice> Pipeline::ChooseDecryptor(
    const FileSample& sample, const FolderEvidence* evidence) const {
  // The rank in identify's list of the family a decryptor is for, or none.
  auto named_rank = [&](const Prepared& p) -> std::optional<std::size_t> {
    if (evidence == nullptr) return std::nullopt;
    for (std::size_t i = 0; i < evidence->named.size(); ++i) {
      const NamedFamily& f = evidence->named[i];
      if (p.decryptor->info().family_id == f.family ||
          (!f.decryptor.empty() && p.decryptor->info().id == f.decryptor)) {
        return i;
      }
    }
    return std::nullopt;
  };
  std::optional<Choice> best;
  std::optional<Choice> best_named;
  std::size_t best_named_rank = 0;
  for (const Prepared& prepared : runs_) {
    ProbeResult probe = prepared.run->Probe(sample);
    if (probe.confidence <= 0) continue;
    if (const auto rank = named_rank(prepared)) {
      if (!best_named || probe.confidence > best_named->probe.confidence ||
          (probe.confidence == best_named->probe.confidence &&
           *rank < best_named_rank)) {
        best_named = Choice{&prepared, probe, ""};
        best_named_rank = *rank;
      }
    }
    if (!best || probe.confidence > best->probe.confidence) {
      best = Choice{&prepared, std::move(probe), ""};
    }
  }
  if (!best || evidence == nullptr || evidence->named.empty()) return best;
  const bool ambiguous = evidence->verdict == identify::Verdict::kAmbiguous;
  if (best_named && best_named->probe.confidence >=
                        best->probe.confidence - kIdentifyCloseCall) {
    const NamedFamily& f = evidence->named[best_named_rank];
    best_named->evidence =
        (ambiguous ? "identify says possibly " : "identified as ") + f.name +
        " from " + f.from;
    return best_named;
  }
  const NamedFamily& f = evidence->named.front();
  best->evidence = "identify " +
                   std::string(ambiguous ? "says possibly " : "names ") +
                   f.name + " (from " + f.from + "), but this file fits the " +
                   std::string(best->prepared->decryptor->info().id) +
                   " decryptor's checks better";
  return best;
}

Status Pipeline::EnsureDir(const Path& dir) {
  {
    std::lock_guard lock(dirs_mutex_);
    if (known_dirs_.count(dir.native()) > 0) return Status::Ok();
  }
  // Create missing folders and sync each parent, so that an output's folder
  // survives a crash as surely as the output.
  std::vector<Path> missing;
  for (Path p = dir; !p.empty() && !Exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  KINTSUGI_RETURN_IF_ERROR(fs_.CreateDirs(dir));
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(it->parent_path()));
  }
  std::lock_guard lock(dirs_mutex_);
  known_dirs_.insert(dir.native());
  return Status::Ok();
}

Status Pipeline::Stream(ReadableFile& file, std::uint64_t size,
                        StreamDecryption& decryption,
                        formats::StreamVerifier& verifier, WritableFile* sink,
                        Buffers& buffers) {
  verifier.ExpectAtLeast(decryption.MinOutputBytes());
  const std::span<std::uint8_t> out(buffers.out);
  std::size_t produced = 0;  // Plaintext in `out` not yet written.
  auto flush = [&]() -> Status {
    if (sink != nullptr && produced > 0) {
      KINTSUGI_RETURN_IF_ERROR(sink->Append(ByteView(out.first(produced))));
    }
    produced = 0;
    return Status::Ok();
  };
  std::uint64_t offset = 0;
  while (offset < size) {
    if (options_.cancel != nullptr && options_.cancel->load()) {
      return CancelledError("run interrupted");
    }
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffers.in.size(), size - offset));
    KINTSUGI_ASSIGN_OR_RETURN(
        std::size_t got,
        file.ReadAt(offset, std::span<std::uint8_t>(buffers.in).first(want)));
    if (got == 0) {
      return CorruptError("the file shrank while it was read");
    }
    offset += got;
    // Decrypt and verify in cache-sized pieces, so the verifier reads
    // plaintext the decryption has just written; write the chunk at once.
    const ByteView chunk(std::span<const std::uint8_t>(buffers.in).first(got));
    for (std::size_t done = 0; done < got;) {
      const std::size_t piece = std::min(kDecryptPieceBytes, got - done);
      if (out.size() - produced < piece + StreamDecryption::kSlack) {
        KINTSUGI_RETURN_IF_ERROR(flush());
      }
      KINTSUGI_ASSIGN_OR_RETURN(
          std::size_t n,
          decryption.Update(*chunk.Sub(done, piece), out.subspan(produced)));
      verifier.Update(ByteView(out.subspan(produced, n)));
      // A dry run keeps nothing: the next piece reuses the same, still
      // cached, bytes of `out`.
      produced = sink != nullptr ? produced + n : 0;
      done += piece;
    }
    KINTSUGI_RETURN_IF_ERROR(flush());
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, decryption.Finish(out));
  verifier.Update(ByteView(out.first(n)));
  produced = n;
  return flush();
}

FileOutcome Pipeline::Process(const Item& item, Buffers& buffers) {
  if (item.preset) return *item.preset;
  const Path& path = item.path;
  if (auto done = journal_->FindDone(path); done && Exists(done->output)) {
    FileOutcome outcome =
        Outcome(path, done->status, "already done by an earlier run");
    outcome.output = done->output;
    return outcome;
  }
  auto file = fs_.OpenForRead(path);
  if (!file) {
    return Outcome(path, RecoverStatus::kError,
                   "cannot open for reading: " + file.error().message());
  }
  auto size = (*file)->Size();
  if (!size) {
    return Outcome(path, RecoverStatus::kError,
                   "cannot read: " + size.error().message());
  }
  if (*size == 0) {
    return Outcome(path, RecoverStatus::kNotEncrypted, "empty file");
  }
  // Bounded samples for probing: head and tail.
  Bytes head(static_cast<std::size_t>(
      std::min<std::uint64_t>(*size, kProbeHeadBytes)));
  Bytes tail(static_cast<std::size_t>(
      std::min<std::uint64_t>(*size, kProbeTailBytes)));
  for (auto [buffer, offset] :
       {std::pair<Bytes*, std::uint64_t>{&head, 0},
        std::pair<Bytes*, std::uint64_t>{&tail, *size - tail.size()}}) {
    std::size_t filled = 0;
    while (filled < buffer->size()) {
      auto got = (*file)->ReadAt(
          offset + filled, std::span<std::uint8_t>(*buffer).subspan(filled));
      if (!got) {
        return Outcome(path, RecoverStatus::kError,
                       "cannot read: " + got.error().message());
      }
      if (*got == 0) {
        return Outcome(path, RecoverStatus::kError,
                       "the file shrank while it was read");
      }
      filled += *got;
    }
  }
  FileSample sample{path, path.filename().native(), *size, head, tail};

  // An ordinary file that starts like its own extension says is left alone.
  const std::optional<formats::FileKind> sniffed = formats::SniffHeader(head);
  const auto own_kinds = formats::ExpectedKinds(path.extension().native());
  if (sniffed && std::find(own_kinds.begin(), own_kinds.end(), *sniffed) !=
                     own_kinds.end()) {
    return Outcome(path, RecoverStatus::kNotEncrypted,
                   "looks like an ordinary " +
                       std::string(formats::FileKindName(*sniffed)) + " file");
  }
  const FolderEvidence* evidence = EvidenceFor(item);
  auto choice = ChooseDecryptor(sample, evidence);
  if (!choice) {
    if (sniffed) {
      return Outcome(path, RecoverStatus::kNotEncrypted,
                     "no decryptor recognises it; it looks like an ordinary " +
                         std::string(formats::FileKindName(*sniffed)) +
                         " file");
    }
    if (evidence != nullptr &&
        evidence->verdict == identify::Verdict::kIdentified &&
        !evidence->named.empty()) {
      const NamedFamily& f = evidence->named.front();
      if (!HasDecryptorFor(f)) {
        return Outcome(path, RecoverStatus::kUnsupported,
                       "no decryptor in this version recognises it; this "
                       "folder is identified as " +
                           f.name + " (" + f.family + ") from " + f.from +
                           ": " + RecoveryInWords(f));
      }
      return Outcome(path, RecoverStatus::kUnsupported,
                     "no decryptor recognises this file, though this folder "
                     "is identified as " +
                         f.name + " from " + f.from + " (renamed or damaged?)");
    }
    return Outcome(path, RecoverStatus::kUnsupported,
                   "no decryptor recognises this file");
  }
  FileOutcome outcome = Decrypt(item, **file, *size, sample, *choice, buffers);
  if (!choice->evidence.empty()) {
    outcome.detail += (outcome.detail.empty() ? "" : "; ") + choice->evidence;
  }
  return outcome;
}

FileOutcome Pipeline::Decrypt(const Item& item, ReadableFile& file,
                              std::uint64_t size, const FileSample& sample,
                              const Choice& choice, Buffers& buffers) {
  const Path& path = item.path;
  const DecryptorInfo& info = choice.prepared->decryptor->info();
  FileOutcome outcome;
  outcome.path = path;
  outcome.decryptor = std::string(info.id);
  outcome.family = std::string(info.family_id);
  outcome.variant = choice.probe.variant;

  KeyOutcome key = choice.prepared->run->FindKey(sample, choice.probe);
  switch (key.verdict) {
    case KeyVerdict::kFound:
      break;
    case KeyVerdict::kNeedsInput:
      outcome.status = RecoverStatus::kNeedsInput;
      outcome.detail = key.detail;
      return outcome;
    case KeyVerdict::kNotFound:
      outcome.status = RecoverStatus::kKeyNotFound;
      outcome.detail = key.detail;
      return outcome;
    case KeyVerdict::kDamaged:
      outcome.status = RecoverStatus::kError;
      outcome.detail = key.detail;
      return outcome;
  }
  if (!key.key.variant.empty()) outcome.variant = key.key.variant;
  outcome.key_source = key.key.source;

  const std::string& name = choice.probe.original_name;
  const Path dir = options_.out_dir.empty()
                       ? path.parent_path()
                       : (options_.out_dir / item.rel).parent_path();
  const auto expected = formats::ExpectedKinds(Path(name).extension().native());
  formats::StreamVerifier verifier(expected);
  auto decryption = choice.prepared->run->StartDecryption(key.key, size);
  if (!decryption) {
    outcome.status = RecoverStatus::kError;
    outcome.detail = "cannot start decryption: " + decryption.error().message();
    return outcome;
  }

  auto fail = [&](RecoverStatus status, std::string detail) {
    outcome.status = status;
    outcome.detail = std::move(detail);
    outcome.output.clear();
    return outcome;
  };

  if (options_.dry_run) {
    // What the real run would compare with (the first name, verified or
    // not): the verified one when it exists, otherwise the unverified one.
    std::unique_ptr<ComparingSink> existing;
    Path compared;
    for (bool unverified : {false, true}) {
      const Path first = dir / CandidateName(name, 0, unverified);
      auto found = fs_.Stat(first, /*follow_symlinks=*/false);
      if (!found || found->type != FileType::kRegular) continue;
      if (auto opened = fs_.OpenForRead(first)) {
        existing =
            std::make_unique<ComparingSink>(std::move(*opened), found->size);
        compared = first;
      }
      break;
    }
    Status streamed =
        Stream(file, size, **decryption, verifier, existing.get(), buffers);
    if (!streamed.ok()) {
      return fail(RecoverStatus::kError,
                  "decryption failed: " + streamed.message());
    }
    const formats::Verification verification = verifier.Finish();
    const bool valid = verification.valid();
    if (valid && verification.kind) {
      outcome.verified_as =
          std::string(formats::FileKindName(*verification.kind));
    }
    outcome.status =
        valid ? RecoverStatus::kRecovered : RecoverStatus::kUnverified;
    if (existing && existing->Same() &&
        compared == dir / CandidateName(name, 0, !valid) &&
        (valid || !options_.verified_only)) {
      outcome.output = compared;
      outcome.detail = "dry run: already recovered (same content)";
      return outcome;
    }
    for (unsigned attempt = 0; attempt < limits::kMaxRecoveredNameAttempts;
         ++attempt) {
      const Path candidate = dir / CandidateName(name, attempt, !valid);
      if (!Exists(candidate)) {
        outcome.output = candidate;
        break;
      }
    }
    outcome.detail = "dry run: would write " + outcome.output.string() +
                     (valid ? "" : " (" + verification.detail + ")");
    if (!valid && options_.verified_only) {
      outcome.output.clear();
      outcome.detail = "dry run: would not keep it (--verified-only): " +
                       verification.detail;
    }
    return outcome;
  }

  if (Status made = EnsureDir(dir); !made.ok()) {
    return fail(RecoverStatus::kError,
                "cannot create the output folder: " + made.message());
  }
  const Path temp = dir / MakeTempName(name);
  if (Status begun = journal_->Begin(path, temp); !begun.ok()) {
    return fail(RecoverStatus::kError,
                "cannot write the journal: " + begun.message());
  }
  // The output gets the encrypted file's permissions (ASSURANCE.md): never
  // readable by more users than the encrypted copy was.
  const auto encrypted_info = fs_.Stat(item.path, /*follow_symlinks=*/true);
  auto sink = fs_.CreateNew(
      temp, encrypted_info ? encrypted_info->mode & 0777u : kPrivateFileMode);
  if (!sink) {
    journal_->Abandoned(path).IgnoreError();
    return fail(RecoverStatus::kError,
                "cannot create the output: " + sink.error().message());
  }
  Status written =
      Stream(file, size, **decryption, verifier, sink->get(), buffers);
  if (written.ok()) written = (*sink)->Sync();
  if (written.ok()) written = (*sink)->Close();
  if (!written.ok()) {
    sink->reset();
    Abandon(path, temp);
    const bool damaged = written.code() == StatusCode::kCorrupt;
    return fail(RecoverStatus::kError,
                (damaged ? "decryption failed (damaged or truncated file?): "
                         : "writing the output failed: ") +
                    written.message());
  }
  sink->reset();
  const formats::Verification verification = verifier.Finish();
  const bool valid = verification.valid();
  if (valid && verification.kind) {
    outcome.verified_as =
        std::string(formats::FileKindName(*verification.kind));
  }
  if (!valid && options_.verified_only) {
    Abandon(path, temp);
    return fail(RecoverStatus::kUnverified,
                "output could not be verified and was not kept "
                "(--verified-only): " +
                    verification.detail);
  }
  // A rerun that does not find the earlier run's journal (deleted, or kept
  // in another first input folder) meets its own output under the first
  // name: keep that one instead of adding "name (recovered).ext" beside it.
  const Path first_name = dir / CandidateName(name, 0, !valid);
  if (auto same = SameContent(temp, first_name, buffers); same && *same) {
    outcome.output = first_name;
    outcome.status =
        valid ? RecoverStatus::kRecovered : RecoverStatus::kUnverified;
    outcome.detail = "already recovered (same content)";
    if (Status removed = fs_.Remove(temp); !removed.ok()) {
      // The journal's B record still names the temporary: the next run
      // removes it.
      outcome.detail += "; warning: the temporary copy " + temp.string() +
                        " could not be removed: " + removed.message();
      return outcome;
    }
    if (Status durable = journal_->Finished(path, first_name, outcome.status);
        !durable.ok()) {
      outcome.detail += "; warning: " + durable.message();
    }
    return outcome;
  }
  std::optional<Path> final_path;
  Status renamed = Status::Ok();
  for (unsigned attempt = 0; attempt < limits::kMaxRecoveredNameAttempts;
       ++attempt) {
    const Path candidate = dir / CandidateName(name, attempt, !valid);
    if (Exists(candidate)) continue;
    renamed = journal_->Committing(path, temp, candidate);
    if (!renamed.ok()) break;
    renamed = fs_.RenameNoReplace(temp, candidate);
    if (renamed.ok()) {
      final_path = candidate;
      break;
    }
    if (renamed.code() != StatusCode::kAlreadyExists) break;
  }
  if (!final_path) {
    Abandon(path, temp);
    return fail(RecoverStatus::kError,
                renamed.ok()
                    ? "no free name for the output"
                    : "cannot put the output in place: " + renamed.message());
  }
  outcome.output = *final_path;
  outcome.status =
      valid ? RecoverStatus::kRecovered : RecoverStatus::kUnverified;
  outcome.detail = valid ? "verified" : verification.detail;
  Status durable = fs_.SyncDir(dir);
  if (durable.ok())
    durable = journal_->Finished(path, *final_path, outcome.status);
  if (!durable.ok()) {
    // The output is in place and complete (it was synced before the
    // rename); only its durability across a crash is in doubt, and the
    // journal's C record lets a rerun settle it.
    outcome.detail += "; warning: " + durable.message();
  }
  bytes_written_ += size;
  return outcome;
}

Result<bool> Pipeline::SameContent(const Path& ours, const Path& existing,
                                   Buffers& buffers) {
  auto info = fs_.Stat(existing, /*follow_symlinks=*/false);
  if (!info || info->type != FileType::kRegular) return false;
  KINTSUGI_ASSIGN_OR_RETURN(auto a, fs_.OpenForRead(ours));
  KINTSUGI_ASSIGN_OR_RETURN(auto b, fs_.OpenForRead(existing));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, a->Size());
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t other_size, b->Size());
  if (size != other_size) return false;
  const std::size_t chunk = std::min(buffers.in.size(), buffers.out.size());
  // Fills `buffer` from `file` at `offset`; false when the file ended.
  auto fill = [](ReadableFile& file, std::uint64_t offset,
                 std::span<std::uint8_t> buffer) -> Result<bool> {
    for (std::size_t filled = 0; filled < buffer.size();) {
      KINTSUGI_ASSIGN_OR_RETURN(
          std::size_t got,
          file.ReadAt(offset + filled, buffer.subspan(filled)));
      if (got == 0) return false;
      filled += got;
    }
    return true;
  };
  for (std::uint64_t offset = 0; offset < size;) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - offset));
    const auto mine = std::span<std::uint8_t>(buffers.in).first(want);
    const auto theirs = std::span<std::uint8_t>(buffers.out).first(want);
    KINTSUGI_ASSIGN_OR_RETURN(bool full_a, fill(*a, offset, mine));
    KINTSUGI_ASSIGN_OR_RETURN(bool full_b, fill(*b, offset, theirs));
    if (!full_a || !full_b ||
        !std::equal(mine.begin(), mine.end(), theirs.begin())) {
      return false;
    }
    offset += want;
  }
  return true;
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

std::string CandidateName(const std::string& name, unsigned attempt,
                          bool unverified) {
  std::string result;
  if (attempt == 0) {
    result = name;
  } else {
    const Path p(name);
    const std::string stem = p.stem().native();
    const std::string ext = p.extension().native();
    result = stem +
             (attempt == 1 ? " (recovered)"
                           : " (recovered " + std::to_string(attempt) + ")") +
             ext;
  }
  if (unverified) result += ".unverified";
  return result;
}

Result<RecoverReport> RunRecovery(
    FileSystem& fs, const RecoverOptions& options,
    std::span<const Decryptor* const> decryptors) {
  if (options.paths.empty()) return InvalidArgumentError("no PATH given");
  if (options.iv && !options.key) {
    return InvalidArgumentError("--iv needs --key");
  }
  if (options.key && options.family.empty()) {
    return InvalidArgumentError(
        "--key needs --family (which scheme the key is for)");
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

  // The journal sits with the outputs: in --out, or in the first input
  // folder (the folder of the first input file).
  Path journal_home = out_dir;
  if (journal_home.empty()) {
    auto info = fs.Stat(roots.front(), true);
    journal_home = (info && info->type == FileType::kDirectory)
                       ? roots.front()
                       : roots.front().parent_path();
  }
  if (!out_dir.empty() && !options.dry_run) {
    KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(out_dir));
    KINTSUGI_RETURN_IF_ERROR(fs.SyncDir(out_dir.parent_path()));
  }
  auto journal =
      Journal::Open(fs, journal_home / kJournalDirName, options.dry_run);
  if (!journal) {
    return Status(
        journal.error().code(),
        "cannot keep a journal in " + journal_home.string() + ": " +
            journal.error().message() +
            (out_dir.empty() ? " (use --out DIR to write elsewhere)" : ""));
  }

  std::optional<std::pair<std::uint64_t, std::uint64_t>> out_dir_id;
  if (!out_dir.empty()) {
    if (auto info = fs.Stat(out_dir, true)) {
      out_dir_id = std::make_pair(info->device, info->inode);
    }
  }
  Walker walker(fs, journal->get(), out_dir_id);
  const std::vector<Path> bases = OutputBases(roots);
  for (std::size_t i = 0; i < roots.size(); ++i) {
    walker.WalkRoot(roots[i], bases[i]);
  }
  std::vector<Item> items = walker.TakeItems();

  RunInputs inputs;
  inputs.pairs = options.pairs;
  inputs.key = options.key;
  inputs.iv = options.iv;
  inputs.forced = !options.family.empty();
  inputs.side_files = walker.TakeSideFiles();
  for (const Item& item : items) {
    if (!item.preset) inputs.files.emplace_back(item.path, item.size);
  }
  std::vector<Prepared> runs;
  for (const Decryptor* decryptor : chosen) {
    auto run = decryptor->Prepare(fs, inputs);
    if (!run) {
      return Status(run.error().code(), std::string(decryptor->info().id) +
                                            ": " + run.error().message());
    }
    runs.push_back(Prepared{decryptor, std::move(*run)});
  }
  std::vector<const DecryptorRun*> run_views;
  for (const Prepared& p : runs) run_views.push_back(p.run.get());

  Pipeline pipeline(fs, options, std::move(runs), journal->get(), items);
  RecoverProgress progress;
  progress.files_total = items.size();
  for (const Item& item : items) progress.bytes_total += item.size;
  std::mutex progress_mutex;
  std::vector<std::optional<FileOutcome>> outcomes(items.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  std::uint64_t largest = 1;
  for (const Item& item : items) largest = std::max(largest, item.size);
  const std::size_t chunk = static_cast<std::size_t>(
      std::min<std::uint64_t>(limits::kStreamChunkBytes, largest));
  auto worker = [&] {
    Buffers buffers(chunk);
    while (true) {
      if (options.cancel != nullptr && options.cancel->load()) {
        cancelled = true;
        return;
      }
      const std::size_t index = next.fetch_add(1);
      if (index >= items.size()) return;
      FileOutcome outcome = pipeline.Process(items[index], buffers);
      if (options.cancel != nullptr && options.cancel->load() &&
          outcome.status == RecoverStatus::kError) {
        cancelled = true;  // Interrupted mid-file: not a verdict.
        return;
      }
      outcomes[index] = std::move(outcome);
      std::lock_guard lock(progress_mutex);
      ++progress.files_done;
      progress.bytes_done += items[index].size;
      if (options.on_progress) options.on_progress(progress);
    }
  };
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, limits::kMaxThreads);
  threads = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(threads, items.size())));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }

  RecoverReport report;
  report.dry_run = options.dry_run;
  report.cancelled = cancelled.load();
  for (auto& outcome : outcomes) {
    if (!outcome) continue;
    ++report.counts[static_cast<std::size_t>(outcome->status)];
    report.files.push_back(std::move(*outcome));
  }
  for (const DecryptorRun* run : run_views) {
    for (ReportedKey& key : run->ReportedKeys()) {
      report.keys.push_back(std::move(key));
    }
  }
  report.bytes_written = pipeline.bytes_written();
  return report;
}

}  // namespace kintsugi::recover
