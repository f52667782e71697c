#include "families/nemucod/nemucod.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"
#include "recover/strategies.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "nemucod",
      .family_id = "nemucod",
      .variants = {"region 2048, key 255", "region 1024, key 36",
                   "region 1024, key 102", "region 1024, key 1024"},
      .strategy = recover::Strategy::kKnownPlaintext,
      .extensions = {".crypted"},
      .needs =
          "one encrypted file and its original (--pair ENC=ORIG), or "
          "the key (--key HEX)",
      .spec = "recovery-schemes.md §3.2",
  };
  return info;
}

// §3.2 intermediate variant: 7-Zip archives, not a XOR scheme.
constexpr std::uint8_t kSevenZipMagic[] = {0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C};

class XorStream final : public recover::StreamDecryption {
 public:
  XorStream(Bytes key, std::uint64_t region, std::uint64_t file_size)
      : key_(std::move(key)), region_(region), file_size_(file_size) {}
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    if (out.size() < in.size()) return InternalError("output too small");
    std::copy(in.begin(), in.end(), out.begin());
    NemucodXor(key_, region_, offset_, out.first(in.size()));
    offset_ += in.size();
    return in.size();
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  // XOR keeps the size (recovery-schemes.md §3.2).
  std::uint64_t MinOutputBytes() const override { return file_size_; }

 private:
  Bytes key_;
  std::uint64_t region_;
  std::uint64_t file_size_;
  std::uint64_t offset_ = 0;
};

std::string Variant(std::uint64_t region, std::size_t key_length) {
  return "region " + std::to_string(region) + ", key " +
         std::to_string(key_length);
}

class NemucodRun final : public recover::DecryptorRun {
 public:
  NemucodRun(std::optional<recover::Key> key, bool forced,
             std::vector<ReportedKey> reported)
      : key_(std::move(key)), forced_(forced), reported_(std::move(reported)) {}

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (recover::EndsWithIgnoreCase(file.name, ".crypted") &&
        file.name.size() > 8) {
      probe.confidence = 60;
      probe.original_name = file.name.substr(0, file.name.size() - 8);
      probe.reason = "Nemucod extension .crypted";
    } else if (forced_) {
      probe.confidence = 20;
      auto stripped = recover::StripLastExtension(file.name);
      probe.original_name = stripped ? *stripped : file.name + ".recovered";
      probe.reason = "--family nemucod";
    } else {
      return probe;
    }
    if (file.head.StartsWith(ByteView(kSevenZipMagic, sizeof kSevenZipMagic))) {
      probe.variant = "7-zip";
    } else if (key_) {
      probe.variant = key_->variant;
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample&,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (probe.variant == "7-zip") {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.detail =
          "this is Nemucod's 7-Zip variant (a password-protected archive), "
          "which the XOR decryptor does not cover";
      return outcome;
    }
    if (!key_) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.detail =
          "Nemucod XORs the start of each file with a key that only a pair "
          "reveals: give one encrypted file and its original with "
          "--pair ENC=ORIG (or the key with --family nemucod --key HEX)";
      return outcome;
    }
    outcome.verdict = KeyVerdict::kFound;
    outcome.key = *key_;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (key.key.empty()) return InvalidArgumentError("empty Nemucod key");
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<XorStream>(key.key, key.region, file_size));
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  std::optional<recover::Key> key_;
  bool forced_;
  std::vector<ReportedKey> reported_;
};

// The key as the user can give it back with --key: one period when its
// length implies the region, else the keystream over the whole region.
Bytes ReusableKey(const recover::RepeatingXorKey& derived) {
  if (NemucodRegionForKeyLength(derived.key.size()) == derived.region) {
    return derived.key;
  }
  Bytes expanded(static_cast<std::size_t>(derived.region));
  for (std::size_t i = 0; i < expanded.size(); ++i) {
    expanded[i] = derived.key[i % derived.key.size()];
  }
  return expanded;
}

class Nemucod final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      FileSystem& fs, const recover::RunInputs& inputs) const override {
    std::optional<recover::Key> key;
    std::vector<ReportedKey> reported;
    if (inputs.key) {
      if (inputs.iv) return InvalidArgumentError("Nemucod has no IV");
      if (inputs.key->empty() || inputs.key->size() > 2048) {
        return InvalidArgumentError("a Nemucod key is 1 to 2048 bytes, got " +
                                    std::to_string(inputs.key->size()));
      }
      const std::uint64_t region =
          NemucodRegionForKeyLength(inputs.key->size());
      key = recover::Key{*inputs.key,
                         {},
                         Variant(region, inputs.key->size()),
                         "--key",
                         region};
    }
    // §3.2 "Key recovery": from each pair; all must agree.
    for (const KnownPlaintextPair& pair : inputs.pairs) {
      const std::string label = "--pair " + pair.encrypted.filename().string() +
                                "=" + pair.original.filename().string();
      KINTSUGI_ASSIGN_OR_RETURN(FileInfo enc_info,
                                fs.Stat(pair.encrypted, true));
      KINTSUGI_ASSIGN_OR_RETURN(FileInfo orig_info,
                                fs.Stat(pair.original, true));
      if (enc_info.size != orig_info.size) {
        return InvalidArgumentError(
            label + ": the files differ in size (" +
            std::to_string(enc_info.size) + " vs " +
            std::to_string(orig_info.size) +
            " bytes); Nemucod keeps the size, so they are not a pair");
      }
      // The scheme touches at most the first 2048 bytes; comparing the
      // head is enough to tell the region and the key.
      KINTSUGI_ASSIGN_OR_RETURN(
          Bytes enc, ReadHead(fs, pair.encrypted, limits::kFileHeadBytes));
      KINTSUGI_ASSIGN_OR_RETURN(
          Bytes orig, ReadHead(fs, pair.original, limits::kFileHeadBytes));
      auto derived = recover::DeriveRepeatingXorKey(enc, orig, kNemucodRegions);
      if (!derived) {
        return Status(derived.error().code(),
                      label + ": " + derived.error().message());
      }
      recover::Key found{derived->key,
                         {},
                         Variant(derived->region, derived->key.size()),
                         label,
                         derived->region};
      if (key) {
        // Agreeing keys may differ in length only by whole periods.
        Bytes a(static_cast<std::size_t>(key->region));
        Bytes b(static_cast<std::size_t>(found.region));
        if (key->region != found.region) {
          return InvalidArgumentError(label + ": gives a different key from " +
                                      key->source);
        }
        NemucodXor(key->key, key->region, 0, a);
        NemucodXor(found.key, found.region, 0, b);
        if (a != b) {
          return InvalidArgumentError(label + ": gives a different key from " +
                                      key->source);
        }
        continue;
      }
      ReportedKey report;
      report.decryptor = "nemucod";
      report.key_hex = ToHex(ReusableKey(*derived));
      report.source = label;
      report.detail = "XOR over the first " + std::to_string(derived->region) +
                      " bytes with a " + std::to_string(derived->key.size()) +
                      "-byte key; reuse it with --family nemucod --key HEX";
      reported.push_back(std::move(report));
      key = std::move(found);
    }
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<NemucodRun>(
        std::move(key), inputs.forced, std::move(reported)));
  }
};

}  // namespace

std::uint64_t NemucodRegionForKeyLength(std::size_t key_length) {
  return (key_length == 255 || key_length > 1024) ? 2048 : 1024;
}

void NemucodXor(ByteView key, std::uint64_t region, std::uint64_t offset,
                std::span<std::uint8_t> data) {
  if (key.empty() || offset >= region) return;
  const std::size_t n = static_cast<std::size_t>(
      std::min<std::uint64_t>(data.size(), region - offset));
  const auto k = key.span();
  std::size_t at = static_cast<std::size_t>(offset % key.size());
  for (std::size_t i = 0; i < n; ++i) {
    data[i] ^= k[at];
    if (++at == k.size()) at = 0;
  }
}

const recover::Decryptor& NemucodDecryptor() {
  static const Nemucod decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
