#include "families/testing/specimens.h"

#include <random>

#include "crypto/aes_cbc.h"
#include "families/jigsaw/jigsaw.h"
#include "families/nemucod/nemucod.h"

namespace kintsugi::families_testing {

Bytes JigsawEncrypt(ByteView plaintext, int key_number) {
  const Bytes key = *FromHex(key_number == 2 ? families::kJigsawKey2Hex
                                             : families::kJigsawKey1Hex);
  const Bytes iv = *FromHex(families::kJigsawIvHex);
  return *crypto::AesCbcEncrypt(key, iv, plaintext);
}

NemucodKey MakeNemucodKey(std::size_t key_length, std::uint64_t region,
                          std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  NemucodKey key;
  key.region = region;
  key.key.resize(key_length);
  for (auto& b : key.key) b = static_cast<std::uint8_t>(rng());
  return key;
}

Bytes NemucodEncrypt(ByteView plaintext, const NemucodKey& key) {
  Bytes out = plaintext.ToBytes();
  families::NemucodXor(key.key, key.region, 0, out);
  return out;
}

Status WriteSpecimen(FileSystem& fs, const Path& dir, std::string_view name,
                     ByteView contents, std::string_view parameters,
                     bool sidecar) {
  const Path file(name);
  if (file.has_parent_path() || name.empty() || name == "." || name == "..") {
    return InvalidArgumentError("specimen name must be one component");
  }
  KINTSUGI_RETURN_IF_ERROR(WriteNewFile(fs, dir / file, contents));
  if (!sidecar) return Status::Ok();
  return WriteNewFile(fs, dir / (std::string(name) + ".specimen.txt"),
                      ByteView::FromString(parameters));
}

}  // namespace kintsugi::families_testing
