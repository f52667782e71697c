#include "families/hidden_tear/hidden_tear.h"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"
#include "crypto/pbkdf2_sha1.h"
#include "families/cbc_streams.h"
#include "formats/file_validator.h"
#include "kintsugi/message.h"
#include "prng/prng.h"
#include "recover/seed_search.h"
#include "recover/strategies.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

// §3.3 "Derivative parameter sets". The 69-character set has `&` twice.
constexpr std::string_view kCharset69 =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890*!=&?&/";
constexpr std::string_view kCharset66 =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890*!=/";
constexpr std::uint8_t kSalt[] = {1, 2, 3, 4, 5, 6, 7, 8};
constexpr std::uint8_t kMireWareSalt[] = {3, 1, 3, 3, 7, 1, 5, 7};
constexpr std::uint32_t kIterations = 1000;
constexpr std::size_t kKeyIvBytes = 48;
constexpr std::size_t kBlock = 16;
// Environment.TickCount's absolute value (§3.3: Int32.MinValue maps to
// Int32.MaxValue): 0 .. 2^31 - 1 milliseconds since boot.
constexpr std::uint64_t kLastSeed = 0x7fffffffULL;
constexpr std::string_view kExtension = ".locked";

const HiddenTearVariant kVariants[] = {
    {"hiddentear", 15, kCharset69, ByteView(kSalt, sizeof kSalt)},
    {"bankaccountsummary", 10, kCharset66, ByteView(kSalt, sizeof kSalt)},
    {"mireware", 15, kCharset69, ByteView(kMireWareSalt, sizeof kMireWareSalt)},
};

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "hidden-tear",
      .family_id = "hidden-tear",
      .variants = {"hiddentear", "bankaccountsummary", "mireware"},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {kExtension},
      .needs = MessageId::kDecryptorHiddenTearNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.3",
  };
  return info;
}

// The encrypted file a search tests seeds on: its first block, its last
// two (the IV of the last block is the one before it), and the kinds its
// original's name promises.
struct Sample {
  Path path;
  std::uint64_t size = 0;
  Bytes first;  // 16 bytes.
  Bytes tail;   // The last 32 bytes (16 when the file is one block).
  std::vector<formats::FileKind> kinds;
};

// The original's name for an encrypted file's `name`, if the run may take
// it: `.locked` appended, or any appended extension under --family.
std::optional<std::string> OriginalName(const std::string& name, bool forced) {
  if (name.size() > kExtension.size() &&
      recover::EndsWithIgnoreCase(name, kExtension)) {
    return name.substr(0, name.size() - kExtension.size());
  }
  if (!forced) return std::nullopt;
  return recover::StripLastExtension(name);
}

// The first file of the run fit to test seeds on: whole blocks, and an
// original name that promises a kind whose header we can check.
Result<std::optional<Sample>> FindSample(ReadOnlyFileSystem& fs,
                                         const recover::RunInputs& inputs) {
  std::optional<Sample> sample;
  if (!inputs.for_each_file) return sample;
  const Status walked = inputs.for_each_file([&](const Path& path,
                                                 std::uint64_t size) -> Status {
    if (sample || size < kBlock || size % kBlock != 0) {
      return Status::Ok();
    }
    const auto original = OriginalName(path.filename().string(), inputs.forced);
    if (!original) return Status::Ok();
    const auto kinds =
        formats::ExpectedKinds(Path(*original).extension().native());
    if (kinds.empty()) return Status::Ok();
    auto file = fs.OpenForRead(path);
    if (!file) return Status::Ok();  // Another file may do.
    Sample s;
    s.path = path;
    s.size = size;
    s.first.resize(kBlock);
    const std::size_t tail = size >= 2 * kBlock ? 2 * kBlock : kBlock;
    s.tail.resize(tail);
    auto got_first = (*file)->ReadAt(0, s.first);
    auto got_tail = (*file)->ReadAt(size - tail, s.tail);
    if (!got_first || !got_tail || *got_first != kBlock || *got_tail != tail) {
      return Status::Ok();
    }
    s.kinds.assign(kinds.begin(), kinds.end());
    sample = std::move(s);
    return Status::Ok();
  });
  KINTSUGI_RETURN_IF_ERROR(walked);
  return sample;
}

bool PlausibleHeader(const Sample& sample, ByteView block) {
  return std::any_of(sample.kinds.begin(), sample.kinds.end(),
                     [&](formats::FileKind kind) {
                       return formats::HeaderPlausible(kind, block);
                     });
}

// Whether `key_iv` (key then IV) decrypts the sample: a plausible first
// block and valid PKCS#7 padding on the last.
bool Fits(const Sample& sample, ByteView key_iv) {
  const ByteView key = key_iv.First(32);
  const ByteView iv = *key_iv.Sub(32, kBlock);
  auto first = crypto::AesCbcDecryptBlocks(key, iv, sample.first);
  if (!first || !PlausibleHeader(sample, *first)) return false;
  const ByteView tail(sample.tail);
  const ByteView previous = tail.size() == 2 * kBlock ? tail.First(kBlock) : iv;
  auto last = crypto::AesCbcDecryptBlocks(key, previous, tail.Last(kBlock));
  return last && crypto::Pkcs7PaddingLength(*last).has_value();
}

class Tester final : public SeedTester {
 public:
  Tester(std::vector<const HiddenTearVariant*> variants, const Sample& sample)
      : variants_(std::move(variants)),
        sample_(sample),
        engine_(crypto::BestSha1Engine()) {}

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override {
    std::vector<std::array<std::uint8_t, SHA256_DIGEST_LENGTH>> hashed(count);
    std::vector<ByteView> passwords(count);
    Bytes out(std::size_t{count} * kKeyIvBytes);
    for (const HiddenTearVariant* variant : variants_) {
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string password =
            HiddenTearPassword(*variant, static_cast<std::int32_t>(first + i));
        SHA256(reinterpret_cast<const std::uint8_t*>(password.data()),
               password.size(), hashed[i].data());
        passwords[i] = ByteView(hashed[i].data(), hashed[i].size());
      }
      crypto::Pbkdf2HmacSha1Batch(engine_, passwords, variant->salt,
                                  kIterations, kKeyIvBytes, out);
      for (std::uint32_t i = 0; i < count; ++i) {
        const ByteView key_iv(out.data() + std::size_t{i} * kKeyIvBytes,
                              kKeyIvBytes);
        auto block = crypto::AesCbcDecryptBlocks(
            key_iv.First(32), *key_iv.Sub(32, kBlock), sample_.first);
        if (block && PlausibleHeader(sample_, *block)) {
          hits.push_back(first + i);
        }
      }
    }
    std::fill(out.begin(), out.end(), std::uint8_t{0});
  }

  bool Confirm(std::uint64_t seed) const override {
    return Which(seed) != nullptr;
  }

  // The variant whose key for `seed` fits the sample, if any.
  const HiddenTearVariant* Which(std::uint64_t seed) const {
    for (const HiddenTearVariant* variant : variants_) {
      const SecretBytes key_iv = HiddenTearKeyIv(
          *variant,
          HiddenTearPassword(*variant, static_cast<std::int32_t>(seed)));
      if (Fits(sample_, key_iv.view())) return variant;
    }
    return nullptr;
  }

 private:
  std::vector<const HiddenTearVariant*> variants_;
  const Sample& sample_;
  crypto::Sha1Engine engine_;
};

class HiddenTearRun final : public recover::DecryptorRun {
 public:
  HiddenTearRun(std::optional<recover::CbcKeyCandidate> key, bool forced,
                bool user_key, KeyVerdict no_key_verdict, Message no_key,
                std::vector<ReportedKey> reported)
      : key_(std::move(key)),
        forced_(forced),
        user_key_(user_key),
        no_key_verdict_(no_key_verdict),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  // §3.3 (AES-CBC of the whole file, PKCS#7): every byte of the original is
  // encrypted.
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
    auto original = OriginalName(file.name, forced_);
    if (!original || file.size == 0) return probe;
    probe.original_name = *original;
    probe.confidence = forced_ ? 40 : 30;
    // Ifs, not a ternary: g++ 12 sees a maybe-uninitialized temporary in
    // one (as jigsaw.cpp notes).
    if (forced_) {
      probe.reason = Message{MessageId::kRecoverProbeForced,
                             {{"decryptor", "hidden-tear"}}};
    } else {
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Hidden Tear"}, {"extension", std::string(kExtension)}}};
    }
    if (file.size % kBlock != 0) return probe;
    if (key_ && Match(file, probe.original_name)) probe.confidence = 90;
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (!key_) {
      outcome.verdict = no_key_verdict_;
      outcome.message = no_key_;
      return outcome;
    }
    if (file.size % kBlock != 0) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message =
          Message{MessageId::kRecoverJigsawNotWholeBlocks,
                  {{"size", static_cast<std::int64_t>(file.size)}}};
      return outcome;
    }
    if (Match(file, probe.original_name)) {
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.key = key_->key;
      outcome.key.iv = key_->iv;
      outcome.key.variant = key_->label;
      outcome.key.source = key_->label;
      return outcome;
    }
    outcome.verdict = KeyVerdict::kNotFound;
    outcome.message =
        user_key_ ? Message{MessageId::kRecoverGivenKeyNoFit, {}} : no_key_;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    return StartAesCbcDecryption(key, file_size);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  bool Match(const FileSample& file, const std::string& original) const {
    const auto expected =
        formats::ExpectedKinds(Path(original).extension().native());
    const recover::CbcKeyCandidate candidates[] = {*key_};
    return recover::FindCbcKey(candidates, file, expected).has_value();
  }

  std::optional<recover::CbcKeyCandidate> key_;
  bool forced_;
  bool user_key_;
  KeyVerdict no_key_verdict_;
  Message no_key_;
  std::vector<ReportedKey> reported_;
};

// An uptime in milliseconds as "[Nd ]H:MM:SS", the form a user compares
// with the boot and attack times.
std::string Uptime(std::uint64_t ms) {
  const std::uint64_t s = ms / 1000;
  const std::uint64_t days = s / 86400;
  char text[64];
  std::snprintf(text, sizeof text, "%llu:%02llu:%02llu",
                static_cast<unsigned long long>((s / 3600) % 24),
                static_cast<unsigned long long>((s / 60) % 60),
                static_cast<unsigned long long>(s % 60));
  return days > 0 ? std::to_string(days) + "d " + text : std::string(text);
}

// recover.seed_search_plan for the search `options` is about to run.
Message PlanMessage(const SeedSearchOptions& options,
                    const SeedSearchPlan& plan,
                    const HiddenTearVariant& variant) {
  const double seconds =
      plan.seeds_per_second > 0
          ? static_cast<double>(plan.left) / plan.seeds_per_second
          : 0.0;
  const std::uint64_t center =
      std::clamp(options.center, options.first, options.last);
  return Message{
      MessageId::kRecoverSeedSearchPlan,
      {{"seeds", static_cast<std::int64_t>(plan.left)},
       {"first", Uptime(options.first)},
       {"last", Uptime(options.last)},
       {"center", Uptime(center)},
       {"variant", std::string(variant.name)},
       {"minutes", static_cast<std::int64_t>(seconds / 60.0 + 0.999)},
       {"rate", static_cast<std::int64_t>(plan.seeds_per_second)},
       {"workers", static_cast<std::int64_t>(plan.workers)}}};
}

Result<std::vector<const HiddenTearVariant*>> ChosenVariants(
    std::string_view name) {
  std::vector<const HiddenTearVariant*> chosen;
  std::string known;
  for (const HiddenTearVariant& variant : kVariants) {
    if (name.empty() || name == variant.name) chosen.push_back(&variant);
    known += (known.empty() ? "" : ", ") + std::string(variant.name);
  }
  if (chosen.empty()) {
    return InvalidArgumentError("unknown Hidden Tear variant \"" +
                                std::string(name) + "\" (known: " + known +
                                ")");
  }
  return chosen;
}

class HiddenTear final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    auto make = [&](std::optional<recover::CbcKeyCandidate> key,
                    KeyVerdict verdict, Message why,
                    std::vector<ReportedKey> reported = {}) {
      return std::unique_ptr<recover::DecryptorRun>(
          std::make_unique<HiddenTearRun>(std::move(key), inputs.forced,
                                          inputs.key.has_value(), verdict,
                                          std::move(why), std::move(reported)));
    };
    if (inputs.key) {
      // The 48 bytes a search printed (key, then IV), or a 32-byte key and
      // --iv.
      SecretBytes key;
      SecretBytes iv;
      if (inputs.key->size() == kKeyIvBytes && !inputs.iv) {
        key = SecretBytes(inputs.key->view().First(32));
        iv = SecretBytes(*inputs.key->view().Sub(32, kBlock));
      } else if (inputs.key->size() == 32 && inputs.iv &&
                 inputs.iv->size() == kBlock) {
        key = *inputs.key;
        iv = *inputs.iv;
      } else {
        return InvalidArgumentError(
            "a Hidden Tear key is the 48 bytes a search printed (96 hex "
            "digits: AES-256 key, then IV), or a 32-byte key with a 16-byte "
            "--iv");
      }
      return make(recover::CbcKeyCandidate{key, iv, "--key"},
                  KeyVerdict::kNotFound, Message{});
    }
    // A search can take hours: only when the user asked for this family.
    if (!inputs.forced) {
      return make(std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverHiddenTearSearchNeeded, {}});
    }
    KINTSUGI_ASSIGN_OR_RETURN(auto variants,
                              ChosenVariants(inputs.seed.variant));
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<Sample> sample,
                              FindSample(fs, inputs));
    if (!sample) {
      return make(std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverHiddenTearNoSample, {}});
    }
    SeedSearchOptions options;
    options.first = 0;
    options.last = kLastSeed;
    if (inputs.seed.range) {
      const auto [first, last] = *inputs.seed.range;
      if (first > last || last > kLastSeed) {
        return InvalidArgumentError(
            "a Hidden Tear seed range is within 0-2147483647 (milliseconds "
            "since boot)");
      }
      options.first = first;
      options.last = last;
    }
    options.center = inputs.seed.around.value_or(options.first);
    options.chunk = 1 << 12;
    options.shard = inputs.seed.shard;
    options.on_progress = inputs.search.on_progress;
    std::optional<WorkerPool> own_pool;
    WorkerPool* pool = inputs.seed.pool;
    if (pool == nullptr) pool = &own_pool.emplace(1);
    // One parameter set after the other over the whole window, the
    // original's first: most victims meet it, and each set costs as much
    // as a search of its own (interleaving them would make every search
    // as slow as all of them).
    std::optional<SeedSearchResult> found;
    SeedSearchResult last_result;
    const HiddenTearVariant* variant = nullptr;
    for (const HiddenTearVariant* candidate : variants) {
      options.fingerprint = "hidden-tear|" + std::string(candidate->name) +
                            "|" + sample->path.string() + "|" +
                            std::to_string(sample->size) + "|" +
                            ToHex(sample->first);
      options.checkpoint.clear();
      if (inputs.seed.state_fs != nullptr &&
          !inputs.seed.checkpoint_dir.empty()) {
        options.checkpoint =
            inputs.seed.checkpoint_dir /
            ("seed-search-hidden-tear-" + std::string(candidate->name) + "-" +
             std::to_string(options.shard.index + 1) + "-of-" +
             std::to_string(options.shard.count) + ".json");
      }
      options.on_plan = nullptr;
      if (inputs.search.on_plan) {
        options.on_plan = [&](const SeedSearchPlan& plan) {
          inputs.search.on_plan(PlanMessage(options, plan, *candidate));
        };
      }
      Tester tester({candidate}, *sample);
      KINTSUGI_ASSIGN_OR_RETURN(
          SeedSearchResult result,
          RunSeedSearch(tester, options, *pool, inputs.seed.state_fs,
                        inputs.search.stop));
      if (result.seed) {
        found = result;
        variant = candidate;
        break;
      }
      last_result = result;
    }
    if (!found && last_result.shard_seeds == 0) {
      // More parts than chunks: this one had nothing to search.
      return make(
          std::nullopt, KeyVerdict::kNotFound,
          Message{MessageId::kRecoverSeedShardEmpty,
                  {{"shard", std::to_string(options.shard.index + 1) + "/" +
                                 std::to_string(options.shard.count)},
                   {"first", static_cast<std::int64_t>(options.first)},
                   {"last", static_cast<std::int64_t>(options.last)}}});
    }
    if (!found) {
      const SeedSearchResult& result = last_result;
      return make(std::nullopt, KeyVerdict::kNotFound,
                  Message{MessageId::kRecoverSeedNotFound,
                          {{"first", static_cast<std::int64_t>(options.first)},
                           {"last", static_cast<std::int64_t>(options.last)},
                           {"covered_first",
                            static_cast<std::int64_t>(result.covered_first)},
                           {"covered_last",
                            static_cast<std::int64_t>(result.covered_last)}}});
    }
    const SeedSearchResult& result = *found;
    const std::string password =
        HiddenTearPassword(*variant, static_cast<std::int32_t>(*result.seed));
    const SecretBytes key_iv = HiddenTearKeyIv(*variant, password);
    ReportedKey reported;
    reported.decryptor = "hidden-tear";
    reported.key_hex = ToHex(key_iv.view());
    reported.source = "seed search";
    reported.detail =
        Message{MessageId::kRecoverHiddenTearKeyFound,
                {{"seed", static_cast<std::int64_t>(*result.seed)},
                 {"variant", std::string(variant->name)},
                 {"password", password}}};
    return make(
        recover::CbcKeyCandidate{SecretBytes(key_iv.view().First(32)),
                                 SecretBytes(*key_iv.view().Sub(32, kBlock)),
                                 "seed " + std::to_string(*result.seed)},
        KeyVerdict::kNotFound, Message{}, {std::move(reported)});
  }
};

}  // namespace

std::span<const HiddenTearVariant> HiddenTearVariants() { return kVariants; }

std::string HiddenTearPassword(const HiddenTearVariant& variant,
                               std::int32_t seed) {
  prng::DotNetRandom random(seed);
  std::string password(variant.length, '\0');
  const auto size = static_cast<std::int32_t>(variant.charset.size());
  for (char& c : password) {
    c = variant.charset[static_cast<std::size_t>(random.Next(size))];
  }
  return password;
}

SecretBytes HiddenTearKeyIv(const HiddenTearVariant& variant,
                            std::string_view password) {
  std::uint8_t hashed[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const std::uint8_t*>(password.data()),
         password.size(), hashed);
  SecretBytes out(kKeyIvBytes);
  crypto::Pbkdf2HmacSha1(ByteView(hashed, sizeof hashed), variant.salt,
                         kIterations, out.mutable_span());
  std::fill(std::begin(hashed), std::end(hashed), std::uint8_t{0});
  return out;
}

const recover::Decryptor& HiddenTearDecryptor() {
  static const HiddenTear decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
