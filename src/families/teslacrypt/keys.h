#pragma once

// TeslaCrypt 3.x/4.x's key chain (recovery-schemes-2.md §3.1 "Key
// hierarchy" and "Decryption algorithm"): the master (C&C) private key c
// unwraps the victim's global key Gpriv, whose hash g is proven by the
// victim public key in the header (validator 1, exact); g unwraps the
// run's file key Amaster, which the padding of the file's last block
// checks (validator 2).

#include <cstdint>
#include <optional>
#include <vector>

#include "families/teslacrypt/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families {

// The victim's private key g = SHA-256(Gpriv), when `master` unwraps Gpriv
// from `header` and g x G is the header's QD (validator 1). The key that
// unwraps Gpriv is SHA-256 of the 32-byte left-padded Sx = X(c x Xpub);
// when that fails and Sx begins with zero bytes, SHA-256 of Sx without
// them is tried (§3.1 "Uncertain": a build that hashed the short form).
// nullopt: `master` does not fit. kInvalidArgument for a master key that
// is not a secp256k1 scalar; kCorrupt for a header point off the curve.
Result<std::optional<SecretBytes>> UnwrapTeslaVictimKey(
    const SecretBytes& master, const TeslaHeader& header);

// The candidates for the run's file key Amaster that victim key `g`
// unwraps from `header` (step 5): under SHA-256 of the left-padded
// Sa = X(g x Ypub) first, then, when Sa begins with zero bytes, of Sa
// without them. Validator 2 (TeslaLastBlockPadding) chooses.
Result<std::vector<SecretBytes>> UnwrapTeslaSessionKeys(
    const SecretBytes& g, const TeslaHeader& header);

// Validator 2 (§3.1 step 6): the bytes after the original's end in the
// last block.
enum class TeslaPadding : std::uint8_t {
  kNothingToCheck,  // The original ends on a block boundary.
  kPkcs7,           // N bytes of value N (seen on 2.x files).
  kZeros,           // Zero bytes (the spec's synthetic vector; accepted
                    // for 3.x/4.x, whose padding is not documented).
  kInvalid,         // Neither: a wrong key or a damaged file.
};
// `padding` holds the plaintext bytes after the original's end (at most
// 16).
TeslaPadding ClassifyTeslaPadding(ByteView padding);

// The padding of a file whose data (after its header) is `data_bytes` long
// and holds an original of `original_size` bytes, decrypted from the last
// two ciphertext blocks in `tail` (the file's last bytes, at least 32 of
// them when the data has two blocks) or the IV when the data is one block.
// kInvalidArgument when `tail` is too short.
Result<TeslaPadding> TeslaLastBlockPadding(ByteView key, ByteView iv,
                                           ByteView tail,
                                           std::uint64_t data_bytes,
                                           std::uint64_t original_size);

}  // namespace kintsugi::families
