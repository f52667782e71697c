#include "families/princess_locker/princess_locker.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "crypto/aes_ecb.h"
#include "families/cbc_streams.h"
#include "families/princess_locker/streams.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "kintsugi/limits.h"
#include "kintsugi/message.h"
#include "prng/prng.h"
#include "recover/seed_search.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;
using Key16 = std::array<std::uint8_t, 16>;

constexpr std::size_t kBlock = 16;
constexpr std::size_t kStringLength = 32;
// §3.6: the real key is the first 21 to 32 (0x15..0x20) characters.
constexpr std::size_t kShortestKey = 21;
constexpr PrincessHashing kHashings[] = {PrincessHashing::kHalf,
                                         PrincessHashing::kFull};
// §3.6 "Recovery" step 2: the key's seed lies just below the ID's (the
// spec's specimens: within 100 s; hasherezade's keygen walks down 100
// seeds a round). An hour below, the ID's own second included.
constexpr std::uint64_t kKeyBelowId = 3600;
// Without the ID, the key's seed is searched from the earliest encrypted
// file's time: two days down, a minute up.
constexpr std::uint64_t kSecondsBelow = 2 * 86'400;
constexpr std::uint64_t kSecondsAbove = 60;
// The ID's seed, without --seed-range: from the family's first days (it
// appeared in September 2016; a margin) to a day past this machine's
// clock, starting at the files' time.
constexpr std::uint64_t kEarliestSeed = 1'451'606'400;  // 2016-01-01.
constexpr std::uint64_t kIdAboveNow = 86'400;
// Bytes of the sample's start tested: up to 4 blocks (a text header needs
// more than one: a random block passes as text one time in ten).
constexpr std::size_t kSampleBytes = 4 * kBlock;
constexpr std::size_t kConfirmChunk = 1 << 16;
constexpr std::size_t kMaxIdSeedsReported = 5;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "princess-locker",
      .family_id = "princess-locker",
      .variants = {"half", "full"},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {},
      .needs = MessageId::kDecryptorPrincessLockerNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.6",
  };
  return info;
}

std::span<const formats::FileKind> KindsOfOriginal(std::string_view original) {
  return formats::ExpectedKinds(Path(original).extension().native());
}

// The original's name for an encrypted file's `name`: the victim's
// extension stripped; with --family and no extension known, any appended
// extension.
std::optional<std::string> OriginalName(const std::string& name,
                                        const std::string& extension,
                                        bool forced) {
  if (!extension.empty()) {
    const std::string suffix = "." + extension;
    if (name.size() > suffix.size() &&
        recover::EndsWithIgnoreCase(name, suffix)) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  if (!forced) return std::nullopt;
  return recover::StripLastExtension(name);
}

// The file a search tests keys on: the earliest encrypted file of whole
// blocks whose original name promises a checkable kind, one of a binary
// kind before any text file.
struct Sample {
  Path path;
  std::uint64_t size = 0;
  std::uint64_t mtime = 0;
  Bytes first;  // Up to kSampleBytes from the start.
  Bytes tail;   // The last 32 bytes (16 when the file is one block).
  std::vector<formats::FileKind> kinds;
  bool text = false;

  bool Before(const Sample& other) const {
    if (text != other.text) return !text;
    return mtime < other.mtime;
  }
};

// One candidate key: which seed, how many characters, which hashing.
struct Candidate {
  std::uint32_t seed = 0;
  std::size_t length = 0;
  PrincessHashing hashing = PrincessHashing::kHalf;
  Key16 key{};
  bool padded = true;  // The reading of the end that fits the sample.
};

bool Plausible(std::span<const formats::FileKind> kinds, ByteView block) {
  return std::any_of(kinds.begin(), kinds.end(), [&](formats::FileKind kind) {
    return formats::HeaderPlausible(kind, block);
  });
}

// The cheap test: `key` decrypts the sample's first block (CBC under the
// zero IV: the block's ECB decryption) to a plausible header, and for
// text its first blocks (CBC-chained) to text.
bool StartFits(crypto::AesEcb& cipher, const Sample& sample, const Key16& key) {
  std::uint8_t plain[kSampleBytes];
  const std::size_t n = sample.text ? sample.first.size() : kBlock;
  if (!cipher.SetKey(ByteView(key.data(), key.size())).ok() ||
      !cipher.Apply(ByteView(sample.first).First(n), std::span(plain, n))
           .ok()) {
    return false;
  }
  if (!Plausible(sample.kinds, ByteView(plain, kBlock))) return false;
  if (!sample.text) return true;
  for (std::size_t i = kBlock; i < n; ++i) {
    plain[i] ^= sample.first[i - kBlock];
  }
  return formats::HeaderPlausible(formats::FileKind::kText, ByteView(plain, n));
}

// Whether the sample's last block, decrypted under `key`, ends in valid
// PKCS#7 padding (§4.5: CryptEncrypt pads the final block).
bool PaddingFits(crypto::AesEcb& cipher, const Sample& sample,
                 const Key16& key) {
  std::uint8_t last[kBlock];
  const ByteView tail(sample.tail);
  if (!cipher.SetKey(ByteView(key.data(), key.size())).ok() ||
      !cipher.Apply(tail.Last(kBlock), std::span(last)).ok()) {
    return false;
  }
  if (tail.size() == 2 * kBlock) {
    for (std::size_t i = 0; i < kBlock; ++i) last[i] ^= tail.span()[i];
  }
  return crypto::Pkcs7PaddingLength(ByteView(last, kBlock)).has_value();
}

// The full check: the whole sample decrypted (padded or not) verifies.
bool WholeFileVerifies(ReadOnlyFileSystem& fs, const Sample& sample,
                       const Key16& key, bool padded) {
  auto file = fs.OpenForRead(sample.path);
  if (!file) return false;
  auto stream = StartPrincessDecryption(ByteView(key.data(), key.size()),
                                        padded, sample.size);
  if (!stream) return false;
  formats::StreamVerifier verifier(sample.kinds);
  Bytes in(kConfirmChunk);
  Bytes out(kConfirmChunk + recover::StreamDecryption::kSlack);
  for (std::uint64_t at = 0; at < sample.size;) {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(kConfirmChunk, sample.size - at));
    auto got = ReadFullyAt(**file, at, std::span(in).first(want));
    if (!got || *got != want) return false;
    auto n = (*stream)->Update(ByteView(in.data(), want), out);
    if (!n) return false;
    verifier.Update(ByteView(out.data(), *n));
    at += want;
  }
  auto last = (*stream)->Finish(out);
  if (!last) return false;
  verifier.Update(ByteView(out.data(), *last));
  return verifier.Finish().valid();
}

// Whether `c`'s key is confirmed on `sample`: its end's padding (with, for
// text, the full check too: text says little) or, without padding, the
// full check. Sets c.padded to the reading that fits.
bool Confirmed(ReadOnlyFileSystem& fs, const Sample& sample, Candidate& c) {
  auto cipher = crypto::AesEcb::Create(kBlock);
  if (!cipher) return false;
  if (PaddingFits(*cipher, sample, c.key) &&
      (!sample.text || WholeFileVerifies(fs, sample, c.key, true))) {
    c.padded = true;
    return true;
  }
  if (WholeFileVerifies(fs, sample, c.key, false)) {
    c.padded = false;
    return true;
  }
  return false;
}

// Tries the candidates of key seeds: the cheap test on the sample, then a
// confirmation on it, or (its end may be damaged) on another file of the
// run whose start the key fits too: every file has the same key.
class KeyTrial {
 public:
  KeyTrial(ReadOnlyFileSystem& fs, std::span<const Sample> samples,
           std::vector<PrincessHashing> hashings)
      : fs_(fs),
        samples_(samples),
        sample_(samples.front()),
        hashings_(std::move(hashings)) {}

  // The (skip + 1)-th candidate of `seed` that passes the cheap test.
  std::optional<Candidate> Cheap(crypto::AesEcb& cipher, std::uint32_t seed,
                                 std::size_t skip) const {
    const std::string string = PrincessKeyString(seed);
    for (std::size_t length = kShortestKey; length <= kStringLength; ++length) {
      for (PrincessHashing hashing : hashings_) {
        const Key16 key = PrincessAesKey(string, length, hashing);
        if (StartFits(cipher, sample_, key) && skip-- == 0) {
          return Candidate{seed, length, hashing, key, true};
        }
      }
    }
    return std::nullopt;
  }

  // The candidate of `seed` that passes the full test, if any.
  std::optional<Candidate> Full(crypto::AesEcb& cipher,
                                std::uint32_t seed) const {
    for (std::size_t skip = 0;; ++skip) {
      std::optional<Candidate> c = Cheap(cipher, seed, skip);
      if (!c) return std::nullopt;
      for (const Sample& sample : samples_) {
        if (&sample != &sample_ && !StartFits(cipher, sample, c->key)) {
          continue;
        }
        if (Confirmed(fs_, sample, *c)) return c;
      }
    }
  }

  // The key's seed at or below `id_seed`, the nearest first.
  std::optional<Candidate> BelowId(std::uint64_t id_seed) const {
    auto cipher = crypto::AesEcb::Create(kBlock);
    if (!cipher) return std::nullopt;
    for (std::uint64_t d = 0; d <= kKeyBelowId && d <= id_seed; ++d) {
      const auto seed = static_cast<std::uint32_t>(id_seed - d);
      if (!Cheap(*cipher, seed, 0)) continue;
      if (auto c = Full(*cipher, seed)) return c;
    }
    return std::nullopt;
  }

 private:
  ReadOnlyFileSystem& fs_;
  std::span<const Sample> samples_;
  const Sample& sample_;
  std::vector<PrincessHashing> hashings_;
};

// Without the ID: each seed is a key seed.
class KeyTester final : public SeedTester {
 public:
  explicit KeyTester(const KeyTrial& trial) : trial_(trial) {}
  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    auto cipher = crypto::AesEcb::Create(kBlock);
    if (!cipher) return;
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto seed = static_cast<std::uint32_t>(first + i);
      if (trial_.Cheap(*cipher, seed, 0)) hits.push_back(first + i);
    }
  }
  bool Confirm(std::uint64_t seed) const override {
    auto cipher = crypto::AesEcb::Create(kBlock);
    return cipher &&
           trial_.Full(*cipher, static_cast<std::uint32_t>(seed)).has_value();
  }

 private:
  const KeyTrial& trial_;
};

// With the ID (§3.6 "Recovery" step 1): each seed is a candidate for the
// ID's, which a key seed just below it confirms (step 2).
class IdTester final : public SeedTester {
 public:
  IdTester(std::string id, const KeyTrial& trial)
      : id_(std::move(id)), trial_(trial) {}

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    for (std::uint32_t i = 0; i < count; ++i) {
      if (MakesId(first + i)) hits.push_back(first + i);
    }
  }

  bool Confirm(std::uint64_t seed) const override {
    if (!MakesId(seed)) return false;
    std::optional<Candidate> found = trial_.BelowId(seed);
    std::lock_guard lock(mutex_);
    id_seeds_.push_back(seed);
    if (found) found_.emplace(seed, *found);
    return found.has_value();
  }

  std::optional<Candidate> Found(std::uint64_t id_seed) const {
    std::lock_guard lock(mutex_);
    auto it = found_.find(id_seed);
    if (it == found_.end()) return std::nullopt;
    return it->second;
  }
  // The seeds that made the ID, in the order they were met.
  std::vector<std::uint64_t> IdSeeds() const {
    std::lock_guard lock(mutex_);
    return id_seeds_;
  }

 private:
  // Whether srand(seed) draws the ID (lower-cased), stopping at the first
  // character that differs.
  bool MakesId(std::uint64_t seed) const {
    // kPrincessCharset lower-cased.
    static constexpr std::string_view kLower =
        "0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
    prng::MsvcRand random(static_cast<std::uint32_t>(seed));
    for (char c : id_) {
      if (kLower[static_cast<std::size_t>(
              random.Next() % static_cast<int>(kLower.size()))] != c) {
        return false;
      }
    }
    return true;
  }

  std::string id_;
  const KeyTrial& trial_;
  mutable std::mutex mutex_;
  mutable std::vector<std::uint64_t> id_seeds_;
  mutable std::map<std::uint64_t, Candidate> found_;
};

class PrincessRun final : public recover::DecryptorRun {
 public:
  PrincessRun(bool active, bool forced, std::string extension,
              std::optional<Candidate> found, std::optional<Key16> user_key,
              KeyVerdict no_key_verdict, Message no_key,
              std::vector<ReportedKey> reported)
      : active_(active),
        forced_(forced),
        extension_(std::move(extension)),
        found_(std::move(found)),
        user_key_(std::move(user_key)),
        no_key_verdict_(no_key_verdict),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  // §3.6 (AES-128-CBC of the whole file from offset 0): every byte of the
  // original is encrypted.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)file;
    (void)probe;
    return recover::IntactBytes{std::nullopt, 0, false};
  }

  // The victim's extension, from the note or --victim-id; without one its
  // files are not told at all (unless forced).
  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (!active_ || (extension_.empty() && !forced_)) {
      return std::vector<std::string>{};
    }
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({"." + extension_});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (!active_ || file.size == 0) return probe;
    auto original = OriginalName(file.name, extension_, forced_);
    if (!original) return probe;
    probe.original_name = *original;
    const bool by_extension =
        !extension_.empty() && file.name.size() > original->size() + 1 &&
        recover::AsciiLower(file.name.substr(original->size() + 1)) ==
            extension_;
    // The note's extension, one per victim, says more than a guess.
    probe.confidence = by_extension ? 60 : 40;
    if (by_extension) {
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Princess Locker"}, {"extension", "." + extension_}}};
    } else {
      probe.reason = Message{MessageId::kRecoverProbeForced,
                             {{"decryptor", "princess-locker"}}};
    }
    const std::optional<Key16> key = RunKey();
    if (key && file.size % kBlock == 0 &&
        HeaderFits(*key, file, probe.original_name) == true) {
      probe.confidence = 90;
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    const std::optional<Key16> key = RunKey();
    if (!key) {
      outcome.verdict = no_key_verdict_;
      outcome.message = no_key_;
      return outcome;
    }
    if (file.size == 0 || file.size % kBlock != 0) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverJigsawNotWholeBlocks,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    const std::optional<bool> header =
        HeaderFits(*key, file, probe.original_name);
    if (header == false) {
      const auto kinds = KindsOfOriginal(probe.original_name);
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{
          user_key_ ? MessageId::kRecoverGivenKeyNoHeader
                    : MessageId::kRecoverPrincessLockerKeyNoFit,
          {{"kind", std::string(formats::FileKindName(kinds.front()))}}};
      return outcome;
    }
    // §3.6 "Uncertain": padded or not, by what the end says.
    const bool padded = Padded(*key, file);
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.key = SecretBytes(ByteView(key->data(), key->size()));
    outcome.key.iv = SecretBytes(kBlock);
    outcome.key.region = padded ? 0 : 1;
    if (user_key_) {
      outcome.key.source = "--key";
      return outcome;
    }
    outcome.key.variant = std::string(PrincessHashingName(found_->hashing));
    outcome.key.source = "seed " + std::to_string(found_->seed);
    outcome.found =
        Message{MessageId::kRecoverPrincessLockerKey,
                {{"seed", static_cast<std::int64_t>(found_->seed)},
                 {"time", UtcTime(found_->seed)},
                 {"length", static_cast<std::int64_t>(found_->length)},
                 {"hashing", std::string(PrincessHashingName(found_->hashing))},
                 {"padding", std::string(padded ? "padded" : "unpadded")},
                 {"key", ToHex(ByteView(key->data(), key->size()))}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    return StartPrincessDecryption(key.key.view(), key.region == 0, file_size);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  std::optional<Key16> RunKey() const {
    if (user_key_) return user_key_;
    if (found_) return found_->key;
    return std::nullopt;
  }

  // Whether `key` decrypts the file's first block to the header its
  // original name promises; nullopt when the name promises nothing.
  static std::optional<bool> HeaderFits(const Key16& key,
                                        const FileSample& file,
                                        const std::string& original) {
    const auto kinds = KindsOfOriginal(original);
    if (kinds.empty() || file.head.size() < kBlock) return std::nullopt;
    std::uint8_t block[kBlock];
    auto cipher = crypto::AesEcb::Create(kBlock);
    if (!cipher || !cipher->SetKey(ByteView(key.data(), key.size())).ok() ||
        !cipher->Apply(file.head.First(kBlock), std::span(block)).ok()) {
      return false;
    }
    return Plausible(kinds, ByteView(block, kBlock));
  }

  static bool Padded(const Key16& key, const FileSample& file) {
    if (file.tail.size() < kBlock) return false;
    Sample end;
    end.tail = file.tail
                   .Last(std::min<std::size_t>(
                       2 * kBlock, static_cast<std::size_t>(file.size)))
                   .ToBytes();
    auto cipher = crypto::AesEcb::Create(kBlock);
    return cipher && PaddingFits(*cipher, end, key);
  }

  bool active_;
  bool forced_;
  std::string extension_;
  std::optional<Candidate> found_;
  std::optional<Key16> user_key_;
  KeyVerdict no_key_verdict_;
  Message no_key_;
  std::vector<ReportedKey> reported_;
};

// What the run's files say: the note (extension, ID), and the sample.
struct RunFiles {
  std::string extension;
  std::optional<std::string> id;
  // The best samples, the best first (kMaxSamples at most).
  std::vector<Sample> samples;
  std::optional<std::uint64_t> earliest;  // mtime of the encrypted files.
};

// Samples kept: the best, and others to confirm a key on when its end is
// damaged.
constexpr std::size_t kMaxSamples = 4;

// Finds a note among the inputs by its name (no file is opened but the
// note).
Result<RunFiles> FindNote(ReadOnlyFileSystem& fs,
                          const recover::RunInputs& inputs) {
  RunFiles run;
  if (!inputs.for_each_file) return run;
  const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
    if (run.id) return Status::Ok();
    const auto extension = PrincessNoteExtension(path.filename().string());
    if (!extension) return Status::Ok();
    if (run.extension.empty()) run.extension = *extension;
    if (size > limits::kMaxRecoverNoteBytes) return Status::Ok();
    auto text = ReadHead(fs, path, limits::kMaxRecoverNoteBytes);
    if (!text) return Status::Ok();  // Another note may do.
    run.id = PrincessNoteId(std::string_view(
        reinterpret_cast<const char*>(text->data()), text->size()));
    if (run.id) run.extension = *extension;
    return Status::Ok();
  };
  KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
  return run;
}

// The sample and the earliest time among the encrypted files.
Status FindSample(ReadOnlyFileSystem& fs, const recover::RunInputs& inputs,
                  bool forced, RunFiles& run) {
  if (!inputs.for_each_file) return Status::Ok();
  SearchControl control(inputs.search.stop, inputs.file_count,
                        inputs.search.on_progress);
  const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
    KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
    const std::string name = path.filename().string();
    if (PrincessNoteExtension(name)) return Status::Ok();
    const auto original = OriginalName(name, run.extension, forced);
    if (!original) return Status::Ok();
    const auto kinds = KindsOfOriginal(*original);
    // Without the note's extension, only a name such as "a.pdf.xyzw" looks
    // encrypted.
    const bool by_extension =
        !run.extension.empty() &&
        recover::EndsWithIgnoreCase(name, "." + run.extension);
    if (!by_extension && kinds.empty()) return Status::Ok();
    const std::optional<std::uint64_t> mtime = MtimeSeconds(fs, path);
    if (!mtime) return Status::Ok();
    run.earliest = std::min(run.earliest.value_or(*mtime), *mtime);
    if (kinds.empty() || size < kBlock || size % kBlock != 0) {
      return Status::Ok();
    }
    Sample sample;
    sample.path = path;
    sample.size = size;
    sample.mtime = *mtime;
    sample.kinds.assign(kinds.begin(), kinds.end());
    sample.text = std::all_of(kinds.begin(), kinds.end(), [](auto kind) {
      return kind == formats::FileKind::kText;
    });
    const auto at =
        std::find_if(run.samples.begin(), run.samples.end(),
                     [&](const Sample& s) { return sample.Before(s); });
    if (at - run.samples.begin() >= static_cast<std::ptrdiff_t>(kMaxSamples)) {
      return Status::Ok();
    }
    auto file = fs.OpenForRead(path);
    if (!file) return Status::Ok();
    sample.first.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(size, kSampleBytes)));
    sample.tail.resize(size >= 2 * kBlock ? 2 * kBlock : kBlock);
    auto got_first = ReadFullyAt(**file, 0, sample.first);
    auto got_tail = ReadFullyAt(**file, size - sample.tail.size(), sample.tail);
    if (!got_first || !got_tail || *got_first != sample.first.size() ||
        *got_tail != sample.tail.size()) {
      return Status::Ok();
    }
    run.samples.insert(at, std::move(sample));
    if (run.samples.size() > kMaxSamples) run.samples.pop_back();
    return Status::Ok();
  };
  return inputs.for_each_file(visit);
}

std::optional<std::string> ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return std::nullopt;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) return std::nullopt;
  }
  return recover::AsciiLower(id);
}

class PrincessLocker final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override;
};

Result<std::unique_ptr<recover::DecryptorRun>> PrincessLocker::Prepare(
    ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const {
  if (inputs.iv) {
    return InvalidArgumentError(
        "Princess Locker takes no --iv (CryptoAPI's IV of zeros)");
  }
  std::optional<std::string> given_id;
  if (!inputs.seed.victim_id.empty()) {
    given_id = ValidId(inputs.seed.victim_id);
    if (!given_id) {
      return InvalidArgumentError(
          "a victim ID is 1 to 64 letters and digits, as the note shows it");
    }
  }
  KINTSUGI_ASSIGN_OR_RETURN(RunFiles run, FindNote(fs, inputs));
  if (given_id) run.id = given_id;
  // Without --family, only a note (or --victim-id) says the files are
  // Princess Locker's.
  const bool active =
      inputs.forced || !run.extension.empty() || given_id.has_value();
  auto make = [&](std::optional<Candidate> found, std::optional<Key16> key,
                  KeyVerdict verdict, Message why,
                  std::vector<ReportedKey> reported = {}) {
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<PrincessRun>(
        active, inputs.forced, run.extension, std::move(found), std::move(key),
        verdict, std::move(why), std::move(reported)));
  };
  if (inputs.key) {
    if (inputs.key->size() != kBlock) {
      return InvalidArgumentError(
          "a Princess Locker key is the 16-byte AES-128 key a search printed "
          "(32 hex digits)");
    }
    Key16 key{};
    std::copy(inputs.key->view().begin(), inputs.key->view().end(),
              key.begin());
    return make(std::nullopt, key, KeyVerdict::kNotFound, Message{});
  }
  if (!active) {
    return make(std::nullopt, std::nullopt, KeyVerdict::kNotFound, Message{});
  }
  KINTSUGI_RETURN_IF_ERROR(FindSample(fs, inputs, inputs.forced, run));
  if (run.samples.empty()) {
    return make(std::nullopt, std::nullopt, KeyVerdict::kNeedsInput,
                Message{MessageId::kRecoverPrincessLockerNoSample, {}});
  }
  const Sample& sample = run.samples.front();
  const std::uint64_t estimate = run.earliest.value_or(sample.mtime);
  // --variant: one reading of the hashing; another family's name is not
  // this one's to refuse unless the user chose this family.
  std::vector<PrincessHashing> hashings;
  for (PrincessHashing hashing : kHashings) {
    if (inputs.seed.variant == PrincessHashingName(hashing)) {
      hashings.push_back(hashing);
    }
  }
  if (hashings.empty()) {
    if (inputs.forced && !inputs.seed.variant.empty()) {
      return InvalidArgumentError("unknown Princess Locker variant \"" +
                                  inputs.seed.variant +
                                  "\" (known: half, full)");
    }
    hashings.assign(std::begin(kHashings), std::end(kHashings));
  }
  const std::uint64_t keys_per_seed =
      (kStringLength - kShortestKey + 1) * hashings.size();
  const KeyTrial trial(fs, run.samples, hashings);
  ClockSearch search;
  search.decryptor = "princess-locker";
  search.fingerprint = sample.path.string() + "|" +
                       std::to_string(sample.size) + "|" + ToHex(sample.first) +
                       "|" + std::to_string(keys_per_seed);
  std::optional<Candidate> found;
  std::optional<ClockSearchOutcome> outcome;
  std::vector<std::uint64_t> id_seeds;
  if (run.id) {
    // The ID's seed: over the family's whole era, from the files' time.
    ClockWindow window;
    if (inputs.seed.range) {
      KINTSUGI_ASSIGN_OR_RETURN(
          auto given, ResolveClockWindow(inputs.seed, estimate, 0, 0));
      window = *given;
    } else {
      const auto now = static_cast<std::uint64_t>(std::time(nullptr));
      window.first = kEarliestSeed;
      window.last =
          std::min(kLastClockSeed, std::max(now, estimate) + kIdAboveNow);
      window.center = std::clamp(inputs.seed.around.value_or(estimate),
                                 window.first, window.last);
    }
    search.window = window;
    search.fingerprint += "|id " + *run.id;
    search.variant = "the seed of victim ID " + *run.id;
    search.keys = 1;
    search.chunk = 1 << 16;
    const IdTester tester(*run.id, trial);
    KINTSUGI_ASSIGN_OR_RETURN(outcome, RunClockSearch(tester, search, inputs));
    if (outcome->result.seed) found = tester.Found(*outcome->result.seed);
    id_seeds = tester.IdSeeds();
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<ClockWindow> window,
                              ResolveClockWindow(inputs.seed, estimate,
                                                 kSecondsBelow, kSecondsAbove));
    search.window = *window;
    search.variant = "key lengths 21-32, both hashings";
    search.keys = keys_per_seed;
    search.chunk = 1 << 10;
    const KeyTester tester(trial);
    KINTSUGI_ASSIGN_OR_RETURN(outcome, RunClockSearch(tester, search, inputs));
    if (outcome->result.seed) {
      auto cipher = crypto::AesEcb::Create(kBlock);
      if (cipher) {
        found = trial.Full(*cipher,
                           static_cast<std::uint32_t>(*outcome->result.seed));
      }
    }
  }
  if (!found) {
    Message why = ClockNotFoundMessage(*outcome, keys_per_seed);
    if (run.id && why.id != MessageId::kRecoverSeedShardEmpty) {
      if (id_seeds.empty()) {
        why = Message{
            MessageId::kRecoverPrincessLockerIdNotFound,
            {{"id", *run.id},
             {"first",
              static_cast<std::int64_t>(outcome->result.covered_first)},
             {"last", static_cast<std::int64_t>(outcome->result.covered_last)},
             {"from", UtcTime(outcome->result.covered_first)},
             {"to", UtcTime(outcome->result.covered_last)}}};
      } else {
        std::string seeds;
        for (std::size_t i = 0; i < id_seeds.size() && i < kMaxIdSeedsReported;
             ++i) {
          seeds += (i == 0 ? "" : ", ") + std::to_string(id_seeds[i]);
        }
        why = Message{MessageId::kRecoverPrincessLockerKeyNotFound,
                      {{"id", *run.id},
                       {"id_seeds", seeds},
                       {"window", static_cast<std::int64_t>(kKeyBelowId)}}};
      }
    }
    return make(std::nullopt, std::nullopt, KeyVerdict::kNotFound,
                std::move(why));
  }
  ReportedKey reported;
  reported.decryptor = "princess-locker";
  reported.key_hex = ToHex(ByteView(found->key.data(), found->key.size()));
  reported.source = "seed search";
  reported.detail =
      Message{MessageId::kRecoverPrincessLockerKeyFound,
              {{"seed", static_cast<std::int64_t>(found->seed)},
               {"time", UtcTime(found->seed)},
               {"string", PrincessKeyString(found->seed)},
               {"length", static_cast<std::int64_t>(found->length)},
               {"hashing", std::string(PrincessHashingName(found->hashing))}}};
  return make(found, std::nullopt, KeyVerdict::kNotFound, Message{},
              {std::move(reported)});
}

}  // namespace

const recover::Decryptor& PrincessLockerDecryptor() {
  static const PrincessLocker decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
