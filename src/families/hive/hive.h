#pragma once

// Hive v3/v4 (recovery-schemes-2.md §3.10): every file of one attack is
// XORed, in blocks, with a keystream made of two windows of one secret key
// table whose id and window offsets its name carries. The table is
// recovered from many files (originals given with --pair, known header
// bytes) by the XOR-graph solver (§2.5, recover/xor_graph.h); whatever the
// evidence covers is decrypted, and the rest is reported lost (a
// `NAME.partial` output). v1/v2 (".hive") and v5+ are identified but not
// recoverable by this method.
//
// The layout is in layout.h, the evidence and its limits in evidence.h, the
// decryption in keystream.h.

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& HiveDecryptor();

}  // namespace kintsugi::families
