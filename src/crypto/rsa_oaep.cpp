#include "crypto/rsa_oaep.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <climits>
#include <string>
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
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct ParamBuildFree {
  void operator()(OSSL_PARAM_BLD* build) const { OSSL_PARAM_BLD_free(build); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn NewBn() { return Bn(BN_secure_new()); }

Bn BnFrom(ByteView bytes) {
  if (bytes.size() > INT_MAX) return nullptr;
  Bn bn = NewBn();
  if (bn == nullptr || BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()),
                                 bn.get()) == nullptr) {
    return nullptr;
  }
  return bn;
}

SecretBytes BytesOf(const BIGNUM* bn) {
  SecretBytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.mutable_span().data());
  return out;
}

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

Result<RsaPrivateKey> RsaPrivateKey::FromParts(const RsaParts& parts) {
  const std::array<const SecretBytes*, 8> given = {
      &parts.n, &parts.e,  &parts.d,  &parts.p,
      &parts.q, &parts.dp, &parts.dq, &parts.qinv};
  std::array<Bn, 8> bn;
  for (std::size_t i = 0; i < given.size(); ++i) {
    // 8,192-bit keys at most: no part is longer than the modulus.
    if (given[i]->size() > 1024) {
      return InvalidArgumentError("an RSA key part is over 8,192 bits");
    }
    bn[i] = BnFrom(given[i]->view());
    if (bn[i] == nullptr) return OpenSslError(InternalError("out of memory"));
  }
  const BIGNUM* n = bn[0].get();
  const BIGNUM* e = bn[1].get();
  const BIGNUM* d = bn[2].get();
  const BIGNUM* p = bn[3].get();
  const BIGNUM* q = bn[4].get();
  const BIGNUM* dp = bn[5].get();
  const BIGNUM* dq = bn[6].get();
  const BIGNUM* qinv = bn[7].get();
  if (BN_num_bits(n) < 1024 || BN_num_bits(n) > 8192) {
    return InvalidArgumentError("the RSA modulus is not 1,024 to 8,192 bits");
  }
  if (!BN_is_odd(e) || BN_is_one(e)) {
    return InvalidArgumentError("the RSA public exponent is not odd and > 1");
  }
  if (BN_cmp(p, BN_value_one()) <= 0 || BN_cmp(q, BN_value_one()) <= 0) {
    return InvalidArgumentError("an RSA prime is 0 or 1");
  }
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_secure_new());
  Bn product = NewBn();
  Bn p1 = NewBn();
  Bn q1 = NewBn();
  Bn ed = NewBn();
  Bn r = NewBn();
  if (!ctx || !product || !p1 || !q1 || !ed || !r ||
      BN_mul(product.get(), p, q, ctx.get()) != 1 ||
      BN_sub(p1.get(), p, BN_value_one()) != 1 ||
      BN_sub(q1.get(), q, BN_value_one()) != 1 ||
      BN_mul(ed.get(), e, d, ctx.get()) != 1) {
    return OpenSslError(InternalError("RSA arithmetic failed"));
  }
  if (BN_cmp(product.get(), n) != 0) {
    return InvalidArgumentError("the RSA parts disagree: p * q is not n");
  }
  // Each relation of the doc comment, in turn; `what` names it.
  const auto mod_is = [&](const BIGNUM* a, const BIGNUM* m, const BIGNUM* want,
                          const char* what) -> Status {
    if (BN_mod(r.get(), a, m, ctx.get()) != 1) {
      return OpenSslError(InternalError("RSA arithmetic failed"));
    }
    if (BN_cmp(r.get(), want) != 0) {
      return InvalidArgumentError(std::string("the RSA parts disagree: ") +
                                  what);
    }
    return Status::Ok();
  };
  KINTSUGI_RETURN_IF_ERROR(
      mod_is(ed.get(), p1.get(), BN_value_one(), "e * d is not 1 mod (p - 1)"));
  KINTSUGI_RETURN_IF_ERROR(
      mod_is(ed.get(), q1.get(), BN_value_one(), "e * d is not 1 mod (q - 1)"));
  KINTSUGI_RETURN_IF_ERROR(mod_is(d, p1.get(), dp, "dp is not d mod (p - 1)"));
  KINTSUGI_RETURN_IF_ERROR(mod_is(d, q1.get(), dq, "dq is not d mod (q - 1)"));
  if (BN_cmp(qinv, p) >= 0 || BN_mod_mul(r.get(), qinv, q, p, ctx.get()) != 1 ||
      !BN_is_one(r.get())) {
    ERR_clear_error();
    return InvalidArgumentError(
        "the RSA parts disagree: qinv is not the inverse of q mod p");
  }

  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> build(OSSL_PARAM_BLD_new());
  static constexpr std::array<const char*, 8> kNames = {
      OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
      OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
      OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  bool pushed = build != nullptr;
  for (std::size_t i = 0; pushed && i < kNames.size(); ++i) {
    pushed = OSSL_PARAM_BLD_push_BN(build.get(), kNames[i], bn[i].get()) == 1;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(
      pushed ? OSSL_PARAM_BLD_to_param(build.get()) : nullptr);
  CtxPtr make(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !make || EVP_PKEY_fromdata_init(make.get()) != 1 ||
      EVP_PKEY_fromdata(make.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) !=
          1) {
    return OpenSslError(InternalError("could not make the RSA key"));
  }
  return RsaPrivateKey(std::make_shared<const Key>(pkey));
}

Bytes RsaPrivateKey::Modulus() const {
  Bytes out(ModulusBytes());
  BIGNUM* n = nullptr;
  if (EVP_PKEY_get_bn_param(key_->pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1) {
    BN_bn2binpad(n, out.data(), static_cast<int>(out.size()));
  }
  BN_free(n);
  ERR_clear_error();
  return out;
}

Result<RsaParts> RsaPrivateKey::Parts() const {
  RsaParts parts;
  const std::array<std::pair<const char*, SecretBytes*>, 8> wanted = {{
      {OSSL_PKEY_PARAM_RSA_N, &parts.n},
      {OSSL_PKEY_PARAM_RSA_E, &parts.e},
      {OSSL_PKEY_PARAM_RSA_D, &parts.d},
      {OSSL_PKEY_PARAM_RSA_FACTOR1, &parts.p},
      {OSSL_PKEY_PARAM_RSA_FACTOR2, &parts.q},
      {OSSL_PKEY_PARAM_RSA_EXPONENT1, &parts.dp},
      {OSSL_PKEY_PARAM_RSA_EXPONENT2, &parts.dq},
      {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &parts.qinv},
  }};
  for (const auto& [name, out] : wanted) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key_->pkey, name, &raw) != 1) {
      return OpenSslError(
          InvalidArgumentError("the RSA key does not have all its parts"));
    }
    const Bn bn(raw);
    *out = BytesOf(bn.get());
  }
  return parts;
}

Result<SecretBytes> RsaPrivateKey::RawDecrypt(ByteView block) const {
  if (block.size() != ModulusBytes()) {
    return CorruptError("the RSA block is not the key's size");
  }
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey, nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0) {
    return OpenSslError(InternalError("RSA setup failed"));
  }
  SecretBytes plain(ModulusBytes());
  std::size_t size = plain.size();
  // Fails for a block not below the modulus: another key's.
  if (EVP_PKEY_decrypt(ctx.get(), plain.mutable_span().data(), &size,
                       block.data(), block.size()) <= 0 ||
      size != plain.size()) {
    return OpenSslError(CorruptError("the RSA block is not below the modulus"));
  }
  return plain;
}

Result<Bytes> RsaPrivateKey::Pkcs1v15Encrypt(ByteView plaintext) const {
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey, nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0) {
    return OpenSslError(InternalError("RSA setup failed"));
  }
  std::size_t size = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &size, plaintext.data(),
                       plaintext.size()) <= 0) {
    return OpenSslError(InvalidArgumentError("too long for RSA PKCS#1 v1.5"));
  }
  Bytes out(size);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &size, plaintext.data(),
                       plaintext.size()) <= 0) {
    return OpenSslError(InvalidArgumentError("too long for RSA PKCS#1 v1.5"));
  }
  out.resize(size);
  return out;
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
