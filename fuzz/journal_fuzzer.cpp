// Fuzz target: one recovery-journal segment (docs/journal-format.md) from
// arbitrary bytes. Parsing must never crash or hang, and must keep four
// promises:
//  - what it calls valid re-encodes to exactly the same bytes, in the
//    segment's own version (1 or 2: the parser and the writer agree on every
//    byte, so nothing unchecked is accepted, and a version-2 C or D record
//    always carries its output's digest, a version-1 one never);
//  - opening a journal made of the segment on the in-memory file system
//    either works or refuses an older/newer format with kUnsupported;
//  - opening it removes no file except a temporary that a valid record
//    names (a torn or corrupted record never deletes anything);
//  - the segment compaction leaves is clean and of the version this build
//    writes.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "io/memory_file_system.h"
#include "kintsugi/log.h"
#include "recover/journal.h"
#include "recover/journal_format.h"

namespace {

using kintsugi::Bytes;
using kintsugi::ByteView;
using kintsugi::Path;
using kintsugi::recover::JournalRecord;
using kintsugi::recover::RecordType;
using kintsugi::recover::SegmentEnd;
using kintsugi::recover::SegmentParse;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

// Bytes [0, valid_bytes) must be the header plus the records, re-encoded.
void CheckReencodes(ByteView input, const SegmentParse& parse) {
  Check(parse.valid_bytes <= input.size());
  Check((parse.end == SegmentEnd::kClean) ==
        (parse.valid_bytes == input.size()));
  if (parse.valid_bytes == 0) {
    Check(parse.records.empty());
    return;
  }
  Bytes again = kintsugi::recover::EncodeJournalHeader(parse.version);
  for (const JournalRecord& record : parse.records) {
    auto bytes = kintsugi::recover::EncodeJournalRecord(record, parse.version);
    Check(bytes.has_value());
    again.insert(again.end(), bytes->begin(), bytes->end());
  }
  Check(ByteView(again) == input.First(parse.valid_bytes));
}

// The names the corpus seeds use (fuzz/corpus/journal_fuzzer/).
const char* const kBystanders[] = {
    "/out/a.txt.locked",
    "/out/a.txt",
    "/out/.a.txt.kintsugi-tmp-0123456789abcdef",
    "/out/.b.txt.kintsugi-tmp-fedcba9876543210",
    "/out/sub/c.txt",
};

void CheckRemovesOnlyNamedTemporaries(ByteView input,
                                      const SegmentParse& parse) {
  kintsugi::io::MemoryFileSystem fs;
  const Path journal_dir = Path("/out") / kintsugi::recover::kJournalDirName;
  const Path segment =
      journal_dir / "segment-00000000000000000001-0000abcd.log";
  Check(fs.AddFile(segment, input).ok());
  for (const char* name : kBystanders) {
    Check(fs.AddFile(name, ByteView::FromString(name)).ok());
  }
  const std::vector<std::string> before = fs.ListAllFiles();
  auto journal = kintsugi::recover::Journal::Open(fs, journal_dir, false);
  if (!journal) {
    Check(journal.error().code() == kintsugi::StatusCode::kUnsupported);
    Check(parse.end == SegmentEnd::kLegacyText ||
          parse.end == SegmentEnd::kUnsupportedVersion);
    Check(fs.ListAllFiles() == before);  // Refused means untouched.
    return;
  }
  std::set<std::string> named;
  for (const JournalRecord& record : parse.records) {
    if (record.type == RecordType::kBegin ||
        record.type == RecordType::kCommitting) {
      named.insert(record.temp.native());
    }
  }
  const std::vector<std::string> after = fs.ListAllFiles();
  const std::set<std::string> remaining(after.begin(), after.end());
  for (const std::string& path : before) {
    if (path == segment.native()) continue;  // Compacted away.
    if (remaining.count(path) == 0) Check(named.count(path) > 0);
  }
  const auto& report = (*journal)->load_report();
  Check(report.bytes_ignored == input.size() - parse.valid_bytes);
  Check(report.records == parse.records.size());
  for (const std::string& path : after) {
    if (Path(path).parent_path() != journal_dir) continue;
    auto bytes = fs.Contents(path);
    Check(bytes.has_value());
    const SegmentParse compacted =
        kintsugi::recover::ParseJournalSegment(*bytes);
    Check(compacted.end == SegmentEnd::kClean);
    Check(compacted.version == kintsugi::recover::kJournalVersion);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  // Damage is the normal case here; its warnings would only slow fuzzing.
  kintsugi::SetLogLevel(kintsugi::LogLevel::kOff);
  const ByteView input(data, size);
  const SegmentParse parse = kintsugi::recover::ParseJournalSegment(input);
  CheckReencodes(input, parse);
  CheckRemovesOnlyNamedTemporaries(input, parse);
  return 0;
}
