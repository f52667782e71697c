#include "families/linux_encoder/linux_encoder.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "families/linux_encoder/layout.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "kintsugi/limits.h"
#include "kintsugi/message.h"
#include "recover/seed_search.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kId = "linux-encoder";
constexpr std::string_view kVariant = "linux.encoder.1";
constexpr std::string_view kExtension = ".encrypted";
// §3.4 "Recovery" step 2, Bitdefender's method: seeds from a minute after
// the earliest encrypted file's modification time down to an hour before
// it, and the first 10,000 files of each.
constexpr std::uint64_t kWindowBefore = 3599;
constexpr std::uint64_t kWindowAfter = 60;
constexpr std::uint32_t kKeysPerSeed = 10000;
// Step 3: the keys of a found seed that every file is matched against:
// five per file of the run (Bitdefender's), at least kKeysPerSeed, at most
// kMaxKeysIndexed (16 bytes each in the index: 8 MiB).
constexpr std::uint64_t kKeysPerFile = 5;
constexpr std::uint64_t kMaxKeysIndexed = std::uint64_t{1} << 19;
// Runs of the malware (seeds) one recovery looks for: the files a found
// seed does not decrypt are searched again from the earliest of them
// (step 3). Each is a search of its own.
constexpr int kMaxSearches = 4;
// srand takes an unsigned int: time(NULL) in 32 bits.
constexpr std::uint64_t kLastSeed = 0xffffffffULL;
// Seeds per chunk of the search: a few milliseconds of work.
constexpr std::uint32_t kChunk = 256;
// The st_mode bits a file gets back (the type bits are the file's own).
constexpr std::uint32_t kPermissionBits = 07777;
// Probe confidences: a file whose IV a found seed drew; a header of
// Linux.Encoder's shape (about 2^-40 for random bytes) with whole blocks,
// or truncated; a name under --family alone.
constexpr int kConfidenceDrawn = 95;
constexpr int kConfidenceHeader = 75;
constexpr int kConfidenceTruncated = 70;
constexpr int kConfidenceForced = 40;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = kId,
      .family_id = "linux-encoder",
      .variants = {kVariant},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {kExtension},
      .needs = MessageId::kDecryptorLinuxEncoderNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.4",
  };
  return info;
}

// Which IV the malware encrypted with (§3.4 step 4, uncertain): the one it
// stored, whose byte 15 low nibble it had replaced by the size
// (Bitdefender's reading), or the one it drew. They differ in byte 15 of
// the first plaintext block only.
enum class IvReading : std::uint8_t {
  kSame,       // The two are the same IV.
  kStored,     // The stored IV decrypts it, the drawn one does not.
  kGenerated,  // The other way round.
  kUndecided,  // Nothing tells them apart: the stored one is used.
};

std::string_view ReadingName(IvReading reading) {
  switch (reading) {
    case IvReading::kSame:
      return "same";
    case IvReading::kStored:
      return "stored";
    case IvReading::kGenerated:
      return "generated";
    case IvReading::kUndecided:
      break;
  }
  return "undecided";
}

// A Unix time as "2015-11-11 15:26:57 UTC": the form a user compares with
// the attack's time.
std::string Utc(std::uint64_t seconds) { return UtcTime(seconds) + " UTC"; }

// A seed as "1447255617 (2015-11-11 15:26:57 UTC)": the number
// --seed-range takes and the time it is.
std::string UnixTime(std::uint64_t seconds) {
  return std::to_string(seconds) + " (" + Utc(seconds) + ")";
}

// A duration as "[Nd ]H:MM:SS".
std::string Duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(std::max(0.0, seconds) + 0.999);
  char text[64];
  std::snprintf(text, sizeof text, "%llu:%02llu:%02llu",
                static_cast<unsigned long long>((s / 3600) % 24),
                static_cast<unsigned long long>((s / 60) % 60),
                static_cast<unsigned long long>(s % 60));
  return s >= 86400 ? std::to_string(s / 86400) + "d " + text
                    : std::string(text);
}

// The original's name for an encrypted file's `name`, if the run may take
// it: `.encrypted` appended, or any name under --family.
std::optional<std::string> OriginalName(const std::string& name, bool forced) {
  if (name.size() > kExtension.size() &&
      recover::EndsWithIgnoreCase(name, kExtension)) {
    return name.substr(0, name.size() - kExtension.size());
  }
  if (!forced) return std::nullopt;
  auto stripped = recover::StripLastExtension(name);
  return stripped ? *stripped : name + ".recovered";
}

std::span<const formats::FileKind> KindsOf(const std::string& original) {
  return formats::ExpectedKinds(Path(original).extension().native());
}

// Whether a decrypted first `block` starts a file of one of `kinds`: only
// its first `original` bytes are the original's (the rest of a last block
// is stale bytes).
bool Plausible(std::span<const formats::FileKind> kinds, ByteView block,
               std::optional<std::uint64_t> original) {
  if (original && *original < block.size()) {
    block = block.First(static_cast<std::size_t>(*original));
  }
  return std::any_of(kinds.begin(), kinds.end(), [&](formats::FileKind kind) {
    return formats::HeaderPlausible(kind, block);
  });
}

// The encrypted file a search tests seeds on (§3.4 step 1).
struct Sample {
  Path path;
  std::uint64_t size = 0;
  std::uint64_t mtime = 0;  // Seconds since the epoch (0 before it).
  LinuxEncoderHeader header;
  std::vector<formats::FileKind> kinds;  // What its original's name promises.
  Bytes cipher;  // All of its ciphertext (whole), else its first blocks.
  bool whole = false;
};

// The earliest file of the run (by modification time) with Linux.Encoder's
// header whose IV `known` does not know: the malware encrypted it first,
// so its seed lies in the window before its time and its key is among the
// first its seed drew. Ties (many files share a second) go to a file whose
// original's type can be checked on a whole first block, then to whole
// blocks, then by path.
Result<std::optional<Sample>> FindSample(
    ReadOnlyFileSystem& fs, const recover::RunInputs& inputs,
    const std::function<bool(const LinuxEncoderIv&)>& known) {
  std::optional<Sample> best;
  std::tuple<std::uint64_t, bool, bool, std::string> best_rank;
  if (!inputs.for_each_file) return best;
  const Status walked = inputs.for_each_file([&](const Path& path,
                                                 std::uint64_t size) -> Status {
    KINTSUGI_RETURN_IF_ERROR(inputs.search.stop.status());
    const auto original = OriginalName(path.filename().string(), inputs.forced);
    if (!original) return Status::Ok();
    auto head = ReadHead(fs, path, recover::kProbeHeadBytes);
    if (!head) return Status::Ok();  // Another file may do.
    const auto header = ParseLinuxEncoderHeader(*head, size);
    if (!header || (known && known(header->iv))) return Status::Ok();
    auto info = fs.Stat(path, /*follow_symlinks=*/true);
    if (!info) return Status::Ok();
    const std::uint64_t mtime =
        info->mtime_ns <= 0
            ? 0
            : static_cast<std::uint64_t>(info->mtime_ns / 1'000'000'000);
    const auto kinds = KindsOf(*original);
    const bool small = header->OriginalSize().value_or(header->cipher_bytes) <
                       kLinuxEncoderBlock;
    auto rank = std::make_tuple(mtime, kinds.empty() || small,
                                !header->whole_blocks(), path.string());
    if (best && !(rank < best_rank)) return Status::Ok();
    best_rank = std::move(rank);
    best.emplace();
    best->path = path;
    best->size = size;
    best->mtime = mtime;
    best->header = *header;
    best->kinds.assign(kinds.begin(), kinds.end());
    return Status::Ok();
  });
  KINTSUGI_RETURN_IF_ERROR(walked);
  if (!best) return best;
  // Its ciphertext: all of it when it is small enough to verify whole,
  // else the first blocks (what the first-block check needs).
  const LinuxEncoderHeader& header = best->header;
  const bool whole = header.whole_blocks() &&
                     header.cipher_bytes <= limits::kMaxInMemoryFileBytes;
  const std::uint64_t want =
      whole
          ? header.cipher_bytes
          : std::min<std::uint64_t>(
                header.cipher_bytes - header.cipher_bytes % kLinuxEncoderBlock,
                recover::kProbeHeadBytes);
  Bytes cipher(static_cast<std::size_t>(want));
  if (auto file = fs.OpenForRead(best->path)) {
    auto got = ReadFullyAt(**file, header.header_bytes, cipher);
    if (got && *got == cipher.size()) {
      best->cipher = std::move(cipher);
      best->whole = whole;
    }
  }
  return best;
}

// What a key drawn for the sample says (§4.4: check before accepting).
struct Confirmation {
  bool fits = false;
  IvReading reading = IvReading::kUndecided;
};

// Whether `key` (the key and IV a seed drew for the sample's IV) fits the
// sample: its first block decrypts, under one of the two IV readings, to a
// header its original's name allows (or, a file mislabelled, to any header
// Kintsugi knows); a sample with no kind to check or no block is taken on
// its IV (15 bytes: no chance match). With `decide`, also which reading:
// the one whose whole output verifies (a sample held whole) or whose first
// block alone fits.
Confirmation Check(const Sample& sample, const LinuxEncoderKey& key,
                   bool decide) {
  Confirmation result;
  const LinuxEncoderIv& stored = sample.header.iv;
  const LinuxEncoderIv& drawn = key.iv;
  if (sample.cipher.size() < kLinuxEncoderBlock) {
    result.fits = true;
    result.reading = stored == drawn ? IvReading::kSame : IvReading::kUndecided;
    return result;
  }
  const ByteView first = ByteView(sample.cipher).First(kLinuxEncoderBlock);
  auto first_fits = [&](const LinuxEncoderIv& iv) {
    auto block = crypto::AesCbcDecryptBlocks(key.key.view(), IvView(iv), first);
    if (!block) return false;
    if (Plausible(sample.kinds, *block, sample.header.OriginalSize())) {
      return true;
    }
    const auto sniffed = formats::SniffHeader(*block);
    return sniffed && *sniffed != formats::FileKind::kText;
  };
  const bool stored_fits = first_fits(stored);
  const bool drawn_fits = stored == drawn ? stored_fits : first_fits(drawn);
  result.fits = sample.kinds.empty() || stored_fits || drawn_fits;
  if (stored == drawn) {
    result.reading = IvReading::kSame;
    return result;
  }
  if (!decide || !result.fits) return result;
  bool stored_valid = stored_fits && !sample.kinds.empty();
  bool drawn_valid = drawn_fits && !sample.kinds.empty();
  if (sample.whole) {
    auto verify = [&](const LinuxEncoderIv& iv) {
      const auto original = sample.header.OriginalSize();
      if (!original) return false;
      auto plain = LinuxEncoderDecrypt(key.key.view(), IvView(iv),
                                       sample.cipher, *original);
      if (!plain) return false;
      const bool valid = formats::Verify(*plain, sample.kinds).valid();
      std::fill(plain->begin(), plain->end(), std::uint8_t{0});
      return valid;
    };
    stored_valid = verify(stored);
    drawn_valid = verify(drawn);
  }
  if (stored_valid != drawn_valid) {
    result.reading = stored_valid ? IvReading::kStored : IvReading::kGenerated;
  }
  return result;
}

// Tests seeds on the sample: its IV among the first kKeysPerSeed a seed
// draws (the cheap test: one multiply and add per key), then Check.
class Tester final : public SeedTester {
 public:
  explicit Tester(const Sample& sample) : sample_(sample) {}

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    ScanLinuxEncoderSeeds(first, count, kKeysPerSeed, sample_.header.iv, hits);
  }

  bool Confirm(std::uint64_t seed) const override {
    const auto s = static_cast<std::uint32_t>(seed);
    const auto index = FindLinuxEncoderIv(s, kKeysPerSeed, sample_.header.iv);
    if (!index) return false;
    if (Check(sample_, LinuxEncoderKeyAt(s, *index), false).fits) return true;
    std::lock_guard lock(mutex_);
    misfit_ = std::make_pair(s, *index);
    return false;
  }

  // A seed that drew the sample's IV but whose key does not decrypt it.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> misfit() const {
    std::lock_guard lock(mutex_);
    return misfit_;
  }

 private:
  const Sample& sample_;
  mutable std::mutex mutex_;
  mutable std::optional<std::pair<std::uint32_t, std::uint32_t>> misfit_;
};

// A seed found (or given), with the IVs of its first `keys` files indexed.
struct FoundSeed {
  std::uint32_t seed = 0;
  std::uint32_t keys = 0;
  // (IV bytes 0-7, key number), sorted.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> index;
  // What the sample told of the IV reading (kSame, kUndecided: nothing).
  IvReading reading = IvReading::kUndecided;
};

// A file's key among the seeds found.
struct Drawn {
  const FoundSeed* seed = nullptr;
  std::uint32_t index = 0;
  LinuxEncoderKey key;
};

std::optional<Drawn> Lookup(const std::vector<FoundSeed>& seeds,
                            const LinuxEncoderIv& iv) {
  const std::uint64_t prefix = LinuxEncoderIvPrefix(iv);
  for (const FoundSeed& found : seeds) {
    auto it = std::lower_bound(found.index.begin(), found.index.end(),
                               std::make_pair(prefix, std::uint32_t{0}));
    for (; it != found.index.end() && it->first == prefix; ++it) {
      LinuxEncoderKey key = LinuxEncoderKeyAt(found.seed, it->second);
      if (std::equal(iv.begin(), iv.begin() + kLinuxEncoderIvCompared,
                     key.iv.begin())) {
        return Drawn{&found, it->second, std::move(key)};
      }
    }
  }
  return std::nullopt;
}

// Indexes `seed`'s first keys (§3.4 step 3) and learns the IV reading from
// the sample when its key is among them.
FoundSeed Settle(std::uint32_t seed, const std::optional<Sample>& sample,
                 std::uint64_t file_count) {
  FoundSeed found;
  found.seed = seed;
  std::optional<std::uint32_t> at;
  if (sample) {
    at = FindLinuxEncoderIv(seed, static_cast<std::uint32_t>(kMaxKeysIndexed),
                            sample->header.iv);
  }
  const std::uint64_t wanted =
      (at ? *at + std::uint64_t{1} : 0) + kKeysPerFile * file_count;
  found.keys = static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>(wanted, kKeysPerSeed, kMaxKeysIndexed));
  const std::vector<std::uint64_t> prefixes =
      LinuxEncoderIvPrefixes(seed, found.keys);
  found.index.reserve(prefixes.size());
  for (std::uint32_t i = 0; i < prefixes.size(); ++i) {
    found.index.emplace_back(prefixes[i], i);
  }
  std::sort(found.index.begin(), found.index.end());
  if (at) {
    found.reading = Check(*sample, LinuxEncoderKeyAt(seed, *at), true).reading;
  }
  return found;
}

class LinuxEncoderRun final : public recover::DecryptorRun {
 public:
  LinuxEncoderRun(bool forced, std::vector<FoundSeed> seeds, Message no_key,
                  std::vector<ReportedKey> reported)
      : forced_(forced),
        seeds_(std::move(seeds)),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  // §3.4 (the header, then AES-CBC of the whole file): every byte of the
  // original is encrypted.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)file;
    (void)probe;
    return recover::IntactBytes{std::nullopt, 0, false};
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    // Its output is never empty (a header at least): an empty file is not
    // one of its files (docs/writing-a-decryptor.md).
    const auto original = OriginalName(file.name, forced_);
    if (!original || file.size == 0) return probe;
    const auto header = ParseLinuxEncoderHeader(file.head, file.size);
    if (!header && !forced_) return probe;  // Another family's `.encrypted`.
    probe.original_name = *original;
    probe.variant = std::string(kVariant);
    // Ifs, not a ternary: g++ 12 sees a maybe-uninitialized temporary in
    // one (as jigsaw.cpp notes).
    Message why;
    if (forced_) {
      why = Message{MessageId::kRecoverProbeForced,
                    {{"decryptor", std::string(kId)}}};
    } else {
      why = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Linux.Encoder"}, {"extension", std::string(kExtension)}}};
    }
    if (!header) {
      // Under --family: FindKey says what is wrong with it.
      probe.confidence = kConfidenceForced;
      probe.reason = std::move(why);
      return probe;
    }
    probe.confidence =
        header->whole_blocks() ? kConfidenceHeader : kConfidenceTruncated;
    if (Lookup(seeds_, header->iv)) probe.confidence = kConfidenceDrawn;
    probe.reason =
        Message{MessageId::kRecoverProbeLinuxEncoderHeader,
                {{"reason", std::vector<Message>{std::move(why)}},
                 {"blob", static_cast<std::int64_t>(header->blob_bytes)}}};
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    const auto header = ParseLinuxEncoderHeader(file.head, file.size);
    if (!header) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverLinuxEncoderBadHeader,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    std::optional<Drawn> drawn = Lookup(seeds_, header->iv);
    if (!drawn) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = no_key_;
      if (outcome.message.id == MessageId::kCount) {
        std::string seeds;
        std::uint64_t keys = 0;
        for (const FoundSeed& found : seeds_) {
          seeds += (seeds.empty() ? "" : ", ") + std::to_string(found.seed);
          keys = std::max<std::uint64_t>(keys, found.keys);
        }
        outcome.message = Message{
            MessageId::kRecoverLinuxEncoderNotInRun,
            {{"seeds", seeds}, {"pairs", static_cast<std::int64_t>(keys)}}};
      }
      return outcome;
    }
    const IvReading reading = Reading(*header, *drawn, file, probe);
    LinuxEncoderIv iv = header->iv;
    if (reading == IvReading::kGenerated) iv = drawn->key.iv;
    recover::Key& key = outcome.key;
    key.key = drawn->key.key;
    key.iv = SecretBytes(IvView(iv));
    key.variant = std::string(kVariant);
    key.source = "seed " + std::to_string(drawn->seed->seed) + ", key " +
                 std::to_string(drawn->index);
    key.mode = header->mode & kPermissionBits;
    outcome.verdict = KeyVerdict::kFound;
    const auto original = header->OriginalSize();
    key.region = PackLinuxEncoderRegion(
        header->header_bytes, original ? header->last_block_bytes() : 0);
    if (!original) {
      // The IV is the malware's, the end is missing (issue 16): what the
      // file holds is decrypted and kept as unverified.
      key.truncated = true;
      outcome.message =
          Message{MessageId::kRecoverKeyFitsTruncated,
                  {{"source", key.source},
                   {"size", static_cast<std::int64_t>(file.size)}}};
    }
    const std::string text(drawn->key.key.view().begin(),
                           drawn->key.key.view().end());
    outcome.found =
        Message{MessageId::kRecoverLinuxEncoderFileKey,
                {{"seed", static_cast<std::int64_t>(drawn->seed->seed)},
                 {"time", Utc(drawn->seed->seed)},
                 {"index", static_cast<std::int64_t>(drawn->index)},
                 {"key", text},
                 {"key_hex", ToHex(drawn->key.key.view())},
                 {"iv", std::string(ReadingName(reading))}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    return StartLinuxEncoderDecryption(key, file_size);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  // The IV reading for one file: none needed when the two IVs agree; the
  // sample's when it told; else the one under which this file's first
  // block alone fits its name; else the stored one (Bitdefender's).
  static IvReading Reading(const LinuxEncoderHeader& header, const Drawn& drawn,
                           const FileSample& file, const ProbeResult& probe) {
    if (header.iv == drawn.key.iv) return IvReading::kSame;
    if (drawn.seed->reading == IvReading::kStored ||
        drawn.seed->reading == IvReading::kGenerated) {
      return drawn.seed->reading;
    }
    const auto kinds = KindsOf(probe.original_name);
    const auto first = file.head.Sub(
        static_cast<std::size_t>(header.header_bytes), kLinuxEncoderBlock);
    if (kinds.empty() || !first) return IvReading::kUndecided;
    auto fits = [&](const LinuxEncoderIv& iv) {
      auto block =
          crypto::AesCbcDecryptBlocks(drawn.key.key.view(), IvView(iv), *first);
      return block && Plausible(kinds, *block, header.OriginalSize());
    };
    const bool stored = fits(header.iv);
    const bool generated = fits(drawn.key.iv);
    if (stored == generated) return IvReading::kUndecided;
    return stored ? IvReading::kStored : IvReading::kGenerated;
  }

  bool forced_;
  std::vector<FoundSeed> seeds_;
  Message no_key_;  // Why a file no seed drew has no key; kCount: not drawn.
  std::vector<ReportedKey> reported_;
};

// The seed as --key takes it and a search prints it: 4 bytes, big-endian.
std::string SeedHex(std::uint32_t seed) {
  const std::uint8_t bytes[] = {static_cast<std::uint8_t>(seed >> 24),
                                static_cast<std::uint8_t>(seed >> 16),
                                static_cast<std::uint8_t>(seed >> 8),
                                static_cast<std::uint8_t>(seed)};
  return ToHex(ByteView(bytes, sizeof bytes));
}

// recover.linux_encoder_search_plan for the search `options` is about to
// run.
Message PlanMessage(const SeedSearchOptions& options,
                    const SeedSearchPlan& plan, const Sample& sample) {
  const double seconds =
      plan.seeds_per_second > 0
          ? static_cast<double>(plan.left) / plan.seeds_per_second
          : 0.0;
  return Message{MessageId::kRecoverLinuxEncoderSearchPlan,
                 {{"seeds", static_cast<std::int64_t>(plan.left)},
                  {"first", UnixTime(options.first)},
                  {"last", UnixTime(options.last)},
                  {"center", UnixTime(std::clamp(options.center, options.first,
                                                 options.last))},
                  {"pairs", static_cast<std::int64_t>(kKeysPerSeed)},
                  {"file", sample.path.filename().string()},
                  {"duration", Duration(seconds)},
                  {"rate", static_cast<std::int64_t>(plan.seeds_per_second)},
                  {"workers", static_cast<std::int64_t>(plan.workers)}}};
}

// Why the files the search was for have no key.
Message NotFound(const SeedSearchOptions& options,
                 const SeedSearchResult& result, const Sample& sample,
                 const Tester& tester) {
  if (auto misfit = tester.misfit()) {
    return Message{MessageId::kRecoverLinuxEncoderKeyMisfit,
                   {{"seed", static_cast<std::int64_t>(misfit->first)},
                    {"index", static_cast<std::int64_t>(misfit->second)},
                    {"file", sample.path.filename().string()}}};
  }
  if (result.shard_seeds == 0) return ShardEmptyMessage(options);
  return Message{
      MessageId::kRecoverLinuxEncoderSeedNotFound,
      {{"first", static_cast<std::int64_t>(options.first)},
       {"last", static_cast<std::int64_t>(options.last)},
       {"covered_first", static_cast<std::int64_t>(result.covered_first)},
       {"covered_last", static_cast<std::int64_t>(result.covered_last)},
       {"covered_from", Utc(result.covered_first)},
       {"covered_to", Utc(result.covered_last)},
       {"pairs", static_cast<std::int64_t>(kKeysPerSeed)},
       {"file", sample.path.filename().string()}}};
}

class LinuxEncoder final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    if (inputs.forced && !inputs.seed.variant.empty() &&
        inputs.seed.variant != kVariant) {
      return InvalidArgumentError("Linux.Encoder has one variant, " +
                                  std::string(kVariant));
    }
    if (inputs.forced && inputs.iv) {
      return InvalidArgumentError(
          "Linux.Encoder needs no --iv: each file holds its own");
    }
    if ((inputs.seed.range && inputs.seed.range->second > kLastSeed) ||
        (inputs.seed.around && *inputs.seed.around > kLastSeed)) {
      return InvalidArgumentError(
          "Linux.Encoder's seeds are Unix times within 0-4294967295 "
          "(seconds)");
    }
    std::vector<FoundSeed> seeds;
    if (inputs.key) {
      // The seed a search printed: no search.
      if (inputs.key->size() != 4) {
        return InvalidArgumentError(
            "a Linux.Encoder key is the seed a search printed: 4 bytes (8 "
            "hex digits); each file's own key is drawn from it");
      }
      KINTSUGI_ASSIGN_OR_RETURN(const std::uint32_t seed,
                                inputs.key->view().U32Be(0));
      KINTSUGI_ASSIGN_OR_RETURN(std::optional<Sample> sample,
                                FindSample(fs, inputs, nullptr));
      seeds.push_back(Settle(seed, sample, inputs.file_count));
      return std::unique_ptr<recover::DecryptorRun>(
          std::make_unique<LinuxEncoderRun>(inputs.forced, std::move(seeds),
                                            Message{},
                                            std::vector<ReportedKey>{}));
    }
    std::optional<WorkerPool> own_pool;
    WorkerPool* pool = inputs.seed.pool;
    if (pool == nullptr) pool = &own_pool.emplace(1);
    std::vector<ReportedKey> reported;
    Message no_key;
    const auto known = [&](const LinuxEncoderIv& iv) {
      return Lookup(seeds, iv).has_value();
    };
    for (int n = 1; n <= kMaxSearches; ++n) {
      KINTSUGI_ASSIGN_OR_RETURN(std::optional<Sample> sample,
                                FindSample(fs, inputs, known));
      if (!sample) break;
      const SeedSearchOptions options = Options(*sample, inputs, n);
      Tester tester(*sample);
      SeedSearchOptions run = options;
      if (inputs.search.on_plan) {
        run.on_plan = [&](const SeedSearchPlan& plan) {
          inputs.search.on_plan(PlanMessage(options, plan, *sample));
        };
      }
      KINTSUGI_ASSIGN_OR_RETURN(
          SeedSearchResult result,
          RunSeedSearch(tester, run, *pool, inputs.seed.state_fs,
                        inputs.search.stop));
      if (!result.seed) {
        no_key = NotFound(options, result, *sample, tester);
        break;
      }
      const auto seed = static_cast<std::uint32_t>(*result.seed);
      FoundSeed found = Settle(seed, sample, inputs.file_count);
      ReportedKey key;
      key.decryptor = std::string(kId);
      key.key_hex = SeedHex(seed);
      key.source = "seed search";
      key.detail = Message{MessageId::kRecoverLinuxEncoderSeedFound,
                           {{"seed", static_cast<std::int64_t>(seed)},
                            {"time", Utc(seed)},
                            {"file", sample->path.filename().string()},
                            {"index", static_cast<std::int64_t>(
                                          FindLinuxEncoderIv(seed, kKeysPerSeed,
                                                             sample->header.iv)
                                              .value_or(0))},
                            {"pairs", static_cast<std::int64_t>(found.keys)},
                            {"iv", std::string(ReadingName(found.reading))}}};
      reported.push_back(std::move(key));
      seeds.push_back(std::move(found));
    }
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<LinuxEncoderRun>(inputs.forced, std::move(seeds),
                                          std::move(no_key),
                                          std::move(reported)));
  }

 private:
  // The search for search number `n` of the run on `sample`: the user's
  // window, or Bitdefender's around --around or the sample's time.
  static SeedSearchOptions Options(const Sample& sample,
                                   const recover::RunInputs& inputs, int n) {
    SeedSearchOptions options;
    const std::uint64_t center =
        inputs.seed.around.value_or(std::min(sample.mtime, kLastSeed));
    options.center = center;
    if (inputs.seed.range) {
      options.first = inputs.seed.range->first;
      options.last = inputs.seed.range->second;
    } else {
      options.first = center > kWindowBefore ? center - kWindowBefore : 0;
      options.last = std::min(center + kWindowAfter, kLastSeed);
    }
    options.chunk = kChunk;
    options.shard = inputs.seed.shard;
    options.on_progress = inputs.search.on_progress;
    options.fingerprint = std::string(kId) + "|" + sample.path.string() + "|" +
                          std::to_string(sample.size) + "|" +
                          ToHex(IvView(sample.header.iv)) + "|" +
                          std::to_string(kKeysPerSeed);
    if (inputs.seed.state_fs != nullptr &&
        !inputs.seed.checkpoint_dir.empty()) {
      options.checkpoint =
          inputs.seed.checkpoint_dir /
          ("seed-search-linux-encoder-" + std::to_string(n) + "-" +
           std::to_string(options.shard.index + 1) + "-of-" +
           std::to_string(options.shard.count) + ".json");
    }
    return options;
  }
};

}  // namespace

const recover::Decryptor& LinuxEncoderDecryptor() {
  static const LinuxEncoder decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
