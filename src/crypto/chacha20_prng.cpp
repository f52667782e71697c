#include "crypto/chacha20_prng.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "crypto/chacha20.h"

namespace kintsugi::crypto {

void ChaCha20Prng::AddEntropy(ByteView in) {
  if (!ready_) {
    for (const std::uint8_t byte : in) {
      entropy_[index_++ % kEntropyBytes] ^= byte;
    }
    return;
  }
  // §4.9: after ready, "40 keystream bytes XOR input -> new key/IV".
  std::array<std::uint8_t, kEntropyBytes> material{};
  if (!Read(material).ok()) return;  // Cannot fail once ready.
  std::size_t i = 0;
  for (const std::uint8_t byte : in) material[i++ % kEntropyBytes] ^= byte;
  Key(ByteView(material.data(), material.size()));
  sodium_memzero(material.data(), material.size());
}

void ChaCha20Prng::Ready() {
  if (ready_) return;
  Key(ByteView(entropy_.data(), entropy_.size()));
  sodium_memzero(entropy_.data(), entropy_.size());
  index_ = 0;
  ready_ = true;
}

void ChaCha20Prng::Key(ByteView material) {
  std::copy_n(material.begin(), key_.size(), key_.begin());
  std::copy_n(material.begin() + static_cast<std::ptrdiff_t>(key_.size()),
              iv_.size(), iv_.begin());
  position_ = 0;
}

Status ChaCha20Prng::ReadAt(std::uint64_t offset,
                            std::span<std::uint8_t> out) const {
  if (!ready_) {
    return InvalidArgumentError("chacha20_prng read before it is ready");
  }
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  return ChaCha20DjbXor(ByteView(key_.data(), key_.size()),
                        ByteView(iv_.data(), iv_.size()), offset,
                        ByteView(out.data(), out.size()), out);
}

Status ChaCha20Prng::Read(std::span<std::uint8_t> out) {
  KINTSUGI_RETURN_IF_ERROR(ReadAt(position_, out));
  position_ += out.size();
  return Status::Ok();
}

}  // namespace kintsugi::crypto
