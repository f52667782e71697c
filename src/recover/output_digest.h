#pragma once

// What an output held when a run wrote it, and whether it still does
// (issue 16, "The journal trusts an output by its name"). The output stage
// hashes each output as it streams it to its temporary (DigestingSink: the
// same pass, no second read), the journal records the size and SHA-256
// (docs/journal-format.md, version 2), and a rerun says "already done" only
// when the output still holds exactly those bytes (CheckEarlierOutput);
// otherwise the file is redone under a free name, never over the changed
// file, and its detail says why (RedoneDetail).

#include <openssl/evp.h>

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

// SHA-256 over bytes given in pieces (OpenSSL EVP, which uses the CPU's
// SHA extensions where there are any).
class Sha256 {
 public:
  Sha256();
  // Adds `data`.
  void Update(ByteView data);
  // The digest of everything added; kInternal if OpenSSL failed.
  Result<std::array<std::uint8_t, 32>> Finish();

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, FreeContext> context_;
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
  // The size and SHA-256 of every byte appended.
  Result<OutputDigest> Finish();

 private:
  WritableFile& file_;
  const Journal& journal_;
  Sha256 hash_;
  std::uint64_t size_ = 0;
};

// The size and SHA-256 of the regular file at `path`, read through
// `buffer` a piece at a time (bounded memory whatever the file's size).
Result<OutputDigest> DigestFile(ReadOnlyFileSystem& fs, const Path& path,
                                std::span<std::uint8_t> buffer);

// What became of an output an earlier run recorded as done.
enum class EarlierOutput : std::uint8_t {
  kUnchanged,  // A regular file with the recorded size and SHA-256.
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
