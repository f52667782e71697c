#pragma once

// Rhysida's seed search and file-order reconstruction (recovery-schemes-3.md
// §3.10 "Search space and narrowing", "Cheapest candidate test"), over the
// reconstruction model (model.h), every open parameter tried in the order
// the user's options (or their defaults) give:
//  - the candidates: the readings the options allow (ParseCandidates);
//  - the files: every .rhysida file of the run in modification-time order,
//    with its first bytes and the types its original name promises;
//  - the seed test: the first keys of every worker's generator decrypt the
//    first block of the earliest checkable file to its type's header;
//  - the confirmation: a file of the run decrypts WHOLE to a valid file of
//    its type under one reading, which the run then uses;
//  - the reconstruction: files in time order, each taking the next unused
//    key of one worker that decrypts its head to its type (a few keys
//    around each worker's cursor); files that none fits stay unresolved.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "families/rhysida/model.h"
#include "formats/file_validator.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"
#include "recover/seed_search.h"

namespace kintsugi::families::rhysida {

inline constexpr std::string_view kExtension = ".rhysida";

// The reconstruction keeps, per encrypted file of the run, its path, size,
// time and first 64 bytes (a few hundred bytes), so a run of more files is
// refused with kResourceExhausted rather than growing without end (a
// quarter of a million files: under 100 MB); split such a run by folder.
inline constexpr std::uint64_t kMaxFiles = 250'000;
// Workers (the victim's logical processors) a search tries when
// --rhysida-procs is not given (§3.10 "Search space": 1..64), and the most
// it accepts (hosts with more exist, but every worker multiplies the cost
// of a seed).
inline constexpr unsigned kDefaultProcs = 64;
inline constexpr unsigned kMaxProcs = 256;
// A seed is accepted only when a file decrypts whole to a valid file of
// its type; files larger than this are not read whole for it (a search
// confirms on smaller ones).
inline constexpr std::uint64_t kConfirmBytes = 64ULL << 20;

// The readings a run may try, each list in the order tried.
struct Candidates {
  std::vector<Feed> feeds;
  std::vector<Counter> counters;
  std::vector<ChunkRule> chunks;
  std::vector<std::uint64_t> trailers;
  Draw draw;
  unsigned procs = 0;  // Workers 1..procs are tried.
  bool procs_given = false;
};

// From the --rhysida-* options (RecoverOptions::family_options: keys
// "rhysida-feed", "rhysida-ctr", "rhysida-chunks", "rhysida-trailer" as
// comma-separated lists, "rhysida-draw" as KEY+IV, "rhysida-procs" as a
// number); what is not given takes every candidate of the spec.
// kInvalidArgument for a value that is not one.
Result<Candidates> ParseCandidates(
    const std::map<std::string, std::string>& options);

// One encrypted file of the run.
struct RunFile {
  Path path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  Bytes head;  // Its first min(size, kHeadBytes) bytes.
  std::vector<formats::FileKind> kinds;  // Its original name's.
  bool text = false;                     // Every kind is text.
};
inline constexpr std::size_t kHeadBytes = 64;

// The run's .rhysida files, earliest first (ties by path).
// kResourceExhausted past kMaxFiles.
Result<std::vector<RunFile>> ScanRunFiles(ReadOnlyFileSystem& fs,
                                          const recover::RunInputs& inputs);

// Whether `key` under `counter` and `rule` decrypts the head of `file` (an
// original of `original_size` bytes) to its type's header: its first block,
// then all of it (up to 64 bytes: a second block confirms). False when the
// head cannot tell (too short, no known type).
bool HeadFits(const RunFile& file, const FileKey& key, Counter counter,
              const ChunkRule& rule, std::uint64_t original_size);
// Whether a key can be checked on `file` at all under `trailer`.
bool Checkable(const RunFile& file, std::uint64_t trailer);

// Where a key sits: the `index`-th file of worker `worker`, under `feed`.
struct Slot {
  Feed feed = Feed::kByte;
  unsigned worker = 1;
  std::uint64_t index = 0;
};

// The seed test over a sample (the earliest checkable binary file) and a
// few witnesses (the next ones), for RunClockSearch.
class Tester final : public SeedTester {
 public:
  Tester(ReadOnlyFileSystem& fs, const Candidates& candidates,
         std::vector<RunFile> sample_and_witnesses, std::uint64_t max_index);
  void Test(std::uint64_t first, std::uint32_t count,
            std::vector<std::uint64_t>& hits) const override;
  bool Confirm(std::uint64_t seed) const override;

  // The slot of the sample's key and the reading under which a file of
  // the run (the sample, else a witness) decrypts whole, if any.
  struct Found {
    Slot slot;
    Reading reading;
    std::string confirmed_by;  // The file's name.
  };
  std::optional<Found> Which(std::uint64_t seed) const;

  const RunFile& sample() const { return files_.front(); }
  // Candidate keys per seed (for the plan).
  std::uint64_t keys_per_seed() const;

 private:
  std::vector<Slot> SampleFits(std::uint64_t seed) const;
  std::optional<Reading> VerifiesWhole(const RunFile& file, const FileKey& key,
                                       Feed feed) const;

  ReadOnlyFileSystem& fs_;
  Candidates candidates_;
  std::vector<RunFile> files_;
  std::uint64_t max_index_;
};

// The outcome of the reconstruction for one file.
struct Placement {
  enum class State : std::uint8_t { kPlaced, kUncheckable, kUnresolved };
  State state = State::kUnresolved;
  unsigned worker = 0;
  std::uint64_t index = 0;
  FileKey key;
};

struct Reconstruction {
  std::map<std::string, Placement> files;  // By path.
  std::uint64_t placed = 0;
  std::uint64_t ahead = 0;  // The widest look-ahead used.
};

// Every file of `files` (earliest first) placed in the order of seed
// `seed` under `reading`, workers 1..`workers`.
Result<Reconstruction> Reconstruct(const std::vector<RunFile>& files,
                                   std::uint32_t seed, const Reading& reading,
                                   unsigned workers, const StopToken& stop);

}  // namespace kintsugi::families::rhysida
