#pragma once

// The Babuk NAS and ESXi file layouts (recovery-schemes.md §3.8): the
// footers appended to every encrypted file, and which bytes of the original
// are encrypted at which keystream offset.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::families {

// §3.8 "NAS (Go) layout": the per-file X25519 public key, then a marker.
inline constexpr std::size_t kBabukPublicKeyBytes = 32;
inline constexpr std::string_view kBabukNasMarker =
    std::string_view("\xAB\xBC\xCD\xDE\xEF\xF0", 6);
inline constexpr std::size_t kBabukNasFooterBytes =
    kBabukPublicKeyBytes + kBabukNasMarker.size();
static_assert(kBabukNasFooterBytes == 38);
// §3.8 "ESXi layout": the public key alone.
inline constexpr std::size_t kBabukEsxiFooterBytes = kBabukPublicKeyBytes;
// §3.8 "Windows (leaked build)": the 32-byte marker that ends its 68-byte
// footer (decrypted by babuk-windows, windows_layout.h; the ESXi probe
// leaves such files alone).
inline constexpr std::string_view kBabukWindowsMarker =
    "choung dong looks like hot dog!!";

// §3.8 "NAS": up to 20 MiB the first min(n, 4 MiB) bytes are encrypted;
// above, 1 MiB at every 10 MiB, with one continuous keystream.
inline constexpr std::uint64_t kBabukMiB = 1024 * 1024;
inline constexpr std::uint64_t kBabukNasSmallLimit = 20 * kBabukMiB;
inline constexpr std::uint64_t kBabukNasSmallBytes = 4 * kBabukMiB;
inline constexpr std::uint64_t kBabukNasBlockBytes = 1 * kBabukMiB;
inline constexpr std::uint64_t kBabukNasBlockPeriod = 10 * kBabukMiB;
// §3.8 "ESXi": from offset 0 continuously, at most 512 MiB.
inline constexpr std::uint64_t kBabukEsxiMaxBytes = 512 * kBabukMiB;

enum class BabukBuild : std::uint8_t { kNas, kEsxi };

// The footer's length for `build`.
std::size_t BabukFooterBytes(BabukBuild build);

enum class BabukFooterError : std::uint8_t {
  kNone,
  kTooShort,  // Fewer bytes than the footer.
  kNoMarker,  // NAS only: the file does not end with the marker.
};

struct BabukFooterParse {
  BabukFooterError error = BabukFooterError::kNone;
  ByteView public_key;  // 32 bytes inside the parsed view (kNone only).
};

// Parses the footer from the last bytes of a file (`file_tail`: at least
// the footer to succeed; any view is safe). An ESXi footer is any 32 bytes:
// nothing in it can be checked before a key is tried.
BabukFooterParse ParseBabukFooter(BabukBuild build, ByteView file_tail);

// A stretch of the original that is encrypted: [begin, end), whose first
// byte is XORed with the keystream's byte `stream`.
struct BabukSpan {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t stream = 0;
};

// The first encrypted span of an original of `original_size` bytes that
// ends after `offset`, or nothing when no encrypted byte lies at or after
// it.
std::optional<BabukSpan> BabukSpanFrom(BabukBuild build,
                                       std::uint64_t original_size,
                                       std::uint64_t offset);

}  // namespace kintsugi::families
