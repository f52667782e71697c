#include "families/hidden_tear/testing/specimens.h"

#include <string>

#include "crypto/aes_cbc.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {

Bytes HiddenTearEncrypt(ByteView plaintext, std::int32_t seed,
                        const families::HiddenTearVariant& variant) {
  const SecretBytes key_iv = families::HiddenTearKeyIv(
      variant, families::HiddenTearPassword(variant, seed));
  auto encrypted = crypto::AesCbcEncrypt(key_iv.view().First(32),
                                         *key_iv.view().Sub(32, 16), plaintext);
  return encrypted ? *encrypted : Bytes();
}

Status WriteHiddenTearSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               std::int32_t seed,
                               const families::HiddenTearVariant& variant) {
  const Bytes encrypted = HiddenTearEncrypt(plaintext, seed, variant);
  if (encrypted.empty()) return InternalError("AES-CBC encryption failed");
  return WriteSpecimen(
      fs, dir, name, encrypted,
      "family=hidden-tear\nvariant=" + std::string(variant.name) +
          "\nseed=" + std::to_string(seed) +
          "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n");
}

}  // namespace kintsugi::families_testing
