#pragma once

// Babuk NAS and ESXi key derivation and encryption of an original's bytes
// (recovery-schemes.md §3.8 "NAS (Go) layout and crypto", "ESXi layout and
// crypto"), shared by the decryptors and the specimen generator.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/sosemanuk.h"
#include "families/babuk/layout.h"
#include "formats/file_validator.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi::families {

// One file's symmetric key: key = SHA-256(X25519(attacker private key, the
// file's public key)); NAS: nonce = SHA-256(key)[10:22] for IETF ChaCha20;
// ESXi: no nonce (Sosemanuk keyed with `key`, no IV).
struct BabukFileKey {
  SecretBytes key;
  SecretBytes nonce;  // Empty for ESXi.
};

// kInvalidArgument for keys that are not 32 bytes; kCorrupt for a public
// key that is a low-order point (it fits no private key).
Result<BabukFileKey> DeriveBabukFileKey(BabukBuild build,
                                        const SecretBytes& attacker_private,
                                        ByteView file_public);

// Encrypts (or decrypts: the same XOR) bytes of an original under one
// file key, following the build's region rule (BabukSpanFrom).
class BabukCipher {
 public:
  // kInvalidArgument when the key (or NAS nonce) has the wrong size.
  static Result<BabukCipher> Create(BabukBuild build, BabukFileKey key);

  // Bytes [offset, offset + in.size()) of an original of `original_size`
  // bytes, into `out` (at least in.size(); may be the same memory): those
  // inside an encrypted span XORed with the keystream, the others copied.
  // Any order works; in increasing order the ESXi keystream is never
  // recomputed.
  Status Apply(std::uint64_t original_size, std::uint64_t offset, ByteView in,
               std::span<std::uint8_t> out);

 private:
  BabukCipher(BabukBuild build, BabukFileKey key)
      : build_(build), key_(std::move(key)) {}
  Status Xor(std::uint64_t stream, ByteView in, std::span<std::uint8_t> out);

  BabukBuild build_;
  BabukFileKey key_;
  std::optional<crypto::Sosemanuk> sosemanuk_;  // ESXi, made on first use.
  std::uint64_t sosemanuk_at_ = 0;              // Its keystream position.
};

// Whether the decrypted start of an original (`prefix`, its first bytes)
// is recognised as a file type, so that the key that gave it can be
// trusted: a wrong key gives noise. `original_name` (the file's name
// without the Babuk extension) gives the expected types. Magic numbers of
// 4 bytes or more (PNG, GIF, PDF, ZIP, OLE2, 7z, RAR, SQLite) count from 16
// decrypted bytes on; text from 256 bytes on (noise passes the text test
// with odds of 0.87 a byte: 1 in 10^15 over 256); the short or loose
// signatures (JPEG and gzip, about 1 in 2^27; bzip2, BMP, MP3; a UTF-16
// byte-order mark, 1 in 2^15) and text of 16 to 255 bytes only when the
// name's extension expects that type. Nothing else is guessed; the whole
// output is verified afterwards as every output is.
std::optional<formats::FileKind> BabukRecognisedKind(
    ByteView prefix, std::uint64_t original_size,
    std::string_view original_name);

// True when `kind` is one the name's extension expects.
bool BabukExpectedKind(formats::FileKind kind, std::string_view original_name);

}  // namespace kintsugi::families
