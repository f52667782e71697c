#include "families/babuk/cipher.h"

#include <algorithm>
#include <utility>

#include "crypto/chacha20.h"
#include "crypto/x25519.h"
#include "kintsugi/fs.h"

namespace kintsugi::families {

Result<BabukFileKey> DeriveBabukFileKey(BabukBuild build,
                                        const SecretBytes& attacker_private,
                                        ByteView file_public) {
  KINTSUGI_ASSIGN_OR_RETURN(SecretBytes shared,
                            crypto::X25519(attacker_private, file_public));
  BabukFileKey file_key;
  file_key.key = crypto::Sha256(shared.view());
  if (build == BabukBuild::kNas) {
    // §3.8: nonce12 = SHA-256(key)[10:22].
    const SecretBytes hash = crypto::Sha256(file_key.key.view());
    file_key.nonce =
        SecretBytes(*hash.view().Sub(10, crypto::kChaCha20IetfNonceBytes));
  }
  return file_key;
}

Result<BabukCipher> BabukCipher::Create(BabukBuild build, BabukFileKey key) {
  if (key.key.size() != crypto::kChaCha20KeyBytes) {
    return InvalidArgumentError("a Babuk file key is 32 bytes");
  }
  const std::size_t nonce_bytes =
      build == BabukBuild::kNas ? crypto::kChaCha20IetfNonceBytes : 0;
  if (key.nonce.size() != nonce_bytes) {
    return InvalidArgumentError(build == BabukBuild::kNas
                                    ? "a Babuk NAS nonce is 12 bytes"
                                    : "a Babuk ESXi key has no nonce");
  }
  return BabukCipher(build, std::move(key));
}

Status BabukCipher::Xor(std::uint64_t stream, ByteView in,
                        std::span<std::uint8_t> out) {
  if (build_ == BabukBuild::kNas) {
    // §3.8: IETF ChaCha20, block counter 0 at keystream byte 0.
    return crypto::ChaCha20IetfXor(key_.key.view(), key_.nonce.view(), stream,
                                   in, out);
  }
  // §3.8: Sosemanuk keyed with the 32-byte key, no IV, one stream.
  if (!sosemanuk_ || stream < sosemanuk_at_) {
    KINTSUGI_ASSIGN_OR_RETURN(crypto::Sosemanuk cipher,
                              crypto::Sosemanuk::Create(key_.key.view(), {}));
    sosemanuk_.emplace(std::move(cipher));
    sosemanuk_at_ = 0;
  }
  sosemanuk_->Skip(stream - sosemanuk_at_);
  KINTSUGI_RETURN_IF_ERROR(sosemanuk_->Xor(in, out));
  sosemanuk_at_ = stream + in.size();
  return Status::Ok();
}

Status BabukCipher::Apply(std::uint64_t original_size, std::uint64_t offset,
                          ByteView in, std::span<std::uint8_t> out) {
  if (out.size() < in.size()) {
    return InvalidArgumentError("Babuk output too small");
  }
  if (in.data() != out.data()) std::copy(in.begin(), in.end(), out.begin());
  const std::uint64_t end = offset + in.size();
  std::uint64_t at = offset;
  while (at < end) {
    const std::optional<BabukSpan> span =
        BabukSpanFrom(build_, original_size, at);
    if (!span || span->begin >= end) break;
    const std::uint64_t from = std::max(at, span->begin);
    const std::uint64_t to = std::min(end, span->end);
    const auto index = static_cast<std::size_t>(from - offset);
    const auto length = static_cast<std::size_t>(to - from);
    KINTSUGI_ASSIGN_OR_RETURN(ByteView part, in.Sub(index, length));
    KINTSUGI_RETURN_IF_ERROR(Xor(span->stream + (from - span->begin), part,
                                 out.subspan(index, length)));
    at = to;
  }
  return Status::Ok();
}

namespace {

using formats::FileKind;

// Bytes a magic number needs to have been checked whole (the longest
// checked prefix of the strong kinds: PNG's signature and IHDR).
constexpr std::size_t kMagicBytes = 16;
// Bytes of text needed (BabukRecognisedKind's comment).
constexpr std::size_t kTextBytes = 256;

bool StrongMagic(FileKind kind) {
  switch (kind) {
    case FileKind::kPng:
    case FileKind::kGif:
    case FileKind::kPdf:
    case FileKind::kZip:
    case FileKind::kOoxml:
    case FileKind::kOdf:
    case FileKind::kOle2:
    case FileKind::kSevenZip:
    case FileKind::kRar:
    case FileKind::kSqlite:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool BabukExpectedKind(FileKind kind, std::string_view original_name) {
  const Path name{std::string(original_name)};
  for (FileKind e : formats::ExpectedKinds(name.extension().native())) {
    if (e == kind) return true;
    if (e == FileKind::kZip &&
        (kind == FileKind::kOoxml || kind == FileKind::kOdf)) {
      return true;
    }
  }
  return false;
}

std::optional<FileKind> BabukRecognisedKind(ByteView prefix,
                                            std::uint64_t original_size,
                                            std::string_view original_name) {
  const std::optional<FileKind> kind = formats::SniffHeader(prefix);
  if (!kind) return std::nullopt;
  const bool expected = BabukExpectedKind(*kind, original_name);
  if (StrongMagic(*kind)) {
    if (prefix.size() >= kMagicBytes) return kind;
  } else if (*kind == FileKind::kText) {
    const bool bom = prefix.StartsWith(ByteView::FromString("\xFF\xFE")) ||
                     prefix.StartsWith(ByteView::FromString("\xFE\xFF"));
    if (prefix.size() >= kTextBytes && !bom) return kind;
    if (expected && prefix.size() >= kMagicBytes) return kind;
  } else if (expected && prefix.size() >= kMagicBytes &&
             formats::HeaderPlausible(*kind, prefix, original_size)) {
    return kind;
  }
  return std::nullopt;
}

}  // namespace kintsugi::families
