#pragma once

// The triage of a recovery (and of scan, later): "is this file encrypted,
// and which decryptor takes it?". Identify's evidence is gathered once per
// folder (GatherFolderEvidence) and helps choose among the decryptors whose
// probes accept a file (ChooseDecryptor); TriageFile adds the verdicts for
// files no decryptor takes.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "recover/decryptor.h"
#include "recover/walker.h"

namespace kintsugi::recover {

// How far below the best probe a decryptor of the family identify names may
// be and still be chosen. Probes by name alone score ~20-60 and structural
// checks ~70-90 (decryptor.h), so identify settles ties and close calls
// between names, but a structural fit beats a name (issue 4).
inline constexpr int kIdentifyCloseCall = 15;

// Probes below this accepted a file by its name alone (decryptor.h: ~20-60
// by name, ~70-90 by a structural check). Such a choice yields to a family
// identify attributes the file (or its folder) to when this build has no
// decryptor for it (issue 16): a shared extension is not another family's
// file.
inline constexpr int kStructuralConfidence = 70;

// A decryptor prepared for one run.
struct PreparedDecryptor {
  const Decryptor* decryptor = nullptr;
  std::unique_ptr<DecryptorRun> run;
};

// A family identify names for a folder, with what the detail of a file
// needs to say about it.
struct NamedFamily {
  std::string family;  // KB id.
  std::string name;    // Display name.
  Message from;        // identify::EvidenceOrigin: "DECRYPT.txt and ...".
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
  // The KB it came from, for the evidence of single files (IdentifyFile);
  // null when identify is not consulted.
  const identify::CompiledKb* kb = nullptr;
};

// Ransom notes are text, HTML, HTA or RTF files; only files with such names
// are read to find them (reading every file of a folder would double a
// run's I/O).
bool NoteLikeName(const Path& path);

// Runs identify over the files of one folder: the ransom notes among them
// (text-like names, note-like names first) and the names and a few heads of
// the others, within the limits::kMaxRecover*PerFolder bounds.
FolderEvidence GatherFolderEvidence(ReadOnlyFileSystem& fs,
                                    const identify::CompiledKb& kb,
                                    std::span<const WalkItem* const> files);

// Identify's answer for one folder from inputs already read (scan reads
// each file once and hands over the notes it found and the folder's names);
// `note_sources` names the notes among them, for NamedFamily::from.
FolderEvidence EvidenceFromInputs(const identify::CompiledKb& kb,
                                  std::span<const identify::Input> inputs,
                                  const std::set<std::string>& note_sources);

// The family identify attributes one file to from its own evidence (name,
// head and tail markers, size), when the verdict is "identified".
std::optional<NamedFamily> IdentifyFile(const identify::CompiledKb& kb,
                                        const FileSample& sample);

// The decryptor chosen for a file, and why.
struct DecryptorChoice {
  const PreparedDecryptor* prepared = nullptr;
  ProbeResult probe;
  // What identify said, for the detail; id kCount when it said nothing.
  Message evidence;
};

// Picks the decryptor for a file among those whose probe accepts it: the
// most confident (the first of a tie), unless one of the family identify
// names for the folder is within kIdentifyCloseCall of it. `evidence` may
// be null (identify not consulted). Nothing when no probe accepts it.
std::optional<DecryptorChoice> ChooseDecryptor(
    std::span<const PreparedDecryptor> runs, const FileSample& sample,
    const FolderEvidence* evidence);

// The triage of one file: a choice, or the verdict when there is none.
struct Triage {
  std::optional<DecryptorChoice> choice;
  // Without a choice: kNotEncrypted or kUnsupported, and why.
  RecoverStatus status = RecoverStatus::kUnsupported;
  Message detail;
  // The family an unsupported verdict names (FileOutcome::family), when
  // identify attributes the file to one; empty otherwise.
  std::string family;
};

// Identify's evidence for the folder of the file being triaged, computed
// only when needed (an ordinary file needs none); null when identify is not
// consulted.
using EvidenceSource = std::function<const FolderEvidence*()>;

// Triages a file from its sample: an ordinary file that starts like its own
// extension says is left alone; otherwise ChooseDecryptor (an empty file
// too: a scheme that keeps the size made it from an empty original), and
// without a choice a verdict: "empty file", or what identify found for the
// file or its folder. A file identify attributes to a family this build
// cannot decrypt (by the file's own evidence, or the folder's) is
// unsupported with that family, never another decryptor's by name alone
// (below kStructuralConfidence) and never "not encrypted" (issue 16).
// `evidence` may be empty (identify not consulted).
Triage TriageFile(std::span<const PreparedDecryptor> runs,
                  const FileSample& sample, const EvidenceSource& evidence);

}  // namespace kintsugi::recover
