#include "families/stop_djvu/testing/specimens.h"

#include <algorithm>

#include "crypto/salsa20.h"
#include "families/stop_djvu/footer.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

// SplitMix64: a small deterministic generator for test identifiers.
std::uint64_t Next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string MakeStopUuid(std::uint64_t seed) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t state = seed;
  std::string uuid;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) uuid += '-';
    uuid += kHex[Next(state) % 16];
  }
  return uuid;
}

std::string MakeStopPersonalId(std::uint64_t seed, bool offline) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t state = seed ^ 0x5354'4f50ULL;
  std::string id;
  while (id.size() < families::kStopIdBytes) {
    id += kAlphabet[Next(state) % kAlphabet.size()];
  }
  if (offline) {
    id.replace(id.size() - 2, 2, "t1");
  } else if (id.ends_with("t1")) {
    id.back() = '2';
  }
  return id;
}

Result<Bytes> StopDjvuEncrypt(ByteView plaintext,
                              const crypto::RsaPrivateKey& key,
                              std::string_view personal_id,
                              std::string_view uuid) {
  if (personal_id.size() != families::kStopIdBytes) {
    return InvalidArgumentError("a STOP/Djvu personal ID is 40 characters");
  }
  const ByteView material = ByteView::FromString(uuid);
  if (material.size() < crypto::kSalsa20KeyBytes) {
    return InvalidArgumentError("the UUID must be at least 32 bytes");
  }
  Bytes out = plaintext.ToBytes();
  const families::StopRegion region =
      families::StopRegionFor(out.size() + families::kStopFooterBytes);
  if (region.end > region.begin) {
    const auto begin = static_cast<std::size_t>(region.begin);
    const auto length = static_cast<std::size_t>(region.end - region.begin);
    KINTSUGI_ASSIGN_OR_RETURN(ByteView part, plaintext.Sub(begin, length));
    KINTSUGI_RETURN_IF_ERROR(crypto::Salsa20Xor(
        material.First(crypto::kSalsa20KeyBytes),
        material.First(crypto::kSalsa20NonceBytes), 0, part,
        std::span<std::uint8_t>(out).subspan(begin, length)));
  }
  KINTSUGI_ASSIGN_OR_RETURN(Bytes block, key.OaepEncrypt(material));
  out.insert(out.end(), block.begin(), block.end());
  out.insert(out.end(), personal_id.begin(), personal_id.end());
  out.insert(out.end(), families::kStopMarker.begin(),
             families::kStopMarker.end());
  return out;
}

Status WriteStopDjvuSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             const crypto::RsaPrivateKey& key,
                             std::string_view personal_id,
                             std::string_view uuid) {
  KINTSUGI_ASSIGN_OR_RETURN(Bytes contents,
                            StopDjvuEncrypt(plaintext, key, personal_id, uuid));
  const std::string parameters =
      "family=stop-djvu\nvariant=djvu\npersonal_id=" +
      std::string(personal_id) + "\nuuid=" + std::string(uuid) +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
