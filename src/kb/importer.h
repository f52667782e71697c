#pragma once

// Internals of the KB importer (docs/kb-format.md §10): one reader per
// source (MISP galaxy, ThreatLabz notes, rivitna contacts, curated facts)
// fills a table of families under construction, and the builder turns it
// into rules. Every byte of the sources is hostile: notes are read through
// the text library (src/text/), the same code identify reads a note with,
// so the KB's idea of a contact and of a similar note is the engine's.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/kb.h"

namespace kintsugi::kb::import {

inline constexpr std::string_view kMisp = "misp-galaxy";
inline constexpr std::string_view kThreatLabz = "threatlabz-notes";
inline constexpr std::string_view kRivitna = "rivitna-attackers";
inline constexpr std::string_view kCurated = "curated";

// A reference note, as the rules are learnt from it.
struct DraftNote {
  // Its lines, each folded as the engine folds a note (text::FoldText).
  std::vector<std::string> lines;
  // Its shingles (text::NoteShingles), for rebrand detection.
  std::vector<std::uint64_t> shingles;
  Source source;
  std::string kb_path;  // Where it is written, relative to kb/.
  Bytes raw;            // The note's bytes, copied as they are.
};

// A family under construction, with its evidence before it becomes rules.
struct Draft {
  Family family;
  std::set<std::string> keys;  // Slugs of the name and aliases.
  // Lowercase extension or note name -> (as written, sources).
  std::map<std::string, std::pair<std::string, std::vector<Source>>> exts;
  std::map<std::string, std::pair<std::string, std::vector<Source>>> notes;
  std::map<std::pair<ContactKind, std::string>, std::vector<Source>> contacts;
  std::vector<DraftNote> note_texts;
  // From curation: rules added as they are, and fields of the positive
  // fixture that replace the generated ones.
  std::vector<Rule> curated_rules;
  std::vector<std::string> curated_related;  // Rebrands known from reports.
  Fixture curated_fixture;
};

// The families under construction and who claims which name.
class Drafts {
 public:
  Draft& For(const std::string& id);
  bool Contains(const std::string& id) const { return drafts_.contains(id); }
  // The family that already claims `name` (by id, name or alias slug), or
  // "" when none does.
  std::string Lookup(const std::string& name) const;
  // The family claiming the slug `slug` itself, or "".
  std::string OwnerOf(const std::string& slug) const;
  // Records that `draft` answers to `name` (the first claimant keeps it).
  void Claim(Draft& draft, const std::string& name);
  // The draft a source folder named after a family (ThreatLabz, rivitna)
  // belongs to: the family claiming the name, else a new one (listed in
  // report->new_families); null when the name gives no id.
  Draft* ForFolder(const std::string& name, ImportReport* report);

  std::map<std::string, Draft>& all() { return drafts_; }

 private:
  std::map<std::string, Draft> drafts_;
  std::map<std::string, std::string> key_owner_;
};

// --- shared text helpers ----------------------------------------------------

std::string Trim(std::string_view s);
// Family id from a display name: lowercase [a-z0-9-], without "ransomware".
std::string Slug(std::string_view name);
// The id MISP entries known to be one family merge into (e.g. "djvu" ->
// "stop-djvu"); `slug` itself otherwise.
std::string CanonicalId(const std::string& slug);
// Appends `value` unless it is empty or already there (case-insensitive).
void AddUnique(std::vector<std::string>* list, const std::string& value);
// Appends `source` unless the same dataset:entry is there.
void AddSource(std::vector<Source>* list, const Source& source);

// Adds the attacker contacts in `text` (text::ExtractIndicators: e-mail,
// onion, Bitcoin, Monero, Tox, Session, Telegram) to `draft`.
void AddContacts(Draft& draft, std::string_view text, const Source& source);

// A note from its plain text (markup already stripped).
DraftNote MakeNote(std::string_view plain, Source source, std::string kb_path,
                   Bytes raw);

// --- the readers, one per source --------------------------------------------

// misp-galaxy/clusters/ransomware.json: families, aliases, extensions, note
// names, note texts.
Status ReadMisp(FileSystem& fs, const Path& sources, Drafts& drafts,
                ImportReport* report);
// threatlabz-notes/<family>/<note>: reference notes (the last one held out
// to options.hold_out when that is set).
Status ReadThreatLabz(FileSystem& fs, const ImportOptions& options,
                      Drafts& drafts, ImportReport* report);
// rivitna-attackers/<Family>/attackers.txt: contacts.
Status ReadRivitna(FileSystem& fs, const Path& sources, Drafts& drafts,
                   ImportReport* report);

// One curated family file (kb-curated/<id>.yaml, see its README.md): a
// family document whose rules, family and recovery all name a source.
// `file` names it in diagnostics; errors are kCorrupt "file:line: ...".
Result<Family> ParseCuratedFamily(std::string_view text,
                                  const std::string& file);
// Every <id>.yaml under `dir`, in name order.
Result<std::vector<Family>> ReadCurated(FileSystem& fs, const Path& dir);
// Applies curated facts to the drafts (docs/kb-format.md §10, step 8).
void ApplyCurated(const std::vector<Family>& curated, Drafts& drafts);
// kb-curated/first-seen.tsv: `id<TAB>YYYY[-MM]<TAB>public source` per line
// ('#' comments), when each family was first publicly seen. Applied after
// the curated families to the families the import has (a date creates
// none); a malformed line is an error with the file and line. A missing
// file is no error.
Status ApplyFirstSeen(FileSystem& fs, const Path& dir, Drafts& drafts);

// --- the builder
// --------------------------------------------------------------

// Turns the drafts into families: rebrands, strengths, phrases, contacts,
// fixtures (docs/kb-format.md §10, steps 2-7, and §11).
// Contacts on `allowed` (the allow list's, docs/kb-format.md §7) are never
// an attacker's: left out.
KnowledgeBase BuildFamilies(Drafts& drafts, ImportReport* report,
                            const std::vector<AllowContact>& allowed = {});

}  // namespace kintsugi::kb::import
