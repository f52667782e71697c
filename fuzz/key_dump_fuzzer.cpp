// Fuzz target: a key dump (docs/key-format.md: JSON or CSV) from arbitrary
// bytes. Parsing must never crash or hang, and must keep its promises:
//  - records come back only from a dump without problems, one line each;
//  - each problem is English or a message with its declared arguments;
//  - every record passes ValidateKeyRecord (what every store checks);
//  - what it accepts, written back with KeyDumpLine, reads back clean with
//    the same number of records.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "kintsugi/key_dump.h"
#include "kintsugi/message.h"
#include "kintsugi/store.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // "f" stands for a family of the knowledge base without a decryptor, so
  // that records of any key type and handle are reached.
  const kintsugi::KeyDumpDefaults defaults = {"fuzz", {"f"}};
  auto parsed = kintsugi::ParseKeyDump(text, defaults);
  if (!parsed) return 0;
  Check(parsed->problems.empty() || parsed->records.empty());
  Check(parsed->records.size() == parsed->lines.size());
  Check(parsed->rejected_count <= parsed->record_count);
  for (const kintsugi::KeyDumpProblem& problem : parsed->problems) {
    Check(problem.detail.id == kintsugi::MessageId::kCount
              ? !problem.message.empty()
              : problem.message.empty() &&
                    kintsugi::HasDeclaredArgs(problem.detail));
  }
  std::string again;
  for (const kintsugi::KeyRecord& record : parsed->records) {
    Check(kintsugi::ValidateKeyRecord(record).ok());
    again += kintsugi::KeyDumpLine(record) + "\n";
  }
  if (parsed->records.empty()) return 0;
  auto reparsed = kintsugi::ParseKeyDump(again, defaults);
  Check(reparsed.ok() && reparsed->problems.empty() &&
        reparsed->records.size() == parsed->records.size());
  return 0;
}
