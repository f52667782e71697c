#pragma once

// What an output held when a run wrote it, and whether it still does
// (issue 16, "The journal trusts an output by its name"). The output stage
// hashes each output as it streams it to its temporary (DigestingSink: the
// same pass, no second read), the journal records the size and XXH3-128
// (docs/journal-format.md, version 2), and a rerun says "already done" only
// when the output still holds exactly those bytes (CheckEarlierOutput);
// otherwise the file is redone under a free name, never over the changed
// file, and its detail says why (RedoneDetail).

#include <xxhash.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/status.h"
#include "recover/journal.h"
#include "recover/journal_format.h"

namespace kintsugi::recover {

// XXH3-128 (xxHash) over bytes given in pieces. Not a cryptographic hash:
// it tells a changed output from the one a run wrote (anyone who could
// forge a collision could as well edit the journal), at tens of GB/s, where
// XXH3-128 cost the write path most of its CPU time
// (docs/benchmarks-recover.md).
class OutputHash {
 public:
  OutputHash();
  // Adds `data`.
  void Update(ByteView data);
  // The hash of everything added, canonical (big-endian); kInternal if
  // xxHash failed (it cannot, short of memory).
  Result<std::array<std::uint8_t, 16>> Finish();

 private:
  struct FreeState {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, FreeState> state_;
  bool ok_ = false;
};

// The temporary's writer in a real run: passes every byte on to `file`,
// counting and hashing it on the way, and refuses further bytes once the
// journal cannot be written (Journal::write_failure), so that a file in
// flight then stops and its temporary is removed instead of finishing an
// output the journal cannot record.
class DigestingSink final : public WritableFile {
 public:
  // `file` and `journal` must outlive the sink.
  DigestingSink(WritableFile& file, const Journal& journal)
      : file_(file), journal_(journal) {}
  Status Append(ByteView data) override;
  Status Sync() override { return file_.Sync(); }
  Status Close() override { return file_.Close(); }
  // The size and XXH3-128 of every byte appended.
  Result<OutputDigest> Finish();

 private:
  WritableFile& file_;
  const Journal& journal_;
  OutputHash hash_;
  std::uint64_t size_ = 0;
};

// The size and XXH3-128 of the regular file at `path`, read through
// `buffer` a piece at a time (bounded memory whatever the file's size).
Result<OutputDigest> DigestFile(ReadOnlyFileSystem& fs, const Path& path,
                                std::span<std::uint8_t> buffer);

// What became of an output an earlier run recorded as done.
enum class EarlierOutput : std::uint8_t {
  kUnchanged,  // A regular file with the recorded size and XXH3-128.
  kChanged,    // Another size or other bytes, or no longer a regular file.
  kMissing,    // Nothing is under its name any more.
  kUnchecked,  // The journal has no digest for it (a version-1 journal).
};

// Checks the output `done` names, reading it through `buffer` only when it
// has the recorded size. An error (it cannot be read) is returned as is;
// the caller then redoes the file, as for any answer but kUnchanged.
Result<EarlierOutput> CheckEarlierOutput(ReadOnlyFileSystem& fs,
                                         const Journal::Done& done,
                                         std::span<std::uint8_t> buffer);

// Why a file the journal called done is redone, after `check` (anything but
// kUnchanged): recover.earlier_output_{changed,missing,unchecked,unreadable}.
Message RedoReason(const Journal::Done& done,
                   const Result<EarlierOutput>& check);

// `detail` of the redone file followed by `reason`, as a warning.
Message RedoneDetail(Message detail, Message reason);

}  // namespace kintsugi::recover
