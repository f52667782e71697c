#pragma once

// Hive v3/v4's file layout (recovery-schemes-2.md §3.10): the name that
// carries the key table's id and the two window offsets, the blocks of a
// file that are encrypted, and where each keystream byte comes from in the
// table. Every file of one attack shares one secret table; a file's
// keystream byte i is T[p1 + i mod W1] XOR T[p2 + i mod W2].

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kintsugi::families {

// §3.10 "Scheme, by version": the table and the two windows. The stream
// index i of an encrypted byte is the count of bytes encrypted before it.
struct HiveParameters {
  std::string_view name;      // "v3", "v4"
  std::uint32_t table_bytes;  // T's size.
  std::uint32_t window1;      // W1: 1st window's length (i mod W1).
  std::uint32_t window2;      // W2: 2nd window's length (i mod W2).
  std::uint32_t max_blocks;   // The block rule's upper bound.
};
inline constexpr HiveParameters kHiveV3{"v3", 0x100000, 0x19000, 0xC00, 25};
inline constexpr HiveParameters kHiveV4{"v4", 0x300000, 0x100000, 0xC00, 256};
inline constexpr const HiveParameters* kHiveVersions[] = {&kHiveV3, &kHiveV4};

// §3.10 block rule: blocks of 4096 bytes.
inline constexpr std::uint64_t kHiveBlockBytes = 4096;

// The 42 bytes a v3/v4 name carries (§3.10 "File name"): table id (32) ‖
// FF ‖ n1 (u32 LE) ‖ n2 (u32 LE) ‖ 34.
inline constexpr std::size_t kHiveTableIdBytes = 32;
inline constexpr std::size_t kHiveNameTokenBytes = 42;
inline constexpr std::size_t kHiveNameTokenChars = 56;  // base64url, no pad
inline constexpr std::size_t kHiveExtensionChars = 5;
inline constexpr std::uint8_t kHiveNameMarker = 0xFF;  // Byte 32.
// Byte 41 in every name the spec shows. Not required: the windows need
// only n1 and n2, and a wrong guess here would turn real files away.
inline constexpr std::uint8_t kHiveNameLastByte = 0x34;
// v1 (and, as far as is known, v2) appended ".hive" (§3.10; CISA
// AA22-321A): identified, but not recoverable by this method.
inline constexpr std::string_view kHiveOldExtension = ".hive";

using HiveTableId = std::array<std::uint8_t, kHiveTableIdBytes>;

// A decoded v3/v4 file name.
struct HiveName {
  std::string original_name;  // What precedes the token.
  std::string extension;      // The 5-character ransom extension.
  HiveTableId table_id{};
  std::uint32_t n1 = 0;
  std::uint32_t n2 = 0;
  std::uint8_t last = 0;  // Byte 41 (kHiveNameLastByte in the spec).
};

// `<original>.<56 base64url characters>.<5 characters>` whose token decodes
// to 42 bytes with FF at byte 32; nullopt for any other name.
std::optional<HiveName> ParseHiveName(std::string_view file_name);

// The 42 token bytes of a name, and back (the key a found file carries).
std::array<std::uint8_t, kHiveNameTokenBytes> HiveNameToken(
    const HiveName& name);
std::optional<HiveName> HiveNameFromToken(std::span<const std::uint8_t> token);

// The 56 characters of the token, base64url (for specimens and tests).
std::string HiveNameTokenText(const HiveTableId& id, std::uint32_t n1,
                              std::uint32_t n2,
                              std::uint8_t last = kHiveNameLastByte);

// The first 4 bytes of a table id in hex, how the user is told a table.
std::string HiveTableLabel(const HiveTableId& id);

// One encrypted block: `length` bytes from `offset`, whose first byte has
// stream index `stream_index`.
struct HiveBlock {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t stream_index = 0;
  friend bool operator==(const HiveBlock&, const HiveBlock&) = default;
};

// §3.10 v3/v4 block rule for a file of `size` bytes: nb = floor(30 *
// floor(n / 4096) / 100), 1 if n <= 4096, else clamped to [2, max_blocks];
// gap = (n - nb * 4096) / (nb - 1); block 1 at 0, each middle block gap
// bytes after the previous one's end, the last at n - 4096. In increasing
// offset order; empty for an empty file. For 4096 < n < 8192 the gap is
// negative and the two blocks overlap: the rule read literally encrypts the
// overlap twice (block 2 reads what block 1 wrote), which XOR undoes in
// either order. The spec does not address it (our reading).
std::vector<HiveBlock> HiveBlocks(std::uint64_t size,
                                  const HiveParameters& version);

// How many bytes of a file `HiveBlocks` encrypts (each byte once).
std::uint64_t HiveEncryptedBytes(const std::vector<HiveBlock>& blocks);

// Where any of `versions` encrypts a file of `size` bytes: its blocks,
// merged, as [offset, end) in increasing order. Outside them no version
// changes a byte.
struct HiveRegion {
  std::uint64_t offset = 0;
  std::uint64_t end = 0;
};
std::vector<HiveRegion> HiveEncryptedRegions(
    std::uint64_t size, std::span<const HiveParameters* const> versions);

// §3.10: p1 = n1 mod (T - W1), p2 = n2 mod (T - W2).
struct HiveWindows {
  std::uint32_t p1 = 0;
  std::uint32_t p2 = 0;
};
HiveWindows HiveWindowsFor(std::uint32_t n1, std::uint32_t n2,
                           const HiveParameters& version);

// The two table positions whose XOR is keystream byte `stream_index`.
struct HiveTablePair {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};
inline HiveTablePair HivePositions(const HiveWindows& windows,
                                   std::uint64_t stream_index,
                                   const HiveParameters& version) {
  return {
      windows.p1 + static_cast<std::uint32_t>(stream_index % version.window1),
      windows.p2 + static_cast<std::uint32_t>(stream_index % version.window2)};
}

}  // namespace kintsugi::families
