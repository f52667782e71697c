#include "crypto/rsa_oaep.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <climits>
#include <utility>

namespace kintsugi::crypto {

struct RsaPrivateKey::Key {
  explicit Key(EVP_PKEY* p) : pkey(p) {}
  ~Key() { EVP_PKEY_free(pkey); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  EVP_PKEY* pkey;
};

namespace {

struct CtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// OpenSSL keeps its errors in a per-thread queue; a failure we turn into a
// Status leaves nothing there for the next caller to trip over.
Status OpenSslError(Status status) {
  ERR_clear_error();
  return status;
}

// Never prompts: an encrypted PEM key is refused rather than asking on the
// terminal for a password.
int NoPassword(char*, int, int, void*) { return 0; }

bool LooksPem(ByteView bytes) {
  return bytes.StartsWith(ByteView::FromString("-----BEGIN"));
}

// Sets OAEP with SHA-1 and MGF1-SHA-1 (recovery-schemes.md §3.7 "Crypto").
bool SetOaep(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) > 0;
}

Result<SecretBytes> BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) {
    return OpenSslError(InternalError("could not write the RSA key"));
  }
  SecretBytes out(ByteView(reinterpret_cast<const std::uint8_t*>(data),
                           static_cast<std::size_t>(size)));
  OPENSSL_cleanse(data, static_cast<std::size_t>(size));
  return out;
}

}  // namespace

RsaPrivateKey::RsaPrivateKey(std::shared_ptr<const Key> key)
    : key_(std::move(key)) {}

Result<RsaPrivateKey> RsaPrivateKey::Parse(ByteView pem_or_der) {
  if (pem_or_der.empty() || pem_or_der.size() > INT_MAX) {
    return InvalidArgumentError("not an RSA private key (PEM or DER)");
  }
  EVP_PKEY* pkey = nullptr;
  if (LooksPem(pem_or_der)) {
    BioPtr bio(BIO_new_mem_buf(pem_or_der.data(),
                               static_cast<int>(pem_or_der.size())));
    if (bio) {
      pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr);
    }
  } else {
    const unsigned char* cursor = pem_or_der.data();
    pkey = d2i_AutoPrivateKey(nullptr, &cursor,
                              static_cast<long>(pem_or_der.size()));
  }
  if (pkey == nullptr) {
    return OpenSslError(
        InvalidArgumentError("not an RSA private key (PEM or DER)"));
  }
  auto key = std::make_shared<const Key>(pkey);
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    return OpenSslError(InvalidArgumentError("the private key is not RSA"));
  }
  return RsaPrivateKey(std::move(key));
}

Result<RsaPrivateKey> RsaPrivateKey::Generate(int bits) {
  if (bits < 1024 || bits > 8192) {
    return InvalidArgumentError("RSA key size out of range");
  }
  EVP_PKEY* pkey =
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (pkey == nullptr) {
    return OpenSslError(InternalError("RSA key generation failed"));
  }
  return RsaPrivateKey(std::make_shared<const Key>(pkey));
}

std::size_t RsaPrivateKey::ModulusBytes() const {
  return static_cast<std::size_t>(EVP_PKEY_get_size(key_->pkey));
}

Result<SecretBytes> RsaPrivateKey::OaepDecrypt(ByteView ciphertext) const {
  if (ciphertext.size() != ModulusBytes()) {
    return CorruptError("the RSA block is not the key's size");
  }
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey, nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 || !SetOaep(ctx.get())) {
    return OpenSslError(InternalError("RSA-OAEP setup failed"));
  }
  std::size_t size = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &size, ciphertext.data(),
                       ciphertext.size()) <= 0) {
    return OpenSslError(CorruptError("the RSA block does not decrypt"));
  }
  SecretBytes plain(size);
  if (EVP_PKEY_decrypt(ctx.get(), plain.mutable_span().data(), &size,
                       ciphertext.data(), ciphertext.size()) <= 0) {
    return OpenSslError(CorruptError("the RSA block does not decrypt"));
  }
  plain.Resize(size);
  return plain;
}

Result<Bytes> RsaPrivateKey::OaepEncrypt(ByteView plaintext) const {
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey, nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 || !SetOaep(ctx.get())) {
    return OpenSslError(InternalError("RSA-OAEP setup failed"));
  }
  std::size_t size = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &size, plaintext.data(),
                       plaintext.size()) <= 0) {
    return OpenSslError(InvalidArgumentError("too long for RSA-OAEP"));
  }
  Bytes out(size);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &size, plaintext.data(),
                       plaintext.size()) <= 0) {
    return OpenSslError(InvalidArgumentError("too long for RSA-OAEP"));
  }
  out.resize(size);
  return out;
}

Result<SecretBytes> RsaPrivateKey::ToDer() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), key_->pkey, nullptr, nullptr,
                                      0, nullptr, nullptr) <= 0) {
    return OpenSslError(InternalError("could not write the RSA key"));
  }
  return BioContents(bio.get());
}

Result<SecretBytes> RsaPrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key_->pkey, nullptr, nullptr, 0,
                                    nullptr, nullptr) <= 0) {
    return OpenSslError(InternalError("could not write the RSA key"));
  }
  return BioContents(bio.get());
}

}  // namespace kintsugi::crypto
