#include "formats/checkers.h"

#include <zlib.h>

#include <algorithm>
#include <utility>

namespace kintsugi::formats::internal {

std::optional<ByteView> FileWindow::At(std::uint64_t offset,
                                       std::size_t length) const {
  if (offset > size || length > size - offset) return std::nullopt;
  if (offset + length <= head.size()) {
    if (auto v = head.Sub(static_cast<std::size_t>(offset), length)) return *v;
  }
  const std::uint64_t tail_start = size - tail.size();
  if (offset >= tail_start) {
    if (auto v =
            tail.Sub(static_cast<std::size_t>(offset - tail_start), length)) {
      return *v;
    }
  }
  return std::nullopt;
}

std::optional<ByteView> FileWindow::FromOffset(std::uint64_t offset) const {
  if (offset > size) return std::nullopt;
  return At(offset, static_cast<std::size_t>(size - offset));
}

Verification Valid(FileKind kind, std::string detail) {
  return {kind, Verdict::kValid, std::move(detail)};
}

Verification Invalid(FileKind kind, std::string detail) {
  return {kind, Verdict::kInvalid, std::move(detail)};
}

std::uint32_t Crc32(ByteView bytes, std::uint32_t crc) {
  uLong c = crc;
  // zlib takes at most 4 GiB a call.
  ByteView rest = bytes;
  while (!rest.empty()) {
    const std::size_t n = std::min<std::size_t>(rest.size(), 1u << 30);
    c = crc32(c, rest.data(), static_cast<uInt>(n));
    rest = rest.From(n).value_or(ByteView());
  }
  return static_cast<std::uint32_t>(c);
}

void FieldWalker::Need(std::size_t n) {
  mode_ = Mode::kNeed;
  need_ = std::min(n, kMaxField);
  have_ = 0;
}

void FieldWalker::Skip(std::uint64_t n) {
  mode_ = Mode::kSkip;
  skip_ = n;
}

void FieldWalker::Scan() { mode_ = Mode::kScan; }

void FieldWalker::Done() { mode_ = Mode::kDone; }

void FieldWalker::Fail(std::string detail) {
  if (mode_ == Mode::kFailed) return;
  mode_ = Mode::kFailed;
  failure_ = std::move(detail);
}

void FieldWalker::Update(ByteView chunk) {
  ByteView rest = chunk;
  while (!rest.empty()) {
    std::size_t used = 0;
    switch (mode_) {
      case Mode::kFailed:
        return;
      case Mode::kDone:
        trailing_ += rest.size();
        offset_ += rest.size();
        return;
      case Mode::kNeed: {
        used = std::min(rest.size(), need_ - have_);
        std::copy_n(rest.begin(), used, field_ + have_);
        have_ += used;
        offset_ += used;
        rest = rest.From(used).value_or(ByteView());
        if (have_ == need_) OnField(ByteView(field_, need_));
        continue;
      }
      case Mode::kSkip: {
        used = static_cast<std::size_t>(
            std::min<std::uint64_t>(rest.size(), skip_));
        skip_ -= used;
        OnSkipped(rest.First(used));
        offset_ += used;
        rest = rest.From(used).value_or(ByteView());
        if (skip_ == 0) OnField(ByteView());
        continue;
      }
      case Mode::kScan: {
        const std::uint64_t before = offset_;
        used = std::min(OnScan(rest), rest.size());
        offset_ = before + used;
        rest = rest.From(used).value_or(ByteView());
        continue;
      }
    }
  }
  // A Need(0) or Skip(0) completes without input.
  while (mode_ == Mode::kSkip && skip_ == 0) OnField(ByteView());
}

std::unique_ptr<KindChecker> MakeChecker(FileKind kind) {
  switch (kind) {
    case FileKind::kPdf:
      return MakePdfChecker();
    case FileKind::kZip:
    case FileKind::kOoxml:
    case FileKind::kOdf:
      return MakeZipChecker();
    case FileKind::kOle2:
      return MakeOle2Checker();
    case FileKind::kPng:
      return MakePngChecker();
    case FileKind::kJpeg:
      return MakeJpegChecker();
    case FileKind::kGif:
      return MakeGifChecker();
    case FileKind::kBmp:
      return MakeBmpChecker();
    case FileKind::kSevenZip:
      return MakeSevenZipChecker();
    case FileKind::kRar:
      return MakeRarChecker();
    case FileKind::kGzip:
      return MakeGzipChecker();
    case FileKind::kBzip2:
      return MakeBzip2Checker();
    case FileKind::kSqlite:
      return MakeSqliteChecker();
    case FileKind::kMp3:
      return MakeMp3Checker();
    case FileKind::kText:
      return MakeTextChecker();
  }
  return MakeTextChecker();
}

}  // namespace kintsugi::formats::internal
