#pragma once

// Princess Locker, first version (recovery-schemes.md §3.6): AES-128-CBC
// under the default CryptoAPI IV of zeros (§4.5), with a key derived from a
// string of characters MSVC rand() drew right after srand(time). The victim
// ID in the ransom note was drawn the same way a moment later, so the
// search first finds the seed that makes the ID (cheap: a few rand() calls
// a seed), then the key's seed just below it (recover/seed_search.h,
// families/seed_clock.h). Each candidate key string gives 24 keys: the
// real key is its first 21 to 32 characters, and the malware hashed either
// only the first that-many bytes of its UTF-16LE form (the quirk §3.6
// describes) or all of it; a candidate must decrypt a sample's first block
// to the header its name promises, then end in valid padding (or, without
// padding, the whole sample must verify).
//
// The note (!_HOW_TO_RESTORE_<ext>.TXT/.html/.url among the inputs) gives
// the extension appended to every file and the ID; --victim-id gives the
// ID too. Without the ID the key's seed is searched from the files' times.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

const recover::Decryptor& PrincessLockerDecryptor();

// §3.6: the characters rand() mod 62 picks from.
inline constexpr std::string_view kPrincessCharset =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The 32-character key string srand(seed) makes.
std::string PrincessKeyString(std::uint32_t seed);

// The victim ID (or extension) of `length` characters srand(seed) makes:
// the same draw, lower-cased.
std::string PrincessId(std::uint32_t seed, std::size_t length);

// §3.6's two readings of the key hashing: SHA-256 over the first `length`
// bytes of the key's UTF-16LE form (kHalf, the quirk in hasherezade's
// tools) or over all 2 * `length` (kFull).
enum class PrincessHashing : std::uint8_t { kHalf, kFull };

// "half", "full".
std::string_view PrincessHashingName(PrincessHashing hashing);

// The AES-128 key of the first `length` characters of `key_string`: the
// first 16 bytes of the SHA-256 digest (CryptDeriveKey, §4.5).
std::array<std::uint8_t, 16> PrincessAesKey(std::string_view key_string,
                                            std::size_t length,
                                            PrincessHashing hashing);

// The extension a note's file name gives ("!_HOW_TO_RESTORE_xyzw.TXT" ->
// "xyzw"), lower-cased; nullopt for another name.
std::optional<std::string> PrincessNoteExtension(std::string_view file_name);

// The victim ID in a note's text, lower-cased: the token after the word
// "ID" (as in "Your ID: ..."), else the last path component of an .onion
// link; nullopt when there is neither. HTML tags are skipped.
std::optional<std::string> PrincessNoteId(std::string_view text);

}  // namespace kintsugi::families
