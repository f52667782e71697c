#pragma once

// From the files' verdicts to the answers (kintsugi/scan.h ScanReport): the
// counts per class, each family's verdict (its decryptor, what that needs,
// how many files are recoverable now), the attack's timeline, and where the
// encrypted files are.

#include <span>

#include "kintsugi/scan.h"
#include "recover/evidence.h"

namespace kintsugi::scan {

// Fills everything of `report` but its files, errors and what the walk
// counted, from its files; `runs` are the decryptors the scan prepared.
void Aggregate(std::span<const recover::PreparedDecryptor> runs,
               ScanReport& report);

// The minute (ns since the epoch) that `mtime_ns` falls in, UTC.
std::int64_t MinuteOf(std::int64_t mtime_ns);

}  // namespace kintsugi::scan
