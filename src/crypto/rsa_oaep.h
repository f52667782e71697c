#pragma once

// RSA private keys and RSA-OAEP (SHA-1, MGF1-SHA-1) over OpenSSL 3 EVP, for
// the key-lookup families (recovery-schemes.md §3.7 STOP/Djvu: the per-file
// key material is OAEP-encrypted with the victim's or campaign's RSA key)
// and the specimen generators of the tests (locally generated keys only,
// §0).

#include <cstddef>
#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

// An RSA private key, immutable; const methods are thread-safe (each call
// makes its own OpenSSL context). Copies share the key.
class RsaPrivateKey {
 public:
  // Reads a PEM ("-----BEGIN ... PRIVATE KEY-----", PKCS#1 or PKCS#8,
  // unencrypted) or DER (PKCS#1 or PKCS#8) RSA private key.
  // kInvalidArgument when the bytes are neither, or the key is not RSA.
  static Result<RsaPrivateKey> Parse(ByteView pem_or_der);
  // A fresh key pair (tests and specimens only: never a real attacker key).
  static Result<RsaPrivateKey> Generate(int bits);

  // The modulus size: the size of every OAEP ciphertext of this key.
  std::size_t ModulusBytes() const;

  // OAEP-decrypts one block (SHA-1 and MGF1-SHA-1, no label). kCorrupt when
  // it does not decrypt: another key's block, or a damaged one.
  Result<SecretBytes> OaepDecrypt(ByteView ciphertext) const;
  // OAEP-encrypts with the public half (specimen generators).
  Result<Bytes> OaepEncrypt(ByteView plaintext) const;

  // The key as PKCS#8 DER, or as PKCS#8 PEM text.
  Result<SecretBytes> ToDer() const;
  Result<SecretBytes> ToPem() const;

 private:
  struct Key;
  explicit RsaPrivateKey(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

}  // namespace kintsugi::crypto
