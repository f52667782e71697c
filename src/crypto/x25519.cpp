#include "crypto/x25519.h"

#include <sodium.h>

namespace kintsugi::crypto {

Result<SecretBytes> X25519(const SecretBytes& private_key,
                           ByteView public_key) {
  static_assert(crypto_scalarmult_BYTES == kX25519KeyBytes);
  static_assert(crypto_scalarmult_SCALARBYTES == kX25519KeyBytes);
  if (private_key.size() != kX25519KeyBytes ||
      public_key.size() != kX25519KeyBytes) {
    return InvalidArgumentError("X25519 keys are 32 bytes");
  }
  SecretBytes shared(kX25519KeyBytes);
  if (crypto_scalarmult(shared.mutable_span().data(), private_key.view().data(),
                        public_key.data()) != 0) {
    return CorruptError("the X25519 public key is a low-order point");
  }
  return shared;
}

Result<Bytes> X25519PublicKey(const SecretBytes& private_key) {
  if (private_key.size() != kX25519KeyBytes) {
    return InvalidArgumentError("an X25519 private key is 32 bytes");
  }
  Bytes public_key(kX25519KeyBytes);
  if (crypto_scalarmult_base(public_key.data(), private_key.view().data()) !=
      0) {
    return InternalError("X25519 base-point multiplication failed");
  }
  return public_key;
}

SecretBytes Sha256(ByteView data) {
  static_assert(crypto_hash_sha256_BYTES == kSha256Bytes);
  SecretBytes digest(kSha256Bytes);
  crypto_hash_sha256(digest.mutable_span().data(), data.data(), data.size());
  return digest;
}

SecretBytes Sha512(ByteView data) {
  static_assert(crypto_hash_sha512_BYTES == kSha512Bytes);
  SecretBytes digest(kSha512Bytes);
  crypto_hash_sha512(digest.mutable_span().data(), data.data(), data.size());
  return digest;
}

}  // namespace kintsugi::crypto
