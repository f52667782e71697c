#pragma once

// The Chimera specimen generator, for tests only (recovery-schemes-2.md §0
// and §3.6 "Specimen recipe", key matching only), under the rules of
// families/testing/specimens.h: ONE explicit output file (plus its sidecar)
// at a time, and RSA keys generated locally by the test, never a leaked one.
// Chimera's data cipher is not known, so a specimen's ciphertext is a
// placeholder (pseudo-random bytes of the right length), and its sidecar
// says so: "synthetic -- cipher unknown".

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/rsa_oaep.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// `count` fresh RSA-2048 key pairs (about 0.1 s each).
Result<std::vector<crypto::RsaPrivateKey>> MakeChimeraKeys(std::size_t count);

// `count` distinct RSA-2048 keys for a test leak's decoys, made from a few
// fresh 1,024-bit primes, one key per pair of them (50 keys from 11 primes:
// the cost of about 6 key pairs). Decoys only: keys that share primes
// would be weak as real keys.
Result<std::vector<crypto::RsaPrivateKey>> MakeChimeraDecoyKeys(
    std::size_t count);

// A test "leak" in the published form (docs/key-format.md §1.2): one hex
// key blob a line, in the order given.
Result<std::string> ChimeraLeakText(
    std::span<const crypto::RsaPrivateKey> keys);

// The file's 16-byte key drawn from `seed` (deterministic, so a test can
// compare it with what the RSA block unwraps).
SecretBytes MakeChimeraFileKey(std::uint64_t seed);

// §3.6 layout for an original of `original_size` bytes: placeholder
// ciphertext rounded up to 1,024 bytes, 16 pseudo-random bytes, the size
// (uint64 LE), then MakeChimeraFileKey(seed) wrapped with PKCS#1 v1.5
// under the public half of `victim`.
Result<Bytes> ChimeraEncrypt(std::uint64_t original_size,
                             const crypto::RsaPrivateKey& victim,
                             std::uint64_t seed);

// Writes `dir`/`name` (ChimeraEncrypt) with a sidecar recording the
// original size, the key's fingerprint and that the specimen is synthetic.
Status WriteChimeraSpecimen(FileSystem& fs, const Path& dir,
                            std::string_view name, std::uint64_t original_size,
                            const crypto::RsaPrivateKey& victim,
                            std::uint64_t seed);

}  // namespace kintsugi::families_testing
