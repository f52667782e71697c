#pragma once

// The Hive v3/v4 specimen generator, for tests only (recovery-schemes-2.md
// §0 and §3.10 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The key table is drawn from a seed here and
// never exported: no RSA key, real or local, ever wraps it.

#include <cstdint>
#include <string>
#include <string_view>

#include "families/hive/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// A key table of the version's size drawn from `seed` (deterministic, local,
// never a real one) and its id, SHA-512/256 of the table (§3.10).
struct HiveTestTable {
  Bytes table;
  families::HiveTableId id{};
};
HiveTestTable MakeHiveTable(const families::HiveParameters& version,
                            std::uint64_t seed);

// §3.10: the plaintext XORed, block by block (HiveBlocks), with keystream
// T[p1 + i mod W1] ^ T[p2 + i mod W2], i counting the bytes encrypted so
// far. `table` must be of the version's size.
Bytes HiveEncrypt(ByteView plaintext, const HiveTestTable& table,
                  const families::HiveParameters& version, std::uint32_t n1,
                  std::uint32_t n2);

// The name Hive gives a file: `original`.<56-character token>.`extension`.
std::string HiveEncryptedName(std::string_view original,
                              const families::HiveTableId& id, std::uint32_t n1,
                              std::uint32_t n2,
                              std::string_view extension = "kntsg");

// Encrypts `plaintext` and writes it in `dir` under HiveEncryptedName, with
// a sidecar recording the version, the table id, n1, n2 and the plaintext
// size (never the table). Returns the name written.
Result<std::string> WriteHiveSpecimen(FileSystem& fs, const Path& dir,
                                      std::string_view original,
                                      ByteView plaintext,
                                      const HiveTestTable& table,
                                      const families::HiveParameters& version,
                                      std::uint32_t n1, std::uint32_t n2);

}  // namespace kintsugi::families_testing
