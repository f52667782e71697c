#include "families/stop_djvu/stop_djvu.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/rsa_oaep.h"
#include "crypto/salsa20.h"
#include "families/stop_djvu/footer.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kId = "stop-djvu";
constexpr std::string_view kVariant = "djvu";

// §3.7 "Recognition": the extensions the spec names (there are 600+; the
// footer marker, not the extension, is what recognises a file).
const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = kId,
      .family_id = "stop-djvu",
      .variants = {kVariant},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {".djvu", ".rumba", ".promos", ".promoz", ".promock",
                     ".promorad", ".gero", ".seto", ".boop", ".stone",
                     ".roland"},
      .needs = MessageId::kDecryptorStopDjvuNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.7",
  };
  return info;
}

// §3.7 "Layout": bytes before the region and after it pass through, the
// region is XORed with the Salsa20 keystream counted from its first byte,
// and the 334-byte footer is dropped.
class StopStream final : public recover::StreamDecryption {
 public:
  StopStream(SecretBytes key, SecretBytes nonce, std::uint64_t file_size)
      : key_(std::move(key)),
        nonce_(std::move(nonce)),
        file_size_(file_size),
        region_(StopRegionFor(file_size)) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    const std::uint64_t start = position_;
    position_ += in.size();
    if (start >= region_.original_size) return std::size_t{0};
    const std::size_t keep = static_cast<std::size_t>(
        std::min<std::uint64_t>(in.size(), region_.original_size - start));
    if (out.size() < keep) return InternalError("output too small");
    std::copy_n(in.begin(), keep, out.begin());
    // The part of [start, start + keep) inside the region.
    const std::uint64_t from = std::max(start, region_.begin);
    const std::uint64_t to = std::min(start + keep, region_.end);
    if (from < to) {
      const auto offset = static_cast<std::size_t>(from - start);
      const auto length = static_cast<std::size_t>(to - from);
      KINTSUGI_ASSIGN_OR_RETURN(ByteView cipher, in.Sub(offset, length));
      KINTSUGI_RETURN_IF_ERROR(crypto::Salsa20Xor(key_.view(), nonce_.view(),
                                                  from - region_.begin, cipher,
                                                  out.subspan(offset, length)));
    }
    return keep;
  }

  // The footer was read to find the key: a file that ends early changed
  // under us.
  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (position_ != file_size_) {
      return CorruptError("the file is not the size it was when probed");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override {
    return region_.original_size;
  }

 private:
  SecretBytes key_;
  SecretBytes nonce_;
  std::uint64_t file_size_;
  StopRegion region_;
  std::uint64_t position_ = 0;
};

// A key to try, parsed once.
struct Candidate {
  crypto::RsaPrivateKey key;
  std::string source;
};

Message IdMessage(MessageId id, const std::string& personal_id) {
  return Message{id, {{"id", personal_id}}};
}

class StopDjvuRun final : public recover::DecryptorRun {
 public:
  StopDjvuRun(std::optional<Candidate> given, recover::KeyLookup lookup,
              bool forced)
      : given_(std::move(given)), lookup_(std::move(lookup)), forced_(forced) {}

  // §3.7 "Layout": 5 plain bytes, at most 150 KiB of ciphertext, the rest
  // of the original plain, then the 334-byte footer.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    if (file.size < kStopFooterBytes) return std::nullopt;
    const std::uint64_t original = file.size - kStopFooterBytes;
    const std::uint64_t encrypted =
        original > kStopPlainHeadBytes
            ? std::min(original - kStopPlainHeadBytes, kStopEncryptedBytes)
            : 0;
    return recover::IntactBytes{original, original - encrypted, false};
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes(Info().extensions);
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    const StopFooterParse parse = ParseStopFooter(file.tail);
    const bool marker = parse.error == StopFooterError::kNone ||
                        parse.error == StopFooterError::kIdDamaged;
    bool known_extension = false;
    for (std::string_view ext : Info().extensions) {
      if (file.name.size() > ext.size() &&
          recover::EndsWithIgnoreCase(file.name, ext)) {
        known_extension = true;
      }
    }
    if (!marker && !known_extension && !forced_) return probe;
    auto stripped = recover::StripLastExtension(file.name);
    probe.original_name = stripped ? *stripped : file.name + ".recovered";
    probe.variant = std::string(kVariant);
    if (marker) {
      // 38 fixed bytes at the very end: decisive (kb-sources
      // file-markers.md).
      probe.confidence = 95;
      probe.reason = Message{MessageId::kRecoverProbeStopDjvuMarker, {}};
    } else {
      // A STOP/Djvu name without the footer: FindKey says the key block is
      // missing rather than leaving the file to no one.
      probe.confidence = 30;
      probe.reason = Message{
          known_extension ? MessageId::kRecoverProbeStopDjvuExtensionNoFooter
                          : MessageId::kRecoverProbeStopDjvuForcedNoFooter,
          {}};
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult&) const override {
    KeyOutcome outcome;
    const StopFooterParse parse = ParseStopFooter(file.tail);
    if (parse.error == StopFooterError::kIdDamaged) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{MessageId::kRecoverStopDjvuIdDamaged, {}};
      return outcome;
    }
    if (parse.error != StopFooterError::kNone) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverStopDjvuNoFooter,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    const StopFooter& footer = parse.footer;
    if (given_ && Open(*given_, footer, outcome)) return outcome;
    std::size_t stored = 0;
    if (lookup_) {
      auto keys = lookup_(kId, footer.personal_id);
      if (!keys) {
        // The store failed to answer: an error, not "no key" (which would
        // tell the victim there is none).
        outcome.verdict = KeyVerdict::kDamaged;
        outcome.message = Message{
            MessageId::kRecoverStopDjvuLookupFailed,
            {{"id", footer.personal_id}, {"error", keys.error().message()}}};
        return outcome;
      }
      stored = keys->size();
      for (const recover::StoredKey& key : *keys) {
        auto parsed = crypto::RsaPrivateKey::Parse(key.key.view());
        if (!parsed) continue;  // Counted as not fitting.
        if (Open(Candidate{*parsed, key.source}, footer, outcome)) {
          return outcome;
        }
      }
    }
    outcome.verdict = KeyVerdict::kNotFound;
    if (stored > 0) {
      outcome.message = Message{MessageId::kRecoverStopDjvuKeysNoFit,
                                {{"id", footer.personal_id},
                                 {"count", static_cast<std::int64_t>(stored)}}};
    } else if (given_) {
      // Never advise passing the key that was passed.
      outcome.message = Message{MessageId::kRecoverGivenKeyNoFit, {}};
    } else {
      outcome.message = NoKeyMessage(footer.personal_id);
    }
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (key.key.size() != crypto::kSalsa20KeyBytes ||
        key.iv.size() != crypto::kSalsa20NonceBytes) {
      return InvalidArgumentError("not a STOP/Djvu Salsa20 key and nonce");
    }
    if (file_size < kStopFooterBytes) {
      return CorruptError("too short for a STOP/Djvu footer");
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<StopStream>(key.key, key.iv, file_size));
  }

 private:
  static Message NoKeyMessage(const std::string& id) {
    const StopOfflineId* known = nullptr;
    switch (ClassifyStopId(id, &known)) {
      case StopIdKind::kKnownOffline:
        return Message{
            MessageId::kRecoverStopDjvuNoKeyKnownOffline,
            {{"id", id}, {"extensions", std::string(known->extensions)}}};
      case StopIdKind::kOfflineLike:
        return IdMessage(MessageId::kRecoverStopDjvuNoKeyOfflineLike, id);
      case StopIdKind::kOnline:
        break;
    }
    return IdMessage(MessageId::kRecoverStopDjvuNoKeyOnline, id);
  }

  // §3.7 "Crypto": OAEP-decrypts the UUID (and, failing that, the
  // byte-reversed block: CryptoAPI writes RSA blocks little-endian, the
  // spec's robustness fallback). The spec leaves open whether the UUID is
  // its 36-character text; the key and nonce are its first 32 and 8 bytes
  // whatever it is, so any plaintext of 32 bytes or more is taken.
  static bool Open(const Candidate& candidate, const StopFooter& footer,
                   KeyOutcome& outcome) {
    Bytes reversed(footer.rsa_block.begin(), footer.rsa_block.end());
    std::reverse(reversed.begin(), reversed.end());
    for (ByteView block : {footer.rsa_block, ByteView(reversed)}) {
      auto uuid = candidate.key.OaepDecrypt(block);
      if (!uuid || uuid->size() < crypto::kSalsa20KeyBytes) continue;
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key =
          SecretBytes(uuid->view().First(crypto::kSalsa20KeyBytes));
      outcome.key.iv =
          SecretBytes(uuid->view().First(crypto::kSalsa20NonceBytes));
      outcome.key.variant = std::string(kVariant);
      outcome.key.source = candidate.source;
      return true;
    }
    return false;
  }

  std::optional<Candidate> given_;
  recover::KeyLookup lookup_;
  bool forced_;
};

class StopDjvu final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const recover::RunInputs& inputs) const override {
    std::optional<Candidate> given;
    if (inputs.key) {
      auto key = crypto::RsaPrivateKey::Parse(inputs.key->view());
      if (!key) {
        return InvalidArgumentError(
            "a STOP/Djvu key is an RSA private key: --key takes the hex of "
            "its DER or PEM bytes");
      }
      if (key->ModulusBytes() != kStopRsaBlockBytes) {
        return InvalidArgumentError(
            "a STOP/Djvu key is an RSA-2048 private key, got RSA-" +
            std::to_string(key->ModulusBytes() * 8));
      }
      given = Candidate{*key, "--key"};
    }
    if (inputs.iv) {
      return InvalidArgumentError("STOP/Djvu takes no --iv");
    }
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<StopDjvuRun>(
        std::move(given), inputs.key_lookup, inputs.forced));
  }
};

}  // namespace

const recover::Decryptor& StopDjvuDecryptor() {
  static const StopDjvu decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
