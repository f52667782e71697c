#include "families/cbc_streams.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "crypto/aes_cbc.h"

namespace kintsugi::families {
namespace {

class AesStream final : public recover::StreamDecryption {
 public:
  AesStream(crypto::AesCbcDecryptor decryptor, std::uint64_t file_size)
      : decryptor_(std::move(decryptor)), file_size_(file_size) {}
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    return decryptor_.Update(in, out);
  }
  Result<std::size_t> Finish(std::span<std::uint8_t> out) override {
    return decryptor_.Finish(out);
  }
  // PKCS#7 removes 1 to 16 bytes (recovery-schemes.md §3.1).
  std::uint64_t MinOutputBytes() const override {
    return file_size_ > crypto::kAesBlockBytes
               ? file_size_ - crypto::kAesBlockBytes
               : 0;
  }

 private:
  crypto::AesCbcDecryptor decryptor_;
  std::uint64_t file_size_;
};

// A truncated file (Key::truncated) decrypted as far as it goes: its whole
// blocks in CBC order, no padding check, the bytes of a partial last block
// dropped. The plaintext is a prefix of the original, never Complete().
class TruncatedAesStream final : public recover::StreamDecryption {
 public:
  TruncatedAesStream(SecretBytes key, ByteView iv)
      : key_(std::move(key)), previous_(iv.ToBytes()) {}
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    pending_.insert(pending_.end(), in.begin(), in.end());
    const std::size_t whole =
        pending_.size() - pending_.size() % crypto::kAesBlockBytes;
    if (whole == 0) return std::size_t{0};
    if (out.size() < whole) return InternalError("output too small");
    const ByteView blocks = ByteView(pending_).First(whole);
    KINTSUGI_ASSIGN_OR_RETURN(
        Bytes plain,
        crypto::AesCbcDecryptBlocks(key_.view(), ByteView(previous_), blocks));
    previous_ = blocks.Last(crypto::kAesBlockBytes).ToBytes();
    std::copy(plain.begin(), plain.end(), out.begin());
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(whole));
    return whole;
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  bool Complete() const override { return false; }

 private:
  SecretBytes key_;
  Bytes previous_;  // The IV of the next block: the last ciphertext block.
  Bytes pending_;   // Less than a block, between calls.
};

}  // namespace

Result<std::unique_ptr<recover::StreamDecryption>> StartAesCbcDecryption(
    const recover::Key& key, std::uint64_t file_size) {
  KINTSUGI_ASSIGN_OR_RETURN(auto decryptor, crypto::AesCbcDecryptor::Create(
                                                key.key.view(), key.iv.view()));
  if (key.truncated) {
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<TruncatedAesStream>(key.key, key.iv.view()));
  }
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<AesStream>(std::move(decryptor), file_size));
}

}  // namespace kintsugi::families
