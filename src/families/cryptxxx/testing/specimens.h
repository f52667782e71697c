#pragma once

// The CryptXXX v1 specimen generator, for tests only (recovery-schemes-3.md
// §3.13 "Synthetic specimens", recovery-schemes.md §0): a random 16-byte
// RC4 key per "infection" (drawn locally), every file XORed with the same
// RC4 keystream from offset 0, renamed +".crypt"; ONE explicit output file
// (plus its sidecar) per call; the three ransom notes into the test folder
// only. RC4 lives here, in test code only: the decryptor never needs the
// cipher, only the keystream a pair reveals.

#include <cstdint>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

// The first `length` bytes of the RC4 keystream of `key` (1-256 bytes).
Bytes Rc4Keystream(ByteView key, std::size_t length);

// A 16-byte RC4 key drawn from `seed` (local, deterministic).
Bytes MakeCryptxxxKey(std::uint64_t seed);

// `plaintext` XORed with the RC4 keystream of `key`, then `trailer_bytes`
// filler bytes appended (the spec's hypothesis of a small fixed appendix;
// 0: none).
Bytes CryptxxxEncrypt(ByteView plaintext, ByteView key,
                      std::size_t trailer_bytes = 0);

// Encrypts `plaintext` and writes `dir`/`name` with a sidecar recording
// the key and sizes.
Status WriteCryptxxxSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             ByteView key, std::size_t trailer_bytes = 0);

// Writes the three v1/v2 notes (de_crypt_readme.txt, .bmp, .html) with
// synthetic text into `dir`; refuses to overwrite.
Status WriteCryptxxxNotes(FileSystem& fs, const Path& dir);

}  // namespace kintsugi::families_testing
