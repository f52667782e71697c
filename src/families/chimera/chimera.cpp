#include "families/chimera/chimera.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/rsa_key_blob.h"
#include "crypto/rsa_oaep.h"
#include "families/chimera/layout.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kId = "chimera";
constexpr std::string_view kVariant = "chimera";
// §3.6: Chimera appends `.crypt`.
constexpr std::string_view kCryptExtension = ".crypt";
// Probe confidences: the footer's size field fits the file's size and its
// RSA block looks like a ciphertext (a structural check), with or without
// the extension; the extension alone; --family alone.
constexpr int kFooterNamed = 85;
constexpr int kFooter = 75;
constexpr int kNameOnly = 40;
constexpr int kForcedOnly = 20;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = kId,
      .family_id = "chimera",
      .variants = {kVariant},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {kCryptExtension},
      .needs = MessageId::kDecryptorChimeraNeeds,
      .side_files = {},
      .spec = "recovery-schemes-2.md §3.6",
  };
  return info;
}

// A key to try, parsed once, and how reports name it.
struct Candidate {
  crypto::RsaPrivateKey key;
  std::string source;
  std::string fingerprint;  // crypto::RsaModulusFingerprint.
};

// A key as the store or --key gives it: a leak blob (1,155 bytes; its
// modulus's top bit is set, so it never starts like DER's 0x30), else DER
// or PEM. Only RSA-2048 fits a 256-byte block.
Result<Candidate> ParseCandidate(ByteView bytes, std::string source) {
  Result<crypto::RsaPrivateKey> key =
      bytes.size() == crypto::kRsaKeyBlobBytes && bytes.data()[0] != 0x30
          ? crypto::ParseRsaKeyBlob(bytes)
          : crypto::RsaPrivateKey::Parse(bytes);
  if (!key) return key.error();
  if (key->ModulusBytes() != kChimeraRsaBlockBytes) {
    return InvalidArgumentError("not an RSA-2048 key");
  }
  std::string fingerprint = crypto::RsaModulusFingerprint(*key);
  return Candidate{std::move(*key), std::move(source), std::move(fingerprint)};
}

// An original of 0 bytes: nothing was encrypted, so nothing needs the
// cipher (§3.6: the file is the 280-byte footer alone).
class EmptyStream final : public recover::StreamDecryption {
 public:
  explicit EmptyStream(std::uint64_t file_size) : file_size_(file_size) {}
  Result<std::size_t> Update(ByteView in, std::span<std::uint8_t>) override {
    position_ += in.size();
    return std::size_t{0};
  }
  // The footer was read to find the size: a file that ends elsewhere
  // changed under us.
  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (position_ != file_size_) {
      return CorruptError("the file is not the size it was when probed");
    }
    return std::size_t{0};
  }

 private:
  std::uint64_t file_size_;
  std::uint64_t position_ = 0;
};

// A key that fitted files of the run, for ReportedKeys.
struct Fit {
  std::string fingerprint;
  std::string source;
  std::int64_t files = 0;
};

class ChimeraRun final : public recover::DecryptorRun {
 public:
  ChimeraRun(std::optional<Candidate> given, recover::ReleasedKeys released,
             bool forced)
      : given_(std::move(given)),
        released_(std::move(released)),
        forced_(forced) {}

  // §3.6: the ciphertext covers the whole original (rounded up to whole
  // blocks), so nothing is left plain; the size field, when the sample
  // holds a footer that fits, tells the original's size.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    if (file.size < kChimeraFooterBytes) return std::nullopt;
    const auto footer = ParseChimeraFooter(file.size, file.tail);
    return recover::IntactBytes{
        footer ? std::optional<std::uint64_t>(footer->original_size)
               : std::nullopt,
        0, false};
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kCryptExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    // A Chimera file is at least its 280-byte footer: an empty file is
    // reported as an empty file, not as a damaged Chimera one.
    if (file.size == 0) return probe;
    const bool named = file.name.size() > kCryptExtension.size() &&
                       recover::EndsWithIgnoreCase(file.name, kCryptExtension);
    if (FooterOf(file)) {
      probe.confidence = named ? kFooterNamed : kFooter;
      probe.reason = Message{MessageId::kRecoverProbeChimeraFooter, {}};
    } else if (named) {
      probe.confidence = kNameOnly;
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Chimera"}, {"extension", std::string(kCryptExtension)}}};
    } else if (forced_) {
      probe.confidence = kForcedOnly;
      probe.reason =
          Message{MessageId::kRecoverProbeForced, {{"decryptor", "chimera"}}};
    } else {
      return probe;
    }
    probe.variant = std::string(kVariant);
    auto stripped = recover::StripLastExtension(file.name);
    probe.original_name = stripped ? *stripped : file.name + ".recovered";
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    (void)probe;
    KeyOutcome outcome;
    outcome.key.variant = std::string(kVariant);
    const auto footer = FooterOf(file);
    if (!footer) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverChimeraNotFooter,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    if (footer->original_size == 0) {
      // Nothing was encrypted: the output is empty whatever the key.
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.source = "none needed (the original was empty)";
      return outcome;
    }
    std::vector<const Candidate*> candidates;
    if (given_) candidates.push_back(&*given_);
    std::shared_ptr<const std::vector<Candidate>> stored;
    if (released_) {
      auto keys = StoredCandidates();
      if (!keys) {
        // The store failed to answer: an error, not "no key" (which would
        // tell the victim there is none).
        outcome.verdict = KeyVerdict::kDamaged;
        outcome.message = Message{MessageId::kRecoverChimeraLookupFailed,
                                  {{"error", keys.error().message()}}};
        return outcome;
      }
      stored = *keys;
      for (const Candidate& c : *stored) candidates.push_back(&c);
    }
    if (candidates.empty()) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{MessageId::kRecoverChimeraNoKeys, {}};
      return outcome;
    }
    const Candidate* fit = FirstFit(candidates, footer->rsa_block);
    if (fit == nullptr) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverChimeraKeysNoFit,
                  {{"count", static_cast<std::int64_t>(candidates.size())}}};
      return outcome;
    }
    Record(*fit);
    // The key fits; the cipher that would use the file's key is not known
    // (§3.6 "Symmetric cipher: not identified").
    outcome.verdict = KeyVerdict::kUnsupported;
    outcome.message =
        Message{MessageId::kRecoverChimeraKeyFits,
                {{"fingerprint", fit->fingerprint}, {"source", fit->source}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    (void)key;
    // Only an empty original (the footer alone) is ever handed here.
    if (file_size != kChimeraFooterBytes) {
      return UnsupportedError(
          "Chimera's data cipher is not identified yet "
          "(recovery-schemes-2.md §3.6)");
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<EmptyStream>(file_size));
  }

  std::vector<ReportedKey> ReportedKeys() const override {
    std::lock_guard lock(mutex_);
    std::vector<ReportedKey> keys;
    for (const Fit& fit : fits_) {
      // Never the key's bytes: a leaked private key is named by its
      // fingerprint (docs/key-format.md §4).
      keys.push_back(ReportedKey{
          std::string(kId), "", "", fit.source,
          Message{MessageId::kRecoverChimeraKeyReported,
                  {{"fingerprint", fit.fingerprint}, {"files", fit.files}}}});
    }
    return keys;
  }

 private:
  // The footer, when the layout holds and its RSA block looks like one.
  static std::optional<ChimeraFooter> FooterOf(const FileSample& file) {
    auto footer = ParseChimeraFooter(file.size, file.tail);
    if (!footer || !ChimeraBlockLooksRandom(footer->rsa_block)) {
      return std::nullopt;
    }
    return footer;
  }

  // The first candidate whose raw RSA result on `block` holds a 16-byte
  // key; the one that fitted the last file first (a victim's files share
  // one key).
  const Candidate* FirstFit(const std::vector<const Candidate*>& candidates,
                            ByteView block) const {
    const auto fits = [&](const Candidate& candidate) {
      auto raw = candidate.key.RawDecrypt(block);
      return raw.ok() && ChimeraFileKey(raw->view()).has_value();
    };
    const std::size_t last = last_fit_.load(std::memory_order_relaxed);
    if (last < candidates.size() && fits(*candidates[last])) {
      return candidates[last];
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (i == last || !fits(*candidates[i])) continue;
      last_fit_.store(i, std::memory_order_relaxed);
      return candidates[i];
    }
    return nullptr;
  }

  void Record(const Candidate& candidate) const {
    std::lock_guard lock(mutex_);
    for (Fit& fit : fits_) {
      if (fit.fingerprint == candidate.fingerprint &&
          fit.source == candidate.source) {
        ++fit.files;
        return;
      }
    }
    fits_.push_back(Fit{candidate.fingerprint, candidate.source, 1});
  }

  // The store's released Chimera keys, asked and parsed once per run (at
  // most limits::kMaxKeysTriedPerFamily; RunInputs::released_keys bounds
  // them). A stored key that does not parse as an RSA-2048 key is not
  // tried (the import checked it; a store edited since may hold anything).
  // A failure is not kept: the next file asks again.
  Result<std::shared_ptr<const std::vector<Candidate>>> StoredCandidates()
      const {
    std::lock_guard lock(mutex_);
    if (stored_) return stored_;
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<recover::StoredKey> keys,
                              released_(kChimeraKeyFamily));
    auto candidates = std::make_shared<std::vector<Candidate>>();
    for (recover::StoredKey& key : keys) {
      auto candidate = ParseCandidate(key.key.view(), std::move(key.source));
      if (candidate) candidates->push_back(std::move(*candidate));
    }
    stored_ = std::move(candidates);
    return stored_;
  }

  std::optional<Candidate> given_;
  recover::ReleasedKeys released_;
  bool forced_;
  mutable std::atomic<std::size_t> last_fit_{
      std::numeric_limits<std::size_t>::max()};
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<Candidate>> stored_;
  mutable std::vector<Fit> fits_;
};

class Chimera final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const recover::RunInputs& inputs) const override {
    if (inputs.iv) return InvalidArgumentError("Chimera takes no --iv");
    std::optional<Candidate> given;
    if (inputs.key) {
      auto candidate = ParseCandidate(inputs.key->view(), "--key");
      if (!candidate) {
        return InvalidArgumentError(
            "a Chimera key is an RSA-2048 private key: --key takes the hex "
            "of its 1,155-byte leak blob (2,310 digits) or of its DER bytes "
            "or PEM text (" +
            candidate.error().message() + ")");
      }
      given = std::move(*candidate);
    }
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<ChimeraRun>(
        std::move(given), inputs.released_keys, inputs.forced));
  }
};

}  // namespace

const recover::Decryptor& ChimeraDecryptor() {
  static const Chimera decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
