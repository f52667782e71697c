#pragma once

// Internals of the KB file format (docs/kb-format.md): the names of enum
// values in YAML, the parser of one family document, the writer the importer
// uses, and the list of generic evidence that may never decide alone.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/kb.h"

namespace kintsugi::kb::internal {

// YAML spellings of the enums (docs/kb-format.md §3).
std::string_view RuleKindSpelling(RuleKind kind);
std::optional<RuleKind> ParseRuleKind(std::string_view name);
std::string_view StrengthSpelling(Strength strength);
std::optional<Strength> ParseStrength(std::string_view name);
std::string_view AnchorSpelling(Anchor anchor);
std::optional<Anchor> ParseAnchor(std::string_view name);
std::string_view FieldTypeSpelling(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);
// The width in bytes of a numeric field type; kKey: 0 (its `length`).
std::size_t FieldTypeWidth(FieldType type);
// A field bound as written: "178", "size", "size - 534".
std::string FormatFieldBound(const FieldBound& bound);
std::string_view ContactKindSpelling(ContactKind kind);
std::optional<ContactKind> ParseContactKind(std::string_view name);
std::string_view RecoveryPossibleSpelling(RecoveryPossible possible);
std::optional<RecoveryPossible> ParseRecoveryPossible(std::string_view name);

// "dataset:entry" (docs/kb-format.md §4).
std::string FormatSource(const Source& source);

// True when `version` ("1.0") is newer than kEngineVersion. An unparsable
// version counts as newer (skipped, not misread).
bool IsNewerThanEngine(std::string_view version);
// True when `version` is older than `than` ("1.0" < "1.1"); an unparsable
// version counts as older.
bool IsOlderThan(std::string_view version, std::string_view than);
// The first engine version that reads file-marker `fields`.
inline constexpr std::string_view kFieldsEngineVersion = "1.1";

// Appended extensions so common that they can never decide alone (many
// unrelated families and benign tools use them). Lowercase, with the dot.
bool IsGenericExtension(std::string_view extension);
// Note names used by many families (readme.txt, ...). Lowercase.
bool IsGenericNoteName(std::string_view name);

// ASCII lowercase.
std::string ToLower(std::string_view text);

// Parses one family document. `file` is the name used in diagnostics
// ("kb/akira.yaml"); errors are kCorrupt "file:line: message".
Result<Family> ParseFamily(std::string_view text, const std::string& file);
// `contacts` may be null: the file's `contacts` list is then checked and
// dropped.
Status ParseAllowList(std::string_view text, const std::string& file,
                      std::vector<AllowEntry>* out,
                      std::vector<AllowContact>* contacts = nullptr);
Status ParseDisabledList(std::string_view text, const std::string& file,
                         std::vector<std::string>* out);
// kb/groups.yaml (docs/kb-format.md §7.1). Members are checked by Lint.
Status ParseGroups(std::string_view text, const std::string& file,
                   std::vector<Group>* out);

// One file of a KB, by path relative to the KB root ("akira.yaml",
// "notes/akira/readme.txt").
struct KbFile {
  std::string path;
  ByteView data;
};

// Builds a KB from its files (the loader reads them from a FileSystem, the
// embedded KB from the bundle compiled into the binary). `display_root`
// prefixes file names in diagnostics ("kb/").
Result<KnowledgeBase> LoadFromFiles(const std::vector<KbFile>& files,
                                    const std::string& display_root);

// Writes a family as YAML in the canonical layout (stable order, every
// string quoted), so the importer's output is deterministic and loads back
// to an equal Family.
std::string FamilyToYaml(const Family& family);

}  // namespace kintsugi::kb::internal
