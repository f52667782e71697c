#include "crypto/aes_cbc.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <string>
#include <utility>

namespace kintsugi::crypto {
namespace {

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const EVP_CIPHER* CipherForKey(std::size_t key_bytes) {
  switch (key_bytes) {
    case 16:
      return EVP_aes_128_cbc();
    case 24:
      return EVP_aes_192_cbc();
    case 32:
      return EVP_aes_256_cbc();
    default:
      return nullptr;
  }
}

Result<CtxPtr> NewContext(ByteView key, ByteView iv, bool encrypt,
                          bool padding) {
  const EVP_CIPHER* cipher = CipherForKey(key.size());
  if (cipher == nullptr) {
    return InvalidArgumentError("AES key must be 16, 24 or 32 bytes, got " +
                                std::to_string(key.size()));
  }
  if (iv.size() != kAesBlockBytes) {
    return InvalidArgumentError("AES-CBC IV must be 16 bytes, got " +
                                std::to_string(iv.size()));
  }
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ResourceExhaustedError("EVP_CIPHER_CTX_new failed");
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data(),
                        encrypt ? 1 : 0) != 1) {
    return InternalError("EVP_CipherInit_ex failed");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), padding ? 1 : 0);
  return ctx;
}

// EVP takes int lengths; callers feed chunks far below INT_MAX, but a span
// from elsewhere is split rather than trusted.
constexpr std::size_t kMaxEvpChunk = std::size_t{1} << 30;

Result<std::size_t> RunUpdate(EVP_CIPHER_CTX* ctx, ByteView in,
                              std::span<std::uint8_t> out) {
  std::size_t written = 0;
  std::size_t done = 0;
  while (done < in.size()) {
    const std::size_t n = std::min(kMaxEvpChunk, in.size() - done);
    if (out.size() - written < n + kAesBlockBytes) {
      return InternalError("AES output buffer too small");
    }
    int produced = 0;
    if (EVP_CipherUpdate(ctx, out.subspan(written).data(), &produced,
                         in.span().subspan(done, n).data(),
                         static_cast<int>(n)) != 1) {
      return InternalError("EVP_CipherUpdate failed");
    }
    written += static_cast<std::size_t>(produced);
    done += n;
  }
  return written;
}

}  // namespace

struct AesCbcDecryptor::State {
  CtxPtr ctx;
  std::uint64_t consumed = 0;
  bool padded = true;
};

AesCbcDecryptor::AesCbcDecryptor(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
AesCbcDecryptor::AesCbcDecryptor(AesCbcDecryptor&&) noexcept = default;
AesCbcDecryptor& AesCbcDecryptor::operator=(AesCbcDecryptor&&) noexcept =
    default;
AesCbcDecryptor::~AesCbcDecryptor() = default;

Result<AesCbcDecryptor> AesCbcDecryptor::Create(ByteView key, ByteView iv) {
  KINTSUGI_ASSIGN_OR_RETURN(CtxPtr ctx, NewContext(key, iv, false, true));
  auto state = std::make_unique<State>();
  state->ctx = std::move(ctx);
  return AesCbcDecryptor(std::move(state));
}

Result<AesCbcDecryptor> AesCbcDecryptor::CreateUnpadded(ByteView key,
                                                        ByteView iv) {
  KINTSUGI_ASSIGN_OR_RETURN(CtxPtr ctx, NewContext(key, iv, false, false));
  auto state = std::make_unique<State>();
  state->ctx = std::move(ctx);
  state->padded = false;
  return AesCbcDecryptor(std::move(state));
}

Result<std::size_t> AesCbcDecryptor::Update(ByteView in,
                                            std::span<std::uint8_t> out) {
  if (!state_) return InternalError("AesCbcDecryptor used after move");
  state_->consumed += in.size();
  return RunUpdate(state_->ctx.get(), in, out);
}

Result<std::size_t> AesCbcDecryptor::Finish(std::span<std::uint8_t> out) {
  if (!state_) return InternalError("AesCbcDecryptor used after move");
  if (!state_->padded) {
    if (state_->consumed % kAesBlockBytes != 0) {
      return CorruptError("AES-CBC ciphertext length " +
                          std::to_string(state_->consumed) +
                          " is not a multiple of 16");
    }
    return std::size_t{0};
  }
  if (state_->consumed == 0 || state_->consumed % kAesBlockBytes != 0) {
    return CorruptError("AES-CBC ciphertext length " +
                        std::to_string(state_->consumed) +
                        " is not a non-zero multiple of 16");
  }
  if (out.size() < kAesBlockBytes) {
    return InternalError("AES output buffer too small");
  }
  int produced = 0;
  if (EVP_DecryptFinal_ex(state_->ctx.get(), out.data(), &produced) != 1) {
    return CorruptError("invalid PKCS#7 padding (wrong key or damaged file)");
  }
  return static_cast<std::size_t>(produced);
}

Result<Bytes> AesCbcDecryptBlocks(ByteView key, ByteView iv,
                                  ByteView ciphertext) {
  if (ciphertext.size() % kAesBlockBytes != 0) {
    return InvalidArgumentError("AES-CBC blocks must be a multiple of 16");
  }
  KINTSUGI_ASSIGN_OR_RETURN(CtxPtr ctx, NewContext(key, iv, false, false));
  Bytes out(ciphertext.size() + kAesBlockBytes);
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n,
                            RunUpdate(ctx.get(), ciphertext, out));
  out.resize(n);
  return out;
}

Result<Bytes> AesCbcEncrypt(ByteView key, ByteView iv, ByteView plaintext) {
  KINTSUGI_ASSIGN_OR_RETURN(CtxPtr ctx, NewContext(key, iv, true, true));
  Bytes out(plaintext.size() + 2 * kAesBlockBytes);
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n,
                            RunUpdate(ctx.get(), plaintext, out));
  int produced = 0;
  if (EVP_EncryptFinal_ex(ctx.get(),
                          std::span<std::uint8_t>(out).subspan(n).data(),
                          &produced) != 1) {
    return InternalError("EVP_EncryptFinal_ex failed");
  }
  out.resize(n + static_cast<std::size_t>(produced));
  return out;
}

std::optional<std::size_t> Pkcs7PaddingLength(ByteView last_block) {
  if (last_block.size() != kAesBlockBytes) return std::nullopt;
  const std::uint8_t pad = *last_block.U8(kAesBlockBytes - 1);
  if (pad == 0 || pad > kAesBlockBytes) return std::nullopt;
  for (std::size_t i = kAesBlockBytes - pad; i < kAesBlockBytes; ++i) {
    if (*last_block.U8(i) != pad) return std::nullopt;
  }
  return pad;
}

}  // namespace kintsugi::crypto
