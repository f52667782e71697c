#pragma once

// Key dumps (docs/key-format.md): the files in which seized or leaked keys
// reach `kintsugi keys import`, and which `kintsugi keys export` writes.
// A dump is untrusted: every record is checked (the key parses as its
// declared type with OpenSSL) and every problem is reported with its line,
// so that a dump is imported whole or not at all.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi {

// What a dump's records do not say themselves.
struct KeyDumpDefaults {
  std::string source;  // Provenance::source where a record has none.
};

// A problem with one record of a dump: its 1-based line and what is wrong.
struct KeyDumpProblem {
  std::size_t line = 0;
  std::string message;
};

struct ParsedKeyDump {
  std::vector<KeyRecord> records;  // Only when `problems` is empty.
  std::vector<std::size_t> lines;  // The line where each record starts.
  std::vector<KeyDumpProblem> problems;
  std::size_t record_count = 0;    // Records seen, accepted or not.
  std::size_t rejected_count = 0;  // Records with a problem (an array that
                                   // is not JSON counts as one).
};

// Parses a dump: a JSON array of records or JSON lines (one record per
// line, blank lines allowed), chosen by its first character. Every record
// is checked, and every problem kept (not only the first): malformed JSON,
// a missing or unknown field, a key that does not parse as its key_type, a
// handle that repeats one of an earlier record. Returns an error only for
// a dump that cannot be read as records at all (empty, over
// limits::kMaxKeyDumpBytes, or neither an array nor lines of objects);
// otherwise the problems are data in the result.
Result<ParsedKeyDump> ParseKeyDump(std::string_view text,
                                   const KeyDumpDefaults& defaults);

// One JSON line of a dump for `record` (no newline): what `keys export`
// writes, read back by ParseKeyDump to the same record.
std::string KeyDumpLine(const KeyRecord& record);

}  // namespace kintsugi
