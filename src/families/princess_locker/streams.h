#pragma once

// Princess Locker's decryption streams (recovery-schemes.md §3.6, §4.5):
// AES-128-CBC under the IV of zeros, the final block PKCS#5-padded as
// CryptEncrypt with Final = TRUE makes it; or, for the other reading of
// §3.6's "Uncertain" (no padding), every block decrypted and kept.

#include <cstdint>
#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

Result<std::unique_ptr<recover::StreamDecryption>> StartPrincessDecryption(
    ByteView key, bool padded, std::uint64_t file_size);

}  // namespace kintsugi::families
