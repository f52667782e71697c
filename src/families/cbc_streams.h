#pragma once

// AES-CBC decryption streams with PKCS#7 padding, shared by the decryptors
// of families that encrypt whole files with AES-CBC (Jigsaw §3.1, Hidden
// Tear §3.3).

#include <cstdint>
#include <memory>

#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// The stream for `key` (its key and IV): the whole file with the padding
// checked and removed; or, for a key marked truncated (the file's end is
// missing), its whole blocks in order, never Complete().
Result<std::unique_ptr<recover::StreamDecryption>> StartAesCbcDecryption(
    const recover::Key& key, std::uint64_t file_size);

}  // namespace kintsugi::families
