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

bool NoteLikeName(const Path& path) {
  static constexpr std::string_view kExtensions[] = {".txt", ".html", ".htm",
                                                     ".hta", ".rtf"};
  const std::string ext = AsciiLower(path.extension().native());
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) !=
         std::end(kExtensions);
}

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
  return EvidenceFromInputs(kb, inputs, note_sources);
}

FolderEvidence EvidenceFromInputs(const identify::CompiledKb& kb,
                                  std::span<const identify::Input> inputs,
                                  const std::set<std::string>& note_sources) {
  FolderEvidence evidence;
  evidence.kb = &kb;
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

std::optional<NamedFamily> IdentifyFile(const identify::CompiledKb& kb,
                                        const FileSample& sample) {
  identify::Input input;
  input.kind = identify::InputKind::kEncryptedFile;
  input.source = sample.name;
  input.file_name = sample.name;
  input.content = sample.head.ToBytes();
  input.tail = sample.tail.ToBytes();
  input.size = sample.size;
  const identify::Input inputs[] = {std::move(input)};
  const identify::Report report = kb.Identify(inputs);
  if (report.verdict != identify::Verdict::kIdentified ||
      report.candidates.empty()) {
    return std::nullopt;
  }
  const identify::Candidate& c = report.candidates.front();
  return NamedFamily{c.family,   c.name,      identify::EvidenceOrigin(c, {}),
                     c.recovery, c.decryptor, c.needs};
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
  // The file's own evidence, asked for only where it can change the
  // verdict (identify per file costs a scan of its head and tail).
  std::optional<std::optional<NamedFamily>> own;
  auto file_family = [&]() -> const NamedFamily* {
    if (!own) {
      own.emplace();
      if (evidence != nullptr && evidence->kb != nullptr) {
        *own = IdentifyFile(*evidence->kb, sample);
      }
    }
    return own->has_value() ? &**own : nullptr;
  };
  const NamedFamily* folder_family =
      evidence != nullptr &&
              evidence->verdict == identify::Verdict::kIdentified &&
              !evidence->named.empty()
          ? &evidence->named.front()
          : nullptr;
  auto built = [&](const NamedFamily& f) {
    return std::any_of(
        runs.begin(), runs.end(),
        [&](const PreparedDecryptor& p) { return IsFor(*p.decryptor, f); });
  };
  // Unsupported, with the family identify names and what recovering its
  // files needs (the KB's recovery facts).
  auto not_built = [&](const NamedFamily& f, bool from_file) {
    triage.choice.reset();
    triage.family = f.family;
    return verdict(RecoverStatus::kUnsupported,
                   Message{from_file ? MessageId::kRecoverFileIdentifiedNotBuilt
                                     : MessageId::kRecoverIdentifiedNotBuilt,
                           {{"name", f.name},
                            {"family", f.family},
                            {"origin", std::vector<Message>{f.from}},
                            {"advice", identify::RecoveryAdvice(
                                           f.recovery, f.decryptor, f.needs,
                                           /*decryptor_available=*/false)}}});
  };
  triage.choice = ChooseDecryptor(runs, sample, evidence);
  if (triage.choice) {
    if (triage.choice->probe.confidence >= kStructuralConfidence) {
      return triage;
    }
    // Taken by name alone: a family identify attributes the file (or its
    // folder) to that this build cannot decrypt is the better answer.
    const Decryptor& chosen = *triage.choice->prepared->decryptor;
    for (const auto& [f, from_file] :
         {std::pair{file_family(), true}, std::pair{folder_family, false}}) {
      if (f != nullptr && !IsFor(chosen, *f) && !built(*f)) {
        return not_built(*f, from_file);
      }
    }
    return triage;
  }
  if (sample.size == 0) {
    return verdict(RecoverStatus::kNotEncrypted,
                   Message{MessageId::kRecoverEmptyFile, {}});
  }
  // Before "ordinary": a family that keeps a file's first bytes (STOP/Djvu
  // keeps five, a JPEG's magic among them) is told by its markers.
  if (const NamedFamily* f = file_family(); f != nullptr && !built(*f)) {
    return not_built(*f, /*from_file=*/true);
  }
  if (sniffed) {
    return verdict(
        RecoverStatus::kNotEncrypted,
        Message{MessageId::kRecoverNoDecryptorOrdinary,
                {{"kind", std::string(formats::FileKindName(*sniffed))}}});
  }
  if (folder_family != nullptr) {
    const NamedFamily& f = *folder_family;
    if (!built(f)) return not_built(f, /*from_file=*/false);
    return verdict(
        RecoverStatus::kUnsupported,
        Message{MessageId::kRecoverIdentifiedNoFit,
                {{"name", f.name}, {"origin", std::vector<Message>{f.from}}}});
  }
  return verdict(RecoverStatus::kUnsupported,
                 Message{MessageId::kRecoverNoDecryptor, {}});
}

}  // namespace kintsugi::recover
