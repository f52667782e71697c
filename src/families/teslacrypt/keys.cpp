#include "families/teslacrypt/keys.h"

#include <algorithm>
#include <array>
#include <utility>

#include "crypto/aes_cbc.h"
#include "crypto/secp256k1.h"
#include "crypto/x25519.h"

namespace kintsugi::families {
namespace {

// §3.1: the wrapped keys are AES-256-CBC under IV 0, no padding.
constexpr std::array<std::uint8_t, crypto::kAesBlockBytes> kZeroIv{};

// The AES keys a shared X gives: SHA-256 of its 32-byte form, then of the
// form without its leading zero bytes when it has any.
std::vector<SecretBytes> WrappingKeys(const SecretBytes& shared_x) {
  std::vector<SecretBytes> keys;
  keys.push_back(crypto::Sha256(shared_x.view()));
  const ByteView x = shared_x.view();
  std::size_t zeros = 0;
  while (zeros < x.size() && x.span()[zeros] == 0) ++zeros;
  if (zeros > 0 && zeros < x.size()) {
    keys.push_back(crypto::Sha256(ByteView(x.span().subspan(zeros))));
  }
  return keys;
}

Result<SecretBytes> Unwrap(const SecretBytes& key, ByteView wrapped) {
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes plain,
      crypto::AesCbcDecryptBlocks(
          key.view(), ByteView(kZeroIv.data(), kZeroIv.size()), wrapped));
  return SecretBytes(std::move(plain));
}

}  // namespace

Result<std::optional<SecretBytes>> UnwrapTeslaVictimKey(
    const SecretBytes& master, const TeslaHeader& header) {
  if (!crypto::IsSecp256k1Point(header.victim_public)) {
    return CorruptError("the victim public key in the header is no point");
  }
  KINTSUGI_ASSIGN_OR_RETURN(SecretBytes sx,
                            crypto::Secp256k1SharedX(master, header.xpub));
  for (const SecretBytes& key : WrappingKeys(sx)) {
    KINTSUGI_ASSIGN_OR_RETURN(SecretBytes gpriv,
                              Unwrap(key, header.encrypted_gpriv));
    SecretBytes g = crypto::Sha256(gpriv.view());
    KINTSUGI_ASSIGN_OR_RETURN(Bytes public_key, crypto::Secp256k1PublicKey(g));
    if (ByteView(public_key) == header.victim_public) {
      return std::optional<SecretBytes>(std::move(g));
    }
  }
  return std::optional<SecretBytes>();
}

Result<std::vector<SecretBytes>> UnwrapTeslaSessionKeys(
    const SecretBytes& g, const TeslaHeader& header) {
  KINTSUGI_ASSIGN_OR_RETURN(SecretBytes sa,
                            crypto::Secp256k1SharedX(g, header.ypub));
  std::vector<SecretBytes> keys;
  for (const SecretBytes& key : WrappingKeys(sa)) {
    KINTSUGI_ASSIGN_OR_RETURN(SecretBytes amaster,
                              Unwrap(key, header.encrypted_amaster));
    keys.push_back(std::move(amaster));
  }
  return keys;
}

TeslaPadding ClassifyTeslaPadding(ByteView padding) {
  if (padding.empty()) return TeslaPadding::kNothingToCheck;
  if (padding.size() > crypto::kAesBlockBytes) return TeslaPadding::kInvalid;
  const auto all = [&](std::uint8_t value) {
    return std::all_of(padding.begin(), padding.end(),
                       [&](std::uint8_t b) { return b == value; });
  };
  if (all(static_cast<std::uint8_t>(padding.size()))) {
    return TeslaPadding::kPkcs7;
  }
  if (all(0)) return TeslaPadding::kZeros;
  return TeslaPadding::kInvalid;
}

Result<TeslaPadding> TeslaLastBlockPadding(ByteView key, ByteView iv,
                                           ByteView tail,
                                           std::uint64_t data_bytes,
                                           std::uint64_t original_size) {
  if (data_bytes < original_size ||
      data_bytes - original_size > crypto::kAesBlockBytes) {
    return InvalidArgumentError("the size does not fit the data");
  }
  const auto padding = static_cast<std::size_t>(data_bytes - original_size);
  if (padding == 0) return TeslaPadding::kNothingToCheck;
  const std::size_t needed = data_bytes >= 2 * crypto::kAesBlockBytes
                                 ? 2 * crypto::kAesBlockBytes
                                 : crypto::kAesBlockBytes;
  KINTSUGI_ASSIGN_OR_RETURN(ByteView blocks, tail.Tail(needed));
  const ByteView previous = needed == crypto::kAesBlockBytes
                                ? iv
                                : blocks.First(crypto::kAesBlockBytes);
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes last, crypto::AesCbcDecryptBlocks(
                      key, previous, blocks.Last(crypto::kAesBlockBytes)));
  return ClassifyTeslaPadding(ByteView(last).Last(padding));
}

}  // namespace kintsugi::families
