#include "formats/checkers.h"

#include <libdeflate.h>

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

Verification Valid(FileKind kind, std::string detail, Strength strength) {
  return {kind, Verdict::kValid, std::move(detail), strength};
}

Verification Invalid(FileKind kind, std::string detail) {
  return {kind, Verdict::kInvalid, std::move(detail), Strength::kNone};
}

std::uint32_t Crc32(ByteView bytes, std::uint32_t crc) {
  // libdeflate's CRC-32 (the same polynomial and chaining as zlib's crc32)
  // uses PCLMUL where the CPU has it: 2.4x zlib's crc32_z on this project's
  // benchmark machine, and PNG verification is half CRC
  // (docs/benchmarks-recover.md).
  // It answers 0 for a null buffer (its "initial value"), which would break
  // a chain at an empty piece.
  if (bytes.empty()) return crc;
  return libdeflate_crc32(crc, bytes.data(), bytes.size());
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
