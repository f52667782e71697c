#include "crypto/rsa_key_blob.h"

#include <utility>

#include "crypto/x25519.h"

namespace kintsugi::crypto {
namespace {

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// The parts of RsaParts in blob order.
std::array<SecretBytes*, 8> InBlobOrder(RsaParts& parts) {
  return {&parts.n, &parts.e,  &parts.d,  &parts.p,
          &parts.q, &parts.dp, &parts.dq, &parts.qinv};
}

}  // namespace

Result<SecretBytes> RsaKeyBlobFromHex(std::string_view hex) {
  if (hex.size() != kRsaKeyBlobHexDigits &&
      hex.size() != kRsaKeyBlobHexDigits + 1) {
    return InvalidArgumentError(
        "a Chimera key blob is 2,310 hex digits (1,155 bytes), not " +
        std::to_string(hex.size()));
  }
  if (hex.size() > kRsaKeyBlobHexDigits && !IsHexDigit(hex.back())) {
    return InvalidArgumentError("a Chimera key blob is hex digits only");
  }
  auto blob = SecretBytes::FromHex(hex.substr(0, kRsaKeyBlobHexDigits));
  if (!blob) {
    return InvalidArgumentError("a Chimera key blob is hex digits only");
  }
  return std::move(*blob);
}

Result<RsaPrivateKey> ParseRsaKeyBlob(ByteView blob) {
  if (blob.size() != kRsaKeyBlobBytes) {
    return InvalidArgumentError("a Chimera key blob is 1,155 bytes, not " +
                                std::to_string(blob.size()));
  }
  RsaParts parts;
  ByteReader reader(blob);
  const auto fields = InBlobOrder(parts);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    KINTSUGI_ASSIGN_OR_RETURN(const ByteView part,
                              reader.ReadBytes(kRsaKeyBlobWidths[i]));
    fields[i]->Assign(part);
  }
  // An RSA-2048 modulus has its top bit set.
  const ByteView modulus = parts.n.view();
  if (modulus.empty() || (*modulus.data() & 0x80) == 0) {
    return InvalidArgumentError(
        "the Chimera key blob's modulus is not 2,048 bits");
  }
  return RsaPrivateKey::FromParts(parts);
}

Result<SecretBytes> MakeRsaKeyBlob(const RsaPrivateKey& key) {
  KINTSUGI_ASSIGN_OR_RETURN(RsaParts parts, key.Parts());
  SecretBytes blob(kRsaKeyBlobBytes);
  std::size_t at = 0;
  const auto fields = InBlobOrder(parts);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::size_t width = kRsaKeyBlobWidths[i];
    const ByteView part = fields[i]->view();
    if (part.size() > width || (i == 0 && part.size() != width)) {
      return InvalidArgumentError("the key is not RSA-2048 in blob widths");
    }
    // Right-aligned: big-endian with leading zero bytes.
    for (std::size_t j = 0; j < part.size(); ++j) {
      blob.mutable_span()[at + width - part.size() + j] = part.data()[j];
    }
    at += width;
  }
  return blob;
}

std::string RsaModulusFingerprint(const RsaPrivateKey& key) {
  const SecretBytes digest = Sha256(key.Modulus());
  return ToHex(digest.view().First(8));
}

}  // namespace kintsugi::crypto
