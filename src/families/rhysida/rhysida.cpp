#include "families/rhysida/rhysida.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "families/extension.h"
#include "families/rhysida/model.h"
#include "families/rhysida/search.h"
#include "families/seed_clock.h"
#include "formats/file_validator.h"
#include "kintsugi/message.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;
using namespace rhysida;  // NOLINT: this file is the family's.

// §3.10 "Search space": the seed is at most the earliest file's time; a
// day below it, and a minute above for clocks a little apart.
constexpr std::uint64_t kSecondsBelow = 86'400;
constexpr std::uint64_t kSecondsAbove = 60;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "rhysida",
      .family_id = "rhysida",
      .variants = {"model"},
      .strategy = recover::Strategy::kSeedSearch,
      .extensions = {kExtension},
      .needs = MessageId::kDecryptorRhysidaNeeds,
      .side_files = {},
      .spec = "recovery-schemes-3.md §3.10",
  };
  return info;
}

// What a search found: the seed, the reading, and every file's place.
struct Found {
  std::uint32_t seed = 0;
  Reading reading;
  unsigned workers = 0;
  Reconstruction order;
};

class RhysidaRun final : public recover::DecryptorRun {
 public:
  RhysidaRun(std::optional<Found> found, KeyVerdict no_key_verdict,
             Message no_key, std::vector<ReportedKey> reported)
      : found_(std::move(found)),
        no_key_verdict_(no_key_verdict),
        no_key_(std::move(no_key)),
        reported_(std::move(reported)) {}

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    return recover::LowerSuffixes({kExtension});
  }

  // The layout is a model (§3.10 "Uncertain"): the trailer is 512 or 1024
  // bytes, and a chunk rule other than "whole" would leave bytes plain, so
  // nothing is promised but "at least none".
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    if (file.size < kTrailerCandidates[0]) return std::nullopt;
    return recover::IntactBytes{std::nullopt, 0, true};
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (!recover::EndsWithIgnoreCase(file.name, kExtension) ||
        file.name.size() == kExtension.size()) {
      return probe;
    }
    // §3.10 "Identification" (HIGH): the extension; nothing in the file
    // marks it (a CTR stream and a wrapped key).
    probe.confidence = 60;
    probe.variant = "model";
    probe.original_name =
        file.name.substr(0, file.name.size() - kExtension.size());
    probe.reason = Message{MessageId::kRecoverProbeExtension,
                           {{"name", std::string("Rhysida")},
                            {"extension", std::string(kExtension)}}};
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult&) const override {
    KeyOutcome outcome;
    if (!found_) {
      outcome.verdict = no_key_verdict_;
      outcome.message = no_key_;
      return outcome;
    }
    const auto it = found_->order.files.find(file.path.string());
    const auto seed = static_cast<std::int64_t>(found_->seed);
    if (it == found_->order.files.end() ||
        it->second.state == Placement::State::kUncheckable) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverRhysidaUncheckable, {{"seed", seed}}};
      return outcome;
    }
    const Placement& placement = it->second;
    if (placement.state != Placement::State::kPlaced) {
      const std::string name = file.name.substr(
          0, file.name.size() - std::min(file.name.size(), kExtension.size()));
      const auto kinds = formats::ExpectedKinds(LowerExtension(name));
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{
          MessageId::kRecoverRhysidaUnresolved,
          {{"seed", seed},
           {"reading", found_->reading.Name()},
           {"workers", static_cast<std::int64_t>(found_->workers)},
           {"ahead", static_cast<std::int64_t>(found_->order.ahead)},
           {"kind", kinds.empty()
                        ? std::string("?")
                        : std::string(formats::FileKindName(kinds.front()))}}};
      return outcome;
    }
    const FileKey& key = placement.key;
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.key = SecretBytes(key.key_view());
    outcome.key.iv = SecretBytes(ByteView(key.iv.data(), key.iv.size()));
    outcome.key.variant = "model";
    outcome.key.source = "seed " + std::to_string(found_->seed) + ", worker " +
                         std::to_string(placement.worker) + ", file " +
                         std::to_string(placement.index);
    outcome.found =
        Message{MessageId::kRecoverRhysidaKey,
                {{"seed", seed},
                 {"time", UtcTime(found_->seed)},
                 {"worker", static_cast<std::int64_t>(placement.worker)},
                 {"index", static_cast<std::int64_t>(placement.index)},
                 {"key", ToHex(key.key_view())},
                 {"iv", ToHex(ByteView(key.iv.data(), key.iv.size()))}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (!found_ || key.iv.size() != kAesBlock ||
        (key.key.size() != 16 && key.key.size() != 24 &&
         key.key.size() != 32)) {
      return InvalidArgumentError("not a key of this Rhysida run");
    }
    FileKey file_key;
    file_key.key_bytes = key.key.size();
    std::copy_n(key.key.view().begin(), key.key.size(), file_key.key.begin());
    std::copy_n(key.iv.view().begin(), kAesBlock, file_key.iv.begin());
    return rhysida::StartDecryption(file_key, found_->reading, file_size);
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  std::optional<Found> found_;
  KeyVerdict no_key_verdict_;
  Message no_key_;
  std::vector<ReportedKey> reported_;
};

// The sample the seed test runs on (the earliest checkable file of a
// binary type) and the witnesses after it, with the sample's rank in the
// time order.
std::optional<std::pair<std::vector<RunFile>, std::uint64_t>> PickSample(
    const std::vector<RunFile>& files, std::uint64_t trailer) {
  std::vector<RunFile> picked;
  std::uint64_t rank = 0;
  for (std::size_t i = 0; i < files.size() && picked.size() < 4; ++i) {
    if (files[i].text || !Checkable(files[i], trailer)) continue;
    if (picked.empty()) rank = i;
    picked.push_back(files[i]);
  }
  if (picked.empty()) return std::nullopt;
  return std::make_pair(std::move(picked), rank);
}

std::string ListNames(const Candidates& c) {
  std::string feeds;
  for (Feed feed : c.feeds) {
    feeds += (feeds.empty() ? "" : ",") + std::string(FeedName(feed));
  }
  return "Rhysida model: feeds " + feeds + ", workers 1-" +
         std::to_string(c.procs) + ", draw " + c.draw.Name();
}

class Rhysida final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    auto make = [](std::optional<Found> found, KeyVerdict verdict, Message why,
                   std::vector<ReportedKey> reported = {}) {
      return std::unique_ptr<recover::DecryptorRun>(
          std::make_unique<RhysidaRun>(std::move(found), verdict,
                                       std::move(why), std::move(reported)));
    };
    if (!inputs.forced) {
      return make(std::nullopt, KeyVerdict::kNeedsInput,
                  Message{MessageId::kRecoverRhysidaSearchNeeded, {}});
    }
    if (inputs.key || inputs.iv) {
      return InvalidArgumentError(
          "Rhysida takes no --key or --iv: every file has its own, found by "
          "the seed search");
    }
    KINTSUGI_ASSIGN_OR_RETURN(const Candidates candidates,
                              ParseCandidates(inputs.seed.family_options));
    KINTSUGI_ASSIGN_OR_RETURN(const std::vector<RunFile> files,
                              ScanRunFiles(fs, inputs));
    const std::uint64_t least_trailer = *std::min_element(
        candidates.trailers.begin(), candidates.trailers.end());
    auto picked = PickSample(files, least_trailer);
    if (!picked) {
      return make(
          std::nullopt, KeyVerdict::kNeedsInput,
          Message{MessageId::kRecoverRhysidaNoSample,
                  {{"trailer", static_cast<std::int64_t>(least_trailer)}}});
    }
    const std::uint64_t earliest = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, files.front().mtime_ns) / 1'000'000'000);
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<ClockWindow> window,
                              ResolveClockWindow(inputs.seed, earliest,
                                                 kSecondsBelow, kSecondsAbove));
    const RunFile& sample = picked->first.front();
    const Tester tester(fs, candidates, picked->first, picked->second);
    ClockSearch search;
    search.decryptor = "rhysida";
    search.keys = tester.keys_per_seed();
    search.window = *window;
    search.chunk = 64;
    search.variant = ListNames(candidates);
    std::string readings;
    for (const auto& [name, value] : inputs.seed.family_options) {
      readings += "|" + name + "=" + value;
    }
    search.fingerprint = sample.path.string() + "|" +
                         std::to_string(sample.size) + "|" +
                         ToHex(sample.head) + "|" + search.variant + readings;
    KINTSUGI_ASSIGN_OR_RETURN(const ClockSearchOutcome outcome,
                              RunClockSearch(tester, search, inputs));
    if (!outcome.result.seed) {
      return make(std::nullopt, KeyVerdict::kNotFound,
                  ClockNotFoundMessage(outcome, search.keys));
    }
    const std::uint64_t seed = *outcome.result.seed;
    const std::optional<Tester::Found> which = tester.Which(seed);
    if (!which) return InternalError("a confirmed Rhysida seed lost its key");
    Found found;
    found.seed = static_cast<std::uint32_t>(seed);
    found.reading = which->reading;
    found.workers = candidates.procs;
    KINTSUGI_ASSIGN_OR_RETURN(
        found.order, Reconstruct(files, found.seed, found.reading,
                                 candidates.procs, inputs.search.stop));
    const SeedGenerators generators(found.seed, found.reading.feed,
                                    which->slot.worker);
    const FileKey key = KeyAt(generators.Worker(which->slot.worker),
                              found.reading.draw, which->slot.index);
    ReportedKey reported;
    reported.decryptor = "rhysida";
    reported.key_hex = ToHex(key.key_view());
    reported.iv_hex = ToHex(ByteView(key.iv.data(), key.iv.size()));
    reported.source = "seed search";
    reported.detail =
        Message{MessageId::kRecoverRhysidaSeedFound,
                {{"seed", static_cast<std::int64_t>(seed)},
                 {"time", UtcTime(seed)},
                 {"reading", found.reading.Name()},
                 {"sample", sample.path.filename().string()},
                 {"confirmed_by", which->confirmed_by},
                 {"worker", static_cast<std::int64_t>(which->slot.worker)},
                 {"index", static_cast<std::int64_t>(which->slot.index)},
                 {"placed", static_cast<std::int64_t>(found.order.placed)},
                 {"files", static_cast<std::int64_t>(files.size())}}};
    return make(std::move(found), KeyVerdict::kNotFound, Message{},
                {std::move(reported)});
  }
};

}  // namespace

const recover::Decryptor& RhysidaDecryptor() {
  static const Rhysida decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
