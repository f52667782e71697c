#pragma once

// Identification: "what hit me, and can I get my files back?" (issue #3).
// The knowledge base (kintsugi/kb.h) is compiled once into an immutable,
// thread-safe CompiledKb that the CLI and the portal share; Identify() turns
// inputs (ransom notes, encrypted files, file names, contacts typed by the
// user) into a ranked list of candidate families with the evidence behind
// each, and a verdict: identified, ambiguous, or unknown.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/kb.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"

namespace kintsugi::identify {

// The engine version that rules' `min_engine` is compared with: a rule that
// needs a newer engine is skipped, never misread (kb-format.md).
inline constexpr std::string_view kEngineVersion = kb::kEngineVersion;

// The answer. Append-only: the names reach users through --json.
enum class Verdict : std::uint8_t {
  kIdentified,  // One clear winner.
  kAmbiguous,   // Several close candidates (or rebrands): all are listed.
  kUnknown,     // Nothing strong enough; we say so rather than guess.
};
// "identified", "ambiguous" or "unknown".
std::string_view VerdictName(Verdict verdict);

// What an input turned out to be, by its content (not its name).
enum class InputKind : std::uint8_t {
  kNote,           // A ransom note (text, HTML, HTA, RTF).
  kEncryptedFile,  // High-entropy content: an encrypted file.
  kOtherFile,      // Neither: only its name is evidence.
  kFileName,       // A bare file name (no content), e.g. from a listing.
  kContact,        // A contact string typed by the user.
};
// "note", "encrypted-file", "other-file", "file-name" or "contact".
std::string_view InputKindName(InputKind kind);

// One input to identify.
struct Input {
  InputKind kind = InputKind::kFileName;
  // How the user named it: the path as given, or "contact".
  std::string source;
  // The file name that name rules see (last path component); empty for a
  // contact.
  std::string file_name;
  // kNote: the whole note (<= limits::kMaxNoteBytes). kEncryptedFile /
  // kOtherFile: the first <= limits::kFileHeadBytes. kContact: the text.
  Bytes content;
  // kEncryptedFile / kOtherFile: the last <= limits::kFileTailBytes.
  Bytes tail;
  // File size in bytes (files only).
  std::uint64_t size = 0;
};

// Reads `path` through `fs` and classifies it by content: mostly printable
// text is a note, high-entropy bytes an encrypted file, anything else an
// "other" file whose name is still evidence. Reads only the head and tail of
// a large file. Errors: kNotFound / kPermissionDenied / kIoError from the
// file system; kInvalidArgument for an empty file or a directory;
// kResourceExhausted for text larger than limits::kMaxNoteBytes.
Result<Input> ReadInput(ReadOnlyFileSystem& fs, const Path& path);

// An input from bytes already in memory (the portal's identify: what the
// browser read of a file), classified as ReadInput classifies a file of
// `size` bytes whose first bytes are `head` and last bytes `tail` (only the
// first limits::kFileHeadBytes of `head` and the last
// limits::kFileTailBytes of `tail` are used; `tail` may be empty when
// `head` holds the whole file). A note's text is `head` whole: a file that
// reads as a note but is larger than `head` is a note of `head` alone.
// `name` is the source, its last path component the file name. Errors as
// ReadInput's for the same bytes, and kInvalidArgument when `head` is
// longer than `size`.
Result<Input> InputFromBytes(std::string_view name, std::uint64_t size,
                             ByteView head, ByteView tail);

// A contact typed by the user; kInvalidArgument if empty or longer than
// limits::kMaxContactBytes.
Result<Input> ContactInput(std::string_view text);

// A bare encrypted-file name (no content).
Input FileNameInput(std::string_view name);

// What kind of evidence a piece is. The names (EvidenceKindName) reach
// users through --json: append only.
enum class EvidenceKind : std::uint8_t {
  kExtension,        // "extension": the appended extension (a KB rule).
  kFilenamePattern,  // "filename-pattern": the renaming pattern.
  kNoteName,         // "note-name": the ransom note's file name.
  kNotePhrase,       // "note-phrase": a phrase of the note.
  kNoteRegex,        // "note-regex": a pattern in the note's text.
  kFileMarker,       // "file-marker": bytes in an encrypted file.
  kSizeRelation,     // "size-relation": the encrypted file's size.
  kVictimId,         // "victim-id": the format of a victim ID.
  kContact,          // "contact": a known attacker contact.
  kNoteSimilarity,   // "note-similarity": like a reference note.
  kNoteNamesFamily,  // "note-names-family": the note names the family.
  kYara,             // "yara": one of the user's YARA rules.
};
// The stable name above, e.g. "extension".
std::string_view EvidenceKindName(EvidenceKind kind);

// One piece of evidence behind a candidate.
struct Evidence {
  EvidenceKind kind = EvidenceKind::kExtension;
  // In words, rendered at the edge: e.g. evidence.extension, "file name
  // ends in ".eking" (rule ext-eking, strong, kb/stop-djvu.yaml:12)".
  Message detail;
  std::string source;  // The input's source: its path, or "contact".
  // Weak or supporting-only evidence, which never decides alone (kb.h
  // Strength::kWeak). Not part of the JSON contract.
  bool weak = false;
};

struct Candidate {
  std::string family;  // KB id.
  std::string name;    // Display name.
  double score = 0.0;  // 0..1; see docs/benchmarks-identify.md.
  std::vector<Evidence> evidence;
  kb::RecoveryPossible recovery = kb::RecoveryPossible::kUnknown;
  std::string decryptor;             // Empty if none.
  std::vector<std::string> needs;    // What the user must supply.
  std::vector<std::string> related;  // Rebrands with near-identical notes.
};

// What was learnt from one input, for the report.
struct InputSummary {
  std::string source;
  InputKind kind = InputKind::kFileName;
  // What it turned out to be, e.g. input.note_html: "ransom note,
  // utf-16le, html, 3.1 KiB", or input.not_a_note for a text file with
  // nothing of a ransom note about it (which then adds no evidence).
  Message description;
  // Indicators found: (kind, value), e.g. ("email", "a@b.c").
  std::vector<std::pair<std::string, std::string>> indicators;
  // Set when an allow-list entry matched: a benign look-alike.
  std::string allow_listed;
};

// The best candidate's group (kb/groups.yaml): families whose notes come
// from one builder, kit or rebrand, so that the template's wording cannot
// tell them apart. Identify names the group and the member that the
// evidence separating members favours.
struct GroupFinding {
  std::string id;
  std::string name;
  std::string kind;    // "rebrand", "builder", "affiliates" or "fork".
  std::string shares;  // What the members share, in words (the KB's).
  std::vector<std::string> members;       // Every member's id.
  std::vector<std::string> member_names;  // Their display names.
  // The members among the candidates, best first.
  std::vector<std::string> candidates;
  // The member favoured by evidence only one member can have (its own
  // extension, note name, renaming or ID pattern, marker, contact or name);
  // empty when nothing but the shared template speaks.
  std::string favoured;
  std::vector<Evidence> separating;  // The favoured member's such evidence.
};

struct Report {
  Verdict verdict = Verdict::kUnknown;
  std::vector<Candidate> candidates;  // Best first.
  // The verdict names the first `named` candidates: 1 when identified;
  // when ambiguous, those within the ambiguity margin of the best (at least
  // 1); 0 when unknown. Decided here once, so the CLI, recover and the
  // portal agree on who "it could be".
  std::size_t named = 0;
  std::vector<InputSummary> inputs;
  // Evidence that names no family (e.g. a user's YARA rule without
  // `family` meta).
  std::vector<Evidence> unattributed;
  // Set when the verdict is not unknown and the best candidate is in a
  // group.
  std::optional<GroupFinding> group;
};

// kInvalidArgument when every input is an "other" file (neither text nor
// encrypted-looking) and `report` has no candidate: nothing identify can
// work with. The one rule of `kintsugi identify` and the portal's identify.
Status CheckSomethingToIdentify(std::span<const Input> inputs,
                                const Report& report);

// The user's own YARA rules (--yara RULES), compiled once. A match of a rule
// whose meta `family` (or whose name) is a KB family id adds evidence to
// that family; other matches are listed as unattributed evidence.
class YaraRules {
 public:
  // Compiles the rules file at `path` (read through `fs`). kInvalidArgument
  // with the file and line of the first syntax error.
  static Result<std::shared_ptr<const YaraRules>> Compile(FileSystem& fs,
                                                          const Path& path);
  ~YaraRules();
  YaraRules(const YaraRules&) = delete;
  YaraRules& operator=(const YaraRules&) = delete;

  struct Match {
    std::string rule;
    std::string family;  // Meta `family`, or empty.
  };
  // The rules that match `data`.
  std::vector<Match> Scan(ByteView data) const;

  struct Impl;

 private:
  explicit YaraRules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct CompileOptions {
  // Reads a reference note by its path relative to the KB root, for notes
  // not in kb.note_texts. When empty, such notes are read through `fs` from
  // kb.root.
  std::function<Result<Bytes>(const std::string& relative_path)>
      read_reference_note;
  FileSystem* fs = nullptr;  // nullptr: RealFileSystem().
};

// Counts from compilation, for `kb compile` and the benchmarks.
struct CompileStats {
  std::size_t families = 0;       // Enabled families.
  std::size_t name_patterns = 0;  // Extensions, file-name patterns.
  std::size_t note_patterns = 0;  // Note names, phrases, regexes.
  std::size_t markers = 0;        // File markers and size relations.
  std::size_t contacts = 0;
  std::size_t reference_notes = 0;    // Notes the similarity model learnt.
  std::size_t skipped_rules = 0;      // Disabled, too new, or invalid.
  std::vector<std::string> warnings;  // "kb/x.yaml:12: rule r1: ...".
};

// The compiled knowledge base: immutable after Compile, safe to share
// between threads (each Identify call uses its own scratch space).
class CompiledKb {
 public:
  ~CompiledKb();
  CompiledKb(const CompiledKb&) = delete;
  CompiledKb& operator=(const CompiledKb&) = delete;

  // Identifies `inputs` together (evidence from all of them adds up).
  // `yara` is optional. Never fails: bad input was rejected by ReadInput.
  Report Identify(std::span<const Input> inputs,
                  const YaraRules* yara = nullptr) const;

  const CompileStats& stats() const;

  // Sets `matched[i]` to whether a name rule of the KB (an extension, a
  // file-name pattern, a note name, as compared in Identify) matches
  // `names[i]`. A name none matches is no evidence by the KB's rules (an ID
  // or contact written into a name is another matter: ParseFileName). For
  // a names-only scan's screen of ordinary names (src/scan/name_screen.h).
  void MatchNameRules(std::span<const std::string_view> names,
                      std::vector<bool>& matched) const;

  struct Impl;

 private:
  explicit CompiledKb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Compiles `kb`: Hyperscan databases for names, note text and IDs, marker
// and size rules, attacker contacts, and the note-similarity model. Honours
// the disabled list, the allow-list and min_engine. kInvalidArgument if the
// KB has no usable rule at all; kResourceExhausted past limits::kMaxKbRules.
Result<std::shared_ptr<const CompiledKb>> Compile(
    const kb::KnowledgeBase& kb, const CompileOptions& options = {});

// The KB built into the binary (kb::LoadEmbeddedKnowledgeBase), compiled.
// It is compiled when the binary is built and loaded in milliseconds
// (docs/kb-format.md §9); when that precompiled copy does not fit (built
// for another KB, Hyperscan version or CPU, or damaged) the embedded KB is
// compiled now instead, with the same result. Defined in the
// kintsugi::builtin_kb library, which a program using it links.
Result<std::shared_ptr<const CompiledKb>> CompileBuiltInKb();

// The verdict in one sentence ("Identified: STOP/Djvu (stop-djvu), score
// 0.93."; "Ambiguous: it could be ...", naming report.named candidates).
Message VerdictSummary(const Report& report);

// Why the best candidate won over the runner-up, in one sentence: the
// strongest evidence the runner-up has nothing of the kind of
// (verdict.why), or else the best one's stronger evidence of a kind both
// have (verdict.why_stronger). Nothing when there is no runner-up, the
// verdict is unknown, or the two rest on the same evidence.
std::optional<Message> ExplainVerdict(const Report& report);

// The group finding in one sentence: the group, its members and the one
// the separating evidence favours (verdict.group_favours), or that only
// the shared template speaks (verdict.group_undecided). Nothing without a
// group finding.
std::optional<Message> ExplainGroup(const Report& report);

// What can be done about a family's files, in sentences: whether they can
// be recovered offline, by this build (`decryptor_available`: whether this
// build's `kintsugi recover` has `decryptor`, which identify cannot know),
// then one recovery.need per thing the user must supply. The one answer for
// the CLI, recover's per-file details and the portal. A family whose
// recovery is `unknown` but whose decryptor this build has (Chimera: it
// tells which leaked key fits, the data cipher is not known) is said to be
// not known to decrypt, with what the decryptor can tell and the needs;
// never that its files can be recovered.
std::vector<Message> RecoveryAdvice(kb::RecoveryPossible recovery,
                                    std::string_view decryptor,
                                    std::span<const std::string> needs,
                                    bool decryptor_available);
std::vector<Message> RecoveryAdvice(const Candidate& candidate,
                                    bool decryptor_available);

// Whether a family's files can be recovered by this build: its recovery is
// `yes` or `partial` and this build has its decryptor. What decides whether
// the CLI and the portal offer `kintsugi recover` as the way back.
bool RecoveryOffered(kb::RecoveryPossible recovery, bool decryptor_available);

// Where a candidate's evidence came from, for "identified as X from ...":
// the notes among `note_sources` by name (two, then a count), then the
// other inputs: one by its name, or "the (names of the) files in this
// folder"; "the files in this folder" when there is nothing else to say.
Message EvidenceOrigin(const Candidate& candidate,
                       const std::set<std::string>& note_sources);

}  // namespace kintsugi::identify
