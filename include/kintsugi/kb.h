#pragma once

// The family knowledge base (KB): what Kintsugi knows about each ransomware
// family, loaded from kb/<family-id>.yaml (format: docs/kb-format.md).
// Identification knowledge is data; this header is its in-memory model. The
// identify engine compiles a KnowledgeBase once into an immutable matcher
// (include/kintsugi/identify.h).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::kb {

// The KB format version this engine understands. A rule whose `min_engine`
// is newer is skipped at load time (with a log note), not misread.
// 1.1: file-marker rules with `fields` (docs/kb-format.md §3).
inline constexpr std::string_view kEngineVersion = "1.1";

// Where a fact or rule was defined, for diagnostics ("kb/stop-djvu.yaml:42").
struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown.
};

// Where a fact came from: the dataset and the entry in it, e.g.
// {"misp-galaxy", "04a5889d-b97d-4653-8a0f-d2df85f93430"},
// {"threatlabz-notes", "akira/akira_readme.txt"}, {"curated", "<reason>"}.
struct Source {
  std::string dataset;
  std::string entry;
};

// How much one piece of evidence says on its own. A kWeak rule (".locked",
// "readme.txt") never decides alone: it can only add to others.
enum class Strength : std::uint8_t { kWeak, kMedium, kStrong, kDecisive };

enum class RuleKind : std::uint8_t {
  kExtension,        // Appended extension, e.g. ".eking" (case-insensitive).
  kFilenamePattern,  // Regex over the whole encrypted file name, e.g.
                     // "\\.id\\[[0-9A-F]{8}-3483\\]\\.\\[[^\\]]+\\]\\.eking$".
  kNoteName,         // Ransom-note file name, literal or regex.
  kNotePhrase,       // Literal phrase in the normalised note text.
  kNoteRegex,        // Regex over the normalised note text.
  kFileMarker,       // Bytes at an offset from the start or end of a file.
  kSizeRelation,     // Size of an encrypted file, e.g. size % 16 == 0.
  kVictimId,         // Format of a victim/personal ID, as a regex.
};

// Where a kFileMarker's bytes sit.
enum class Anchor : std::uint8_t {
  kStart,  // At `offset` from the start of the file.
  kEnd,    // At `offset` bytes before the end (offset = distance).
  kHead,   // Anywhere in the first limits::kFileHeadBytes.
  kTail,   // Anywhere in the last limits::kFileTailBytes.
};

// How a kFileMarker field is read (docs/kb-format.md §3, "Fields").
enum class FieldType : std::uint8_t {
  kU8,
  kLe16,
  kLe32,
  kLe64,
  kBe16,
  kBe32,
  kBe64,
  // `length` bytes of key material (an X25519 public key, an RSA blob):
  // varied bytes that are not text, so that a text or a zero-filled file
  // that happens to end in a short tag does not match.
  kKey,
};

// A bound of a numeric field: a number, or the file's size plus `delta`
// ("size - 534"), for fields that must agree with the size of the file.
struct FieldBound {
  bool relative_to_size = false;
  std::uint64_t value = 0;  // When !relative_to_size.
  std::int64_t delta = 0;   // When relative_to_size.
};

// A check on a field of an encrypted file next to a kFileMarker's marker:
// a mode magic with alternatives, a length stored in a footer, an original
// size that must agree with the file size (Phobos, Akira).
struct FileField {
  // Where the field starts, from the start of the rule's marker (or, for a
  // rule without marker bytes, from its anchor point); negative: before it.
  std::int64_t at = 0;
  FieldType type = FieldType::kLe32;
  std::uint64_t length = 0;  // kKey only: how many bytes.
  // Numeric types: the field is one of `values` (when any), and within
  // [min, max] (each when set).
  std::vector<std::uint64_t> values;
  std::optional<FieldBound> min;
  std::optional<FieldBound> max;
  Location where;
};

struct Rule {
  std::string id;  // Unique within the family, e.g. "ext-eking".
  RuleKind kind = RuleKind::kExtension;
  Strength strength = Strength::kMedium;
  // kExtension, kNoteName, kNotePhrase: the literal text. kFilenamePattern,
  // kNoteRegex, kVictimId, and kNoteName with `is_regex`: a regex (Hyperscan
  // / PCRE subset: no backreferences or lookaround).
  std::string pattern;
  bool is_regex = false;
  // kFileMarker only.
  Bytes marker;
  Anchor anchor = Anchor::kStart;
  std::uint64_t offset = 0;
  // kFileMarker: checks on fields next to the marker; a rule with fields
  // may have no marker bytes (Akira's footer has no magic). Needs engine
  // 1.1.
  std::vector<FileField> fields;
  // kSizeRelation only: size % modulus == remainder, and, when non-zero,
  // the file carries a fixed-size footer of `footer_bytes`.
  std::uint64_t modulus = 0;
  std::uint64_t remainder = 0;
  std::uint64_t footer_bytes = 0;
  // The oldest engine version that understands this rule ("1.0"); an older
  // engine skips it instead of misreading it.
  std::string min_engine;
  std::vector<Source> sources;
  Location where;
};

enum class ContactKind : std::uint8_t {
  kEmail,
  kOnion,     // Onion host (v2 or v3), without scheme or path.
  kUrl,       // Any other URL or clear-web host.
  kTox,       // 76 hex characters.
  kBitcoin,   // Base58Check or bech32 address.
  kMonero,    // 95-character standard address.
  kTelegram,  // Handle or t.me link.
  kSession,   // Session messenger ID (66 hex, starting "05").
  kOther,
};

// An attacker contact seen in this family's notes.
struct Contact {
  ContactKind kind = ContactKind::kOther;
  std::string value;  // Normalised: lowercase host/e-mail, no scheme.
  std::vector<Source> sources;
  Location where;
};

enum class RecoveryPossible : std::uint8_t { kYes, kNo, kPartial, kUnknown };

// Whether and how files of this family can be recovered.
struct Recovery {
  RecoveryPossible possible = RecoveryPossible::kUnknown;
  std::string decryptor;  // Decryptor id in src/families, or empty.
  // The decryptor is specified (docs/recovery-schemes*.md) but not built
  // yet: `kintsugi kb lint` then expects this build not to have it, and a
  // decryptor named without `planned` must exist.
  bool planned = false;
  std::string strategy;  // key-lookup, hard-coded-key, known-plaintext,
                         // seed-search, or empty.
  std::vector<std::string> needs;  // What the user must supply, in words.
  std::string notes;
  std::vector<Source> sources;
};

// A test case shipped with the family: the identify engine must name this
// family for a positive fixture and must not for a negative one.
struct Fixture {
  bool positive = true;
  std::vector<std::string> file_names;  // Encrypted file names.
  std::string note_name;                // Ransom-note file name.
  std::string note_text;                // Ransom-note text (UTF-8).
  std::vector<std::string> contacts;    // Contact strings typed by a user.
  Bytes file_head;                      // First bytes of an encrypted file.
  Bytes file_tail;                      // Last bytes of an encrypted file.
  Location where;
};

struct Family {
  std::string id;    // Stable, lowercase, [a-z0-9-], e.g. "stop-djvu".
  std::string name;  // Display name, e.g. "STOP/Djvu".
  std::vector<std::string> aliases;
  std::string first_seen;  // "2018" or "2018-02"; empty if unknown.
  std::string last_seen;
  std::vector<std::string> platforms;   // windows, linux, esxi, nas, macos...
  std::vector<std::string> references;  // URLs.
  // Families whose notes are near-identical (rebrands); reported together.
  std::vector<std::string> related;
  std::vector<Rule> rules;
  std::vector<Contact> contacts;
  // Reference ransom notes, paths relative to the KB root
  // (kb/notes/<family-id>/...): the engine learns the stable parts of notes
  // from them.
  std::vector<std::string> reference_notes;
  Recovery recovery;
  std::vector<Fixture> fixtures;
  std::vector<Source> sources;
  bool disabled = false;  // Kept for the record, never matched.
  Location where;
};

// A benign look-alike that must never be reported as ransomware (e.g. a
// backup tool's ".locked" files), matched before any family.
struct AllowEntry {
  RuleKind kind = RuleKind::kExtension;
  std::string pattern;
  bool is_regex = false;
  std::string reason;
  Location where;
};

// A contact string that is never an attacker's (docs/kb-format.md §7): a
// documentation example (the Bitcoin wiki's 1BoatSLR..., RFC 2606 domains),
// a donation or exchange address quoted in ordinary mail. Either `value`
// (one normalised contact) or `domain` (every e-mail address and URL at
// that host) is set.
struct AllowContact {
  std::string value;
  std::string domain;
  std::string reason;
  Location where;
};

// Families whose notes come from one source (docs/kb-format.md §7.1): a
// rebrand, a leaked builder or source code, a ransomware-as-a-service kit's
// affiliates, an open-source kit's forks. Their notes share a template, so
// the template's wording cannot tell them apart: identify names the group
// and the member that the evidence separating members (contacts, IDs,
// extensions, note names, markers) favours.
struct Group {
  std::string id;    // Stable, lowercase, [a-z0-9-], e.g. "conti-builder".
  std::string name;  // Display name, e.g. "Conti's leaked builder".
  // How the members are related: "rebrand", "builder" (a leaked or sold
  // builder or source code), "affiliates" (one kit, many operators) or
  // "fork" (an open-source kit's derivatives). See kGroupKinds.
  std::string kind;
  std::vector<std::string> members;  // Family ids, at least two.
  std::string shares;  // What the members have in common, in words.
  std::vector<Source> sources;
  Location where;
};
inline constexpr std::string_view kGroupKinds[] = {"rebrand", "builder",
                                                   "affiliates", "fork"};

struct KnowledgeBase {
  std::vector<Family> families;
  std::vector<AllowEntry> allow_list;
  std::vector<AllowContact> allow_contacts;
  // kb/groups.yaml: families whose notes share a template.
  std::vector<Group> groups;
  // Rules retracted without a release: "family-id" or "family-id/rule-id".
  std::vector<std::string> disabled;
  // Root folder the KB was loaded from (to resolve reference notes); empty
  // for the embedded KB.
  Path root;
  // The bytes of every reference note, keyed by the path in
  // Family::reference_notes. Read at load time, so that the embedded KB needs
  // no files and the engine never touches the disk again.
  std::map<std::string, Bytes, std::less<>> note_texts;
  // Rules skipped because their min_engine is newer than kEngineVersion.
  std::size_t skipped_rules = 0;
};

// A problem found by Load or Lint, with file and line.
struct Diagnostic {
  enum class Severity : std::uint8_t {
    kError,
    kWarning
  } severity = Severity::kError;
  Location where;
  std::string message;
};

// Loads every kb/*.yaml family file (plus kb/allow-list.yaml and
// kb/disabled.yaml when present) from `dir`. Fails with kCorrupt and
// file:line on the first malformed file, kResourceExhausted past
// limits::kMaxKbFileBytes / kMaxKbFamilies.
Result<KnowledgeBase> LoadKnowledgeBase(FileSystem& fs, const Path& dir);

// The KB built into the binary (kb/ at build time).
Result<KnowledgeBase> LoadEmbeddedKnowledgeBase();

// What Lint checks the KB against beyond the KB itself.
struct LintOptions {
  // The decryptors of this build (kintsugi::ListDecryptors(); the kb
  // library sits below them, so the caller passes them in). When set, a
  // family's recovery.decryptor is checked against them: one of another
  // family, or with another strategy, is an error; one this build does not
  // have is a warning (the KB may name decryptors still to come, which
  // recover reports as "not in this version yet").
  struct KnownDecryptor {
    std::string id;
    std::string family;    // The KB family id it is for.
    std::string strategy;  // "known-plaintext", ...
  };
  std::optional<std::vector<KnownDecryptor>> decryptors;
};

// Every problem in a loaded KB: duplicate ids or aliases across families,
// invalid regexes, generic extensions not marked weak, rules without a
// source, families with rules but without a positive and a negative
// fixture, unknown related families, ... Empty means clean.
std::vector<Diagnostic> Lint(const KnowledgeBase& kb,
                             const LintOptions& options = {});

// The group `family` (an id) belongs to, or null.
const Group* FindGroup(const KnowledgeBase& kb, std::string_view family);

// Case-insensitive lookup of a family by id, name or alias.
const Family* FindFamily(const KnowledgeBase& kb, std::string_view name);

// The allow-list entry that `contact` (a normalised contact value: an
// e-mail address, a host, a URL without scheme, a wallet) falls under, or
// null: such a contact is never an attacker's and never evidence.
const AllowContact* FindAllowedContact(const std::vector<AllowContact>& allowed,
                                       std::string_view contact);

// The YAML spelling of each enum value (docs/kb-format.md §3), for output.
std::string_view RuleKindName(RuleKind kind);
std::string_view StrengthName(Strength strength);
std::string_view AnchorName(Anchor anchor);
std::string_view FieldTypeName(FieldType type);
std::string_view ContactKindName(ContactKind kind);
std::string_view RecoveryPossibleName(RecoveryPossible possible);

// `kintsugi kb import` (docs/kb-format.md §10): builds kb/ from the public
// sources (../shared/kb-sources: the MISP galaxy ransomware cluster, the
// ThreatLabz ransom notes, the rivitna attacker contacts). Every fact keeps
// its source. Curation (merging duplicates, dropping junk, marking weak
// evidence, the facts of the recoverable families) is done by rules in the
// importer, so the same sources give byte-identical files.
struct ImportOptions {
  Path sources;  // The kb-sources folder.
  Path out;      // The kb/ folder to write (created if missing).
  // When set, the last ThreatLabz note (by name) of each family with two or
  // more notes is held back (not used for rules or reference notes) and
  // copied here as <family-id>/<note>, to measure identification on notes
  // the KB has not seen.
  Path hold_out;
  // The curated facts (kb-curated/, one <family-id>.yaml each), applied on
  // top of the sources; empty: none (docs/kb-format.md §10, step 8).
  Path curated;
};

struct ImportReport {
  std::size_t families = 0;
  std::size_t aliases = 0;
  std::size_t rules = 0;
  std::size_t contacts = 0;
  std::size_t reference_notes = 0;
  std::size_t held_out_notes = 0;
  std::size_t merged_entries = 0;         // MISP entries or aliases folded.
  std::size_t dropped_extensions = 0;     // Free text and junk.
  std::vector<std::string> new_families;  // Not in MISP.
};

// Builds the KB in memory (writes only hold-out notes), for tests.
Result<KnowledgeBase> BuildKnowledgeBase(FileSystem& fs,
                                         const ImportOptions& options,
                                         ImportReport* report);

// Builds the KB and writes it under options.out: <id>.yaml per family and
// notes/<id>/<note>. allow-list.yaml and disabled.yaml are hand-written and
// left alone; existing family files are replaced (atomically, one by one).
Result<ImportReport> ImportKnowledgeBase(FileSystem& fs,
                                         const ImportOptions& options);

}  // namespace kintsugi::kb
