#pragma once

// What each seed search a scan calls for would cost (issue 11: "a seed
// search with an estimate of its cost"): the family's decryptor prepared
// as `kintsugi recover --family F` prepares it, over the family's files the
// scan found, stopped as soon as it has measured its rate and said its plan.

#include <atomic>
#include <span>

#include "core/stop_token.h"
#include "kintsugi/scan.h"
#include "recover/decryptor.h"

namespace kintsugi::scan {

// Sets FamilyVerdict::search_plan for the families of `report` that need
// "seed-search". `threads`: the workers the search would have; `cancel`
// (may be null): the scan's Ctrl-C flag, which stops it too.
void PlanSearches(ReadOnlyFileSystem& source,
                  std::span<const recover::Decryptor* const> decryptors,
                  unsigned threads, const std::atomic<bool>* cancel,
                  ScanReport& report);

}  // namespace kintsugi::scan
