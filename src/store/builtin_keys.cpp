// The released keys built into Kintsugi (include/kintsugi/store.h
// BuiltinKeyStore, docs/key-format.md §8): kb/keys/released.csv, a key dump
// in the format of §1, pulled in at build time with the assembler's
// .incbin (as the built-in KB is, src/kb/embedded_kb.cpp) and read with
// the importer's own checks the first time it is asked for.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/key_dump.h"
#include "kintsugi/store.h"

#ifndef KINTSUGI_BUILTIN_KEYS_PATH
#error "KINTSUGI_BUILTIN_KEYS_PATH must name kb/keys/released.csv"
#endif

// NOLINTNEXTLINE(hicpp-no-assembler)
__asm__(
    ".pushsection .rodata\n"
    ".hidden kintsugi_builtin_keys_start\n"
    ".globl kintsugi_builtin_keys_start\n"
    "kintsugi_builtin_keys_start:\n"
    ".incbin \"" KINTSUGI_BUILTIN_KEYS_PATH
    "\"\n"
    ".hidden kintsugi_builtin_keys_end\n"
    ".globl kintsugi_builtin_keys_end\n"
    "kintsugi_builtin_keys_end:\n"
    ".byte 0\n"
    ".popsection\n");

extern "C" {
extern const char kintsugi_builtin_keys_start[];
extern const char kintsugi_builtin_keys_end[];
}

namespace kintsugi {
namespace {

std::string_view EmbeddedDump() {
  // The symbols' difference is the only pointer arithmetic here, on bytes
  // we built ourselves.
  return std::string_view(
      kintsugi_builtin_keys_start,
      static_cast<std::size_t>(kintsugi_builtin_keys_end -
                               kintsugi_builtin_keys_start));
}

// The embedded records, read once.
Result<std::shared_ptr<const std::vector<KeyRecord>>> BuiltinRecords() {
  static std::once_flag once;
  static Result<std::shared_ptr<const std::vector<KeyRecord>>> records =
      InternalError("not read");
  std::call_once(once, [] {
    auto dump = ParseKeyDump(EmbeddedDump(), KeyDumpDefaults{});
    if (!dump) {
      records = CorruptError("kb/keys/released.csv: " + dump.error().message());
      return;
    }
    if (!dump->problems.empty()) {
      const KeyDumpProblem& first = dump->problems.front();
      records = CorruptError(
          "kb/keys/released.csv:" + std::to_string(first.line) + ": " +
          (first.message.empty() ? std::string(MessageIdName(first.detail.id))
                                 : first.message));
      return;
    }
    for (KeyRecord& record : dump->records) record.built_in = true;
    records = std::make_shared<const std::vector<KeyRecord>>(
        std::move(dump->records));
  });
  return records;
}

class BuiltinStore final : public KeyStore {
 public:
  explicit BuiltinStore(std::shared_ptr<const std::vector<KeyRecord>> records)
      : records_(std::move(records)) {}

  Status Import(std::span<const KeyRecord>) override {
    return UnsupportedError("the built-in keys cannot be added to");
  }

  Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                        const KeyHandle& handle) override {
    std::vector<KeyRecord> found;
    for (const KeyRecord& record : *records_) {
      if (record.state == ReleaseState::kReleased && record.family == family &&
          record.handle == handle) {
        found.push_back(record);
      }
    }
    return found;
  }

  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    for (const KeyRecord& record : *records_) {
      if (record.state != ReleaseState::kReleased || record.family != family) {
        continue;
      }
      KINTSUGI_RETURN_IF_ERROR(visit(record));
    }
    return Status::Ok();
  }

  Result<KeyStoreStats> Stats() override {
    KeyStoreStats stats;
    for (const KeyRecord& record : *records_) {
      auto row = std::find_if(
          stats.rows.begin(), stats.rows.end(), [&](const auto& r) {
            return r.family == record.family && r.state == record.state;
          });
      if (row == stats.rows.end()) {
        stats.rows.push_back({record.family, record.state, 0});
        row = stats.rows.end() - 1;
      }
      ++row->count;
    }
    std::sort(
        stats.rows.begin(), stats.rows.end(), [](const auto& a, const auto& b) {
          return a.family != b.family ? a.family < b.family : a.state < b.state;
        });
    return stats;
  }

  Status Export(const KeyVisitor& visit) override {
    for (const KeyRecord& record : *records_) {
      KINTSUGI_RETURN_IF_ERROR(visit(record));
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<const std::vector<KeyRecord>> records_;
};

}  // namespace

Result<std::shared_ptr<KeyStore>> BuiltinKeyStore() {
  KINTSUGI_ASSIGN_OR_RETURN(auto records, BuiltinRecords());
  return std::shared_ptr<KeyStore>(
      std::make_shared<BuiltinStore>(std::move(records)));
}

}  // namespace kintsugi
