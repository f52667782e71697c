#include "families/babuk/candidates.h"

#include <utility>

#include "crypto/x25519.h"
#include "families/babuk/babuk.h"

namespace kintsugi::families {

Result<std::optional<BabukCandidate>> BabukGivenKey(
    const recover::RunInputs& inputs) {
  std::optional<BabukCandidate> given;
  if (inputs.key) {
    if (inputs.key->size() != crypto::kX25519KeyBytes) {
      return InvalidArgumentError(
          "a Babuk key is an X25519 private key: --key takes its 32 bytes in "
          "hex, got " +
          std::to_string(inputs.key->size()) + " bytes");
    }
    given = BabukCandidate{*inputs.key, "--key"};
  }
  if (inputs.iv) return InvalidArgumentError("Babuk takes no --iv");
  return given;
}

Result<std::shared_ptr<const std::vector<BabukCandidate>>>
BabukCandidates::All() const {
  std::lock_guard lock(mutex_);
  if (all_) return all_;
  auto all = std::make_shared<std::vector<BabukCandidate>>();
  if (given_) all->push_back(*given_);
  if (released_) {
    // A few dozen keys; RunInputs::released_keys bounds them.
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<recover::StoredKey> keys,
                              released_(kBabukKeyFamily));
    for (recover::StoredKey& key : keys) {
      all->push_back(BabukCandidate{std::move(key.key), std::move(key.source)});
    }
  }
  all_ = std::move(all);
  return all_;
}

}  // namespace kintsugi::families
