#pragma once

// File-type validators: "is this decrypted output a valid file of type T?"
// (issue 4, "Verification before anything is kept"; recovery-schemes.md
// §4.4). Every check looks at STRUCTURE (chunk CRCs, marker chains, header
// checksums, directory offsets), not only magic bytes, because a wrong key
// that happens to reproduce a magic is exactly the case a decryptor must
// catch before it keeps anything.
//
// Two costs, two entry points:
//   - HeaderPlausible / SniffHeader: a few comparisons on the first decrypted
//     block, no allocation; brute-force seed searches call them millions of
//     times.
//   - Verify / StreamVerifier: the full check of a whole file, in bounded
//     memory (head, tail and running per-format state; see limits.h
//     kVerifyHeadBytes / kVerifyTailBytes), so any file size streams.
//
// A verdict is data, not an error: nothing here returns a Status.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"

namespace kintsugi::formats {

// The file types we can verify. Values are stable (append only); their
// lowercase names reach users as `verified_as` in JSON output.
enum class FileKind : std::uint8_t {
  kPdf,
  kZip,    // A ZIP archive that is neither OOXML nor ODF (JAR, APK, ...).
  kOoxml,  // A ZIP with [Content_Types].xml (docx, xlsx, pptx, ...).
  kOdf,    // A ZIP whose first entry is `mimetype` = OpenDocument (odt ...).
  kOle2,   // Compound File Binary (doc, xls, ppt, msg, msi).
  kPng,
  kJpeg,
  kGif,
  kBmp,
  kSevenZip,
  kRar,
  kGzip,
  kBzip2,
  kSqlite,
  kMp3,
  kText,  // UTF-8, UTF-16 with BOM, or Windows-1252 text.
};

// Every kind, in the order Verify tries them.
inline constexpr FileKind kAllFileKinds[] = {
    FileKind::kPdf,   FileKind::kZip,      FileKind::kOoxml, FileKind::kOdf,
    FileKind::kOle2,  FileKind::kPng,      FileKind::kJpeg,  FileKind::kGif,
    FileKind::kBmp,   FileKind::kSevenZip, FileKind::kRar,   FileKind::kGzip,
    FileKind::kBzip2, FileKind::kSqlite,   FileKind::kMp3,   FileKind::kText,
};

// The stable lowercase name ("pdf", "ooxml", "7z", ...).
std::string_view FileKindName(FileKind kind);
// The kind with that name, if any.
std::optional<FileKind> FileKindFromName(std::string_view name);

// The kinds a file with this original extension should verify as, most
// specific first: ".docx" -> {ooxml, zip}; ".txt" -> {text}. Case does not
// matter and the leading dot is optional. Empty for extensions we do not
// know (the caller then verifies with no expectation).
std::span<const FileKind> ExpectedKinds(std::string_view extension);

// Cheap check of the first decrypted block (usually 16 bytes: one AES block)
// for seed searches: magic plus whatever header fields fit in the block
// (recovery-schemes.md §4.4 table). `file_size`, when known, lets BMP check
// its size field. No allocation. A true result is only a candidate: confirm
// with Verify.
bool HeaderPlausible(FileKind kind, ByteView first_block,
                     std::optional<std::uint64_t> file_size = std::nullopt);

// The kind whose header `head` plausibly starts, by magic bytes, most
// specific first (a ZIP whose first entry is [Content_Types].xml sniffs as
// ooxml). Falls back to text when `head` looks like text. No allocation.
std::optional<FileKind> SniffHeader(ByteView head);

// The outcome of a full verification.
enum class Verdict : std::uint8_t {
  kValid,        // The bytes are a structurally valid file of `kind`.
  kInvalid,      // They claim (or were expected) to be `kind` but are not.
  kUnknownType,  // No expectation was given and no known type matched.
};

// "valid", "invalid", "unknown_type".
std::string_view VerdictName(Verdict verdict);

// How much of a file a valid verdict vouches for (issue 16, "Verification
// says how strong it is"; docs/recovery-schemes.md §4.4). Recover reports it
// per output as `verified_by`.
enum class Strength : std::uint8_t {
  // Nothing was checked: the verdict is not valid, or the file is empty.
  kNone,
  // Headers, markers, lengths, padding: a few wrong bytes inside the data
  // (a flipped ciphertext byte garbles 17 bytes of CBC plaintext) pass.
  kStructure,
  // The format's checksums cover all of the content, and every one of them
  // was checked and matched: PNG chunk CRCs, ZIP entry CRCs, gzip CRC-32
  // and ISIZE, bzip2 block and stream CRCs.
  kChecksum,
};

// "none", "structure", "checksum".
std::string_view StrengthName(Strength strength);

struct Verification {
  // The kind the bytes were verified as (kValid), or the kind they failed
  // to be (kInvalid); empty for kUnknownType.
  std::optional<FileKind> kind;
  Verdict verdict = Verdict::kUnknownType;
  // One line in plain words for the user, e.g. "PNG: CRC mismatch in chunk
  // IDAT at offset 1234". Never contains file contents beyond structure.
  std::string detail;
  // What a kValid verdict rests on; kNone for any other verdict.
  Strength strength = Strength::kNone;

  bool valid() const { return verdict == Verdict::kValid; }
};

// Verifies a file as it streams by, in bounded memory: it keeps the first
// kVerifyHeadBytes, the last kVerifyTailBytes and running per-format state
// (PNG chunk CRCs, ZIP local entries inflated + CRC-32, JPEG marker chain,
// GIF blocks, gzip inflate + CRC-32, bzip2 decompression + CRCs, text
// encoding). Feed every byte in order with Update, then call Finish once.
// Chunk boundaries never change the result.
class StreamVerifier {
 public:
  // With no expected kinds, the type is detected from the bytes; otherwise
  // the file must verify as one of `expected` (e.g. ExpectedKinds(".docx")).
  explicit StreamVerifier(std::span<const FileKind> expected = {});
  explicit StreamVerifier(FileKind expected);
  ~StreamVerifier();
  StreamVerifier(const StreamVerifier&) = delete;
  StreamVerifier& operator=(const StreamVerifier&) = delete;

  // Optional, before the first Update: the file will be at least
  // `min_size` bytes long (a caller that knows, e.g. from the ciphertext
  // size). Bytes that then cannot be among the last kVerifyTailBytes are not
  // copied; the verdict is the same. A file that ends shorter than promised
  // is reported invalid.
  void ExpectAtLeast(std::uint64_t min_size);
  // The next bytes of the file.
  void Update(ByteView chunk);
  // The verdict for everything fed so far. Call once.
  Verification Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Verifies a whole file in memory; the same result as a StreamVerifier fed
// the same bytes.
Verification Verify(ByteView whole_file,
                    std::optional<FileKind> expected = std::nullopt);
// As above, accepting any of `expected` (empty: detect the type).
Verification Verify(ByteView whole_file, std::span<const FileKind> expected);

// For CBC schemes (recovery-schemes.md §4.4): the PKCS#7 padding length of
// the decrypted last block, or nothing if the padding is invalid (every pad
// byte must equal the pad length, 1..block_size). `last_block` must be
// exactly `block_size` bytes.
std::optional<std::size_t> Pkcs7PaddingLength(ByteView last_block,
                                              std::size_t block_size);

}  // namespace kintsugi::formats
