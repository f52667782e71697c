// Inputs: reading a path and classifying it by content (issue #3), and the
// names of the enums that reach the JSON output.

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "identify/file_evidence.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"
#include "text/decode.h"

namespace kintsugi::identify {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kIdentified:
      return "identified";
    case Verdict::kAmbiguous:
      return "ambiguous";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view InputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kNote:
      return "note";
    case InputKind::kEncryptedFile:
      return "encrypted-file";
    case InputKind::kOtherFile:
      return "other-file";
    case InputKind::kFileName:
      return "file-name";
    case InputKind::kContact:
      return "contact";
  }
  return "other-file";
}

namespace {

constexpr std::uint8_t kUtf16LeBom[] = {0xFF, 0xFE};
constexpr std::uint8_t kUtf16BeBom[] = {0xFE, 0xFF};

// The one rule for UTF-16 (docs/cli.md "identify"): bytes read as UTF-16
// text (a UTF-16 byte-order mark, or without one the NUL bytes of UTF-16)
// must be well-formed UTF-16, whatever the shape of the flaw: an unpaired
// high or low surrogate, or an odd number of bytes. `whole` says whether
// `bytes` is the whole file; if not, its last code unit may have been cut
// by the read and is not judged.
Status CheckUtf16(const std::string& shown, ByteView bytes, bool whole) {
  const text::DecodedText decoded = text::ProfileText(bytes);
  if (decoded.encoding != text::TextEncoding::kUtf16Le &&
      decoded.encoding != text::TextEncoding::kUtf16Be) {
    return Status::Ok();
  }
  if (decoded.utf16_flaw == text::Utf16Flaw::kNone) return Status::Ok();
  if (!whole && decoded.utf16_flaw_offset + 2 >= bytes.size()) {
    return Status::Ok();
  }
  return InvalidArgumentError(fmt::format(
      "{}: not valid {} text: {} at byte {}", shown,
      decoded.encoding == text::TextEncoding::kUtf16Le ? "UTF-16LE"
                                                       : "UTF-16BE",
      text::Utf16FlawName(decoded.utf16_flaw), decoded.utf16_flaw_offset));
}

}  // namespace

namespace {

// The one classification of ReadInput and InputFromBytes: `input` holds the
// source, the file name, the file's size and its head (`content`, up to
// limits::kFileHeadBytes, or the whole of a file its size says is empty);
// `whole` reads the whole file (for a note), `tail` its last bytes.
Result<Input> Classify(Input input, const std::function<Result<Bytes>()>& whole,
                       const std::function<Result<Bytes>()>& tail) {
  const std::string& shown = input.source;
  const std::uint64_t size = input.size;
  if (input.content.empty()) {
    return InvalidArgumentError(shown + ": the file is empty");
  }
  const ContentVerdict verdict = ClassifyContent(input.content);
  switch (verdict.content) {
    case ContentClass::kNote:
      if (size > limits::kMaxNoteBytes) {
        return ResourceExhaustedError(fmt::format(
            "{}: text of {} bytes is larger than a ransom note can be "
            "(limit {} bytes); not read",
            shown, size, limits::kMaxNoteBytes));
      }
      input.kind = InputKind::kNote;
      if (size > input.content.size()) {
        KINTSUGI_ASSIGN_OR_RETURN(input.content, whole());
      }
      input.size = input.content.size();
      KINTSUGI_RETURN_IF_ERROR(CheckUtf16(shown, input.content, true));
      return input;
    case ContentClass::kEncryptedFile:
      input.kind = InputKind::kEncryptedFile;
      break;
    case ContentClass::kOther:
      // It declares itself UTF-16 text with a byte-order mark: the same
      // rule as for a note (not for an encrypted file: those have high
      // entropy, and their first two bytes can be anything).
      if (ByteView(input.content).StartsWith(ByteView(kUtf16LeBom, 2)) ||
          ByteView(input.content).StartsWith(ByteView(kUtf16BeBom, 2))) {
        KINTSUGI_RETURN_IF_ERROR(
            CheckUtf16(shown, input.content, size <= input.content.size()));
      }
      input.kind = InputKind::kOtherFile;
      break;
  }
  if (size <= input.content.size()) {
    input.tail = input.content;
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(input.tail, tail());
  }
  return input;
}

}  // namespace

Result<Input> ReadInput(ReadOnlyFileSystem& fs, const Path& path) {
  const std::string shown = path.string();
  KINTSUGI_ASSIGN_OR_RETURN(const FileInfo info,
                            fs.Stat(path, /*follow_symlinks=*/true));
  if (info.type == FileType::kDirectory) {
    return InvalidArgumentError(shown +
                                ": is a folder; name the files inside it");
  }
  if (info.type != FileType::kRegular) {
    return InvalidArgumentError(shown + ": not a regular file");
  }
  Input input;
  input.source = shown;
  input.file_name = path.filename().string();
  std::uint64_t size = info.size;
  if (size == 0) {
    // Files of /proc and /sys say 0 bytes and yet have content: read them
    // to the end, within the note limit (issue 16).
    KINTSUGI_ASSIGN_OR_RETURN(input.content,
                              ReadWholeFile(fs, path, limits::kMaxNoteBytes));
    size = input.content.size();
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(input.content,
                              ReadHead(fs, path, limits::kFileHeadBytes));
  }
  input.size = size;
  return Classify(
      std::move(input),
      [&] { return ReadWholeFile(fs, path, limits::kMaxNoteBytes); },
      [&] { return ReadTail(fs, path, limits::kFileTailBytes); });
}

Result<Input> InputFromBytes(std::string_view name, std::uint64_t size,
                             ByteView head, ByteView tail) {
  Input input;
  input.source = std::string(name);
  const std::size_t slash = name.find_last_of("/\\");
  input.file_name = std::string(
      slash == std::string_view::npos ? name : name.substr(slash + 1));
  if (size < head.size()) {
    return InvalidArgumentError(input.source +
                                ": the head is longer than the file's size");
  }
  input.size = size;
  input.content = head.First(limits::kFileHeadBytes).ToBytes();
  const Bytes whole = head.ToBytes();
  const Bytes last = tail.Last(limits::kFileTailBytes).ToBytes();
  return Classify(
      std::move(input),
      [&]() -> Result<Bytes> {
        // A note needs its whole text: what was sent is all there is.
        return whole;
      },
      [&]() -> Result<Bytes> { return last; });
}

Status CheckSomethingToIdentify(std::span<const Input> inputs,
                                const Report& report) {
  const bool only_other_files = std::all_of(
      inputs.begin(), inputs.end(),
      [](const Input& input) { return input.kind == InputKind::kOtherFile; });
  if (only_other_files && report.candidates.empty()) {
    return InvalidArgumentError(
        "none of the inputs looks like a ransom note or an encrypted "
        "file, and no file name matched a known family");
  }
  return Status::Ok();
}

Result<Input> ContactInput(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgumentError("--contact: empty contact");
  }
  if (text.size() > limits::kMaxContactBytes) {
    return ResourceExhaustedError(fmt::format("--contact: longer than {} bytes",
                                              limits::kMaxContactBytes));
  }
  Input input;
  input.kind = InputKind::kContact;
  input.source = "contact";
  const ByteView bytes = ByteView::FromString(text);
  input.content = bytes.ToBytes();
  return input;
}

Input FileNameInput(std::string_view name) {
  Input input;
  input.kind = InputKind::kFileName;
  input.source = std::string(name);
  const std::size_t slash = name.find_last_of("/\\");
  input.file_name = std::string(
      slash == std::string_view::npos ? name : name.substr(slash + 1));
  return input;
}

}  // namespace kintsugi::identify
