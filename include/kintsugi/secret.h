#pragma once

// SecretBytes: key material (a --key, a key recovered from a pair, a key
// schedule's input). It exists so that a key does not outlive its use in
// freed memory, swap or a core dump, and never reaches a log:
//  - every buffer it ever held is wiped (sodium_memzero) before it is
//    freed: on destruction, on assignment, on a resize that moves or
//    shrinks it, and on Clear();
//  - its buffers are locked in memory (sodium_mlock: never swapped, left out
//    of core dumps) when the system allows it; best effort, because the
//    lock limit (RLIMIT_MEMLOCK) is small, and locks are per page and not
//    counted, so freeing one secret may unlock a page another one shares;
//  - it cannot be printed: no operator<<, no conversion to a string or to
//    Bytes, no fmt formatter (so Log() does not compile with one);
//    Describe() says "[secret, N bytes]".
// Reading the bytes takes an explicit view(), for the crypto call that
// needs them.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi {

namespace internal {

// Allocates `size` bytes and locks them (best effort).
void* AllocateSecret(std::size_t size);
// Wipes `size` bytes at `data`, unlocks and frees them.
void FreeSecret(void* data, std::size_t size);

// The allocator behind SecretBytes: every buffer is wiped before it is
// freed, whoever frees it.
template <typename T>
struct SecretAllocator {
  using value_type = T;
  SecretAllocator() = default;
  template <typename U>
  SecretAllocator(const SecretAllocator<U>&) {}  // NOLINT: rebinding

  // std::vector keeps `n` below max_size(), so n * sizeof(T) fits.
  T* allocate(std::size_t n) {
    return static_cast<T*>(AllocateSecret(n * sizeof(T)));
  }
  void deallocate(T* data, std::size_t n) { FreeSecret(data, n * sizeof(T)); }

  friend bool operator==(const SecretAllocator&, const SecretAllocator&) {
    return true;
  }
};

// For tests only: called with each buffer after it is wiped and before it
// is freed, so a test can check the wipe without reading freed memory.
// nullptr removes it. Not thread-safe against running SecretBytes code.
using SecretWipeObserver = void (*)(const std::uint8_t* data, std::size_t size);
void SetSecretWipeObserverForTesting(SecretWipeObserver observer);

}  // namespace internal

class SecretBytes {
 public:
  SecretBytes() = default;
  // Copies `bytes`; the caller wipes its own copy if it matters.
  explicit SecretBytes(ByteView bytes);
  // Takes the bytes of `bytes` and wipes it (its buffer cannot be adopted:
  // it was not allocated as a secret).
  explicit SecretBytes(Bytes&& bytes);
  // `size` zero bytes, to be filled through mutable_span().
  explicit SecretBytes(std::size_t size);

  // Decodes hex ("00ff..."), as FromHex() does, without a plain copy of
  // the bytes.
  static Result<SecretBytes> FromHex(std::string_view hex);

  // Copies are secrets too; the buffer a copy-assignment overwrites is
  // wiped first. A moved-from SecretBytes is empty (its buffer moved).
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes(SecretBytes&&) noexcept = default;
  SecretBytes& operator=(SecretBytes&&) noexcept = default;
  ~SecretBytes() = default;  // The allocator wipes.

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  // The bytes, for the call that uses the key. Valid until the next change.
  ByteView view() const { return ByteView(bytes_.data(), bytes_.size()); }
  std::span<std::uint8_t> mutable_span() { return bytes_; }

  // Replaces the contents (the old bytes are wiped). `bytes` must not point
  // into this SecretBytes.
  void Assign(ByteView bytes);
  // New bytes are zero; bytes cut off are wiped.
  void Resize(std::size_t size);
  // Wipes the bytes and frees the buffer.
  void Clear();

  // "[secret, N bytes]": what a log or a debug print may show.
  std::string Describe() const;

  // Compares in time that depends only on the sizes.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void Wipe();

  std::vector<std::uint8_t, internal::SecretAllocator<std::uint8_t>> bytes_;
};

}  // namespace kintsugi
