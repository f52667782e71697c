#pragma once

// Babuk Windows key derivation, the footer's key check and one layer of
// encryption (recovery-schemes-2.md §3.3 "Crypto"), shared by the
// decryptor and the specimen generator.

#include <cstdint>
#include <optional>
#include <span>

#include "crypto/hc128.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families {

// km = SHA-512(X25519(attacker private key, the file's public key)), 64
// bytes. kInvalidArgument for keys that are not 32 bytes; kCorrupt for a
// public key that is a low-order point (it fits no private key).
Result<SecretBytes> DeriveBabukWindowsKeyMaterial(
    const SecretBytes& attacker_private, ByteView file_public);

// The footer's check of km: CRC-32/MPEG-2 from 0x676E6F64 (§2.4). Equal
// to the footer's CRC: this is the key (a wrong key passes with odds of
// 2^-32), before any data is decrypted.
std::uint32_t BabukWindowsCrc(ByteView key_material);

// One layer: an original of `original_size` bytes encrypted under `km`
// by §3.3's region table with one HC-128 stream (8-word mode, key
// km[0:32], IV km[32:64]).
class BabukWindowsLayer {
 public:
  // kInvalidArgument when km is not 64 bytes.
  static Result<BabukWindowsLayer> Create(SecretBytes key_material,
                                          std::uint64_t original_size);

  // XORs, in place, bytes [offset, offset + data.size()) of the layer's
  // original where they lie in an encrypted span; the others stay. Any
  // order works; in increasing order the keystream is never recomputed.
  Status Apply(std::uint64_t offset, std::span<std::uint8_t> data);

  std::uint64_t original_size() const { return original_size_; }

 private:
  BabukWindowsLayer(SecretBytes key_material, std::uint64_t original_size)
      : key_material_(std::move(key_material)), original_size_(original_size) {}

  SecretBytes key_material_;
  std::uint64_t original_size_;
  std::optional<crypto::Hc128> cipher_;  // Made on first use.
};

}  // namespace kintsugi::families
