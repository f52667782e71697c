#include "families/linux_encoder/testing/specimens.h"

#include <algorithm>
#include <random>
#include <string>

#include "crypto/aes_cbc.h"
#include "families/linux_encoder/layout.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

void PutU32Le(Bytes& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

}  // namespace

Bytes LinuxEncoderEncrypt(ByteView plaintext,
                          const LinuxEncoderParams& params) {
  constexpr std::size_t kBlock = families::kLinuxEncoderBlock;
  const families::LinuxEncoderKey key =
      families::LinuxEncoderKeyAt(params.seed, params.index);
  families::LinuxEncoderIv stored = key.iv;
  stored[kBlock - 1] = static_cast<std::uint8_t>((stored[kBlock - 1] & 0xf0u) |
                                                 (plaintext.size() % kBlock));
  const families::LinuxEncoderIv& used =
      params.encrypt_with_drawn_iv ? key.iv : stored;
  // The last partial block: the rest of it is what the buffer held before.
  Bytes padded = plaintext.ToBytes();
  const std::size_t partial = padded.size() % kBlock;
  if (partial != 0) {
    for (std::size_t i = partial; i < kBlock; ++i) {
      const std::size_t stale = padded.size() - partial + i;
      padded.push_back(stale >= kBlock ? padded[stale - kBlock]
                                       : std::uint8_t{0});
    }
  }
  auto encrypted = crypto::AesCbcEncrypt(
      key.key.view(), ByteView(used.data(), used.size()), padded);
  if (!encrypted) return Bytes();
  encrypted->resize(padded.size());  // No padding block.
  Bytes out;
  PutU32Le(out, params.mode);
  PutU32Le(out, params.blob_bytes);
  std::mt19937_64 blob(params.seed * 1000003ULL + params.index);
  for (std::uint32_t i = 0; i < params.blob_bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(blob()));
  }
  out.insert(out.end(), stored.begin(), stored.end());
  out.insert(out.end(), encrypted->begin(), encrypted->end());
  return out;
}

Status WriteLinuxEncoderSpecimen(FileSystem& fs, const Path& dir,
                                 std::string_view name, ByteView plaintext,
                                 const LinuxEncoderParams& params) {
  const Bytes encrypted = LinuxEncoderEncrypt(plaintext, params);
  if (encrypted.empty()) return InternalError("AES-CBC encryption failed");
  return WriteSpecimen(
      fs, dir, name, encrypted,
      "family=linux-encoder\nseed=" + std::to_string(params.seed) +
          "\nindex=" + std::to_string(params.index) +
          "\nmode=" + std::to_string(params.mode) +
          "\nblob_bytes=" + std::to_string(params.blob_bytes) +
          "\niv=" + (params.encrypt_with_drawn_iv ? "drawn" : "stored") +
          "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n");
}

}  // namespace kintsugi::families_testing
