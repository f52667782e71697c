#pragma once

// What the run's files tell of Hive's key tables (recovery-schemes-2.md
// §3.10 "Recovery"): each known keystream byte of a file, from an original
// given with --pair or from the known header bytes of its type, is an
// equation between two table positions, fed to one XOR graph per table and
// version (§2.5). v3 and v4 cannot be told apart by the name, so every
// piece of evidence goes to both; the evidence then says which fits.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "families/hive/layout.h"
#include "kintsugi/bytes.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"
#include "recover/xor_graph.h"

namespace kintsugi::families {

// Limits of the evidence (§3.10; a hostile tree must not exhaust memory or
// time). Tables solved in one run: each needs a v3 and a v4 graph, 5 + 15
// MiB (§2.5: 5 bytes per position); a victim's files come from one table
// per encrypted host, and a run over more can be split.
inline constexpr std::size_t kMaxHiveTables = 4;
// Keystream bytes read from --pair files in all: 256 v4 files of 100 MiB
// or more (1 MiB encrypted each), about a minute of solving.
inline constexpr std::uint64_t kMaxHivePairKeystreamBytes = 256ull << 20;
// Encrypted files whose known header bytes are read, and how much of each:
// the fixed bytes of every known type lie in the first 512.
inline constexpr std::size_t kMaxHiveHeaderFiles = 65536;
inline constexpr std::size_t kHiveHeaderReadBytes = 512;
// A version fits the evidence when at least this many equations closed a
// loop and agreed (a wrong layout agrees with chance 1/256 each, so 16 put
// a wrong one at 2^-128), and they outnumber the pieces of evidence
// dropped as contradicting by kHiveConfirmationRatio (under a wrong layout
// almost every piece that closes a loop contradicts).
inline constexpr std::uint64_t kMinHiveConfirmations = 16;
inline constexpr std::uint64_t kHiveConfirmationRatio = 4;

// How one version fared with a table's evidence.
struct HiveVersionTally {
  std::uint64_t kept = 0;
  std::uint64_t dropped = 0;
  std::uint64_t confirmations = 0;
  std::string first_dropped;  // "--pair a=b", "the header of x.pdf..."
};

// §3.10 "Validators": which version the evidence supports. `given`: the
// user's --variant (nullptr: none). Returns the versions to decrypt with:
// the one given, the one that alone fits, or both when the evidence does
// not tell (then only bytes both decrypt alike count as recovered).
std::vector<const HiveParameters*> ChooseHiveVersions(
    const HiveVersionTally& v3, const HiveVersionTally& v4,
    const HiveParameters* given);

// One solved table: the versions it is decrypted with and their graphs
// (finished, read-only), and what to tell the user.
struct HiveTable {
  HiveTableId id{};
  std::vector<const HiveParameters*> versions;
  std::vector<std::unique_ptr<recover::XorGraph>> graphs;  // Per version.
  std::string variant;  // "v3", "v4", "v3 or v4".
  Message found;        // recover.hive_table
};

// Reads `length` bytes of a pair at `offset` into `encrypted` and
// `original` (both that long); a short read is an error.
using HivePairReader = std::function<Status(std::uint64_t offset,
                                            std::span<std::uint8_t> encrypted,
                                            std::span<std::uint8_t> original)>;

// Gathers the evidence of one run, then solves each table.
class HiveEvidence {
 public:
  explicit HiveEvidence(const HiveParameters* given) : given_(given) {}

  // A --pair: every byte either version encrypts in a file of `size`
  // bytes. Under a version, a byte it leaves plain must be equal in both
  // files, else the pair cannot be that version's (dropped there). False
  // when the pair was not read (more tables than kMaxHiveTables, or the
  // keystream limit reached).
  Result<bool> AddPair(const HiveName& name, std::uint64_t size,
                       const std::string& label, const HivePairReader& read);
  // The known plaintext `runs` (offset, bytes) of an encrypted file whose
  // first bytes are `head`. False when it was not used (limits).
  bool AddKnownBytes(const HiveName& name, std::uint64_t size,
                     const std::string& label, ByteView head,
                     std::span<const std::pair<std::uint64_t, ByteView>> runs);

  // Whether evidence of table `id` would be used (the table has a graph,
  // or there is room for one more), so that a file of another is not read.
  bool HasRoomFor(const HiveTableId& id) const {
    return slots_.contains(id) || slots_.size() < kMaxHiveTables;
  }
  bool headers_full() const { return header_files_ == kMaxHiveHeaderFiles; }
  // A file whose known bytes were not read because of those limits.
  void NoteLeftOut(const HiveTableId& id) {
    if (!HasRoomFor(id)) tables_capped_ = true;
    if (headers_full()) headers_capped_ = true;
  }

  // Whether a table, a pair or a header was left out by a limit.
  bool tables_capped() const { return tables_capped_; }
  bool pairs_capped() const { return pairs_capped_; }
  bool headers_capped() const { return headers_capped_; }

  // Finishes every table's graphs and chooses its versions.
  std::map<HiveTableId, HiveTable> Solve();

 private:
  struct Slot {
    std::unique_ptr<recover::XorGraph> graphs[2];  // v3, v4.
    HiveVersionTally tally[2];
    std::uint64_t pairs = 0;
    std::uint64_t headers = 0;
  };
  Slot* SlotFor(const HiveTableId& id);
  void EndUnits(Slot& slot, const std::string& label);

  const HiveParameters* given_;
  std::map<HiveTableId, Slot> slots_;
  std::uint64_t pair_bytes_ = 0;
  std::size_t header_files_ = 0;
  bool tables_capped_ = false;
  bool pairs_capped_ = false;
  bool headers_capped_ = false;
};

}  // namespace kintsugi::families
