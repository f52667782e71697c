#pragma once

// The key store (kintsugi/store.h) as the decryptors ask it
// (RunInputs::key_lookup and released_keys): for scan, which prepares the
// decryptors as recover does.

#include <memory>
#include <mutex>

#include "kintsugi/store.h"
#include "recover/decryptor.h"

namespace kintsugi::recover {

// The released keys `store` holds for a handle, asked under `mutex` (a
// KeyStore is used by one thread at a time). Both must outlive the
// function.
KeyLookup StoreKeyLookup(std::shared_ptr<KeyStore> store, std::mutex& mutex);
// Every released key of a family, at most limits::kMaxKeysTriedPerFamily
// (kResourceExhausted beyond).
ReleasedKeys StoreReleasedKeys(std::shared_ptr<KeyStore> store,
                               std::mutex& mutex);

}  // namespace kintsugi::recover
