#pragma once

// TeslaCrypt (recovery-schemes-2.md §3.1, §3.1b). 3.x and 4.x: the
// operators released their master (C&C) private key in May 2016; it ships
// among the built-in keys (kb/keys/released.csv, docs/key-format.md §8)
// and is tried with the key store's and --key's. The file's header proves
// a master key before any data is read: it unwraps the victim's key, whose
// public key the header holds (validator 1). The run's file key, unwrapped
// once per session (cached), decrypts the data, truncated to the size the
// header records.
//
// 2.x (<= 2.2), AlphaCrypt and 0.x are identified by their headers and
// answered honestly: their master keys were never released, and a file's
// key comes from factoring (2.x, AlphaCrypt; external tools, days) or from
// the infected computer (0.x). A key found so is taken with --key.
//
// --key (with --family teslacrypt): 32 bytes in hex: a 3.x/4.x master
// private key, or the AES key of an older file.

#include <cstddef>
#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

// The key store's family of TeslaCrypt 3.x/4.x master keys
// (secp256k1-private, no handle: the files name none).
inline constexpr std::string_view kTeslaCryptKeyFamily = "teslacrypt";

// How many sessions (runs of the malware: one header key per run, §3.1
// step 2) a recovery remembers the key of. A victim's files come from a
// handful; past the bound (files of many victims, or hostile headers) a
// session's key is worked out again for each of its files, which costs two
// ECDH per master key and is never wrong.
inline constexpr std::size_t kTeslaCryptMaxCachedSessions = 4096;

const recover::Decryptor& TeslaCryptDecryptor();

}  // namespace kintsugi::families
