#pragma once

// The Babuk NAS and ESXi specimen generator, for tests only
// (recovery-schemes.md §0 and §3.8 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The attacker key pair is generated locally
// by the test (MakeBabukAttackerKey), never a real attacker key: a real
// public key would make files only the criminals can decrypt.

#include <cstdint>
#include <string_view>

#include "families/babuk/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// A 32-byte X25519 private key drawn from `seed` (deterministic, so tests
// can repeat it; local, never a real key).
SecretBytes MakeBabukPrivateKey(std::uint64_t seed);

// §3.8 "Specimen recipe": the per-file ephemeral key pair from
// `ephemeral_private` (MakeBabukPrivateKey of another seed), key (and NAS
// nonce) derived with the attacker's PUBLIC key, the original encrypted by
// the build's region rule, then the ephemeral public key (and, NAS, the
// marker) appended. kInvalidArgument for keys that are not 32 bytes.
Result<Bytes> BabukEncrypt(families::BabukBuild build, ByteView plaintext,
                           ByteView attacker_public,
                           const SecretBytes& ephemeral_private);

// Encrypts `plaintext` and writes `dir`/`name` with a sidecar recording the
// build, the attacker and file public keys and the plaintext size.
Status WriteBabukSpecimen(FileSystem& fs, const Path& dir,
                          std::string_view name, families::BabukBuild build,
                          ByteView plaintext, ByteView attacker_public,
                          const SecretBytes& ephemeral_private);

}  // namespace kintsugi::families_testing
