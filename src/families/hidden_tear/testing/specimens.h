#pragma once

// The Hidden Tear specimen generator, for tests only (recovery-schemes.md
// §0 and §3.3 "Specimen recipe"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file (plus its sidecar) out. The key comes from a seed the test chooses,
// as the malware's came from the clock.

#include <cstdint>
#include <string_view>

#include "families/hidden_tear/hidden_tear.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// §3.3: the password Random(seed) makes for `variant`, its key and IV, and
// AES-256-CBC with PKCS#7 over the whole plaintext.
Bytes HiddenTearEncrypt(ByteView plaintext, std::int32_t seed,
                        const families::HiddenTearVariant& variant);

// Encrypts `plaintext` and writes `dir`/`name` (e.g. "report.pdf.locked")
// with a sidecar recording the seed and the variant.
Status WriteHiddenTearSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               std::int32_t seed,
                               const families::HiddenTearVariant& variant);

}  // namespace kintsugi::families_testing
