#include "families/chimera/layout.h"

#include <array>

namespace kintsugi::families {

std::optional<ChimeraFooter> ParseChimeraFooter(std::uint64_t file_size,
                                                ByteView file_tail) {
  if (file_size < kChimeraFooterBytes ||
      file_tail.size() < kChimeraFooterBytes) {
    return std::nullopt;
  }
  const ByteView footer = file_tail.Last(kChimeraFooterBytes);
  auto size = footer.U64Le(kChimeraFieldBytes);
  if (!size) return std::nullopt;
  // The ciphertext before the footer is the original rounded up to whole
  // 1,024-byte blocks: a multiple of 1,024, at most 1,023 bytes more than
  // the original (without overflow for any size field).
  const std::uint64_t ciphertext = file_size - kChimeraFooterBytes;
  if (ciphertext % kChimeraBlockBytes != 0 || *size > ciphertext ||
      ciphertext - *size >= kChimeraBlockBytes) {
    return std::nullopt;
  }
  ChimeraFooter parsed;
  parsed.original_size = *size;
  parsed.field = footer.First(kChimeraFieldBytes);
  parsed.rsa_block = footer.Last(kChimeraRsaBlockBytes);
  return parsed;
}

bool ChimeraBlockLooksRandom(ByteView block) {
  std::array<bool, 256> seen{};
  std::size_t distinct = 0;
  for (const std::uint8_t b : block) {
    if (!seen[b]) {
      seen[b] = true;
      ++distinct;
    }
  }
  return distinct >= 64;
}

std::optional<SecretBytes> ChimeraFileKey(ByteView decrypted) {
  if (decrypted.size() != kChimeraRsaBlockBytes) return std::nullopt;
  const std::uint8_t* m = decrypted.data();
  if (m[0] != 0x00 || m[1] != 0x02) return std::nullopt;
  // The padding runs to the first zero byte after the block type.
  std::size_t zero = 2;
  while (zero < decrypted.size() && m[zero] != 0x00) ++zero;
  if (zero == decrypted.size() || zero - 2 < kPkcs1MinPaddingBytes) {
    return std::nullopt;
  }
  if (decrypted.size() - zero - 1 != kChimeraFileKeyBytes) return std::nullopt;
  return SecretBytes(decrypted.Last(kChimeraFileKeyBytes));
}

}  // namespace kintsugi::families
