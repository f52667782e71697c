#pragma once

// Chimera: leaked-key matching (recovery-schemes-2.md §3.6). In July 2016
// about 3,500 Chimera RSA private keys were published; each Chimera file
// ends with its 16-byte key wrapped (PKCS#1 v1.5) under the victim's RSA
// key. The file names no key, so every released key of the key store's
// family "chimera" (docs/key-format.md §1.2, and --key) is tried on that
// block, and the one whose padding and 16-byte payload come out right fits.
//
// The data cipher is not identified yet (§3.6, §4 "Open questions"), so a
// file whose key fits is `unsupported` with a message naming the key (its
// fingerprint and source, never its bytes); the run's ReportedKeys list
// each key that fitted, with how many files. Nothing is ever written for a
// non-empty file.
//
// --key: with --family chimera, the hex of a key blob (2,310 digits), or
// of an RSA-2048 private key's DER bytes or PEM text.

#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

// The key store's family for Chimera keys.
inline constexpr std::string_view kChimeraKeyFamily = "chimera";

const recover::Decryptor& ChimeraDecryptor();

}  // namespace kintsugi::families
