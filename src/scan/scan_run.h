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

Result<ScanReport> RunScanWith(
    ReadOnlyFileSystem& source, const ScanOptions& options,
    std::span<const recover::Decryptor* const> decryptors);

// The campaign or victim ID a file of `family` carries: a STOP/Djvu
// personal ID from its footer (recovery-schemes.md §3.7 "Layout"), else
// the first ID in the file's name (Phobos' ".id[AB12CD34-3483]"); empty
// when none.
std::string CampaignId(std::string_view family, std::string_view name,
                       ByteView tail);

// Bytes of the original still in the clear in an encrypted file of
// `size` bytes taken by `decryptor` (a DecryptorInfo::id), where the
// scheme's layout says: STOP/Djvu leaves all but at most 150 KiB after the
// first 5 bytes (recovery-schemes.md §3.7), Babuk NAS encrypts the first
// 4 MiB up to 20 MiB and 1 MiB in every 10 MiB above, Babuk ESXi the first
// 512 MiB (§3.8), Jigsaw, Hidden Tear and Linux.Encoder the whole file
// (§3.1, §3.3, §3.4). Unset where it is not known (no decryptor, or a
// region that depends on the key, as Nemucod's).
std::optional<std::uint64_t> IntactBytes(std::string_view decryptor,
                                         std::uint64_t size);

// Whether `name` (a file or folder name) or `path` matches the --exclude
// `pattern` (ScanOptions::excludes).
bool MatchesExclude(std::string_view pattern, const Path& path);

}  // namespace kintsugi::scan
