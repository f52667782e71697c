#include "families/babuk/babuk.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "families/babuk/candidates.h"
#include "families/babuk/cipher.h"
#include "families/babuk/layout.h"
#include "families/babuk/stream.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

// §3.8 "Recognition": `.babyk`; `.babuk` and `.doydo` are Windows builds'.
constexpr std::string_view kBabykExtension = ".babyk";

const recover::DecryptorInfo& NasInfo() {
  static const recover::DecryptorInfo info{
      .id = "babuk-nas",
      .family_id = "babuk",
      .variants = {"nas"},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {kBabykExtension},
      .needs = MessageId::kDecryptorBabukNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.8",
  };
  return info;
}

const recover::DecryptorInfo& EsxiInfo() {
  static const recover::DecryptorInfo info{
      .id = "babuk-esxi",
      .family_id = "babuk",
      .variants = {"esxi"},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {kBabykExtension},
      .needs = MessageId::kDecryptorBabukNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.8",
  };
  return info;
}

std::string_view VariantOf(BabukBuild build) {
  return build == BabukBuild::kNas ? "nas" : "esxi";
}

// The original's bytes through the cipher, then the footer dropped.
class BabukStream final : public BabukFooterStream {
 public:
  BabukStream(std::optional<BabukCipher> cipher, std::uint64_t original_size,
              std::uint64_t file_size)
      : BabukFooterStream(original_size, file_size),
        cipher_(std::move(cipher)) {}

 private:
  Status Transform(std::uint64_t start, ByteView in,
                   std::span<std::uint8_t> out) override {
    if (!cipher_) return InternalError("no Babuk key for a non-empty file");
    return cipher_->Apply(original_size(), start, in, out);
  }

  std::optional<BabukCipher> cipher_;  // None for an empty original.
};

class BabukRun final : public recover::DecryptorRun {
 public:
  BabukRun(BabukBuild build, std::optional<BabukCandidate> given,
           recover::ReleasedKeys released, bool forced)
      : build_(build),
        candidates_(std::move(given), std::move(released)),
        forced_(forced) {}

  // §3.8: the spans the build's region rule encrypts, the footer after.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    const std::uint64_t footer = BabukFooterBytes(build_);
    if (file.size < footer) return std::nullopt;
    const std::uint64_t original = file.size - footer;
    std::uint64_t encrypted = 0;
    for (auto span = BabukSpanFrom(build_, original, 0); span;
         span = BabukSpanFrom(build_, original, span->end)) {
      encrypted += span->end - span->begin;
    }
    return recover::IntactBytes{original, original - encrypted, false};
  }

  ProbeResult Probe(const FileSample& file) const override {
    return build_ == BabukBuild::kNas ? ProbeNas(file) : ProbeEsxi(file);
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    // NAS files are told by their footer alone; ESXi files by the name.
    if (build_ == BabukBuild::kNas) return std::vector<std::string>{};
    return recover::LowerSuffixes({kBabykExtension});
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    const BabukFooterParse parse = ParseBabukFooter(build_, file.tail);
    if (parse.error != BabukFooterError::kNone ||
        file.size < BabukFooterBytes(build_)) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{
          build_ == BabukBuild::kNas ? MessageId::kRecoverBabukNoFooter
                                     : MessageId::kRecoverBabukEsxiTooShort,
          {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    const std::uint64_t original_size = file.size - BabukFooterBytes(build_);
    const std::string public_hex = ToHex(parse.public_key);
    outcome.key.variant = std::string(VariantOf(build_));
    if (original_size == 0) {
      // Nothing was encrypted: the output is empty whatever the key.
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.source = "none needed (the original was empty)";
      return outcome;
    }
    auto all = candidates_.All();
    if (!all) {
      // The store failed to answer: an error, not "no key" (which would
      // tell the victim there is none).
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{MessageId::kRecoverBabukLookupFailed,
                                {{"error", all.error().message()}}};
      return outcome;
    }
    const std::vector<BabukCandidate>& candidates = **all;
    if (candidates.empty()) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverBabukNoKeys, {{"public_key", public_hex}}};
      return outcome;
    }
    // The encrypted start of the original, as far as the sample reaches.
    const ByteView prefix = file.head.First(static_cast<std::size_t>(
        std::min<std::uint64_t>(file.head.size(), original_size)));
    // The first key whose plaintext is a recognised type the name expects
    // wins; failing that, the first whose plaintext is recognised at all.
    std::optional<BabukFileKey> chosen;
    const BabukCandidate* chosen_from = nullptr;
    bool chosen_expected = false;
    for (const BabukCandidate& candidate : candidates) {
      auto file_key =
          DeriveBabukFileKey(build_, candidate.key, parse.public_key);
      if (!file_key) {
        if (file_key.error().code() == StatusCode::kCorrupt) {
          // A low-order point: no key at all fits it.
          outcome.verdict = KeyVerdict::kDamaged;
          outcome.message = Message{MessageId::kRecoverBabukBadPublicKey,
                                    {{"public_key", public_hex}}};
          return outcome;
        }
        continue;  // A stored key of the wrong size: counted as tried.
      }
      auto cipher = BabukCipher::Create(build_, *file_key);
      if (!cipher) continue;
      Bytes plain(prefix.size());
      if (!cipher->Apply(original_size, 0, prefix, plain).ok()) continue;
      const auto kind =
          BabukRecognisedKind(plain, original_size, probe.original_name);
      if (!kind) continue;
      const bool expected = BabukExpectedKind(*kind, probe.original_name);
      if (!chosen || (expected && !chosen_expected)) {
        chosen = std::move(*file_key);
        chosen_from = &candidate;
        chosen_expected = expected;
      }
      if (chosen_expected) break;
    }
    if (!chosen) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverBabukKeysNoFit,
                  {{"count", static_cast<std::int64_t>(candidates.size())},
                   {"public_key", public_hex}}};
      return outcome;
    }
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.key = std::move(chosen->key);
    outcome.key.iv = std::move(chosen->nonce);
    outcome.key.source = chosen_from->source;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    const std::size_t footer = BabukFooterBytes(build_);
    if (file_size < footer) {
      return CorruptError("too short for a Babuk footer");
    }
    const std::uint64_t original_size = file_size - footer;
    std::optional<BabukCipher> cipher;
    if (original_size > 0) {
      KINTSUGI_ASSIGN_OR_RETURN(
          BabukCipher made,
          BabukCipher::Create(build_, BabukFileKey{key.key, key.iv}));
      cipher.emplace(std::move(made));
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<BabukStream>(std::move(cipher), original_size,
                                      file_size));
  }

 private:
  static std::string OriginalName(const FileSample& file) {
    auto stripped = recover::StripLastExtension(file.name);
    return stripped ? *stripped : file.name + ".recovered";
  }

  ProbeResult ProbeNas(const FileSample& file) const {
    ProbeResult probe;
    const BabukFooterParse parse =
        ParseBabukFooter(BabukBuild::kNas, file.tail);
    if (parse.error == BabukFooterError::kNone) {
      // Six fixed bytes at the very end (the KB's marker-nas-footer).
      probe.confidence = 90;
      probe.reason = Message{MessageId::kRecoverProbeBabukNasMarker, {}};
    } else if (forced_) {
      // Told it is NAS: FindKey says the footer is missing.
      probe.confidence = 20;
      probe.reason =
          Message{MessageId::kRecoverProbeBabukNasForcedNoMarker, {}};
    } else {
      return probe;
    }
    probe.variant = "nas";
    probe.original_name = OriginalName(file);
    return probe;
  }

  // An ESXi file ends with a bare public key: nothing marks it. It is taken
  // by its extension, or because the user said so (--family), unless it
  // ends like a NAS or Windows Babuk file.
  ProbeResult ProbeEsxi(const FileSample& file) const {
    ProbeResult probe;
    if (file.tail.EndsWith(ByteView::FromString(kBabukNasMarker)) ||
        file.tail.EndsWith(ByteView::FromString(kBabukWindowsMarker))) {
      return probe;
    }
    const bool named = file.name.size() > kBabykExtension.size() &&
                       recover::EndsWithIgnoreCase(file.name, kBabykExtension);
    if (named) {
      probe.confidence = 40;
      probe.reason = Message{MessageId::kRecoverProbeBabukEsxiExtension, {}};
    } else if (forced_) {
      probe.confidence = 30;
      probe.reason = Message{MessageId::kRecoverProbeBabukEsxiForced, {}};
    } else {
      return probe;
    }
    probe.variant = "esxi";
    probe.original_name = OriginalName(file);
    return probe;
  }

  BabukBuild build_;
  BabukCandidates candidates_;
  bool forced_;
};

class Babuk final : public recover::Decryptor {
 public:
  explicit Babuk(BabukBuild build) : build_(build) {}

  const recover::DecryptorInfo& info() const override {
    return build_ == BabukBuild::kNas ? NasInfo() : EsxiInfo();
  }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const recover::RunInputs& inputs) const override {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<BabukCandidate> given,
                              BabukGivenKey(inputs));
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<BabukRun>(
        build_, std::move(given), inputs.released_keys, inputs.forced));
  }

 private:
  BabukBuild build_;
};

}  // namespace

const recover::Decryptor& BabukNasDecryptor() {
  static const Babuk decryptor(BabukBuild::kNas);
  return decryptor;
}

const recover::Decryptor& BabukEsxiDecryptor() {
  static const Babuk decryptor(BabukBuild::kEsxi);
  return decryptor;
}

}  // namespace kintsugi::families
