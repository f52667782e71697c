#include "families/nemucod/nemucod.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "families/extension.h"
#include "families/nemucod/nemucod_pair.h"
#include "formats/file_validator.h"
#include "formats/known_header.h"
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
      .extensions = {kNemucodExtension},
      .needs = MessageId::kDecryptorNemucodNeeds,
      .side_files = {},
      .spec = "recovery-schemes.md §3.2",
  };
  return info;
}

// §3.2 intermediate variant: 7-Zip archives, not a XOR scheme.
constexpr std::uint8_t kSevenZipMagic[] = {0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C};

class XorStream final : public recover::StreamDecryption {
 public:
  XorStream(SecretBytes key, std::uint64_t region, std::uint64_t file_size)
      : key_(std::move(key)), region_(region), file_size_(file_size) {}
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    if (out.size() < in.size()) return InternalError("output too small");
    std::copy(in.begin(), in.end(), out.begin());
    NemucodXor(key_.view(), region_, offset_, out.first(in.size()));
    offset_ += in.size();
    return in.size();
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  // XOR keeps the size (recovery-schemes.md §3.2).
  std::uint64_t MinOutputBytes() const override { return file_size_; }

 private:
  SecretBytes key_;
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
             std::vector<ReportedKey> reported, Message needs, Message refusal)
      : key_(std::move(key)),
        forced_(forced),
        reported_(std::move(reported)),
        needs_(std::move(needs)),
        refusal_(std::move(refusal)) {}

  // §3.2: the first H bytes XORed, the size kept. H (1,024 or 2,048) is
  // known once the key is; before, at least the bytes past 2,048 are
  // intact. The 7-zip variant packs the whole file: nothing is.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    if (probe.variant == "7-zip") {
      return recover::IntactBytes{std::nullopt, 0, false};
    }
    const std::uint64_t region = key_ ? key_->region : kNemucodHeaderReadBytes;
    const std::uint64_t encrypted = std::min(file.size, region);
    return recover::IntactBytes{file.size, file.size - encrypted,
                                !key_ && file.size > 1024};
  }

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kNemucodExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (recover::EndsWithIgnoreCase(file.name, kNemucodExtension) &&
        file.name.size() > kNemucodExtension.size()) {
      probe.confidence = 60;
      probe.original_name =
          file.name.substr(0, file.name.size() - kNemucodExtension.size());
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Nemucod"}, {"extension", std::string(kNemucodExtension)}}};
    } else if (forced_ && file.size > 0) {
      // An empty file without the extension is just an empty file.
      probe.confidence = 20;
      auto stripped = recover::StripLastExtension(file.name);
      probe.original_name = stripped ? *stripped : file.name + ".recovered";
      probe.reason =
          Message{MessageId::kRecoverProbeForced, {{"decryptor", "nemucod"}}};
    } else {
      return probe;
    }
    if (file.head.StartsWith(ByteView(kSevenZipMagic, sizeof kSevenZipMagic))) {
      probe.variant = "7-zip";
    } else if (key_) {
      probe.variant = key_->variant;
      // A structural fit: the key decrypts the known header bytes of the
      // kind the original's name promises, every one of them.
      const auto fit = Fit(file, probe.original_name);
      if (fit && fit->disagree.empty() &&
          fit->agree >= kMinAgreeingHeaderBytes) {
        probe.confidence = 85;
        probe.reason =
            Message{MessageId::kRecoverProbeHeaderFits,
                    {{"reason", std::vector<Message>{std::move(probe.reason)}},
                     {"kind", std::string(fit->kind)}}};
      }
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (file.size == 0 && !key_) {
      // §3.2: XOR keeps the size, so the original was empty too, whatever
      // the key.
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.source = "none needed (an empty file)";
      return outcome;
    }
    if (probe.variant == "7-zip") {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{MessageId::kRecoverNemucodSevenZip, {}};
      return outcome;
    }
    if (refusal_.id != MessageId::kCount) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message = refusal_;
      return outcome;
    }
    if (!key_) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message = needs_.id == MessageId::kCount
                            ? Message{MessageId::kRecoverNemucodNeedsPair, {}}
                            : needs_;
      return outcome;
    }
    // Issue 16: a key of another infection is not applied to a file whose
    // known header bytes it contradicts (most of them).
    if (const auto fit = Fit(file, probe.original_name);
        fit && fit->disagree.size() > fit->agree) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message =
          Message{MessageId::kRecoverKeyDoesNotFit,
                  {{"source", key_->source},
                   {"kind", std::string(fit->kind)},
                   {"count", static_cast<std::int64_t>(fit->disagree.size())},
                   {"offsets", OffsetList(fit->disagree)}}};
      return outcome;
    }
    outcome.verdict = KeyVerdict::kFound;
    outcome.key = *key_;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (key.key.empty() && file_size > 0) {
      return InvalidArgumentError("empty Nemucod key");
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<XorStream>(key.key, key.region, file_size));
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  std::optional<HeaderFit> Fit(const FileSample& file,
                               const std::string& original_name) const {
    return FitKnownHeader(key_->key.view(), key_->region, original_name,
                          file.size, file.head);
  }

  std::optional<recover::Key> key_;
  bool forced_;
  std::vector<ReportedKey> reported_;
  Message needs_;    // Why there is no key and what to give.
  Message refusal_;  // Why the pair was refused (id kCount: it was not).
};

// The key as the user can give it back with --key: one period when its
// length implies the region, else the keystream over the whole region.
SecretBytes ReusableKey(const recover::RepeatingXorKey& derived) {
  if (NemucodRegionForKeyLength(derived.key.size()) == derived.region) {
    return derived.key;
  }
  SecretBytes expanded(static_cast<std::size_t>(derived.region));
  const auto period = derived.key.view().span();
  const std::span<std::uint8_t> out = expanded.mutable_span();
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = period[i % period.size()];
  }
  return expanded;
}

class Nemucod final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
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
    Message refusal;             // Id kCount: no pair refused.
    std::string unchecked_pair;  // A pair whose key it could not check.
    for (const KnownPlaintextPair& pair : inputs.pairs) {
      // A pair whose encrypted file is not named ".crypted" is another
      // family's (Hive's, say): it must not stop a run it was not given
      // for. --family nemucod says it is this one's whatever its name.
      if (!inputs.forced &&
          !recover::EndsWithIgnoreCase(pair.encrypted.filename().string(),
                                       kNemucodExtension)) {
        continue;
      }
      const std::string pair_name = pair.encrypted.filename().string() + "=" +
                                    pair.original.filename().string();
      const std::string label = "--pair " + pair_name;
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
      // Issue 16: the pair must fit the key it gives.
      const PairCheck check =
          CheckPair(enc, orig, derived->region, derived->key.size(), pair_name);
      if (check.refusal.id != MessageId::kCount) {
        refusal = check.refusal;
        break;
      }
      if (!check.checked) unchecked_pair = pair_name;
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
        NemucodXor(key->key.view(), key->region, 0, a);
        NemucodXor(found.key.view(), found.region, 0, b);
        if (a != b) {
          return InvalidArgumentError(label + ": gives a different key from " +
                                      key->source);
        }
        continue;
      }
      ReportedKey report;
      report.decryptor = "nemucod";
      report.key_hex = ToHex(ReusableKey(*derived).view());
      report.source = label;
      report.detail =
          Message{MessageId::kRecoverNemucodKeyFromPair,
                  {{"region", static_cast<std::int64_t>(derived->region)},
                   {"length", static_cast<std::int64_t>(derived->key.size())}}};
      reported.push_back(std::move(report));
      key = std::move(found);
    }
    if (key && !unchecked_pair.empty() && refusal.id == MessageId::kCount) {
      KINTSUGI_ASSIGN_OR_RETURN(RunSamples run, SampleRunFiles(fs, inputs));
      refusal = CheckKeyAgainstHeaders(key->key.view(), key->region,
                                       run.samples, unchecked_pair);
    }
    if (refusal.id != MessageId::kCount) {
      // Refused: no key, none reported; each file says why.
      return std::unique_ptr<recover::DecryptorRun>(
          std::make_unique<NemucodRun>(std::nullopt, inputs.forced,
                                       std::vector<ReportedKey>{}, Message{},
                                       std::move(refusal)));
    }
    Message needs;
    if (!key) {
      KINTSUGI_ASSIGN_OR_RETURN(NemucodHeaderKey from_headers,
                                KeyFromRunFiles(fs, inputs));
      if (from_headers.key) {
        const recover::Key& found = *from_headers.key;
        ReportedKey report;
        report.decryptor = "nemucod";
        report.key_hex = ToHex(ReusableKey({found.key, found.region}).view());
        report.source = found.source;
        report.detail = Message{
            MessageId::kRecoverNemucodKeyFromHeaders,
            {{"region", static_cast<std::int64_t>(found.region)},
             {"length", static_cast<std::int64_t>(found.key.size())},
             {"how", std::vector<Message>{std::move(from_headers.detail)}}}};
        reported.push_back(std::move(report));
        key = std::move(from_headers.key);
      } else {
        needs = std::move(from_headers.why);
      }
    }
    return std::unique_ptr<recover::DecryptorRun>(std::make_unique<NemucodRun>(
        std::move(key), inputs.forced, std::move(reported), std::move(needs),
        Message{}));
  }

 private:
  // §3.2 "Without an original": the heads of the run's ".crypted" files of
  // known types (and some text files, to tell the region), bounded by
  // limits.h. A file that cannot be read is left out, not an error. Over a
  // large tree this is a long search: it reports progress per file and
  // stops (kCancelled, kDeadlineExceeded) with the run.
  static Result<NemucodHeaderKey> KeyFromRunFiles(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) {
    KINTSUGI_ASSIGN_OR_RETURN(RunSamples run, SampleRunFiles(fs, inputs));
    return NemucodKeyFromHeaders(run.samples, run.largest);
  }

  struct RunSamples {
    std::vector<NemucodSample> samples;
    std::uint64_t largest = 0;  // The largest ".crypted" file.
  };
  // The heads KeyFromRunFiles reads (and a pair's key is checked against).
  static Result<RunSamples> SampleRunFiles(ReadOnlyFileSystem& fs,
                                           const recover::RunInputs& inputs) {
    SearchControl control(inputs.search.stop, inputs.file_count,
                          inputs.search.on_progress);
    std::vector<NemucodSample> samples;
    std::uint64_t largest = 0;
    std::size_t known = 0;
    std::size_t witnesses = 0;
    const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
      KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
      const std::string name = path.filename().string();
      if (name.size() <= kNemucodExtension.size() ||
          !recover::EndsWithIgnoreCase(name, kNemucodExtension)) {
        return Status::Ok();
      }
      largest = std::max(largest, size);
      if (size == 0) return Status::Ok();
      NemucodSample sample;
      sample.original_name =
          name.substr(0, name.size() - kNemucodExtension.size());
      sample.size = size;
      const auto dot = sample.original_name.rfind('.');
      const std::string_view extension =
          dot == std::string::npos
              ? std::string_view()
              : std::string_view(sample.original_name).substr(dot + 1);
      if (formats::KnownHeaderFor(extension, size)) {
        if (known == kMaxNemucodHeaderFiles) return Status::Ok();
        ++known;
      } else if (auto kinds = formats::ExpectedKinds(extension);
                 size > 1024 && !kinds.empty() &&
                 kinds.front() == formats::FileKind::kText) {
        if (witnesses == kMaxNemucodRegionWitnesses) return Status::Ok();
        ++witnesses;
      } else {
        return Status::Ok();
      }
      auto head = ReadHead(fs, path, kNemucodHeaderReadBytes);
      if (!head) return Status::Ok();
      sample.head = std::move(*head);
      samples.push_back(std::move(sample));
      return Status::Ok();
    };
    if (inputs.for_each_file) {
      KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
    }
    return RunSamples{std::move(samples), largest};
  }
};

}  // namespace

// --- The key from known header bytes (§3.2 "Without an original") ---------

namespace {

// §3.2 "Observed (H, K)": the periods tried first, in this order.
constexpr std::size_t kObservedPeriods[] = {36, 102, 255, 1024};
// The smaller region: bytes below it are XORed under both.
constexpr std::uint64_t kSmallRegion = 1024;
// Known bytes at distinct offsets that agree with a key beyond one per key
// byte. Each is a check a wrong period passes with chance 1/256, so a
// wrong key survives 8 of them with chance 2^-64; with fewer, a "complete"
// key would rest on nothing but its own determination.
constexpr std::size_t kMinCrossChecks = 8;
// A key byte known only from "usual" header bytes (formats::kUsual) is
// believed when at least two different fields (kind and offset) give the
// same value and that value has at least three times the votes of every
// other value together. One field alone is not enough: a writer that
// departs from the usual (all PDFs 2.0, all PNGs from one camera) departs
// the same way in every file, so many files of one field are one witness.
constexpr std::size_t kMinVoteFields = 2;
constexpr std::uint32_t kVoteMajority = 3;

// One implied keystream byte, aggregated over files: value = C ^ P.
struct Constraint {
  std::uint32_t offset = 0;
  std::uint8_t value = 0;
  bool fixed = false;
  std::uint32_t field = 0;  // kind * 4096 + offset: one witness per field.
  std::uint32_t files = 0;
};

struct Evidence {
  const NemucodSample* sample = nullptr;
  std::string extension;
  std::span<const formats::FileKind> kinds;  // ExpectedKinds(extension).
  std::optional<formats::KnownHeader> header;
};

struct Solution {
  std::size_t period = 0;
  bool conflict = false;
  Bytes key;
  std::size_t known = 0;         // Key bytes determined.
  std::size_t cross_checks = 0;  // Agreeing offsets beyond `period`.
};

Solution Solve(std::size_t period, const std::vector<Constraint>& constraints) {
  Solution s;
  s.period = period;
  s.key.assign(period, 0);
  std::vector<std::uint8_t> state(period, 0);  // 0 unknown, 1 fact, 2 vote
  for (const Constraint& c : constraints) {
    if (!c.fixed) continue;
    const std::size_t p = c.offset % period;
    if (state[p] != 0 && s.key[p] != c.value) {
      s.conflict = true;
      return s;
    }
    state[p] = 1;
    s.key[p] = c.value;
  }
  struct Tally {
    std::set<std::uint32_t> fields;
    std::uint32_t votes = 0;
  };
  std::map<std::size_t, std::map<std::uint8_t, Tally>> tallies;
  for (const Constraint& c : constraints) {
    if (c.fixed) continue;
    const std::size_t p = c.offset % period;
    if (state[p] != 0) continue;
    Tally& t = tallies[p][c.value];
    t.fields.insert(c.field);
    t.votes += c.files;
  }
  for (const auto& [p, by_value] : tallies) {
    const std::pair<const std::uint8_t, Tally>* best = nullptr;
    std::uint32_t total = 0;
    for (const auto& entry : by_value) {
      total += entry.second.votes;
      if (best == nullptr ||
          std::make_pair(entry.second.fields.size(), entry.second.votes) >
              std::make_pair(best->second.fields.size(), best->second.votes)) {
        best = &entry;
      }
    }
    // Never null (a tally exists only for a value seen), but g++ 12 at -O2
    // cannot tell and warns (-Wnull-dereference) without the check.
    if (best == nullptr) continue;
    if (best->second.fields.size() >= kMinVoteFields &&
        best->second.votes >= kVoteMajority * (total - best->second.votes)) {
      state[p] = 2;
      s.key[p] = best->first;
    }
  }
  std::set<std::uint32_t> agreeing;
  for (const Constraint& c : constraints) {
    const std::size_t p = c.offset % period;
    if (state[p] != 0 && s.key[p] == c.value) agreeing.insert(c.offset);
  }
  s.known = period -
            static_cast<std::size_t>(std::count(state.begin(), state.end(), 0));
  s.cross_checks = agreeing.size() > period ? agreeing.size() - period : 0;
  return s;
}

bool Complete(const Solution& s) {
  return !s.conflict && s.known == s.period &&
         s.cross_checks >= kMinCrossChecks;
}

// The decrypted head of every file that gave known bytes must pass its
// kind's header check (formats::HeaderPlausible).
bool HeadersPass(const Bytes& key, const std::vector<Evidence>& evidence) {
  for (const Evidence& e : evidence) {
    if (!e.header) continue;
    Bytes head = ByteView(e.sample->head).First(64).ToBytes();
    NemucodXor(key, kSmallRegion, 0, head);
    if (!formats::HeaderPlausible(e.header->kind, head, e.sample->size)) {
      return false;
    }
  }
  return true;
}

// Whether a file reads right with `key` over `region` bytes, judged only by
// its bytes from 1024 on: known bytes there, the whole file when the head
// holds it all, text that must stay text. nullopt when nothing there tells.
std::optional<bool> ReadsRight(const Evidence& e, const Bytes& key,
                               std::uint64_t region) {
  const NemucodSample& f = *e.sample;
  if (f.head.size() <= kSmallRegion) return std::nullopt;
  Bytes plain = f.head;
  NemucodXor(key, region, 0, plain);
  bool told = false;
  if (e.header) {
    for (const formats::KnownBytes& run : e.header->runs) {
      if (run.offset + run.bytes.size() <= kSmallRegion ||
          run.offset + run.bytes.size() > plain.size()) {
        continue;
      }
      told = true;
      if (!ByteView(plain).MatchesAt(static_cast<std::size_t>(run.offset),
                                     run.bytes)) {
        return false;
      }
    }
  }
  if (f.size == f.head.size() && !e.kinds.empty()) {
    return formats::Verify(plain, e.kinds).valid();
  }
  if (!e.kinds.empty() && e.kinds.front() == formats::FileKind::kText) {
    return formats::HeaderPlausible(
        formats::FileKind::kText,
        ByteView(plain).Last(plain.size() - kSmallRegion));
  }
  return told ? std::optional<bool>(true) : std::nullopt;
}

std::string KindList(const std::vector<Evidence>& evidence) {
  std::set<std::string_view> names;
  for (const Evidence& e : evidence) {
    if (e.header) names.insert(formats::FileKindName(e.header->kind));
  }
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// The files the known header bytes came from, as message arguments.
std::vector<MessageArg> FromArgs(const NemucodHeaderKey& result) {
  return {{"files", static_cast<std::int64_t>(result.files_used)},
          {"kinds", result.kinds}};
}

}  // namespace

NemucodHeaderKey NemucodKeyFromHeaders(std::span<const NemucodSample> files,
                                       std::uint64_t largest_file) {
  NemucodHeaderKey result;
  std::vector<Evidence> evidence;
  std::map<std::tuple<std::uint32_t, std::uint8_t, bool, std::uint32_t>,
           std::uint32_t>
      counts;
  for (const NemucodSample& f : files) {
    // A head shorter than the file and than the read limit: the file
    // changed under us; its known bytes would sit at wrong offsets.
    if (f.head.empty() ||
        (f.head.size() < f.size && f.head.size() < kNemucodHeaderReadBytes)) {
      continue;
    }
    Evidence e;
    e.sample = &f;
    e.extension = LowerExtension(f.original_name);
    e.kinds = formats::ExpectedKinds(e.extension);
    e.header = formats::KnownHeaderFor(e.extension, f.size);
    if (e.header) {
      bool gave = false;
      const auto kind = static_cast<std::uint32_t>(e.header->kind);
      for (const formats::KnownBytes& run : e.header->runs) {
        for (std::size_t i = 0; i < run.bytes.size(); ++i) {
          const std::uint64_t at = run.offset + i;
          // Below 1024 the bytes are XORed whatever the region (§3.2).
          if (at >= kSmallRegion || at >= f.head.size()) break;
          const auto offset = static_cast<std::uint32_t>(at);
          const auto value = static_cast<std::uint8_t>(
              f.head[static_cast<std::size_t>(at)] ^ run.bytes[i]);
          ++counts[{offset, value, run.certainty == formats::Certainty::kFixed,
                    kind * 4096 + offset}];
          gave = true;
        }
      }
      if (!gave) e.header.reset();
    }
    if (e.header || !e.kinds.empty()) evidence.push_back(std::move(e));
  }
  std::vector<Constraint> constraints;
  for (const auto& [k, n] : counts) {
    constraints.push_back(
        {std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), n});
  }
  result.files_used = static_cast<std::size_t>(
      std::count_if(evidence.begin(), evidence.end(),
                    [](const Evidence& e) { return e.header.has_value(); }));
  result.kinds = KindList(evidence);
  if (constraints.empty()) {
    result.why = Message{MessageId::kRecoverNemucodNoKnownHeaders, {}};
    return result;
  }
  const std::string from = std::to_string(result.files_used) + " file" +
                           (result.files_used == 1 ? "" : "s") + " (" +
                           result.kinds + ")";

  // The key period: the observed ones first, then any other up to 1024
  // the known bytes pin down (§3.2 "Decide K").
  std::optional<Solution> found;
  std::vector<Solution> observed;  // For the user when no key is found.
  bool failed_header_check = false;
  auto consider = [&](std::size_t period) {
    Solution s = Solve(period, constraints);
    if (!s.conflict && Complete(s)) {
      if (HeadersPass(s.key, evidence)) {
        found = std::move(s);
        return;
      }
      failed_header_check = true;
    }
    observed.push_back(std::move(s));
  };
  for (std::size_t period : kObservedPeriods) {
    if (!found) consider(period);
  }
  for (std::size_t period = 1; !found && period < kSmallRegion; ++period) {
    if (std::find(std::begin(kObservedPeriods), std::end(kObservedPeriods),
                  period) == std::end(kObservedPeriods)) {
      consider(period);
    }
  }
  if (!found) {
    // E.g. "the known header bytes of 9 files (pdf, png) fix 120 of 255
    // key bytes for a 255-byte key, ... (a 36-byte key does not fit)".
    std::string fits;  // "120/255, 10/36": key bytes fixed / key length.
    std::string misfits;
    for (const Solution& s : observed) {
      if (s.period > kSmallRegion ||
          std::find(std::begin(kObservedPeriods), std::end(kObservedPeriods),
                    s.period) == std::end(kObservedPeriods)) {
        continue;
      }
      const std::string k = std::to_string(s.period);
      if (s.conflict) {
        misfits += (misfits.empty() ? "" : ", ") + k;
      } else {
        fits += (fits.empty() ? "" : ", ") + std::to_string(s.known) + "/" + k;
      }
    }
    if (fits.empty()) {
      result.why =
          Message{MessageId::kRecoverNemucodHeadersConflict, FromArgs(result)};
      return result;
    }
    std::vector<Message> rest;
    if (!misfits.empty()) {
      rest.push_back(Message{MessageId::kRecoverNemucodLengthsMisfit,
                             {{"lengths", misfits}}});
    }
    if (failed_header_check) {
      rest.push_back(Message{MessageId::kRecoverNemucodHeaderCheckFailed, {}});
    }
    rest.push_back(Message{MessageId::kRecoverNemucodGivePair, {}});
    std::vector<MessageArg> args = FromArgs(result);
    args.push_back({"coverage", fits});
    args.push_back({"rest", std::move(rest)});
    result.why = Message{MessageId::kRecoverNemucodHeadersPartial, args};
    return result;
  }

  // The region (§3.2 "Decide H"): both XOR the first 1024 bytes alike; the
  // files' bytes from 1024 on tell them apart.
  const std::size_t period = found->period;
  std::size_t for_small = 0;
  std::size_t for_large = 0;
  for (const Evidence& e : evidence) {
    const auto small = ReadsRight(e, found->key, kSmallRegion);
    const auto large = ReadsRight(e, found->key, 2048);
    if (!small || !large || *small == *large) continue;
    ++(*small ? for_small : for_large);
  }
  std::uint64_t region = 0;
  Message how;
  const auto undecided = [&](MessageId id) {
    std::vector<MessageArg> args = FromArgs(result);
    args.push_back({"period", static_cast<std::int64_t>(period)});
    return Message{id, std::move(args)};
  };
  const auto told_by = [](std::size_t n) {
    return Message{MessageId::kRecoverNemucodRegionTold,
                   {{"files", static_cast<std::int64_t>(n)}}};
  };
  if (for_small > 0 && for_large == 0) {
    region = kSmallRegion;
    how = told_by(for_small);
  } else if (for_large > 0 && for_small == 0) {
    region = 2048;
    how = told_by(for_large);
  } else if (for_small > 0) {
    result.why = undecided(MessageId::kRecoverNemucodRegionDisputed);
    return result;
  } else if (largest_file <= kSmallRegion) {
    region = NemucodRegionForKeyLength(period);
    how = Message{MessageId::kRecoverNemucodRegionIrrelevant, {}};
  } else if (std::find(std::begin(kObservedPeriods), std::end(kObservedPeriods),
                       period) != std::end(kObservedPeriods)) {
    region = NemucodRegionForKeyLength(period);
    how = Message{MessageId::kRecoverNemucodRegionAssumed,
                  {{"region", static_cast<std::int64_t>(region)},
                   {"period", static_cast<std::int64_t>(period)}}};
  } else {
    result.why = undecided(MessageId::kRecoverNemucodRegionUnknown);
    return result;
  }
  result.key = recover::Key{SecretBytes(found->key),
                            {},
                            Variant(region, period),
                            "known headers of " + from,
                            region};
  result.detail = std::move(how);
  return result;
}

const recover::Decryptor& NemucodDecryptor() {
  static const Nemucod decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
