#pragma once

// Internals of the file-type validators: one KindChecker per format family,
// fed the file in order by StreamVerifier, then asked for a verdict with the
// retained head and tail of the file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "formats/file_validator.h"
#include "kintsugi/bytes.h"

namespace kintsugi::formats::internal {

// What StreamVerifier keeps of a file: its first and last bytes and its size.
struct FileWindow {
  ByteView head;  // the first min(size, kVerifyHeadBytes) bytes
  ByteView tail;  // the last min(size, kVerifyTailBytes) bytes
  std::uint64_t size = 0;

  // True if the head is the whole file.
  bool whole() const { return head.size() == size; }
  // Bytes [offset, offset + length) if they lie wholly inside the head or
  // the tail.
  std::optional<ByteView> At(std::uint64_t offset, std::size_t length) const;
  // Everything from `offset` to the end of file, if retained.
  std::optional<ByteView> FromOffset(std::uint64_t offset) const;
};

// Checks one format family. Update sees every byte of the file in order
// (chunking is arbitrary); Finish sees the retained window.
class KindChecker {
 public:
  virtual ~KindChecker() = default;
  virtual void Update(ByteView /*chunk*/) {}
  virtual Verification Finish(const FileWindow& window) = 0;
};

// The checker for `kind` (kZip, kOoxml and kOdf share one that reports the
// most specific of the three).
std::unique_ptr<KindChecker> MakeChecker(FileKind kind);

// Verdict helpers. A valid verdict rests on the structure unless the
// checker says that checksums covered the whole content.
Verification Valid(FileKind kind, std::string detail,
                   Strength strength = Strength::kStructure);
Verification Invalid(FileKind kind, std::string detail);

// CRC-32 (ISO 3309, as in PNG, ZIP, gzip, 7z, RAR).
std::uint32_t Crc32(ByteView bytes, std::uint32_t crc = 0);

// A streaming walker over fixed fields: the subclass asks for the next
// `Need(n)` bytes (delivered whole to OnField), to `Skip(n)` bytes (passed to
// OnSkipped, e.g. for a CRC), or to `Scan()` bytes one run at a time
// (OnScan returns how many it consumed), until it calls Done or Fail.
class FieldWalker : public KindChecker {
 public:
  void Update(ByteView chunk) final;

 protected:
  // Called with exactly the bytes asked for by Need.
  virtual void OnField(ByteView field) = 0;
  virtual void OnSkipped(ByteView /*bytes*/) {}
  // In Scan mode: consumes a prefix of `bytes` and returns its length; it
  // must consume at least one byte or change mode.
  virtual std::size_t OnScan(ByteView bytes) { return bytes.size(); }

  void Need(std::size_t n);  // n <= kMaxField
  void Skip(std::uint64_t n);
  void Scan();
  void Done();
  void Fail(std::string detail);

  bool done() const { return mode_ == Mode::kDone; }
  bool failed() const { return mode_ == Mode::kFailed; }
  const std::string& failure() const { return failure_; }
  // Offset of the next byte to be consumed.
  std::uint64_t offset() const { return offset_; }
  // Bytes seen after Done.
  std::uint64_t trailing() const { return trailing_; }

  static constexpr std::size_t kMaxField = 64;

 private:
  enum class Mode { kNeed, kSkip, kScan, kDone, kFailed };
  Mode mode_ = Mode::kNeed;
  std::uint8_t field_[kMaxField] = {};
  std::size_t need_ = 0;
  std::size_t have_ = 0;
  std::uint64_t skip_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t trailing_ = 0;
  std::string failure_;
};

// Factories, one per checker (defined in *_checkers.cpp).
std::unique_ptr<KindChecker> MakePngChecker();
std::unique_ptr<KindChecker> MakeJpegChecker();
std::unique_ptr<KindChecker> MakeGifChecker();
std::unique_ptr<KindChecker> MakeBmpChecker();
std::unique_ptr<KindChecker> MakeZipChecker();
std::unique_ptr<KindChecker> MakeOle2Checker();
std::unique_ptr<KindChecker> MakeSevenZipChecker();
std::unique_ptr<KindChecker> MakeRarChecker();
std::unique_ptr<KindChecker> MakeGzipChecker();
std::unique_ptr<KindChecker> MakeBzip2Checker();
std::unique_ptr<KindChecker> MakePdfChecker();
std::unique_ptr<KindChecker> MakeSqliteChecker();
std::unique_ptr<KindChecker> MakeMp3Checker();
std::unique_ptr<KindChecker> MakeTextChecker();

// The length of the run of "quiet" bytes at the start of `bytes`: printable
// ASCII and the whitespace controls tab, LF, VT, FF, CR, which the text
// checker counts nothing for. SIMD where the CPU has it (AVX-512BW, AVX2,
// SSE2); `simd_level` caps it for tests (0: scalar, 1: SSE2, 2: AVX2,
// 3: AVX-512BW; higher than the CPU has falls back).
std::size_t QuietTextRun(std::span<const std::uint8_t> bytes,
                         int simd_level = 3);

// MPEG audio frame length in bytes for a 4-byte header, or 0 if the header
// is not a valid, fixed-bitrate MPEG audio frame header.
std::size_t Mp3FrameLength(ByteView header);

}  // namespace kintsugi::formats::internal
