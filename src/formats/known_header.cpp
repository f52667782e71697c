#include "formats/known_header.h"

#include <algorithm>
#include <string>
#include <utility>

#include "formats/checkers.h"

namespace kintsugi::formats {
namespace {

constexpr Certainty kFixed = Certainty::kFixed;
constexpr Certainty kUsual = Certainty::kUsual;

// Collects runs, dropping any that would not lie wholly inside the file.
class Builder {
 public:
  Builder(FileKind kind, std::uint64_t size) : header_{kind, {}}, size_(size) {}

  void Add(std::uint64_t offset, Bytes bytes, Certainty certainty,
           std::string_view what) {
    if (bytes.empty() || offset > size_ || bytes.size() > size_ - offset) {
      return;
    }
    header_.runs.push_back({offset, std::move(bytes), certainty, what});
  }
  void Add(std::uint64_t offset, std::string_view text, Certainty certainty,
           std::string_view what) {
    Add(offset, ByteView::FromString(text).ToBytes(), certainty, what);
  }
  void Zeros(std::uint64_t offset, std::size_t count, Certainty certainty,
             std::string_view what) {
    Add(offset, Bytes(count, 0), certainty, what);
  }
  void U32Le(std::uint64_t offset, std::uint32_t value, Certainty certainty,
             std::string_view what) {
    Add(offset,
        Bytes{static_cast<std::uint8_t>(value),
              static_cast<std::uint8_t>(value >> 8),
              static_cast<std::uint8_t>(value >> 16),
              static_cast<std::uint8_t>(value >> 24)},
        certainty, what);
  }
  // A run ending `from_end` bytes before the end of the file.
  void Trailer(std::uint64_t from_end, std::string_view text,
               Certainty certainty, std::string_view what) {
    if (from_end > size_) return;
    Add(size_ - from_end, text, certainty, what);
  }
  std::uint64_t size() const { return size_; }
  KnownHeader Take() { return std::move(header_); }

 private:
  KnownHeader header_;
  std::uint64_t size_;
};

using namespace std::string_view_literals;

// PNG 1.2 §5.2-5.3, §11.2.2: signature, IHDR length and type; compression
// and filter methods MUST be 0. Width/height below 65536 and no interlace
// are usual; IEND closes the file (a few writers append junk after it).
void Png(Builder& b) {
  b.Add(0, "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR"sv, kFixed, "PNG signature, IHDR");
  b.Zeros(26, 2, kFixed, "PNG compression, filter method");
  b.Zeros(16, 2, kUsual, "PNG width < 65536");
  b.Zeros(20, 2, kUsual, "PNG height < 65536");
  b.Zeros(28, 1, kUsual, "PNG not interlaced");
  b.Trailer(12, "\0\0\0\0IEND\xAE\x42\x60\x82"sv, kUsual, "PNG IEND chunk");
}

// GIF89a spec: "GIF87a"/"GIF89a"; 89a is what writers produce since the
// 90s; the trailer byte 0x3B ends the file.
void Gif(Builder& b) {
  b.Add(0, "GIF8", kFixed, "GIF signature");
  b.Add(5, "a", kFixed, "GIF signature");
  b.Add(4, "9", kUsual, "GIF version 89a");
  b.Trailer(1, "\x3B", kUsual, "GIF trailer");
}

// ISO 32000-1 §7.5.2: "%PDF-1.n"; PDF 2.0 files are still rare.
void Pdf(Builder& b) { b.Add(0, "%PDF-1.", kFixed, "PDF header"); }

// APPNOTE 4.3.7 local file header: signature; HeaderPlausible requires the
// high byte of "version needed" to be 0. Without an archive comment the
// end of central directory record (4.3.16) sits 22 bytes from the end, on
// a single disk.
void ZipCommon(Builder& b) {
  b.Add(0, "PK\x03\x04", kFixed, "ZIP local header signature");
  b.Zeros(5, 1, kFixed, "ZIP version needed (high byte)");
  b.Trailer(22, "PK\x05\x06\0\0\0\0"sv, kUsual, "ZIP end of central dir");
}

void Zip(Builder& b) { ZipCommon(b); }

// ECMA-376 Part 2 puts no order on parts, but every writer stores
// [Content_Types].xml first, deflated, needing version 2.0 (SniffHeader
// relies on the name too).
void Ooxml(Builder& b) {
  ZipCommon(b);
  b.Add(4, "\x14", kUsual, "OOXML version needed 2.0");
  b.Add(8, "\x08\0"sv, kUsual, "OOXML first entry deflated");
  b.Add(26, "\x13\0"sv, kUsual, "OOXML first entry name length");
  b.Add(30, "[Content_Types].xml", kUsual, "OOXML first entry name");
}

// OpenDocument v1.2 Part 3 §3.3: "mimetype" is the first entry, stored
// (method 0), with no extra field, holding the media type of the
// extension. Its CRC and sizes follow from that string, unless the writer
// used a data descriptor (flag bit 3), which none does for this entry.
void Odf(Builder& b, std::string_view media_type) {
  ZipCommon(b);
  b.Zeros(8, 2, kFixed, "ODF mimetype stored");
  b.Add(26, "\x08\0\0\0"sv, kFixed, "ODF mimetype name length, no extra");
  b.Add(30, "mimetype", kFixed, "ODF mimetype name");
  b.Add(38, media_type, kFixed, "ODF media type");
  const auto size = static_cast<std::uint32_t>(media_type.size());
  b.U32Le(14, internal::Crc32(ByteView::FromString(media_type)), kUsual,
          "ODF mimetype CRC-32");
  b.U32Le(18, size, kUsual, "ODF mimetype compressed size");
  b.U32Le(22, size, kUsual, "ODF mimetype size");
}

// [MS-CFB] 2.2 header: signature, zero CLSID, byte order, mini sector
// shift 6, reserved zeros and mini stream cutoff 4096 are MUSTs. Version 3
// (512-byte sectors, no directory sector count) is what Office writes for
// documents; small files need no DIFAT sectors and use few FAT sectors, so
// the header DIFAT array after the first few entries is FREESECT.
void Ole2(Builder& b) {
  b.Add(0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv, kFixed, "OLE2 signature");
  b.Zeros(8, 16, kFixed, "OLE2 header CLSID");
  b.Add(28, "\xFE\xFF"sv, kFixed, "OLE2 byte order");
  b.Add(32, "\x06\0"sv, kFixed, "OLE2 mini sector shift");
  b.Zeros(34, 6, kFixed, "OLE2 reserved");
  b.U32Le(56, 4096, kFixed, "OLE2 mini stream cutoff");
  b.Add(24, "\x3E\0\x03\0"sv, kUsual, "OLE2 version 3.62");
  b.Add(30, "\x09\0"sv, kUsual, "OLE2 sector shift 9");
  b.Zeros(40, 4, kUsual, "OLE2 directory sectors (v3)");
  b.Zeros(52, 4, kUsual, "OLE2 transaction signature");
  b.U32Le(68, 0xFFFFFFFE, kUsual, "OLE2 no DIFAT sector");
  b.Zeros(72, 4, kUsual, "OLE2 DIFAT sector count");
  // A FAT sector maps 128 sectors of 512 bytes; one entry of margin.
  const std::uint64_t sectors = b.size() < 512 ? 0 : (b.size() - 512) / 512 + 1;
  const std::uint64_t fat_sectors = (sectors + 127) / 128;
  constexpr std::uint64_t kDifatEntries = 109;
  if (fat_sectors + 1 < kDifatEntries) {
    const std::uint64_t first = 76 + 4 * (fat_sectors + 1);
    b.Add(first,
          Bytes(static_cast<std::size_t>(76 + 4 * kDifatEntries - first), 0xFF),
          kUsual, "OLE2 free header DIFAT entries");
  }
}

// Windows bitmap: "BM", the file size, reserved zeros and the high bytes of
// the DIB header size are checked by HeaderPlausible. A 24-bit
// BITMAPINFOHEADER image (pixels at 54, header size 40, one plane, no
// compression) is the usual case.
void Bmp(Builder& b) {
  b.Add(0, "BM", kFixed, "BMP signature");
  if (b.size() <= 0xFFFFFFFF) {
    b.U32Le(2, static_cast<std::uint32_t>(b.size()), kFixed, "BMP file size");
  }
  b.Zeros(6, 4, kFixed, "BMP reserved");
  b.Zeros(15, 3, kFixed, "BMP DIB header size (high bytes)");
  b.U32Le(10, 54, kUsual, "BMP pixel offset 54");
  b.Add(14, "\x28", kUsual, "BMP BITMAPINFOHEADER");
  b.Add(26, "\x01\0"sv, kUsual, "BMP one plane");
  b.Zeros(30, 4, kUsual, "BMP no compression");
}

// 7z format (7zFormat.txt, SignatureHeader): signature and major version 0;
// the next header's offset and size are below the file size, so their high
// halves are zero in files under 4 GiB. 7-Zip writes minor version 4.
void SevenZip(Builder& b) {
  b.Add(0, "7z\xBC\xAF\x27\x1C\0"sv, kFixed, "7z signature, version 0");
  b.Add(7, "\x04", kUsual, "7z version 0.4");
  if (b.size() < 0xFFFFFFFF) {
    b.Zeros(16, 4, kFixed, "7z next header offset (high half)");
    b.Zeros(24, 4, kFixed, "7z next header size (high half)");
  }
}

// RAR 1.5-4.x and 5.0 share "Rar!\x1A\x07".
void Rar(Builder& b) { b.Add(0, "Rar!\x1A\x07", kFixed, "RAR signature"); }

// RFC 1952 §2.3.1: ID1 ID2 and CM = 8 (deflate).
void Gzip(Builder& b) { b.Add(0, "\x1F\x8B\x08", kFixed, "gzip header"); }

// bzip2: "BZh", usually block size 9, then the block magic (pi).
void Bzip2(Builder& b) {
  b.Add(0, "BZh", kFixed, "bzip2 signature");
  b.Add(3, "9\x31\x41\x59\x26\x53\x59", kUsual, "bzip2 level 9, block magic");
}

// sqlite.org/fileformat.html §1.3: the magic string; payload fractions
// 64/32/32 and the reserved-for-expansion zeros are MUSTs. A 4096-byte
// page, legacy write/read versions 1, schema format 4, UTF-8 and zero
// counters are what SQLite writes by default.
void Sqlite(Builder& b) {
  b.Add(0, "SQLite format 3\0"sv, kFixed, "SQLite magic");
  b.Add(21, "\x40\x20\x20", kFixed, "SQLite payload fractions");
  b.Zeros(72, 20, kFixed, "SQLite reserved");
  b.Add(16, "\x10\0\x01\x01\0"sv, kUsual, "SQLite page size 4096, versions");
  b.Add(44, "\0\0\0\x04"sv, kUsual, "SQLite schema format 4");
  b.Zeros(48, 8, kUsual, "SQLite cache size, no autovacuum");
  b.Add(56, "\0\0\0\x01"sv, kUsual, "SQLite UTF-8");
  b.Zeros(60, 12, kUsual, "SQLite user version, vacuum, app id");
}

// JPEG (ITU T.81): SOI and a marker. A JFIF APP0 segment first is usual
// (cameras write Exif APP1 instead); EOI ends the file.
void Jpeg(Builder& b) {
  b.Add(0, "\xFF\xD8\xFF", kFixed, "JPEG SOI");
  b.Add(3, "\xE0\0\x10JFIF\0"sv, kUsual, "JPEG JFIF APP0");
  b.Trailer(2, "\xFF\xD9", kUsual, "JPEG EOI");
}

// MPEG audio has no fixed bytes; an ID3v2 tag first (with a zero revision
// and no flags) and an ID3v1 tag last are usual.
void Mp3(Builder& b) {
  b.Add(0, "ID3", kUsual, "ID3v2 tag");
  b.Zeros(4, 2, kUsual, "ID3v2 revision, flags");
  b.Trailer(128, "TAG", kUsual, "ID3v1 tag");
}

struct OdfType {
  std::string_view extension;
  std::string_view media_type;
};

constexpr OdfType kOdfTypes[] = {
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
    {"odg", "application/vnd.oasis.opendocument.graphics"},
    {"odf", "application/vnd.oasis.opendocument.formula"},
    {"odb", "application/vnd.oasis.opendocument.base"},
    {"ott", "application/vnd.oasis.opendocument.text-template"},
    {"ots", "application/vnd.oasis.opendocument.spreadsheet-template"},
    {"otp", "application/vnd.oasis.opendocument.presentation-template"},
};

}  // namespace

std::optional<KnownHeader> KnownHeaderFor(std::string_view extension,
                                          std::uint64_t file_size) {
  if (!extension.empty() && extension.front() == '.') {
    extension.remove_prefix(1);
  }
  const std::span<const FileKind> kinds = ExpectedKinds(extension);
  // Nothing for unknown extensions, nor for ambiguous ones ("db") whose
  // candidates share no bytes.
  if (kinds.empty()) return std::nullopt;
  const FileKind kind = kinds.front();
  if (kinds.size() > 1 && kind != FileKind::kOoxml && kind != FileKind::kOdf) {
    return std::nullopt;
  }
  Builder b(kind, file_size);
  switch (kind) {
    case FileKind::kPng:
      Png(b);
      break;
    case FileKind::kGif:
      Gif(b);
      break;
    case FileKind::kPdf:
      Pdf(b);
      break;
    case FileKind::kZip:
      Zip(b);
      break;
    case FileKind::kOoxml:
      Ooxml(b);
      break;
    case FileKind::kOdf: {
      std::string lower(extension);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      });
      const auto* type =
          std::find_if(std::begin(kOdfTypes), std::end(kOdfTypes),
                       [&](const OdfType& t) { return t.extension == lower; });
      if (type == std::end(kOdfTypes)) {
        ZipCommon(b);  // e.g. .odf variants we do not list: ZIP only.
      } else {
        Odf(b, type->media_type);
      }
      break;
    }
    case FileKind::kOle2:
      Ole2(b);
      break;
    case FileKind::kBmp:
      Bmp(b);
      break;
    case FileKind::kSevenZip:
      SevenZip(b);
      break;
    case FileKind::kRar:
      Rar(b);
      break;
    case FileKind::kGzip:
      Gzip(b);
      break;
    case FileKind::kBzip2:
      Bzip2(b);
      break;
    case FileKind::kSqlite:
      Sqlite(b);
      break;
    case FileKind::kJpeg:
      Jpeg(b);
      break;
    case FileKind::kMp3:
      Mp3(b);
      break;
    case FileKind::kText:
      return std::nullopt;
  }
  KnownHeader header = b.Take();
  if (header.runs.empty()) return std::nullopt;
  return header;
}

}  // namespace kintsugi::formats
