#include "recover/evidence.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "formats/file_validator.h"
#include "kintsugi/limits.h"

namespace kintsugi::recover {
namespace {

// In an ambiguous verdict, the candidates this close to the best score are
// the families identify names (as `kintsugi identify` lists them).
constexpr double kAmbiguousMargin = 0.15;

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

// Whether `decryptor` is for `family` (by family id or the KB's decryptor
// id).
bool IsFor(const Decryptor& decryptor, const NamedFamily& family) {
  return decryptor.info().family_id == family.family ||
         (!family.decryptor.empty() && decryptor.info().id == family.decryptor);
}

}  // namespace

FolderEvidence GatherFolderEvidence(FileSystem& fs,
                                    const identify::CompiledKb& kb,
                                    std::span<const WalkItem* const> files) {
  std::vector<const WalkItem*> note_like;
  std::vector<const WalkItem*> others;
  for (const WalkItem* item : files) {
    if (NoteLikeName(item->path)) {
      if (item->size <= limits::kMaxRecoverNoteBytes) note_like.push_back(item);
    } else {
      others.push_back(item);
    }
  }
  std::stable_partition(
      note_like.begin(), note_like.end(),
      [](const WalkItem* item) { return NoteWordInName(item->path); });
  // Inputs are named by file name alone: the evidence is about this folder,
  // and the detail speaks of "DECRYPT.txt", not of a full path.
  std::vector<identify::Input> inputs;
  std::set<std::string> note_sources;
  std::size_t reads = 0;
  for (const WalkItem* item : note_like) {
    if (reads == limits::kMaxRecoverNoteReadsPerFolder ||
        note_sources.size() == limits::kMaxRecoverNotesPerFolder) {
      break;
    }
    ++reads;
    auto input = identify::ReadInput(fs, item->path);
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
      auto input = identify::ReadInput(fs, others[i]->path);
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
  const identify::Report report = kb.Identify(inputs);
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

std::optional<DecryptorChoice> ChooseDecryptor(
    std::span<const PreparedDecryptor> runs, const FileSample& sample,
    const FolderEvidence* evidence) {
  // The rank in identify's list of the family a decryptor is for, or none.
  auto named_rank =
      [&](const PreparedDecryptor& p) -> std::optional<std::size_t> {
    if (evidence == nullptr) return std::nullopt;
    for (std::size_t i = 0; i < evidence->named.size(); ++i) {
      if (IsFor(*p.decryptor, evidence->named[i])) return i;
    }
    return std::nullopt;
  };
  std::optional<DecryptorChoice> best;
  std::optional<DecryptorChoice> best_named;
  std::size_t best_named_rank = 0;
  for (const PreparedDecryptor& prepared : runs) {
    ProbeResult probe = prepared.run->Probe(sample);
    if (probe.confidence <= 0) continue;
    if (const auto rank = named_rank(prepared)) {
      if (!best_named || probe.confidence > best_named->probe.confidence ||
          (probe.confidence == best_named->probe.confidence &&
           *rank < best_named_rank)) {
        best_named = DecryptorChoice{&prepared, probe, ""};
        best_named_rank = *rank;
      }
    }
    if (!best || probe.confidence > best->probe.confidence) {
      best = DecryptorChoice{&prepared, std::move(probe), ""};
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

Triage TriageFile(std::span<const PreparedDecryptor> runs,
                  const FileSample& sample, const EvidenceSource& source) {
  Triage triage;
  auto verdict = [&](RecoverStatus status, std::string detail) {
    triage.status = status;
    triage.detail = std::move(detail);
    return std::move(triage);
  };
  // An ordinary file that starts like its own extension says is left alone.
  const std::optional<formats::FileKind> sniffed =
      formats::SniffHeader(sample.head);
  const auto own_kinds =
      formats::ExpectedKinds(sample.path.extension().native());
  if (sniffed && std::find(own_kinds.begin(), own_kinds.end(), *sniffed) !=
                     own_kinds.end()) {
    return verdict(RecoverStatus::kNotEncrypted,
                   "looks like an ordinary " +
                       std::string(formats::FileKindName(*sniffed)) + " file");
  }
  const FolderEvidence* evidence = source ? source() : nullptr;
  triage.choice = ChooseDecryptor(runs, sample, evidence);
  if (triage.choice) return triage;
  if (sample.size == 0) {
    return verdict(RecoverStatus::kNotEncrypted, "empty file");
  }
  if (sniffed) {
    return verdict(RecoverStatus::kNotEncrypted,
                   "no decryptor recognises it; it looks like an ordinary " +
                       std::string(formats::FileKindName(*sniffed)) + " file");
  }
  if (evidence != nullptr &&
      evidence->verdict == identify::Verdict::kIdentified &&
      !evidence->named.empty()) {
    const NamedFamily& f = evidence->named.front();
    const bool has_decryptor = std::any_of(
        runs.begin(), runs.end(),
        [&](const PreparedDecryptor& p) { return IsFor(*p.decryptor, f); });
    if (!has_decryptor) {
      return verdict(RecoverStatus::kUnsupported,
                     "no decryptor in this version recognises it; this "
                     "folder is identified as " +
                         f.name + " (" + f.family + ") from " + f.from + ": " +
                         RecoveryInWords(f));
    }
    return verdict(RecoverStatus::kUnsupported,
                   "no decryptor recognises this file, though this folder "
                   "is identified as " +
                       f.name + " from " + f.from + " (renamed or damaged?)");
  }
  return verdict(RecoverStatus::kUnsupported,
                 "no decryptor recognises this file");
}

}  // namespace kintsugi::recover
