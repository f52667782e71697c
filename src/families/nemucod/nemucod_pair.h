#pragma once

// Whether a Nemucod key fits what is known (issue 16): a key from a pair
// must be consistent with the pair across every period the pair covers and
// with the known header bytes of the run's other files, and a key is not
// applied to a file whose known header bytes it contradicts
// (recovery-schemes.md §3.2 "Key recovery").

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "families/nemucod/nemucod.h"
#include "kintsugi/bytes.h"
#include "kintsugi/message.h"

namespace kintsugi::families {

// A pair whose keystream (encrypted XOR original over the region) is
// periodic but for a few bytes: the original differs from the file that
// was encrypted there.
struct PairDisagreement {
  std::size_t key_length = 0;          // The period the rest agrees on.
  std::vector<std::uint64_t> offsets;  // Where the pair disagrees with it.
};

// For a keystream that does not repeat within itself (its shortest period
// is more than half its length): the period K (each key byte seen at least
// three times) that all but a few bytes (at most 1 in 32) agree with, and
// those bytes' offsets. nullopt when there is none: the keystream is then
// either a key as long as the region (the (1024, 1024) variant) or noise,
// and only other files can check it.
std::optional<PairDisagreement> NearPeriodDisagreement(ByteView keystream);

// How a key fits one file's known header bytes (formats/known_header.h,
// fixed bytes only) within the first min(region, head) bytes.
struct HeaderFit {
  std::string_view kind;  // "png"
  std::size_t agree = 0;
  std::vector<std::uint64_t> disagree;  // Offsets.
};
// nullopt when the original's name promises no kind with fixed header
// bytes within reach.
std::optional<HeaderFit> FitKnownHeader(ByteView key, std::uint64_t region,
                                        std::string_view original_name,
                                        std::uint64_t size, ByteView head);

// Agreeing offsets that show a file is of the key's infection: a key of
// another infection agrees at each with chance 1/256.
inline constexpr std::size_t kMinAgreeingHeaderBytes = 4;

// A file among `samples` of the key's infection (at least
// kMinAgreeingHeaderBytes agree) whose known header bytes the key still
// contradicts somewhere: the key is then wrong at those offsets.
struct HeaderContradiction {
  std::string file;  // The encrypted file's name.
  std::vector<std::uint64_t> offsets;
};
std::optional<HeaderContradiction> FindHeaderContradiction(
    ByteView key, std::uint64_t region, std::span<const NemucodSample> samples);

// A pair's key checked by the pair itself (`encrypted` and `original` are
// the pair's heads, `region` and `key_length` what DeriveRepeatingXorKey
// gave). A key that repeats within the pair is checked by it. One that does
// not is refused (recover.pair_inconsistent) when all but a few of its bytes
// repeat with a shorter period (the original differs from what was
// encrypted there); else only other files can check it (`checked` false).
struct PairCheck {
  bool checked = true;
  Message refusal;  // Id kCount: not refused.
};
PairCheck CheckPair(ByteView encrypted, ByteView original, std::uint64_t region,
                    std::size_t key_length, const std::string& pair_name);

// A key the pair `pair_name` could not check, against the known header
// bytes of the run's files: recover.pair_contradicted when
// FindHeaderContradiction finds a file, else id kCount.
Message CheckKeyAgainstHeaders(ByteView key, std::uint64_t region,
                               std::span<const NemucodSample> samples,
                               const std::string& pair_name);

// "3, 258, 513" (at most 8, then ", ...").
std::string OffsetList(std::span<const std::uint64_t> offsets);

}  // namespace kintsugi::families
