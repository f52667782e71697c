#pragma once

// Parsers for `kintsugi recover`'s option values (cmd_recover.cpp).

#include <cstdint>
#include <string_view>
#include <utility>

#include "kintsugi/recover.h"
#include "kintsugi/status.h"

namespace kintsugi::cli {

// --known OFFSET:HEX: OFFSET in decimal or 0x hex, HEX the bytes.
Result<KnownPlaintextAt> ParseKnown(std::string_view text);

// A seed as the user writes it (--around, --seed-range): a number, or a
// duration such as 2h13m, 90m, 1d4h, 1500ms, taken as milliseconds since
// boot (the unit of Hidden Tear's Environment.TickCount seed).
Result<std::uint64_t> ParseSeedValue(std::string_view text);

// --gap A-B: two numbers of nanoseconds, A <= B (Akira: the time between
// two clock reads).
Result<std::pair<std::uint64_t, std::uint64_t>> ParseGap(std::string_view text);

}  // namespace kintsugi::cli
