#include "families/teslacrypt/stream.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "crypto/aes_cbc.h"
#include "families/teslacrypt/keys.h"
#include "recover/lost_bytes.h"

namespace kintsugi::families {
namespace {

class TeslaStream final : public recover::StreamDecryption {
 public:
  TeslaStream(crypto::AesCbcDecryptor decryptor, TeslaStreamLayout layout,
              std::uint64_t file_size)
      : decryptor_(std::move(decryptor)),
        layout_(layout),
        file_size_(file_size),
        header_left_(layout.header_bytes) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    const std::size_t skip = std::min(header_left_, in.size());
    header_left_ -= skip;
    const ByteView data(in.span().subspan(skip));
    data_seen_ += data.size();
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t produced,
                              decryptor_.Update(data, out));
    // What lies beyond the original is padding: kept aside (at most a
    // block) for Finish, never written.
    const std::uint64_t left =
        layout_.original_size - std::min(layout_.original_size, plain_seen_);
    const auto keep =
        static_cast<std::size_t>(std::min<std::uint64_t>(produced, left));
    for (std::size_t i = keep; i < produced; ++i) {
      if (padding_size_ < padding_.size()) {
        padding_[padding_size_] = out[i];
      }
      ++padding_size_;
    }
    plain_seen_ += produced;
    return keep;
  }

  Result<std::size_t> Finish(std::span<std::uint8_t> out) override {
    if (layout_.truncated) return std::size_t{0};
    KINTSUGI_RETURN_IF_ERROR(decryptor_.Finish(out).status());
    if (header_left_ > 0 || layout_.header_bytes + data_seen_ != file_size_) {
      return CorruptError("the file is not the size it was when probed");
    }
    if (plain_seen_ < layout_.original_size) {
      return CorruptError("the data ends before the original's " +
                          std::to_string(layout_.original_size) + " bytes");
    }
    const ByteView padding(padding_.data(),
                           std::min(padding_size_, padding_.size()));
    const TeslaPadding kind = padding_size_ > padding_.size()
                                  ? TeslaPadding::kInvalid
                                  : ClassifyTeslaPadding(padding);
    if (kind == TeslaPadding::kInvalid ||
        (kind == TeslaPadding::kZeros && !layout_.zero_padding_ok)) {
      return CorruptError(
          "the bytes after the original's end are not valid padding (a "
          "wrong key or a damaged file)");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override {
    return layout_.truncated ? 0 : layout_.original_size;
  }

  bool Complete() const override { return !layout_.truncated; }

  // A truncated file (issue 17): the header records the original's size,
  // so the tail the file no longer holds is known, byte for byte, and the
  // output is partial.
  LostBytes Lost() const override {
    if (!layout_.truncated) return {};
    const std::uint64_t written = std::min(plain_seen_, layout_.original_size);
    recover::LostBytesRecorder lost;
    lost.AddMissing(written, layout_.original_size - written);
    return lost.lost();
  }

 private:
  crypto::AesCbcDecryptor decryptor_;
  TeslaStreamLayout layout_;
  std::uint64_t file_size_;
  std::size_t header_left_;
  std::uint64_t data_seen_ = 0;
  std::uint64_t plain_seen_ = 0;
  std::array<std::uint8_t, crypto::kAesBlockBytes> padding_{};
  std::size_t padding_size_ = 0;
};

}  // namespace

Result<std::unique_ptr<recover::StreamDecryption>> StartTeslaDecryption(
    const SecretBytes& key, ByteView iv, const TeslaStreamLayout& layout,
    std::uint64_t file_size) {
  if (file_size < layout.header_bytes) {
    return CorruptError("too short for a TeslaCrypt header");
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      crypto::AesCbcDecryptor decryptor,
      crypto::AesCbcDecryptor::CreateUnpadded(key.view(), iv));
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<TeslaStream>(std::move(decryptor), layout, file_size));
}

}  // namespace kintsugi::families
