#pragma once

// Petya "Red" key recovery without paying (recovery-schemes-3.md §3.12
// "Recovery"): the 8 effective key characters are searched against the
// verification sector 55 (512 bytes of 0x37 encrypted) with the nonce of
// sector 54. With a key pattern (some characters known) the unknown ones
// are tried exhaustively; without one a genetic search with restarts looks
// for the key, since the weak rotations make the keystream's Hamming
// distance to the target a guide to the key. Either way a key is reported
// only once all 8 blocks of the sector match (§3.12 "Validators").

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "families/petya_red/salsa16.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/limits.h"
#include "kintsugi/status.h"

namespace kintsugi::petya_red {

// What the search compares with: the nonce and the verification sector.
struct VerificationTarget {
  Nonce nonce{};
  Sector sector55{};
  Words block0{};  // Block 0's keystream words: sector 55 XOR 0x3737.
};

// Reads the nonce (sector 54, offset 33) and sector 55. kInvalidArgument
// unless both are 512 bytes; kCorrupt when sector 55 is not a Petya
// verification sector (bytes 2-3 of every 4-byte group are 0x37 in one).
Result<VerificationTarget> ReadVerificationTarget(ByteView sector54,
                                                  ByteView sector55);

// The same from the first sectors of a raw disk image (or a raw copy of
// them): kInvalidArgument when `image` is shorter than 56 sectors.
Result<VerificationTarget> ReadVerificationTarget(ByteView image);

// Reads sectors 54 and 55 of the raw image `path` (only those 1024 bytes).
// kInvalidArgument for a file shorter than 56 sectors; I/O errors as such.
Result<VerificationTarget> ReadVerificationTarget(ReadOnlyFileSystem& fs,
                                                  const Path& path);

// Whether `key` reproduces the whole sector 55 (blocks 0-7).
bool ConfirmKey(const VerificationTarget& target, const KeyCharacters& key);

// The known characters of a key: nullopt at an unknown ('?') position.
using KeyPattern = std::array<std::optional<char>, kKeyCharacters>;

// Parses "ab3d????" (the 8 effective characters) or a 16-character key as
// typed at Petya's prompt (its even positions are taken; odd ones are
// ignored). '?' is unknown; any other character must be one of the 54 of
// kKeyAlphabet. kInvalidArgument otherwise.
Result<KeyPattern> ParseKeyPattern(std::string_view text);

enum class SearchMethod {
  kExhaustive,  // Every key that fits a pattern.
  kGenetic,     // The genetic search with restarts.
};

struct KeySearchOptions {
  std::optional<KeyPattern> pattern;  // None: the genetic search.
  // The genetic search's bound: candidate keys tried, all restarts and
  // workers counted, before it says "not found within the bound".
  std::uint64_t genetic_candidates = limits::kPetyaRedGeneticCandidates;
  // The genetic search's random numbers: restart r draws from (seed, r).
  std::uint64_t seed = 0x5045'5459'4152'4544;  // "PETYARED".
  SearchProgressCallback on_progress;  // Candidates of the bound or space.
};

struct KeySearchResult {
  SearchMethod method = SearchMethod::kGenetic;
  std::optional<KeyCharacters> key;  // Found, and all 8 blocks match.
  std::uint64_t tested = 0;          // Candidate keys tried.
  // Exhaustive: the pattern's keys (54^unknowns). Genetic: the bound.
  std::uint64_t space = 0;
  // Without a key: the whole space (exhaustive) or bound (genetic) was
  // used, so "not found" is the honest answer.
  bool complete = false;
};

// Runs the search on `pool`. Returns the result (a key, or none found
// within the pattern or the bound); the stop token's status when it
// stopped the search first (kCancelled, kDeadlineExceeded);
// kResourceExhausted for a pattern with more than
// limits::kPetyaRedMaxExhaustiveKeys keys, kInvalidArgument for a genetic
// bound of 0.
Result<KeySearchResult> SearchKey(const VerificationTarget& target,
                                  const KeySearchOptions& options,
                                  WorkerPool& pool, const StopToken& stop);

}  // namespace kintsugi::petya_red
