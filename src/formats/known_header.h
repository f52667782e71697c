#pragma once

// Plaintext bytes a file of a given type holds at known offsets, told by its
// name and size alone: the known plaintext for XOR schemes whose key is
// recovered from file headers without an original (recovery-schemes.md
// §3.2 "Without an original", §4.4 for the header fields).
//
// Two grades, because a wrong "fact" would only rule a true key out while a
// wrong guess that is believed could corrupt output:
//   - kFixed: the format requires the byte (a signature, a field the spec
//     says MUST have this value, a field bounded by the file size), or the
//     file would fail our own header check (HeaderPlausible) anyway.
//   - kUsual: what nearly every writer produces (OLE2 version 3 sector
//     shifts, the free DIFAT tail, "[Content_Types].xml" as the first OOXML
//     entry, a PNG ending in IEND). A caller may only count these as votes.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "formats/file_validator.h"
#include "kintsugi/bytes.h"

namespace kintsugi::formats {

enum class Certainty : std::uint8_t { kFixed, kUsual };

// A run of known plaintext bytes.
struct KnownBytes {
  std::uint64_t offset = 0;  // From the start of the file.
  Bytes bytes;
  Certainty certainty = Certainty::kFixed;
  std::string_view what;  // "PNG signature", for details and tests.
};

// The known bytes of one file.
struct KnownHeader {
  FileKind kind;  // The kind the file must verify as.
  std::vector<KnownBytes> runs;
};

// The known plaintext of a file whose original extension is `extension`
// (with or without the dot, any case) and whose size is `file_size`: every
// run lies wholly inside the file. Nothing for extensions with no fixed
// bytes or unknown ones (text, "db", which may be SQLite or OLE2).
std::optional<KnownHeader> KnownHeaderFor(std::string_view extension,
                                          std::uint64_t file_size);

}  // namespace kintsugi::formats
