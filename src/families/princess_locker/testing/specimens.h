#pragma once

// The Princess Locker specimen generator, for tests only
// (recovery-schemes.md §0 and §3.6 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out; and the note, one explicit file in the test
// folder, naming the ID. Seeds are the test's, as the malware's came from
// the clock.

#include <cstdint>
#include <string>
#include <string_view>

#include "families/princess_locker/princess_locker.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

struct PrincessKeyChoice {
  std::uint32_t seed = 0;   // srand() before the key string.
  std::size_t length = 21;  // Characters of it that count (21..32).
  families::PrincessHashing hashing = families::PrincessHashing::kHalf;
  bool padded = true;  // PKCS#5 on the final block, or none.
};

// §3.6: AES-128-CBC under the zero IV with the key `choice` makes; without
// padding the plaintext must be whole blocks.
Bytes PrincessEncrypt(ByteView plaintext, const PrincessKeyChoice& choice);

// Encrypts `plaintext` and writes `dir`/`name` (e.g. "report.pdf.xyzw")
// with a sidecar recording the choice.
Status WritePrincessSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             const PrincessKeyChoice& choice);

// The note `dir`/!_HOW_TO_RESTORE_<extension>.TXT, saying the ID
// srand(id_seed) makes (of `id_length` characters). Returns the ID.
Result<std::string> WritePrincessNote(FileSystem& fs, const Path& dir,
                                      std::string_view extension,
                                      std::uint32_t id_seed,
                                      std::size_t id_length = 10);

}  // namespace kintsugi::families_testing
