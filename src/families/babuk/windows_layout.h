#pragma once

// The Babuk Windows file layout (recovery-schemes-2.md §3.3): the 68-byte
// footer appended to every encrypted file, and which bytes of the original
// are encrypted at which keystream offset. A file encrypted twice carries
// two footers, the inner one inside the outer layer's original.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "families/babuk/layout.h"
#include "kintsugi/bytes.h"

namespace kintsugi::families {

// §3.3 "Footer": the per-file X25519 public key, the CRC of the key
// material (uint32 LE), the marker (kBabukWindowsMarker, layout.h).
inline constexpr std::size_t kBabukWindowsCrcOffset = kBabukPublicKeyBytes;
inline constexpr std::size_t kBabukWindowsMarkerOffset =
    kBabukWindowsCrcOffset + 4;
inline constexpr std::size_t kBabukWindowsFooterBytes =
    kBabukWindowsMarkerOffset + kBabukWindowsMarker.size();
static_assert(kBabukWindowsFooterBytes == 68);
// §2.4: the CRC's initial value, "dong" as a LE word.
inline constexpr std::uint32_t kBabukWindowsCrcInit = 0x676E6F64;
// §3.3: km = SHA-512(shared), HC-128 key km[0:32], IV km[32:64].
inline constexpr std::size_t kBabukWindowsKeyMaterialBytes = 64;

// §3.3 "Regions", by the original's size n.
inline constexpr std::uint64_t kBabukWindowsWholeLimit = 64;
inline constexpr std::uint64_t kBabukWindowsSmallLimit = 5 * kBabukMiB;
inline constexpr std::uint64_t kBabukWindowsMediumLimit = 20 * kBabukMiB;
inline constexpr std::uint64_t kBabukWindowsBlockBytes = 1 * kBabukMiB;
inline constexpr std::uint64_t kBabukWindowsBlockPeriod = 10 * kBabukMiB;
inline constexpr std::uint64_t kBabukWindowsMediumBlocks = 3;

// Which rule of §3.3's table applies to an original of n bytes.
enum class BabukWindowsRule : std::uint8_t {
  kEmpty,        // n = 0: nothing.
  kWhole,        // n <= 64: the whole file.
  kFirstTenth,   // n <= 5 MiB: floor(n / 10) bytes at 0.
  kThreeBlocks,  // n <= 20 MiB: 1 MiB at 0, floor(n/3), 2 floor(n/3).
  kEveryTenMiB,  // Above: 1 MiB at every multiple of 10 MiB below n.
};

BabukWindowsRule BabukWindowsRuleFor(std::uint64_t original_size);

// The first encrypted span of an original of `original_size` bytes that
// ends after `offset` (BabukSpan, layout.h: its keystream offset follows
// the spans before it), or nothing when no encrypted byte lies at or after
// it.
std::optional<BabukSpan> BabukWindowsSpanFrom(std::uint64_t original_size,
                                              std::uint64_t offset);

// The bytes below `limit` that any of the layers encrypted: layer k
// encrypted by the rule for `original_sizes[k]` (each at least `limit`).
std::uint64_t BabukWindowsEncryptedBytes(
    std::span<const std::uint64_t> original_sizes, std::uint64_t limit);

struct BabukWindowsFooter {
  ByteView public_key;  // 32 bytes.
  std::uint32_t crc = 0;
};

// The footer at the end of `file_end` (the last bytes of a file or of a
// layer's original), or nothing when it does not end with the marker after
// a whole footer's worth of bytes.
std::optional<BabukWindowsFooter> ParseBabukWindowsFooter(ByteView file_end);

// True when `file_end` ends with the marker (whatever precedes it).
bool EndsWithBabukWindowsMarker(ByteView file_end);

}  // namespace kintsugi::families
