#include "families/babuk/windows_cipher.h"

#include <algorithm>
#include <utility>

#include "crypto/crc32_mpeg2.h"
#include "crypto/x25519.h"
#include "families/babuk/windows_layout.h"

namespace kintsugi::families {

Result<SecretBytes> DeriveBabukWindowsKeyMaterial(
    const SecretBytes& attacker_private, ByteView file_public) {
  KINTSUGI_ASSIGN_OR_RETURN(SecretBytes shared,
                            crypto::X25519(attacker_private, file_public));
  return crypto::Sha512(shared.view());
}

std::uint32_t BabukWindowsCrc(ByteView key_material) {
  return crypto::Crc32Mpeg2(key_material, kBabukWindowsCrcInit);
}

Result<BabukWindowsLayer> BabukWindowsLayer::Create(
    SecretBytes key_material, std::uint64_t original_size) {
  if (key_material.size() != kBabukWindowsKeyMaterialBytes) {
    return InvalidArgumentError("Babuk Windows key material is 64 bytes");
  }
  return BabukWindowsLayer(std::move(key_material), original_size);
}

Status BabukWindowsLayer::Apply(std::uint64_t offset,
                                std::span<std::uint8_t> data) {
  const std::uint64_t end = offset + data.size();
  std::uint64_t at = offset;
  while (at < end) {
    const std::optional<BabukSpan> span =
        BabukWindowsSpanFrom(original_size_, at);
    if (!span || span->begin >= end) break;
    const std::uint64_t from = std::max(at, span->begin);
    const std::uint64_t to = std::min(end, span->end);
    const std::uint64_t stream = span->stream + (from - span->begin);
    if (!cipher_ || cipher_->position() > stream) {
      const ByteView km = key_material_.view();
      KINTSUGI_ASSIGN_OR_RETURN(
          crypto::Hc128 cipher,
          crypto::Hc128EightWord(km.First(crypto::kHc128EightWordBytes),
                                 km.Last(crypto::kHc128EightWordBytes)));
      cipher_.emplace(std::move(cipher));
    }
    cipher_->Skip(stream - cipher_->position());
    const std::span<std::uint8_t> part =
        data.subspan(static_cast<std::size_t>(from - offset),
                     static_cast<std::size_t>(to - from));
    KINTSUGI_RETURN_IF_ERROR(
        cipher_->Xor(ByteView(part.data(), part.size()), part));
    at = to;
  }
  return Status::Ok();
}

}  // namespace kintsugi::families
