#pragma once

// The Linux.Encoder.1 specimen generator, for tests only
// (recovery-schemes.md §0 and §3.4 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The key comes from a seed the test chooses,
// as the malware's came from the clock, and the RSA key blob is stand-in
// bytes: no attacker key is involved.

#include <cstdint>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

struct LinuxEncoderParams {
  std::uint32_t seed = 0;          // srand's argument: the attack's Unix time.
  std::uint32_t index = 0;         // The file's number in the run (0: first).
  std::uint32_t mode = 0100644;    // The original's st_mode.
  std::uint32_t blob_bytes = 256;  // L: a 2048-bit RSA block.
  // §3.4 step 4's uncertain detail: encrypt with the IV as drawn rather
  // than as stored (byte 15's nibble replaced by the size).
  bool encrypt_with_drawn_iv = false;
};

// §3.4 "Specimen recipe": the key and IV of file `index` after
// srand(seed), IV byte 15's low nibble set to the size mod 16, AES-128-CBC
// over the plaintext with its last partial block filled with stale bytes
// (those of the block before it), no padding block; then mode, L, L
// stand-in bytes, the IV and the ciphertext.
Bytes LinuxEncoderEncrypt(ByteView plaintext, const LinuxEncoderParams& params);

// Encrypts `plaintext` and writes `dir`/`name` (e.g. "report.pdf.encrypted")
// with a sidecar recording the parameters.
Status WriteLinuxEncoderSpecimen(FileSystem& fs, const Path& dir,
                                 std::string_view name, ByteView plaintext,
                                 const LinuxEncoderParams& params);

}  // namespace kintsugi::families_testing
