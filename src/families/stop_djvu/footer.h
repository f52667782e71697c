#pragma once

// The STOP/Djvu file layout (recovery-schemes.md §3.7 "Layout"): the 334
// bytes appended to every encrypted file, and the personal IDs they carry.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::families {

// §3.7 "Layout": RSA-2048 OAEP block, then the personal ID, then the marker.
// Only the 2048-bit layout of the builds rivitna's script covers: §3.7 leaves
// open whether earlier Djvu builds used another RSA size or ID length.
inline constexpr std::size_t kStopRsaBlockBytes = 256;
inline constexpr std::size_t kStopIdBytes = 40;
inline constexpr std::string_view kStopMarker =
    "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
inline constexpr std::size_t kStopFooterBytes =
    kStopRsaBlockBytes + kStopIdBytes + 38;
static_assert(kStopFooterBytes == 334);
static_assert(kStopMarker.size() == 38);

// §3.7 "Layout": the first 5 bytes stay plain; at most 150 KiB after them
// are Salsa20 ciphertext; the rest of the original is plain.
inline constexpr std::uint64_t kStopPlainHeadBytes = 5;
inline constexpr std::uint64_t kStopEncryptedBytes = 153'600;

enum class StopFooterError : std::uint8_t {
  kNone,
  kTooShort,   // Fewer than 334 bytes: no room for a footer.
  kNoMarker,   // Does not end with the marker (truncated, or not STOP).
  kIdDamaged,  // The ID is not 40 printable ASCII characters.
};

struct StopFooter {
  ByteView rsa_block;       // 256 bytes, inside the parsed view.
  std::string personal_id;  // 40 printable ASCII characters.
};

struct StopFooterParse {
  StopFooterError error = StopFooterError::kNone;
  StopFooter footer;  // Set only when error is kNone.
};

// Parses the footer from the last bytes of a file (`file_tail`: at least
// the last 334 bytes to succeed; any view is safe). The ID check is
// "printable ASCII, no space": the IDs §3.7 quotes are all letters and
// digits, but nothing says every build's are, and the lookup is exact
// anyway; a byte outside that range can only be damage.
StopFooterParse ParseStopFooter(ByteView file_tail);

// The original's size, bytes of plaintext at its start, and where the
// Salsa20 region lies in it (§3.7 "Layout").
struct StopRegion {
  std::uint64_t original_size = 0;
  std::uint64_t begin = 0;  // File offset of the first encrypted byte.
  std::uint64_t end = 0;    // One past the last (begin when none).
};
// `encrypted_size` must be at least kStopFooterBytes.
StopRegion StopRegionFor(std::uint64_t encrypted_size);

// Offline IDs published for some extensions (§3.7 "Recognition"). The IDs
// are public; the keys are not. Only IDs the sources quote in full.
struct StopOfflineId {
  std::string_view id;
  std::string_view extensions;
  std::string_view source;
};
std::span<const StopOfflineId> StopKnownOfflineIds();

enum class StopIdKind : std::uint8_t {
  kKnownOffline,  // Exactly one of StopKnownOfflineIds().
  kOfflineLike,   // Ends in "t1", as most offline IDs do (§3.7): a hint.
  kOnline,        // Neither: most likely a per-victim online ID.
};
// How `id` looks; `known` (may be null) receives the matching entry.
StopIdKind ClassifyStopId(std::string_view id,
                          const StopOfflineId** known = nullptr);

}  // namespace kintsugi::families
