#pragma once

// TeslaCrypt's data decryption (recovery-schemes-2.md §3.1 step 6, §3.1b):
// the header skipped, AES-256-CBC to the end of the file without padding,
// the plaintext cut at the original's size and the bytes after it checked
// (validator 2).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

struct TeslaStreamLayout {
  std::size_t header_bytes = 0;
  std::uint64_t original_size = 0;  // Truncated: the size recorded.
  bool zero_padding_ok = false;     // 3.x/4.x: zeros or PKCS#7.
  bool truncated = false;           // Whole blocks only, never Complete().
};

// The stream over the whole encrypted file of `file_size` bytes. Finish()
// is kCorrupt when the data is not whole blocks, the file changed size, or
// the bytes after the original are neither PKCS#7 nor (where allowed) zero
// padding.
Result<std::unique_ptr<recover::StreamDecryption>> StartTeslaDecryption(
    const SecretBytes& key, ByteView iv, const TeslaStreamLayout& layout,
    std::uint64_t file_size);

}  // namespace kintsugi::families
