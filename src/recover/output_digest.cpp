#include "recover/output_digest.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace kintsugi::recover {

OutputHash::OutputHash() : state_(XXH3_createState()) {
  ok_ = state_ != nullptr && XXH3_128bits_reset(state_.get()) == XXH_OK;
}

void OutputHash::Update(ByteView data) {
  if (ok_ && !data.empty()) {
    ok_ = XXH3_128bits_update(state_.get(), data.data(), data.size()) == XXH_OK;
  }
}

Result<std::array<std::uint8_t, 16>> OutputHash::Finish() {
  if (!ok_) return InternalError("XXH3-128 failed");
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_.get()));
  std::array<std::uint8_t, 16> hash{};
  std::copy(std::begin(canonical.digest), std::end(canonical.digest),
            hash.begin());
  return hash;
}

Status DigestingSink::Append(ByteView data) {
  if (journal_.write_failed()) return journal_.write_failure();
  KINTSUGI_RETURN_IF_ERROR(file_.Append(data));
  hash_.Update(data);
  size_ += data.size();
  return Status::Ok();
}

Result<OutputDigest> DigestingSink::Finish() {
  OutputDigest digest;
  digest.size = size_;
  KINTSUGI_ASSIGN_OR_RETURN(digest.xxh3, hash_.Finish());
  return digest;
}

Result<OutputDigest> DigestFile(ReadOnlyFileSystem& fs, const Path& path,
                                std::span<std::uint8_t> buffer) {
  std::array<std::uint8_t, 4096> fallback{};
  if (buffer.empty()) buffer = fallback;
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.OpenForRead(path));
  KINTSUGI_ASSIGN_OR_RETURN(const std::uint64_t size, file->Size());
  OutputHash hash;
  for (std::uint64_t offset = 0; offset < size;) {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffer.size(), size - offset));
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t got,
                              ReadFullyAt(*file, offset, buffer.first(want)));
    if (got != want) return CorruptError("the file shrank while it was read");
    hash.Update(ByteView(buffer.first(got)));
    offset += got;
  }
  OutputDigest digest;
  digest.size = size;
  KINTSUGI_ASSIGN_OR_RETURN(digest.xxh3, hash.Finish());
  return digest;
}

Result<EarlierOutput> CheckEarlierOutput(ReadOnlyFileSystem& fs,
                                         const Journal::Done& done,
                                         std::span<std::uint8_t> buffer) {
  auto info = fs.Stat(done.output, /*follow_symlinks=*/false);
  if (!info) {
    if (info.error().code() == StatusCode::kNotFound) {
      return EarlierOutput::kMissing;
    }
    return info.status();
  }
  if (!done.digest) return EarlierOutput::kUnchecked;
  // A symlink or a folder put in its place is not our output, whatever it
  // leads to; a file of another size differs without a byte read.
  if (info->type != FileType::kRegular || info->size != done.digest->size) {
    return EarlierOutput::kChanged;
  }
  KINTSUGI_ASSIGN_OR_RETURN(OutputDigest now,
                            DigestFile(fs, done.output, buffer));
  return now == *done.digest ? EarlierOutput::kUnchanged
                             : EarlierOutput::kChanged;
}

Message RedoReason(const Journal::Done& done,
                   const Result<EarlierOutput>& check) {
  const std::string output = done.output.string();
  if (!check) {
    return Message{MessageId::kRecoverEarlierOutputUnreadable,
                   {{"output", output}, {"error", check.error().message()}}};
  }
  switch (*check) {
    case EarlierOutput::kMissing:
      return Message{MessageId::kRecoverEarlierOutputMissing,
                     {{"output", output}}};
    case EarlierOutput::kUnchecked:
      return Message{MessageId::kRecoverEarlierOutputUnchecked,
                     {{"output", output}}};
    case EarlierOutput::kChanged:
    case EarlierOutput::kUnchanged:  // Not a reason; the caller's bug.
      break;
  }
  return Message{MessageId::kRecoverEarlierOutputChanged, {{"output", output}}};
}

Message RedoneDetail(Message detail, Message reason) {
  if (detail.id == MessageId::kCount) return reason;
  return Message{MessageId::kRecoverWithWarning,
                 {{"detail", std::vector<Message>{std::move(detail)}},
                  {"warning", std::vector<Message>{std::move(reason)}}}};
}

}  // namespace kintsugi::recover
