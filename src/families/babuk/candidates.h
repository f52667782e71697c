#pragma once

// The attacker private keys a Babuk decryptor tries on a file whose footer
// names no key (recovery-schemes.md §3.8, recovery-schemes-2.md §3.3):
// --key, then every released key of the key store's family "babuk".
// Shared by the NAS, ESXi and Windows decryptors.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

struct BabukCandidate {
  SecretBytes key;  // An X25519 private key, 32 bytes.
  std::string source;
};

// --key as a Babuk candidate: nothing when none was given;
// kInvalidArgument for a key that is not 32 bytes or an --iv.
Result<std::optional<BabukCandidate>> BabukGivenKey(
    const recover::RunInputs& inputs);

// --key and the store's released keys, the store asked once per run.
// Thread-safe.
class BabukCandidates {
 public:
  BabukCandidates(std::optional<BabukCandidate> given,
                  recover::ReleasedKeys released)
      : given_(std::move(given)), released_(std::move(released)) {}

  // Every candidate, --key first. A store that fails to answer is a
  // Status (never "no key"), and is asked again for the next file.
  Result<std::shared_ptr<const std::vector<BabukCandidate>>> All() const;

 private:
  std::optional<BabukCandidate> given_;
  recover::ReleasedKeys released_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<BabukCandidate>> all_;
};

}  // namespace kintsugi::families
