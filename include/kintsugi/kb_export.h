#pragma once

// Exports of the knowledge base for partners' tools (issue 12,
// docs/exports.md): each family's indicators (extensions, ransom-note names,
// e-mail addresses, onion hosts, wallet addresses) as a STIX 2.1 bundle or
// as a MISP galaxy cluster file. An export is a pure function of the KB and
// the options: the same KB and the same `created` give byte-identical
// output (ids are UUIDv5 of fixed names, objects in a fixed order, and no
// clock is read unless the caller asks for one).

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi::kb_export {

// A UUID as its 16 bytes in network order (RFC 9562 §4).
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Lowercase 8-4-4-4-12 hex, e.g. "2ed6657d-e927-568b-95e1-2665a8aea6a2".
  std::string ToString() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// Reads the 8-4-4-4-12 hex form (either case); kInvalidArgument otherwise,
// with `text` as the message.
Result<Uuid> ParseUuid(std::string_view text);

// The name-based UUID of `name` in `name_space`, version 5 (SHA-1),
// RFC 9562 §5.5: SHA-1 over the namespace's 16 bytes then the name's bytes,
// the first 16 bytes of the digest, version 5 and the RFC 9562 variant.
Uuid UuidV5(const Uuid& name_space, std::string_view name);

// RFC 9562 §6.6: the namespace for names that are domain names, and for
// URLs.
Uuid DnsNamespace();
Uuid UrlNamespace();

// The namespace every id of an export is derived in: UuidV5(UrlNamespace(),
// "urn:kintsugi:kb-export") = c17153af-a23a-5aee-a186-5faff6e58fa8, fixed
// forever (docs/exports.md "Identifiers"), so that a family, an indicator
// or a relationship keeps its id from one export to the next.
Uuid KintsugiNamespace();

// Timestamps are milliseconds since the Unix epoch, UTC.
//
// The `created` time of an export when neither --created nor
// SOURCE_DATE_EPOCH gives one: 2024-01-01T00:00:00.000Z (docs/exports.md
// "Determinism"). Fixed, so that an export never depends on the clock.
inline constexpr std::int64_t kDefaultCreatedMs = 1704067200000;

// An RFC 3339 date-time ("2024-05-01T12:00:00Z", "...T14:00:00.25+02:00",
// a 't' or 'z' allowed as RFC 3339 §5.6 allows) in milliseconds since the
// epoch; fractional digits beyond the millisecond are dropped. Years
// 1970-9999 only, a leap second ("...:60") is refused. kInvalidArgument with
// `text` as the message otherwise.
Result<std::int64_t> ParseRfc3339(std::string_view text);

// SOURCE_DATE_EPOCH (reproducible-builds.org): decimal seconds since the
// epoch, in milliseconds; kInvalidArgument with `text` as the message for
// anything else (a sign, spaces, a value past year 9999).
Result<std::int64_t> ParseSourceDateEpoch(std::string_view text);

// The `created` time of an export, by precedence (docs/exports.md
// "Determinism"): `flag` (--created: RFC 3339, or "now", the only case
// where `clock` is called), else `source_date_epoch` (the environment
// variable, when set), else kDefaultCreatedMs. Errors as the parsers'.
Result<std::int64_t> ChooseCreated(
    std::optional<std::string_view> flag,
    std::optional<std::string_view> source_date_epoch,
    const std::function<std::int64_t()>& clock);

// "2024-01-01T00:00:00.000Z": STIX 2.1 timestamps (§2.15, §3.2), millisecond
// precision, UTC. Precondition: 0 <= unix_ms, before year 10000.
std::string FormatTimestamp(std::int64_t unix_ms);

enum class Format : std::uint8_t {
  kStix,        // A STIX 2.1 bundle (docs/exports.md "STIX 2.1").
  kMispGalaxy,  // A MISP galaxy cluster file (docs/exports.md "MISP").
};

// "stix", "misp-galaxy": the spelling of --format.
std::string_view FormatName(Format format);
// The format `name` spells, or none.
std::optional<Format> FormatNamed(std::string_view name);

struct ExportOptions {
  Format format = Format::kStix;
  // The families to export, each an id, name or alias (kb::FindFamily);
  // empty: every family that is not disabled.
  std::vector<std::string> families;
  // The export's created/modified/valid_from time (ChooseCreated).
  std::int64_t created_ms = kDefaultCreatedMs;
};

// What went into an export, and what was left out (docs/exports.md).
struct ExportSummary {
  std::size_t families = 0;
  // Indicators (extensions, note names, contacts): STIX, the indicator
  // SDOs (one per distinct pattern, whichever families share it); MISP,
  // the entries of the families' meta lists.
  std::size_t indicators = 0;
  // STIX: the `indicates` relationships (an indicator shared by families
  // indicates each); MISP: 0.
  std::size_t relationships = 0;
  // Regex rules (filename patterns, regex note names), which neither
  // format carries.
  std::size_t skipped_regex_rules = 0;
  // Contacts STIX has no pattern for (Tox, Telegram, Session, other); the
  // MISP export carries them.
  std::size_t skipped_contacts = 0;
  // Extensions and note names on the KB's allow list, and contacts on its
  // contact allow list: never exported as an attacker's.
  std::size_t allow_listed = 0;
};

struct Export {
  std::string document;  // UTF-8 JSON, ending with a newline.
  ExportSummary summary;
};

// The export of `kb` in options.format. Disabled families and rules
// (docs/kb-format.md §7) are never exported. Errors: kNotFound with the
// name as the message for a requested family the KB does not have;
// kInvalidArgument with its id as the message for a requested family that
// is disabled.
Result<Export> ExportKnowledgeBase(const kb::KnowledgeBase& kb,
                                   const ExportOptions& options);

}  // namespace kintsugi::kb_export
