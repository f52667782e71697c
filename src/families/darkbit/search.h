#pragma once

// DarkBit's seed search (recovery-schemes-3.md §3.11 "Search space",
// "Cheapest candidate test", "Validators") on the seed-search engine
// (recover/seed_search.h). A searched value is a UnixNano time t; the
// stream is Go's rand.Seed(t), whose seed is t mod (2^31 - 1): so a window
// over 2^31 - 1 ns (2.147 s) holds every seed, and a wider one is searched
// as the whole seed space, in order of distance from its center.
//
// The cheap test uses no AES: the draws at stream positions 0 ..
// kDarkBitSearchDraws - 1 are read as Intn(62) characters and compared with
// the 8 random characters of the samples' renamed names. A match is
// confirmed by the key and IV Read drew just before it (7 leftover
// alignments, the single-threaded run's first): the footer's encrypted name
// must decrypt to '|'-padded text, and part 0's first block to the header
// the name's extension promises (when Kintsugi knows that type).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "families/darkbit/stream.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"
#include "recover/seed_search.h"

namespace kintsugi::families {

// Name positions the cheap test tries per seed: the first 100 files a
// single-threaded run encrypted (DarkBitModelPosition(99) = 1,252, and a
// margin for draws other goroutines took).
inline constexpr std::size_t kDarkBitSearchDraws = 1300;
// How far into the found stream the run's other files are looked for:
// about 2.6 million files.
inline constexpr std::size_t kDarkBitStreamDraws = std::size_t{1} << 25;
// Renamed files whose names the cheap test compares, the earliest first.
inline constexpr std::size_t kDarkBitMaxSamples = 8;
// §3.11 "Search space" 2: without -all/-path the demo counts down 10 s
// after seeding, before it renames the first file.
inline constexpr std::uint64_t kDarkBitCountdownNs = 10'000'000'000ULL;
// 2^31 - 1.
inline constexpr std::uint64_t kDarkBitSeedModulus = 0x7fffffffULL;

// A DarkBit file as a search needs it.
struct DarkBitFile {
  Path path;
  std::uint64_t size = 0;
  std::uint64_t footer_bytes = 0;
  Bytes encrypted_name;  // The footer's 16m bytes.
  Bytes first_block;     // The file's first 16 bytes (empty if shorter).
  std::optional<DarkBitNameCodes> codes;  // From its renamed name.
  std::uint64_t name_seconds = 0;         // The time in its renamed name.
};

// The key and IV that decrypt a file, and where its draws are.
struct DarkBitHit {
  std::size_t file = 0;      // Index in the files searched.
  std::size_t position = 0;  // Its name's first draw.
  int leftover = 0;          // Read bytes the key took from the draw before.
  std::array<std::uint8_t, 16> key{};
  std::array<std::uint8_t, 16> iv{};
  std::string original_name;  // From the footer.
};

// The original's name when `key`/`iv` decrypt `file`: the footer's name is
// '|'-padded text, and, when its extension names a type Kintsugi checks,
// part 0's first block is that type's header.
std::optional<std::string> DarkBitKeyFits(const DarkBitFile& file, ByteView key,
                                          ByteView iv);

// Go's seed for a searched UnixNano value.
std::int32_t DarkBitSeedOf(std::uint64_t unix_nano);

class DarkBitTester final : public SeedTester {
 public:
  // `samples`: files with codes (at most kDarkBitMaxSamples).
  explicit DarkBitTester(std::span<const DarkBitFile> samples);

  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override;
  bool Confirm(std::uint64_t t) const override { return Which(t).has_value(); }
  // The sample and key the stream of `t` draws, if any.
  std::optional<DarkBitHit> Which(std::uint64_t t) const;

 private:
  std::span<const DarkBitFile> samples_;
  std::uint64_t first_codes_ = 0;  // Bit c: a sample's name starts with c.
};

// Each file's hit in the stream of Go seed `seed` (positions 0 ..
// `limit` - 1, one pass for all of them, stopping once all are found).
std::vector<std::optional<DarkBitHit>> DarkBitFindInStream(
    std::int32_t seed, std::span<const DarkBitFile> files, std::size_t limit);

// The UnixNano values to search, both ends included, and where to start.
struct DarkBitWindow {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t center = 0;
  bool whole = false;  // Every seed (the window spans >= 2^31 - 1 ns).
};

// --seed-range A-B (UnixNano; over 2^31 - 1 ns wide: its first 2^31 - 1
// values, every seed once), starting at --around, else `estimate`, else B;
// without it, every seed, outward from --around or `estimate` (the seed's
// likely UnixNano). kInvalidArgument for A > B or values past 2^63 - 1.
Result<DarkBitWindow> ResolveDarkBitWindow(
    const recover::SeedSearchInputs& seed, std::uint64_t estimate);

// The likely UnixNano of the seed of a run whose earliest renamed file
// bears `seconds`: the countdown before it, mid-second.
std::uint64_t DarkBitEstimate(std::uint64_t seconds);

struct DarkBitSearchOutcome {
  SeedSearchOptions options;
  SeedSearchResult result;
};

// Runs the search of `window` with `tester` on the run's pool, with the
// run's stop token, progress, plan (recover.darkbit_search_plan) and
// checkpoint (seed-search-darkbit-K-of-N.json).
Result<DarkBitSearchOutcome> RunDarkBitSearch(const DarkBitTester& tester,
                                              const DarkBitWindow& window,
                                              std::string fingerprint,
                                              const recover::RunInputs& inputs);

// Why a search found nothing: recover.seed_shard_empty, or
// recover.darkbit_seed_not_found.
Message DarkBitNotFoundMessage(const DarkBitSearchOutcome& outcome);

}  // namespace kintsugi::families
