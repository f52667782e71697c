#pragma once

// Babuk NAS and ESXi builds: leaked private-key lookup (recovery-schemes.md
// §3.8). Each encrypted file ends with a per-file X25519 public key (NAS:
// and a 6-byte marker); the key that encrypted it is SHA-256 of the X25519
// secret shared with the attacker's private key. The footer does not say
// which attacker key, so every released Babuk key (the key store's family
// "babuk", docs/key-format.md, and --key) is tried, and a key is taken only
// when it decrypts the start of the file to a recognised file type
// (BabukRecognisedKind): a wrong key gives noise, and nothing is guessed.
//
// --key: with --family babuk, babuk-nas or babuk-esxi, the 32 bytes of an
// X25519 private key in hex.

#include "recover/decryptor.h"

namespace kintsugi::families {

// The key store's family for Babuk keys of every build: the leaked keys
// belong to a builder's victims, not to a platform.
inline constexpr std::string_view kBabukKeyFamily = "babuk";

const recover::Decryptor& BabukNasDecryptor();
const recover::Decryptor& BabukEsxiDecryptor();
// Babuk Windows builds (recovery-schemes-2.md §3.3, windows.cpp): a
// 68-byte footer whose CRC proves the key; files encrypted twice peeled
// layer by layer.
const recover::Decryptor& BabukWindowsDecryptor();

}  // namespace kintsugi::families
