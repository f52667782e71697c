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
#include "kintsugi/kb.h"
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
  // Bracketed or dash-separated IDs of >= 6 characters ("AB12CD34-3483"),
  // not the local part of a bracketed e-mail ("[mail2024@x.com]").
  std::vector<std::string> ids;
  // Contacts in the place the ID formats put them, as written: the
  // bracketed element after an ID element, "[mail@x.com]" of Phobos'
  // ".id[AB12CD34-3483].[mail@x.com].eking" and Dharma's
  // ".id-AB12CD34.[mail@x.com].arrow", "{handle}" of the same forms with
  // braces; also a Tox ID or a messenger handle, which are no e-mail.
  std::vector<std::string> contacts;
};

// Parses a file name (the last path component; anything before the last
// '/' or '\\' is ignored).
FileNameEvidence ParseFileName(std::string_view name);

// Shannon entropy of `bytes` in bits per byte (0..8); 0 for empty input.
double ShannonEntropy(ByteView bytes);

// Whether a kFileMarker rule matches a file of `size` bytes whose first
// bytes are `head` and last bytes `tail` (the whole file in both when it is
// small): its marker at its anchor, and each of its fields
// (docs/kb-format.md §3, "Fields"). A field outside the bytes given, or a
// footer longer than the file, does not match.
bool MatchesFileMarker(const kb::Rule& rule, ByteView head, ByteView tail,
                       std::uint64_t size);

// Whether `bytes` look like key material (a public key, an RSA blob): at
// least 60% as many distinct byte values as random bytes of that length
// have on average, and at most 7/8 printable ASCII. Text, and runs of one
// byte, do not.
bool LooksLikeKey(ByteView bytes);

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
