#include "families/dma_locker/dma_locker.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/aes_ecb.h"
#include "families/dma_locker/layout.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "kintsugi/message.h"
#include "recover/seed_search.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;
using Key32 = std::array<std::uint8_t, kDmaKeyBytes>;

constexpr std::size_t kBlock = 16;
// Keys of each seed's stream the search tries, per generator. §3.5
// "Recovery": DMA Unlocker starts at 65 a seed; the pivot is the earliest
// file, so its key comes early in the stream (a run of only some of the
// files encrypted after the attack began can need more: give it the first
// ones).
constexpr std::uint64_t kKeysPerSeed = 256;
// §3.5 "Recovery" step 2: from the pivot's time down, about two days; and
// a minute over it for clocks a little apart.
constexpr std::uint64_t kSecondsBelow = 2 * 86'400;
constexpr std::uint64_t kSecondsAbove = 60;
// How far into the found stream a file's key is looked for: DMA Unlocker's
// largest series.
constexpr std::uint64_t kMaxStreamKeys = 1'000'000;
// For a file checked by decrypting all of it (a small one whose first
// block is not encrypted): this many keys from where its time ranks it.
constexpr std::uint64_t kMaxWholeFileKeys = 4096;
constexpr std::size_t kConfirmChunk = 1 << 16;

constexpr DmaKeyGenerator kGenerators[] = {DmaKeyGenerator::kV1,
                                           DmaKeyGenerator::kV2};

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "dma-locker",
      .family_id = "dma-locker",
      .variants = {"v1", "v2"},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {},
      .needs = MessageId::kDecryptorDmaLockerNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.5",
  };
  return info;
}

bool HasMarker(ByteView head) {
  return head.size() >= kDmaMarker.size() &&
         head.First(kDmaMarker.size()) == ByteView::FromString(kDmaMarker);
}

// DMA Locker keeps names: the kinds the file's own name promises.
std::span<const formats::FileKind> KindsOf(const Path& path) {
  return formats::ExpectedKinds(path.extension().native());
}

bool Plausible(std::span<const formats::FileKind> kinds, ByteView block,
               std::uint64_t original_size) {
  return std::any_of(kinds.begin(), kinds.end(), [&](formats::FileKind kind) {
    return formats::HeaderPlausible(kind, block, original_size);
  });
}

// The encrypted bytes a search tests: the first blocks of the first chunk,
// up to 4 (a text header needs more than one: a random block passes as text
// one time in ten).
constexpr std::size_t kSampleBytes = 4 * kBlock;

// The file a search tests seeds on (§3.5 "Recovery" step 1, the pivot):
// the earliest marked file whose name promises a checkable kind and whose
// first block is encrypted; one of a binary kind before any text file,
// whose header says much less.
struct Sample {
  Path path;
  std::uint64_t size = 0;   // The file's, header included.
  std::uint64_t mtime = 0;  // Seconds.
  Bytes first;              // Its first encrypted blocks (at 0x88).
  std::vector<formats::FileKind> kinds;
  bool text = false;  // Its kind is text.

  std::uint64_t original_size() const { return size - kDmaHeaderBytes; }
  // Whether it makes a better sample than `other`.
  bool Before(const Sample& other) const {
    if (text != other.text) return !text;
    return mtime < other.mtime;
  }
};

// What a search needs from the run's files: the sample, and the times of
// every marked file (sorted), which rank a file in the stream.
struct RunFiles {
  std::optional<Sample> sample;
  // Other files of binary kinds, the earliest first: when the sample
  // itself does not verify (a valid file our validator finds fault with),
  // a candidate key is confirmed by one of them taking a key of the same
  // stream.
  std::vector<Sample> witnesses;
  std::vector<std::uint64_t> mtimes;
};

// Witnesses kept (each costs a few thousand AES blocks per confirmation).
constexpr std::size_t kMaxWitnesses = 3;
// How deep into a seed's stream a witness's key is looked for.
constexpr std::uint64_t kWitnessKeys = 4 * kKeysPerSeed;

Result<RunFiles> ScanRunFiles(ReadOnlyFileSystem& fs,
                              const recover::RunInputs& inputs) {
  RunFiles run;
  if (!inputs.for_each_file) return run;
  std::vector<Sample> candidates;  // The best first.
  SearchControl control(inputs.search.stop, inputs.file_count,
                        inputs.search.on_progress);
  const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
    KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
    if (size < kDmaHeaderBytes) return Status::Ok();
    auto file = fs.OpenForRead(path);
    if (!file) return Status::Ok();  // Another file may do.
    std::uint8_t head[kDmaHeaderBytes + kSampleBytes];
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(size, sizeof head));
    auto got = ReadFullyAt(**file, 0, std::span(head, want));
    if (!got || *got != want || !HasMarker(ByteView(head, want))) {
      return Status::Ok();
    }
    const std::optional<std::uint64_t> mtime = MtimeSeconds(fs, path);
    if (!mtime) return Status::Ok();
    run.mtimes.push_back(*mtime);
    const auto kinds = KindsOf(path);
    const DmaLayout layout(size - kDmaHeaderBytes);
    if (kinds.empty() || !layout.FirstBlockEncrypted()) {
      return Status::Ok();
    }
    // The leading encrypted blocks the head holds (up to 4).
    std::size_t blocks = 0;
    while (blocks * kBlock < kSampleBytes &&
           kDmaHeaderBytes + (blocks + 1) * kBlock <= want &&
           layout.At(blocks * kBlock).encrypted) {
      ++blocks;
    }
    Sample sample;
    sample.path = path;
    sample.size = size;
    sample.mtime = *mtime;
    sample.first.assign(head + kDmaHeaderBytes,
                        head + kDmaHeaderBytes + blocks * kBlock);
    sample.kinds.assign(kinds.begin(), kinds.end());
    sample.text = std::all_of(kinds.begin(), kinds.end(), [](auto kind) {
      return kind == formats::FileKind::kText;
    });
    // The best kMaxWitnesses + 1 candidates, in order.
    auto at = std::find_if(candidates.begin(), candidates.end(),
                           [&](const Sample& c) { return sample.Before(c); });
    if (at - candidates.begin() <= static_cast<std::ptrdiff_t>(kMaxWitnesses)) {
      candidates.insert(at, std::move(sample));
      if (candidates.size() > kMaxWitnesses + 1) candidates.pop_back();
    }
    return Status::Ok();
  };
  KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
  if (!candidates.empty()) {
    run.sample = std::move(candidates.front());
    for (std::size_t i = 1; i < candidates.size(); ++i) {
      if (!candidates[i].text)
        run.witnesses.push_back(std::move(candidates[i]));
    }
  }
  std::sort(run.mtimes.begin(), run.mtimes.end());
  return run;
}

// Whether `key` decrypts the whole of `path` (a DMA Locker file of `size`
// bytes) to a valid file of one of `kinds`: the full check (§4.4), read in
// bounded chunks.
bool WholeFileVerifies(ReadOnlyFileSystem& fs, const Path& path,
                       std::uint64_t size,
                       std::span<const formats::FileKind> kinds, ByteView key) {
  auto file = fs.OpenForRead(path);
  if (!file) return false;
  auto stream = StartDmaDecryption(key, size);
  if (!stream) return false;
  formats::StreamVerifier verifier(kinds);
  verifier.ExpectAtLeast(size - kDmaHeaderBytes);
  Bytes in(kConfirmChunk);
  Bytes out(kConfirmChunk + recover::StreamDecryption::kSlack);
  for (std::uint64_t at = 0; at < size;) {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(kConfirmChunk, size - at));
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

// A key of a seed's stream that fits the sample.
struct Found {
  DmaKeyGenerator generator = DmaKeyGenerator::kV1;
  std::uint64_t index = 0;
  Key32 key{};
};

// The cheap test (§4.4): whether `key` decrypts the first block of
// `sample` to a plausible header of its kind (and, for text, its first
// blocks to text).
bool SampleFits(crypto::AesEcb& cipher, const Sample& sample,
                const Key32& key) {
  std::uint8_t blocks[kSampleBytes];
  const std::span<std::uint8_t> out(blocks, sample.first.size());
  if (!cipher.SetKey(ByteView(key.data(), key.size())).ok() ||
      !cipher.Apply(sample.first, out).ok()) {
    return false;
  }
  if (!Plausible(sample.kinds, ByteView(blocks, kBlock),
                 sample.original_size())) {
    return false;
  }
  return !sample.text ||
         formats::HeaderPlausible(formats::FileKind::kText,
                                  ByteView(out.data(), out.size()));
}

class Tester final : public SeedTester {
 public:
  Tester(ReadOnlyFileSystem& fs, const Sample& sample,
         std::span<const Sample> witnesses,
         std::vector<DmaKeyGenerator> generators)
      : fs_(fs),
        sample_(sample),
        witnesses_(witnesses),
        generators_(std::move(generators)) {}

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    auto cipher = crypto::AesEcb::Create(kDmaKeyBytes);
    if (!cipher) return;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (FirstFit(*cipher, first + i, 0).has_value()) {
        hits.push_back(first + i);
      }
    }
  }

  bool Confirm(std::uint64_t seed) const override {
    return Which(seed).has_value();
  }

  // The key of `seed`'s streams that decrypts the whole sample, or whose
  // stream holds a key another file takes too, if any.
  std::optional<Found> Which(std::uint64_t seed) const {
    auto cipher = crypto::AesEcb::Create(kDmaKeyBytes);
    if (!cipher) return std::nullopt;
    // Every cheap fit in turn: a wrong one fails both checks.
    std::size_t skip = 0;
    while (auto found = FirstFit(*cipher, seed, skip)) {
      if (WholeFileVerifies(fs_, sample_.path, sample_.size, sample_.kinds,
                            ByteView(found->key.data(), found->key.size())) ||
          Witnessed(*cipher, seed, *found)) {
        return found;
      }
      ++skip;
    }
    return std::nullopt;
  }

 private:
  // The cheap test: the (skip + 1)-th key of `seed`'s streams (each
  // generator's first kKeysPerSeed keys in turn) that decrypts the
  // sample's first block to a plausible header.
  std::optional<Found> FirstFit(crypto::AesEcb& cipher, std::uint64_t seed,
                                std::size_t skip) const {
    for (DmaKeyGenerator generator : generators_) {
      prng::MsvcRand random(static_cast<std::uint32_t>(seed));
      for (std::uint64_t j = 0; j < kKeysPerSeed; ++j) {
        const Key32 key = DmaNextKey(generator, random);
        if (SampleFits(cipher, sample_, key) && skip-- == 0) {
          return Found{generator, j, key};
        }
      }
    }
    return std::nullopt;
  }

  // Whether another key of `found`'s stream fits a witness's header: two
  // files of binary kinds that both fit keys of one stream (each a chance
  // of 2^-24 or less for a wrong key) confirm it without a validator.
  bool Witnessed(crypto::AesEcb& cipher, std::uint64_t seed,
                 const Found& found) const {
    for (const Sample& witness : witnesses_) {
      prng::MsvcRand random(static_cast<std::uint32_t>(seed));
      for (std::uint64_t j = 0; j < kWitnessKeys; ++j) {
        const Key32 key = DmaNextKey(found.generator, random);
        if (j != found.index && SampleFits(cipher, witness, key)) return true;
      }
    }
    return false;
  }

  ReadOnlyFileSystem& fs_;
  const Sample& sample_;
  std::span<const Sample> witnesses_;
  std::vector<DmaKeyGenerator> generators_;
};

// The stream a search found: every file's key is one of its keys.
struct Stream {
  std::uint32_t seed = 0;
  DmaKeyGenerator generator = DmaKeyGenerator::kV1;
  std::uint64_t pivot_index = 0;  // The sample's key in the stream.
  std::uint64_t pivot_rank = 0;   // Marked files older than the sample.
  std::vector<std::uint64_t> mtimes;
};

// How a file's key can be recognised from its sample (the head the
// pipeline read): by its first block and the head it decrypts, or, for a
// small file held whole, by the full check.
class FileCheck {
 public:
  FileCheck(const FileSample& file, std::span<const formats::FileKind> kinds)
      : file_(file),
        kinds_(kinds),
        layout_(file.size - kDmaHeaderBytes),
        head_(std::min<std::uint64_t>(layout_.size(),
                                      file.head.size() > kDmaHeaderBytes
                                          ? file.head.size() - kDmaHeaderBytes
                                          : 0)) {
    // Only whole blocks decrypt: a head that cuts one ends before it.
    if (head_ > 0 && head_ < layout_.size()) {
      const DmaLayout::Run last = layout_.At(head_ - 1);
      if (last.encrypted && last.end > head_) head_ = last.block;
    }
  }

  bool by_header() const {
    return !kinds_.empty() && layout_.FirstBlockEncrypted() && head_ >= kBlock;
  }
  bool by_whole_file() const {
    return !kinds_.empty() && !by_header() && head_ == layout_.size();
  }
  bool possible() const { return by_header() || by_whole_file(); }

  bool Fits(crypto::AesEcb& cipher, ByteView key) const {
    const ByteView encrypted =
        *file_.head.Sub(kDmaHeaderBytes, static_cast<std::size_t>(head_));
    if (by_header()) {
      std::uint8_t block[kBlock];
      if (!cipher.SetKey(key).ok() ||
          !cipher.Apply(encrypted.First(kBlock), std::span(block)).ok() ||
          !Plausible(kinds_, ByteView(block, kBlock), layout_.size())) {
        return false;
      }
      // The whole head decrypted must still look like that kind.
      Bytes head = encrypted.ToBytes();
      if (!DmaTransform(key, layout_.size(), head, /*encrypt=*/false).ok()) {
        return false;
      }
      return Plausible(kinds_, head, layout_.size());
    }
    if (!by_whole_file()) return false;
    Bytes whole = encrypted.ToBytes();
    if (!DmaTransform(key, layout_.size(), whole, /*encrypt=*/false).ok()) {
      return false;
    }
    return formats::Verify(whole, kinds_).valid();
  }

 private:
  const FileSample& file_;
  std::span<const formats::FileKind> kinds_;
  DmaLayout layout_;
  std::uint64_t head_;  // Bytes of the original in the sample's head.
};

class DmaRun final : public recover::DecryptorRun {
 public:
  DmaRun(ReadOnlyFileSystem& fs, std::optional<Stream> stream,
         std::optional<SecretBytes> user_key, KeyVerdict no_key_verdict,
         Message no_key, std::vector<ReportedKey> reported)
      : fs_(fs),
        stream_(std::move(stream)),
        user_key_(std::move(user_key)),
        no_key_verdict_(no_key_verdict),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  // §3.5 "Layout and cipher": the 0x88-byte header, then the original
  // with whole blocks of its 45 chunks encrypted.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    if (file.size < kDmaHeaderBytes) return std::nullopt;
    const DmaLayout layout(file.size - kDmaHeaderBytes);
    return recover::IntactBytes{layout.size(), layout.PlainBytes(), false};
  }

  // Its files are told by their marker alone.
  std::optional<std::vector<std::string>> NameSuffixes() const override {
    return std::vector<std::string>{};
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (!HasMarker(file.head)) return probe;
    // The marker is the family's structure (§3.5 "Recognition").
    probe.confidence = 90;
    probe.original_name = file.name;
    probe.reason = Message{MessageId::kRecoverProbeDmaLockerMarker, {}};
    if (stream_) {
      probe.variant = std::string(DmaKeyGeneratorName(stream_->generator));
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult&) const override {
    KeyOutcome outcome;
    if (file.size < kDmaHeaderBytes) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverDmaLockerTooShort,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    if (!DmaLayout(file.size - kDmaHeaderBytes).AnyEncrypted()) {
      // Too small for a whole block anywhere: the file is its original.
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = SecretBytes(kDmaKeyBytes);
      outcome.key.source = "nothing encrypted";
      return outcome;
    }
    const auto kinds = KindsOf(file.path);
    const FileCheck check(file, kinds);
    auto cipher = crypto::AesEcb::Create(kDmaKeyBytes);
    if (!cipher) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.detail = cipher.error().message();
      return outcome;
    }
    if (user_key_) {
      if (check.possible() && !check.Fits(*cipher, user_key_->view())) {
        outcome.verdict = KeyVerdict::kNotFound;
        outcome.message = Message{
            MessageId::kRecoverGivenKeyNoHeader,
            {{"kind", std::string(formats::FileKindName(kinds.front()))}}};
        return outcome;
      }
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = *user_key_;
      outcome.key.source = "--key";
      return outcome;
    }
    if (!stream_) {
      outcome.verdict = no_key_verdict_;
      outcome.message = no_key_;
      return outcome;
    }
    const std::string generator(DmaKeyGeneratorName(stream_->generator));
    if (!check.possible()) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverDmaLockerUncheckable,
                  {{"seed", static_cast<std::int64_t>(stream_->seed)},
                   {"generator", generator}}};
      return outcome;
    }
    const std::uint64_t start = StreamEstimate(file.path);
    const std::uint64_t span =
        check.by_header() ? kMaxStreamKeys : kMaxWholeFileKeys;
    if (auto found = Search(*cipher, check, start, span)) {
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = SecretBytes(ByteView(found->key.data(), kDmaKeyBytes));
      outcome.key.variant = generator;
      outcome.key.source = "seed " + std::to_string(stream_->seed) + ", key " +
                           std::to_string(found->index);
      outcome.found =
          Message{MessageId::kRecoverDmaLockerKey,
                  {{"seed", static_cast<std::int64_t>(stream_->seed)},
                   {"time", UtcTime(stream_->seed)},
                   {"generator", generator},
                   {"index", static_cast<std::int64_t>(found->index)},
                   {"key", ToHex(ByteView(found->key.data(), kDmaKeyBytes))}}};
      return outcome;
    }
    outcome.verdict = KeyVerdict::kNotFound;
    outcome.message =
        Message{MessageId::kRecoverDmaLockerNotInStream,
                {{"seed", static_cast<std::int64_t>(stream_->seed)},
                 {"generator", generator},
                 {"keys", static_cast<std::int64_t>(start + span)}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    return StartDmaDecryption(key.key.view(), file_size);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  // Where the file's key should be in the stream: after the pivot's, by as
  // many keys as there are marked files between their times (keys are drawn
  // one per file, as files are encrypted).
  std::uint64_t StreamEstimate(const Path& path) const {
    const std::optional<std::uint64_t> mtime = MtimeSeconds(fs_, path);
    if (!mtime) return stream_->pivot_index;
    const auto rank = static_cast<std::uint64_t>(
        std::lower_bound(stream_->mtimes.begin(), stream_->mtimes.end(),
                         *mtime) -
        stream_->mtimes.begin());
    if (rank >= stream_->pivot_rank) {
      return stream_->pivot_index + (rank - stream_->pivot_rank);
    }
    const std::uint64_t back = stream_->pivot_rank - rank;
    return stream_->pivot_index > back ? stream_->pivot_index - back : 0;
  }

  // The key of the stream that fits `check`: from `start` up for `span`
  // keys (later files come later: a run missing some files ranks this one
  // too early, never too late), then the keys before `start`.
  std::optional<Found> Search(crypto::AesEcb& cipher, const FileCheck& check,
                              std::uint64_t start, std::uint64_t span) const {
    prng::MsvcRand random(stream_->seed);
    Key32 key{};
    for (std::uint64_t j = 0; j < start + span; ++j) {
      key = DmaNextKey(stream_->generator, random);
      if (j >= start && check.Fits(cipher, ByteView(key.data(), key.size()))) {
        return Found{stream_->generator, j, key};
      }
    }
    prng::MsvcRand again(stream_->seed);
    for (std::uint64_t j = 0; j < start; ++j) {
      key = DmaNextKey(stream_->generator, again);
      if (check.Fits(cipher, ByteView(key.data(), key.size()))) {
        return Found{stream_->generator, j, key};
      }
    }
    return std::nullopt;
  }

  ReadOnlyFileSystem& fs_;
  std::optional<Stream> stream_;
  std::optional<SecretBytes> user_key_;
  KeyVerdict no_key_verdict_;
  Message no_key_;
  std::vector<ReportedKey> reported_;
};

Result<std::vector<DmaKeyGenerator>> ChosenGenerators(std::string_view name) {
  std::vector<DmaKeyGenerator> chosen;
  for (DmaKeyGenerator generator : kGenerators) {
    if (name.empty() || name == DmaKeyGeneratorName(generator)) {
      chosen.push_back(generator);
    }
  }
  if (chosen.empty()) {
    return InvalidArgumentError("unknown DMA Locker key generator \"" +
                                std::string(name) + "\" (known: v1, v2)");
  }
  return chosen;
}

class DmaLocker final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    auto make = [&](std::optional<Stream> stream,
                    std::optional<SecretBytes> user_key, KeyVerdict verdict,
                    Message why, std::vector<ReportedKey> reported = {}) {
      return std::unique_ptr<recover::DecryptorRun>(std::make_unique<DmaRun>(
          fs, std::move(stream), std::move(user_key), verdict, std::move(why),
          std::move(reported)));
    };
    if (inputs.iv) {
      return InvalidArgumentError("DMA Locker takes no --iv (AES-ECB)");
    }
    if (inputs.key) {
      if (inputs.key->size() != kDmaKeyBytes) {
        return InvalidArgumentError(
            "a DMA Locker key is 32 bytes (64 hex digits), one file's: the "
            "key printed for it");
      }
      return make(std::nullopt, *inputs.key, KeyVerdict::kNotFound, Message{});
    }
    // The search reads every file's head: only when the user asked.
    if (!inputs.forced) {
      return make(std::nullopt, std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverDmaLockerSearchNeeded, {}});
    }
    KINTSUGI_ASSIGN_OR_RETURN(const std::vector<DmaKeyGenerator> generators,
                              ChosenGenerators(inputs.seed.variant));
    KINTSUGI_ASSIGN_OR_RETURN(RunFiles run, ScanRunFiles(fs, inputs));
    if (!run.sample) {
      return make(std::nullopt, std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverDmaLockerNoSample, {}});
    }
    const Sample& sample = *run.sample;
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<ClockWindow> window,
                              ResolveClockWindow(inputs.seed, sample.mtime,
                                                 kSecondsBelow, kSecondsAbove));
    ClockSearch search;
    search.decryptor = "dma-locker";
    search.keys = kKeysPerSeed;
    search.window = *window;
    search.chunk = 256;
    std::string names;
    for (DmaKeyGenerator generator : generators) {
      names += (names.empty() ? "" : " and ") +
               std::string(DmaKeyGeneratorName(generator));
    }
    search.variant = "key generator" +
                     std::string(generators.size() > 1 ? "s " : " ") + names;
    search.fingerprint =
        sample.path.string() + "|" + std::to_string(sample.size) + "|" +
        ToHex(sample.first) + "|" + names + "|" + std::to_string(kKeysPerSeed);
    const Tester tester(fs, sample, run.witnesses, generators);
    KINTSUGI_ASSIGN_OR_RETURN(const ClockSearchOutcome outcome,
                              RunClockSearch(tester, search, inputs));
    if (!outcome.result.seed) {
      return make(std::nullopt, std::nullopt, KeyVerdict::kNotFound,
                  ClockNotFoundMessage(outcome, kKeysPerSeed));
    }
    const std::uint64_t seed = *outcome.result.seed;
    const std::optional<Found> found = tester.Which(seed);
    if (!found)
      return InternalError("a confirmed DMA Locker seed lost its key");
    Stream stream;
    stream.seed = static_cast<std::uint32_t>(seed);
    stream.generator = found->generator;
    stream.pivot_index = found->index;
    stream.pivot_rank = static_cast<std::uint64_t>(
        std::lower_bound(run.mtimes.begin(), run.mtimes.end(), sample.mtime) -
        run.mtimes.begin());
    stream.mtimes = std::move(run.mtimes);
    ReportedKey reported;
    reported.decryptor = "dma-locker";
    reported.key_hex = ToHex(ByteView(found->key.data(), kDmaKeyBytes));
    reported.source = "seed search";
    reported.detail = Message{
        MessageId::kRecoverDmaLockerSeedFound,
        {{"seed", static_cast<std::int64_t>(seed)},
         {"time", UtcTime(seed)},
         {"generator", std::string(DmaKeyGeneratorName(found->generator))},
         {"index", static_cast<std::int64_t>(found->index)},
         {"sample", sample.path.filename().string()}}};
    return make(std::move(stream), std::nullopt, KeyVerdict::kNotFound,
                Message{}, {std::move(reported)});
  }
};

}  // namespace

std::string_view DmaKeyGeneratorName(DmaKeyGenerator generator) {
  return generator == DmaKeyGenerator::kV1 ? "v1" : "v2";
}

std::array<std::uint8_t, 32> DmaNextKey(DmaKeyGenerator generator,
                                        prng::MsvcRand& random) {
  std::array<std::uint8_t, 32> key{};
  for (std::uint8_t& c : key) {
    if (generator == DmaKeyGenerator::kV2) {
      c = static_cast<std::uint8_t>(random.Next() % 254 + 1);
      continue;
    }
    // §3.5 generator "v1": 25..48 a digit, below 24 a lower-case letter,
    // 24 and 49 a digit, above 49 an upper-case letter (a..y, A..Y).
    const int m = random.Next() % 100;
    if ((m >= 25 && m <= 48) || m == 24 || m == 49) {
      c = static_cast<std::uint8_t>('0' + random.Next() % 10);
    } else if (m < 24) {
      c = static_cast<std::uint8_t>('a' + random.Next() % 25);
    } else {
      c = static_cast<std::uint8_t>('A' + random.Next() % 25);
    }
  }
  return key;
}

const recover::Decryptor& DmaLockerDecryptor() {
  static const DmaLocker decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
