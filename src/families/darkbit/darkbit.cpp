#include "families/darkbit/darkbit.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "families/darkbit/layout.h"
#include "families/darkbit/search.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "kintsugi/message.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

// How much of a file's end is read for its footer: names up to 3,808
// bytes (m = 238).
constexpr std::size_t kFooterReadBytes = 4096;
constexpr std::size_t kBlock = 16;
constexpr std::size_t kVerifyChunk = 1 << 16;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "darkbit",
      .family_id = "darkbit",
      .variants = {"kib", "mib"},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {kDarkBitExtension},
      .needs = MessageId::kDecryptorDarkbitNeeds,
      .side_files = {},
      .spec = "recovery-schemes-3.md §3.11",
  };
  return info;
}

// `path` (`size` bytes) as a DarkBit file, when it ends with the footer.
std::optional<DarkBitFile> ReadDarkBitFile(ReadOnlyFileSystem& fs,
                                           const Path& path,
                                           std::uint64_t size) {
  if (size < kDarkBitFooterFixed + kBlock) return std::nullopt;
  auto file = fs.OpenForRead(path);
  if (!file) return std::nullopt;
  const auto want =
      static_cast<std::size_t>(std::min<std::uint64_t>(size, kFooterReadBytes));
  Bytes tail(want);
  auto got = ReadFullyAt(**file, size - want, tail);
  if (!got || *got != want) return std::nullopt;
  std::optional<DarkBitFooter> footer = ParseDarkBitFooter(tail);
  if (!footer) return std::nullopt;
  DarkBitFile out;
  out.path = path;
  out.size = size;
  out.footer_bytes = footer->bytes;
  out.encrypted_name = std::move(footer->encrypted_name);
  if (size - footer->bytes >= kBlock) {
    out.first_block.resize(kBlock);
    auto head = ReadFullyAt(**file, 0, out.first_block);
    if (!head || *head != kBlock) out.first_block.clear();
  }
  if (auto name = ParseDarkBitName(path.filename().string())) {
    out.codes = DarkBitCodesOf(name->random);
    out.name_seconds = name->unix_seconds;
  }
  return out;
}

// A file's key, found in the run's stream.
struct FileKey {
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 16> iv{};
  std::size_t position = 0;
  std::uint64_t footer_bytes = 0;
  std::string original_name;
};

// The run's stream, once a search found it.
struct Stream {
  std::int32_t seed = 0;
  std::map<Path, FileKey> keys;
};

// Whether `key` decrypts the whole of `path` (`size` bytes, footer
// included) by `reading` to a valid file of one of `kinds`.
bool WholeFileVerifies(ReadOnlyFileSystem& fs, const Path& path,
                       std::uint64_t size, const FileKey& key,
                       std::span<const formats::FileKind> kinds,
                       DarkBitReading reading) {
  auto file = fs.OpenForRead(path);
  if (!file) return false;
  auto stream = StartDarkBitDecryption(ByteView(key.key.data(), 16),
                                       ByteView(key.iv.data(), 16), size,
                                       key.footer_bytes, reading);
  if (!stream) return false;
  formats::StreamVerifier verifier(kinds);
  verifier.ExpectAtLeast(size - key.footer_bytes);
  Bytes in(kVerifyChunk);
  Bytes out(kVerifyChunk + recover::StreamDecryption::kSlack);
  for (std::uint64_t at = 0; at < size;) {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(kVerifyChunk, size - at));
    auto got = ReadFullyAt(**file, at, std::span(in).first(want));
    if (!got || *got != want) return false;
    auto n = (*stream)->Update(ByteView(in.data(), want), out);
    if (!n) return false;
    verifier.Update(ByteView(out.data(), *n));
    at += want;
  }
  if (!(*stream)->Finish(out)) return false;
  return verifier.Finish().valid();
}

class DarkBitRun final : public recover::DecryptorRun {
 public:
  DarkBitRun(ReadOnlyFileSystem& fs, std::optional<Stream> stream,
             std::optional<DarkBitReading> reading, KeyVerdict no_key_verdict,
             Message no_key, std::vector<ReportedKey> reported)
      : fs_(fs),
        stream_(std::move(stream)),
        reading_(reading),
        no_key_verdict_(no_key_verdict),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  // §3.11 "Encryption layout": the parts of the size class; the reading
  // (KiB or MiB) is uncertain, so the smaller of the two is a lower bound.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    // The footer's length tells the original's size; a sample without it
    // (a name-only look) is taken to hold the shortest footer (a name of
    // one block), and the result is then only an estimate.
    const std::optional<DarkBitFooter> footer = ParseDarkBitFooter(file.tail);
    const std::uint64_t footer_bytes =
        footer ? footer->bytes : kDarkBitFooterFixed + kBlock;
    if (footer_bytes > file.size) return std::nullopt;
    const std::uint64_t original = file.size - footer_bytes;
    const std::uint64_t kib = DarkBitPlainBytes(original, DarkBitReading::kKib);
    const std::uint64_t mib = DarkBitPlainBytes(original, DarkBitReading::kMib);
    std::optional<std::uint64_t> size;
    if (footer) size = original;
    if (reading_) {
      return recover::IntactBytes{size, DarkBitPlainBytes(original, *reading_),
                                  !footer};
    }
    return recover::IntactBytes{size, std::min(kib, mib),
                                kib != mib || !footer};
  }

  // Its files end with the footer or are named "<8><seconds>.Darkbit".
  std::optional<std::vector<std::string>> NameSuffixes() const override {
    return recover::LowerSuffixes({kDarkBitExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    const bool footer = ParseDarkBitFooter(file.tail).has_value();
    const bool named = ParseDarkBitName(file.name).has_value();
    if (!footer && !named) return probe;
    if (footer) {
      probe.confidence = 90;
      probe.reason = Message{MessageId::kRecoverProbeDarkbitFooter, {}};
    } else {
      probe.confidence = 40;
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "DarkBit"}, {"extension", std::string(kDarkBitExtension)}}};
    }
    const FileKey* key = KeyOf(file.path);
    if (key != nullptr) {
      probe.original_name = key->original_name;
    } else {
      probe.original_name =
          recover::StripLastExtension(file.name).value_or(file.name);
    }
    if (reading_) probe.variant = std::string(DarkBitReadingName(*reading_));
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult&) const override {
    KeyOutcome outcome;
    const FileKey* key = KeyOf(file.path);
    if (key == nullptr && !ReadDarkBitFile(fs_, file.path, file.size)) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverDarkbitNoFooter,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    if (!stream_) {
      outcome.verdict = no_key_verdict_;
      outcome.message = no_key_;
      return outcome;
    }
    if (key == nullptr) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverDarkbitNotInStream,
                  {{"seed", static_cast<std::int64_t>(stream_->seed)},
                   {"draws", static_cast<std::int64_t>(kDarkBitStreamDraws)}}};
      return outcome;
    }
    const DarkBitReading reading = ChooseReading(file, *key);
    const ByteView k(key->key.data(), key->key.size());
    const ByteView iv(key->iv.data(), key->iv.size());
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.key = SecretBytes(k);
    outcome.key.iv = SecretBytes(iv);
    outcome.key.region = key->footer_bytes;
    outcome.key.variant = std::string(DarkBitReadingName(reading));
    outcome.key.source = "seed " + std::to_string(stream_->seed) +
                         ", position " + std::to_string(key->position);
    outcome.found =
        Message{MessageId::kRecoverDarkbitFileKey,
                {{"seed", static_cast<std::int64_t>(stream_->seed)},
                 {"position", static_cast<std::int64_t>(key->position)},
                 {"key", ToHex(k)},
                 {"iv", ToHex(iv)},
                 {"reading", std::string(DarkBitReadingName(reading))}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    const auto reading = DarkBitReadingNamed(key.variant);
    if (!reading) {
      return InvalidArgumentError("unknown DarkBit reading \"" + key.variant +
                                  "\"");
    }
    return StartDarkBitDecryption(key.key.view(), key.iv.view(), file_size,
                                  key.region, *reading);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  const FileKey* KeyOf(const Path& path) const {
    if (!stream_) return nullptr;
    const auto it = stream_->keys.find(path);
    return it == stream_->keys.end() ? nullptr : &it->second;
  }

  // The reading the user chose; else KiB when both make the same parts or
  // the file's type is one Kintsugi cannot verify; else the first whose
  // whole output verifies (KiB first), KiB when neither does (the output
  // is then kept only as unverified).
  DarkBitReading ChooseReading(const FileSample& file,
                               const FileKey& key) const {
    if (reading_) return *reading_;
    const std::uint64_t original = file.size - key.footer_bytes;
    const auto kib = DarkBitParts(original, DarkBitReading::kKib);
    const auto mib = DarkBitParts(original, DarkBitReading::kMib);
    const bool same =
        kib.size() == mib.size() &&
        std::equal(kib.begin(), kib.end(), mib.begin(),
                   [](const DarkBitPart& a, const DarkBitPart& b) {
                     return a.offset == b.offset && a.length == b.length;
                   });
    const auto kinds =
        formats::ExpectedKinds(Path(key.original_name).extension().native());
    if (same || kinds.empty()) return DarkBitReading::kKib;
    for (DarkBitReading reading :
         {DarkBitReading::kKib, DarkBitReading::kMib}) {
      if (WholeFileVerifies(fs_, file.path, file.size, key, kinds, reading)) {
        return reading;
      }
    }
    return DarkBitReading::kKib;
  }

  ReadOnlyFileSystem& fs_;
  std::optional<Stream> stream_;
  std::optional<DarkBitReading> reading_;
  KeyVerdict no_key_verdict_;
  Message no_key_;
  std::vector<ReportedKey> reported_;
};

// Every DarkBit file of the run (those that end with the footer).
Result<std::vector<DarkBitFile>> ScanRunFiles(
    ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) {
  std::vector<DarkBitFile> files;
  if (!inputs.for_each_file) return files;
  SearchControl control(inputs.search.stop, inputs.file_count,
                        inputs.search.on_progress);
  const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
    KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
    if (auto file = ReadDarkBitFile(fs, path, size)) {
      files.push_back(std::move(*file));
    }
    return Status::Ok();
  };
  KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
  return files;
}

class DarkBit final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    std::optional<DarkBitReading> reading;
    if (!inputs.seed.variant.empty()) {
      reading = DarkBitReadingNamed(inputs.seed.variant);
      if (!reading) {
        return InvalidArgumentError("unknown DarkBit reading \"" +
                                    inputs.seed.variant +
                                    "\" of the size classes (known: kib, mib)");
      }
    }
    auto make = [&](std::optional<Stream> stream, KeyVerdict verdict,
                    Message why, std::vector<ReportedKey> reported = {}) {
      return std::unique_ptr<recover::DecryptorRun>(
          std::make_unique<DarkBitRun>(fs, std::move(stream), reading, verdict,
                                       std::move(why), std::move(reported)));
    };
    if (inputs.key || inputs.iv) {
      return InvalidArgumentError(
          "DarkBit takes no --key or --iv: every file has its own key, drawn "
          "from the run's seed (give the seed a search found with "
          "--seed-range S-S)");
    }
    // The search reads every file's end and may take an hour: only when
    // the user asked for it.
    if (!inputs.forced) {
      return make(std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverDarkbitSearchNeeded, {}});
    }
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<DarkBitFile> files,
                              ScanRunFiles(fs, inputs));
    std::vector<DarkBitFile> samples;
    for (const DarkBitFile& file : files) {
      if (file.codes) samples.push_back(file);
    }
    if (samples.empty()) {
      return make(std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverDarkbitNoSample, {}});
    }
    std::sort(samples.begin(), samples.end(),
              [](const DarkBitFile& a, const DarkBitFile& b) {
                if (a.name_seconds != b.name_seconds) {
                  return a.name_seconds < b.name_seconds;
                }
                return a.path < b.path;
              });
    if (samples.size() > kDarkBitMaxSamples) {
      samples.resize(kDarkBitMaxSamples);
    }
    // The earliest rename, or its file's modification time if earlier (a
    // clock set back): the seed came before both.
    std::uint64_t seconds = samples.front().name_seconds;
    if (auto mtime = MtimeSeconds(fs, samples.front().path)) {
      seconds = std::min(seconds, *mtime);
    }
    KINTSUGI_ASSIGN_OR_RETURN(
        const DarkBitWindow window,
        ResolveDarkBitWindow(inputs.seed, DarkBitEstimate(seconds)));
    std::string fingerprint;
    for (const DarkBitFile& sample : samples) {
      fingerprint += sample.path.string() + "|" + std::to_string(sample.size) +
                     "|" + ToHex(sample.encrypted_name) + "|";
    }
    const DarkBitTester tester(samples);
    KINTSUGI_ASSIGN_OR_RETURN(
        const DarkBitSearchOutcome outcome,
        RunDarkBitSearch(tester, window, std::move(fingerprint), inputs));
    if (!outcome.result.seed) {
      return make(std::nullopt, KeyVerdict::kNotFound,
                  DarkBitNotFoundMessage(outcome));
    }
    const std::uint64_t t = *outcome.result.seed;
    const std::optional<DarkBitHit> pivot = tester.Which(t);
    if (!pivot) return InternalError("a confirmed DarkBit seed lost its key");
    Stream stream;
    stream.seed = DarkBitSeedOf(t);
    const auto hits =
        DarkBitFindInStream(stream.seed, files, kDarkBitStreamDraws);
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (!hits[i]) continue;
      FileKey key;
      key.key = hits[i]->key;
      key.iv = hits[i]->iv;
      key.position = hits[i]->position;
      key.footer_bytes = files[i].footer_bytes;
      key.original_name = hits[i]->original_name;
      stream.keys.emplace(files[i].path, std::move(key));
    }
    ReportedKey reported;
    reported.decryptor = "darkbit";
    reported.key_hex = ToHex(ByteView(pivot->key.data(), pivot->key.size()));
    reported.iv_hex = ToHex(ByteView(pivot->iv.data(), pivot->iv.size()));
    reported.source = "seed search";
    reported.detail =
        Message{MessageId::kRecoverDarkbitSeedFound,
                {{"seed", static_cast<std::int64_t>(stream.seed)},
                 {"unix_nano", static_cast<std::int64_t>(t)},
                 {"time", UtcTime(t / 1'000'000'000ULL)},
                 {"file", samples[pivot->file].path.filename().string()},
                 {"position", static_cast<std::int64_t>(pivot->position)}}};
    return make(std::move(stream), KeyVerdict::kNotFound, Message{},
                {std::move(reported)});
  }
};

}  // namespace

const recover::Decryptor& DarkBitDecryptor() {
  static const DarkBit decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
