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

// Whether `decryptor` is for `family` (by family id or the KB's decryptor
// id).
bool IsFor(const Decryptor& decryptor, const NamedFamily& family) {
  return decryptor.info().family_id == family.family ||
         (!family.decryptor.empty() && decryptor.info().id == family.decryptor);
}

}  // namespace

FolderEvidence GatherFolderEvidence(ReadOnlyFileSystem& fs,
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
  for (std::size_t i = 0; i < report.named && i < report.candidates.size();
       ++i) {
    const identify::Candidate& c = report.candidates[i];
    evidence.named.push_back(
        NamedFamily{c.family, c.name, identify::EvidenceOrigin(c, note_sources),
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
        best_named = DecryptorChoice{&prepared, probe, {}};
        best_named_rank = *rank;
      }
    }
    if (!best || probe.confidence > best->probe.confidence) {
      best = DecryptorChoice{&prepared, std::move(probe), {}};
    }
  }
  if (!best || evidence == nullptr || evidence->named.empty()) return best;
  const bool ambiguous = evidence->verdict == identify::Verdict::kAmbiguous;
  if (best_named && best_named->probe.confidence >=
                        best->probe.confidence - kIdentifyCloseCall) {
    const NamedFamily& f = evidence->named[best_named_rank];
    best_named->evidence =
        Message{ambiguous ? MessageId::kRecoverChoicePossibly
                          : MessageId::kRecoverChoiceIdentified,
                {{"name", f.name}, {"origin", std::vector<Message>{f.from}}}};
    return best_named;
  }
  const NamedFamily& f = evidence->named.front();
  best->evidence = Message{
      ambiguous ? MessageId::kRecoverChoiceOverruledPossibly
                : MessageId::kRecoverChoiceOverruled,
      {{"name", f.name},
       {"origin", std::vector<Message>{f.from}},
       {"decryptor", std::string(best->prepared->decryptor->info().id)}}};
  return best;
}

Triage TriageFile(std::span<const PreparedDecryptor> runs,
                  const FileSample& sample, const EvidenceSource& source) {
  Triage triage;
  auto verdict = [&](RecoverStatus status, Message detail) {
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
    return verdict(
        RecoverStatus::kNotEncrypted,
        Message{MessageId::kRecoverOrdinaryFile,
                {{"kind", std::string(formats::FileKindName(*sniffed))}}});
  }
  const FolderEvidence* evidence = source ? source() : nullptr;
  triage.choice = ChooseDecryptor(runs, sample, evidence);
  if (triage.choice) return triage;
  if (sample.size == 0) {
    return verdict(RecoverStatus::kNotEncrypted,
                   Message{MessageId::kRecoverEmptyFile, {}});
  }
  if (sniffed) {
    return verdict(
        RecoverStatus::kNotEncrypted,
        Message{MessageId::kRecoverNoDecryptorOrdinary,
                {{"kind", std::string(formats::FileKindName(*sniffed))}}});
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
                     Message{MessageId::kRecoverIdentifiedNotBuilt,
                             {{"name", f.name},
                              {"family", f.family},
                              {"origin", std::vector<Message>{f.from}},
                              {"advice", identify::RecoveryAdvice(
                                             f.recovery, f.decryptor, f.needs,
                                             /*decryptor_available=*/false)}}});
    }
    return verdict(
        RecoverStatus::kUnsupported,
        Message{MessageId::kRecoverIdentifiedNoFit,
                {{"name", f.name}, {"origin", std::vector<Message>{f.from}}}});
  }
  return verdict(RecoverStatus::kUnsupported,
                 Message{MessageId::kRecoverNoDecryptor, {}});
}

}  // namespace kintsugi::recover
