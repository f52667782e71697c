#pragma once

// The STOP/Djvu specimen generator, for tests only (recovery-schemes.md §0
// and §3.7 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out, and an RSA key pair generated locally by the
// test (crypto::RsaPrivateKey::Generate), never a real attacker key.

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/rsa_oaep.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// A UUID in its 36-character text form, drawn from `seed` (§3.7: "draw a
// UUID string per file"; deterministic so tests can repeat it).
std::string MakeStopUuid(std::uint64_t seed);

// A 40-character personal ID drawn from `seed`, ending in "t1" when
// `offline` (§3.7 "Specimen recipe").
std::string MakeStopPersonalId(std::uint64_t seed, bool offline);

// §3.7 "Specimen recipe": Salsa20(key = uuid[0:32], nonce = uuid[0:8])
// over bytes 5 .. 5 + min(n - 5, 150 KiB) - 1, then OAEP(uuid) under `key`,
// the 40-character `personal_id` and the marker appended.
// kInvalidArgument for an ID that is not 40 characters or a UUID shorter
// than 32 bytes.
Result<Bytes> StopDjvuEncrypt(ByteView plaintext,
                              const crypto::RsaPrivateKey& key,
                              std::string_view personal_id,
                              std::string_view uuid);

// Encrypts `plaintext` and writes `dir`/`name` with a sidecar recording the
// ID, the UUID and the plaintext size.
Status WriteStopDjvuSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             const crypto::RsaPrivateKey& key,
                             std::string_view personal_id,
                             std::string_view uuid);

}  // namespace kintsugi::families_testing
