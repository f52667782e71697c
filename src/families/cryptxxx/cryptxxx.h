#pragma once

// CryptXXX v1 (April-June 2016): RC4 with one key for every file of an
// infection, so every file is XORed with the same keystream from offset 0
// (recovery-schemes-3.md §3.13). One encrypted file and its original give
// the keystream over the original's length (KS = C XOR P); every other
// file of the infection decrypts as P' = C' XOR KS, and the bytes of a file
// longer than KS are lost (NAME.partial). v2/v3 use per-file keys, which no
// pair reveals: when most files do not decrypt to their type, the answer
// says so and points to Kaspersky's RannohDecryptor.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.13 "Identification": the appended extension (notes
// de_crypt_readme.txt, .bmp and .html).
inline constexpr std::string_view kCryptxxxExtension = ".crypt";

// The keystream kept from a pair, in memory for the run: a larger original
// gives this much, and the bytes of a file beyond it are lost.
inline constexpr std::size_t kMaxCryptxxxKeystreamBytes = 64 << 20;
// Encrypted files of known types whose heads are read to tell whether the
// keystream fits the run (§3.13 "Recovery" step 5): enough to tell "most",
// bounded in time on a large tree.
inline constexpr std::size_t kMaxCryptxxxCheckedFiles = 256;
// Of each, the bytes read: the known header bytes lie within them.
inline constexpr std::size_t kCryptxxxHeadReadBytes = 4096;

const recover::Decryptor& CryptxxxDecryptor();

}  // namespace kintsugi::families
