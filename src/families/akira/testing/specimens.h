#pragma once

// The Akira 2024 Linux/ESXi specimen generator, for tests only
// (recovery-schemes-3.md §3.9 "Synthetic specimens", recovery-schemes.md
// §0), under the rules of families/testing/specimens.h: synthetic
// plaintext in, ONE explicit output file (plus its sidecar) out. The four
// keys come from timestamps the test chooses, as the malware's came from
// the clock; the 512-byte trailer is local pseudo-random bytes (never an
// RSA blob under anyone's key). Setting the file's mtime is the test's
// business (utimensat on its own file).

#include <cstdint>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

struct AkiraTimes {
  std::uint64_t t1 = 0;  // ChaCha8 key.
  std::uint64_t t2 = 0;  // ChaCha8 nonce.
  std::uint64_t t3 = 0;  // KCipher-2 key.
  std::uint64_t t4 = 0;  // KCipher-2 IV.
};

// §3.9: keys Y(T1..T4), the part/chunk schedule for `percent`, and the
// trailer appended. Empty for a percent whose parts overlap.
Bytes AkiraEncrypt(ByteView plaintext, const AkiraTimes& times,
                   unsigned percent = 15);

// Encrypts `plaintext` and writes `dir`/`name` (e.g. "disk-flat.vmdk.akira")
// with a sidecar recording T1..T4 and the percent.
Status WriteAkiraSpecimen(FileSystem& fs, const Path& dir,
                          std::string_view name, ByteView plaintext,
                          const AkiraTimes& times, unsigned percent = 15);

}  // namespace kintsugi::families_testing
