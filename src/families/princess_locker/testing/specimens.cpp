#include "families/princess_locker/testing/specimens.h"

#include <string>

#include "crypto/aes_cbc.h"
#include "crypto/aes_ecb.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {

Bytes PrincessEncrypt(ByteView plaintext, const PrincessKeyChoice& choice) {
  const auto key = families::PrincessAesKey(
      families::PrincessKeyString(choice.seed), choice.length, choice.hashing);
  const Bytes iv(16, 0);
  if (choice.padded) {
    auto encrypted =
        crypto::AesCbcEncrypt(ByteView(key.data(), key.size()), iv, plaintext);
    return encrypted ? *encrypted : Bytes();
  }
  if (plaintext.size() % 16 != 0) return Bytes();
  // CBC by hand: each block XORed with the one before, then encrypted.
  Bytes out = plaintext.ToBytes();
  auto cipher = crypto::AesEcb::Create(16, /*encrypt=*/true);
  if (!cipher || !cipher->SetKey(ByteView(key.data(), key.size())).ok()) {
    return Bytes();
  }
  for (std::size_t at = 0; at < out.size(); at += 16) {
    if (at > 0) {
      for (std::size_t i = 0; i < 16; ++i) out[at + i] ^= out[at - 16 + i];
    }
    const auto block = std::span(out).subspan(at, 16);
    if (!cipher->Apply(ByteView(block.data(), 16), block).ok()) return Bytes();
  }
  return out;
}

Status WritePrincessSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             const PrincessKeyChoice& choice) {
  const Bytes encrypted = PrincessEncrypt(plaintext, choice);
  if (encrypted.empty()) return InternalError("AES-CBC encryption failed");
  return WriteSpecimen(
      fs, dir, name, encrypted,
      "family=princess-locker\nseed=" + std::to_string(choice.seed) +
          "\nlength=" + std::to_string(choice.length) + "\nhashing=" +
          std::string(families::PrincessHashingName(choice.hashing)) +
          "\npadded=" + (choice.padded ? "yes" : "no") +
          "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n");
}

Result<std::string> WritePrincessNote(FileSystem& fs, const Path& dir,
                                      std::string_view extension,
                                      std::uint32_t id_seed,
                                      std::size_t id_length) {
  const std::string id = families::PrincessId(id_seed, id_length);
  const std::string text =
      "Your files were encrypted (a test specimen's note).\n"
      "Your ID: " +
      id + "\n";
  KINTSUGI_RETURN_IF_ERROR(WriteSpecimen(
      fs, dir, "!_HOW_TO_RESTORE_" + std::string(extension) + ".TXT",
      ByteView::FromString(text), "", /*sidecar=*/false));
  return id;
}

}  // namespace kintsugi::families_testing
