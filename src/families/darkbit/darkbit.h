#pragma once

// DarkBit, Windows build (recovery-schemes-3.md §3.11, from rivitna's
// decompiled reconstruction): every file has its own AES-128-CBC key and
// IV, drawn with the 8 random characters of its new name from Go's
// math/rand after rand.Seed(time.Now().UnixNano()) -- a seed reduced
// modulo 2^31 - 1, so at most 2^31 - 2 streams (prng/go_rand.h). The
// search (families/darkbit/search.h) finds the stream from the renamed
// names alone (no AES per seed), confirmed by the footer's encrypted
// original name; every other file of the run is then found in the same
// stream by its name, and decrypted by the size classes (layout.h).
//
// The search runs when the user asks for it (--family darkbit): without
// it, a file with the footer says how to ask. --seed-range A-B takes
// UnixNano times; without it, every seed, starting 10 s before the time
// in the earliest renamed file's name (or its modification time, if
// earlier). --variant kib|mib picks a reading of the size classes; by
// default the decompiled one (KiB) is tried first, then MiB, and the
// file's verification decides.

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& DarkBitDecryptor();

}  // namespace kintsugi::families
