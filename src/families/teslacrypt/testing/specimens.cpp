#include "families/teslacrypt/testing/specimens.h"

#include <algorithm>
#include <array>
#include <string>

#include "crypto/aes_cbc.h"
#include "crypto/secp256k1.h"
#include "crypto/x25519.h"
#include "families/teslacrypt/layout.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

using families::kTeslaHeaderBytes;

// The public key of the released master key (recovery-schemes-2.md §3.1
// "The key"), refused as a C&C key: specimens are never made for it.
constexpr std::string_view kReleasedMasterPublic =
    "0495667250209d992a05553bdf8cb0e1320b04b2e0ff9177fe88c32cf125fea249"
    "198dcc6f24bcd3d38be3a62a8f41f92e9d1a4690b54a2d8e4928a933312c643b";

constexpr std::array<std::uint8_t, crypto::kAesBlockBytes> kZeroIv{};

// AES-256-CBC under IV 0 without padding, of 32 bytes: the first two
// blocks of the PKCS#7 encryption.
Result<Bytes> Wrap(const SecretBytes& key, const SecretBytes& secret) {
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes out,
      crypto::AesCbcEncrypt(
          key.view(), ByteView(kZeroIv.data(), kZeroIv.size()), secret.view()));
  out.resize(secret.size());
  return out;
}

// The wrapping key of a shared X: SHA-256 of its 32 bytes, or of them
// without leading zeros.
SecretBytes WrappingKey(const SecretBytes& shared_x, bool short_form) {
  std::span<const std::uint8_t> bytes = shared_x.view().span();
  while (short_form && bytes.size() > 1 && bytes.front() == 0) {
    bytes = bytes.subspan(1);
  }
  return crypto::Sha256(ByteView(bytes));
}

void Put(Bytes& out, std::size_t offset, ByteView bytes) {
  std::copy(bytes.begin(), bytes.end(),
            out.begin() + static_cast<std::ptrdiff_t>(offset));
}

void PutU32Le(Bytes& out, std::size_t offset, std::uint64_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    out[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// AES-256-CBC of `plaintext`, padded with PKCS#7 or zero bytes.
Result<Bytes> EncryptData(const SecretBytes& key, ByteView iv,
                          ByteView plaintext, TeslaPaddingMode padding) {
  if (padding == TeslaPaddingMode::kPkcs7) {
    return crypto::AesCbcEncrypt(key.view(), iv, plaintext);
  }
  Bytes padded = plaintext.ToBytes();
  padded.resize((padded.size() + crypto::kAesBlockBytes - 1) /
                crypto::kAesBlockBytes * crypto::kAesBlockBytes);
  KINTSUGI_ASSIGN_OR_RETURN(Bytes out,
                            crypto::AesCbcEncrypt(key.view(), iv, padded));
  out.resize(padded.size());  // Drop the PKCS#7 block.
  return out;
}

}  // namespace

SecretBytes TeslaTestSecret(std::string_view label) {
  return crypto::Sha256(
      ByteView::FromString("kintsugi-test teslacrypt " + std::string(label)));
}

Result<Bytes> TeslaCryptEncrypt(ByteView plaintext, ByteView c2_public,
                                const TeslaInfection& infection,
                                const TeslaSession& session,
                                const TeslaFileParameters& file) {
  if (ToHex(c2_public) == kReleasedMasterPublic) {
    return InvalidArgumentError(
        "refused: that is the public key of TeslaCrypt's real master key; "
        "specimens use a locally generated C&C key");
  }
  if (infection.gpriv.size() != 32 || session.amaster.size() != 32 ||
      file.iv.size() != crypto::kAesBlockBytes || file.random8.size() != 8) {
    return InvalidArgumentError("Gpriv and Amaster are 32 bytes, the IV 16");
  }
  if (!crypto::IsSecp256k1Point(c2_public)) {
    return InvalidArgumentError("the C&C public key is no secp256k1 point");
  }
  KINTSUGI_ASSIGN_OR_RETURN(Bytes xpub,
                            crypto::Secp256k1PublicKey(infection.r1));
  KINTSUGI_ASSIGN_OR_RETURN(SecretBytes sx,
                            crypto::Secp256k1SharedX(infection.r1, c2_public));
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes wrapped_gpriv,
      Wrap(WrappingKey(sx, infection.hash_short_secret), infection.gpriv));
  const SecretBytes g = crypto::Sha256(infection.gpriv.view());
  KINTSUGI_ASSIGN_OR_RETURN(Bytes victim_public, crypto::Secp256k1PublicKey(g));
  KINTSUGI_ASSIGN_OR_RETURN(Bytes ypub, crypto::Secp256k1PublicKey(session.r2));
  KINTSUGI_ASSIGN_OR_RETURN(
      SecretBytes sa, crypto::Secp256k1SharedX(session.r2, victim_public));
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes wrapped_amaster,
      Wrap(WrappingKey(sa, session.hash_short_secret), session.amaster));
  Bytes out(kTeslaHeaderBytes, 0);
  Put(out, 8, file.random8);
  Put(out, families::kTeslaXpubOffset, xpub);
  Put(out, families::kTeslaGprivOffset, wrapped_gpriv);
  Put(out, families::kTeslaVictimPublicOffset, victim_public);
  Put(out, families::kTeslaYpubOffset, ypub);
  Put(out, families::kTeslaAmasterOffset, wrapped_amaster);
  Put(out, families::kTeslaIvOffset, file.iv);
  // 32 bits: a larger original keeps its size mod 2^32 (§3.1 "Uncertain").
  PutU32Le(out, families::kTeslaSizeOffset, plaintext.size());
  KINTSUGI_ASSIGN_OR_RETURN(Bytes data, EncryptData(session.amaster, file.iv,
                                                    plaintext, file.padding));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Result<Bytes> TeslaCrypt2Encrypt(ByteView plaintext, const SecretBytes& amaster,
                                 ByteView iv) {
  if (iv.size() != crypto::kAesBlockBytes) {
    return InvalidArgumentError("the IV is 16 bytes");
  }
  Bytes out(families::kTesla2HeaderBytes, 0);
  const std::array<std::uint8_t, 4> magic = {0xDE, 0xAD, 0xBE, 0xEF};
  Put(out, 0, ByteView(magic.data(), magic.size()));
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes xpub, crypto::Secp256k1PublicKey(TeslaTestSecret("2.x gpriv")));
  Put(out, families::kTesla2XpubOffset, xpub);
  KINTSUGI_ASSIGN_OR_RETURN(Bytes ypub, crypto::Secp256k1PublicKey(amaster));
  Put(out, families::kTesla2YpubOffset, ypub);
  // Placeholders for the products btc_mul and aes_mul: 126 hex digits each,
  // NUL-padded as the real ones are.
  for (const std::size_t offset :
       {families::kTesla2BtcMulOffset, families::kTesla2AesMulOffset}) {
    const std::string digits =
        ToHex(TeslaTestSecret("2.x product " + std::to_string(offset)).view()) +
        ToHex(TeslaTestSecret("2.x product b" + std::to_string(offset)).view())
            .substr(0, 62);
    Put(out, offset, ByteView::FromString(digits));
  }
  Put(out, families::kTesla2IvOffset, iv);
  PutU32Le(out, families::kTesla2SizeOffset, plaintext.size());
  KINTSUGI_ASSIGN_OR_RETURN(Bytes data, EncryptData(amaster, iv, plaintext,
                                                    TeslaPaddingMode::kPkcs7));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Status WriteTeslaCryptSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               ByteView c2_public,
                               const TeslaInfection& infection,
                               const TeslaSession& session,
                               const TeslaFileParameters& file) {
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes contents,
      TeslaCryptEncrypt(plaintext, c2_public, infection, session, file));
  const std::string parameters =
      "family=teslacrypt\nc2_public=" + ToHex(c2_public) + "\nxpub=" +
      ToHex(*ByteView(contents).Sub(families::kTeslaXpubOffset,
                                    families::kTeslaPointBytes)) +
      "\nypub=" +
      ToHex(*ByteView(contents).Sub(families::kTeslaYpubOffset,
                                    families::kTeslaPointBytes)) +
      "\npadding=" +
      (file.padding == TeslaPaddingMode::kPkcs7 ? "pkcs7" : "zeros") +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
