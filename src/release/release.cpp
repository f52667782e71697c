// Release keys and the signed bundle's bytes (kintsugi/release.h,
// docs/bundle-format.md).

#include "kintsugi/release.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

#include "crypto/x25519.h"
#include "kintsugi/limits.h"

namespace kintsugi::release {
namespace {

constexpr std::string_view kMagic = "KSRB";
constexpr std::string_view kPublicTag = "kintsugi-release-public-v1";
constexpr std::string_view kSecretTag = "kintsugi-release-secret-v1";
// magic, format version, reserved, release version, created, signer id,
// section count.
constexpr std::size_t kHeaderBytes = 4 + 2 + 2 + 8 + 8 + 8 + 4;
constexpr std::size_t kKeyIdBytes = 8;

enum class Section : std::uint32_t { kKb = 1, kKeys = 2 };

void EnsureSodium() {
  // sodium_init is idempotent and thread-safe.
  if (sodium_init() < 0) __builtin_trap();
}

void PutLe(Bytes* out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

std::string Base64(ByteView bytes) {
  std::string out(
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// "TAG BASE64" (one line, the newline optional) decoded to exactly `size`
// bytes into `out`.
Status ParseKeyLine(std::string_view text, std::string_view tag,
                    std::span<std::uint8_t> out) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (!text.starts_with(tag) || text.size() <= tag.size() ||
      text[tag.size()] != ' ') {
    return InvalidArgumentError(
        fmt::format("not a Kintsugi release key file: it must be one line "
                    "\"{} BASE64\"",
                    tag));
  }
  text.remove_prefix(tag.size() + 1);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size() || length != out.size()) {
    return InvalidArgumentError(fmt::format(
        "the key in the file is not {} bytes of base64", out.size()));
  }
  return Status::Ok();
}

Bytes KeyIdBytes(const PublicKey& key) {
  const SecretBytes digest = crypto::Sha256(ByteView(key.bytes));
  const ByteView view = digest.view();
  return Bytes(view.begin(), view.begin() + kKeyIdBytes);
}

}  // namespace

KeyPair GenerateKeyPair() {
  EnsureSodium();
  KeyPair pair;
  pair.secret_key = SecretBytes(kSecretKeyBytes);
  crypto_sign_keypair(pair.public_key.bytes.data(),
                      pair.secret_key.mutable_span().data());
  return pair;
}

std::string PublicKeyFileText(const PublicKey& key) {
  return fmt::format("{} {}\n", kPublicTag, Base64(ByteView(key.bytes)));
}

std::string SecretKeyFileText(const KeyPair& pair) {
  return fmt::format("{} {}\n", kSecretTag, Base64(pair.secret_key.view()));
}

Result<PublicKey> ParsePublicKeyFile(std::string_view text) {
  PublicKey key;
  KINTSUGI_RETURN_IF_ERROR(ParseKeyLine(text, kPublicTag, key.bytes));
  return key;
}

Result<KeyPair> ParseSecretKeyFile(std::string_view text) {
  KeyPair pair;
  pair.secret_key = SecretBytes(kSecretKeyBytes);
  KINTSUGI_RETURN_IF_ERROR(
      ParseKeyLine(text, kSecretTag, pair.secret_key.mutable_span()));
  EnsureSodium();
  // libsodium's secret key is seed || public key: check the two agree.
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), pair.secret_key.view().data());
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> derived{};
  crypto_sign_seed_keypair(pair.public_key.bytes.data(), derived.data(),
                           seed.data());
  const bool same = sodium_memcmp(derived.data(), pair.secret_key.view().data(),
                                  derived.size()) == 0;
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(derived.data(), derived.size());
  if (!same) {
    return InvalidArgumentError(
        "the secret key file is damaged: its public half does not match its "
        "seed");
  }
  return pair;
}

std::string KeyId(const PublicKey& key) { return ToHex(KeyIdBytes(key)); }

std::string BundleSha256(ByteView file) {
  return ToHex(crypto::Sha256(file).view());
}

Result<Bytes> SignBundle(const Bundle& bundle, const KeyPair& key) {
  if (bundle.version == 0) {
    return InvalidArgumentError("a release version starts at 1");
  }
  if (bundle.kb.size() > limits::kMaxKbBundleBytes ||
      bundle.keys.size() > limits::kMaxKeyDumpBytes) {
    return InvalidArgumentError(
        "the KB or the keys are larger than a bundle may carry");
  }
  Bytes out(kMagic.begin(), kMagic.end());
  PutLe(&out, kBundleFormatVersion, 2);
  PutLe(&out, 0, 2);
  PutLe(&out, bundle.version, 8);
  PutLe(&out, static_cast<std::uint64_t>(bundle.created), 8);
  const Bytes id = KeyIdBytes(key.public_key);
  out.insert(out.end(), id.begin(), id.end());
  PutLe(&out, 2, 4);
  PutLe(&out, static_cast<std::uint32_t>(Section::kKb), 4);
  PutLe(&out, bundle.kb.size(), 8);
  out.insert(out.end(), bundle.kb.begin(), bundle.kb.end());
  PutLe(&out, static_cast<std::uint32_t>(Section::kKeys), 4);
  PutLe(&out, bundle.keys.size(), 8);
  out.insert(out.end(), bundle.keys.begin(), bundle.keys.end());
  EnsureSodium();
  std::array<std::uint8_t, kSignatureBytes> signature{};
  crypto_sign_detached(signature.data(), nullptr, out.data(), out.size(),
                       key.secret_key.view().data());
  out.insert(out.end(), signature.begin(), signature.end());
  return out;
}

namespace {

constexpr std::string_view kFileSignatureTag = "kintsugi-signature-v1";
constexpr std::string_view kFileSignatureContext =
    "kintsugi-file-signature-v1\n";

Bytes FileSignatureMessage(ByteView file) {
  Bytes message(kFileSignatureContext.size() + file.size());
  std::memcpy(message.data(), kFileSignatureContext.data(),
              kFileSignatureContext.size());
  if (!file.empty()) {
    std::memcpy(message.data() + kFileSignatureContext.size(), file.data(),
                file.size());
  }
  return message;
}

}  // namespace

std::string SignFile(ByteView file, const KeyPair& key) {
  const Bytes message = FileSignatureMessage(file);
  EnsureSodium();
  std::array<std::uint8_t, kSignatureBytes> signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(),
                       message.size(), key.secret_key.view().data());
  return fmt::format("{} {} {}\n", kFileSignatureTag, KeyId(key.public_key),
                     Base64(ByteView(signature)));
}

Status VerifyFileSignature(ByteView file, std::string_view signature,
                           const PublicKey& key) {
  while (!signature.empty() &&
         (signature.back() == '\n' || signature.back() == '\r')) {
    signature.remove_suffix(1);
  }
  const std::string_view tag = kFileSignatureTag;
  constexpr std::size_t kIdHex = 2 * kKeyIdBytes;
  if (!signature.starts_with(tag) ||
      signature.size() < tag.size() + 1 + kIdHex + 1 ||
      signature[tag.size()] != ' ' ||
      signature[tag.size() + 1 + kIdHex] != ' ') {
    return InvalidArgumentError(
        fmt::format("not a Kintsugi signature: it must be one line \"{} "
                    "KEYID BASE64\"",
                    tag));
  }
  const std::string_view signer = signature.substr(tag.size() + 1, kIdHex);
  const std::string_view encoded = signature.substr(tag.size() + 2 + kIdHex);
  std::array<std::uint8_t, kSignatureBytes> bytes{};
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), encoded.data(),
                        encoded.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != encoded.data() + encoded.size() || length != bytes.size()) {
    return InvalidArgumentError(fmt::format(
        "the signature in the file is not {} bytes of base64", bytes.size()));
  }
  if (signer != KeyId(key)) {
    return UnauthenticatedError(
        fmt::format("signed by release key {}, not by the trusted key {}",
                    signer, KeyId(key)));
  }
  const Bytes message = FileSignatureMessage(file);
  EnsureSodium();
  if (crypto_sign_verify_detached(bytes.data(), message.data(), message.size(),
                                  key.bytes.data()) != 0) {
    return UnauthenticatedError(
        "the signature does not hold: the file was altered or truncated");
  }
  return Status::Ok();
}

Result<Bundle> VerifyBundle(ByteView file, const PublicKey& key) {
  if (file.size() > limits::kMaxReleaseBundleBytes) {
    return ResourceExhaustedError(
        fmt::format("larger than a release bundle may be ({} bytes)",
                    limits::kMaxReleaseBundleBytes));
  }
  if (file.size() < kMagic.size() ||
      !file.StartsWith(ByteView::FromString(kMagic))) {
    return CorruptError("not a Kintsugi release bundle (no KSRB magic)");
  }
  if (file.size() < kHeaderBytes + kSignatureBytes) {
    return CorruptError(
        "truncated: shorter than a release bundle's header and signature");
  }
  ByteReader header(file.First(kHeaderBytes));
  KINTSUGI_RETURN_IF_ERROR(header.Skip(kMagic.size()));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint16_t format, header.ReadU16Le());
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint16_t reserved, header.ReadU16Le());
  if (format != kBundleFormatVersion) {
    return UnsupportedError(
        fmt::format("bundle format version {}; this Kintsugi reads version {}",
                    format, kBundleFormatVersion));
  }
  Bundle bundle;
  KINTSUGI_ASSIGN_OR_RETURN(bundle.version, header.ReadU64Le());
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t created, header.ReadU64Le());
  bundle.created = static_cast<std::int64_t>(created);
  KINTSUGI_ASSIGN_OR_RETURN(const ByteView signer,
                            header.ReadBytes(kKeyIdBytes));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint32_t sections, header.ReadU32Le());
  bundle.signer = ToHex(signer);
  if (bundle.signer != KeyId(key)) {
    return UnauthenticatedError(
        fmt::format("signed by release key {}, not by the trusted key {}",
                    bundle.signer, KeyId(key)));
  }
  const ByteView signed_part = file.First(file.size() - kSignatureBytes);
  const ByteView signature = file.Last(kSignatureBytes);
  EnsureSodium();
  if (crypto_sign_verify_detached(signature.data(), signed_part.data(),
                                  signed_part.size(), key.bytes.data()) != 0) {
    return UnauthenticatedError(
        "the signature does not hold: the bundle was altered or truncated");
  }
  // Signed by the trusted key from here on; still checked, never trusted to
  // be well-formed.
  if (reserved != 0 || sections != 2 || bundle.version == 0) {
    return CorruptError("a signed bundle with a malformed header");
  }
  KINTSUGI_ASSIGN_OR_RETURN(const ByteView sections_part,
                            signed_part.From(kHeaderBytes));
  ByteReader body(sections_part);
  bool seen_kb = false;
  bool seen_keys = false;
  for (std::uint32_t i = 0; i < sections; ++i) {
    auto type = body.ReadU32Le();
    auto length = body.ReadU64Le();
    if (!type || !length || *length > body.remaining()) {
      return CorruptError("a signed bundle with a malformed section");
    }
    KINTSUGI_ASSIGN_OR_RETURN(
        const ByteView data, body.ReadBytes(static_cast<std::size_t>(*length)));
    if (*type == static_cast<std::uint32_t>(Section::kKb) && !seen_kb) {
      seen_kb = true;
      bundle.kb.assign(data.begin(), data.end());
    } else if (*type == static_cast<std::uint32_t>(Section::kKeys) &&
               !seen_keys) {
      seen_keys = true;
      bundle.keys.assign(data.AsChars());
    } else {
      return CorruptError(
          fmt::format("a signed bundle with an unknown or repeated section "
                      "(type {})",
                      *type));
    }
  }
  if (!body.AtEnd()) {
    return CorruptError("a signed bundle with bytes after its sections");
  }
  return bundle;
}

}  // namespace kintsugi::release
