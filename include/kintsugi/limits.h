#pragma once

// Every limit Kintsugi enforces on untrusted input, with the reason
// (conventions.md "Untrusted bytes"). Hitting one returns kResourceExhausted
// or kDeadlineExceeded; it never crashes or hangs. Change a value here only
// with the reason next to it. A limit that belongs to one family's scheme
// lives with the family (src/families/<family>/<family>.h).

#include <cstddef>
#include <cstdint>

namespace kintsugi::limits {

inline constexpr std::size_t kKiB = 1024;
inline constexpr std::size_t kMiB = 1024 * kKiB;

// --- identify ---------------------------------------------------------------
// Real ransom notes are a few KiB; the largest HTA notes with embedded images
// are a few hundred KiB. A "note" beyond this is not read as a note.
inline constexpr std::size_t kMaxNoteBytes = 4 * kMiB;
// How much of an encrypted file identify reads from each end: markers and
// footers of known families sit within the first/last few hundred bytes, and
// we never read the whole of a large file.
inline constexpr std::size_t kFileHeadBytes = 64 * kKiB;
inline constexpr std::size_t kFileTailBytes = 64 * kKiB;
// Contact strings typed by a user (e-mail, onion, wallet, Tox ID).
inline constexpr std::size_t kMaxContactBytes = 4 * kKiB;
inline constexpr std::size_t kMaxContacts = 256;
// Inputs in one identify request.
inline constexpr std::size_t kMaxIdentifyInputs = 10000;
// Extracted indicators (e-mails, wallets, ...) kept per input.
inline constexpr std::size_t kMaxIndicatorsPerInput = 1000;

// --- knowledge base ---------------------------------------------------------
// One family file; the largest real one is a few tens of KiB.
inline constexpr std::size_t kMaxKbFileBytes = 2 * kMiB;
// Families in one KB; ID Ransomware knows ~1,300, MISP ~2,100.
inline constexpr std::size_t kMaxKbFamilies = 20000;
// Rules of all kinds in one compiled KB (bounds Hyperscan compile time).
inline constexpr std::size_t kMaxKbRules = 500000;
// One pattern's length in bytes.
inline constexpr std::size_t kMaxPatternBytes = 4 * kKiB;
// A KB bundle file as a whole.
inline constexpr std::size_t kMaxKbBundleBytes = 256 * kMiB;

// --- recover ----------------------------------------------------------------
// Streaming chunk size: bounds memory per worker thread whatever the file
// size (issue 4: peak memory under 64 MiB). A quarter of a core's L2 cache,
// so what a read brings in is still cached when it is decrypted and
// verified: 3-4% faster than 1 MiB (docs/benchmarks-recover.md).
inline constexpr std::size_t kStreamChunkBytes = 256 * 1024;
// A file a decryptor may need whole in memory (e.g. Nemucod pair analysis).
inline constexpr std::size_t kMaxInMemoryFileBytes = 16 * kMiB;
// Directory recursion depth; also stops symlink loops that escape the
// inode check.
inline constexpr std::size_t kMaxDirectoryDepth = 128;
// Worker threads, whatever --threads says.
inline constexpr unsigned kMaxThreads = 256;
// Files a recover run has handed to its workers but not yet reported, per
// worker: the walk waits beyond it, so memory does not grow with the tree.
inline constexpr std::size_t kRecoverWindowPerThread = 256;
// Seeds one brute-force search may try (the full 32-bit space).
inline constexpr std::uint64_t kMaxSeedSearchSpan = 1ULL << 32;

// --- portal -----------------------------------------------------------------
// One uploaded file or note.
inline constexpr std::size_t kMaxUploadBytes = 32 * kMiB;
// Wall-clock time for one request.
inline constexpr unsigned kRequestTimeoutSeconds = 30;
// A request body (identify's head and tail bytes of up to kMaxPortalFiles
// files, in base64, with notes): larger ones are answered 413 unread.
inline constexpr std::size_t kMaxPortalBodyBytes = 16 * kMiB;
// Parts of one identify request: a victim's sample, not a whole disk
// (`kintsugi scan` is for that).
inline constexpr std::size_t kMaxPortalFiles = 64;
inline constexpr std::size_t kMaxPortalNotes = 16;
// A file or note name as the browser gives it.
inline constexpr std::size_t kMaxPortalNameBytes = 1024;

}  // namespace kintsugi::limits

// --- formats (file-type verification, src/formats) -------------------------
namespace kintsugi::limits {
// What a StreamVerifier keeps of a file whatever its size: the head (headers
// of every format we check fit in 64 KiB) and the tail (ZIP central
// directories of a few thousand entries, 7z/PDF trailers, OLE2 directory
// sectors near the end). Bounds memory per verified file to ~600 KiB.
inline constexpr std::size_t kVerifyHeadBytes = 64 * kKiB;
inline constexpr std::size_t kVerifyTailBytes = 256 * kKiB;
// gzip output inflated to check the CRC-32 and ISIZE. A decompression bomb
// stops here (the deflate structure up to this point was checked; the detail
// says the CRC was not).
inline constexpr std::uint64_t kMaxVerifyInflateBytes = 1024 * kMiB;
// Bytes of MP3 audio captured after an ID3v2 tag to check the MPEG frame
// chain (three maximal Layer III frames fit).
inline constexpr std::size_t kVerifyMp3ProbeBytes = 16 * kKiB;
// Offsets of `xref` keywords remembered while a PDF streams by, to confirm
// that startxref points at one.
inline constexpr std::size_t kMaxVerifyPdfXrefs = 4096;

// --- identify (engine) -------------------------------------------------------
// A user's YARA rules file (--yara); real rule sets are a few MiB at most.
inline constexpr std::size_t kMaxYaraRulesBytes = 16 * kMiB;

}  // namespace kintsugi::limits

// --- recover (src/recover: pipeline, journal) ------------------------------
namespace kintsugi::limits {
// One journal segment file; a record is ~300 bytes, so this is about a
// million files per folder's journal. A larger one is not read (rerun with
// a fresh --out).
inline constexpr std::size_t kMaxJournalBytes = 256 * kMiB;
// Lost ranges listed for one partial output (LostBytes::ranges); the total
// still counts every lost byte beyond them.
inline constexpr std::size_t kMaxLostRanges = 1024;
// Known plaintext given with --known, all offsets together: a few blocks
// of a file are what a decryptor needs (Black Basta: 64 bytes).
inline constexpr std::size_t kMaxKnownPlaintextBytes = 1 * kMiB;
// Free names tried for one output ("x (recovered).docx", "... 2)", ...).
inline constexpr unsigned kMaxRecoveredNameAttempts = 1000;
// The longest file name (one component, in bytes) an output is given:
// NAME_MAX of Linux's file systems. A longer one is shortened.
inline constexpr std::size_t kMaxFileNameBytes = 255;
// Side files a decryptor asks for (DecryptorInfo::side_files, such as a
// list of the encrypted files) read whole; real ones list a few thousand
// paths.
inline constexpr std::size_t kMaxSideFileBytes = 16 * kMiB;
// Identify's evidence for one folder of a recovery (issue 4: decryptors are
// chosen with it). A hit folder holds one or a few small ransom notes, and
// the names plus one or two heads of its encrypted files say the rest; more
// reading would slow a large run for no better answer. Files read to find
// the notes (text-like names only), notes kept, and the largest one read:
inline constexpr std::size_t kMaxRecoverNoteReadsPerFolder = 16;
inline constexpr std::size_t kMaxRecoverNotesPerFolder = 4;
inline constexpr std::uint64_t kMaxRecoverNoteBytes = 1 * kMiB;
// Encrypted files whose head and tail are read, and names given, per folder.
inline constexpr std::size_t kMaxRecoverHeadsPerFolder = 2;
inline constexpr std::size_t kMaxRecoverNamesPerFolder = 64;
}  // namespace kintsugi::limits

// --- store (src/store: the key store) ---------------------------------------
namespace kintsugi::limits {
// A family id (kb/ ids are short words such as "stop-djvu").
inline constexpr std::size_t kMaxKeyFamilyBytes = 64;
// A lookup handle: STOP/Djvu personal IDs are 43 characters, a SHA-256
// fingerprint in hex 64; room for longer ones without storing blobs.
inline constexpr std::size_t kMaxKeyHandleBytes = 256;
// One key: an RSA-8192 private key in PEM is about 6.4 KiB.
inline constexpr std::size_t kMaxKeyBytes = 64 * 1024;
// Provenance texts (source, case reference).
inline constexpr std::size_t kMaxKeyProvenanceBytes = 1024;
// Keys tried one after another on a file of a family whose files name no
// key, so that a store filled with tens of thousands of them cannot make
// every file take minutes. Room for Chimera's leak (recovery-schemes-2.md
// §3.6: about 3,500 RSA-2048 keys; each try is one RSA private operation,
// about a millisecond, so a file no key fits costs a few seconds of one
// core, and the decryptor tries the key that fitted the run's last file
// first); Babuk's leaks hold a few dozen keys (recovery-schemes.md §3.8,
// each try well under a millisecond).
inline constexpr std::size_t kMaxKeysTriedPerFamily = 4096;
}  // namespace kintsugi::limits
namespace kintsugi::limits {
// A key dump read by `kintsugi keys import`, whole (it is imported in one
// transaction): a million RSA-2048 keys in PEM are about 1.8 GiB, so such a
// dump is split into files of this size, each all or nothing.
inline constexpr std::size_t kMaxKeyDumpBytes = 512 * kMiB;
// Problems reported for one dump; the rest are counted.
inline constexpr std::size_t kMaxKeyDumpProblems = 100;
}  // namespace kintsugi::limits

// --- audit log (src/audit, issue 12) -----------------------------------------
namespace kintsugi::limits {
// An entry's actor, organisation or object: a user or organisation name,
// "submission/12". Longer text is a caller's mistake, not a name.
inline constexpr std::size_t kMaxAuditTextBytes = 1024;
// An entry's detail, as canonical JSON: counts, ids, a reviewer's reason;
// a page of text at most, so that a log of millions of entries stays a
// database, not an archive.
inline constexpr std::size_t kMaxAuditDetailBytes = 16 * kKiB;
// Objects and arrays nested in a detail: a few levels are all a detail
// needs, and deeper ones would only make parsing and printing recurse.
inline constexpr std::size_t kMaxAuditDetailDepth = 16;
}  // namespace kintsugi::limits

// --- disk images (src/io/disk_image*: scan and recover --image) ------------
namespace kintsugi::limits {
// Bytes of the image that one call (opening it, a Stat, a ListDir, the
// metadata behind one ReadAt) may read, beyond the bytes a ReadAt returns.
// The Sleuth Kit walks structures the image describes; a damaged one can
// send it round a loop, and this ends the loop with kResourceExhausted. A
// sound file system needs far less: an ext4 group descriptor table of a
// 16 TiB volume is 8 MiB, and NTFS's whole MFT, which The Sleuth Kit may
// read to find a folder's orphans, is 1 GiB for a million files.
inline constexpr std::uint64_t kMaxDiskImageBytesPerCall = 2048 * kMiB;
// How far a file or folder of an image may claim to be larger than the
// image itself: not at all. A sparse file may be, but The Sleuth Kit maps
// a file's every block before reading it, holes included, one pointer at a
// time on ext2/3, in time that grows faster than the size: damaged sizes
// of 570 MB and 150 GB in a 64 KiB image kept it busy for minutes (found
// by the fuzz target). Such a file is refused with kResourceExhausted;
// the rest of the image is read as usual.
inline constexpr std::uint64_t kMaxDiskImageFileBeyondImage = 0;
// Symbolic links followed while resolving one path inside an image: Linux's
// own limit (ELOOP after 40), so a link loop ends.
inline constexpr std::size_t kMaxDiskImageSymlinkHops = 40;
// A symbolic link's target read from an image: PATH_MAX.
inline constexpr std::size_t kMaxDiskImageLinkBytes = 4096;
// Partitions of one image shown: a GPT table holds 128 entries by default;
// a chain of DOS logical partitions could claim thousands.
inline constexpr std::size_t kMaxDiskImagePartitions = 256;
// Names in one folder of an image: more than any real folder holds (ext4's
// htree stops near 10 million), and bounded so that a damaged directory
// cannot make a listing take all memory.
inline constexpr std::size_t kMaxDiskImageDirEntries = 20'000'000;
}  // namespace kintsugi::limits

// --- scan (src/scan: the triage of a tree, issue 11) -----------------------
namespace kintsugi::limits {
// A file whose name looks like a note's (text, HTML, HTA, RTF) is read whole
// up to this size, in one read, so that identify sees the whole note: real
// notes are a few KiB. A larger one is read like any file (head and tail).
inline constexpr std::uint64_t kScanNoteBytes = 64 * kKiB;
// Note paths and campaign IDs listed per family in the report; the counts
// are exact, the lists are examples.
inline constexpr std::size_t kScanListedPerFamily = 10;
// Folders and extensions listed in by_folder / by_extension (most files
// first): a chart shows the top few, a tree of a million folders would
// otherwise make the report as long as its file list.
inline constexpr std::size_t kScanListedBuckets = 1000;
// Files of one folder classified as one task: a folder of 100,000 files is
// spread over the workers, and a task is long enough to cost nothing to
// hand over.
inline constexpr std::size_t kScanFilesPerTask = 64;
// A scan report read back by `recover --from-scan`: about 300 bytes a file,
// so a scan of three million files.
inline constexpr std::size_t kMaxScanReportBytes = 1024 * kMiB;

// --- releases (issue 12, docs/bundle-format.md) ----------------------------
// A signed release bundle: the KB and a keys section, each within its own
// limit, and the header, section headers and signature.
inline constexpr std::size_t kMaxReleaseBundleBytes =
    kMaxKbBundleBytes + kMaxKeyDumpBytes + 4 * kKiB;
// A release key file (one line of base64).
inline constexpr std::size_t kMaxReleaseKeyFileBytes = 4 * kKiB;
// The compiled KB of an installed release, cached beside it
// (kintsugi/compiled_kb_cache.h); a larger file is compiled again instead.
inline constexpr std::size_t kMaxCompiledKbCacheBytes = 1024 * kMiB;
}  // namespace kintsugi::limits

// --- partners (src/partners, issue 12, docs/partners.md) --------------------
namespace kintsugi::limits {
// A key dump submitted through the partner pages or API: stored whole in one
// database row until it is reviewed, and parsed again when it is approved,
// so far smaller than what `keys import` reads from a file (an operator's
// bulk import). 32 MiB is some 17,000 RSA-2048 keys in PEM, or half a
// million 32-byte keys in JSON lines; a larger seizure is split, or
// imported by the operator.
inline constexpr std::size_t kMaxSubmittedKeyDumpBytes = 32 * kMiB;
// A rejection's reason or a reviewer's remark, a case reference, a token's
// name: a sentence or a reference, not a document.
inline constexpr std::size_t kMaxPartnerReasonBytes = 2000;
inline constexpr std::size_t kMaxCaseReferenceChars = 200;
inline constexpr std::size_t kMaxTokenNameChars = 100;
// Entries one Audit() page returns at most (partners.h): a page, not an
// export (`kintsugi audit export` is that).
inline constexpr std::size_t kMaxAuditPageEntries = 1000;
// Petya Red key search (recovery-schemes-3.md §3.12). The genetic search
// (no key pattern) gives up, saying "not found within the bound", after
// this many candidate keys: on synthetic sectors it finds the key after
// about 50,000 on average and under a million in each of 300 runs with
// random keys and nonces, so 2^28 (a minute or two on one core) leaves a
// margin of some 250 times the worst seen.
inline constexpr std::uint64_t kPetyaRedGeneticCandidates = 1ULL << 28;
// The exhaustive search (a key pattern) tries at most 54^6 keys (six
// unknown characters, about 2.5e10: hours on a few cores); a pattern with
// more unknowns is refused, the genetic search is for that.
inline constexpr std::uint64_t kPetyaRedMaxExhaustiveKeys =
    54ULL * 54 * 54 * 54 * 54 * 54;
}  // namespace kintsugi::limits
