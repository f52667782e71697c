#pragma once

// The TeslaCrypt specimen generator, for tests only (recovery-schemes-2.md
// §0 and §3.1 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit
// output file (plus its sidecar) out. The C&C key pair is generated
// locally by the test, never the real one: the public key that belongs to
// the released master key is refused, since a file encrypted for it is a
// file only that key opens.

#include <cstdint>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// SHA-256("kintsugi-test teslacrypt " + label): how the spec's synthetic
// chain draws every private input (§3.1 "Test vectors"), e.g. "c2",
// "gpriv", "random1". Local, never a real key.
SecretBytes TeslaTestSecret(std::string_view label);

// One infection: the victim's global key and the ephemeral scalar r1.
// `hash_short_secret`: the wrapping key is SHA-256 of the shared X without
// its leading zero bytes (a build §3.1 "Uncertain" allows for), not of its
// 32-byte form.
struct TeslaInfection {
  SecretBytes gpriv;  // 32 bytes.
  SecretBytes r1;     // A secp256k1 scalar.
  bool hash_short_secret = false;
};
// One run of the malware: the file key and the ephemeral scalar r2.
struct TeslaSession {
  SecretBytes amaster;  // 32 bytes.
  SecretBytes r2;       // A secp256k1 scalar.
  bool hash_short_secret = false;
};
enum class TeslaPaddingMode : std::uint8_t { kZeros, kPkcs7 };
// One file: its IV, the 8 bytes at 0x008, and the padding.
struct TeslaFileParameters {
  Bytes iv;       // 16 bytes.
  Bytes random8;  // 8 bytes.
  TeslaPaddingMode padding = TeslaPaddingMode::kPkcs7;
};

// The spec's chain (§3.1 "Key hierarchy"): Xpub = r1 x G, Gpriv wrapped
// under SHA-256(X(r1 x C)), QD = SHA-256(Gpriv) x G, Ypub = r2 x G,
// Amaster wrapped under SHA-256(X(r2 x QD)), then the 0x170-byte header
// and AES-256-CBC(Amaster, IV) of the padded plaintext. kInvalidArgument
// for inputs of the wrong size, a C&C public key that is no point, or the
// real one.
Result<Bytes> TeslaCryptEncrypt(ByteView plaintext, ByteView c2_public,
                                const TeslaInfection& infection,
                                const TeslaSession& session,
                                const TeslaFileParameters& file);

// A TeslaCrypt 2.x file (§3.1b) whose file key is `amaster` (its header's
// Ypub = Amaster x G; the two products are placeholder hex digits: no
// factoring is tested), PKCS#7-padded.
Result<Bytes> TeslaCrypt2Encrypt(ByteView plaintext, const SecretBytes& amaster,
                                 ByteView iv);

// Encrypts `plaintext` (TeslaCryptEncrypt) and writes `dir`/`name` with a
// sidecar recording the C&C public key, Xpub, Ypub, the padding and the
// plaintext size.
Status WriteTeslaCryptSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               ByteView c2_public,
                               const TeslaInfection& infection,
                               const TeslaSession& session,
                               const TeslaFileParameters& file);

}  // namespace kintsugi::families_testing
