#pragma once

// The DarkBit specimen generator, for tests only (recovery-schemes.md §0,
// recovery-schemes-3.md §3.11 "Synthetic specimens"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The keys come from a seed the test chooses,
// as the malware's came from the clock (Go's rand.Seed(UnixNano)), and 256
// stand-in bytes take the place of the RSA-wrapped key: no attacker key is
// involved.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "families/darkbit/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// What file `index` of a single-threaded run drew after rand.Seed(seed):
// key (Read 16), IV (Read 16), then 8 name characters charset[Intn(62)],
// files one after another.
struct DarkBitDrawn {
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 16> iv{};
  std::string name;  // The 8 random characters.
};
DarkBitDrawn DarkBitDraw(std::int64_t seed, std::size_t index);

struct DarkBitParams {
  std::int64_t seed = 0;             // rand.Seed's argument: a UnixNano time.
  std::size_t index = 0;             // The file's number in the run (0: first).
  std::uint64_t rename_seconds = 0;  // The Unix time in the new name.
  families::DarkBitReading reading = families::DarkBitReading::kKib;
};

// §3.11: the parts of the size class encrypted in place (AES-128-CBC, the
// same IV for each, no padding), then the footer: marker, the original
// name '|'-padded and encrypted, "DARKBIT", 256 stand-in bytes.
Bytes DarkBitEncrypt(ByteView plaintext, std::string_view original_name,
                     const DarkBitParams& params);

// The renamed name: "<8 characters><rename_seconds>.Darkbit".
std::string DarkBitRenamed(const DarkBitParams& params);

// Encrypts `plaintext` (the original `original_name`) and writes it as
// `dir`/DarkBitRenamed(params) with a sidecar recording the parameters;
// returns that name.
Result<std::string> WriteDarkBitSpecimen(FileSystem& fs, const Path& dir,
                                         std::string_view original_name,
                                         ByteView plaintext,
                                         const DarkBitParams& params);

}  // namespace kintsugi::families_testing
