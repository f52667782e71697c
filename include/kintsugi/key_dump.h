#pragma once

// Key dumps (docs/key-format.md): the files in which seized or leaked keys
// reach `kintsugi keys import`, and which `kintsugi keys export` writes.
// A dump is untrusted: every record is checked (the key parses as its
// declared type with OpenSSL) and every problem is reported with its line,
// so that a dump is imported whole or not at all.

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/message.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi {

// What a dump's records do not say themselves, and what they are checked
// against.
struct KeyDumpDefaults {
  std::string source;  // Provenance::source where a record has none.
  // The family ids of the knowledge base. A record's family must be a
  // key-lookup family (kintsugi/key_families.h), whose rules it must then
  // fit, or one of these: keys seized before a decryptor exists are kept
  // (counted in ParsedKeyDump::no_decryptor_count). Any other family is a
  // problem.
  std::set<std::string, std::less<>> kb_families;
};

// A problem with one record of a dump: its 1-based line and what is wrong,
// as a message (docs/messages.md, keys.*) or, for the problems not made
// messages yet, in English (`message`, empty when `detail` is set).
struct KeyDumpProblem {
  std::size_t line = 0;
  std::string message;
  Message detail;  // id kCount: see `message`.
};

struct ParsedKeyDump {
  std::vector<KeyRecord> records;  // Only when `problems` is empty.
  std::vector<std::size_t> lines;  // The line where each record starts.
  std::vector<KeyDumpProblem> problems;
  std::size_t record_count = 0;    // Records seen, accepted or not.
  std::size_t rejected_count = 0;  // Records with a problem (an array that
                                   // is not JSON counts as one).
  // Accepted records for a family of the knowledge base that no decryptor
  // looks keys up for yet.
  std::size_t no_decryptor_count = 0;
};

// Parses a dump: a JSON array of records, JSON lines (one record per line,
// blank lines allowed) or CSV (RFC 4180, a header row of field names
// first), chosen by its first character: `[`, `{`, anything else. Every
// record is checked, and every problem kept (not only the first): malformed
// JSON or CSV, a missing or unknown field, a key that does not parse as its
// key_type, a record that does not fit its family (key type, RSA size,
// handle kind and format), a handle that repeats one of an earlier record.
// Returns an error only for a dump that cannot be read as records at all
// (empty, over limits::kMaxKeyDumpBytes, or a CSV header without rows);
// otherwise the problems are data in the result.
Result<ParsedKeyDump> ParseKeyDump(std::string_view text,
                                   const KeyDumpDefaults& defaults);

// One JSON line of a dump for `record` (no newline): what `keys export`
// writes, read back by ParseKeyDump to the same record.
std::string KeyDumpLine(const KeyRecord& record);

}  // namespace kintsugi
