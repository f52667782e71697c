#include "families/darkbit/testing/specimens.h"

#include <random>
#include <string>

#include "crypto/aes_cbc.h"
#include "families/testing/specimens.h"
#include "prng/go_rand.h"

namespace kintsugi::families_testing {
namespace {

constexpr std::size_t kBlock = 16;

// AES-128-CBC without padding over whole blocks (PKCS#7's extra block cut).
Bytes EncryptBlocks(ByteView key, ByteView iv, ByteView plain) {
  auto encrypted = crypto::AesCbcEncrypt(key, iv, plain);
  if (!encrypted) return Bytes();
  encrypted->resize(plain.size());
  return *encrypted;
}

}  // namespace

DarkBitDrawn DarkBitDraw(std::int64_t seed, std::size_t index) {
  prng::GoRand random(seed);
  DarkBitDrawn drawn;
  for (std::size_t file = 0; file <= index; ++file) {
    random.Read(drawn.key);
    random.Read(drawn.iv);
    drawn.name.clear();
    for (std::size_t i = 0; i < families::kDarkBitNameChars; ++i) {
      drawn.name +=
          families::kDarkBitCharset[static_cast<std::size_t>(random.Intn(62))];
    }
  }
  return drawn;
}

std::string DarkBitRenamed(const DarkBitParams& params) {
  return DarkBitDraw(params.seed, params.index).name +
         std::to_string(params.rename_seconds) +
         std::string(families::kDarkBitExtension);
}

Bytes DarkBitEncrypt(ByteView plaintext, std::string_view original_name,
                     const DarkBitParams& params) {
  const DarkBitDrawn drawn = DarkBitDraw(params.seed, params.index);
  const ByteView key(drawn.key.data(), drawn.key.size());
  const ByteView iv(drawn.iv.data(), drawn.iv.size());
  Bytes out = plaintext.ToBytes();
  for (const families::DarkBitPart& part :
       families::DarkBitParts(plaintext.size(), params.reading)) {
    const Bytes encrypted =
        EncryptBlocks(key, iv,
                      *plaintext.Sub(static_cast<std::size_t>(part.offset),
                                     static_cast<std::size_t>(part.length)));
    std::copy(encrypted.begin(), encrypted.end(),
              out.begin() + static_cast<std::ptrdiff_t>(part.offset));
  }
  std::string name(original_name);
  while (name.size() % kBlock != 0) name += '|';
  const Bytes encrypted_name =
      EncryptBlocks(key, iv, ByteView::FromString(name));
  const auto append = [&](ByteView bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
  };
  append(ByteView::FromString(families::kDarkBitMarker));
  append(encrypted_name);
  append(ByteView::FromString(families::kDarkBitTag));
  std::mt19937_64 blob(static_cast<std::uint64_t>(params.seed) * 1000003ULL +
                       params.index);
  for (std::size_t i = 0; i < families::kDarkBitRsaBytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(blob()));
  }
  return out;
}

Result<std::string> WriteDarkBitSpecimen(FileSystem& fs, const Path& dir,
                                         std::string_view original_name,
                                         ByteView plaintext,
                                         const DarkBitParams& params) {
  const DarkBitDrawn drawn = DarkBitDraw(params.seed, params.index);
  const std::string renamed = DarkBitRenamed(params);
  const std::string sidecar =
      "family=darkbit\nseed=" + std::to_string(params.seed) +
      "\ngo_seed=" + std::to_string(prng::GoReducedSeed(params.seed)) +
      "\nindex=" + std::to_string(params.index) +
      "\nkey=" + ToHex(ByteView(drawn.key.data(), drawn.key.size())) +
      "\niv=" + ToHex(ByteView(drawn.iv.data(), drawn.iv.size())) +
      "\nreading=" + std::string(families::DarkBitReadingName(params.reading)) +
      "\noriginal=" + std::string(original_name) + "\n";
  KINTSUGI_RETURN_IF_ERROR(
      WriteSpecimen(fs, dir, renamed,
                    DarkBitEncrypt(plaintext, original_name, params), sidecar));
  return renamed;
}

}  // namespace kintsugi::families_testing
