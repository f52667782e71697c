#include "families/dma_locker/layout.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "crypto/aes_ecb.h"

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kBlock = 16;
constexpr std::uint64_t kChunks = 45;
// §3.5: bytes beyond the first 1,000,000,000 are never encrypted.
constexpr std::uint64_t kMaxRegion = 1'000'000'000;

// Decrypts a whole DMA Locker file as it streams by: the header is
// dropped, plaintext runs are copied, and encrypted blocks are gathered
// (a block may straddle two calls) and decrypted.
class DmaStream final : public recover::StreamDecryption {
 public:
  DmaStream(crypto::AesEcb cipher, std::uint64_t file_size)
      : cipher_(std::move(cipher)),
        file_size_(file_size),
        layout_(file_size - kDmaHeaderBytes) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    std::size_t written = 0;
    std::size_t i = 0;
    while (i < in.size()) {
      const std::size_t left = in.size() - i;
      if (consumed_ < kDmaHeaderBytes) {
        const auto n = static_cast<std::size_t>(
            std::min<std::uint64_t>(kDmaHeaderBytes - consumed_, left));
        consumed_ += n;
        i += n;
        continue;
      }
      const std::uint64_t at = consumed_ - kDmaHeaderBytes;
      if (at >= layout_.size()) {
        return CorruptError("the DMA Locker file grew while it was read");
      }
      const DmaLayout::Run run = layout_.At(at);
      const auto n =
          static_cast<std::size_t>(std::min<std::uint64_t>(run.end - at, left));
      if (out.size() - written < n + filled_) {
        return InternalError("DMA Locker output buffer too small");
      }
      const auto piece = in.span().subspan(i, n);
      if (!run.encrypted) {
        std::copy(piece.begin(), piece.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(written));
        written += n;
      } else {
        std::copy(piece.begin(), piece.end(), block_ + filled_);
        filled_ += n;
        if (filled_ == kBlock) {
          KINTSUGI_RETURN_IF_ERROR(
              cipher_.Apply(ByteView(block_, kBlock), out.subspan(written)));
          written += kBlock;
          filled_ = 0;
        }
      }
      consumed_ += n;
      i += n;
    }
    return written;
  }

  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    std::memset(block_, 0, sizeof block_);
    if (consumed_ != file_size_ || filled_ != 0) {
      return CorruptError(
          "the DMA Locker file ended early: " + std::to_string(consumed_) +
          " of " + std::to_string(file_size_) + " bytes");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override { return layout_.size(); }

 private:
  crypto::AesEcb cipher_;
  std::uint64_t file_size_;
  DmaLayout layout_;
  std::uint64_t consumed_ = 0;
  std::uint8_t block_[kBlock] = {};
  std::size_t filled_ = 0;
};

}  // namespace

DmaLayout::DmaLayout(std::uint64_t original_size)
    : size_(original_size),
      region_(std::min(original_size, kMaxRegion)),
      chunk_(region_ / kChunks) {}

DmaLayout::Run DmaLayout::At(std::uint64_t at) const {
  if (at >= region_) return Run{false, 0, size_};
  // The chunk that holds `at`: one of the 45, or the remainder.
  std::uint64_t start = kChunks * chunk_;
  std::uint64_t end = region_;
  if (chunk_ > 0 && at < kChunks * chunk_) {
    start = at / chunk_ * chunk_;
    end = start + chunk_;
  }
  const std::uint64_t encrypted = (end - start) / kBlock * kBlock;
  const std::uint64_t offset = at - start;
  if (offset >= encrypted) return Run{false, 0, end};
  const std::uint64_t block = start + offset / kBlock * kBlock;
  return Run{true, block, block + kBlock};
}

std::uint64_t DmaLayout::PlainBytes() const {
  const std::uint64_t remainder = region_ - kChunks * chunk_;
  return kChunks * (chunk_ % kBlock) + remainder % kBlock + (size_ - region_);
}

bool DmaLayout::AnyEncrypted() const {
  // A 45th of E, or the remainder, holds a whole block.
  return chunk_ >= kBlock || region_ - kChunks * chunk_ >= kBlock;
}

Status DmaTransform(ByteView key, std::uint64_t original_size,
                    std::span<std::uint8_t> data, bool encrypt) {
  if (data.size() > original_size) {
    return InvalidArgumentError("more bytes than the original holds");
  }
  KINTSUGI_ASSIGN_OR_RETURN(crypto::AesEcb cipher,
                            crypto::AesEcb::Create(kDmaKeyBytes, encrypt));
  KINTSUGI_RETURN_IF_ERROR(cipher.SetKey(key));
  const DmaLayout layout(original_size);
  for (std::uint64_t at = 0; at < data.size();) {
    const DmaLayout::Run run = layout.At(at);
    if (run.encrypted) {
      if (run.end > data.size()) break;  // A block cut by the prefix.
      const auto block = data.subspan(static_cast<std::size_t>(run.block),
                                      static_cast<std::size_t>(kBlock));
      KINTSUGI_RETURN_IF_ERROR(
          cipher.Apply(ByteView(block.data(), block.size()), block));
    }
    at = run.end;
  }
  return Status::Ok();
}

Result<std::unique_ptr<recover::StreamDecryption>> StartDmaDecryption(
    ByteView key, std::uint64_t file_size) {
  if (file_size < kDmaHeaderBytes) {
    return CorruptError("too short for a DMA Locker file");
  }
  KINTSUGI_ASSIGN_OR_RETURN(crypto::AesEcb cipher,
                            crypto::AesEcb::Create(kDmaKeyBytes));
  KINTSUGI_RETURN_IF_ERROR(cipher.SetKey(key));
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<DmaStream>(std::move(cipher), file_size));
}

}  // namespace kintsugi::families
