#pragma once

// Recovering encrypted files: the public API behind `kintsugi recover`
// (issue 4, docs/cli.md "recover", docs/writing-a-decryptor.md).
//
// Safe by construction: encrypted originals are only ever opened for
// reading; every output is written to a temporary file in the target
// folder, fsynced, verified, and only then given its final name, never
// replacing an existing file. A journal makes an interrupted run resumable.
// Per-file outcomes ("key not found", "not encrypted") are data in the
// report; a Status is returned only when the run as a whole cannot be done.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi {

namespace identify {
class CompiledKb;  // kintsugi/identify.h
}  // namespace identify

// What happened to one file. The names (RecoverStatusName) reach users in
// JSON output; append only.
enum class RecoverStatus : std::uint8_t {
  kRecovered,     // Decrypted, verified, written under its final name.
  kUnverified,    // Decrypted but the output could not be verified; kept
                  // only as `<name>.unverified` (or dropped, --verified-only).
  kNotEncrypted,  // Looks like an ordinary file (or is empty).
  kUnsupported,   // No decryptor recognises it (or it is not a file).
  kNeedsInput,    // A decryptor fits but needs something from the user
                  // (e.g. a --pair for Nemucod).
  kKeyNotFound,   // A decryptor fits but none of its keys decrypts it.
  kError,         // Reading, decrypting or writing failed (see detail).
  kPartial,       // Decrypted where the evidence allows; some bytes could
                  // not be recovered (FileOutcome::lost says which). Kept
                  // only as `<name>.partial` (or dropped, --verified-only).
};

// "recovered", "unverified", "not_encrypted", "unsupported", "needs_input",
// "key_not_found", "error", "partial".
std::string_view RecoverStatusName(RecoverStatus status);

// How strongly an output was verified (issue 16; docs/cli.md "recover").
// The names (VerifiedByName) reach users as `verified_by` in JSON output;
// append only.
enum class VerifiedBy : std::uint8_t {
  // Nothing was verified: no output, an unverified one, an empty file
  // (nothing to check), or one recovered by an earlier run.
  kNone,
  // Headers, markers, lengths and padding are right, but the format has no
  // checksum over its content (PDF, JPEG, text, ...): a few wrong bytes
  // inside it would pass.
  kStructure,
  // The format's checksums over its whole content matched (PNG chunk CRCs,
  // ZIP/OOXML/ODF entry CRC-32s, gzip CRC-32, bzip2 block and stream CRCs).
  kChecksum,
};

// "none", "structure", "checksum".
std::string_view VerifiedByName(VerifiedBy verified_by);

// One encrypted/original pair given with --pair ENC=ORIG.
struct FileOutcome;  // Below.
class KeyStore;      // kintsugi/store.h

// A run of bytes of a file: `length` bytes from `offset`.
struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// The bytes of an output that could not be recovered (issue 17: partial
// recovery is a normal result): how many in all, and where, sorted and
// merged (no two ranges touch). `ranges` lists the first
// limits::kMaxLostRanges of them; `range_count` counts them all.
struct LostBytes {
  std::uint64_t total = 0;
  std::vector<ByteRange> ranges;
  std::uint64_t range_count = 0;
  // Of `total`, the bytes past the output's end: the tail of an original
  // whose size the file records but which the file, cut short, no longer
  // holds (a truncated TeslaCrypt file). The output holds every other byte
  // of the original, so its size plus `missing` is the original's.
  std::uint64_t missing = 0;
  bool empty() const { return total == 0; }
};

struct KnownPlaintextPair {
  Path encrypted;
  Path original;
};

// Bytes the originals are known to hold at an offset (--known OFFSET:HEX),
// for decryptors that take known plaintext at a fixed place (Black Basta:
// the bytes of an encrypted 64-byte block, recovery-schemes-2.md §3.9).
// Each decryptor that reads them says how (docs/cli.md "recover").
struct KnownPlaintextAt {
  std::uint64_t offset = 0;
  Bytes bytes;
};

// Progress of a run, for a progress bar (never printed by the library).
struct RecoverProgress {
  std::uint64_t files_done = 0;
  std::uint64_t files_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};

// Progress of a long key search (e.g. Nemucod's key from the headers of
// every file of the run), for a progress bar.
struct KeySearchProgress {
  std::string decryptor;    // Whose search: "nemucod".
  std::uint64_t done = 0;   // Candidates (or files) examined.
  std::uint64_t total = 0;  // In all.
};

struct RecoverOptions {
  // Files or folders (folders are recursed; symlink loops are detected).
  std::vector<Path> paths;
  // A decryptor id or family id ("jigsaw", "nemucod"); empty: choose by
  // probing each file, helped by identify's evidence when `kb` is set.
  // Given, it also accepts files whose appended extension the decryptor
  // does not know, and identify is not consulted (the user decided).
  std::string family;
  // The compiled knowledge base (kintsugi/identify.h), loaded by the
  // caller. Without `family`, identify runs once per folder over the ransom
  // notes and encrypted files among the inputs there; a decryptor of the
  // family it names wins ties and close calls between decryptors whose
  // probes accept a file (it never makes one accept a file), and a file no
  // decryptor takes in a folder of a family this build cannot decrypt is
  // reported with what the KB says about that family. Null: probing alone.
  std::shared_ptr<const identify::CompiledKb> kb;
  std::vector<KnownPlaintextPair> pairs;
  // --known: bytes of the originals at known offsets (needs `family`; at
  // most limits::kMaxKnownPlaintextBytes in all).
  std::vector<KnownPlaintextAt> known;
  // The key store (kintsugi/store.h) for key-lookup decryptors: the
  // released keys stored under the handle a file names (a STOP/Djvu
  // personal ID) are tried on it. The run asks it from one thread at a time.
  // Null: no store (then only `key`).
  std::shared_ptr<KeyStore> key_store;
  // A key (and IV) to use instead of searching (hex decoded).
  std::optional<SecretBytes> key;
  std::optional<SecretBytes> iv;
  // Write outputs under this folder, mirroring the input tree: each input
  // as DIR/<its name>/..., or, when two different inputs share a name,
  // every input by its path below the deepest folder common to all inputs
  // (/a/docs and /b/docs -> DIR/a/docs, DIR/b/docs). Empty: beside each
  // encrypted file.
  Path out_dir;
  // The journal's folder (docs/journal-format.md §1), created when missing.
  // Empty: DIR/.kintsugi-journal under `out_dir`; without `out_dir` either,
  // .kintsugi-journal in the first input's folder (kept for library
  // callers; the CLI always names one: --journal, --out, or a per-user
  // state folder named by RecoverJournalKey()).
  Path journal_dir;
  // Worker threads; 0 = all cores (capped at limits::kMaxThreads).
  unsigned threads = 0;
  // Seed searches (issue 10; seed-search decryptors only), in the family's
  // seed units (Hidden Tear: milliseconds since boot): only seeds in
  // [first, last] (unset: the family's whole space); start at `seed_around`
  // (unset: the family's estimate or the low end) and go outward; `shard`
  // "K/N" makes this run part K of N (1 <= K <= N), the N parts covering
  // the space exactly once (empty: the whole; kInvalidArgument for a bad
  // one); `variant` picks a family's parameter set (empty: every one).
  std::optional<std::pair<std::uint64_t, std::uint64_t>> seed_range;
  std::optional<std::uint64_t> seed_around;
  std::string shard;
  std::string variant;
  // A victim ID from a ransom note, for a seed search it anchors (Princess
  // Locker, recovery-schemes.md §3.6); empty: the note among the inputs,
  // if any.
  std::string victim_id;
  // A family's own parameters, where the spec leaves readings open and a
  // search tries them in turn (Rhysida, docs/cli.md "Rhysida": keys
  // "rhysida-feed", "rhysida-ctr", "rhysida-procs", "rhysida-draw",
  // "rhysida-chunks", "rhysida-trailer"), as the CLI's options of those
  // names give them; the decryptor checks them (kInvalidArgument). A
  // parameter not given: the family's candidates in turn.
  std::map<std::string, std::string> family_options;
  // Logs whose timestamps bound a clock search's window (Akira: ESXi logs
  // such as hostd.log or shell.log, recovery-schemes-3.md §3.9), and the
  // gaps between two clock reads to try, in nanoseconds (unset: the
  // family's bands).
  std::vector<Path> seed_logs;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> seed_gap;
  // Decrypt and verify, report what would be written, write nothing.
  bool dry_run = false;
  // Do not keep outputs that cannot be verified.
  bool verified_only = false;
  // Follow symbolic links met inside the inputs (a link given as an input
  // is always followed). Off: they are counted, not followed, so a link to
  // / or /usr cannot take the run outside the tree. On: each real folder is
  // still entered once. Pseudo file systems (/proc, /sys) are never
  // entered.
  bool follow_symlinks = false;
  // Called from worker threads (serialised) after each file.
  std::function<void(const RecoverProgress&)> on_progress;
  // When set, each file's outcome is handed here (serialised, in input
  // order, as soon as it and those before it are done) instead of being
  // kept in RecoverReport::files: a run over millions of files then holds
  // only the files in flight.
  std::function<void(FileOutcome&&)> on_file;
  // Called (serialised per search) as a long key search goes on.
  std::function<void(const KeySearchProgress&)> on_key_search;
  // Called before a long key search starts, with what it will search and
  // what that should cost on this machine (recover.seed_search_plan), so
  // that a user can stop a search of the wrong window before it runs for
  // hours. Arguments: the decryptor id and the message.
  std::function<void(std::string_view, const Message&)> on_key_search_plan;
  // When set and it becomes true, no new file is started; the run returns
  // after finishing or cleaning up the files in flight, with `cancelled`
  // set in the report.
  const std::atomic<bool>* cancel = nullptr;
  // When set, no new file is started once the steady clock passes it, and a
  // file in flight is cut short and cleaned up, as for `cancel`.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// The outcome for one input file.
struct FileOutcome {
  Path path;
  RecoverStatus status = RecoverStatus::kUnsupported;
  std::string family;       // Family id, when a decryptor was chosen.
  std::string decryptor;    // Decryptor id.
  std::string variant;      // Which variant of the scheme.
  Path output;              // Where the output is (or would be, --dry-run).
  std::string verified_as;  // The file type the output verified as.
  // What that verification rests on.
  VerifiedBy verified_by = VerifiedBy::kNone;
  // What happened, as a message (rendered at the edge: one line in plain
  // words); id kCount when there is nothing to say.
  Message detail;
  std::string key_source;  // "hard-coded key 1", "--pair ...", "--key".
  // A `partial` output (or one --verified-only dropped as partial): the
  // output's size, and which of its bytes could not be recovered (they hold
  // what the decryptor says, e.g. the encrypted bytes unchanged). Exact for
  // the run that wrote the output; a rerun that finds it done knows the
  // counts from the journal but not the ranges.
  std::uint64_t output_size = 0;
  LostBytes lost;
};

// A key found during the run that the user may reuse with --key.
struct ReportedKey {
  std::string decryptor;
  // Empty when the key is not to be shown: a leaked private key that fits
  // (Chimera's), which `detail` names by its fingerprint instead.
  std::string key_hex;
  std::string iv_hex;  // Empty when the scheme has no IV.
  std::string source;
  // How the key works and how to reuse it, as a message (e.g.
  // recover.nemucod_key_from_pair: "XOR over the first 2048 bytes with a
  // 255-byte key; ..."); id kCount when there is nothing to say.
  Message detail;
};

struct RecoverReport {
  // In input order: a folder's files by name, then its subfolders. Empty
  // when RecoverOptions::on_file took them.
  std::vector<FileOutcome> files;
  std::vector<ReportedKey> keys;
  bool dry_run = false;
  // options.cancel fired or options.deadline passed; some files were
  // skipped. `stopped_by` says which: kCancelled or kDeadlineExceeded (kOk
  // when the run was not stopped).
  bool cancelled = false;
  StatusCode stopped_by = StatusCode::kOk;
  // How many files ended in each status, indexed by RecoverStatus.
  std::vector<std::uint64_t> counts = std::vector<std::uint64_t>(8, 0);
  // How many `recovered` files rest on each kind of verification, indexed
  // by VerifiedBy.
  std::vector<std::uint64_t> verified_by = std::vector<std::uint64_t>(3, 0);
  std::uint64_t bytes_written = 0;
  // Symbolic links inside the inputs that were not followed
  // (RecoverOptions::follow_symlinks), and files or folders reached a
  // second time (an input given twice or inside another, a hard link), which
  // were processed once.
  std::uint64_t symlinks_skipped = 0;
  std::uint64_t duplicates_skipped = 0;
  // True when every file ended as recovered, not_encrypted or unsupported.
  bool AllWell() const;
};

// Runs a recovery over `options.paths` through `fs`. Errors: kInvalidArgument
// (unknown family, unusable pair or key), kPermissionDenied / kIoError when
// the journal cannot be written where the outputs go.
Result<RecoverReport> Recover(FileSystem& fs, const RecoverOptions& options);
// The same, reading the inputs through `source` only (a folder today, a
// disk image later) and writing outputs and the journal through `out`.
Result<RecoverReport> Recover(ReadOnlyFileSystem& source, FileSystem& out,
                              const RecoverOptions& options);

// The name of a run's journal folder in the per-user state folder
// (docs/journal-format.md §1): the lowercase hex SHA-256 of the run's inputs
// made absolute and normalised (lexically, no trailing '/'), sorted and
// without repeats, and of the options that change what is written
// (--family, --verified-only), so the same command finds its journal from
// any folder and different runs never share one. Keys, IVs and pairs are
// left out: a file name must not depend on a secret. kInvalidArgument when a
// path cannot be made absolute.
Result<std::string> RecoverJournalKey(const RecoverOptions& options);

// One line per decryptor, for `kintsugi families` and docs.
struct DecryptorSummary {
  std::string id;
  std::string family;
  std::string strategy;  // "hard-coded-key", "known-plaintext", ...
  std::vector<std::string> variants;
  std::vector<std::string> extensions;
  // What the user must supply, as a message; id kCount for nothing.
  Message needs;
  std::string spec;  // The doc section it implements.
};
std::vector<DecryptorSummary> ListDecryptors();

// Whether this build's `kintsugi recover` has the decryptor `id` (a KB's
// recovery.decryptor may name one specified but not built yet, e.g.
// stop-djvu: promising it would be a false answer). False for "".
bool DecryptorBuilt(std::string_view id);

}  // namespace kintsugi
