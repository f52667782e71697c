#pragma once

// AES-CBC with PKCS#7 padding over OpenSSL EVP, as a stream: any amount of
// ciphertext in, plaintext out, bounded memory. Used by every CBC family
// (recovery-schemes.md §3.1 Jigsaw, §3.4, §3.6) and by the specimen
// generators of the tests.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kAesBlockBytes = 16;

// Decrypts AES-CBC (key of 16, 24 or 32 bytes) and removes PKCS#7 padding.
// The last block is held back until Finish() so that padding can be checked
// before any of it is released.
class AesCbcDecryptor {
 public:
  // kInvalidArgument for a key that is not 16/24/32 bytes or an IV that is
  // not 16 bytes.
  static Result<AesCbcDecryptor> Create(ByteView key, ByteView iv);
  // The same without padding: Update() releases every whole block at once,
  // and Finish() only checks that the ciphertext was whole blocks (none at
  // all is fine). For schemes that record the original's size and pad the
  // last block their own way (TeslaCrypt, recovery-schemes-2.md §3.1).
  static Result<AesCbcDecryptor> CreateUnpadded(ByteView key, ByteView iv);

  AesCbcDecryptor(AesCbcDecryptor&&) noexcept;
  AesCbcDecryptor& operator=(AesCbcDecryptor&&) noexcept;
  ~AesCbcDecryptor();

  // How large `out` must be for Update() with `in_size` bytes of input.
  static std::size_t MaxOutput(std::size_t in_size) {
    return in_size + kAesBlockBytes;
  }

  // Decrypts `in` into `out` (which must hold MaxOutput(in.size()) bytes)
  // and returns how many plaintext bytes were written.
  Result<std::size_t> Update(ByteView in, std::span<std::uint8_t> out);

  // Checks the padding of the last block and writes its plaintext into
  // `out` (at least kAesBlockBytes). kCorrupt if the ciphertext length was
  // not a non-zero multiple of the block size or the padding is invalid.
  // Unpadded: kCorrupt if it was not a multiple of the block size; writes
  // nothing.
  Result<std::size_t> Finish(std::span<std::uint8_t> out);

 private:
  struct State;
  explicit AesCbcDecryptor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Decrypts whole blocks without touching padding (`ciphertext` must be a
// multiple of 16 bytes). For probing a candidate key on the first and last
// blocks without reading the whole file (recovery-schemes.md §4.4).
Result<Bytes> AesCbcDecryptBlocks(ByteView key, ByteView iv,
                                  ByteView ciphertext);

// Encrypts with PKCS#7 padding. For the specimen generators of the tests and
// for known-answer tests.
Result<Bytes> AesCbcEncrypt(ByteView key, ByteView iv, ByteView plaintext);

// The PKCS#7 padding length of a final plaintext block, or nullopt when the
// block is not validly padded.
std::optional<std::size_t> Pkcs7PaddingLength(ByteView last_block);

}  // namespace kintsugi::crypto
