#pragma once

// The Babuk Windows specimen generator, for tests only
// (recovery-schemes.md §0, recovery-schemes-2.md §3.3 "Specimen recipe"),
// under the rules of families/testing/specimens.h: synthetic plaintext in,
// ONE explicit output file (plus its sidecar) out. The attacker key pairs
// are generated locally by the test (MakeBabukPrivateKey), never a real
// attacker key: a real public key would make files only the criminals can
// decrypt.

#include <span>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// One layer of encryption: for the attacker whose public key is
// `attacker_public`, with the per-file ephemeral private key
// `ephemeral_private` (MakeBabukPrivateKey of a seed of the test's).
struct BabukWindowsLayerKeys {
  Bytes attacker_public;
  SecretBytes ephemeral_private;
};

// §3.3 "Specimen recipe": km = SHA-512(X25519(ephemeral private, attacker
// public)), the original encrypted by the region table with one HC-128
// stream (one call per region of at most 1 MiB), then the 68-byte footer
// (the ephemeral public key, the CRC of km from 0x676E6F64, the marker).
// kInvalidArgument for keys that are not 32 bytes.
Result<Bytes> BabukWindowsEncrypt(ByteView plaintext,
                                  const BabukWindowsLayerKeys& keys);

// Encrypts `plaintext` once per layer, in order (the first is the inner),
// and writes `dir`/`name` with a sidecar recording the layers' public keys
// and the plaintext size.
Status WriteBabukWindowsSpecimen(FileSystem& fs, const Path& dir,
                                 std::string_view name, ByteView plaintext,
                                 std::span<const BabukWindowsLayerKeys> layers);

}  // namespace kintsugi::families_testing
