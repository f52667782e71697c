#include "formats/file_validator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

#include "formats/checkers.h"
#include "kintsugi/limits.h"

namespace kintsugi::formats {
namespace {

using internal::FileWindow;
using internal::KindChecker;

constexpr std::pair<FileKind, std::string_view> kNames[] = {
    {FileKind::kPdf, "pdf"},     {FileKind::kZip, "zip"},
    {FileKind::kOoxml, "ooxml"}, {FileKind::kOdf, "odf"},
    {FileKind::kOle2, "ole2"},   {FileKind::kPng, "png"},
    {FileKind::kJpeg, "jpeg"},   {FileKind::kGif, "gif"},
    {FileKind::kBmp, "bmp"},     {FileKind::kSevenZip, "7z"},
    {FileKind::kRar, "rar"},     {FileKind::kGzip, "gzip"},
    {FileKind::kBzip2, "bzip2"}, {FileKind::kSqlite, "sqlite"},
    {FileKind::kMp3, "mp3"},     {FileKind::kText, "text"},
};

constexpr FileKind kOoxmlKinds[] = {FileKind::kOoxml, FileKind::kZip};
constexpr FileKind kOdfKinds[] = {FileKind::kOdf, FileKind::kZip};
constexpr FileKind kZipKinds[] = {FileKind::kZip};
constexpr FileKind kOle2Kinds[] = {FileKind::kOle2};
constexpr FileKind kPdfKinds[] = {FileKind::kPdf};
constexpr FileKind kPngKinds[] = {FileKind::kPng};
constexpr FileKind kJpegKinds[] = {FileKind::kJpeg};
constexpr FileKind kGifKinds[] = {FileKind::kGif};
constexpr FileKind kBmpKinds[] = {FileKind::kBmp};
constexpr FileKind kSevenZipKinds[] = {FileKind::kSevenZip};
constexpr FileKind kRarKinds[] = {FileKind::kRar};
constexpr FileKind kGzipKinds[] = {FileKind::kGzip};
constexpr FileKind kBzip2Kinds[] = {FileKind::kBzip2};
constexpr FileKind kSqliteKinds[] = {FileKind::kSqlite};
// Thumbs.db and friends are OLE2; application databases are SQLite.
constexpr FileKind kDbKinds[] = {FileKind::kSqlite, FileKind::kOle2};
constexpr FileKind kMp3Kinds[] = {FileKind::kMp3};
constexpr FileKind kTextKinds[] = {FileKind::kText};

struct ExtensionKinds {
  std::string_view extension;
  std::span<const FileKind> kinds;
};

constexpr ExtensionKinds kExtensions[] = {
    {"docx", kOoxmlKinds},    {"docm", kOoxmlKinds},      {"dotx", kOoxmlKinds},
    {"dotm", kOoxmlKinds},    {"xlsx", kOoxmlKinds},      {"xlsm", kOoxmlKinds},
    {"xltx", kOoxmlKinds},    {"xltm", kOoxmlKinds},      {"xlsb", kOoxmlKinds},
    {"xlam", kOoxmlKinds},    {"pptx", kOoxmlKinds},      {"pptm", kOoxmlKinds},
    {"potx", kOoxmlKinds},    {"potm", kOoxmlKinds},      {"ppsx", kOoxmlKinds},
    {"ppsm", kOoxmlKinds},    {"vsdx", kOoxmlKinds},      {"odt", kOdfKinds},
    {"ods", kOdfKinds},       {"odp", kOdfKinds},         {"odg", kOdfKinds},
    {"odf", kOdfKinds},       {"odb", kOdfKinds},         {"ott", kOdfKinds},
    {"ots", kOdfKinds},       {"otp", kOdfKinds},         {"zip", kZipKinds},
    {"jar", kZipKinds},       {"apk", kZipKinds},         {"xpi", kZipKinds},
    {"war", kZipKinds},       {"ear", kZipKinds},         {"epub", kZipKinds},
    {"kmz", kZipKinds},       {"ipa", kZipKinds},         {"nupkg", kZipKinds},
    {"whl", kZipKinds},       {"doc", kOle2Kinds},        {"dot", kOle2Kinds},
    {"xls", kOle2Kinds},      {"xlt", kOle2Kinds},        {"ppt", kOle2Kinds},
    {"pps", kOle2Kinds},      {"pot", kOle2Kinds},        {"msg", kOle2Kinds},
    {"pub", kOle2Kinds},      {"vsd", kOle2Kinds},        {"mpp", kOle2Kinds},
    {"msi", kOle2Kinds},      {"pdf", kPdfKinds},         {"png", kPngKinds},
    {"jpg", kJpegKinds},      {"jpeg", kJpegKinds},       {"jpe", kJpegKinds},
    {"jfif", kJpegKinds},     {"gif", kGifKinds},         {"bmp", kBmpKinds},
    {"dib", kBmpKinds},       {"7z", kSevenZipKinds},     {"rar", kRarKinds},
    {"gz", kGzipKinds},       {"tgz", kGzipKinds},        {"gzip", kGzipKinds},
    {"bz2", kBzip2Kinds},     {"tbz", kBzip2Kinds},       {"tbz2", kBzip2Kinds},
    {"sqlite", kSqliteKinds}, {"sqlite3", kSqliteKinds},  {"db3", kSqliteKinds},
    {"db", kDbKinds},         {"mp3", kMp3Kinds},         {"txt", kTextKinds},
    {"text", kTextKinds},     {"csv", kTextKinds},        {"tsv", kTextKinds},
    {"log", kTextKinds},      {"xml", kTextKinds},        {"html", kTextKinds},
    {"htm", kTextKinds},      {"json", kTextKinds},       {"md", kTextKinds},
    {"ini", kTextKinds},      {"cfg", kTextKinds},        {"conf", kTextKinds},
    {"yaml", kTextKinds},     {"yml", kTextKinds},        {"sql", kTextKinds},
    {"js", kTextKinds},       {"css", kTextKinds},        {"py", kTextKinds},
    {"c", kTextKinds},        {"cpp", kTextKinds},        {"h", kTextKinds},
    {"hpp", kTextKinds},      {"java", kTextKinds},       {"cs", kTextKinds},
    {"sh", kTextKinds},       {"bat", kTextKinds},        {"ps1", kTextKinds},
    {"rtf", kTextKinds},      {"svg", kTextKinds},        {"tex", kTextKinds},
    {"srt", kTextKinds},      {"vbs", kTextKinds},        {"php", kTextKinds},
    {"rb", kTextKinds},       {"pl", kTextKinds},         {"go", kTextKinds},
    {"rs", kTextKinds},       {"ts", kTextKinds},         {"eml", kTextKinds},
    {"reg", kTextKinds},      {"properties", kTextKinds},
};

// True if `view` starts with as much of `magic` as it holds, and holds at
// least `required` bytes of it.
bool PrefixMatches(ByteView view, std::string_view magic,
                   std::size_t required) {
  if (view.size() < required) return false;
  const std::size_t n = std::min(view.size(), magic.size());
  return view.First(n) == ByteView::FromString(magic.substr(0, n));
}

std::uint8_t ByteAt(ByteView v, std::size_t i) { return v.U8(i).value_or(0); }

bool TextBytePlausible(std::uint8_t b) {
  if (b >= 0x20 && b != 0x7F) {
    // Bytes undefined in Windows-1252 and impossible as UTF-8 lead bytes.
    return b != 0x81 && b != 0x8D && b != 0x8F && b != 0x90 && b != 0x9D;
  }
  return b == '\t' || b == '\n' || b == '\r' || b == '\f';
}

bool ZipPlausible(ByteView b) {
  if (PrefixMatches(b, "PK\x05\x06", 4)) return true;  // empty archive
  if (!PrefixMatches(b, "PK\x03\x04", 4)) return false;
  // APPNOTE 4.3.7: version needed (a small number), flags, method.
  if (b.size() >= 6 && (ByteAt(b, 4) > 63 || ByteAt(b, 5) != 0)) return false;
  if (b.size() >= 10) {
    const std::uint16_t method = b.U16Le(8).value_or(0xFFFF);
    switch (method) {
      case 0:
      case 1:
      case 6:
      case 8:
      case 9:
      case 12:
      case 14:
      case 19:
      case 93:
      case 95:
      case 96:
      case 97:
      case 98:
      case 99:
        break;
      default:
        return false;
    }
  }
  return true;
}

bool Mp3Plausible(ByteView b) {
  if (PrefixMatches(b, "ID3", 3)) {
    // ID3v2 header: version 2..4, revision not FF, syncsafe size.
    if (b.size() >= 4 && (ByteAt(b, 3) < 2 || ByteAt(b, 3) > 4)) return false;
    if (b.size() >= 5 && ByteAt(b, 4) == 0xFF) return false;
    for (std::size_t i = 6; i < 10 && i < b.size(); ++i) {
      if (ByteAt(b, i) >= 0x80) return false;
    }
    return true;
  }
  return b.size() >= 4 && internal::Mp3FrameLength(b.First(4)) != 0;
}

}  // namespace

std::string_view FileKindName(FileKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FileKind> FileKindFromName(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kValid:
      return "valid";
    case Verdict::kInvalid:
      return "invalid";
    case Verdict::kUnknownType:
      return "unknown_type";
  }
  return "unknown_type";
}

std::string_view StrengthName(Strength strength) {
  switch (strength) {
    case Strength::kNone:
      return "none";
    case Strength::kStructure:
      return "structure";
    case Strength::kChecksum:
      return "checksum";
  }
  return "none";
}

std::span<const FileKind> ExpectedKinds(std::string_view extension) {
  if (!extension.empty() && extension.front() == '.') {
    extension.remove_prefix(1);
  }
  if (extension.empty() || extension.size() > 16) return {};
  std::array<char, 16> lower{};
  for (std::size_t i = 0; i < extension.size(); ++i) {
    lower[i] = static_cast<char>(
        std::tolower(static_cast<unsigned char>(extension[i])));
  }
  const std::string_view key(lower.data(), extension.size());
  for (const ExtensionKinds& e : kExtensions) {
    if (e.extension == key) return e.kinds;
  }
  return {};
}

bool HeaderPlausible(FileKind kind, ByteView b,
                     std::optional<std::uint64_t> file_size) {
  switch (kind) {
    case FileKind::kPdf:
      // "%PDF-1.x" / "%PDF-2.0".
      if (!PrefixMatches(b, "%PDF-", 5)) return false;
      if (b.size() >= 6 && ByteAt(b, 5) != '1' && ByteAt(b, 5) != '2') {
        return false;
      }
      if (b.size() >= 7 && ByteAt(b, 6) != '.') return false;
      return b.size() < 8 || std::isdigit(ByteAt(b, 7)) != 0;
    case FileKind::kZip:
    case FileKind::kOoxml:
    case FileKind::kOdf:
      return ZipPlausible(b);
    case FileKind::kOle2:
      // [MS-CFB] 2.2: signature, zero CLSID, byte order FFFE.
      if (!PrefixMatches(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        return false;
      }
      for (std::size_t i = 8; i < 24 && i < b.size(); ++i) {
        if (ByteAt(b, i) != 0) return false;
      }
      if (b.size() >= 28 && b.U16Le(26).value_or(0) != 3 &&
          b.U16Le(26).value_or(0) != 4) {
        return false;
      }
      return b.size() < 30 || b.U16Le(28).value_or(0) == 0xFFFE;
    case FileKind::kPng:
      if (!PrefixMatches(b, "\x89PNG\r\n\x1A\n", 8)) return false;
      return b.size() < 16 || (b.U32Be(8).value_or(0) == 13 &&
                               b.MatchesAt(12, ByteView::FromString("IHDR")));
    case FileKind::kJpeg: {
      if (!PrefixMatches(b, "\xFF\xD8\xFF", 3)) return false;
      if (b.size() < 4) return true;
      const std::uint8_t m = ByteAt(b, 3);
      if (m < 0xC0 || m == 0xFF || (m >= 0xD0 && m <= 0xD9)) return false;
      return b.size() < 6 || b.U16Be(4).value_or(0) >= 2;
    }
    case FileKind::kGif:
      if (!PrefixMatches(b, "GIF87a", 6) && !PrefixMatches(b, "GIF89a", 6)) {
        return false;
      }
      return b.size() < 10 ||
             (b.U16Le(6).value_or(0) != 0 && b.U16Le(8).value_or(0) != 0);
    case FileKind::kBmp: {
      if (!PrefixMatches(b, "BM", 2)) return false;
      if (b.size() >= 6 && file_size.has_value() &&
          b.U32Le(2).value_or(0) != *file_size) {
        return false;
      }
      if (b.size() >= 10 && b.U32Le(6).value_or(1) != 0) return false;
      if (b.size() >= 14) {
        const std::uint32_t pixels = b.U32Le(10).value_or(0);
        if (pixels < 26) return false;
        if (file_size.has_value() && pixels > *file_size) return false;
      }
      if (b.size() >= 15) {
        const std::uint8_t dib = ByteAt(b, 14);
        if (dib != 12 && dib != 16 && dib != 40 && dib != 52 && dib != 56 &&
            dib != 64 && dib != 108 && dib != 124) {
          return false;
        }
      }
      for (std::size_t i = 15; i < 18 && i < b.size(); ++i) {
        if (ByteAt(b, i) != 0) return false;
      }
      return true;
    }
    case FileKind::kSevenZip:
      if (!PrefixMatches(b, "7z\xBC\xAF\x27\x1C", 6)) return false;
      return b.size() < 7 || ByteAt(b, 6) == 0;
    case FileKind::kRar:
      if (!PrefixMatches(b, "Rar!\x1A\x07", 6)) return false;
      if (b.size() >= 7 && ByteAt(b, 6) != 0 && ByteAt(b, 6) != 1) {
        return false;
      }
      return b.size() < 8 || ByteAt(b, 6) == 0 || ByteAt(b, 7) == 0;
    case FileKind::kGzip:
      // RFC 1952 §2.3: CM = 8, reserved FLG bits zero.
      if (!PrefixMatches(b, "\x1F\x8B", 2)) return false;
      if (b.size() >= 3 && ByteAt(b, 2) != 8) return false;
      return b.size() < 4 || (ByteAt(b, 3) & 0xE0) == 0;
    case FileKind::kBzip2:
      if (!PrefixMatches(b, "BZh", 3)) return false;
      if (b.size() >= 4 && (ByteAt(b, 3) < '1' || ByteAt(b, 3) > '9')) {
        return false;
      }
      if (b.size() < 10) return true;
      return b.MatchesAt(4, ByteView::FromString("\x31\x41\x59\x26\x53\x59")) ||
             b.MatchesAt(4, ByteView::FromString("\x17\x72\x45\x38\x50\x90"));
    case FileKind::kSqlite:
      return PrefixMatches(b, std::string_view("SQLite format 3\0", 16), 6);
    case FileKind::kMp3:
      return Mp3Plausible(b);
    case FileKind::kText: {
      if (b.empty()) return false;
      if (PrefixMatches(b, "\xFF\xFE", 2) || PrefixMatches(b, "\xFE\xFF", 2)) {
        return true;
      }
      return std::all_of(b.begin(), b.end(), TextBytePlausible);
    }
  }
  return false;
}

std::optional<FileKind> SniffHeader(ByteView head) {
  static constexpr FileKind kMagicOrder[] = {
      FileKind::kPng,  FileKind::kJpeg,  FileKind::kGif,      FileKind::kPdf,
      FileKind::kZip,  FileKind::kOle2,  FileKind::kSevenZip, FileKind::kRar,
      FileKind::kGzip, FileKind::kBzip2, FileKind::kSqlite,   FileKind::kBmp,
  };
  for (FileKind kind : kMagicOrder) {
    if (!HeaderPlausible(kind, head.First(64))) continue;
    if (kind == FileKind::kZip) {
      // APPNOTE 4.3.7: the first entry's name starts at 30.
      const std::uint16_t name_length = head.U16Le(26).value_or(0);
      auto name = head.Sub(30, name_length);
      if (name && *name == ByteView::FromString("[Content_Types].xml")) {
        return FileKind::kOoxml;
      }
      if (name && *name == ByteView::FromString("mimetype") &&
          head.MatchesAt(
              30 + 8 + head.U16Le(28).value_or(0),
              ByteView::FromString("application/vnd.oasis.opendocument"))) {
        return FileKind::kOdf;
      }
    }
    return kind;
  }
  if (HeaderPlausible(FileKind::kMp3, head)) {
    if (PrefixMatches(head, "ID3", 3)) return FileKind::kMp3;
    // Raw MPEG audio: demand a second frame header where the first ends.
    const std::size_t length = internal::Mp3FrameLength(head.First(4));
    if (auto next = head.Sub(length, 4);
        next && internal::Mp3FrameLength(*next) != 0) {
      return FileKind::kMp3;
    }
  }
  if (HeaderPlausible(FileKind::kText, head.First(4096))) {
    return FileKind::kText;
  }
  return std::nullopt;
}

// --- StreamVerifier ---------------------------------------------------------

namespace {

// Bytes received before the candidate checkers are chosen by the head.
constexpr std::size_t kSniffBytes = 64;

bool Accepts(std::span<const FileKind> expected, FileKind kind) {
  for (FileKind e : expected) {
    if (e == kind) return true;
    // Every OOXML and ODF document is also a valid ZIP.
    if (e == FileKind::kZip &&
        (kind == FileKind::kOoxml || kind == FileKind::kOdf)) {
      return true;
    }
  }
  return false;
}

// ZIP, OOXML and ODF share one checker.
FileKind CheckerKey(FileKind kind) {
  return kind == FileKind::kOoxml || kind == FileKind::kOdf ? FileKind::kZip
                                                            : kind;
}

}  // namespace

// A recovery verifies thousands of files per worker thread. Each thread
// lends its verifier the same head and tail buffers again, so their pages
// stay mapped instead of being faulted in afresh for every file (page faults
// are costly, and under paravirtualisation very costly:
// docs/benchmarks-recover.md).
struct SpareBuffers {
  Bytes head;
  Bytes tail;
  bool lent = false;
};
thread_local SpareBuffers spare_buffers;

struct StreamVerifier::State {
  std::vector<FileKind> expected;
  Bytes head;
  Bytes tail;  // holds at least the last kVerifyTailBytes; compacted
  SpareBuffers* lender = nullptr;
  std::uint64_t size = 0;
  // ExpectAtLeast's promise: bytes before tail_from need no tail copy.
  std::uint64_t min_size = 0;
  std::uint64_t tail_from = 0;
  bool started = false;
  bool finished = false;
  // Kinds whose checkers run, in preference order; magic_matched says the
  // candidates were picked by their magic (no expectation given).
  std::vector<std::pair<FileKind, std::unique_ptr<KindChecker>>> checkers;
  bool magic_matched = false;

  void AddChecker(FileKind kind) {
    const FileKind key = CheckerKey(kind);
    for (const auto& c : checkers) {
      if (c.first == key) return;
    }
    checkers.emplace_back(key, internal::MakeChecker(key));
  }

  // Picks the checkers from the head and feeds them `seen`, every byte
  // received so far.
  void Start(ByteView seen) {
    started = true;
    const ByteView h(head);
    if (!expected.empty()) {
      // Those whose header is plausible first: their failure detail is the
      // more telling one.
      for (FileKind k : expected) {
        if (HeaderPlausible(k, h.First(kSniffBytes))) AddChecker(k);
      }
      for (FileKind k : expected) AddChecker(k);
    } else if (auto sniffed = SniffHeader(h.First(kSniffBytes));
               sniffed && *sniffed != FileKind::kText &&
               *sniffed != FileKind::kMp3) {
      magic_matched = true;
      AddChecker(*sniffed);
    } else {
      if (HeaderPlausible(FileKind::kMp3, h.First(kSniffBytes))) {
        AddChecker(FileKind::kMp3);
      }
      AddChecker(FileKind::kText);
    }
    for (auto& c : checkers) c.second->Update(seen);
  }
};

StreamVerifier::StreamVerifier(std::span<const FileKind> expected)
    : state_(std::make_unique<State>()) {
  state_->expected.assign(expected.begin(), expected.end());
  SpareBuffers& spare = spare_buffers;
  if (!spare.lent) {
    spare.lent = true;
    state_->lender = &spare;
    state_->head.swap(spare.head);
    state_->tail.swap(spare.tail);
    state_->head.clear();
    state_->tail.clear();
  }
  // The tail peaks at 3 x kVerifyTailBytes (two kept, one appended) before
  // it is compacted.
  state_->head.reserve(limits::kVerifyHeadBytes);
  state_->tail.reserve(3 * limits::kVerifyTailBytes);
}

StreamVerifier::StreamVerifier(FileKind expected)
    : StreamVerifier(std::span<const FileKind>(&expected, 1)) {}

StreamVerifier::~StreamVerifier() {
  // Returned only to the thread that lent them (a verifier destroyed on
  // another thread just frees its buffers).
  if (state_ && state_->lender == &spare_buffers) {
    spare_buffers.head.swap(state_->head);
    spare_buffers.tail.swap(state_->tail);
    spare_buffers.lent = false;
  }
}

void StreamVerifier::Update(ByteView chunk) {
  State& s = *state_;
  if (s.finished || chunk.empty()) return;
  const std::uint64_t seen_before = s.size;
  s.size += chunk.size();
  if (s.head.size() < limits::kVerifyHeadBytes) {
    const std::size_t n =
        std::min(chunk.size(), limits::kVerifyHeadBytes - s.head.size());
    s.head.insert(s.head.end(), chunk.begin(), chunk.begin() + n);
  }
  if (s.size > s.tail_from) {
    // Only bytes that may end up among the last kVerifyTailBytes.
    const std::size_t wanted = static_cast<std::size_t>(
        std::min<std::uint64_t>(s.size - s.tail_from, chunk.size()));
    const ByteView keep =
        chunk.Last(std::min(wanted, limits::kVerifyTailBytes));
    s.tail.insert(s.tail.end(), keep.begin(), keep.end());
  }
  if (s.tail.size() > 2 * limits::kVerifyTailBytes) {
    s.tail.erase(s.tail.begin(), s.tail.end() - static_cast<std::ptrdiff_t>(
                                                    limits::kVerifyTailBytes));
  }
  if (!s.started && s.size >= kSniffBytes) {
    // Everything before this chunk is in the head (kSniffBytes is far
    // smaller than kVerifyHeadBytes).
    s.Start(ByteView(s.head).First(static_cast<std::size_t>(seen_before)));
  }
  if (s.started) {
    for (auto& c : s.checkers) c.second->Update(chunk);
  }
}

void StreamVerifier::ExpectAtLeast(std::uint64_t min_size) {
  State& s = *state_;
  if (s.size != 0) return;  // Too late: bytes were already handled.
  s.min_size = min_size;
  s.tail_from = min_size > limits::kVerifyTailBytes
                    ? min_size - limits::kVerifyTailBytes
                    : 0;
}

Verification StreamVerifier::Finish() {
  State& s = *state_;
  if (s.finished) {
    return {std::nullopt, Verdict::kUnknownType, "verifier already finished"};
  }
  s.finished = true;
  if (s.size < s.min_size) {
    // Its tail may not have been kept: no verdict on the content.
    return {std::nullopt, Verdict::kInvalid,
            "the file is " + std::to_string(s.size) +
                " bytes, shorter than the " + std::to_string(s.min_size) +
                " announced"};
  }
  if (s.size == 0 && s.expected.empty()) {
    return {std::nullopt, Verdict::kUnknownType, "empty file"};
  }
  if (!s.started) s.Start(ByteView(s.head));
  FileWindow window;
  window.head = ByteView(s.head);
  window.tail = ByteView(s.tail).Last(limits::kVerifyTailBytes);
  window.size = s.size;

  std::optional<Verification> first_failure;
  for (auto& [key, checker] : s.checkers) {
    Verification v = checker->Finish(window);
    if (v.valid() && (s.expected.empty() || Accepts(s.expected, *v.kind))) {
      return v;
    }
    if (v.valid()) {
      // A valid file of a kind the extension does not allow (e.g. a plain
      // ZIP where a .docx was expected).
      v.verdict = Verdict::kInvalid;
      v.strength = Strength::kNone;
      v.detail = "expected " + std::string(FileKindName(s.expected.front())) +
                 ", but it is " + v.detail;
    }
    if (!first_failure) first_failure = std::move(v);
  }
  if (first_failure && (s.magic_matched || !s.expected.empty())) {
    return *first_failure;
  }
  std::string detail = "no known file type matched";
  if (first_failure && !first_failure->detail.empty()) {
    detail += " (" + first_failure->detail + ")";
  }
  return {std::nullopt, Verdict::kUnknownType, std::move(detail)};
}

Verification Verify(ByteView whole_file, std::optional<FileKind> expected) {
  if (expected) {
    const FileKind kinds[] = {*expected};
    return Verify(whole_file, kinds);
  }
  return Verify(whole_file, std::span<const FileKind>());
}

Verification Verify(ByteView whole_file, std::span<const FileKind> expected) {
  StreamVerifier verifier(expected);
  verifier.Update(whole_file);
  return verifier.Finish();
}

std::optional<std::size_t> Pkcs7PaddingLength(ByteView last_block,
                                              std::size_t block_size) {
  if (block_size == 0 || block_size > 255 || last_block.size() != block_size) {
    return std::nullopt;
  }
  const std::uint8_t pad = ByteAt(last_block, block_size - 1);
  if (pad == 0 || pad > block_size) return std::nullopt;
  const ByteView padding = last_block.Last(pad);
  if (!std::all_of(padding.begin(), padding.end(),
                   [pad](std::uint8_t b) { return b == pad; })) {
    return std::nullopt;
  }
  return std::size_t{pad};
}

}  // namespace kintsugi::formats
