#pragma once

// Black Basta, the strain of about November 2022 to December 2023 that
// XORs every encrypted 64-byte block of a file with one keystream block K
// (recovery-schemes-2.md §3.9, recovery-schemes-3.md §3.14; SRLabs'
// "Buster"). K differs per file; it comes from the file's own encrypted
// zero regions, from its original (--pair), from known bytes (--known, the
// file type's fixed header bytes) or from --key. Files under 5,000 bytes
// and the bytes 64..4,999 of files over 1 GiB were encrypted with a
// keystream that advances: they are lost, and such files are recovered in
// part (NAME.partial).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "families/black_basta/layout.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// How far the search for K in a file's encrypted zero regions goes (§3.9
// step 2(b)): the bytes it reads of one file. Zero regions of a virtual
// disk or a database show up early; 64 MiB bounds the time (well under a
// second from a disk cache) and is said in the answer when nothing is found.
inline constexpr std::uint64_t kBlackBastaMaxScanBytes = 64ull << 20;
// Windows read to check a K that did not come from the search (§3.14
// "Validate K by decrypting several spaced blocks"), and how many of them
// must be judged (zeros or text around) before a K that joins fewer than
// half of them is refused. A right K joins nearly all (zeros stay zeros,
// text stays text); a wrong one none but where its own known bytes were.
inline constexpr std::size_t kBlackBastaCheckWindows = 32;
inline constexpr std::size_t kBlackBastaMinJudged = 3;
// Encrypted blocks of a --pair compared to find K (the most common value
// wins: an older original that differs in places still gives K).
inline constexpr std::size_t kBlackBastaMaxPairBlocks = 4096;
// Bytes of a file read at the offsets --known names.
inline constexpr std::size_t kBlackBastaMaxKnownRead = 1 << 20;

const recover::Decryptor& BlackBastaDecryptor();

// The same decryptor with another size-class threshold and search bound:
// for tests, which cannot afford files over 1 GiB (§3.9 "Specimen recipe":
// "a scaled-down size limit behind a test flag").
struct BlackBastaSettings {
  std::uint64_t large_from = kBlackBastaLargeFrom;
  std::uint64_t max_scan_bytes = kBlackBastaMaxScanBytes;
};
std::unique_ptr<recover::Decryptor> MakeBlackBastaDecryptor(
    const BlackBastaSettings& settings);

// Whether `name` ends with an extension of exactly 9 letters or digits
// (§3.14 "Identification"), e.g. "a.pdf.sah28vut5".
bool HasBlackBastaExtension(std::string_view name);

}  // namespace kintsugi::families
