#include "families/petya_red/key_search.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

namespace kintsugi::petya_red {
namespace {

constexpr std::uint64_t kAlphabetSize = kKeyAlphabet.size();  // 54

// How often a worker reports progress and polls the stop token.
constexpr std::uint64_t kProgressEvery = 4096;

// The genetic search (§3.12 "Recovery" step 3; the spec leaves its
// parameters open): a population of 200 keys, the best 20 kept as they
// are, the others bred from two parents picked by 3-way tournaments
// (uniform crossover, one or two characters mutated at random), a restart
// from a fresh random population after 30 generations without a better
// key. On synthetic sectors this finds the key after ~5e4 candidates on
// average.
constexpr std::size_t kPopulation = 200;
constexpr std::size_t kElite = 20;
constexpr unsigned kStallGenerations = 30;

using Genome = std::array<std::uint8_t, kKeyCharacters>;

KeyCharacters KeyOf(const Genome& genome) {
  KeyCharacters key{};
  for (std::size_t i = 0; i < kKeyCharacters; ++i)
    key[i] = kKeyAlphabet[genome[i]];
  return key;
}

// Differing bits between a key's block 0 and the target's: the fitness.
int Distance(const VerificationTarget& target, const KeyCharacters& key) {
  const Words block = KeystreamBlock(key, target.nonce, 0);
  int bits = 0;
  for (std::size_t j = 0; j < block.size(); ++j)
    bits +=
        std::popcount(static_cast<std::uint16_t>(block[j] ^ target.block0[j]));
  return bits;
}

// The one key a search found, shared by its workers.
class Find {
 public:
  bool found() const { return found_.load(std::memory_order_relaxed); }
  void Set(const KeyCharacters& key) {
    std::lock_guard lock(mutex_);
    if (!key_) key_ = key;
    found_.store(true, std::memory_order_relaxed);
  }
  std::optional<KeyCharacters> key() const {
    std::lock_guard lock(mutex_);
    return key_;
  }

 private:
  std::atomic<bool> found_{false};
  mutable std::mutex mutex_;
  std::optional<KeyCharacters> key_;
};

Result<KeySearchResult> Finish(KeySearchResult result, const Find& find,
                               Status status) {
  result.key = find.key();
  if (result.key) return result;
  KINTSUGI_RETURN_IF_ERROR(status);
  result.complete = true;
  return result;
}

Result<KeySearchResult> SearchExhaustive(const VerificationTarget& target,
                                         const KeyPattern& pattern,
                                         const KeySearchOptions& options,
                                         WorkerPool& pool,
                                         const StopToken& stop) {
  KeyCharacters base{};
  std::vector<std::size_t> unknown;
  std::uint64_t space = 1;
  for (std::size_t i = 0; i < kKeyCharacters; ++i) {
    if (pattern[i]) {
      base[i] = *pattern[i];
    } else {
      unknown.push_back(i);
      space *= kAlphabetSize;
    }
  }
  if (space > limits::kPetyaRedMaxExhaustiveKeys) {
    return ResourceExhaustedError(
        "a Petya Red key pattern may leave at most 6 of the 8 characters "
        "unknown (54^6 keys); search without a pattern instead");
  }
  // Each task tries every value of the first (up to) three unknown
  // characters for one value of the others.
  const std::size_t inner = std::min<std::size_t>(unknown.size(), 3);
  std::uint64_t inner_count = 1;
  for (std::size_t k = 0; k < inner; ++k) inner_count *= kAlphabetSize;
  const std::uint64_t tasks = space / inner_count;

  KeySearchResult result;
  result.method = SearchMethod::kExhaustive;
  result.space = space;
  SearchControl control(stop, space, options.on_progress);
  std::atomic<std::uint64_t> tested{0};
  Find find;
  const Status status = pool.ParallelFor(
      static_cast<std::size_t>(tasks), stop,
      [&](std::size_t index, unsigned) -> Status {
        if (find.found()) return Status::Ok();
        KeyCharacters key = base;
        std::uint64_t rest = index;
        for (std::size_t k = inner; k < unknown.size(); ++k) {
          key[unknown[k]] = kKeyAlphabet[rest % kAlphabetSize];
          rest /= kAlphabetSize;
        }
        std::uint64_t since = 0;
        for (std::uint64_t c = 0; c < inner_count; ++c) {
          std::uint64_t digits = c;
          for (std::size_t k = 0; k < inner; ++k) {
            key[unknown[k]] = kKeyAlphabet[digits % kAlphabetSize];
            digits /= kAlphabetSize;
          }
          if (KeystreamBlock(key, target.nonce, 0) == target.block0 &&
              ConfirmKey(target, key)) {
            find.Set(key);
          }
          if (++since == kProgressEvery) {
            tested += since;
            KINTSUGI_RETURN_IF_ERROR(control.Advance(since));
            since = 0;
            if (find.found()) return Status::Ok();
          }
        }
        tested += since;
        return control.Advance(since);
      });
  result.tested = tested.load();
  return Finish(std::move(result), find, status);
}

// One run of the genetic search from a fresh population, until it finds
// the key, stalls, or the bound is spent.
class GeneticRun {
 public:
  GeneticRun(const VerificationTarget& target, std::uint64_t seed,
             std::uint64_t restart)
      : target_(target), rng_(seed ^ (restart * 0x9E37'79B9'7F4A'7C15ULL)) {}

  // Returns when done; `reserve(n)` grants up to n more candidates of the
  // bound (0: spent), `found` tells it a key was confirmed elsewhere.
  template <typename Reserve>
  Status Run(Reserve&& reserve, Find& find) {
    std::vector<Scored> population(kPopulation);
    std::vector<Scored> next(kPopulation);
    std::uint64_t granted = reserve(kPopulation);
    if (granted < kPopulation) return Status::Ok();
    for (Scored& s : population) {
      for (std::uint8_t& g : s.genome) g = RandomCharacter();
      if (Score(s, find)) return Status::Ok();
    }
    int best = 1 << 10;
    unsigned stalled = 0;
    while (stalled < kStallGenerations) {
      std::sort(population.begin(), population.end(),
                [](const Scored& a, const Scored& b) {
                  return a.distance < b.distance;
                });
      if (population.front().distance < best) {
        best = population.front().distance;
        stalled = 0;
      } else {
        ++stalled;
      }
      granted = reserve(kPopulation - kElite);
      if (granted < kPopulation - kElite || find.found()) return Status::Ok();
      std::copy_n(population.begin(), kElite, next.begin());
      for (std::size_t i = kElite; i < kPopulation; ++i) {
        const Genome& a = population[Tournament()].genome;
        const Genome& b = population[Tournament()].genome;
        Scored& child = next[i];
        for (std::size_t j = 0; j < kKeyCharacters; ++j)
          child.genome[j] = (rng_() & 1) != 0 ? a[j] : b[j];
        const unsigned mutations = 1 + static_cast<unsigned>(rng_() & 1);
        for (unsigned m = 0; m < mutations; ++m) {
          if ((rng_() & 1) != 0)
            child.genome[rng_() % kKeyCharacters] = RandomCharacter();
        }
        if (Score(child, find)) return Status::Ok();
      }
      std::swap(population, next);
    }
    return Status::Ok();
  }

 private:
  struct Scored {
    Genome genome{};
    int distance = 0;
  };

  std::uint8_t RandomCharacter() {
    return static_cast<std::uint8_t>(rng_() % kAlphabetSize);
  }
  std::size_t Tournament() {
    std::size_t pick = kPopulation;
    for (int round = 0; round < 3; ++round)
      pick = std::min<std::size_t>(pick, rng_() % kPopulation);
    return pick;  // The population is sorted: the lowest index is fittest.
  }
  // Scores `s`; true when it is the key (all 8 blocks match).
  bool Score(Scored& s, Find& find) {
    const KeyCharacters key = KeyOf(s.genome);
    s.distance = Distance(target_, key);
    if (s.distance == 0) {
      if (ConfirmKey(target_, key)) {
        find.Set(key);
        return true;
      }
      s.distance = 1;  // Block 0 only: not the key, keep looking.
    }
    return false;
  }

  const VerificationTarget& target_;
  std::mt19937_64 rng_;
};

Result<KeySearchResult> SearchGenetic(const VerificationTarget& target,
                                      const KeySearchOptions& options,
                                      WorkerPool& pool, const StopToken& stop) {
  if (options.genetic_candidates == 0)
    return InvalidArgumentError("the genetic search needs a bound above 0");
  const std::uint64_t bound = options.genetic_candidates;
  KeySearchResult result;
  result.method = SearchMethod::kGenetic;
  result.space = bound;
  SearchControl control(stop, bound, options.on_progress);
  std::atomic<std::uint64_t> used{0};
  Find find;
  // Every restart spends at least one population, so this many restarts
  // always exhaust the bound.
  const std::uint64_t restarts = bound / kPopulation + 1;
  const Status status = pool.ParallelFor(
      static_cast<std::size_t>(restarts), stop,
      [&](std::size_t index, unsigned) -> Status {
        if (find.found() || used.load() >= bound) return Status::Ok();
        Status stopped;
        auto reserve = [&](std::uint64_t n) -> std::uint64_t {
          const std::uint64_t before = used.fetch_add(n);
          if (before >= bound) return 0;
          const std::uint64_t granted = std::min(n, bound - before);
          stopped = control.Advance(granted);
          return stopped.ok() ? granted : 0;
        };
        GeneticRun run(target, options.seed, index);
        KINTSUGI_RETURN_IF_ERROR(run.Run(reserve, find));
        return stopped;
      });
  result.tested = std::min(used.load(), bound);
  return Finish(std::move(result), find, status);
}

}  // namespace

Result<VerificationTarget> ReadVerificationTarget(ByteView sector54,
                                                  ByteView sector55) {
  if (sector54.size() != kSectorBytes || sector55.size() != kSectorBytes)
    return InvalidArgumentError("Petya sectors 54 and 55 are 512 bytes each");
  VerificationTarget target;
  for (std::size_t i = 0; i < kSectorBytes; i += 4) {
    if (sector55.data()[i + 2] != kVerificationByte ||
        sector55.data()[i + 3] != kVerificationByte) {
      return CorruptError(
          "sector 55 is not a Petya Red verification sector (bytes 2-3 of "
          "each 4-byte group are not 0x37)");
    }
  }
  std::copy_n(sector54.data() + kNonceOffset, target.nonce.size(),
              target.nonce.begin());
  std::copy_n(sector55.data(), kSectorBytes, target.sector55.begin());
  for (std::size_t j = 0; j < target.block0.size(); ++j) {
    const auto word = static_cast<std::uint16_t>(
        target.sector55[4 * j] | (target.sector55[4 * j + 1] << 8));
    target.block0[j] = static_cast<std::uint16_t>(word ^ 0x3737);
  }
  return target;
}

Result<VerificationTarget> ReadVerificationTarget(ByteView image) {
  if (image.size() < 56 * kSectorBytes) {
    return InvalidArgumentError(
        "a Petya Red image needs at least its first 56 sectors (28672 "
        "bytes)");
  }
  return ReadVerificationTarget(image.First(56 * kSectorBytes)
                                    .Sub(54 * kSectorBytes, kSectorBytes)
                                    .value(),
                                image.First(56 * kSectorBytes)
                                    .Sub(55 * kSectorBytes, kSectorBytes)
                                    .value());
}

Result<VerificationTarget> ReadVerificationTarget(ReadOnlyFileSystem& fs,
                                                  const Path& path) {
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file,
                            fs.OpenForRead(path));
  std::array<std::uint8_t, 2 * kSectorBytes> sectors{};
  std::size_t have = 0;
  while (have < sectors.size()) {
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t n,
                              file->ReadAt(54 * kSectorBytes + have,
                                           std::span(sectors).subspan(have)));
    if (n == 0) break;
    have += n;
  }
  if (have < sectors.size()) {
    return InvalidArgumentError(
        "a Petya Red image needs at least its first 56 sectors (28672 "
        "bytes)");
  }
  const ByteView view(sectors.data(), sectors.size());
  return ReadVerificationTarget(view.First(kSectorBytes),
                                view.Sub(kSectorBytes, kSectorBytes).value());
}

bool ConfirmKey(const VerificationTarget& target, const KeyCharacters& key) {
  return VerificationSector(key, target.nonce) == target.sector55;
}

Result<KeyPattern> ParseKeyPattern(std::string_view text) {
  if (text.size() != kKeyCharacters && text.size() != 2 * kKeyCharacters) {
    return InvalidArgumentError(
        "a Petya Red key pattern has 8 characters (or the 16 typed at the "
        "prompt), '?' for each unknown one");
  }
  const std::size_t step = text.size() / kKeyCharacters;
  KeyPattern pattern;
  for (std::size_t i = 0; i < kKeyCharacters; ++i) {
    const char c = text[i * step];
    if (c == '?') continue;
    if (kKeyAlphabet.find(c) == std::string_view::npos) {
      return InvalidArgumentError(
          "a Petya Red key character is one of "
          "123456789abcdefghijkmnopqrstuvwxABCDEFGHJKLMNPQRSTUVWX or '?'");
    }
    pattern[i] = c;
  }
  return pattern;
}

Result<KeySearchResult> SearchKey(const VerificationTarget& target,
                                  const KeySearchOptions& options,
                                  WorkerPool& pool, const StopToken& stop) {
  if (options.pattern)
    return SearchExhaustive(target, *options.pattern, options, pool, stop);
  return SearchGenetic(target, options, pool, stop);
}

}  // namespace kintsugi::petya_red
