#include "families/babuk/testing/windows_specimens.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "crypto/crc32_mpeg2.h"
#include "crypto/hc128.h"
#include "crypto/x25519.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::string_view kMarker = "choung dong looks like hot dog!!";

struct Region {
  std::uint64_t offset;
  std::uint64_t size;
};

// §3.3's region table, written out as the encryptor walks it (kept apart
// from the decryptor's BabukWindowsSpanFrom on purpose).
std::vector<Region> Regions(std::uint64_t n) {
  if (n == 0) return {};
  if (n <= 64) return {{0, n}};
  if (n <= 5 * kMiB) return {{0, n / 10}};
  if (n <= 20 * kMiB) {
    const std::uint64_t third = n / 3;
    return {{0, kMiB}, {third, kMiB}, {2 * third, kMiB}};
  }
  std::vector<Region> regions;
  for (std::uint64_t i = 0; i < n / (10 * kMiB); ++i) {
    regions.push_back({i * 10 * kMiB, kMiB});
  }
  return regions;
}

}  // namespace

Result<Bytes> BabukWindowsEncrypt(ByteView plaintext,
                                  const BabukWindowsLayerKeys& keys) {
  KINTSUGI_ASSIGN_OR_RETURN(Bytes file_public,
                            crypto::X25519PublicKey(keys.ephemeral_private));
  // X25519(ephemeral private, attacker public) is the secret the attacker
  // recomputes as X25519(attacker private, file public).
  KINTSUGI_ASSIGN_OR_RETURN(
      SecretBytes shared,
      crypto::X25519(keys.ephemeral_private, keys.attacker_public));
  const SecretBytes km = crypto::Sha512(shared.view());
  KINTSUGI_ASSIGN_OR_RETURN(
      crypto::Hc128 cipher,
      crypto::Hc128EightWord(km.view().First(32), km.view().Last(32)));
  Bytes out = plaintext.ToBytes();
  for (const Region& region : Regions(out.size())) {
    const std::span<std::uint8_t> part =
        std::span(out).subspan(static_cast<std::size_t>(region.offset),
                               static_cast<std::size_t>(region.size));
    KINTSUGI_RETURN_IF_ERROR(
        cipher.Xor(ByteView(part.data(), part.size()), part));
  }
  const std::uint32_t crc = crypto::Crc32Mpeg2(km.view(), 0x676E6F64);
  out.insert(out.end(), file_public.begin(), file_public.end());
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  }
  out.insert(out.end(), kMarker.begin(), kMarker.end());
  return out;
}

Status WriteBabukWindowsSpecimen(
    FileSystem& fs, const Path& dir, std::string_view name, ByteView plaintext,
    std::span<const BabukWindowsLayerKeys> layers) {
  Bytes contents = plaintext.ToBytes();
  std::string parameters =
      "family=babuk\nvariant=windows\nlayers=" + std::to_string(layers.size()) +
      "\n";
  for (const BabukWindowsLayerKeys& keys : layers) {
    KINTSUGI_ASSIGN_OR_RETURN(contents, BabukWindowsEncrypt(contents, keys));
    KINTSUGI_ASSIGN_OR_RETURN(Bytes file_public,
                              crypto::X25519PublicKey(keys.ephemeral_private));
    parameters += "attacker_public=" + ToHex(keys.attacker_public) +
                  "\nfile_public=" + ToHex(file_public) + "\n";
  }
  parameters += "plaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
