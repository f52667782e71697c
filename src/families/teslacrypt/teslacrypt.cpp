#include "families/teslacrypt/teslacrypt.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "crypto/secp256k1.h"
#include "families/teslacrypt/keys.h"
#include "families/teslacrypt/layout.h"
#include "families/teslacrypt/stream.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

// §3.1 "Recognition": 3.x appends one of these; 4.x keeps the name.
constexpr std::string_view k3xExtensions[] = {".xxx", ".ttt", ".micro", ".mp3"};
// The 3.x extensions a file is taken by without its header (so that a
// damaged one gets a clear error): not .xxx or .mp3, which ordinary files
// have.
constexpr std::string_view kNamedExtensions[] = {".micro", ".ttt"};
// §3.1b: what 0.x-2.x appended (kb/teslacrypt-0-x-2-2-0.yaml), stripped
// from the output's name.
constexpr std::string_view kOldExtensions[] = {
    ".ecc", ".exx", ".ezz", ".xyz", ".zzz", ".aaa", ".abc", ".ccc", ".vvv"};

// Confidence: a header that passes every structural test, a 0.x header
// (only a size, so with its name), a name alone, --family alone.
constexpr int kHeaderConfidence = 85;
constexpr int kOldHeaderConfidence = 80;
constexpr int k0xConfidence = 70;
constexpr int kNameConfidence = 40;
constexpr int kForcedConfidence = 30;

constexpr std::string_view kVariant3 = "3.x";
constexpr std::string_view kVariant4 = "4.x";
constexpr std::string_view kVariant2 = "2.x";
constexpr std::string_view kVariantAlpha = "alphacrypt";
constexpr std::string_view kVariant0 = "0.x";

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "teslacrypt",
      .family_id = "teslacrypt",
      .variants = {kVariant3, kVariant4, kVariant2, kVariantAlpha, kVariant0},
      .strategy = recover::Strategy::kKeyLookup,
      .extensions = {std::begin(k3xExtensions), std::end(k3xExtensions)},
      .needs = MessageId::kCount,
      .side_files = {},
      .spec = "recovery-schemes-2.md §3.1",
  };
  return info;
}

std::optional<std::string_view> EndingOf(
    std::string_view name, std::span<const std::string_view> endings) {
  for (std::string_view ending : endings) {
    if (name.size() > ending.size() &&
        recover::EndsWithIgnoreCase(name, ending)) {
      return ending;
    }
  }
  return std::nullopt;
}

// The original's name: an appended extension of `endings` removed; a name
// without one is kept (4.x keeps names; the output stage never overwrites,
// it adds " (recovered)").
std::string OriginalName(std::string_view name,
                         std::span<const std::string_view> endings) {
  const auto ending = EndingOf(name, endings);
  if (!ending) return std::string(name);
  return std::string(name.substr(0, name.size() - ending->size()));
}

TeslaVersion VersionOf(std::string_view variant) {
  if (variant == kVariant2) return TeslaVersion::k2;
  if (variant == kVariantAlpha) return TeslaVersion::kAlphaCrypt;
  if (variant == kVariant0) return TeslaVersion::k0;
  return TeslaVersion::k3or4;
}

std::size_t HeaderBytesOf(TeslaVersion version) {
  switch (version) {
    case TeslaVersion::k3or4:
      return kTeslaHeaderBytes;
    case TeslaVersion::k2:
      return kTesla2HeaderBytes;
    case TeslaVersion::kAlphaCrypt:
      return kAlphaCryptHeaderBytes;
    case TeslaVersion::k0:
      return kTesla0HeaderBytes;
  }
  return kTeslaHeaderBytes;
}

struct MasterKey {
  SecretBytes key;  // A secp256k1 private key, 32 bytes.
  std::string source;
};

// What the master keys make of one session's header (§3.1 step 2: files
// of one run share it, so it is worked out once).
struct Session {
  bool found = false;
  std::vector<SecretBytes> file_keys;  // Amaster candidates.
  std::string source;
  std::size_t tried = 0;
  bool bad_header = false;  // A point of the header is off the curve.
};

Message BadHeader(const FileSample& file) {
  return Message{MessageId::kRecoverTeslaCryptBadHeader,
                 {{"size", static_cast<std::int64_t>(file.size)}}};
}

class TeslaCryptRun final : public recover::DecryptorRun {
 public:
  TeslaCryptRun(std::optional<SecretBytes> given,
                recover::ReleasedKeys released, bool forced)
      : given_(std::move(given)),
        released_(std::move(released)),
        forced_(forced) {}

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (file.size == 0) return probe;  // Every layout has a header.
    if (auto header = ParseTeslaHeader(file.head)) {
      const TeslaDataFit fit =
          FitTeslaData(header->stored_size, file.size, kTeslaHeaderBytes);
      if (fit.fit == TeslaFit::kWhole ||
          (fit.fit == TeslaFit::kTruncated &&
           InTalosWindow(header->stored_size, file.size))) {
        const bool renamed = EndingOf(file.name, k3xExtensions).has_value();
        probe.confidence = kHeaderConfidence;
        probe.variant = std::string(renamed ? kVariant3 : kVariant4);
        probe.original_name = OriginalName(file.name, k3xExtensions);
        probe.reason = Message{MessageId::kRecoverProbeTeslaCryptHeader,
                               {{"version", probe.variant}}};
        return probe;
      }
    }
    if (auto old = ParseOldTeslaHeader(file.head, file.size, file.name)) {
      probe.confidence = old->version == TeslaVersion::k0
                             ? k0xConfidence
                             : kOldHeaderConfidence;
      probe.variant = std::string(old->version == TeslaVersion::k2 ? kVariant2
                                  : old->version == TeslaVersion::kAlphaCrypt
                                      ? kVariantAlpha
                                      : kVariant0);
      probe.original_name = OriginalName(file.name, kOldExtensions);
      probe.reason = Message{MessageId::kRecoverProbeTeslaCryptHeader,
                             {{"version", probe.variant}}};
      return probe;
    }
    if (auto ending = EndingOf(file.name, kNamedExtensions)) {
      probe.confidence = kNameConfidence;
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "TeslaCrypt 3.x"}, {"extension", std::string(*ending)}}};
    } else if (forced_) {
      probe.confidence = kForcedConfidence;
      probe.reason = Message{MessageId::kRecoverProbeForced,
                             {{"decryptor", "teslacrypt"}}};
    } else {
      return probe;
    }
    probe.variant =
        std::string(EndingOf(file.name, k3xExtensions) ? kVariant3 : kVariant4);
    probe.original_name = OriginalName(file.name, k3xExtensions);
    return probe;
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes(kNamedExtensions);
  }

  // TeslaCrypt encrypts every byte; the header says the original's size.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    recover::IntactBytes intact;
    const TeslaVersion version = VersionOf(probe.variant);
    std::optional<std::uint32_t> stored;
    if (version == TeslaVersion::k3or4) {
      if (auto header = ParseTeslaHeader(file.head)) {
        stored = header->stored_size;
      }
    } else if (auto old =
                   ParseOldTeslaHeader(file.head, file.size, file.name)) {
      stored = old->stored_size;
    }
    if (stored) {
      const TeslaDataFit fit =
          FitTeslaData(*stored, file.size, HeaderBytesOf(version));
      if (fit.fit == TeslaFit::kWhole) intact.original_size = fit.original_size;
    }
    return intact;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    const TeslaVersion version = VersionOf(probe.variant);
    if (version != TeslaVersion::k3or4) return FindOldKey(file, probe);
    KeyOutcome outcome;
    const auto header = ParseTeslaHeader(file.head);
    const TeslaDataFit fit =
        header ? FitTeslaData(header->stored_size, file.size, kTeslaHeaderBytes)
               : TeslaDataFit{};
    if (!header || fit.fit == TeslaFit::kMisfit) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = BadHeader(file);
      return outcome;
    }
    auto masters = Masters();
    if (!masters) {
      // The store failed to answer: an error, not "no key".
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{MessageId::kRecoverTeslaCryptLookupFailed,
                                {{"error", masters.error().message()}}};
      return outcome;
    }
    const std::shared_ptr<const Session> session =
        SessionOf(*header, **masters);
    if (session->bad_header) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = BadHeader(file);
      return outcome;
    }
    if (!session->found) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverTeslaCryptKeysNoFit,
                  {{"count", static_cast<std::int64_t>(session->tried)}}};
      return outcome;
    }
    outcome.key.variant = probe.variant;
    outcome.key.iv = SecretBytes(header->iv);
    outcome.key.source = session->source;
    outcome.key.region = fit.original_size;
    if (fit.fit == TeslaFit::kTruncated) {
      // The master key fits (validator 1); the end, and so validator 2, is
      // missing: the whole blocks there are, never verified.
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = session->file_keys.front();
      outcome.key.truncated = true;
      // The whole blocks there are decrypt; the rest of the recorded size
      // is lost (issue 17: the scan counts the file as recoverable in part).
      const std::uint64_t whole =
          fit.data_bytes / crypto::kAesBlockBytes * crypto::kAesBlockBytes;
      outcome.expected_lost =
          fit.original_size - std::min(whole, fit.original_size);
      outcome.message =
          Message{MessageId::kRecoverKeyFitsTruncated,
                  {{"source", session->source},
                   {"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    // Validator 2 on the last block, from the sample's tail.
    for (const SecretBytes& file_key : session->file_keys) {
      auto padding =
          TeslaLastBlockPadding(file_key.view(), header->iv, file.tail,
                                fit.data_bytes, fit.original_size);
      if (!padding || *padding == TeslaPadding::kInvalid) continue;
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = file_key;
      if (*padding == TeslaPadding::kZeros) {
        outcome.message = Message{MessageId::kRecoverTeslaCryptZeroPadding, {}};
      }
      return outcome;
    }
    outcome.verdict = KeyVerdict::kDamaged;
    outcome.message = Message{MessageId::kRecoverTeslaCryptSessionKeyBad, {}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    const TeslaVersion version = VersionOf(key.variant);
    TeslaStreamLayout layout;
    layout.header_bytes = HeaderBytesOf(version);
    layout.original_size = key.region;
    // §3.1 step 6: 3.x/4.x padding is undocumented (zeros accepted); 2.x
    // files are PKCS#7 (§3.1b, verified), and so are taken the others.
    layout.zero_padding_ok = version == TeslaVersion::k3or4;
    layout.truncated = key.truncated;
    return StartTeslaDecryption(key.key, key.iv.view(), layout, file_size);
  }

 private:
  // §3.1b: 2.x, AlphaCrypt and 0.x. Without --key: what recovery needs.
  // With it: the key, proven where the header can prove it (2.x: Amaster x
  // G is the header's Ypub) and by PKCS#7 padding of the last block.
  KeyOutcome FindOldKey(const FileSample& file,
                        const ProbeResult& probe) const {
    KeyOutcome outcome;
    const auto header = ParseOldTeslaHeader(file.head, file.size, file.name);
    if (!header) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = BadHeader(file);
      return outcome;
    }
    if (!given_) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message =
          header->version == TeslaVersion::k0
              ? Message{MessageId::kRecoverTeslaCryptNeedsKeyFile, {}}
              : Message{MessageId::kRecoverTeslaCryptNeedsFactoring,
                        {{"version", probe.variant}}};
      return outcome;
    }
    const TeslaDataFit fit =
        FitTeslaData(header->stored_size, file.size, header->header_bytes);
    for (SecretBytes& candidate : OldKeyCandidates(*header)) {
      auto padding =
          TeslaLastBlockPadding(candidate.view(), header->iv, file.tail,
                                fit.data_bytes, fit.original_size);
      if (!padding || *padding != TeslaPadding::kPkcs7) continue;
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = std::move(candidate);
      outcome.key.iv = SecretBytes(header->iv);
      outcome.key.variant = probe.variant;
      outcome.key.source = "--key";
      outcome.key.region = fit.original_size;
      return outcome;
    }
    outcome.verdict = KeyVerdict::kNotFound;
    outcome.message = Message{MessageId::kRecoverGivenKeyNoFit, {}};
    return outcome;
  }

  // The AES keys --key may stand for. 2.x: Amaster as a number must give
  // the header's Ypub; the bytes given may be right-aligned (Talos) or
  // have their leading zeros moved to the end (TeslaCrack's lalign_key),
  // and the AES key is either form (§3.1b). Others: the bytes as given.
  std::vector<SecretBytes> OldKeyCandidates(
      const OldTeslaHeader& header) const {
    std::vector<SecretBytes> keys;
    if (header.version != TeslaVersion::k2) {
      keys.push_back(*given_);
      return keys;
    }
    const auto nonzero = [](std::uint8_t b) { return b != 0; };
    std::vector<SecretBytes> numbers = {*given_};
    {
      const std::span<const std::uint8_t> bytes = given_->view().span();
      const auto trailing = static_cast<std::size_t>(
          std::find_if(bytes.rbegin(), bytes.rend(), nonzero) - bytes.rbegin());
      if (trailing > 0 && trailing < bytes.size()) {
        SecretBytes right(*given_);
        const std::span<std::uint8_t> r = right.mutable_span();
        std::rotate(r.begin(), r.end() - static_cast<std::ptrdiff_t>(trailing),
                    r.end());
        numbers.push_back(std::move(right));
      }
    }
    for (const SecretBytes& number : numbers) {
      auto point = crypto::Secp256k1PublicKey(number);
      if (!point || ByteView(*point) != header.ypub) continue;
      keys.push_back(number);
      const std::span<const std::uint8_t> bytes = number.view().span();
      const auto leading = static_cast<std::size_t>(
          std::find_if(bytes.begin(), bytes.end(), nonzero) - bytes.begin());
      if (leading > 0 && leading < bytes.size()) {
        SecretBytes left(number);
        const std::span<std::uint8_t> l = left.mutable_span();
        std::rotate(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(leading),
                    l.end());
        keys.push_back(std::move(left));
      }
      break;
    }
    return keys;
  }

  // --key, then the released keys of family teslacrypt (the key store's,
  // the built-in ones), asked once per run; a key met twice is tried once.
  // A failure is not kept: the next file asks again.
  Result<std::shared_ptr<const std::vector<MasterKey>>> Masters() const {
    std::lock_guard lock(mutex_);
    if (masters_) return masters_;
    auto keys = std::make_shared<std::vector<MasterKey>>();
    if (given_) keys->push_back(MasterKey{*given_, "--key"});
    if (released_) {
      KINTSUGI_ASSIGN_OR_RETURN(std::vector<recover::StoredKey> stored,
                                released_(kTeslaCryptKeyFamily));
      for (recover::StoredKey& key : stored) {
        const bool seen =
            std::any_of(keys->begin(), keys->end(),
                        [&](const MasterKey& k) { return k.key == key.key; });
        if (!seen) {
          keys->push_back(MasterKey{std::move(key.key), std::move(key.source)});
        }
      }
    }
    masters_ = std::move(keys);
    return masters_;
  }

  // §3.1 step 2, "cache by Ypub": keyed by every header field the chain
  // reads (Xpub, wrapped Gpriv, QD, Ypub, wrapped Amaster), which the files
  // of one session share, so that a damaged header never borrows another
  // file's answer.
  std::shared_ptr<const Session> SessionOf(
      const TeslaHeader& header, const std::vector<MasterKey>& masters) const {
    std::string id;
    for (ByteView field :
         {header.xpub, header.encrypted_gpriv, header.victim_public,
          header.ypub, header.encrypted_amaster}) {
      id.append(field.AsChars());
    }
    {
      std::lock_guard lock(mutex_);
      if (auto it = sessions_.find(id); it != sessions_.end()) {
        return it->second;
      }
    }
    auto session = std::make_shared<Session>();
    for (const MasterKey& master : masters) {
      ++session->tried;
      auto victim = UnwrapTeslaVictimKey(master.key, header);
      if (!victim) {
        if (victim.error().code() == StatusCode::kCorrupt) {
          session->bad_header = true;
          break;
        }
        continue;  // A stored key that is no secp256k1 scalar.
      }
      if (!victim->has_value()) continue;
      auto file_keys = UnwrapTeslaSessionKeys(**victim, header);
      if (!file_keys) {
        session->bad_header = true;
        break;
      }
      session->found = true;
      session->file_keys = std::move(*file_keys);
      session->source = master.source;
      break;
    }
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= kTeslaCryptMaxCachedSessions) return session;
    // Another worker may have worked it out meanwhile: the same answer.
    return sessions_.emplace(std::move(id), std::move(session)).first->second;
  }

  std::optional<SecretBytes> given_;
  recover::ReleasedKeys released_;
  bool forced_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const std::vector<MasterKey>> masters_;
  mutable std::map<std::string, std::shared_ptr<const Session>> sessions_;
};

class TeslaCrypt final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const recover::RunInputs& inputs) const override {
    std::optional<SecretBytes> given;
    if (inputs.key) {
      if (inputs.key->size() != crypto::kSecp256k1ScalarBytes) {
        return InvalidArgumentError(
            "a TeslaCrypt key is 32 bytes in hex (a 3.x/4.x master private "
            "key, or an older file's AES key), got " +
            std::to_string(inputs.key->size()) + " bytes");
      }
      given = *inputs.key;
    }
    if (inputs.iv) {
      return InvalidArgumentError(
          "TeslaCrypt takes no --iv: each file's header holds its own");
    }
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<TeslaCryptRun>(std::move(given), inputs.released_keys,
                                        inputs.forced));
  }
};

}  // namespace

const recover::Decryptor& TeslaCryptDecryptor() {
  static const TeslaCrypt decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
