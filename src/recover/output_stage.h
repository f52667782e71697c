#pragma once

// The output stage of a recovery: decrypts one file as a stream into a
// temporary file beside its final place, verifies the plaintext on the way,
// and commits it under a free name (never replacing a file), recording
// every step in the journal so that a crash at any point loses nothing
// (include/kintsugi/recover.h, journal.h). A dry run streams the same way
// and writes nothing.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "core/stop_token.h"
#include "formats/file_validator.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"
#include "recover/journal.h"

namespace kintsugi::recover {

// What an output is, which its name says: verified (the original's name),
// unverified (".unverified" appended) or partial (".partial" appended;
// issue 17): only a verified output ever gets the original's name.
enum class OutputKind : std::uint8_t { kVerified, kUnverified, kPartial };

// The name for output attempt `attempt` (0: `name` itself; 1: "stem
// (recovered).ext"; n: "stem (recovered n).ext"), with the suffix of
// `kind`. A name longer than limits::kMaxFileNameBytes gets its stem
// shortened (the extension and the suffixes kept), and `shortened`, when
// given, says so.
std::string CandidateName(const std::string& name, unsigned attempt,
                          OutputKind kind, bool* shortened = nullptr);

// Per-worker buffers, reused for every file: bounded memory whatever the
// file sizes (at most limits::kStreamChunkBytes each; less when every file
// is smaller).
struct StreamBuffers {
  explicit StreamBuffers(std::size_t chunk)
      : in(chunk), out(chunk + StreamDecryption::kSlack) {}
  Bytes in;
  Bytes out;
};

struct OutputOptions {
  bool dry_run = false;
  bool verified_only = false;  // Drop outputs that cannot be verified.
  // Once it stops (cancel, deadline), a file being streamed stops with its
  // status (kCancelled, kDeadlineExceeded).
  StopToken stop;
};

// One file to write: where it comes from and where it goes.
struct OutputRequest {
  Path encrypted;        // The encrypted file (the journal's key).
  ReadableFile* source;  // Open on `encrypted`.
  std::uint64_t size = 0;
  StreamDecryption* decryption;
  Path dir;          // The output folder.
  std::string name;  // The output's first-choice name in `dir`.
  // The original's permission bits, when the decryptor read them from the
  // file (Key::mode); unset: the output takes the encrypted file's.
  std::optional<std::uint32_t> mode = std::nullopt;
};

// The permission bits of an output: the encrypted file's (`encrypted`,
// unset when it cannot be read: owner only); or the original's (`original`)
// less any read or write bit the encrypted copy lacks (ASSURANCE.md: never
// readable or writable by more users than the encrypted copy), and never
// unreadable by its owner (a rerun reads it back). Only the 0777 bits: no
// set-user-ID, set-group-ID or sticky bit comes from a file.
std::uint32_t OutputMode(std::optional<std::uint32_t> encrypted,
                         std::optional<std::uint32_t> original);

// Thread-safe: one stage serves every worker of a run.
class OutputStage {
 public:
  // `journal` must outlive the stage.
  OutputStage(FileSystem& fs, Journal& journal, OutputOptions options);

  // Decrypts, verifies and keeps (or, dry-running, describes) one output.
  // `outcome` comes with what is already known (path, decryptor, ...); it
  // is returned with status, output, verified_as, verified_by and detail
  // set.
  FileOutcome Write(const OutputRequest& request, FileOutcome outcome,
                    StreamBuffers& buffers);

  // Plaintext bytes written by real (not dry) runs so far.
  std::uint64_t bytes_written() const { return bytes_written_.load(); }

 private:
  FileOutcome DryRun(const OutputRequest& request, FileOutcome outcome,
                     formats::StreamVerifier& verifier, StreamBuffers& buffers);
  Status EnsureDir(const Path& dir);
  bool Exists(const Path& path) { return fs_.Stat(path, false).has_value(); }
  // Decrypts the request's file, feeding `verifier` and, unless null,
  // `sink`.
  // The verifier's verdict on a plaintext of `size` bytes, except that an
  // empty one is verified trivially (see VerdictOn in the .cpp).
  static formats::Verification VerdictOn(formats::StreamVerifier& verifier,
                                         std::uint64_t size);
  // Returns the plaintext's size.
  Result<std::uint64_t> Stream(const OutputRequest& request,
                               formats::StreamVerifier& verifier,
                               WritableFile* sink, StreamBuffers& buffers);
  // Whether `existing` is a regular file with the same bytes as `ours`,
  // compared a chunk at a time through `buffers` (bounded memory).
  Result<bool> SameContent(const Path& ours, const Path& existing,
                           StreamBuffers& buffers);
  void Abandon(const Path& encrypted, const Path& temp);

  FileSystem& fs_;
  Journal& journal_;
  OutputOptions options_;
  std::atomic<std::uint64_t> bytes_written_{0};
  std::mutex dirs_mutex_;
  std::set<std::string> known_dirs_;
};

}  // namespace kintsugi::recover
