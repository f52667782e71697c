#include "recover/output_stage.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"
#include "recover/lost_bytes.h"
#include "recover/output_digest.h"

namespace kintsugi::recover {
namespace {

// Decryption and verification run over pieces of a read chunk this large,
// which stay in the CPU's L1/L2 cache between the two passes.
constexpr std::size_t kDecryptPieceBytes = 64 * 1024;

// A dry run's stand-in for the output file: compares what a real run would
// write with a file already under the target name, so that the dry run can
// say "already recovered" exactly when the real run would keep that file.
class ComparingSink final : public WritableFile {
 public:
  ComparingSink(std::unique_ptr<ReadableFile> existing, std::uint64_t size)
      : existing_(std::move(existing)), size_(size) {}
  Status Append(ByteView data) override {
    for (std::size_t done = 0; same_ && done < data.size();) {
      if (offset_ >= size_) {
        same_ = false;
        break;
      }
      const std::size_t want = std::min(scratch_.size(), data.size() - done);
      auto got = existing_->ReadAt(offset_, std::span(scratch_).first(want));
      if (!got || *got == 0 ||
          !std::equal(scratch_.begin(),
                      scratch_.begin() + static_cast<std::ptrdiff_t>(*got),
                      data.span().subspan(done, *got).begin())) {
        same_ = false;
        break;
      }
      done += *got;
      offset_ += *got;
    }
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  bool Same() const { return same_ && offset_ == size_; }

 private:
  std::unique_ptr<ReadableFile> existing_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  bool same_ = true;
  Bytes scratch_ = Bytes(64 * 1024);
};

FileOutcome Fail(FileOutcome outcome, RecoverStatus status, Message detail) {
  outcome.status = status;
  outcome.detail = std::move(detail);
  outcome.output.clear();
  outcome.verified_by = VerifiedBy::kNone;  // No output to vouch for.
  return outcome;
}

// The output's type and how strongly it was verified (issue 16): `none`
// unless the verdict is valid.
void SetVerified(FileOutcome& outcome,
                 const formats::Verification& verification) {
  outcome.verified_as.clear();
  outcome.verified_by = VerifiedBy::kNone;
  if (!verification.valid()) return;
  if (verification.kind) {
    outcome.verified_as =
        std::string(formats::FileKindName(*verification.kind));
  }
  switch (verification.strength) {
    case formats::Strength::kChecksum:
      outcome.verified_by = VerifiedBy::kChecksum;
      break;
    case formats::Strength::kStructure:
      outcome.verified_by = VerifiedBy::kStructure;
      break;
    case formats::Strength::kNone:
      break;
  }
}

// `detail` followed by a warning (the output is kept all the same).
Message WithWarning(Message detail, Message warning) {
  return Message{MessageId::kRecoverWithWarning,
                 {{"detail", std::vector<Message>{std::move(detail)}},
                  {"warning", std::vector<Message>{std::move(warning)}}}};
}
Message WithWarning(Message detail, const Status& error) {
  return WithWarning(std::move(detail), Message{MessageId::kRecoverIoError,
                                                {{"error", error.message()}}});
}

// The detail of a kept output: "verified", "verified (an empty file)", or
// why it could not be verified.
Message VerifiedDetail(const formats::Verification& verification,
                       std::uint64_t size) {
  if (!verification.valid()) {
    return Message{MessageId::kRecoverUnverified,
                   {{"reason", verification.detail}}};
  }
  return Message{
      size > 0 ? MessageId::kRecoverVerified : MessageId::kRecoverVerifiedEmpty,
      {}};
}

// Issue 16: the plaintext of a stream that is not Complete() (a truncated
// file decrypted as far as it goes) is never verified, whatever it looks
// like.
formats::Verification Incomplete(formats::Verification verification,
                                 const StreamDecryption& decryption) {
  if (decryption.Complete()) return verification;
  verification.verdict = formats::Verdict::kInvalid;
  verification.detail = "only a prefix of the original: the file is truncated";
  return verification;
}

// Issue 17: the bytes of a partial output of `size` bytes that hold
// nothing recovered (the lost bytes inside it; LostBytes::missing lie past
// its end).
std::uint64_t LostInside(const LostBytes& lost, std::uint64_t size) {
  return std::min(lost.total - std::min(lost.missing, lost.total), size);
}

// Issue 17: the message for a partial output of `size` bytes, `id` one of
// recover.partial, recover.partial_not_kept. The accounting is of the
// original: the output's size plus the tail a truncated file no longer
// holds.
Message PartialDetail(MessageId id, const LostBytes& lost, std::uint64_t size) {
  const std::uint64_t inside = LostInside(lost, size);
  const std::uint64_t lost_bytes = inside + lost.missing;
  const std::uint64_t shown =
      std::min<std::uint64_t>(lost.ranges.size(), kLostRangesShown);
  const auto number = [](std::uint64_t n) {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(n, static_cast<std::uint64_t>(INT64_MAX)));
  };
  return Message{id,
                 {{"recovered", number(size - inside)},
                  {"size", number(size + lost.missing)},
                  {"lost", number(lost_bytes)},
                  {"ranges", DescribeLostRanges(lost)},
                  {"more", number(lost.range_count - shown)}}};
}

// What a streamed output is: partial when its stream lost bytes (whatever
// the verifier says), else verified or not.
OutputKind KindOf(const LostBytes& lost, bool valid) {
  if (!lost.empty()) return OutputKind::kPartial;
  return valid ? OutputKind::kVerified : OutputKind::kUnverified;
}

RecoverStatus StatusOf(OutputKind kind) {
  switch (kind) {
    case OutputKind::kVerified:
      return RecoverStatus::kRecovered;
    case OutputKind::kUnverified:
      return RecoverStatus::kUnverified;
    case OutputKind::kPartial:
      return RecoverStatus::kPartial;
  }
  return RecoverStatus::kError;
}

}  // namespace

std::uint32_t OutputMode(std::optional<std::uint32_t> encrypted,
                         std::optional<std::uint32_t> original) {
  const std::uint32_t copy = encrypted ? *encrypted & 0777u : kPrivateFileMode;
  if (!original) return copy;
  // Execute bits grant no reading: the original's stand.
  return (*original & 0777u & (copy | 0111u)) | 0400u;
}

std::string CandidateName(const std::string& name, unsigned attempt,
                          OutputKind kind, bool* shortened) {
  const Path p(name);
  std::string stem = attempt == 0 ? name : p.stem().native();
  std::string ext = attempt == 0 ? std::string() : p.extension().native();
  if (attempt == 1) {
    ext = " (recovered)" + ext;
  } else if (attempt > 1) {
    ext = " (recovered " + std::to_string(attempt) + ")" + ext;
  }
  if (kind == OutputKind::kUnverified) ext += ".unverified";
  if (kind == OutputKind::kPartial) ext += ".partial";
  if (attempt == 0 && stem.size() + ext.size() > limits::kMaxFileNameBytes) {
    // The first choice is shortened too: keep its extension.
    ext = p.extension().native() + ext;
    stem = p.stem().native();
  }
  const bool too_long = stem.size() + ext.size() > limits::kMaxFileNameBytes;
  if (shortened != nullptr) *shortened = too_long;
  if (too_long) {
    // Cut the stem (at a character boundary, for UTF-8), keep the rest: an
    // extension of absurd length gives way too.
    const std::size_t room =
        limits::kMaxFileNameBytes - std::min<std::size_t>(ext.size(), 128);
    if (ext.size() > 128) ext = ext.substr(ext.size() - 128);
    std::size_t cut = std::min(room, stem.size());
    while (cut > 0 && (static_cast<unsigned char>(stem[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    stem.resize(cut);
  }
  return stem + ext;
}

OutputStage::OutputStage(FileSystem& fs, Journal& journal,
                         OutputOptions options)
    : fs_(fs), journal_(journal), options_(options) {}

void OutputStage::Abandon(const Path& encrypted, const Path& temp) {
  fs_.Remove(temp).IgnoreError();
  journal_.Abandoned(encrypted).IgnoreError();
}

Status OutputStage::EnsureDir(const Path& dir) {
  {
    std::lock_guard lock(dirs_mutex_);
    if (known_dirs_.count(dir.native()) > 0) return Status::Ok();
  }
  // Create missing folders and sync each parent, so that an output's folder
  // survives a crash as surely as the output.
  std::vector<Path> missing;
  for (Path p = dir; !p.empty() && !Exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  KINTSUGI_RETURN_IF_ERROR(fs_.CreateDirs(dir));
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(it->parent_path()));
  }
  std::lock_guard lock(dirs_mutex_);
  known_dirs_.insert(dir.native());
  return Status::Ok();
}

Result<std::uint64_t> OutputStage::Stream(const OutputRequest& request,
                                          formats::StreamVerifier& verifier,
                                          WritableFile* sink,
                                          StreamBuffers& buffers) {
  StreamDecryption& decryption = *request.decryption;
  verifier.ExpectAtLeast(decryption.MinOutputBytes());
  const std::span<std::uint8_t> out(buffers.out);
  std::size_t produced = 0;  // Plaintext in `out` not yet written.
  std::uint64_t total = 0;   // Plaintext so far.
  auto flush = [&]() -> Status {
    if (sink != nullptr && produced > 0) {
      KINTSUGI_RETURN_IF_ERROR(sink->Append(ByteView(out.first(produced))));
    }
    produced = 0;
    return Status::Ok();
  };
  std::uint64_t offset = 0;
  while (offset < request.size) {
    KINTSUGI_RETURN_IF_ERROR(options_.stop.status());
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffers.in.size(), request.size - offset));
    KINTSUGI_ASSIGN_OR_RETURN(
        std::size_t got,
        request.source->ReadAt(
            offset, std::span<std::uint8_t>(buffers.in).first(want)));
    if (got == 0) {
      return CorruptError("the file shrank while it was read");
    }
    offset += got;
    // Decrypt and verify in cache-sized pieces, so the verifier reads
    // plaintext the decryption has just written; write the chunk at once.
    const ByteView chunk(std::span<const std::uint8_t>(buffers.in).first(got));
    for (std::size_t done = 0; done < got;) {
      const std::size_t piece = std::min(kDecryptPieceBytes, got - done);
      if (out.size() - produced < piece + StreamDecryption::kSlack) {
        KINTSUGI_RETURN_IF_ERROR(flush());
      }
      KINTSUGI_ASSIGN_OR_RETURN(
          std::size_t n,
          decryption.Update(*chunk.Sub(done, piece), out.subspan(produced)));
      verifier.Update(ByteView(out.subspan(produced, n)));
      total += n;
      // A dry run keeps nothing: the next piece reuses the same, still
      // cached, bytes of `out`.
      produced = sink != nullptr ? produced + n : 0;
      done += piece;
    }
    KINTSUGI_RETURN_IF_ERROR(flush());
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, decryption.Finish(out));
  verifier.Update(ByteView(out.first(n)));
  produced = n;
  KINTSUGI_RETURN_IF_ERROR(flush());
  return total + n;
}

// The verdict on a plaintext of `size` bytes: the verifier's, except that an
// empty plaintext is verified trivially (its original was an empty file;
// no file type has anything to check in it).
formats::Verification OutputStage::VerdictOn(formats::StreamVerifier& verifier,
                                             std::uint64_t size) {
  formats::Verification verification = verifier.Finish();
  if (size == 0) {
    verification = formats::Verification{};
    verification.verdict = formats::Verdict::kValid;
  }
  return verification;
}

FileOutcome OutputStage::Write(const OutputRequest& request,
                               FileOutcome outcome, StreamBuffers& buffers) {
  const auto expected =
      formats::ExpectedKinds(Path(request.name).extension().native());
  formats::StreamVerifier verifier(expected);
  if (options_.dry_run) {
    return DryRun(request, std::move(outcome), verifier, buffers);
  }
  const Path& path = request.encrypted;
  const Path& dir = request.dir;
  const std::string& name = request.name;
  if (Status made = EnsureDir(dir); !made.ok()) {
    return Fail(std::move(outcome), RecoverStatus::kError,
                Message{MessageId::kRecoverCannotCreateFolder,
                        {{"error", made.message()}}});
  }
  const Path temp = dir / MakeTempName(name);
  if (Status begun = journal_.Begin(path, temp); !begun.ok()) {
    return Fail(std::move(outcome), RecoverStatus::kError,
                Message{MessageId::kRecoverCannotJournal,
                        {{"error", begun.message()}}});
  }
  // The output gets the encrypted file's permissions (ASSURANCE.md): never
  // readable by more users than the encrypted copy was.
  const auto encrypted_info = fs_.Stat(path, /*follow_symlinks=*/true);
  std::optional<std::uint32_t> encrypted_mode;
  if (encrypted_info) encrypted_mode = encrypted_info->mode;
  auto sink = fs_.CreateNew(temp, OutputMode(encrypted_mode, request.mode));
  if (!sink) {
    journal_.Abandoned(path).IgnoreError();
    return Fail(std::move(outcome), RecoverStatus::kError,
                Message{MessageId::kRecoverCannotCreateOutput,
                        {{"error", sink.error().message()}}});
  }
  // Hashed as it is written, for the journal (output_digest.h).
  DigestingSink digesting(**sink, journal_);
  auto streamed = Stream(request, verifier, &digesting, buffers);
  Status written = streamed ? Status::Ok() : streamed.error();
  if (written.ok()) written = (*sink)->Sync();
  if (written.ok()) written = (*sink)->Close();
  auto digest = digesting.Finish();
  if (written.ok() && !digest) written = digest.error();
  if (!written.ok()) {
    sink->reset();
    Abandon(path, temp);
    const bool damaged = written.code() == StatusCode::kCorrupt;
    return Fail(std::move(outcome), RecoverStatus::kError,
                Message{damaged ? MessageId::kRecoverDamaged
                                : MessageId::kRecoverWriteFailed,
                        {{"error", written.message()}}});
  }
  sink->reset();
  const formats::Verification verification =
      Incomplete(VerdictOn(verifier, *streamed), *request.decryption);
  const LostBytes lost = request.decryption->Lost();
  const OutputKind kind = KindOf(lost, verification.valid());
  if (kind == OutputKind::kPartial) {
    // Partial: never vouched for, whatever it looks like (issue 17).
    outcome.output_size = *streamed;
    outcome.lost = lost;
    if (LostInside(lost, *streamed) >= *streamed) {
      Abandon(path, temp);
      return Fail(std::move(outcome), RecoverStatus::kError,
                  Message{MessageId::kRecoverNothingRecovered, {}});
    }
    if (options_.verified_only) {
      Abandon(path, temp);
      return Fail(
          std::move(outcome), RecoverStatus::kPartial,
          PartialDetail(MessageId::kRecoverPartialNotKept, lost, *streamed));
    }
  } else {
    SetVerified(outcome, verification);
  }
  if (kind == OutputKind::kUnverified && options_.verified_only) {
    Abandon(path, temp);
    return Fail(
        std::move(outcome), RecoverStatus::kUnverified,
        Message{MessageId::kRecoverNotKept, {{"reason", verification.detail}}});
  }
  // A rerun that does not find the earlier run's journal (deleted, or kept
  // in another first input folder) meets its own output under the first
  // name: keep that one instead of adding "name (recovered).ext" beside it.
  const Path first_name = dir / CandidateName(name, 0, kind);
  if (auto same = SameContent(temp, first_name, buffers); same && *same) {
    outcome.output = first_name;
    outcome.status = StatusOf(kind);
    outcome.detail = Message{MessageId::kRecoverSameContent, {}};
    if (Status removed = fs_.Remove(temp); !removed.ok()) {
      // The journal's B record still names the temporary: the next run
      // removes it.
      outcome.detail = WithWarning(
          std::move(outcome.detail),
          Message{MessageId::kRecoverTempLeft,
                  {{"temp", temp.string()}, {"error", removed.message()}}});
      return outcome;
    }
    if (Status durable =
            journal_.Finished(path, first_name, outcome.status, *digest);
        !durable.ok()) {
      outcome.detail = WithWarning(std::move(outcome.detail), durable);
    }
    return outcome;
  }
  std::optional<Path> final_path;
  Status renamed = Status::Ok();
  bool shortened = false;
  for (unsigned attempt = 0; attempt < limits::kMaxRecoveredNameAttempts;
       ++attempt) {
    const Path candidate = dir / CandidateName(name, attempt, kind, &shortened);
    if (Exists(candidate)) continue;
    renamed = journal_.Committing(path, temp, candidate, *digest);
    if (!renamed.ok()) break;
    renamed = fs_.RenameNoReplace(temp, candidate);
    if (renamed.ok()) {
      final_path = candidate;
      break;
    }
    if (renamed.code() != StatusCode::kAlreadyExists) break;
  }
  if (!final_path) {
    Abandon(path, temp);
    return Fail(std::move(outcome), RecoverStatus::kError,
                renamed.ok() ? Message{MessageId::kRecoverNoFreeName, {}}
                             : Message{MessageId::kRecoverCannotPlace,
                                       {{"error", renamed.message()}}});
  }
  outcome.output = *final_path;
  outcome.status = StatusOf(kind);
  outcome.detail =
      kind == OutputKind::kPartial
          ? PartialDetail(MessageId::kRecoverPartial, lost, *streamed)
          : VerifiedDetail(verification, *streamed);
  if (shortened) {
    outcome.detail =
        WithWarning(std::move(outcome.detail),
                    Message{MessageId::kRecoverNameShortened,
                            {{"name", final_path->filename().string()}}});
  }
  Status durable = fs_.SyncDir(dir);
  if (durable.ok())
    durable = journal_.Finished(path, *final_path, outcome.status, *digest);
  if (!durable.ok()) {
    // The output is in place and complete (it was synced before the
    // rename); only its durability across a crash is in doubt, and the
    // journal's C record lets a rerun settle it.
    outcome.detail = WithWarning(std::move(outcome.detail), durable);
  }
  bytes_written_ += request.size;
  return outcome;
}

FileOutcome OutputStage::DryRun(const OutputRequest& request,
                                FileOutcome outcome,
                                formats::StreamVerifier& verifier,
                                StreamBuffers& buffers) {
  const Path& dir = request.dir;
  const std::string& name = request.name;
  // What the real run would compare with (the first name, verified or
  // not): the verified one when it exists, otherwise the unverified one.
  std::unique_ptr<ComparingSink> existing;
  Path compared;
  for (const OutputKind kind :
       {OutputKind::kVerified, OutputKind::kUnverified, OutputKind::kPartial}) {
    const Path first = dir / CandidateName(name, 0, kind);
    auto found = fs_.Stat(first, /*follow_symlinks=*/false);
    if (!found || found->type != FileType::kRegular) continue;
    if (auto opened = fs_.OpenForRead(first)) {
      existing =
          std::make_unique<ComparingSink>(std::move(*opened), found->size);
      compared = first;
    }
    break;
  }
  auto streamed = Stream(request, verifier, existing.get(), buffers);
  if (!streamed) {
    return Fail(std::move(outcome), RecoverStatus::kError,
                Message{MessageId::kRecoverDecryptionFailed,
                        {{"error", streamed.error().message()}}});
  }
  const formats::Verification verification =
      Incomplete(VerdictOn(verifier, *streamed), *request.decryption);
  const LostBytes lost = request.decryption->Lost();
  const OutputKind kind = KindOf(lost, verification.valid());
  const bool valid = kind == OutputKind::kVerified;
  if (kind == OutputKind::kPartial) {
    outcome.output_size = *streamed;
    outcome.lost = lost;
    if (LostInside(lost, *streamed) >= *streamed) {
      return Fail(std::move(outcome), RecoverStatus::kError,
                  Message{MessageId::kRecoverNothingRecovered, {}});
    }
  } else {
    SetVerified(outcome, verification);
  }
  outcome.status = StatusOf(kind);
  if (existing && existing->Same() &&
      compared == dir / CandidateName(name, 0, kind) &&
      (valid || !options_.verified_only)) {
    outcome.output = compared;
    outcome.detail = Message{MessageId::kRecoverDryRunSame, {}};
    return outcome;
  }
  bool shortened = false;
  for (unsigned attempt = 0; attempt < limits::kMaxRecoveredNameAttempts;
       ++attempt) {
    const Path candidate = dir / CandidateName(name, attempt, kind, &shortened);
    if (!Exists(candidate)) {
      outcome.output = candidate;
      break;
    }
  }
  outcome.detail = Message{MessageId::kRecoverDryRunWrite,
                           {{"output", outcome.output.string()}}};
  if (kind == OutputKind::kPartial) {
    outcome.detail = Message{
        MessageId::kRecoverDryRunWritePartial,
        {{"output", outcome.output.string()},
         {"recovered",
          static_cast<std::int64_t>(*streamed - LostInside(lost, *streamed))},
         {"size", static_cast<std::int64_t>(*streamed + lost.missing)}}};
  } else if (!valid) {
    outcome.detail.id = MessageId::kRecoverDryRunWriteUnverified;
    outcome.detail.args.push_back({"reason", verification.detail});
  }
  if (shortened && !outcome.output.empty()) {
    outcome.detail =
        WithWarning(std::move(outcome.detail),
                    Message{MessageId::kRecoverNameShortened,
                            {{"name", outcome.output.filename().string()}}});
  }
  if (kind == OutputKind::kPartial && options_.verified_only) {
    outcome.output.clear();
    outcome.detail =
        PartialDetail(MessageId::kRecoverPartialNotKept, lost, *streamed);
  } else if (!valid && options_.verified_only) {
    outcome.output.clear();
    outcome.detail = Message{MessageId::kRecoverDryRunNotKept,
                             {{"reason", verification.detail}}};
  }
  return outcome;
}

Result<bool> OutputStage::SameContent(const Path& ours, const Path& existing,
                                      StreamBuffers& buffers) {
  auto info = fs_.Stat(existing, /*follow_symlinks=*/false);
  if (!info || info->type != FileType::kRegular) return false;
  KINTSUGI_ASSIGN_OR_RETURN(auto a, fs_.OpenForRead(ours));
  KINTSUGI_ASSIGN_OR_RETURN(auto b, fs_.OpenForRead(existing));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, a->Size());
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t other_size, b->Size());
  if (size != other_size) return false;
  const std::size_t chunk = std::min(buffers.in.size(), buffers.out.size());
  for (std::uint64_t offset = 0; offset < size;) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - offset));
    const auto mine = std::span<std::uint8_t>(buffers.in).first(want);
    const auto theirs = std::span<std::uint8_t>(buffers.out).first(want);
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_a, ReadFullyAt(*a, offset, mine));
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_b,
                              ReadFullyAt(*b, offset, theirs));
    if (got_a != want || got_b != want ||
        !std::equal(mine.begin(), mine.end(), theirs.begin())) {
      return false;
    }
    offset += want;
  }
  return true;
}

}  // namespace kintsugi::recover
