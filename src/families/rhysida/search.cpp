#include "families/rhysida/search.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <utility>

#include "core/stop_token.h"
#include "crypto/aes_ecb.h"
#include "families/extension.h"

namespace kintsugi::families::rhysida {
namespace {

// §3.10 "Cheapest candidate test": how many of a worker's first keys the
// seed test tries on the sample at most (the earliest file is the first
// of its worker unless files before it failed; a sample later in the
// order can be a worker's second or third).
constexpr std::uint64_t kSampleIndexes = 4;
// Keys of each worker tried on a witness when the sample does not verify
// whole.
constexpr std::uint64_t kWitnessKeys = 16;
// Witnesses kept: each costs a few thousand key tests per confirmation.
constexpr std::size_t kMaxWitnesses = 3;
// The reconstruction's window around each worker's cursor: keys back (two
// files of one worker with the same time, taken in the other order) and
// ahead (files skipped or unresolved before this one), growing by one for
// every file left unplaced, up to kMaxAhead.
constexpr std::uint64_t kBack = 4;
constexpr std::uint64_t kAhead = 2;
constexpr std::uint64_t kMaxAhead = 64;
constexpr std::size_t kReadChunk = 1 << 16;

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = text.find(',');
    items.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

const std::string* Option(const std::map<std::string, std::string>& options,
                          const char* name) {
  const auto it = options.find(name);
  return it == options.end() ? nullptr : &it->second;
}

Status Bad(const char* option, std::string_view value, const char* known) {
  return InvalidArgumentError("--" + std::string(option) + ": '" +
                              std::string(value.substr(0, 40)) +
                              "' is not one of " + known);
}

}  // namespace

Result<Candidates> ParseCandidates(
    const std::map<std::string, std::string>& options) {
  Candidates c;
  c.feeds.assign(std::begin(kAllFeeds), std::end(kAllFeeds));
  c.counters.assign(std::begin(kAllCounters), std::end(kAllCounters));
  c.chunks = {ChunkRule{}};
  c.trailers.assign(std::begin(kTrailerCandidates),
                    std::end(kTrailerCandidates));
  c.procs = kDefaultProcs;
  if (const std::string* value = Option(options, "rhysida-feed")) {
    c.feeds.clear();
    for (std::string_view item : SplitList(*value)) {
      const auto feed = FeedFromName(item);
      if (!feed) return Bad("rhysida-feed", item, "byte, le16, be16, le32");
      c.feeds.push_back(*feed);
    }
  }
  if (const std::string* value = Option(options, "rhysida-ctr")) {
    c.counters.clear();
    for (std::string_view item : SplitList(*value)) {
      const auto counter = CounterFromName(item);
      if (!counter) return Bad("rhysida-ctr", item, "be, le");
      c.counters.push_back(*counter);
    }
  }
  if (const std::string* value = Option(options, "rhysida-chunks")) {
    c.chunks.clear();
    for (std::string_view item : SplitList(*value)) {
      KINTSUGI_ASSIGN_OR_RETURN(const ChunkRule rule, ParseChunkRule(item));
      c.chunks.push_back(rule);
    }
  }
  if (const std::string* value = Option(options, "rhysida-trailer")) {
    c.trailers.clear();
    for (std::string_view item : SplitList(*value)) {
      std::uint64_t bytes = 0;
      const auto [end, error] =
          std::from_chars(item.data(), item.data() + item.size(), bytes);
      if (item.empty() || error != std::errc() ||
          end != item.data() + item.size() || bytes > (1U << 20)) {
        return Bad("rhysida-trailer", item,
                   "a number of bytes up to 1048576 (512, 1024)");
      }
      c.trailers.push_back(bytes);
    }
  }
  if (const std::string* value = Option(options, "rhysida-draw")) {
    KINTSUGI_ASSIGN_OR_RETURN(c.draw, ParseDraw(*value));
  }
  if (const std::string* value = Option(options, "rhysida-procs")) {
    unsigned procs = 0;
    const auto [end, error] =
        std::from_chars(value->data(), value->data() + value->size(), procs);
    if (value->empty() || error != std::errc() ||
        end != value->data() + value->size() || procs < 1 ||
        procs > kMaxProcs) {
      return InvalidArgumentError(
          "--rhysida-procs: the victim's logical processor count, 1 to " +
          std::to_string(kMaxProcs));
    }
    c.procs = procs;
    c.procs_given = true;
  }
  return c;
}

Result<std::vector<RunFile>> ScanRunFiles(ReadOnlyFileSystem& fs,
                                          const recover::RunInputs& inputs) {
  std::vector<RunFile> files;
  if (!inputs.for_each_file) return files;
  SearchControl control(inputs.search.stop, inputs.file_count,
                        inputs.search.on_progress);
  const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
    KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
    const std::string name = path.filename().string();
    if (!recover::EndsWithIgnoreCase(name, kExtension)) return Status::Ok();
    if (files.size() >= kMaxFiles) {
      return ResourceExhaustedError(
          "more than " + std::to_string(kMaxFiles) +
          " .rhysida files in one run: give the folders one run at a time");
    }
    auto info = fs.Stat(path, /*follow_symlinks=*/true);
    auto file = fs.OpenForRead(path);
    if (!info || !file) return Status::Ok();  // Reported when recovered.
    RunFile run_file;
    run_file.path = path;
    run_file.size = size;
    run_file.mtime_ns = info->mtime_ns;
    run_file.head.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(size, kHeadBytes)));
    auto got = ReadFullyAt(**file, 0, run_file.head);
    if (!got) return Status::Ok();
    run_file.head.resize(*got);
    const std::string original =
        name.substr(0, name.size() - kExtension.size());
    const auto kinds = formats::ExpectedKinds(LowerExtension(original));
    run_file.kinds.assign(kinds.begin(), kinds.end());
    run_file.text = !kinds.empty() &&
                    std::all_of(kinds.begin(), kinds.end(), [](auto kind) {
                      return kind == formats::FileKind::kText;
                    });
    files.push_back(std::move(run_file));
    return Status::Ok();
  };
  KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
  std::sort(files.begin(), files.end(), [](const RunFile& a, const RunFile& b) {
    if (a.mtime_ns != b.mtime_ns) return a.mtime_ns < b.mtime_ns;
    return a.path < b.path;
  });
  return files;
}

bool Checkable(const RunFile& file, std::uint64_t trailer) {
  return !file.kinds.empty() && file.size >= trailer + kAesBlock &&
         file.head.size() >= kAesBlock;
}

bool HeadFits(const RunFile& file, const FileKey& key, Counter counter,
              const ChunkRule& rule, std::uint64_t original_size) {
  const std::size_t have = static_cast<std::size_t>(
      std::min<std::uint64_t>(file.head.size(), original_size));
  if (have < kAesBlock || file.kinds.empty()) return false;
  Bytes head(file.head.begin(),
             file.head.begin() + static_cast<std::ptrdiff_t>(have));
  auto stream = CtrKeystream::Create(key, counter);
  if (!stream || !TransformOriginal(*stream, rule, 0, head).ok()) return false;
  const auto plausible = [&](ByteView view) {
    return std::any_of(file.kinds.begin(), file.kinds.end(), [&](auto kind) {
      return formats::HeaderPlausible(kind, view, original_size);
    });
  };
  // The first block, then the whole head: its later blocks (under
  // `counter`) confirm the key where the type's header reaches them.
  return plausible(ByteView(head).First(kAesBlock)) &&
         plausible(ByteView(head));
}

Tester::Tester(ReadOnlyFileSystem& fs, const Candidates& candidates,
               std::vector<RunFile> sample_and_witnesses,
               std::uint64_t max_index)
    : fs_(fs),
      candidates_(candidates),
      files_(std::move(sample_and_witnesses)),
      max_index_(std::min(max_index, kSampleIndexes - 1)) {
  if (files_.size() > kMaxWitnesses + 1) files_.resize(kMaxWitnesses + 1);
}

std::uint64_t Tester::keys_per_seed() const {
  return candidates_.feeds.size() * candidates_.procs * (max_index_ + 1);
}

std::vector<Slot> Tester::SampleFits(std::uint64_t seed) const {
  std::vector<Slot> fits;
  auto cipher = crypto::AesEcb::Create(candidates_.draw.key_bytes,
                                       /*encrypt=*/true);
  if (!cipher) return fits;
  const RunFile& sample = files_.front();
  const std::size_t per_file = candidates_.draw.per_file();
  std::vector<std::uint8_t> drawn(per_file * (max_index_ + 1));
  for (Feed feed : candidates_.feeds) {
    const SeedGenerators generators(static_cast<std::uint32_t>(seed), feed,
                                    candidates_.procs);
    for (unsigned w = 1; w <= candidates_.procs; ++w) {
      if (!generators.Worker(w).ReadAt(0, drawn).ok()) return fits;
      for (std::uint64_t k = 0; k <= max_index_; ++k) {
        const std::uint8_t* at = drawn.data() + k * per_file;
        std::array<std::uint8_t, kAesBlock> block{};
        std::copy_n(at + candidates_.draw.key_bytes, candidates_.draw.iv_bytes,
                    block.begin());
        // §4.12: the first keystream block is E(IV) under both counters.
        if (!cipher->SetKey(ByteView(at, candidates_.draw.key_bytes)).ok() ||
            !cipher->Apply(ByteView(block.data(), block.size()), block).ok()) {
          return fits;
        }
        for (std::size_t i = 0; i < kAesBlock; ++i) block[i] ^= sample.head[i];
        const ByteView view(block.data(), block.size());
        if (std::any_of(sample.kinds.begin(), sample.kinds.end(),
                        [&](auto kind) {
                          return formats::HeaderPlausible(kind, view);
                        })) {
          fits.push_back(Slot{feed, w, k});
        }
      }
    }
  }
  std::fill(drawn.begin(), drawn.end(), std::uint8_t{0});
  return fits;
}

void Tester::Test(std::uint64_t first, std::uint32_t count,
                  std::vector<std::uint64_t>& hits) const {
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!SampleFits(first + i).empty()) hits.push_back(first + i);
  }
}

bool Tester::Confirm(std::uint64_t seed) const {
  return Which(seed).has_value();
}

std::optional<Reading> Tester::VerifiesWhole(const RunFile& file,
                                             const FileKey& key,
                                             Feed feed) const {
  if (file.size > kConfirmBytes) return std::nullopt;
  auto source = fs_.OpenForRead(file.path);
  if (!source) return std::nullopt;
  Bytes in(kReadChunk);
  Bytes out(kReadChunk + recover::StreamDecryption::kSlack);
  for (Counter counter : candidates_.counters) {
    for (std::uint64_t trailer : candidates_.trailers) {
      for (const ChunkRule& chunks : candidates_.chunks) {
        const Reading reading{feed, candidates_.draw, counter, chunks, trailer};
        if (file.size < trailer + kAesBlock) continue;
        auto stream = StartDecryption(key, reading, file.size);
        if (!stream) continue;
        formats::StreamVerifier verifier(file.kinds);
        verifier.ExpectAtLeast(file.size - trailer);
        bool read_all = true;
        for (std::uint64_t at = 0; at < file.size && read_all;) {
          const auto want = static_cast<std::size_t>(
              std::min<std::uint64_t>(kReadChunk, file.size - at));
          auto got = ReadFullyAt(**source, at, std::span(in).first(want));
          auto n = got && *got == want
                       ? (*stream)->Update(ByteView(in.data(), want), out)
                       : Result<std::size_t>(IoError("short read"));
          if (!n) {
            read_all = false;
            break;
          }
          verifier.Update(ByteView(out.data(), *n));
          at += want;
        }
        if (read_all && verifier.Finish().valid()) return reading;
      }
    }
  }
  return std::nullopt;
}

std::optional<Tester::Found> Tester::Which(std::uint64_t seed) const {
  const std::vector<Slot> fits = SampleFits(seed);
  const RunFile& sample = files_.front();
  const auto seed32 = static_cast<std::uint32_t>(seed);
  for (const Slot& fit : fits) {
    const SeedGenerators generators(seed32, fit.feed, candidates_.procs);
    const FileKey key =
        KeyAt(generators.Worker(fit.worker), candidates_.draw, fit.index);
    if (auto reading = VerifiesWhole(sample, key, fit.feed)) {
      return Found{fit, *reading, sample.path.filename().string()};
    }
  }
  // The sample does not verify whole (our validator finds fault with a
  // valid file, or it is too large): a witness taking another key of the
  // same generators, and verifying whole, confirms the seed.
  for (const Slot& fit : fits) {
    const SeedGenerators generators(seed32, fit.feed, candidates_.procs);
    for (std::size_t i = 1; i < files_.size(); ++i) {
      const RunFile& witness = files_[i];
      for (unsigned w = 1; w <= candidates_.procs; ++w) {
        for (std::uint64_t k = 0; k < kWitnessKeys; ++k) {
          if (w == fit.worker && k == fit.index) continue;
          const FileKey key = KeyAt(generators.Worker(w), candidates_.draw, k);
          if (!HeadFits(witness, key, candidates_.counters.front(), ChunkRule{},
                        witness.size)) {
            continue;
          }
          if (auto reading = VerifiesWhole(witness, key, fit.feed)) {
            return Found{fit, *reading, witness.path.filename().string()};
          }
        }
      }
    }
  }
  return std::nullopt;
}

Result<Reconstruction> Reconstruct(const std::vector<RunFile>& files,
                                   std::uint32_t seed, const Reading& reading,
                                   unsigned workers, const StopToken& stop) {
  Reconstruction out;
  const SeedGenerators generators(seed, reading.feed, workers);
  std::vector<std::set<std::uint64_t>> used(workers + 1);
  std::vector<std::uint64_t> high(workers + 1, 0);  // 1 + the highest used.
  std::uint64_t unplaced = 0;
  for (const RunFile& file : files) {
    KINTSUGI_RETURN_IF_ERROR(stop.status());
    Placement& placement = out.files[file.path.string()];
    if (!Checkable(file, reading.trailer)) {
      placement.state = Placement::State::kUncheckable;
      ++unplaced;  // It took a key somewhere.
      continue;
    }
    const std::uint64_t ahead = std::min(kAhead + unplaced, kMaxAhead);
    out.ahead = std::max(out.ahead, ahead);
    const std::uint64_t original = file.size - reading.trailer;
    bool placed = false;
    // Offsets from each worker's cursor: 0, -1, +1, -2, +2, ...
    for (std::uint64_t step = 0; step <= 2 * std::max(kBack, ahead) && !placed;
         ++step) {
      const bool back = step % 2 == 0 && step > 0;
      const std::uint64_t distance = (step + 1) / 2;
      if ((back && distance > kBack) || (!back && distance > ahead)) continue;
      for (unsigned w = 1; w <= workers && !placed; ++w) {
        if (back && distance > high[w]) continue;
        const std::uint64_t k = back ? high[w] - distance : high[w] + distance;
        if (used[w].count(k) != 0) continue;
        const FileKey key = KeyAt(generators.Worker(w), reading.draw, k);
        if (!HeadFits(file, key, reading.counter, reading.chunks, original)) {
          continue;
        }
        placement = Placement{Placement::State::kPlaced, w, k, key};
        used[w].insert(k);
        high[w] = std::max(high[w], k + 1);
        ++out.placed;
        placed = true;
      }
    }
    if (!placed) {
      placement.state = Placement::State::kUnresolved;
      ++unplaced;
    }
  }
  return out;
}

}  // namespace kintsugi::families::rhysida
