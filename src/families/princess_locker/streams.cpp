#include "families/princess_locker/streams.h"

#include <algorithm>
#include <string>
#include <utility>

#include "crypto/aes_ecb.h"
#include "families/cbc_streams.h"

namespace kintsugi::families {
namespace {

constexpr std::size_t kBlock = 16;

// CBC with nothing removed at the end: each whole block decrypted and
// XORed with the ciphertext block before it (zeros for the first).
class UnpaddedCbcStream final : public recover::StreamDecryption {
 public:
  UnpaddedCbcStream(crypto::AesEcb cipher, std::uint64_t file_size)
      : cipher_(std::move(cipher)), file_size_(file_size) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    std::size_t written = 0;
    for (std::uint8_t byte : in.span()) {
      block_[filled_++] = byte;
      if (filled_ < kBlock) continue;
      if (out.size() - written < kBlock) {
        return InternalError("Princess Locker output buffer too small");
      }
      const auto plain = out.subspan(written, kBlock);
      KINTSUGI_RETURN_IF_ERROR(cipher_.Apply(ByteView(block_, kBlock), plain));
      for (std::size_t i = 0; i < kBlock; ++i) {
        plain[i] ^= previous_[i];
        previous_[i] = block_[i];
      }
      written += kBlock;
      filled_ = 0;
    }
    consumed_ += in.size();
    return written;
  }

  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (filled_ != 0 || consumed_ != file_size_) {
      return CorruptError(
          "the file is not whole AES blocks as it was when "
          "the run began");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override { return file_size_; }

 private:
  crypto::AesEcb cipher_;
  std::uint64_t file_size_;
  std::uint64_t consumed_ = 0;
  std::uint8_t block_[kBlock] = {};
  std::uint8_t previous_[kBlock] = {};  // The zero IV, then ciphertext.
  std::size_t filled_ = 0;
};

}  // namespace

Result<std::unique_ptr<recover::StreamDecryption>> StartPrincessDecryption(
    ByteView key, bool padded, std::uint64_t file_size) {
  if (padded) {
    recover::Key cbc;
    cbc.key = SecretBytes(key);
    cbc.iv = SecretBytes(kBlock);
    return StartAesCbcDecryption(cbc, file_size);
  }
  KINTSUGI_ASSIGN_OR_RETURN(crypto::AesEcb cipher,
                            crypto::AesEcb::Create(key.size()));
  KINTSUGI_RETURN_IF_ERROR(cipher.SetKey(key));
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<UnpaddedCbcStream>(std::move(cipher), file_size));
}

}  // namespace kintsugi::families
