#include "families/petya_red/testing/specimens.h"

#include <cstdio>
#include <string>

#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

using petya_red::kSectorBytes;

std::string Parameters(const petya_red::KeyCharacters& key,
                       const petya_red::Nonce& nonce) {
  std::string nonce_hex;
  for (std::uint8_t b : nonce) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    nonce_hex += hex;
  }
  return "family=petya-red\nkey_characters=" +
         std::string(key.begin(), key.end()) + "\nnonce=" + nonce_hex + "\n";
}

}  // namespace

Bytes PetyaRedSector54(const petya_red::Nonce& nonce) {
  Bytes sector(kSectorBytes, 0);
  sector[0] = 1;
  for (std::size_t i = 0; i < nonce.size(); ++i)
    sector[petya_red::kNonceOffset + i] = nonce[i];
  return sector;
}

Bytes PetyaRedSector55(const petya_red::KeyCharacters& key,
                       const petya_red::Nonce& nonce) {
  const petya_red::Sector s = petya_red::VerificationSector(key, nonce);
  return Bytes(s.begin(), s.end());
}

Bytes PetyaRedImage(const petya_red::KeyCharacters& key,
                    const petya_red::Nonce& nonce, std::size_t sectors) {
  if (sectors < 56) sectors = 56;
  Bytes image(sectors * kSectorBytes, 0);
  const Bytes s54 = PetyaRedSector54(nonce);
  const Bytes s55 = PetyaRedSector55(key, nonce);
  std::copy(s54.begin(), s54.end(), image.begin() + 54 * kSectorBytes);
  std::copy(s55.begin(), s55.end(), image.begin() + 55 * kSectorBytes);
  return image;
}

Status WritePetyaRedSectors(FileSystem& fs, const Path& dir,
                            const petya_red::KeyCharacters& key,
                            const petya_red::Nonce& nonce) {
  const std::string parameters = Parameters(key, nonce);
  KINTSUGI_RETURN_IF_ERROR(WriteSpecimen(fs, dir, "sector54.bin",
                                         PetyaRedSector54(nonce), parameters));
  return WriteSpecimen(fs, dir, "sector55.bin", PetyaRedSector55(key, nonce),
                       parameters);
}

Status WritePetyaRedImage(FileSystem& fs, const Path& dir,
                          std::string_view name,
                          const petya_red::KeyCharacters& key,
                          const petya_red::Nonce& nonce, std::size_t sectors) {
  return WriteSpecimen(fs, dir, name, PetyaRedImage(key, nonce, sectors),
                       Parameters(key, nonce) + "sectors=" +
                           std::to_string(sectors < 56 ? 56 : sectors) + "\n");
}

}  // namespace kintsugi::families_testing
