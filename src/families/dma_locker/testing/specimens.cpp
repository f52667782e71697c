#include "families/dma_locker/testing/specimens.h"

#include <string>

#include "families/dma_locker/layout.h"
#include "families/testing/specimens.h"
#include "prng/prng.h"

namespace kintsugi::families_testing {

std::array<std::uint8_t, 32> DmaLockerStreamKey(
    std::uint32_t seed, families::DmaKeyGenerator generator,
    std::uint64_t index) {
  prng::MsvcRand random(seed);
  std::array<std::uint8_t, 32> key{};
  for (std::uint64_t j = 0; j <= index; ++j) {
    key = families::DmaNextKey(generator, random);
  }
  return key;
}

Bytes DmaLockerEncrypt(ByteView plaintext, ByteView key) {
  Bytes file(families::kDmaMarker.begin(), families::kDmaMarker.end());
  file.resize(families::kDmaHeaderBytes, 0);
  Bytes body = plaintext.ToBytes();
  if (!families::DmaTransform(key, body.size(), body, /*encrypt=*/true).ok()) {
    return Bytes();
  }
  file.insert(file.end(), body.begin(), body.end());
  return file;
}

Status WriteDmaLockerSpecimen(FileSystem& fs, const Path& dir,
                              std::string_view name, ByteView plaintext,
                              std::uint32_t seed,
                              families::DmaKeyGenerator generator,
                              std::uint64_t index) {
  const auto key = DmaLockerStreamKey(seed, generator, index);
  const Bytes encrypted =
      DmaLockerEncrypt(plaintext, ByteView(key.data(), key.size()));
  if (encrypted.empty()) return InternalError("AES-ECB encryption failed");
  return WriteSpecimen(
      fs, dir, name, encrypted,
      "family=dma-locker\ngenerator=" +
          std::string(families::DmaKeyGeneratorName(generator)) + "\nseed=" +
          std::to_string(seed) + "\nindex=" + std::to_string(index) +
          "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n");
}

}  // namespace kintsugi::families_testing
