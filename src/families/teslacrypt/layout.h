#pragma once

// TeslaCrypt's file layouts (recovery-schemes-2.md §3.1 "Layout" for 3.x
// and 4.x, §3.1b for 2.x, AlphaCrypt and 0.x): a header, then
// AES-256-CBC of the whole original to the end of the file, whose size the
// header records.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::families {

// Which TeslaCrypt wrote a file, by its header.
enum class TeslaVersion : std::uint8_t {
  k3or4,        // §3.1: 3.x (appended extension) or 4.x (name kept).
  k2,           // §3.1b: <= 2.2, "DE AD BE EF" or zeros, two hex numbers.
  kAlphaCrypt,  // §3.1b: AlphaCrypt / 1.x, two hex keys.
  k0,           // §3.1b: 0.x (.ecc), only IV and size.
};

// §3.1 "Layout": the 3.x/4.x header, 0x170 bytes.
inline constexpr std::size_t kTeslaHeaderBytes = 0x170;
inline constexpr std::size_t kTeslaPointBytes = 65;
inline constexpr std::size_t kTeslaXpubOffset = 0x018;
inline constexpr std::size_t kTeslaGprivOffset = 0x059;
inline constexpr std::size_t kTeslaVictimPublicOffset = 0x098;
inline constexpr std::size_t kTeslaYpubOffset = 0x0DC;
inline constexpr std::size_t kTeslaAmasterOffset = 0x11D;
inline constexpr std::size_t kTeslaIvOffset = 0x15C;
inline constexpr std::size_t kTeslaSizeOffset = 0x16C;
inline constexpr std::size_t kTeslaWrappedKeyBytes = 32;
// §3.1 "Header test used by Talos": original_size <= file_size <
// original_size + 0x200.
inline constexpr std::uint64_t kTeslaTalosWindow = 0x200;

// §3.1b: the 2.x header, 0x19E bytes.
inline constexpr std::size_t kTesla2HeaderBytes = 0x19E;
inline constexpr std::size_t kTesla2XpubOffset = 0x004;
inline constexpr std::size_t kTesla2BtcMulOffset = 0x045;
inline constexpr std::size_t kTesla2YpubOffset = 0x0C7;
inline constexpr std::size_t kTesla2AesMulOffset = 0x108;
inline constexpr std::size_t kTesla2HexBytes = 128;
inline constexpr std::size_t kTesla2IvOffset = 0x18A;
inline constexpr std::size_t kTesla2SizeOffset = 0x19A;
// §3.1b: AlphaCrypt's header, 0xDC bytes (payment key hex at 0, 0x40
// bytes; 4 zero; recovery key hex at 0x44, 0x80 bytes; 4 zero; IV; size).
inline constexpr std::size_t kAlphaCryptHeaderBytes = 0xDC;
inline constexpr std::size_t kAlphaCryptIvOffset = 0xC8;
inline constexpr std::size_t kAlphaCryptSizeOffset = 0xD8;
// §3.1b: 0.x's header, 0x14 bytes (IV, size).
inline constexpr std::size_t kTesla0HeaderBytes = 0x14;
inline constexpr std::string_view kTesla0Extension = ".ecc";

// The 3.x/4.x header's fields, as views into the sample they came from.
struct TeslaHeader {
  ByteView xpub;               // Per infection: r1 x G.
  ByteView encrypted_gpriv;    // AES-256-CBC(SHA-256(Sx), IV 0, Gpriv).
  ByteView victim_public;      // QD = SHA-256(Gpriv) x G (validator 1).
  ByteView ypub;               // Per run: r2 x G.
  ByteView encrypted_amaster;  // AES-256-CBC(SHA-256(Sa), IV 0, Amaster).
  ByteView iv;                 // Of the file data.
  std::uint32_t stored_size = 0;
};

// §3.1's header test, and a little more: zeros at 0..7 and 16..23, and the
// three points begin with 04 (uncompressed). Nothing about the size: see
// TeslaDataFit. nullopt for a head shorter than the header or one that
// fails.
std::optional<TeslaHeader> ParseTeslaHeader(ByteView head);

// How the encrypted data after a header of `header_bytes` fits the size it
// records (§3.1 "Uncertain" for files over 4 GiB).
enum class TeslaFit : std::uint8_t {
  kWhole,      // Whole blocks, and the original's size within 16 below.
  kTruncated,  // Shorter than the recorded size: the end is missing.
  kMisfit,     // Neither: damaged, or not this layout.
};
struct TeslaDataFit {
  TeslaFit fit = TeslaFit::kMisfit;
  // kWhole: the original's size, the unique value equal to the stored one
  // mod 2^32 from 16 bytes below the data's length up to it (the size
  // field is 32 bits; 4.0 encrypted larger files); kTruncated: the stored
  // size.
  std::uint64_t original_size = 0;
  std::uint64_t data_bytes = 0;  // The file less its header.
};
TeslaDataFit FitTeslaData(std::uint32_t stored_size, std::uint64_t file_size,
                          std::size_t header_bytes);

// §3.1 "Header test used by Talos": stored_size <= file_size <
// stored_size + 0x200.
bool InTalosWindow(std::uint32_t stored_size, std::uint64_t file_size);

// A header of an older TeslaCrypt (§3.1b), which this build identifies but
// cannot decrypt without a key from elsewhere.
struct OldTeslaHeader {
  TeslaVersion version = TeslaVersion::k2;
  std::size_t header_bytes = 0;
  ByteView iv;
  std::uint32_t stored_size = 0;
  ByteView ypub;  // 2.x: Amaster x G, which proves a key; empty otherwise.
};

// The 2.x or AlphaCrypt header at the start of `head` whose size fits
// `file_size` (whole blocks, PKCS#7: 1 to 16 bytes above the size); or a
// 0.x header, which only says IV and size, for a file named .ecc; nullopt
// otherwise.
std::optional<OldTeslaHeader> ParseOldTeslaHeader(ByteView head,
                                                  std::uint64_t file_size,
                                                  std::string_view name);

}  // namespace kintsugi::families
