#pragma once

// The Black Basta specimen generator, for tests only (recovery-schemes-2.md
// §0 and §3.9 "Specimen recipe", recovery-schemes-3.md §3.14 "Synthetic
// specimens"), under the rules of families/testing/specimens.h: synthetic
// plaintext in, ONE explicit output file (plus its sidecar) out. K is a
// random local block per file; nothing of a real sample is used. The
// encrypted ranges are enumerated here from the spec's table on their own,
// not with the decryptor's layout code, so that a round trip checks it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "families/black_basta/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// 64 pseudo-random bytes from `seed` (local, deterministic).
families::BlackBastaBlock MakeBlackBastaBlock(std::uint64_t seed);

// A 9-character extension of lower-case letters and digits from `seed`,
// with its dot (§3.14 "Identification").
std::string BlackBastaExtension(std::uint64_t seed);

struct BlackBastaSpecimen {
  families::BlackBastaBlock block{};  // K.
  // Draws the advancing keystream of the lost ranges (ChaCha20 under a key
  // from it) and the footer's filler bytes.
  std::uint64_t seed = 1;
  // The footer's progress counter; unset: the original's size (complete).
  // Blocks at or beyond it are left plain (an interrupted run).
  std::optional<std::uint64_t> counter;
  // The size-class threshold (1 GiB; tests scale it down).
  std::uint64_t large_from = families::kBlackBastaLargeFrom;
  std::string magic = "KINTSUGITST";  // 11 characters.
  std::uint8_t version = families::kBlackBastaWeakVersion;
};

// §3.9: the K-blocks XORed with K, the ranges of the advancing keystream
// (n < 5,000: the blocks after the first; n > large_from: bytes 64..4,999)
// XORed with ChaCha20, then the 314-byte footer: 291 filler bytes, the
// version, the counter (LE 8), 2 filler bytes, the magic and a NUL.
Bytes BlackBastaEncrypt(ByteView plaintext, const BlackBastaSpecimen& spec);

// Encrypts `plaintext` and writes `dir`/`name` with a sidecar recording K,
// the counter, the threshold and the plaintext size.
Status WriteBlackBastaSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               const BlackBastaSpecimen& spec);

}  // namespace kintsugi::families_testing
