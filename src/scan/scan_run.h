#pragma once

// RunScan with the decryptors given (the registry's list in production,
// test doubles in tests), and the pieces of a file's verdict that depend on
// its family's layout.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/scan.h"
#include "recover/decryptor.h"

namespace kintsugi::scan {

// `screen_names`: a names-only scan screens plain names (name_screen.h);
// false triages every name, for the tests that check both agree.
Result<ScanReport> RunScanWith(
    ReadOnlyFileSystem& source, const ScanOptions& options,
    std::span<const recover::Decryptor* const> decryptors,
    bool screen_names = true);

// The campaign or victim ID a file of `family` carries: a STOP/Djvu
// personal ID from its footer (recovery-schemes.md §3.7 "Layout"), else
// the first ID in the file's name (Phobos' ".id[AB12CD34-3483]"); empty
// when none.
std::string CampaignId(std::string_view family, std::string_view name,
                       ByteView tail);

// Whether `name` (a file or folder name) or `path` matches the --exclude
// `pattern` (ScanOptions::excludes).
bool MatchesExclude(std::string_view pattern, const Path& path);

}  // namespace kintsugi::scan
