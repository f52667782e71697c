#pragma once

// Evidence from an encrypted file and from file names: the extension chain
// and renaming pattern of a name, the head and tail bytes, their entropy,
// and the classification of an input by its content (issue #3: "A path
// argument is classified by content, not by trust in its name").

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "text/indicators.h"

namespace kintsugi::identify {

struct FileNameEvidence {
  // The name's dot-separated suffixes, outermost last, with their dots:
  // "photo.jpg.id[AB12CD34-3483].[mail@x.com].eking" gives
  // {".jpg", ".id[AB12CD34-3483]", ".[mail@x.com]", ".eking"}. Dots inside
  // [], () and {} do not split.
  std::vector<std::string> extension_chain;
  // The appended extension: the last element of the chain, or empty.
  std::string extension;
  // E-mails and IDs embedded in the name.
  std::vector<text::Indicator> indicators;
  // Bracketed or dash-separated IDs of >= 6 characters ("AB12CD34-3483").
  std::vector<std::string> ids;
};

// Parses a file name (the last path component; anything before the last
// '/' or '\\' is ignored).
FileNameEvidence ParseFileName(std::string_view name);

// Shannon entropy of `bytes` in bits per byte (0..8); 0 for empty input.
double ShannonEntropy(ByteView bytes);

// What a path holds, judged by its first bytes (issue #3).
enum class ContentClass : std::uint8_t {
  kNote,           // Mostly printable text.
  kEncryptedFile,  // High entropy: looks encrypted or compressed.
  kOther,          // Neither (e.g. an ordinary document or image).
};

struct ContentVerdict {
  ContentClass content = ContentClass::kOther;
  double head_entropy = 0.0;     // Of the first 4 KiB.
  double printable_ratio = 0.0;  // Of the decoded head.
  std::string encoding;          // Text encoding guessed for a note.
};

// Classifies a file from its first bytes (at most limits::kFileHeadBytes).
// Text-like content is a note; high-entropy content an encrypted file.
ContentVerdict ClassifyContent(ByteView head);

}  // namespace kintsugi::identify
