#pragma once

// DarkBit's file format (recovery-schemes-3.md §3.11, from the decompiled
// Windows build): the renamed file's name, the footer appended after the
// data, and the size classes that say which parts of the original were
// encrypted (AES-128-CBC, the same IV for every part, no padding).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.11 "Identification": the footer is
// "DARKBIT_ENCRYPTED_FILES|" (24 bytes) || AES-128-CBC(key, IV, original
// name right-padded with '|' to 16m bytes) || "DARKBIT" || 256 bytes (the
// key and IV, RSA-2048-OAEP-wrapped): 287 + 16m bytes.
inline constexpr std::string_view kDarkBitMarker = "DARKBIT_ENCRYPTED_FILES|";
inline constexpr std::string_view kDarkBitTag = "DARKBIT";
inline constexpr std::size_t kDarkBitRsaBytes = 256;
inline constexpr std::size_t kDarkBitFooterFixed =
    kDarkBitMarker.size() + kDarkBitTag.size() + kDarkBitRsaBytes;
// The renamed file's extension.
inline constexpr std::string_view kDarkBitExtension = ".Darkbit";
// The 62 characters of the renamed name's random part (§3.11 "Key
// derivation"), in the order Intn(62) indexes them.
inline constexpr std::string_view kDarkBitCharset =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::size_t kDarkBitNameChars = 8;

struct DarkBitFooter {
  std::size_t bytes = 0;  // 287 + 16m.
  Bytes encrypted_name;   // 16m bytes.
};

// The footer at the end of `tail`, the last bytes of a file (as many as
// the caller read; a footer longer than `tail` is not found). nullopt when
// "DARKBIT" is not 263 bytes before the end or no marker is 16m + 24 bytes
// before it.
std::optional<DarkBitFooter> ParseDarkBitFooter(ByteView tail);

// The renamed name "<8 of the charset><Unix seconds>.Darkbit" (the
// extension in any case), e.g. gDsc2WD81676212345.Darkbit.
struct DarkBitName {
  std::string random;  // The 8 characters drawn with the key.
  std::uint64_t unix_seconds = 0;
};
std::optional<DarkBitName> ParseDarkBitName(std::string_view file_name);

// The original name from the footer's decrypted name: the '|' padding
// (fewer than 16) stripped, the last component of a path kept; nullopt
// unless the rest is UTF-8 with no control character and no '|' (Windows
// allows none in a name): a wrong key's bytes almost never pass.
std::optional<std::string> DecodeDarkBitName(ByteView plaintext);

// §3.11 "Encryption layout": the size-class limits in the config are in
// MB, but the decompiled code shifts them by 10 (KiB), likely a
// decompilation or malware bug. Both readings are supported; kKib is
// tried first.
enum class DarkBitReading : std::uint8_t { kKib, kMib };
std::string_view DarkBitReadingName(DarkBitReading reading);
std::optional<DarkBitReading> DarkBitReadingNamed(std::string_view name);

struct DarkBitPart {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // A multiple of 16.
};

// The parts of an original of `size` bytes that were encrypted: the first
// size class with size < limit (in `reading`'s unit) gives `parts` parts of
// blockSize bytes (eachPart, or the whole file for (1, -1)), rounded down
// to whole blocks, at i * floor(size / parts). None for a size above every
// class (§3.11: such a file is not encrypted at all, LOW).
std::vector<DarkBitPart> DarkBitParts(std::uint64_t size,
                                      DarkBitReading reading);

// Bytes of the original the parts leave as they were.
std::uint64_t DarkBitPlainBytes(std::uint64_t size, DarkBitReading reading);

// Decrypts a DarkBit file of `file_size` bytes (footer included, of
// `footer_bytes`) into its original: the parts by `reading`, each its own
// AES-128-CBC under `key` and `iv`; the footer dropped.
Result<std::unique_ptr<recover::StreamDecryption>> StartDarkBitDecryption(
    ByteView key, ByteView iv, std::uint64_t file_size,
    std::uint64_t footer_bytes, DarkBitReading reading);

}  // namespace kintsugi::families
