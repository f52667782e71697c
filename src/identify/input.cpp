// Inputs: reading a path and classifying it by content (issue #3), and the
// names of the enums that reach the JSON output.

#include <fmt/format.h>

#include "identify/file_evidence.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"

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
  if (info.size == 0) {
    return InvalidArgumentError(shown + ": the file is empty");
  }
  Input input;
  input.source = shown;
  input.file_name = path.filename().string();
  input.size = info.size;
  KINTSUGI_ASSIGN_OR_RETURN(input.content,
                            ReadHead(fs, path, limits::kFileHeadBytes));
  if (input.content.empty()) {
    return InvalidArgumentError(shown + ": the file is empty");
  }
  const ContentVerdict verdict = ClassifyContent(input.content);
  switch (verdict.content) {
    case ContentClass::kNote:
      if (info.size > limits::kMaxNoteBytes) {
        return ResourceExhaustedError(fmt::format(
            "{}: text of {} bytes is larger than a ransom note can be "
            "(limit {} bytes); not read",
            shown, info.size, limits::kMaxNoteBytes));
      }
      input.kind = InputKind::kNote;
      if (info.size > input.content.size()) {
        KINTSUGI_ASSIGN_OR_RETURN(
            input.content, ReadWholeFile(fs, path, limits::kMaxNoteBytes));
      }
      input.size = input.content.size();
      return input;
    case ContentClass::kEncryptedFile:
      input.kind = InputKind::kEncryptedFile;
      break;
    case ContentClass::kOther: {
      // It declares itself UTF-16 text with a byte-order mark but is not:
      // bad input, not an encrypted file (those have high entropy, even
      // when a family leaves the first bytes in plaintext).
      const ByteView head(input.content);
      static constexpr std::uint8_t kLe[] = {0xFF, 0xFE};
      static constexpr std::uint8_t kBe[] = {0xFE, 0xFF};
      if (head.StartsWith(ByteView(kLe, 2)) ||
          head.StartsWith(ByteView(kBe, 2))) {
        return InvalidArgumentError(
            shown +
            ": starts like UTF-16 text (byte-order mark) but is not "
            "valid UTF-16");
      }
      input.kind = InputKind::kOtherFile;
      break;
    }
  }
  if (info.size <= input.content.size()) {
    input.tail = input.content;
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(input.tail,
                              ReadTail(fs, path, limits::kFileTailBytes));
  }
  return input;
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
