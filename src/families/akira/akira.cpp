#include "families/akira/akira.h"

#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "families/akira/file_search.h"
#include "families/akira/layout.h"
#include "families/akira/window.h"
#include "kintsugi/message.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kExtension = ".akira";
constexpr std::uint64_t kOlderFooterBytes = 534;
constexpr std::string_view kV3 = "v3-linux";
constexpr std::string_view kOlder = "v1-v2";

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "akira",
      .family_id = "akira",
      .variants = {kV3},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {kExtension},
      .needs = MessageId::kDecryptorAkiraNeeds,
      .side_files = {},
      .spec = "recovery-schemes-3.md §3.9",
  };
  return info;
}

std::uint64_t LoadLe64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The original's name: `.akira` taken off, or under --family any last
// extension.
std::optional<std::string> OriginalName(const std::string& name, bool forced) {
  if (name.size() > kExtension.size() &&
      recover::EndsWithIgnoreCase(name, kExtension)) {
    return name.substr(0, name.size() - kExtension.size());
  }
  if (!forced) return std::nullopt;
  return recover::StripLastExtension(name);
}

class AkiraRun final : public recover::DecryptorRun {
 public:
  AkiraRun(bool forced, unsigned percent,
           std::map<std::string, akira::FileSearchResult> results)
      : forced_(forced), percent_(percent), results_(std::move(results)) {}

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    auto original = OriginalName(file.name, forced_);
    if (!original || file.size <= akira::kTrailerBytes) return probe;
    probe.original_name = *original;
    probe.confidence = 40;
    probe.variant = std::string(kV3);
    if (forced_) {
      probe.reason =
          Message{MessageId::kRecoverProbeForced, {{"decryptor", "akira"}}};
    } else {
      probe.reason =
          Message{MessageId::kRecoverProbeExtension,
                  {{"name", "Akira"}, {"extension", std::string(kExtension)}}};
    }
    if (akira::HasOlderFooter(file.tail, file.size)) {
      probe.variant = std::string(kOlder);
      probe.confidence = 60;
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (probe.variant == kOlder) {
      outcome.verdict = KeyVerdict::kUnsupported;
      outcome.message = Message{MessageId::kRecoverAkiraOlderBuild, {}};
      return outcome;
    }
    const auto it = results_.find(file.path.string());
    if (it == results_.end()) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message = Message{MessageId::kRecoverAkiraSearchNeeded, {}};
      return outcome;
    }
    outcome = it->second.outcome;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (file_size < akira::kTrailerBytes) {
      return CorruptError("an Akira file holds at least its 512-byte trailer");
    }
    KINTSUGI_ASSIGN_OR_RETURN(akira::FileKeys keys, akira::UnpackKey(key));
    const auto layout =
        akira::Layout::Make(file_size - akira::kTrailerBytes, percent_);
    if (!layout) {
      return UnsupportedError("akira: encryption percent " +
                              std::to_string(percent_) + " is not supported");
    }
    return akira::StartDecryption(keys, *layout);
  }

  // §3.9: the parts the percent leaves unencrypted are the original's.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    if (probe.variant == kOlder || file.size <= akira::kTrailerBytes) {
      return std::nullopt;
    }
    const std::uint64_t size = file.size - akira::kTrailerBytes;
    const auto layout = akira::Layout::Make(size, percent_);
    if (!layout) return std::nullopt;
    return recover::IntactBytes{size, size - layout->EncryptedBytes(), false};
  }

  std::vector<ReportedKey> ReportedKeys() const override {
    std::vector<ReportedKey> keys;
    for (const auto& [path, result] : results_) {
      if (result.reported) keys.push_back(*result.reported);
    }
    return keys;
  }

 private:
  bool forced_;
  unsigned percent_;
  std::map<std::string, akira::FileSearchResult> results_;
};

Result<unsigned> ParsePercent(std::string_view variant) {
  if (variant.empty() || variant == kV3) return akira::kDefaultPercent;
  unsigned percent = 0;
  const auto [end, error] =
      std::from_chars(variant.data(), variant.data() + variant.size(), percent);
  if (error != std::errc() || end != variant.data() + variant.size() ||
      percent == 0 || percent > 100) {
    return InvalidArgumentError(
        "akira: --variant is the encryption percent the operator gave, 1 to "
        "100 (default 15)");
  }
  return percent;
}

// What the search needs of one file; nullopt for a file that is not a v3
// candidate (too short, the older footer, unreadable).
std::optional<akira::FileCase> ReadCase(ReadOnlyFileSystem& fs,
                                        const Path& path, std::uint64_t size,
                                        bool forced) {
  const std::string name = path.filename().string();
  auto original = OriginalName(name, forced);
  if (!original || size <= akira::kTrailerBytes + 8) return std::nullopt;
  auto file = fs.OpenForRead(path);
  if (!file) return std::nullopt;
  akira::FileCase c;
  c.path = path;
  c.name = name;
  c.original_name = *original;
  c.size = size;
  std::uint8_t tail[10];
  auto got_head = (*file)->ReadAt(0, c.head);
  auto got_tail = (*file)->ReadAt(size - sizeof tail, tail);
  if (!got_head || *got_head != c.head.size() || !got_tail ||
      *got_tail != sizeof tail) {
    return std::nullopt;
  }
  if (akira::HasOlderFooter(ByteView(tail, sizeof tail), size)) {
    return std::nullopt;
  }
  if (size - akira::kTrailerBytes >= akira::kChunkBytes + 8) {
    auto got = (*file)->ReadAt(akira::kChunkBytes, c.chacha_head);
    c.has_chacha_head = got && *got == c.chacha_head.size();
  }
  if (auto info = fs.Stat(path, /*follow_symlinks=*/true)) {
    c.mtime_ns = info->mtime_ns;
  }
  return c;
}

class Akira final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    std::map<std::string, akira::FileSearchResult> results;
    auto make = [&](unsigned percent) {
      return std::unique_ptr<recover::DecryptorRun>(std::make_unique<AkiraRun>(
          inputs.forced, percent, std::move(results)));
    };
    // A search takes days at real sizes: only when asked for.
    if (!inputs.forced) return make(akira::kDefaultPercent);
    if (inputs.key) {
      return InvalidArgumentError(
          "akira takes no --key: its keys are searched from the clock "
          "(--seed-range, --log)");
    }
    KINTSUGI_ASSIGN_OR_RETURN(const unsigned percent,
                              ParsePercent(inputs.seed.variant));
    if (inputs.seed.gap && (inputs.seed.gap->first == 0 ||
                            inputs.seed.gap->first > inputs.seed.gap->second ||
                            inputs.seed.gap->second > akira::kNsPerSecond)) {
      return InvalidArgumentError(
          "akira: --gap A-B is in nanoseconds, 1 <= A <= B <= 1000000000");
    }
    if (inputs.seed.range &&
        inputs.seed.range->second > (std::uint64_t{1} << 62)) {
      return InvalidArgumentError(
          "akira: --seed-range is in nanoseconds since the epoch (19 digits "
          "for 2023-2030)");
    }
    std::vector<akira::FileCase> cases;
    if (inputs.for_each_file) {
      KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(
          [&](const Path& path, std::uint64_t size) -> Status {
            if (auto c = ReadCase(fs, path, size, /*forced=*/true)) {
              cases.push_back(std::move(*c));
            }
            return Status::Ok();
          }));
    }
    std::optional<WorkerPool> own_pool;
    WorkerPool* pool = inputs.seed.pool;
    if (pool == nullptr) pool = &own_pool.emplace(1);
    akira::SearchSettings settings;
    settings.percent = percent;
    settings.gap = inputs.seed.gap;
    for (const akira::FileCase& c : cases) {
      KINTSUGI_ASSIGN_OR_RETURN(
          akira::FileSearchResult result,
          akira::SearchFile(fs, c, inputs, settings, *pool));
      results.emplace(c.path.string(), std::move(result));
    }
    return make(percent);
  }
};

}  // namespace

namespace akira {

bool HasOlderFooter(ByteView tail, std::uint64_t size) {
  if (tail.size() < 10 || size < kOlderFooterBytes) return false;
  const std::uint8_t* end = tail.data() + tail.size();
  const std::uint8_t mode = end[-10];
  const std::uint8_t percent = end[-9];
  return mode <= 2 && percent <= 100 &&
         LoadLe64(end - 8) == size - kOlderFooterBytes;
}

}  // namespace akira

const recover::Decryptor& AkiraDecryptor() {
  static const Akira decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
