// The Babuk Windows decryptor (recovery-schemes-2.md §3.3): the 68-byte
// footer names the file's X25519 public key and a CRC of the key material,
// so each candidate key is proved or refused by the CRC before any data is
// decrypted. A file encrypted more than once carries a footer per layer:
// each layer whose footer the sample shows is matched the same way, and
// the stream removes every layer at once (all of them XOR at the same
// offsets, their footers only ever cut from the end).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "families/babuk/babuk.h"
#include "families/babuk/candidates.h"
#include "families/babuk/stream.h"
#include "families/babuk/windows_cipher.h"
#include "families/babuk/windows_layout.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kId = "babuk-windows";
// §3.3 "Recognition": `.babyk`; `.babuk` and `.doydo` in Avast-era builds.
// The last two are Windows builds' only: a file so named without the
// marker is a Windows file that lost its footer.
constexpr std::string_view kBabykExtension = ".babyk";
constexpr std::string_view kWindowsOnlyExtensions[] = {".babuk", ".doydo"};

const recover::DecryptorInfo& WindowsInfo() {
  static const recover::DecryptorInfo info{
      .id = kId,
      .family_id = "babuk",
      .variants = {"windows"},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {kBabykExtension, kWindowsOnlyExtensions[0],
                     kWindowsOnlyExtensions[1]},
      .needs = MessageId::kDecryptorBabukNeeds,
      .side_files = {},
      .spec = "recovery-schemes-2.md §3.3",
  };
  return info;
}

bool HasBabukExtension(std::string_view name) {
  for (std::string_view ext : WindowsInfo().extensions) {
    if (name.size() > ext.size() && recover::EndsWithIgnoreCase(name, ext)) {
      return true;
    }
  }
  return false;
}

// What the sample shows of the file's end: the whole file when the head
// holds it, else the tail; `start` is the file offset of its first byte.
struct Window {
  ByteView bytes;
  std::uint64_t start = 0;
};

Window EndWindow(const FileSample& file) {
  if (file.size <= file.head.size()) return {file.head, 0};
  return {file.tail, file.size - file.tail.size()};
}

// The layers whose markers the sample shows as it is, without any key
// (every inner marker lies where the outer layers left the bytes plain,
// except in originals of a few bytes; FindKey decrypts and sees those).
std::size_t VisibleLayers(const FileSample& file) {
  const Window window = EndWindow(file);
  std::size_t layers = 0;
  for (std::uint64_t size = file.size;
       size >= window.start + kBabukWindowsFooterBytes &&
       EndsWithBabukWindowsMarker(
           window.bytes.First(static_cast<std::size_t>(size - window.start)));
       size -= kBabukWindowsFooterBytes) {
    ++layers;
  }
  return layers;
}

// The original's name: one Babuk extension stripped per layer (else, for
// the outer layer, the last extension, as the NAS decryptor does).
std::string OriginalName(std::string_view name, std::size_t layers) {
  std::string original(name);
  for (std::size_t i = 0; i < std::max<std::size_t>(layers, 1); ++i) {
    auto stripped = recover::StripLastExtension(original);
    if (stripped && HasBabukExtension(original)) {
      original = std::move(*stripped);
    } else if (i == 0) {
      return stripped ? std::move(*stripped) : original + ".recovered";
    } else {
      break;
    }
  }
  return original;
}

// The sizes of the originals of `layers` layers of a file of `file_size`
// bytes, outermost first.
std::vector<std::uint64_t> LayerSizes(std::uint64_t file_size,
                                      std::size_t layers) {
  std::vector<std::uint64_t> sizes;
  for (std::size_t i = 1; i <= layers; ++i) {
    sizes.push_back(file_size - i * kBabukWindowsFooterBytes);
  }
  return sizes;
}

Message PatternOf(BabukWindowsRule rule) {
  switch (rule) {
    case BabukWindowsRule::kFirstTenth:
      return Message{MessageId::kRecoverBabukWindowsFirstTenth, {}};
    case BabukWindowsRule::kThreeBlocks:
      return Message{MessageId::kRecoverBabukWindowsThreeBlocks, {}};
    case BabukWindowsRule::kEveryTenMiB:
      return Message{MessageId::kRecoverBabukWindowsEveryTenMib, {}};
    case BabukWindowsRule::kEmpty:
    case BabukWindowsRule::kWhole:
      break;
  }
  return Message{MessageId::kRecoverBabukWindowsWhole, {}};
}

// Every layer's bytes through its cipher, the footers dropped.
class WindowsStream final : public BabukFooterStream {
 public:
  WindowsStream(std::vector<BabukWindowsLayer> layers,
                std::uint64_t original_size, std::uint64_t file_size)
      : BabukFooterStream(original_size, file_size),
        layers_(std::move(layers)) {}

 private:
  Status Transform(std::uint64_t start, ByteView in,
                   std::span<std::uint8_t> out) override {
    std::copy(in.begin(), in.end(), out.begin());
    for (BabukWindowsLayer& layer : layers_) {
      KINTSUGI_RETURN_IF_ERROR(layer.Apply(start, out));
    }
    return Status::Ok();
  }

  std::vector<BabukWindowsLayer> layers_;
};

class WindowsRun final : public recover::DecryptorRun {
 public:
  WindowsRun(std::optional<BabukCandidate> given,
             recover::ReleasedKeys released, bool forced)
      : candidates_(std::move(given), std::move(released)), forced_(forced) {}

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    const std::size_t layers = VisibleLayers(file);
    if (layers > 0) {
      // 32 fixed bytes at the very end (the KB's marker-windows-footer).
      probe.confidence = 90;
      probe.reason = Message{MessageId::kRecoverProbeBabukWindowsMarker, {}};
    } else if (auto ext = WindowsOnlyExtension(file.name)) {
      // Told by its name: FindKey says the footer is missing.
      probe.confidence = 40;
      probe.reason = Message{MessageId::kRecoverProbeExtension,
                             {{"name", "Babuk"}, {"extension", *ext}}};
    } else if (forced_) {
      probe.confidence = 20;
      probe.reason = Message{MessageId::kRecoverProbeForced,
                             {{"decryptor", std::string(kId)}}};
    } else {
      return probe;
    }
    probe.variant = "windows";
    probe.original_name = OriginalName(file.name, layers);
    return probe;
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes(kWindowsOnlyExtensions);
  }

  // §3.3's regions of every layer the sample shows (one when it shows
  // none), the footers after.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    const std::size_t layers = std::max<std::size_t>(VisibleLayers(file), 1);
    if (file.size < layers * kBabukWindowsFooterBytes) return std::nullopt;
    const std::vector<std::uint64_t> sizes = LayerSizes(file.size, layers);
    const std::uint64_t original = sizes.back();
    return recover::IntactBytes{
        original, original - BabukWindowsEncryptedBytes(sizes, original),
        false};
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override;

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override;

 private:
  static std::optional<std::string> WindowsOnlyExtension(
      std::string_view name) {
    for (std::string_view ext : kWindowsOnlyExtensions) {
      if (name.size() > ext.size() && recover::EndsWithIgnoreCase(name, ext)) {
        return std::string(ext);
      }
    }
    return std::nullopt;
  }

  BabukCandidates candidates_;
  bool forced_;
};

KeyOutcome WindowsRun::FindKey(const FileSample& file,
                               const ProbeResult& probe) const {
  (void)probe;
  KeyOutcome outcome;
  outcome.key.variant = "windows";
  const Window window = EndWindow(file);
  // Decrypted layer by layer, to show each inner footer as it is.
  Bytes shown = window.bytes.ToBytes();
  SecretBytes key_material;  // 64 bytes per layer, outermost first.
  std::vector<std::uint64_t> sizes;
  std::vector<std::string> sources;
  std::shared_ptr<const std::vector<BabukCandidate>> candidates;
  for (std::uint64_t size = file.size;;) {
    const std::size_t layer = sizes.size() + 1;
    const ByteView end = ByteView(shown).First(
        size >= window.start ? static_cast<std::size_t>(size - window.start)
                             : 0);
    const std::optional<BabukWindowsFooter> footer =
        ParseBabukWindowsFooter(end);
    if (!footer) {
      if (layer == 1) {
        outcome.verdict = KeyVerdict::kDamaged;
        outcome.message =
            Message{MessageId::kRecoverBabukWindowsNoFooter,
                    {{"size", static_cast<std::int64_t>(file.size)}}};
        return outcome;
      }
      // A marker whose footer the sample does not hold whole: a layer
      // beyond what can be matched here.
      if (EndsWithBabukWindowsMarker(end) && size >= kBabukWindowsFooterBytes) {
        outcome.verdict = KeyVerdict::kDamaged;
        outcome.message =
            Message{MessageId::kRecoverBabukWindowsTooManyLayers,
                    {{"layers", static_cast<std::int64_t>(sizes.size())}}};
        return outcome;
      }
      break;  // The original itself.
    }
    const std::uint64_t original = size - kBabukWindowsFooterBytes;
    const std::string public_hex = ToHex(footer->public_key);
    std::optional<SecretBytes> km;
    if (original == 0) {
      // An empty original: nothing was encrypted, whatever the key (the
      // layer's key material is never used), so none is looked for.
      km = SecretBytes(kBabukWindowsKeyMaterialBytes);
    } else {
      if (!candidates) {
        auto all = candidates_.All();
        if (!all) {
          // The store failed to answer: an error, not "no key".
          outcome.verdict = KeyVerdict::kDamaged;
          outcome.message = Message{MessageId::kRecoverBabukLookupFailed,
                                    {{"error", all.error().message()}}};
          return outcome;
        }
        candidates = *all;
      }
      for (const BabukCandidate& candidate : *candidates) {
        auto derived =
            DeriveBabukWindowsKeyMaterial(candidate.key, footer->public_key);
        if (!derived) {
          if (derived.error().code() == StatusCode::kCorrupt) {
            // A low-order point: no key at all fits it.
            outcome.verdict = KeyVerdict::kDamaged;
            outcome.message = Message{MessageId::kRecoverBabukBadPublicKey,
                                      {{"public_key", public_hex}}};
            return outcome;
          }
          continue;  // A stored key of the wrong size: counted as tried.
        }
        if (BabukWindowsCrc(derived->view()) == footer->crc) {
          km = std::move(*derived);
          if (std::find(sources.begin(), sources.end(), candidate.source) ==
              sources.end()) {
            sources.push_back(candidate.source);
          }
          break;
        }
      }
    }
    if (!km) {
      outcome.verdict = KeyVerdict::kNotFound;
      const auto count = static_cast<std::int64_t>(candidates->size());
      if (candidates->empty()) {
        outcome.message = Message{MessageId::kRecoverBabukNoKeys,
                                  {{"public_key", public_hex}}};
      } else if (layer == 1) {
        outcome.message =
            Message{MessageId::kRecoverBabukWindowsKeysNoFit,
                    {{"count", count}, {"public_key", public_hex}}};
      } else {
        outcome.message =
            Message{MessageId::kRecoverBabukWindowsInnerNoFit,
                    {{"count", count},
                     {"public_key", public_hex},
                     {"layer", static_cast<std::int64_t>(layer)}}};
      }
      return outcome;
    }
    // This layer's plaintext of what the sample shows, for the next footer.
    if (original > window.start) {
      const auto shown_size = static_cast<std::size_t>(original - window.start);
      auto cipher = BabukWindowsLayer::Create(*km, original);
      const Status applied =
          cipher
              ? cipher->Apply(window.start, std::span(shown).first(shown_size))
              : cipher.status();
      if (!applied.ok()) {
        outcome.verdict = KeyVerdict::kDamaged;
        outcome.detail = applied.message();
        return outcome;
      }
    }
    const std::size_t had = key_material.size();
    key_material.Resize(had + kBabukWindowsKeyMaterialBytes);
    std::copy(
        km->view().begin(), km->view().end(),
        key_material.mutable_span().begin() + static_cast<std::ptrdiff_t>(had));
    sizes.push_back(original);
    size = original;
    if (original < kBabukWindowsFooterBytes) break;
  }
  outcome.verdict = KeyVerdict::kFound;
  outcome.key.key = std::move(key_material);
  outcome.key.region = sizes.size();
  outcome.key.source = sources.empty() ? "none needed (the original was empty)"
                                       : sources.front();
  for (std::size_t i = 1; i < sources.size(); ++i) {
    outcome.key.source += ", " + sources[i];
  }
  const std::uint64_t original = sizes.back();
  if (original > 0) {
    outcome.found = Message{
        MessageId::kRecoverBabukWindowsKey,
        {{"layers", static_cast<std::int64_t>(sizes.size())},
         {"encrypted", static_cast<std::int64_t>(
                           BabukWindowsEncryptedBytes(sizes, original))},
         {"size", static_cast<std::int64_t>(original)},
         {"pattern",
          std::vector<Message>{PatternOf(BabukWindowsRuleFor(original))}}}};
  }
  return outcome;
}

Result<std::unique_ptr<recover::StreamDecryption>> WindowsRun::StartDecryption(
    const recover::Key& key, std::uint64_t file_size) const {
  // Key::region is the number of layers, Key::key their key material.
  const std::uint64_t layers = key.region;
  if (layers == 0 || key.key.size() != layers * kBabukWindowsKeyMaterialBytes) {
    return InvalidArgumentError("not a Babuk Windows key");
  }
  if (file_size / kBabukWindowsFooterBytes < layers) {
    return CorruptError("too short for its Babuk Windows footers");
  }
  std::vector<BabukWindowsLayer> ciphers;
  const std::vector<std::uint64_t> sizes =
      LayerSizes(file_size, static_cast<std::size_t>(layers));
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    KINTSUGI_ASSIGN_OR_RETURN(
        ByteView km, key.key.view().Sub(i * kBabukWindowsKeyMaterialBytes,
                                        kBabukWindowsKeyMaterialBytes));
    KINTSUGI_ASSIGN_OR_RETURN(
        BabukWindowsLayer layer,
        BabukWindowsLayer::Create(SecretBytes(km), sizes[i]));
    ciphers.push_back(std::move(layer));
  }
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<WindowsStream>(std::move(ciphers), sizes.back(),
                                      file_size));
}

class BabukWindows final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return WindowsInfo(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const recover::RunInputs& inputs) const override {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<BabukCandidate> given,
                              BabukGivenKey(inputs));
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<WindowsRun>(
        std::move(given), inputs.released_keys, inputs.forced));
  }
};

}  // namespace

const recover::Decryptor& BabukWindowsDecryptor() {
  static const BabukWindows decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
