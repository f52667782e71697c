#include "crypto/secp256k1.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>

namespace kintsugi::crypto {
namespace {

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct PointDeleter {
  void operator()(EC_POINT* point) const { EC_POINT_clear_free(point); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using PointPtr = std::unique_ptr<EC_POINT, PointDeleter>;

// The curve, made once: EC_POINT operations only read it, so every thread
// shares it.
const EC_GROUP* Curve() {
  static const EC_GROUP* const group =
      EC_GROUP_new_by_curve_name(NID_secp256k1);
  return group;
}

// `bytes` (32, big-endian) as a secret scalar in [1, n-1]: reduced mod n
// when `reduce`, refused at n or above otherwise; null for 0 (mod n) or a
// wrong size.
BnPtr Scalar(ByteView bytes, bool reduce, BN_CTX* ctx) {
  const EC_GROUP* group = Curve();
  if (group == nullptr || bytes.size() != kSecp256k1ScalarBytes) return {};
  BnPtr value(BN_secure_new());
  if (!value) return {};
  BN_set_flags(value.get(), BN_FLG_CONSTTIME);
  if (BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), value.get()) ==
      nullptr) {
    return {};
  }
  const BIGNUM* order = EC_GROUP_get0_order(group);
  if (BN_cmp(value.get(), order) >= 0) {
    if (!reduce) return {};
    if (BN_nnmod(value.get(), value.get(), order, ctx) != 1) return {};
  }
  if (BN_is_zero(value.get())) return {};
  return value;
}

// `point` parsed: 65 bytes, uncompressed, on the curve; null otherwise.
PointPtr Point(ByteView point, BN_CTX* ctx) {
  const EC_GROUP* group = Curve();
  if (group == nullptr || point.size() != kSecp256k1PointBytes ||
      point.data()[0] != 0x04) {
    return {};
  }
  PointPtr parsed(EC_POINT_new(group));
  if (!parsed || EC_POINT_oct2point(group, parsed.get(), point.data(),
                                    point.size(), ctx) != 1) {
    return {};
  }
  // oct2point checks the curve equation; the point at infinity has no
  // 65-byte form.
  return parsed;
}

}  // namespace

bool IsSecp256k1PrivateKey(ByteView key) {
  BnCtxPtr ctx(BN_CTX_secure_new());
  return ctx && Scalar(key, /*reduce=*/false, ctx.get()) != nullptr;
}

bool IsSecp256k1Point(ByteView point) {
  BnCtxPtr ctx(BN_CTX_new());
  return ctx && Point(point, ctx.get()) != nullptr;
}

Result<Bytes> Secp256k1PublicKey(const SecretBytes& scalar) {
  BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx || Curve() == nullptr) {
    return InternalError("OpenSSL has no secp256k1 context");
  }
  BnPtr k = Scalar(scalar.view(), /*reduce=*/true, ctx.get());
  if (!k) {
    return InvalidArgumentError(
        "a secp256k1 scalar is 32 bytes and not 0 mod the group order");
  }
  PointPtr product(EC_POINT_new(Curve()));
  if (!product || EC_POINT_mul(Curve(), product.get(), k.get(), nullptr,
                               nullptr, ctx.get()) != 1) {
    return InternalError("secp256k1 base-point multiplication failed");
  }
  Bytes out(kSecp256k1PointBytes);
  if (EC_POINT_point2oct(Curve(), product.get(), POINT_CONVERSION_UNCOMPRESSED,
                         out.data(), out.size(),
                         ctx.get()) != kSecp256k1PointBytes) {
    return InternalError("secp256k1 point encoding failed");
  }
  return out;
}

Result<SecretBytes> Secp256k1SharedX(const SecretBytes& scalar,
                                     ByteView point) {
  BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx || Curve() == nullptr) {
    return InternalError("OpenSSL has no secp256k1 context");
  }
  BnPtr k = Scalar(scalar.view(), /*reduce=*/true, ctx.get());
  if (!k) {
    return InvalidArgumentError(
        "a secp256k1 scalar is 32 bytes and not 0 mod the group order");
  }
  PointPtr peer = Point(point, ctx.get());
  if (!peer) {
    return CorruptError(
        "not a secp256k1 point (65 bytes, 04 || X || Y, on the curve)");
  }
  PointPtr product(EC_POINT_new(Curve()));
  if (!product || EC_POINT_mul(Curve(), product.get(), nullptr, peer.get(),
                               k.get(), ctx.get()) != 1) {
    return InternalError("secp256k1 point multiplication failed");
  }
  // The group's order is prime, so k x P is never infinity for k in
  // [1, n-1] and P on the curve; checked anyway.
  if (EC_POINT_is_at_infinity(Curve(), product.get()) == 1) {
    return CorruptError("secp256k1 product is the point at infinity");
  }
  BnPtr x(BN_secure_new());
  if (!x || EC_POINT_get_affine_coordinates(Curve(), product.get(), x.get(),
                                            nullptr, ctx.get()) != 1) {
    return InternalError("secp256k1 coordinates failed");
  }
  SecretBytes shared(kSecp256k1ScalarBytes);
  if (BN_bn2binpad(x.get(), shared.mutable_span().data(),
                   static_cast<int>(shared.size())) !=
      static_cast<int>(kSecp256k1ScalarBytes)) {
    return InternalError("secp256k1 coordinate encoding failed");
  }
  return shared;
}

}  // namespace kintsugi::crypto
