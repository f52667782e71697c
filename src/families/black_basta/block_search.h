#pragma once

// Finding and checking a Black Basta file's reused block K by reading the
// file (recovery-schemes-2.md §3.9 "Recovery algorithm" step 2,
// recovery-schemes-3.md §3.14 "Validators"), in bounded reads.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/stop_token.h"
#include "families/black_basta/layout.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families {

// SRLabs' rule: the same block at five places in zero regions is K.
inline constexpr std::size_t kBlackBastaMinAgreeingBlocks = 5;
// Distinct candidate blocks the search keeps count of at once.
inline constexpr std::size_t kBlackBastaMaxCandidates = 256;

// What the search of a file's encrypted zero regions found.
struct ZeroRegionScan {
  std::optional<BlackBastaBlock> block;  // K, seen at `agreeing` places.
  std::size_t agreeing = 0;
  std::uint64_t read = 0;  // Bytes of the file read.
  bool capped = false;     // It stopped at `max_read`, not at the end.
};

// §3.9 step 2(b): reads the windows around the K-blocks in order, at most
// `max_read` bytes, and takes the first block that ZeroRegionCandidate
// gives at kBlackBastaMinAgreeingBlocks places. A read error or the stop
// token's status ends it with that status.
Result<ZeroRegionScan> ScanZeroRegions(ReadableFile& file,
                                       const BlackBastaLayout& layout,
                                       std::uint64_t max_read,
                                       const StopToken& stop);

// How `key` reads in up to `windows` windows spread over the file
// (JudgeWindow): how many could be judged and how many join.
struct BlackBastaJoins {
  std::size_t judged = 0;
  std::size_t joins = 0;
};
Result<BlackBastaJoins> CheckJoins(ReadableFile& file,
                                   const BlackBastaLayout& layout,
                                   const BlackBastaBlock& key,
                                   std::size_t windows);

// §3.9 step 2(a) from a pair: C XOR P at the encrypted file's K-blocks
// that the original covers (at most `max_blocks`), and the most common
// value.
struct PairBlock {
  std::optional<BlackBastaBlock> block;  // The most common value.
  std::size_t compared = 0;
  std::size_t agreeing = 0;  // Blocks that gave it.
};
Result<PairBlock> BlockFromPair(ReadableFile& encrypted, ReadableFile& original,
                                std::uint64_t original_size,
                                const BlackBastaLayout& layout,
                                std::size_t max_blocks);

}  // namespace kintsugi::families
