#pragma once

// RSA private keys and RSA-OAEP (SHA-1, MGF1-SHA-1) over OpenSSL 3 EVP, for
// the key-lookup families (recovery-schemes.md §3.7 STOP/Djvu: the per-file
// key material is OAEP-encrypted with the victim's or campaign's RSA key)
// and the specimen generators of the tests (locally generated keys only,
// §0). Also the raw private operation, for schemes whose padding the
// decryptor checks itself (recovery-schemes-2.md §3.6 Chimera: PKCS#1 v1.5,
// where OpenSSL 3.2 and later answer a bad padding with a random
// "implicit rejection" plaintext instead of an error), and a key built from
// its parts (Chimera's leak lists them).

#include <cstddef>
#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

// The parts of an RSA private key, each an unsigned big-endian integer
// (leading zero bytes allowed): modulus, public and private exponents,
// primes, CRT exponents and coefficient (q^-1 mod p).
struct RsaParts {
  SecretBytes n;
  SecretBytes e;
  SecretBytes d;
  SecretBytes p;
  SecretBytes q;
  SecretBytes dp;
  SecretBytes dq;
  SecretBytes qinv;
};

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
  // The key made of `parts`, once they agree: n = pq, e odd and > 1,
  // ed = 1 mod (p-1) and mod (q-1), dp = d mod (p-1), dq = d mod (q-1),
  // qinv * q = 1 mod p with qinv < p. No primality test (a damaged part
  // fails these already). kInvalidArgument naming the first relation that
  // fails, or for a modulus outside 1,024..8,192 bits.
  static Result<RsaPrivateKey> FromParts(const RsaParts& parts);

  // The modulus size: the size of every OAEP ciphertext of this key.
  std::size_t ModulusBytes() const;

  // OAEP-decrypts one block (SHA-1 and MGF1-SHA-1, no label). kCorrupt when
  // it does not decrypt: another key's block, or a damaged one.
  Result<SecretBytes> OaepDecrypt(ByteView ciphertext) const;
  // OAEP-encrypts with the public half (specimen generators).
  Result<Bytes> OaepEncrypt(ByteView plaintext) const;

  // The modulus, big-endian, ModulusBytes() long.
  Bytes Modulus() const;
  // The parts, each big-endian without leading zero bytes.
  Result<RsaParts> Parts() const;

  // The raw private operation c^d mod n, no padding removed: ModulusBytes()
  // bytes, big-endian. kCorrupt for a block that is not ModulusBytes() long
  // or not below the modulus (another key's block).
  Result<SecretBytes> RawDecrypt(ByteView block) const;
  // PKCS#1 v1.5 (block type 2) encryption with the public half (specimen
  // generators).
  Result<Bytes> Pkcs1v15Encrypt(ByteView plaintext) const;

  // The key as PKCS#8 DER, or as PKCS#8 PEM text.
  Result<SecretBytes> ToDer() const;
  Result<SecretBytes> ToPem() const;

 private:
  struct Key;
  explicit RsaPrivateKey(std::shared_ptr<const Key> key);
  std::shared_ptr<const Key> key_;
};

}  // namespace kintsugi::crypto
