#pragma once

// Jigsaw (a.k.a. BitcoinBlackmailer): AES-128-CBC with a key and IV built
// into the malware (recovery-schemes.md §3.1).

#include <cstdint>
#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.1 "Crypto": the two keys seen in public sources (Base64 constants
// decoded once, stored as hex as the spec recommends) and the fixed IV.
inline constexpr std::string_view kJigsawKey1Hex =
    "3a822c030c05db7708090a0b0c0d0e0d";
inline constexpr std::string_view kJigsawKey2Hex =
    "3a822c030c05df6708090a0b0c0d0e0d";
inline constexpr std::string_view kJigsawIvHex =
    "00010003050300010000020006070600";

// §3.1 "Recognition": Jigsaw writes the paths it encrypted, one a line, to
// this file; the decryptor reads it as a side file for original names.
inline constexpr std::string_view kJigsawFileListName = "EncryptedFileList.txt";

// §3.1: Jigsaw encrypts only originals smaller than this.
inline constexpr std::uint64_t kJigsawMaxOriginalBytes = 10'000'000;

const recover::Decryptor& JigsawDecryptor();

}  // namespace kintsugi::families
