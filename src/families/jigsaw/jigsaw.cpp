#include "families/jigsaw/jigsaw.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "families/cbc_streams.h"
#include "formats/file_validator.h"
#include "kintsugi/limits.h"
#include "kintsugi/message.h"
#include "recover/strategies.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

// §3.1 "Recognition": `.fun` for the original, the others for variants.
const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "jigsaw",
      .family_id = "jigsaw",
      .variants = {"key 1 (OoIsAwwF23c...)", "key 2 (OoIsAwwF32c...)"},
      .strategy = recover::Strategy::kHardCodedKey,
      .extensions = {".fun", ".kkk", ".btc", ".gws", ".J", ".porno",
                     ".payransom", ".encrypted"},
      .needs = MessageId::kCount,  // Nothing: its keys are hard-coded.
      .side_files = {kJigsawFileListName},
      .spec = "recovery-schemes.md §3.1",
  };
  return info;
}

// §3.1 "Recognition": an extension Jigsaw variants append that many other
// families append too (Linux.Encoder §3.4 and some twenty others in the
// KB): by name alone it says little, so a file of a size Jigsaw never
// writes is not taken for a damaged Jigsaw file.
constexpr std::string_view kSharedExtension = ".encrypted";

// The base name of a Windows or POSIX path in EncryptedFileList.txt.
std::string BaseName(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  const std::size_t slash = line.find_last_of("\\/");
  if (slash != std::string_view::npos) line.remove_prefix(slash + 1);
  return recover::AsciiLower(line);
}

class JigsawRun final : public recover::DecryptorRun {
 public:
  JigsawRun(std::vector<recover::CbcKeyCandidate> candidates,
            std::set<std::string> listed, bool forced, bool user_key)
      : candidates_(std::move(candidates)),
        listed_(std::move(listed)),
        forced_(forced),
        user_key_(user_key) {}

  // §3.1 (AES-CBC of the whole file, PKCS#7): every byte of the original is
  // encrypted.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)file;
    (void)probe;
    return recover::IntactBytes{std::nullopt, 0, false};
  }

  // Names listed in its side file take any ending.
  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_ || !listed_.empty()) return std::nullopt;
    return recover::LowerSuffixes(Info().extensions);
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    // §3.1: PKCS#7 padding makes every output at least one block long, so
    // an empty file is not Jigsaw's.
    if (file.size == 0 ||
        !OriginalName(file.name, &probe.original_name, &probe.reason)) {
      return probe;
    }
    probe.confidence = 40;
    if (file.size % crypto::kAesBlockBytes != 0) {
      if (!forced_ && probe.reason == SharedExtensionReason()) return {};
      probe.confidence = 30;
      probe.reason =
          Message{MessageId::kRecoverProbeNotWholeBlocks,
                  {{"reason", std::vector<Message>{std::move(probe.reason)}}}};
      return probe;
    }
    if (auto match = Match(file, probe.original_name)) {
      probe.variant = candidates_[match->index].label;
      probe.confidence = match->header_matched ? 90 : 70;
      probe.reason =
          Message{MessageId::kRecoverProbeValidPadding,
                  {{"reason", std::vector<Message>{std::move(probe.reason)}},
                   {"variant", probe.variant}}};
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    const bool whole_blocks = file.size % crypto::kAesBlockBytes == 0;
    // Ifs, not ternaries: g++ 12 -O2 sees a maybe-uninitialized optional in
    // the ternaries' temporaries (a false positive -Werror makes fatal).
    std::optional<recover::CbcKeyMatch> match;
    if (whole_blocks) match = Match(file, probe.original_name);
    // A key passing only the padding check (a wrong key does, once in 256)
    // yields to one that decrypts the promised header.
    decltype(FitsStart(file, probe.original_name)) fits;
    if (!match || !match->header_matched) {
      fits = FitsStart(file, probe.original_name);
    }
    if (match && (match->header_matched || !fits)) {
      memory_.Remember(match->index);
      Found(candidates_[match->index], outcome);
      if (file.size > kJigsawMaxOriginalBytes + crypto::kAesBlockBytes) {
        outcome.message = Message{MessageId::kRecoverJigsawTooLarge, {}};
      }
      return outcome;
    }
    // No valid padding at the end (or no whole blocks): a key whose first
    // block decrypts to the header the original's name promises fits; the
    // end is missing (issue 16).
    if (fits) {
      Found(candidates_[*fits], outcome);
      outcome.key.truncated = true;
      outcome.message =
          Message{MessageId::kRecoverKeyFitsTruncated,
                  {{"source", candidates_[*fits].label},
                   {"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    if (!whole_blocks) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverJigsawNotWholeBlocks,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    outcome.verdict = KeyVerdict::kNotFound;
    if (user_key_) {
      // Never advise passing the key that was passed.
      outcome.message = Message{MessageId::kRecoverGivenKeyNoFit, {}};
      return outcome;
    }
    outcome.message = Message{MessageId::kRecoverJigsawNoKey, {}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    return StartAesCbcDecryption(key, file_size);
  }

 private:
  static Message ExtensionReason(std::string_view extension) {
    return Message{MessageId::kRecoverProbeExtension,
                   {{"name", "Jigsaw"}, {"extension", std::string(extension)}}};
  }
  static Message SharedExtensionReason() {
    return ExtensionReason(kSharedExtension);
  }

  static void Found(const recover::CbcKeyCandidate& candidate,
                    KeyOutcome& outcome) {
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.key = candidate.key;
    outcome.key.iv = candidate.iv;
    outcome.key.variant = candidate.label;
    outcome.key.source = candidate.label;
  }

  // The candidate whose first block decrypts to a plausible header of a
  // kind the original's name promises; nullopt when none does or the name
  // promises no kind (then nothing tells a fitting key from a wrong one).
  std::optional<std::size_t> FitsStart(const FileSample& file,
                                       const std::string& original_name) const {
    const auto expected =
        formats::ExpectedKinds(Path(original_name).extension().native());
    const auto first = file.head.Sub(0, crypto::kAesBlockBytes);
    if (expected.empty() || !first) return std::nullopt;
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      auto block = crypto::AesCbcDecryptBlocks(
          candidates_[i].key.view(), candidates_[i].iv.view(), *first);
      if (!block) continue;
      for (formats::FileKind kind : expected) {
        if (formats::HeaderPlausible(kind, *block)) return i;
      }
    }
    return std::nullopt;
  }

  // The name of the original, if `name` looks like a Jigsaw output: a name
  // listed in EncryptedFileList.txt plus an appended extension, a name with
  // a known appended extension, or (with --family) any extension.
  bool OriginalName(const std::string& name, std::string* original,
                    Message* reason) const {
    const std::string lower = recover::AsciiLower(name);
    for (const std::string& listed : listed_) {
      if (lower.size() > listed.size() + 1 &&
          lower.compare(0, listed.size(), listed) == 0 &&
          lower[listed.size()] == '.') {
        *original = name.substr(0, listed.size());
        *reason = Message{MessageId::kRecoverProbeListed,
                          {{"list", std::string(kJigsawFileListName)}}};
        return true;
      }
    }
    for (std::string_view ext : Info().extensions) {
      if (name.size() > ext.size() && recover::EndsWithIgnoreCase(name, ext)) {
        *original = name.substr(0, name.size() - ext.size());
        *reason = ExtensionReason(ext);
        return true;
      }
    }
    if (!forced_) return false;
    auto stripped = recover::StripLastExtension(name);
    *original = stripped ? *stripped : name + ".recovered";
    *reason =
        Message{MessageId::kRecoverProbeForced, {{"decryptor", "jigsaw"}}};
    return true;
  }

  std::optional<recover::CbcKeyMatch> Match(
      const FileSample& file, const std::string& original_name) const {
    const auto expected =
        formats::ExpectedKinds(Path(original_name).extension().native());
    return recover::FindCbcKey(candidates_, file, expected, memory_.first());
  }

  std::vector<recover::CbcKeyCandidate> candidates_;
  // The key that won the last file, tried first on the next.
  mutable recover::CbcKeyMemory memory_;
  std::set<std::string> listed_;
  bool forced_;
  bool user_key_;  // --key given: the first candidate.
};

class Jigsaw final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    std::vector<recover::CbcKeyCandidate> candidates;
    const SecretBytes iv = *SecretBytes::FromHex(kJigsawIvHex);
    if (inputs.key) {
      if (inputs.key->size() != 16 && inputs.key->size() != 24 &&
          inputs.key->size() != 32) {
        return InvalidArgumentError(
            "a Jigsaw key is 16 bytes (32 hex digits), got " +
            std::to_string(inputs.key->size()));
      }
      if (inputs.iv && inputs.iv->size() != 16) {
        return InvalidArgumentError("a Jigsaw IV is 16 bytes (32 hex digits)");
      }
      candidates.push_back({*inputs.key, inputs.iv ? *inputs.iv : iv, "--key"});
    }
    candidates.push_back(
        {*SecretBytes::FromHex(kJigsawKey1Hex), iv, "hard-coded key 1"});
    candidates.push_back(
        {*SecretBytes::FromHex(kJigsawKey2Hex), iv, "hard-coded key 2"});
    // §3.1: EncryptedFileList.txt lists the originals, one path a line.
    std::set<std::string> listed;
    for (const Path& side : inputs.side_files) {
      auto text = ReadWholeFile(fs, side, limits::kMaxSideFileBytes);
      if (!text) continue;  // A side file is a hint; the run goes on.
      std::string_view rest = ByteView(*text).AsChars();
      while (!rest.empty()) {
        const std::size_t newline = rest.find('\n');
        std::string base = BaseName(rest.substr(0, newline));
        if (!base.empty()) listed.insert(std::move(base));
        if (newline == std::string_view::npos) break;
        rest.remove_prefix(newline + 1);
      }
    }
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<JigsawRun>(std::move(candidates), std::move(listed),
                                    inputs.forced, inputs.key.has_value()));
  }
};

}  // namespace

const recover::Decryptor& JigsawDecryptor() {
  static const Jigsaw decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
