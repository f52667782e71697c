#pragma once

// Linux.Encoder.1 (recovery-schemes.md §3.4): AES-128-CBC under a key of 16
// characters that musl's rand() drew after srand(time(NULL)), so the key is
// found by searching the seed (a Unix time) with the seed-search engine
// (recover/seed_search.h). No plaintext is needed: each file stores the IV
// drawn right after its key, so a candidate seed is tested by generating
// the IVs of its first 10,000 files and comparing them with a file's
// (15 bytes: the 16th carries the size); a hit is confirmed by decrypting
// the file's first block to a header its name allows, then each file is
// decrypted with the key drawn before its own IV, cut to its original size,
// and given its original permission bits back.
//
// The search is cheap (Bitdefender's window, an hour before the earliest
// encrypted file's modification time to a minute after, takes seconds), so
// it runs without --family too, on the `.encrypted` files whose header is
// Linux.Encoder's. --around / --seed-range take Unix times (seconds).
// --key: the seed a search printed (4 bytes, 8 hex digits).

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& LinuxEncoderDecryptor();

}  // namespace kintsugi::families
