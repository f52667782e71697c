#pragma once

// The decryptor interface (docs/writing-a-decryptor.md). A decryptor is code
// in src/families/<family>/, listed in the one explicit registry
// (src/families/registry.cpp). It declares its metadata, and for one run:
// probes a file (is this mine, which variant?), obtains the key through a
// shared strategy (src/recover/strategies.h), and decrypts as a stream.
//
// Lifecycle: Decryptor::Prepare() is called once per run with the user's
// inputs and returns a DecryptorRun; the run's methods are called from many
// worker threads at once and must be thread-safe (they are const).

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/seed_search.h"

namespace kintsugi::recover {

// How a decryptor gets its key (conventions.md "Families, rules and
// decryptors").
enum class Strategy : std::uint8_t {
  kKeyLookup,       // A database of leaked/released keys.
  kHardCodedKey,    // Keys built into the malware.
  kKnownPlaintext,  // Derived from an encrypted/original pair or a header.
  kSeedSearch,      // Brute force of a weak PRNG seed.
};

// "key-lookup", "hard-coded-key", "known-plaintext", "seed-search".
std::string_view StrategyName(Strategy strategy);

struct DecryptorInfo {
  std::string_view id;         // Stable, used by --family: "jigsaw".
  std::string_view family_id;  // The KB family id identify reports.
  std::vector<std::string_view> variants;
  Strategy strategy = Strategy::kHardCodedKey;
  // Appended extensions the decryptor recognises, with the dot.
  std::vector<std::string_view> extensions;
  // What the user must supply, as a message id without arguments (e.g.
  // decryptor.nemucod_needs); kCount for nothing.
  MessageId needs = MessageId::kCount;
  // Names of side files the decryptor reads when they are among the inputs
  // (e.g. Jigsaw's list of the files it encrypted), compared ignoring ASCII
  // case. The walk collects them into RunInputs::side_files.
  std::vector<std::string_view> side_files;
  // The spec section implemented: "recovery-schemes.md §3.1".
  std::string_view spec;
};

// What a decryptor may look at when probing: the name, the size and bounded
// head/tail samples (never the whole file).
struct FileSample {
  Path path;
  std::string name;  // path.filename()
  std::uint64_t size = 0;
  ByteView head;  // The first min(size, kProbeHeadBytes) bytes.
  ByteView tail;  // The last min(size, kProbeTailBytes) bytes.
};

// How much of each file the pipeline reads for probing.
inline constexpr std::size_t kProbeHeadBytes = 4096;
// The tail holds a whole STOP/Djvu footer (334 bytes, recovery-schemes.md
// §3.7), whose RSA block FindKey needs.
inline constexpr std::size_t kProbeTailBytes = 512;

// A decryptor's answer to "is this file mine?".
struct ProbeResult {
  // 0: not mine. 1..100: how sure (by name only ~40; by a structural check
  // such as valid padding under a known key ~90).
  int confidence = 0;
  std::string variant;
  // The name the decrypted file should get (appended extension stripped).
  std::string original_name;
  // Why the decryptor takes the file, as a message (recover.probe_*; id
  // kCount when it does not). For tests and debugging: the pipeline does
  // not report it today.
  Message reason;
};

// Key material for one file, opaque to the pipeline.
struct Key {
  SecretBytes key;
  SecretBytes iv;
  std::string variant;
  std::string source;        // "hard-coded key 1", "--key", "--pair a=b".
  std::uint64_t region = 0;  // Scheme-specific (Nemucod: XORed bytes).
  // The key fits but the file is truncated: StartDecryption decrypts what
  // the file holds and its stream says it is not Complete(), so the output
  // is kept only as unverified (issue 16).
  bool truncated = false;
  // The original's permission bits where the encrypted file records them
  // (Linux.Encoder's header, recovery-schemes.md §3.4); unset: none. The
  // output takes them, but never more read or write permission than the
  // encrypted copy has, and its owner can always read it (output_stage.h).
  std::optional<std::uint32_t> mode = std::nullopt;
};

enum class KeyVerdict : std::uint8_t {
  kFound,
  kNeedsInput,  // -> RecoverStatus::kNeedsInput
  kNotFound,    // -> RecoverStatus::kKeyNotFound
  kDamaged,     // The file cannot be this scheme's output as it is
                // (e.g. truncated) -> RecoverStatus::kError
  // The file is this scheme's, but this build cannot decrypt it, whatever
  // the user gives (Chimera: the key that fits is found, the data cipher
  // is not identified yet, recovery-schemes-2.md §3.6)
  // -> RecoverStatus::kUnsupported, with the message saying what is known.
  kUnsupported,
};

struct KeyOutcome {
  KeyVerdict verdict = KeyVerdict::kNotFound;
  Key key;
  // Why, for the user: `message` when set (id not kCount), else `detail`
  // (a decryptor's own words, being replaced by messages). With kFound, a
  // note added to the file's detail (e.g. the key fits but the file is
  // truncated).
  std::string detail;
  Message message;
  // With kFound: how this file's key was found (e.g. the seed a search
  // found and the file's own key drawn from it), added to the file's detail
  // as `recover.with_key` whatever becomes of the output; id kCount: none.
  Message found{};
  // With kFound: how many bytes of the plaintext this key cannot recover,
  // as far as the decryptor knows before decrypting (issue 17: Black
  // Basta's bytes 64..4,999 of a file over 1 GiB; Hive's keystream bytes no
  // known file covers); 0: none expected. The scan counts such files as
  // recoverable only in part; recover goes by the stream's Lost().
  std::uint64_t expected_lost = 0;
};

// Decrypts one file as a stream. Output never exceeds input + 16 bytes per
// Update call, and Finish writes at most 16 bytes.
class StreamDecryption {
 public:
  virtual ~StreamDecryption() = default;
  static constexpr std::size_t kSlack = 16;
  // Decrypts the next bytes of the file into `out` (at least in.size() +
  // kSlack bytes); returns the number of bytes written.
  virtual Result<std::size_t> Update(ByteView in,
                                     std::span<std::uint8_t> out) = 0;
  // Ends the file (padding checks); kCorrupt when the end is invalid.
  virtual Result<std::size_t> Finish(std::span<std::uint8_t> out) = 0;
  // A lower bound on the plaintext size when decryption succeeds (e.g. the
  // ciphertext size less one padding block), so the verifier copies less;
  // 0 when unknown.
  virtual std::uint64_t MinOutputBytes() const { return 0; }
  // False when the plaintext is known to be incomplete (a truncated file
  // decrypted as far as it goes, Key::truncated): whatever it looks like,
  // it is not verified.
  virtual bool Complete() const { return true; }
  // The bytes of the plaintext this stream could not recover (issue 17),
  // known once Finish() has returned: where the family or the evidence
  // leaves some unrecoverable (Black Basta's head of a file over 1 GiB,
  // Hive's unsolved table positions). Empty: every byte was recovered. An
  // output with lost bytes is kept only as `<name>.partial`, whatever it
  // looks like (RecoverStatus::kPartial); record them with a
  // LostBytesRecorder (recover/lost_bytes.h).
  virtual LostBytes Lost() const { return {}; }
};

// What a long key search is handed (in Prepare, or kept by the run for
// FindKey): the run's stop token (Ctrl-C, a deadline) and where to report
// progress. Give both to a SearchControl, Advance() it as candidates are
// tried, and return its status when that is not OK.
struct KeySearch {
  StopToken stop;
  SearchProgressCallback on_progress;  // May be empty.
  // What a search is about to do and cost (RecoverOptions::
  // on_key_search_plan); may be empty.
  std::function<void(const Message&)> on_plan;
};

// A key from the key store (issue 9), as a decryptor receives it.
struct StoredKey {
  SecretBytes key;     // As stored (stop-djvu: an RSA private key, PEM/DER).
  std::string source;  // Where it came from, for the report; never key bytes.
};

// The seam the key store plugs into (issue 9): the released keys of the
// decryptor `family` (a DecryptorInfo::id) for `handle` (e.g. a STOP/Djvu
// personal ID); empty when there are none, a Status when the lookup itself
// fails. Called from many worker threads at once.
using KeyLookup = std::function<Result<std::vector<StoredKey>>(
    std::string_view family, std::string_view handle)>;

// What the user said about a seed search (issue 10), and where it runs:
// for the decryptors whose strategy is kSeedSearch (seed_search.h).
struct SeedSearchInputs {
  // --seed-range A-B: only these seeds (both included), in the family's
  // seed units. Unset: the family's whole space.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  // --around: where to start, in the family's seed units. Unset: the
  // family's own estimate (or the low end of its space).
  std::optional<std::uint64_t> around;
  SeedShard shard;      // --shard K/N.
  std::string variant;  // --variant: a family's parameter set; empty: all.
  // --victim-id: the ID a ransom note shows, where it anchors a search
  // (Princess Locker); empty: none given.
  std::string victim_id;
  // RecoverOptions::family_options: a family's own parameters by name.
  std::map<std::string, std::string> family_options;
  // --log FILE...: logs with timestamps that bound a clock search's window
  // (Akira, recovery-schemes-3.md §3.9); read through the run's source.
  std::vector<Path> logs;
  // --gap A-B: the nanoseconds between two successive clock reads a search
  // tries (Akira); unset: the family's own bands.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> gap;
  // The workers of the search (all cores, or --threads); null: none (then
  // a search runs on the calling thread).
  WorkerPool* pool = nullptr;
  // Where the checkpoint goes (the run's journal folder, through
  // `state_fs`); empty or null (a dry run): no checkpoint.
  FileSystem* state_fs = nullptr;
  Path checkpoint_dir;
};
// The seam for families whose files name no key (e.g. Babuk,
// recovery-schemes.md §3.8): every released key the store holds for the KB
// family `family` (kintsugi/store.h ForEachReleased), to be tried one after
// another; kResourceExhausted when there are more than
// limits::kMaxKeysTriedPerFamily, a Status when the store fails. Called
// from many worker threads at once.
using ReleasedKeys =
    std::function<Result<std::vector<StoredKey>>(std::string_view family)>;

// The user's inputs to a run, as decryptors see them.
struct RunInputs {
  std::vector<KnownPlaintextPair> pairs;
  // --known OFFSET:HEX, as given: bytes of every original at an offset.
  std::vector<KnownPlaintextAt> known;
  std::optional<SecretBytes> key;
  std::optional<SecretBytes> iv;
  // True when --family chose this decryptor: probe files whatever their
  // extension (the user says they are this family's).
  bool forced = false;
  // The inputs named as one of this decryptor's DecryptorInfo::side_files,
  // in walk order. Hints: a side file may be hostile or missing.
  std::vector<Path> side_files;
  // Every regular file the run will process, in walk order, with its size,
  // through for_each_file (a walk of the inputs: nothing is kept, so it
  // costs no memory whatever the tree): lets a decryptor gather evidence
  // across files before the first one is decrypted (e.g. Nemucod's key from
  // the known headers of many files, recovery-schemes.md §3.2). Read them
  // through the source, bounded. A visit that fails ends the walk, and
  // for_each_file returns its Status. Null: no files. `file_count` is how
  // many the first walk found (for progress; the tree may change).
  using FileVisitor =
      std::function<Status(const Path& path, std::uint64_t size)>;
  std::function<Status(const FileVisitor&)> for_each_file;
  std::uint64_t file_count = 0;
  // The run's stop token and progress callback for key searches.
  KeySearch search;
  // The key store, for key-lookup decryptors; null: none (then only --key).
  KeyLookup key_lookup;
  SeedSearchInputs seed;
  // The same store, for families whose files name no key; null when
  // key_lookup is.
  ReleasedKeys released_keys;
};

// How much of the original an encrypted file still holds unencrypted, by
// the family's layout (issue 11: what a responder can salvage from a file
// even without its key; partial encryption is normal).
struct IntactBytes {
  // The original's size when the layout tells it exactly (a footer or
  // header of known length, a size-keeping cipher); unset when padding
  // hides it.
  std::optional<std::uint64_t> original_size;
  // Bytes of the original stored unencrypted in the file, at their own
  // offsets (0 for a scheme that encrypts every byte).
  std::uint64_t intact = 0;
  // `intact` is a lower bound: the encrypted length depends on what only
  // the key tells (Nemucod: 1,024 or 2,048 bytes).
  bool at_least = false;
};

// A decryptor prepared for one run. Thread-safe.
class DecryptorRun {
 public:
  virtual ~DecryptorRun() = default;
  virtual ProbeResult Probe(const FileSample& file) const = 0;
  // Finds the key for a file Probe() accepted.
  virtual KeyOutcome FindKey(const FileSample& file,
                             const ProbeResult& probe) const = 0;
  virtual Result<std::unique_ptr<StreamDecryption>> StartDecryption(
      const Key& key, std::uint64_t file_size) const = 0;
  // How much of a file Probe() accepted is still the original's plaintext,
  // by the layout of `probe.variant`; nothing when the layout cannot say
  // (the file is too short to be this scheme's, or the family's layout is
  // not known). Reads nothing beyond the sample.
  virtual std::optional<IntactBytes> Intact(const FileSample& file,
                                            const ProbeResult& probe) const {
    (void)file;
    (void)probe;
    return std::nullopt;
  }
  // Keys worth telling the user about (e.g. a key recovered from a pair).
  virtual std::vector<ReportedKey> ReportedKeys() const { return {}; }
  // The name endings, in lower case and with their dot, that can make
  // Probe() take a file whose sample says nothing (empty head and tail, any
  // size): Probe() then takes no file whose name ends otherwise. Empty: no
  // name is enough (a marker decides). Nothing (the default): any name may
  // be (--family forced, a list of names read from a side file), and a
  // names-only scan cannot skip asking Probe() (src/scan/name_screen.h).
  // src/scan/name_screen_test.cpp checks the claim against Probe().
  virtual std::optional<std::vector<std::string>> NameSuffixes() const {
    return std::nullopt;
  }
};

class Decryptor {
 public:
  virtual ~Decryptor() = default;
  virtual const DecryptorInfo& info() const = 0;
  // kInvalidArgument for user inputs this decryptor cannot use (a pair
  // that does not fit, a key of the wrong size) -- only when `inputs`
  // concern it (forced, or inputs given at all).
  // `fs` is the source: side files, pairs and the run's files are read
  // through it, and nothing can be written.
  virtual Result<std::unique_ptr<DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const RunInputs& inputs) const = 0;
};

// Helpers for decryptors.

// `suffixes` in ASCII lower case (DecryptorRun::NameSuffixes).
std::vector<std::string> LowerSuffixes(
    std::span<const std::string_view> suffixes);
inline std::vector<std::string> LowerSuffixes(
    std::initializer_list<std::string_view> suffixes) {
  return LowerSuffixes(
      std::span<const std::string_view>(suffixes.begin(), suffixes.size()));
}
// Lowercase ASCII copy.
std::string AsciiLower(std::string_view text);
// True if `name` ends with `suffix`, ignoring ASCII case.
bool EndsWithIgnoreCase(std::string_view name, std::string_view suffix);
// `name` without its last extension ("a.docx.xyz" -> "a.docx"); nullopt when
// nothing would be left or there is no extension.
std::optional<std::string> StripLastExtension(std::string_view name);

}  // namespace kintsugi::recover
