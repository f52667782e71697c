#pragma once

// STOP/Djvu (the current "Djvu" layout): key lookup by personal ID
// (recovery-schemes.md §3.7). The footer names the personal ID; the RSA
// private key for it (from --key, or the key store through
// RunInputs::key_lookup) OAEP-decrypts the per-file UUID, whose first 32
// and 8 bytes are the Salsa20 key and nonce of the 150 KiB region.
//
// --key: with --family stop-djvu, the hex of the RSA private key's bytes,
// DER (PKCS#1 or PKCS#8) or PEM text: RunInputs::key holds bytes, and the
// CLI decodes --key from hex for every family, so hex of the key file is
// what fits it without a new option (e.g.
// `--key $(openssl pkey -in key.pem -outform DER | xxd -p | tr -d '\n')`).

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& StopDjvuDecryptor();

}  // namespace kintsugi::families
