#include "crypto/aes_ecb.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <utility>

namespace kintsugi::crypto {
namespace {

constexpr std::size_t kBlock = 16;

const EVP_CIPHER* EcbForKey(std::size_t key_bytes) {
  switch (key_bytes) {
    case 16:
      return EVP_aes_128_ecb();
    case 24:
      return EVP_aes_192_ecb();
    case 32:
      return EVP_aes_256_ecb();
    default:
      return nullptr;
  }
}

}  // namespace

struct AesEcb::State {
  ~State() { EVP_CIPHER_CTX_free(ctx); }
  EVP_CIPHER_CTX* ctx = nullptr;
  const EVP_CIPHER* cipher = nullptr;
  std::size_t key_bytes = 0;
  bool encrypt = false;
  bool keyed = false;
};

AesEcb::AesEcb(std::unique_ptr<State> state) : state_(std::move(state)) {}
AesEcb::AesEcb(AesEcb&&) noexcept = default;
AesEcb& AesEcb::operator=(AesEcb&&) noexcept = default;
AesEcb::~AesEcb() = default;

Result<AesEcb> AesEcb::Create(std::size_t key_bytes, bool encrypt) {
  const EVP_CIPHER* cipher = EcbForKey(key_bytes);
  if (cipher == nullptr) {
    return InvalidArgumentError("AES key must be 16, 24 or 32 bytes, got " +
                                std::to_string(key_bytes));
  }
  auto state = std::make_unique<State>();
  state->ctx = EVP_CIPHER_CTX_new();
  if (state->ctx == nullptr) {
    return ResourceExhaustedError("EVP_CIPHER_CTX_new failed");
  }
  state->cipher = cipher;
  state->key_bytes = key_bytes;
  state->encrypt = encrypt;
  // The cipher is set once; SetKey then only expands a key.
  if (EVP_CipherInit_ex(state->ctx, cipher, nullptr, nullptr, nullptr,
                        encrypt ? 1 : 0) != 1) {
    return InternalError("EVP_CipherInit_ex failed");
  }
  EVP_CIPHER_CTX_set_padding(state->ctx, 0);
  return AesEcb(std::move(state));
}

Status AesEcb::SetKey(ByteView key) {
  if (!state_) return InternalError("AesEcb used after move");
  if (key.size() != state_->key_bytes) {
    return InvalidArgumentError("AES key of " + std::to_string(key.size()) +
                                " bytes, expected " +
                                std::to_string(state_->key_bytes));
  }
  if (EVP_CipherInit_ex(state_->ctx, nullptr, nullptr, key.data(), nullptr,
                        -1) != 1) {
    return InternalError("EVP_CipherInit_ex failed");
  }
  state_->keyed = true;
  return Status::Ok();
}

Status AesEcb::Apply(ByteView in, std::span<std::uint8_t> out) {
  if (!state_ || !state_->keyed) return InvalidArgumentError("no AES key set");
  if (in.size() % kBlock != 0 || out.size() < in.size()) {
    return InvalidArgumentError("AES-ECB takes whole 16-byte blocks");
  }
  // EVP takes int lengths: whole blocks at a time, well below INT_MAX.
  constexpr std::size_t kMaxChunk = std::size_t{1} << 30;
  for (std::size_t done = 0; done < in.size();) {
    const std::size_t n = std::min(kMaxChunk, in.size() - done);
    int produced = 0;
    if (EVP_CipherUpdate(state_->ctx, out.subspan(done).data(), &produced,
                         in.span().subspan(done, n).data(),
                         static_cast<int>(n)) != 1 ||
        static_cast<std::size_t>(produced) != n) {
      return InternalError("EVP_CipherUpdate failed");
    }
    done += n;
  }
  return Status::Ok();
}

Status AesEcbInPlace(ByteView key, std::span<std::uint8_t> data, bool encrypt) {
  KINTSUGI_ASSIGN_OR_RETURN(AesEcb cipher, AesEcb::Create(key.size(), encrypt));
  KINTSUGI_RETURN_IF_ERROR(cipher.SetKey(key));
  return cipher.Apply(ByteView(data.data(), data.size()), data);
}

}  // namespace kintsugi::crypto
