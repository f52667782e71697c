// The key-lookup families and what their decryptors accept
// (include/kintsugi/key_families.h, docs/key-format.md §4).

#include "kintsugi/key_families.h"

#include <algorithm>
#include <array>

namespace kintsugi {
namespace {

// §3.7: the decryptor RSA-OAEP-decrypts the per-file UUID with the private
// key stored under the file's personal ID; RsaPrivateKey::Parse takes PEM
// or DER, and only RSA-2048 fits the 256-byte block.
constexpr std::array kStopDjvuKeyTypes = {KeyType::kRsaPrivatePem,
                                          KeyType::kRsaPrivateDer};
// §3.8 and recovery-schemes-2.md §3.3: every released X25519 private key
// is tried; the files name none.
constexpr std::array kBabukKeyTypes = {KeyType::kX25519Private};
// recovery-schemes-2.md §3.1: the master (C&C) private keys of TeslaCrypt
// 3.x/4.x, each tried on every file, whose header proves the right one.
constexpr std::array kTeslaCryptKeyTypes = {KeyType::kSecp256k1Private};
// recovery-schemes-2.md §3.6: the leak's blobs; a key converted to PEM or
// DER serves as well. Every released key is tried: the files name none.
constexpr std::array kChimeraKeyTypes = {
    KeyType::kRsaPrivateBlob, KeyType::kRsaPrivatePem, KeyType::kRsaPrivateDer};

const std::array<KeyFamily, 4> kKeyFamilies = {{
    {.id = "babuk",
     .decryptors = "babuk-nas, babuk-esxi, babuk-windows",
     .key_types = kBabukKeyTypes,
     .rsa_bits = 0,
     .handle_kind = HandleKind::kNone,
     .handle_format = MessageId::kCount,
     .handle_fits = nullptr},
    {.id = "chimera",
     .decryptors = "chimera",
     .key_types = kChimeraKeyTypes,
     .rsa_bits = 2048,
     .handle_kind = HandleKind::kNone,
     .handle_format = MessageId::kCount,
     .handle_fits = nullptr},
    {.id = "stop-djvu",
     .decryptors = "stop-djvu",
     .key_types = kStopDjvuKeyTypes,
     .rsa_bits = 2048,
     .handle_kind = HandleKind::kVictimId,
     .handle_format = MessageId::kKeysStopDjvuIdFormat,
     .handle_fits = IsStopPersonalId},
    {.id = "teslacrypt",
     .decryptors = "teslacrypt",
     .key_types = kTeslaCryptKeyTypes,
     .rsa_bits = 0,
     .handle_kind = HandleKind::kNone,
     .handle_format = MessageId::kCount,
     .handle_fits = nullptr},
}};

}  // namespace

std::span<const KeyFamily> KeyFamilies() { return kKeyFamilies; }

const KeyFamily* FindKeyFamily(std::string_view id) {
  for (const KeyFamily& family : kKeyFamilies) {
    if (family.id == id) return &family;
  }
  return nullptr;
}

bool IsStopPersonalId(std::string_view handle) {
  // footer.cpp's check, kept equal by stop_djvu_test.
  return handle.size() == 40 &&
         std::all_of(handle.begin(), handle.end(),
                     [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace kintsugi
