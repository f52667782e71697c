#pragma once

// The recovery journal's on-disk format (docs/journal-format.md), apart from
// any file handling so that it can be fuzzed (fuzz/journal_fuzzer.cpp) and
// tested byte by byte. A segment is a 16-byte header (magic, version, header
// checksum) followed by records, each carrying its length and a CRC-32C.
// Parsing a segment stops at the first record that is torn or corrupted and
// says where and why; nothing after that point is trusted (journal.h).
// This build writes version 2, whose C and D records carry the output's
// size and XXH3-128, and still reads version 1, whose records do not.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/limits.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"

namespace kintsugi::recover {

// docs/journal-format.md, "Segment header".
inline constexpr std::size_t kJournalHeaderBytes = 16;
// The version this build writes; it reads every version from
// kOldestJournalVersion up to it (docs/journal-format.md, "Compatibility").
inline constexpr std::uint16_t kJournalVersion = 2;
inline constexpr std::uint16_t kOldestJournalVersion = 1;
// docs/journal-format.md, "Records": length (4) + CRC-32C (4).
inline constexpr std::size_t kJournalRecordHeaderBytes = 8;
// The largest payload a record may declare (versions 1 and 2). Part of the
// format, not a tunable limit: a longer one is corruption to every reader.
// Three paths of PATH_MAX (4096 on Linux, 1024 on macOS) fit many times over.
inline constexpr std::size_t kMaxJournalRecordBytes = 64 * limits::kKiB;
static_assert(kMaxJournalRecordBytes < limits::kMaxJournalBytes);

// The record types (docs/journal-format.md, "Record types"); the values are
// the type bytes on disk, the letters of the older text format.
enum class RecordType : std::uint8_t {
  kBegin = 'B',       // A temporary is about to be created for `encrypted`.
  kCommitting = 'C',  // The temporary is about to be renamed to final_path.
  kFinished = 'D',    // The output is in place under final_path.
  kAbandoned = 'A',   // The attempt was given up, its temporary removed.
};

// What an output held when it was written (docs/journal-format.md,
// "Record types"): a rerun trusts an output only while it still holds this.
struct OutputDigest {
  std::uint64_t size = 0;
  // XXH3-128 of the bytes, in xxHash's canonical (big-endian) form.
  std::array<std::uint8_t, 16> xxh3{};
  bool operator==(const OutputDigest&) const = default;
};

struct JournalRecord {
  RecordType type = RecordType::kAbandoned;
  Path encrypted;   // Every type.
  Path temp;        // kBegin, kCommitting.
  Path final_path;  // kCommitting, kFinished.
  // kFinished: kRecovered or kUnverified, the only outcomes with an output.
  RecoverStatus status = RecoverStatus::kRecovered;
  // kCommitting and kFinished: always in version 2, never in version 1.
  std::optional<OutputDigest> digest;
};

// Where and why parsing a segment stopped (docs/journal-format.md, "Loading").
enum class SegmentEnd : std::uint8_t {
  kClean,               // Every byte belongs to a valid record (or empty).
  kTornHeader,          // Shorter than a header, and a prefix of one.
  kBadMagic,            // Not a journal segment at all.
  kLegacyText,          // The text format of Kintsugi before version 1.
  kBadHeaderChecksum,   // The header's CRC-32C does not match.
  kUnsupportedVersion,  // A valid header of a version this build can't read.
  kTruncatedRecord,     // The bytes end inside a record (a torn append).
  kBadLength,           // A record length of 0 or above the maximum.
  kBadChecksum,         // A record whose CRC-32C does not match.
  kMalformedRecord,     // Checksum right, but the payload does not decode.
};

// "clean", "torn header", ... for messages.
std::string_view SegmentEndName(SegmentEnd end);

struct SegmentParse {
  // The valid records, in order, up to the first bad one.
  std::vector<JournalRecord> records;
  // Bytes from the start that are a valid header and valid records: the
  // offset of the first bad record (or of the end, when kClean).
  std::size_t valid_bytes = 0;
  SegmentEnd end = SegmentEnd::kClean;
  // The version in a header with a right checksum, else 0.
  std::uint16_t version = 0;
};

// Parses a whole segment. Never fails: damage is reported in the result.
// Pure (no I/O, no allocation beyond the result), so fuzzed as is.
SegmentParse ParseJournalSegment(ByteView segment);

// The header of a segment of `version` (this build writes kJournalVersion;
// older versions are encoded for tests and the fuzzer's round trip).
Bytes EncodeJournalHeader(std::uint16_t version = kJournalVersion);

// One record of a segment of `version`, ready to append. kInvalidArgument
// when a path the type needs is empty or holds a NUL byte, a kFinished
// status has no output, or the digest does not fit the version (required
// on C and D in version 2, absent in version 1); kResourceExhausted above
// kMaxJournalRecordBytes.
Result<Bytes> EncodeJournalRecord(const JournalRecord& record,
                                  std::uint16_t version = kJournalVersion);

}  // namespace kintsugi::recover
