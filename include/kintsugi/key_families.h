#pragma once

// The families whose decryptors look keys up in the key store, and what
// each accepts (docs/key-format.md §4): the one table `kintsugi keys import`
// checks a dump's records against, so that a key no decryptor could use is
// refused when it is imported rather than failing silently at recovery.

#include <span>
#include <string_view>

#include "kintsugi/message.h"
#include "kintsugi/store.h"

namespace kintsugi {

struct KeyFamily {
  std::string_view id;  // The family id of the records, e.g. "stop-djvu".
  // The decryptors (recover::DecryptorInfo::id) that use these keys.
  std::string_view decryptors;
  // The key types the decryptors can use.
  std::span<const KeyType> key_types;
  // The RSA modulus size the decryptors take, in bits; 0: any, or no RSA.
  int rsa_bits = 0;
  // How the family's files name their key.
  HandleKind handle_kind = HandleKind::kNone;
  // What a handle of this family looks like, as a message without
  // arguments (for problems); kCount for kNone.
  MessageId handle_format = MessageId::kCount;
  // Whether `handle` has the family's format; null: any value.
  bool (*handle_fits)(std::string_view handle) = nullptr;
};

// Every key-lookup family, by id.
std::span<const KeyFamily> KeyFamilies();

// The entry for `id`; null for a family no decryptor looks keys up for.
const KeyFamily* FindKeyFamily(std::string_view id);

// A STOP/Djvu personal ID as the file footer carries it
// (recovery-schemes.md §3.7 "Layout"; families/stop_djvu/footer.h): 40
// printable ASCII characters, no space.
bool IsStopPersonalId(std::string_view handle);

}  // namespace kintsugi
