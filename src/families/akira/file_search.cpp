#include "families/akira/file_search.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "crypto/kcipher2.h"
#include "families/akira/window.h"
#include "formats/known_header.h"
#include "kintsugi/message.h"

namespace kintsugi::families::akira {
namespace {

// The first ChaCha8 chunk: part 0's second chunk (§3.9 step 7).
constexpr std::uint64_t kChaChaOffset = kChunkBytes;
// Fewer known bytes than this would let wrong keys through (a 2^-56 false
// positive rate per candidate with 7).
constexpr std::size_t kMinKnownBytes = 7;
// A Windows MBR's first bytes (§3.9 "Cheapest candidate test").
constexpr std::uint8_t kWindowsMbr[] = {0x33, 0xc0, 0x8e, 0xd0,
                                        0xbc, 0x00, 0x7c};
// Candidates per engine chunk, about: small enough for checkpoints and
// Ctrl-C, large enough to share the key blocks.
constexpr std::uint64_t kPairsPerChunk = 1 << 20;

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool IsFlatVmdk(const FileCase& file) {
  return recover::EndsWithIgnoreCase(file.original_name, "-flat.vmdk");
}

// A target from known bytes: pt[i] known where mask[i].
std::optional<Target> Known(const std::array<std::uint8_t, 8>& ciphertext,
                            const std::uint8_t pt[8], const bool known[8],
                            std::string what) {
  const auto count = std::count(known, known + 8, true);
  if (count < static_cast<std::ptrdiff_t>(kMinKnownBytes)) return std::nullopt;
  Target target;
  target.what = std::move(what);
  for (int i = 0; i < 8; ++i) {
    const std::uint64_t m = known[i] ? 0xff : 0;
    target.mask = (target.mask << 8) | m;
    target.want = (target.want << 8) |
                  ((static_cast<std::uint64_t>(
                       ciphertext[static_cast<std::size_t>(i)] ^ pt[i])) &
                   m);
  }
  return target;
}

std::string Ns(std::uint64_t ns) { return std::to_string(ns); }

std::int64_t I64(std::uint64_t v) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(v, static_cast<std::uint64_t>(INT64_MAX)));
}

// The engine's chunk for a band: about kPairsPerChunk candidates, and at
// least four chunks a worker where the window allows.
std::uint32_t ChunkFor(std::uint64_t width, std::uint64_t seeds,
                       unsigned workers) {
  // At least 16 seeds a chunk, so that a real window (10^9 seeds) is not
  // as many chunks.
  std::uint64_t chunk = std::clamp<std::uint64_t>(
      kPairsPerChunk / std::max<std::uint64_t>(width, 1), 16, 4096);
  const std::uint64_t spread = seeds / (4ULL * std::max(workers, 1U));
  chunk = std::min(chunk, std::max<std::uint64_t>(spread, 1));
  return static_cast<std::uint32_t>(chunk);
}

// Derives the key blocks of [from, to] on every worker.
Status Warm(KeyCache& cache, std::uint64_t from, std::uint64_t to,
            WorkerPool& pool, const StopToken& stop) {
  const std::uint64_t b0 = from / KeyCache::kKeyBlock;
  const std::uint64_t b1 = to / KeyCache::kKeyBlock;
  return pool.ParallelFor(static_cast<std::size_t>(b1 - b0 + 1), stop,
                          [&](std::size_t i, unsigned) -> Status {
                            cache.Block(b0 + i);
                            return Status::Ok();
                          });
}

// §5: plant an answer with the same parameters at the window's top, at
// both ends of the band, and require the engine and the tester to find it
// (the public tool's bound bug returned nothing for a covered answer).
Status SelfTest(KeyCache& cache, const GapBand& band, std::uint64_t t3,
                WorkerPool& pool, const StopToken& stop) {
  KINTSUGI_RETURN_IF_ERROR(Warm(cache, t3, t3, pool, stop));
  // The band's keys, less the part an earlier step searched.
  if (band.skip_low <= band.skip_high) {
    KINTSUGI_RETURN_IF_ERROR(
        Warm(cache, t3 + band.low, t3 + band.skip_low - 1, pool, stop));
    KINTSUGI_RETURN_IF_ERROR(
        Warm(cache, t3 + band.skip_high + 1, t3 + band.high, pool, stop));
  } else {
    KINTSUGI_RETURN_IF_ERROR(
        Warm(cache, t3 + band.low, t3 + band.high, pool, stop));
  }
  for (const std::uint64_t d : {band.low, band.high}) {
    const Key16 key = DeriveKey(t3);
    const Key16 iv = DeriveKey(t3 + d);
    Target planted;
    planted.mask = ~0ULL;
    planted.want =
        crypto::KCipher2First8(crypto::KCipher2Expand(key.data()), iv.data());
    planted.what = "planted";
    StageATester tester(cache, band, {planted});
    tester.UseDevice(StageADevice());  // The device's path is what runs.
    SeedSearchOptions options;
    options.first = t3 >= 2 ? t3 - 2 : 0;
    options.last = t3;
    options.center = t3;
    options.chunk = 1;
    KINTSUGI_ASSIGN_OR_RETURN(
        SeedSearchResult found,
        RunSeedSearch(tester, options, pool, nullptr, stop));
    if (found.seed != t3 || tester.T4For(t3) != t3 + d) {
      return InternalError(
          "akira: the planted-answer self-test failed (the search would "
          "miss a key in its own window); nothing was searched");
    }
  }
  return Status::Ok();
}

struct Stage {
  std::string name;  // "A" or "B".
  std::string file;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string first_from;
  std::string last_from;
  GapBand band;
  SeedShard shard;
  std::string checkpoint;  // File name; empty: none.
  std::string fingerprint;
};

Result<SeedSearchResult> RunStage(const SeedTester& tester, const Stage& stage,
                                  const recover::RunInputs& inputs,
                                  WorkerPool& pool) {
  SeedSearchOptions options;
  options.first = stage.first;
  options.last = stage.last;
  options.center = stage.last;  // Nearest the file's last write first.
  options.shard = stage.shard;
  options.chunk =
      ChunkFor(stage.band.Width(), stage.last - stage.first + 1, pool.size());
  options.fingerprint = stage.fingerprint;
  if (inputs.seed.state_fs != nullptr && !inputs.seed.checkpoint_dir.empty() &&
      !stage.checkpoint.empty()) {
    options.checkpoint = inputs.seed.checkpoint_dir / stage.checkpoint;
  }
  options.on_progress = inputs.search.on_progress;
  if (inputs.search.on_plan) {
    options.on_plan = [&](const SeedSearchPlan& plan) {
      const double width = static_cast<double>(stage.band.Width());
      const double rate = plan.seeds_per_second * width;
      const double seconds =
          plan.seeds_per_second > 0
              ? static_cast<double>(plan.left) / plan.seeds_per_second
              : 0.0;
      inputs.search.on_plan(Message{
          MessageId::kRecoverAkiraPlan,
          {{"stage", stage.name},
           {"file", stage.file},
           {"first", I64(stage.first)},
           {"last", I64(stage.last)},
           {"first_from", stage.first_from},
           {"last_from", stage.last_from},
           {"gap_low", I64(stage.band.low)},
           {"gap_high", I64(stage.band.high)},
           {"candidates", I64(static_cast<std::uint64_t>(
                              static_cast<double>(plan.left) * width))},
           {"rate", I64(static_cast<std::uint64_t>(rate))},
           {"workers", static_cast<std::int64_t>(plan.workers)},
           {"minutes", static_cast<std::int64_t>(seconds / 60.0 + 0.999)}}});
    };
  }
  return RunSeedSearch(tester, options, pool, inputs.seed.state_fs,
                       inputs.search.stop);
}

Message Widen(const std::string& stage, const GapBand& from,
              const GapBand& to) {
  return Message{MessageId::kRecoverAkiraWiden,
                 {{"stage", stage},
                  {"gap_low", I64(from.low)},
                  {"gap_high", I64(from.high)},
                  {"next_low", I64(to.low)},
                  {"next_high", I64(to.high)}}};
}

std::string TargetsText(const std::vector<Target>& targets) {
  std::string text;
  char buf[48];
  for (const Target& t : targets) {
    std::snprintf(buf, sizeof buf, "%016llx/%016llx;",
                  static_cast<unsigned long long>(t.want),
                  static_cast<unsigned long long>(t.mask));
    text += buf;
  }
  return text;
}

}  // namespace

std::vector<Target> TargetsAt(std::uint64_t offset,
                              const std::array<std::uint8_t, 8>& ciphertext,
                              const recover::RunInputs& inputs,
                              const FileCase& file) {
  std::vector<Target> targets;
  // --known bytes that cover [offset, offset + 8), merged.
  std::uint8_t pt[8] = {};
  bool known[8] = {};
  for (const KnownPlaintextAt& k : inputs.known) {
    for (std::size_t i = 0; i < 8; ++i) {
      const std::uint64_t at = offset + i;
      if (at >= k.offset && at - k.offset < k.bytes.size()) {
        pt[i] = k.bytes[static_cast<std::size_t>(at - k.offset)];
        known[i] = true;
      }
    }
  }
  if (std::any_of(known, known + 8, [](bool b) { return b; })) {
    if (auto t = Known(ciphertext, pt, known, "--known")) targets.push_back(*t);
    return targets;  // The user's bytes replace the defaults.
  }
  if (IsFlatVmdk(file)) {
    const bool all[8] = {true, true, true, true, true, true, true, true};
    const std::uint8_t zeros[8] = {};
    targets.push_back(*Known(ciphertext, zeros, all, "zeros"));
    if (offset == 0) {
      std::uint8_t mbr[8] = {};
      bool mbr_known[8] = {};
      for (std::size_t i = 0; i < sizeof kWindowsMbr; ++i) {
        mbr[i] = kWindowsMbr[i];
        mbr_known[i] = true;
      }
      targets.push_back(*Known(ciphertext, mbr, mbr_known, "Windows MBR"));
    }
    return targets;
  }
  const std::string extension = Path(file.original_name).extension().string();
  const auto header =
      formats::KnownHeaderFor(extension, file.size - kTrailerBytes);
  if (!header) return targets;
  for (const formats::KnownBytes& run : header->runs) {
    if (run.certainty != formats::Certainty::kFixed) continue;
    for (std::size_t i = 0; i < 8; ++i) {
      const std::uint64_t at = offset + i;
      if (at >= run.offset && at - run.offset < run.bytes.size()) {
        pt[i] = run.bytes[static_cast<std::size_t>(at - run.offset)];
        known[i] = true;
      }
    }
  }
  if (auto t = Known(ciphertext, pt, known,
                     std::string(formats::FileKindName(header->kind)))) {
    targets.push_back(*t);
  }
  return targets;
}

Result<FileSearchResult> SearchFile(ReadOnlyFileSystem& fs,
                                    const FileCase& file,
                                    const recover::RunInputs& inputs,
                                    const SearchSettings& settings,
                                    WorkerPool& pool) {
  FileSearchResult out;
  recover::KeyOutcome& outcome = out.outcome;
  const std::uint64_t size = file.size - kTrailerBytes;
  const auto layout = Layout::Make(size, settings.percent);
  if (!layout) {
    outcome.verdict = recover::KeyVerdict::kUnsupported;
    outcome.message =
        Message{MessageId::kRecoverAkiraPercentUnsupported,
                {{"percent", static_cast<std::int64_t>(settings.percent)}}};
    return out;
  }
  FileKeys keys;
  if (layout->EncryptedBytes() == 0) {
    // Nothing encrypted at this size and percent: any key decrypts it.
    keys.kcipher2_key = SecretBytes(Bytes(16, 0));
    keys.kcipher2_iv = SecretBytes(Bytes(16, 0));
    outcome.verdict = recover::KeyVerdict::kFound;
    outcome.key = PackKey(keys);
    return out;
  }
  const std::vector<Target> targets_a = TargetsAt(0, file.head, inputs, file);
  if (targets_a.empty()) {
    outcome.verdict = recover::KeyVerdict::kNeedsInput;
    outcome.message =
        Message{MessageId::kRecoverAkiraNoKnown, {{"offset", std::int64_t{0}}}};
    return out;
  }
  WindowEvidence evidence;
  evidence.range = inputs.seed.range;
  evidence.mtime_ns = file.mtime_ns;
  evidence.logs = inputs.seed.logs;
  evidence.names = {file.name, file.original_name,
                    file.path.parent_path().filename().string()};
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<Window> window,
                            ResolveWindow(fs, evidence));
  if (!window) {
    outcome.verdict = recover::KeyVerdict::kNeedsInput;
    outcome.message = Message{MessageId::kRecoverAkiraNoWindow, {}};
    return out;
  }
  const std::vector<GapBand> steps = GapSteps(settings.gap);
  std::uint64_t widest = 0;
  for (const GapBand& band : steps) widest = std::max(widest, band.high);
  KeyCache cache(static_cast<std::size_t>(
      2 * (widest / KeyCache::kKeyBlock + 2) + 4 * pool.size() + 16));
  const std::string id = [&] {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(
                      Fnv1a(file.path.string() + "|" + std::to_string(size))));
    return std::string(buf);
  }();
  const std::string shard_text = std::to_string(inputs.seed.shard.index + 1) +
                                 "-of-" +
                                 std::to_string(inputs.seed.shard.count);

  // Stage A: T3 and T4 from the known bytes at offset 0.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> t34;
  SeedSearchResult last_a;
  for (std::size_t i = 0; i < steps.size() && !t34; ++i) {
    const GapBand& band = steps[i];
    if (i > 0 && inputs.search.on_plan) {
      inputs.search.on_plan(Widen("A", steps[i - 1], band));
    }
    KINTSUGI_RETURN_IF_ERROR(
        SelfTest(cache, band, window->last, pool, inputs.search.stop));
    StageATester tester(cache, band, targets_a);
    const gpu::AkiraPairSearch* device = StageADevice();
    tester.UseDevice(device);
    if (device != nullptr && inputs.search.on_plan) {
      inputs.search.on_plan(
          Message{MessageId::kRecoverAkiraDevice,
                  {{"stage", std::string("A")},
                   {"device", gpu::DescribeOpenClDevice(device->device())}}});
    }
    Stage stage{"A",
                file.name,
                window->first,
                window->last,
                window->first_from,
                window->last_from,
                band,
                inputs.seed.shard,
                "seed-search-akira-" + id + "-a" + std::to_string(i + 1) + "-" +
                    shard_text + ".json",
                "akira|A|" + file.path.string() + "|" + std::to_string(size) +
                    "|" + std::to_string(band.low) + "-" +
                    std::to_string(band.high) + "|" + TargetsText(targets_a)};
    KINTSUGI_ASSIGN_OR_RETURN(last_a, RunStage(tester, stage, inputs, pool));
    if (last_a.seed) {
      const auto t4 = tester.T4For(*last_a.seed);
      if (t4) t34 = std::make_pair(*last_a.seed, *t4);
    }
  }
  if (!t34) {
    outcome.verdict = recover::KeyVerdict::kNotFound;
    if (last_a.shard_seeds == 0) {
      outcome.message =
          Message{MessageId::kRecoverSeedShardEmpty,
                  {{"shard", std::to_string(inputs.seed.shard.index + 1) + "/" +
                                 std::to_string(inputs.seed.shard.count)},
                   {"first", I64(window->first)},
                   {"last", I64(window->last)}}};
    } else {
      outcome.message = Message{MessageId::kRecoverAkiraNotFound,
                                {{"first", I64(window->first)},
                                 {"last", I64(window->last)},
                                 {"gap_low", I64(steps.back().low)},
                                 {"gap_high", I64(steps.back().high)}}};
    }
    return out;
  }
  const auto [t3, t4] = *t34;
  const Key16 k3 = DeriveKey(t3);
  const Key16 k4 = DeriveKey(t4);
  keys.kcipher2_key = SecretBytes(ByteView(k3.data(), k3.size()));
  keys.kcipher2_iv = SecretBytes(ByteView(k4.data(), k4.size()));

  // Stage B: T1 and T2 from the known bytes at 65,535, if there are
  // ChaCha8 chunks. Not split into shards: the process that found T3 does
  // it whole.
  std::string t1_text = "-";
  std::string t2_text = "-";
  if (layout->HasChaCha8()) {
    const std::vector<Target> targets_b =
        file.has_chacha_head
            ? TargetsAt(kChaChaOffset, file.chacha_head, inputs, file)
            : std::vector<Target>();
    std::optional<std::pair<std::uint64_t, std::uint64_t>> t12;
    std::uint64_t b_first = 0;
    std::uint64_t b_last = 0;
    for (std::size_t i = 0; i < steps.size() && !t12 && !targets_b.empty();
         ++i) {
      const GapBand& band = steps[i];
      if (i > 0 && inputs.search.on_plan) {
        inputs.search.on_plan(Widen("B", steps[i - 1], band));
      }
      StageBTester tester(cache, band, t3, targets_b);
      const auto [first, last] = tester.Window();
      b_first = first;
      b_last = last;
      Stage stage{
          "B",
          file.name,
          first,
          last,
          "T3 - 2 x " + Ns(band.high) + " ns",
          "T3 - 2 x " + Ns(band.low) + " ns",
          band,
          SeedShard{},
          "seed-search-akira-" + id + "-b" + std::to_string(i + 1) + ".json",
          "akira|B|" + file.path.string() + "|" + std::to_string(t3) + "|" +
              std::to_string(band.low) + "-" + std::to_string(band.high) + "|" +
              TargetsText(targets_b)};
      KINTSUGI_ASSIGN_OR_RETURN(SeedSearchResult b,
                                RunStage(tester, stage, inputs, pool));
      if (b.seed) {
        const auto t2 = tester.T2For(*b.seed);
        if (t2) t12 = std::make_pair(*b.seed, *t2);
      }
    }
    const auto lost = static_cast<std::int64_t>(layout->ChaCha8Bytes());
    if (t12) {
      const Key16 k1 = DeriveKey(t12->first);
      const Key16 k2 = DeriveKey(t12->second);
      keys.chacha_key = SecretBytes(ByteView(k1.data(), k1.size()));
      keys.chacha_nonce = SecretBytes(ByteView(k2.data(), 8));
      t1_text = Ns(t12->first);
      t2_text = Ns(t12->second);
    } else if (targets_b.empty()) {
      outcome.message =
          Message{MessageId::kRecoverAkiraChaChaNoKnown, {{"bytes", lost}}};
      outcome.expected_lost = layout->ChaCha8Bytes();
    } else {
      outcome.message = Message{MessageId::kRecoverAkiraChaChaNotFound,
                                {{"bytes", lost},
                                 {"first", I64(b_first)},
                                 {"last", I64(b_last)},
                                 {"gap_low", I64(steps.back().low)},
                                 {"gap_high", I64(steps.back().high)}}};
      outcome.expected_lost = layout->ChaCha8Bytes();
    }
  }
  outcome.verdict = recover::KeyVerdict::kFound;
  outcome.key = PackKey(keys);
  outcome.key.variant = "v3-linux";
  outcome.key.source = "clock search";
  outcome.found =
      Message{MessageId::kRecoverAkiraKeyFound,
              {{"t1", t1_text},
               {"t2", t2_text},
               {"t3", Ns(t3)},
               {"t4", Ns(t4)},
               {"percent", static_cast<std::int64_t>(settings.percent)}}};
  ReportedKey reported;
  reported.decryptor = "akira";
  reported.key_hex = ToHex(outcome.key.key.view());
  reported.iv_hex = ToHex(outcome.key.iv.view());
  reported.source = file.name;
  reported.detail = outcome.found;
  out.reported = std::move(reported);
  return out;
}

}  // namespace kintsugi::families::akira
