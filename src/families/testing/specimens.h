#pragma once

// Specimen generators for tests only (recovery-schemes.md §0): each takes
// synthetic plaintext and writes ONE explicit output file inside a test
// folder, encrypted with the spec's scheme and a locally generated key (or,
// for Jigsaw, the published hard-coded key), plus a sidecar
// "<specimen>.specimen.txt" recording the parameters. They never walk
// folders, delete, rename or overwrite anything (CreateNew refuses an
// existing name). Built only with the tests.

#include <cstdint>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// §3.1 "Specimen recipe": PKCS#7-pad and AES-128-CBC-encrypt with hard-coded
// key 1 or 2 and the fixed IV.
Bytes JigsawEncrypt(ByteView plaintext, int key_number = 1);

struct NemucodKey {
  Bytes key;
  std::uint64_t region = 2048;
};
// K pseudo-random key bytes drawn from `seed` (local, never a real key).
NemucodKey MakeNemucodKey(std::size_t key_length, std::uint64_t region,
                          std::uint64_t seed);
// §3.2 "Specimen recipe": XOR the first min(region, size) bytes.
Bytes NemucodEncrypt(ByteView plaintext, const NemucodKey& key);

// Writes `dir`/`name` with `contents` and the sidecar `name`.specimen.txt
// holding `parameters`. `name` must be a single component.
Status WriteSpecimen(FileSystem& fs, const Path& dir, std::string_view name,
                     ByteView contents, std::string_view parameters,
                     bool sidecar = true);

}  // namespace kintsugi::families_testing
