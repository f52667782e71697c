#include "families/teslacrypt/layout.h"

#include <algorithm>
#include <array>

#include "crypto/aes_cbc.h"
#include "recover/decryptor.h"

namespace kintsugi::families {
namespace {

// §3.1b: the 2.x header's first four bytes (or zeros).
constexpr std::array<std::uint8_t, 4> kTesla2Magic = {0xDE, 0xAD, 0xBE, 0xEF};

bool AllZero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b == 0; });
}

ByteView At(ByteView head, std::size_t offset, std::size_t length) {
  auto sub = head.Sub(offset, length);
  return sub ? *sub : ByteView();
}

bool IsHexDigit(std::uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
         (c >= 'a' && c <= 'f');
}

// ASCII hex digits, then only NUL padding (§3.1b: "ASCII hex,
// NUL-padded"); at least `min_digits` of them.
bool IsPaddedHex(ByteView field, std::size_t min_digits) {
  std::size_t digits = 0;
  while (digits < field.size() && IsHexDigit(field.span()[digits])) ++digits;
  return digits >= min_digits &&
         AllZero(ByteView(field.span().subspan(digits)));
}

}  // namespace

std::optional<TeslaHeader> ParseTeslaHeader(ByteView head) {
  if (head.size() < kTeslaHeaderBytes) return std::nullopt;
  if (!AllZero(At(head, 0, 8)) || !AllZero(At(head, 16, 8))) {
    return std::nullopt;
  }
  TeslaHeader header;
  header.xpub = At(head, kTeslaXpubOffset, kTeslaPointBytes);
  header.encrypted_gpriv = At(head, kTeslaGprivOffset, kTeslaWrappedKeyBytes);
  header.victim_public = At(head, kTeslaVictimPublicOffset, kTeslaPointBytes);
  header.ypub = At(head, kTeslaYpubOffset, kTeslaPointBytes);
  header.encrypted_amaster =
      At(head, kTeslaAmasterOffset, kTeslaWrappedKeyBytes);
  header.iv = At(head, kTeslaIvOffset, crypto::kAesBlockBytes);
  for (ByteView point : {header.xpub, header.victim_public, header.ypub}) {
    if (point.span()[0] != 0x04) return std::nullopt;
  }
  header.stored_size = *head.U32Le(kTeslaSizeOffset);
  return header;
}

TeslaDataFit FitTeslaData(std::uint32_t stored_size, std::uint64_t file_size,
                          std::size_t header_bytes) {
  TeslaDataFit fit;
  if (file_size < header_bytes) return fit;
  fit.data_bytes = file_size - header_bytes;
  if (fit.data_bytes < stored_size) {
    fit.fit = TeslaFit::kTruncated;
    fit.original_size = stored_size;
    return fit;
  }
  if (fit.data_bytes % crypto::kAesBlockBytes != 0) return fit;
  // The largest value = stored_size (mod 2^32) that is <= the data's
  // length; it must be at most 16 bytes below it.
  constexpr std::uint64_t kWrap = std::uint64_t{1} << 32;
  const std::uint64_t size =
      fit.data_bytes - (fit.data_bytes - stored_size) % kWrap;
  if (fit.data_bytes - size > crypto::kAesBlockBytes) return fit;
  fit.fit = TeslaFit::kWhole;
  fit.original_size = size;
  return fit;
}

bool InTalosWindow(std::uint32_t stored_size, std::uint64_t file_size) {
  return stored_size <= file_size &&
         file_size < std::uint64_t{stored_size} + kTeslaTalosWindow;
}

std::optional<OldTeslaHeader> ParseOldTeslaHeader(ByteView head,
                                                  std::uint64_t file_size,
                                                  std::string_view name) {
  OldTeslaHeader header;
  const auto padded_fit = [&](std::size_t size_offset) {
    const TeslaDataFit fit =
        FitTeslaData(*head.U32Le(size_offset), file_size, header.header_bytes);
    // PKCS#7 (§3.1b: verified on 2.x files) adds 1 to 16 bytes.
    return fit.fit == TeslaFit::kWhole && fit.original_size < fit.data_bytes;
  };
  // 2.x: DE AD BE EF or zeros, Xpub, btc_mul as hex, 2 bytes, Ypub,
  // aes_mul as hex, 2 zero bytes, IV, size.
  if (head.size() >= kTesla2HeaderBytes) {
    const ByteView magic = At(head, 0, 4);
    const bool magic_fits =
        AllZero(magic) ||
        magic == ByteView(kTesla2Magic.data(), kTesla2Magic.size());
    header.version = TeslaVersion::k2;
    header.header_bytes = kTesla2HeaderBytes;
    if (magic_fits && *head.U8(kTesla2XpubOffset) == 0x04 &&
        *head.U8(kTesla2YpubOffset) == 0x04 &&
        IsPaddedHex(At(head, kTesla2BtcMulOffset, kTesla2HexBytes), 64) &&
        IsPaddedHex(At(head, kTesla2AesMulOffset, kTesla2HexBytes), 64) &&
        AllZero(At(head, kTesla2IvOffset - 2, 2)) &&
        padded_fit(kTesla2SizeOffset)) {
      header.iv = At(head, kTesla2IvOffset, crypto::kAesBlockBytes);
      header.stored_size = *head.U32Le(kTesla2SizeOffset);
      header.ypub = At(head, kTesla2YpubOffset, kTeslaPointBytes);
      return header;
    }
  }
  // AlphaCrypt: payment key hex (0x40), 4 zero, recovery key hex (0x80),
  // 4 zero, IV, size.
  if (head.size() >= kAlphaCryptHeaderBytes) {
    header.version = TeslaVersion::kAlphaCrypt;
    header.header_bytes = kAlphaCryptHeaderBytes;
    if (IsPaddedHex(At(head, 0, 0x40), 32) && AllZero(At(head, 0x40, 4)) &&
        IsPaddedHex(At(head, 0x44, 0x80), 64) && AllZero(At(head, 0xC4, 4)) &&
        padded_fit(kAlphaCryptSizeOffset)) {
      header.iv = At(head, kAlphaCryptIvOffset, crypto::kAesBlockBytes);
      header.stored_size = *head.U32Le(kAlphaCryptSizeOffset);
      return header;
    }
  }
  // 0.x: nothing but IV and size, so only for a file named as 0.x named
  // them.
  if (head.size() >= kTesla0HeaderBytes &&
      recover::EndsWithIgnoreCase(name, kTesla0Extension)) {
    header.version = TeslaVersion::k0;
    header.header_bytes = kTesla0HeaderBytes;
    if (padded_fit(crypto::kAesBlockBytes)) {
      header.iv = At(head, 0, crypto::kAesBlockBytes);
      header.stored_size = *head.U32Le(crypto::kAesBlockBytes);
      return header;
    }
  }
  return std::nullopt;
}

}  // namespace kintsugi::families
