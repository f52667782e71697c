#pragma once

// The stream every Babuk decryptor writes through (recovery-schemes.md
// §3.8, recovery-schemes-2.md §3.3): the original's bytes, transformed by
// the build's cipher, then the footer (or footers) after them dropped.

#include <cstdint>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

class BabukFooterStream : public recover::StreamDecryption {
 public:
  BabukFooterStream(std::uint64_t original_size, std::uint64_t file_size)
      : original_size_(original_size), file_size_(file_size) {}

  Result<std::size_t> Update(ByteView in, std::span<std::uint8_t> out) final;
  // The footer was read to find the key: a file that ends early (or late)
  // changed under us.
  Result<std::size_t> Finish(std::span<std::uint8_t> out) final;
  std::uint64_t MinOutputBytes() const final { return original_size_; }

 protected:
  std::uint64_t original_size() const { return original_size_; }

 private:
  // Writes the plaintext of `in`, the original's bytes from offset `start`,
  // to `out` (as many bytes as `in`).
  virtual Status Transform(std::uint64_t start, ByteView in,
                           std::span<std::uint8_t> out) = 0;

  std::uint64_t original_size_;
  std::uint64_t file_size_;
  std::uint64_t position_ = 0;
};

}  // namespace kintsugi::families
