#include "recover/store_keys.h"

#include <string>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"

namespace kintsugi::recover {
namespace {

// Where a stored key came from, for the report (never key bytes).
std::string Origin(const KeyRecord& record) {
  std::string origin = record.built_in ? "built-in key" : "key store";
  if (!record.provenance.source.empty()) {
    origin += " (" + record.provenance.source + ")";
  }
  return origin;
}

}  // namespace

KeyLookup StoreKeyLookup(std::shared_ptr<KeyStore> store, std::mutex& mutex) {
  return [&mutex, store = std::move(store)](
             std::string_view family,
             std::string_view handle) -> Result<std::vector<StoredKey>> {
    std::lock_guard lock(mutex);
    KINTSUGI_ASSIGN_OR_RETURN(
        std::vector<KeyRecord> records,
        store->Lookup(family,
                      KeyHandle{HandleKind::kVictimId, std::string(handle)}));
    std::vector<StoredKey> keys;
    for (KeyRecord& record : records) {
      std::string origin = Origin(record);
      keys.push_back(StoredKey{std::move(record.key), std::move(origin)});
    }
    return keys;
  };
}

ReleasedKeys StoreReleasedKeys(std::shared_ptr<KeyStore> store,
                               std::mutex& mutex) {
  return [&mutex, store = std::move(store)](
             std::string_view family) -> Result<std::vector<StoredKey>> {
    std::lock_guard lock(mutex);
    std::vector<StoredKey> keys;
    KINTSUGI_RETURN_IF_ERROR(
        store->ForEachReleased(family, [&](const KeyRecord& record) {
          if (keys.size() >= limits::kMaxKeysTriedPerFamily) {
            return ResourceExhaustedError(
                "more than " + std::to_string(limits::kMaxKeysTriedPerFamily) +
                " released keys of " + std::string(family) +
                " to try on each file");
          }
          keys.push_back(StoredKey{record.key, Origin(record)});
          return Status::Ok();
        }));
    return keys;
  };
}

}  // namespace kintsugi::recover
