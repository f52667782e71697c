#pragma once

// Rhysida (recovery-schemes-3.md §3.10): every file's AES key and IV come
// from one of PROCS LibTomCrypt chacha20_prng generators, all fed from MSVC
// rand() after srand(the time the attack started). The seed is searched
// outward from the earliest .rhysida file's modification time
// (recover/seed_search.h, families/seed_clock.h), then each file is placed
// in the encryption order (which worker, its how-many-th file) by the key
// that decrypts its start to the type its name promises.
//
// MODEL, UNCONFIRMED: the mechanism is the spec's (MEDIUM), the byte layout
// is not (LOW); every open parameter is a --rhysida-* option whose default
// tries the spec's candidates in turn (model.h, docs/cli.md "Rhysida"), and
// a seed counts as found only when a file of the run decrypts whole to a
// valid file of its type under one reading. The PowerShell variant fixed
// the flaw: its files are not recoverable.
//
// The search runs when the user asks for it (--family rhysida); without
// it, a .rhysida file says how to ask.

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& RhysidaDecryptor();

}  // namespace kintsugi::families
