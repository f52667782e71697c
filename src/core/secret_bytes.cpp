#include <sodium.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "core/hex.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace internal {
namespace {

std::atomic<SecretWipeObserver> g_wipe_observer{nullptr};

}  // namespace

void* AllocateSecret(std::size_t size) {
  void* data = ::operator new(size);
  // Best effort (see secret.h): a refused lock leaves an ordinary buffer,
  // which is still wiped.
  (void)sodium_mlock(data, size);
  return data;
}

void FreeSecret(void* data, std::size_t size) {
  if (data == nullptr) return;
  // sodium_munlock wipes as well; wiping here first is what the test
  // observer checks, and does not depend on how libsodium unlocks.
  sodium_memzero(data, size);
  if (SecretWipeObserver observer = g_wipe_observer.load()) {
    observer(static_cast<const std::uint8_t*>(data), size);
  }
  (void)sodium_munlock(data, size);
  ::operator delete(data);
}

void SetSecretWipeObserverForTesting(SecretWipeObserver observer) {
  g_wipe_observer.store(observer);
}

}  // namespace internal

SecretBytes::SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::SecretBytes(Bytes&& bytes) : bytes_(bytes.begin(), bytes.end()) {
  // Wipes the whole buffer, also what lies past size().
  bytes.resize(bytes.capacity());
  sodium_memzero(bytes.data(), bytes.size());
  bytes.clear();
}

SecretBytes::SecretBytes(std::size_t size) : bytes_(size) {}

Result<SecretBytes> SecretBytes::FromHex(std::string_view hex) {
  SecretBytes out(hex.size() / 2);
  KINTSUGI_RETURN_IF_ERROR(internal::DecodeHex(hex, out.mutable_span()));
  return out;
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) Assign(other.view());
  return *this;
}

void SecretBytes::Assign(ByteView bytes) {
  Wipe();
  bytes_.assign(bytes.begin(), bytes.end());
}

void SecretBytes::Resize(std::size_t size) {
  if (size < bytes_.size()) {
    sodium_memzero(bytes_.data() + size, bytes_.size() - size);
  }
  // Growing past the capacity moves the bytes; the allocator wipes the old
  // buffer.
  bytes_.resize(size);
}

void SecretBytes::Clear() {
  Wipe();
  bytes_.clear();
  bytes_.shrink_to_fit();
}

std::string SecretBytes::Describe() const {
  return "[secret, " + std::to_string(bytes_.size()) + " bytes]";
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return a.size() == b.size() &&
         (a.empty() ||
          sodium_memcmp(a.bytes_.data(), b.bytes_.data(), a.size()) == 0);
}

void SecretBytes::Wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

}  // namespace kintsugi
