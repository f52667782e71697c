#pragma once

// Petya "Red" (2016): the key of an encrypted disk, found by searching the
// disk's verification sector (recovery-schemes-3.md §3.12; docs/cli.md
// "Petya Red"). Petya encrypted the MFT and asks at boot for a 16-character
// key; its broken 16-bit Salsa lets the key be searched for. The victim
// types the key found at Petya's boot screen and Petya decrypts the disk
// itself: nothing here writes anything.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"

namespace kintsugi {

struct PetyaRedOptions {
  // A raw image of the disk, or a raw copy of its first sectors (at least
  // 56 sectors of 512 bytes): sectors 54 (the nonce) and 55 (the
  // verification sector) are read, nothing else.
  Path image;
  // The key characters known: "ab3d????" (the 8 that count) or the 16 as
  // typed, '?' for an unknown one; every key that fits is tried. Empty: a
  // genetic search, bounded by limits::kPetyaRedGeneticCandidates.
  std::string key_pattern;
  unsigned threads = 0;  // 0: all cores.
  // Stops the search, as cancelled (a SIGINT flag).
  const std::atomic<bool>* cancel = nullptr;
  // The genetic search's random numbers; none: a fresh seed each run, so
  // that a run that did not find the key can be repeated.
  std::optional<std::uint64_t> seed;
  // How far the search has come (decryptor "petya-red").
  std::function<void(const KeySearchProgress&)> on_key_search;
};

struct PetyaRedReport {
  // The 16 characters to type at Petya's prompt (the 8 that count at the
  // odd positions, 1st, 3rd, ..., an 'x' after each); none when not found.
  std::optional<std::string> key;
  // recover.petya_red_key_found, recover.petya_red_not_found (the genetic
  // search's bound spent) or recover.petya_red_pattern_not_found (every
  // key of the pattern tried).
  Message outcome;
  std::uint64_t tested = 0;  // Candidate keys tried.
  // The report's form for `recover --json`: the key, if found, in `keys` as
  // {"decryptor": "petya-red", "key": <16 characters>}.
  RecoverReport report;
};

// Searches the key. Errors: kInvalidArgument for a bad pattern or an image
// shorter than 56 sectors, kCorrupt when sector 55 is not a Petya Red
// verification sector, kResourceExhausted for a pattern with more than 6
// unknown characters, kCancelled when `cancel` stopped it, I/O errors.
Result<PetyaRedReport> RecoverPetyaRedKey(ReadOnlyFileSystem& fs,
                                          const PetyaRedOptions& options);

}  // namespace kintsugi
