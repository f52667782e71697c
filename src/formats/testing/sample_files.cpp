#include "formats/testing/sample_files.h"

#include <bzlib.h>
#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace kintsugi::formats::samples {
namespace {

void Put(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}
void Put(Bytes& out, ByteView bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
void PutU8(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}
void PutU16Le(Bytes& out, std::uint32_t v) {
  PutU8(out, v);
  PutU8(out, v >> 8);
}
void PutU16Be(Bytes& out, std::uint32_t v) {
  PutU8(out, v >> 8);
  PutU8(out, v);
}
void PutU32Le(Bytes& out, std::uint32_t v) {
  PutU16Le(out, v & 0xFFFF);
  PutU16Le(out, v >> 16);
}
void PutU32Be(Bytes& out, std::uint32_t v) {
  PutU16Be(out, v >> 16);
  PutU16Be(out, v & 0xFFFF);
}
void PutU64Le(Bytes& out, std::uint64_t v) {
  PutU32Le(out, static_cast<std::uint32_t>(v & 0xFFFFFFFFu));
  PutU32Le(out, static_cast<std::uint32_t>(v >> 32));
}

std::uint32_t Crc(ByteView bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  if (!bytes.empty()) {
    crc = crc32(crc, bytes.data(), static_cast<uInt>(bytes.size()));
  }
  return static_cast<std::uint32_t>(crc);
}

std::uint32_t Size32(std::size_t n) { return static_cast<std::uint32_t>(n); }

// zlib deflate of `input`; window_bits selects raw (-15), zlib (15) or gzip
// (31) framing.
Bytes Deflate(ByteView input, int window_bits) {
  z_stream zs{};
  if (deflateInit2_(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY,
                    ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) != Z_OK) {
    std::abort();
  }
  Bytes out(deflateBound(&zs, static_cast<uLong>(input.size())) + 64);
  zs.next_in = const_cast<Bytef*>(input.data());  // NOLINT: zlib API
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

void PngChunk(Bytes& out, std::string_view type, ByteView data) {
  PutU32Be(out, Size32(data.size()));
  Bytes typed;
  Put(typed, type);
  Put(typed, data);
  Put(out, ByteView(typed));
  PutU32Be(out, Crc(typed));
}

constexpr std::string_view kWords[] = {
    "the",     "file",   "was",     "restored",  "from",   "backup", "and",
    "every",   "byte",   "checked", "against",   "its",    "header", "before",
    "keeping", "output", "report",  "quarterly", "budget", "draft",  "notes"};

}  // namespace

Bytes PseudoRandomBytes(std::size_t size, std::uint64_t seed) {
  Bytes out(size);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < size; i += 8) {
    state += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (std::size_t j = 0; j < 8 && i + j < size; ++j) {
      out[i + j] = static_cast<std::uint8_t>((z >> (8 * j)) & 0xFF);
    }
  }
  return out;
}

Bytes MakeText(std::size_t size) {
  Bytes out;
  out.reserve(size);
  std::size_t word = 0;
  std::size_t line = 0;
  while (out.size() < size) {
    const std::string_view w = kWords[(word * 7 + line) % std::size(kWords)];
    ++word;
    Put(out, w);
    if (word % 12 == 0) {
      out.push_back('\n');
      ++line;
    } else {
      out.push_back(' ');
    }
  }
  out.resize(size);
  if (size > 0) out.back() = '\n';
  return out;
}

Bytes MakePng(std::uint32_t width, std::uint32_t height) {
  Bytes out = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  Bytes ihdr;
  PutU32Be(ihdr, width);
  PutU32Be(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, no interlace
  PngChunk(out, "IHDR", ihdr);
  const std::size_t row = 1 + std::size_t{3} * width;
  Bytes raw = PseudoRandomBytes(row * height, width * 31u + height);
  for (std::size_t y = 0; y < height; ++y) raw[y * row] = 0;  // filter none
  const Bytes z = Deflate(raw, 15);
  constexpr std::size_t kIdatChunk = 8192;
  for (std::size_t at = 0; at < z.size(); at += kIdatChunk) {
    PngChunk(out, "IDAT",
             ByteView(z)
                 .First(at + kIdatChunk)
                 .Last(std::min(kIdatChunk, z.size() - at)));
  }
  PngChunk(out, "IEND", ByteView());
  return out;
}

Bytes MakeZip(const std::vector<ZipEntry>& entries) {
  Bytes out;
  Bytes cd;
  for (const ZipEntry& e : entries) {
    const ByteView data = ByteView::FromString(e.data);
    const Bytes stored = e.deflate ? Deflate(data, -15) : data.ToBytes();
    const std::uint32_t crc = Crc(data);
    const std::uint32_t offset = Size32(out.size());
    const std::uint32_t method = e.deflate ? 8 : 0;
    const bool descriptor = e.deflate && e.data_descriptor;
    const std::uint32_t flags = descriptor ? 8 : 0;
    // Local file header (APPNOTE 4.3.7).
    PutU32Le(out, 0x04034b50);
    PutU16Le(out, 20);
    PutU16Le(out, flags);
    PutU16Le(out, method);
    PutU16Le(out, 0);       // time
    PutU16Le(out, 0x0021);  // 1980-01-01
    PutU32Le(out, descriptor ? 0 : crc);
    PutU32Le(out, descriptor ? 0 : Size32(stored.size()));
    PutU32Le(out, descriptor ? 0 : Size32(data.size()));
    PutU16Le(out, Size32(e.name.size()));
    PutU16Le(out, 0);
    Put(out, e.name);
    Put(out, ByteView(stored));
    if (descriptor) {
      // Data descriptor (APPNOTE 4.3.9).
      PutU32Le(out, 0x08074b50);
      PutU32Le(out, crc);
      PutU32Le(out, Size32(stored.size()));
      PutU32Le(out, Size32(data.size()));
    }
    // Central directory header (APPNOTE 4.3.12).
    PutU32Le(cd, 0x02014b50);
    PutU16Le(cd, 0x031E);
    PutU16Le(cd, 20);
    PutU16Le(cd, flags);
    PutU16Le(cd, method);
    PutU16Le(cd, 0);
    PutU16Le(cd, 0x0021);
    PutU32Le(cd, crc);
    PutU32Le(cd, Size32(stored.size()));
    PutU32Le(cd, Size32(data.size()));
    PutU16Le(cd, Size32(e.name.size()));
    PutU16Le(cd, 0);            // extra
    PutU16Le(cd, 0);            // comment
    PutU16Le(cd, 0);            // disk
    PutU16Le(cd, 0);            // internal attributes
    PutU32Le(cd, 0x81A40000u);  // external: -rw-r--r--
    PutU32Le(cd, offset);
    Put(cd, e.name);
  }
  const std::uint32_t cd_offset = Size32(out.size());
  Put(out, ByteView(cd));
  PutU32Le(out, 0x06054b50);
  PutU16Le(out, 0);
  PutU16Le(out, 0);
  PutU16Le(out, Size32(entries.size()));
  PutU16Le(out, Size32(entries.size()));
  PutU32Le(out, Size32(cd.size()));
  PutU32Le(out, cd_offset);
  PutU16Le(out, 0);
  return out;
}

namespace {
std::string Paragraphs(std::size_t min_size) {
  const Bytes text = MakeText(min_size);
  std::string out;
  for (std::uint8_t c : text) {
    if (c == '\n') {
      out += "</w:t></w:r></w:p><w:p><w:r><w:t>";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}
}  // namespace

Bytes MakeDocx(std::size_t min_size) {
  std::vector<ZipEntry> entries;
  entries.push_back(
      {"[Content_Types].xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
       "content-types\"><Default Extension=\"rels\" "
       "ContentType=\"application/"
       "vnd.openxmlformats-package.relationships+xml\"/><Default "
       "Extension=\"xml\" ContentType=\"application/xml\"/><Override "
       "PartName=\"/word/document.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/"
       "></Types>",
       true});
  entries.push_back(
      {"_rels/.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
       "relationships\"><Relationship Id=\"rId1\" "
       "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
       "relationships/officeDocument\" Target=\"word/document.xml\"/>"
       "</Relationships>",
       true});
  entries.push_back(
      {"word/document.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
       "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
       "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>" +
           Paragraphs(min_size) + "</w:t></w:r></w:p></w:body></w:document>",
       false});
  return MakeZip(entries);
}

Bytes MakeOdt(std::size_t min_size) {
  std::vector<ZipEntry> entries;
  entries.push_back(
      {"mimetype", "application/vnd.oasis.opendocument.text", false});
  entries.push_back(
      {"META-INF/manifest.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest "
       "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
       "manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" "
       "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
       "<manifest:file-entry manifest:full-path=\"content.xml\" "
       "manifest:media-type=\"text/xml\"/></manifest:manifest>",
       true});
  const Bytes text = MakeText(min_size);
  entries.push_back(
      {"content.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content "
       "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
       "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
       "office:version=\"1.2\"><office:body><office:text><text:p>" +
           std::string(text.begin(), text.end()) +
           "</text:p></office:text></office:body></office:document-content>",
       false});
  return MakeZip(entries);
}

Bytes MakePdf(std::size_t min_size) {
  Bytes out;
  Put(out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  std::vector<std::size_t> offsets;
  auto object = [&](std::string_view body) {
    offsets.push_back(out.size());
    Put(out, std::to_string(offsets.size()) + " 0 obj\n");
    Put(out, body);
    Put(out, "\nendobj\n");
  };
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      ">>");
  std::string content = "BT /F1 12 Tf 72 720 Td (Recovered) Tj ET\n";
  if (content.size() < min_size) {
    const Bytes filler = MakeText(min_size - content.size());
    for (std::uint8_t c : filler) {
      content += c == '\n' ? std::string("\n% ") : std::string(1, char(c));
    }
    content += '\n';
  }
  object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" +
         content + "endstream");
  const std::size_t xref = out.size();
  Put(out, "xref\n0 " + std::to_string(offsets.size() + 1) +
               "\n0000000000 65535 f \n");
  for (std::size_t off : offsets) {
    std::string line = std::to_string(off);
    line.insert(0, 10 - line.size(), '0');
    Put(out, line + " 00000 n \n");
  }
  Put(out, "trailer\n<< /Size " + std::to_string(offsets.size() + 1) +
               " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) +
               "\n%%EOF\n");
  return out;
}

Bytes MakeJpeg(std::size_t min_size) {
  Bytes out = {0xFF, 0xD8};
  // APP0 JFIF 1.01.
  out.insert(out.end(), {0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
                         0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00});
  // DQT: one 8-bit table.
  out.insert(out.end(), {0xFF, 0xDB, 0x00, 0x43, 0x00});
  for (int i = 0; i < 64; ++i) out.push_back(static_cast<std::uint8_t>(1 + i));
  // SOF0: 8-bit, 16x16, 3 components.
  out.insert(out.end(),
             {0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 0x01,
              0x22, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00});
  // DHT: DC table 0 with one 1-bit code for symbol 0.
  out.insert(out.end(), {0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01});
  for (int i = 0; i < 15; ++i) out.push_back(0);
  out.push_back(0x00);
  // SOS: 3 components.
  out.insert(out.end(), {0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x00,
                         0x03, 0x00, 0x00, 0x3F, 0x00});
  const Bytes noise =
      PseudoRandomBytes(std::max<std::size_t>(min_size, 64), 0x4A504547);
  for (std::uint8_t b : noise) {
    out.push_back(b);
    if (b == 0xFF) out.push_back(0x00);  // byte stuffing (T.81 F.1.2.3)
    if (out.size() + 2 >= min_size && out.size() > 200) break;
  }
  out.insert(out.end(), {0xFF, 0xD9});
  return out;
}

Bytes MakeGif(std::size_t min_size) {
  constexpr std::uint32_t kWidth = 256;
  const std::uint32_t height = static_cast<std::uint32_t>(
      std::max<std::size_t>(1, (min_size + kWidth - 1) / kWidth));
  Bytes out;
  Put(out, "GIF89a");
  PutU16Le(out, kWidth);
  PutU16Le(out, height);
  out.insert(out.end(), {0xF6, 0x00, 0x00});  // GCT of 128 entries
  for (std::uint32_t i = 0; i < 128; ++i) {
    PutU8(out, i * 2);
    PutU8(out, 255 - i);
    PutU8(out, i);
  }
  out.insert(out.end(), {0x21, 0xF9, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00});
  out.push_back(0x2C);
  PutU16Le(out, 0);
  PutU16Le(out, 0);
  PutU16Le(out, kWidth);
  PutU16Le(out, height);
  out.push_back(0x00);
  out.push_back(7);  // LZW minimum code size: 8-bit codes, clear = 128
  // "Uncompressed" LZW: literal 8-bit codes with a clear code often enough
  // that the code width never grows.
  Bytes codes;
  const Bytes pixels =
      PseudoRandomBytes(std::size_t{kWidth} * height, 0x474946);
  codes.push_back(128);
  std::size_t run = 0;
  for (std::uint8_t p : pixels) {
    if (run == 100) {
      codes.push_back(128);
      run = 0;
    }
    codes.push_back(p & 0x7F);
    ++run;
  }
  codes.push_back(129);  // end of information
  for (std::size_t at = 0; at < codes.size(); at += 255) {
    const std::size_t n = std::min<std::size_t>(255, codes.size() - at);
    PutU8(out, Size32(n));
    Put(out, ByteView(codes).First(at + n).Last(n));
  }
  out.push_back(0x00);
  out.push_back(0x3B);
  return out;
}

Bytes MakeBmp(std::uint32_t width, std::uint32_t height) {
  const std::uint32_t row = (width * 3 + 3) / 4 * 4;
  const std::uint32_t pixels = row * height;
  Bytes out = {'B', 'M'};
  PutU32Le(out, 54 + pixels);
  PutU32Le(out, 0);
  PutU32Le(out, 54);
  PutU32Le(out, 40);
  PutU32Le(out, width);
  PutU32Le(out, height);
  PutU16Le(out, 1);
  PutU16Le(out, 24);
  PutU32Le(out, 0);
  PutU32Le(out, pixels);
  PutU32Le(out, 2835);
  PutU32Le(out, 2835);
  PutU32Le(out, 0);
  PutU32Le(out, 0);
  Put(out, ByteView(PseudoRandomBytes(pixels, 0x424D)));
  return out;
}

Bytes MakeOle2(std::size_t min_size) {
  constexpr std::uint32_t kSector = 512;
  constexpr std::uint32_t kPerFat = kSector / 4;
  constexpr std::uint32_t kFree = 0xFFFFFFFF, kEnd = 0xFFFFFFFE,
                          kFatSect = 0xFFFFFFFD;
  const std::size_t stream_size =
      std::min<std::size_t>(std::max<std::size_t>(min_size, 4096),
                            std::size_t{100} * kPerFat * kSector);
  const std::uint32_t data_sectors =
      Size32((stream_size + kSector - 1) / kSector);
  std::uint32_t fat_sectors = 1;
  while (fat_sectors * kPerFat < fat_sectors + 1 + data_sectors) {
    ++fat_sectors;
  }
  const std::uint32_t dir_sector = fat_sectors;
  const std::uint32_t first_data = fat_sectors + 1;
  const std::uint32_t total = first_data + data_sectors;

  Bytes out = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  out.resize(24, 0);    // CLSID
  PutU16Le(out, 0x3E);  // minor version
  PutU16Le(out, 3);     // major version
  PutU16Le(out, 0xFFFE);
  PutU16Le(out, 9);  // sector shift
  PutU16Le(out, 6);  // mini sector shift
  out.resize(out.size() + 6, 0);
  PutU32Le(out, 0);  // directory sectors (v3: 0)
  PutU32Le(out, fat_sectors);
  PutU32Le(out, dir_sector);
  PutU32Le(out, 0);     // transaction signature
  PutU32Le(out, 4096);  // mini stream cutoff
  PutU32Le(out, kEnd);  // first mini FAT sector
  PutU32Le(out, 0);
  PutU32Le(out, kEnd);  // first DIFAT sector
  PutU32Le(out, 0);
  for (std::uint32_t i = 0; i < 109; ++i) {
    PutU32Le(out, i < fat_sectors ? i : kFree);
  }
  // FAT.
  Bytes fat;
  for (std::uint32_t s = 0; s < fat_sectors * kPerFat; ++s) {
    std::uint32_t v = kFree;
    if (s < fat_sectors) {
      v = kFatSect;
    } else if (s == dir_sector) {
      v = kEnd;
    } else if (s >= first_data && s < total) {
      v = s + 1 == total ? kEnd : s + 1;
    }
    PutU32Le(fat, v);
  }
  Put(out, ByteView(fat));
  // Directory: Root Entry, Contents, two unused entries.
  auto entry = [&](std::u16string_view name, std::uint8_t type,
                   std::uint32_t child, std::uint32_t start,
                   std::uint64_t size) {
    Bytes e;
    for (char16_t c : name) PutU16Le(e, c);
    e.resize(64, 0);
    PutU16Le(e, name.empty() ? 0 : Size32((name.size() + 1) * 2));
    PutU8(e, type);
    PutU8(e, 1);  // black
    PutU32Le(e, kFree);
    PutU32Le(e, kFree);
    PutU32Le(e, child);
    e.resize(116, 0);  // CLSID, state bits, times
    PutU32Le(e, start);
    PutU64Le(e, size);
    Put(out, ByteView(e));
  };
  entry(u"Root Entry", 5, 1, kEnd, 0);
  entry(u"Contents", 2, kFree, first_data, stream_size);
  entry(u"", 0, kFree, 0, 0);
  entry(u"", 0, kFree, 0, 0);
  Bytes data = MakeText(stream_size);
  data.resize(std::size_t{data_sectors} * kSector, 0);
  Put(out, ByteView(data));
  return out;
}

namespace {
void Put7zNumber(Bytes& out, std::uint64_t value) {
  // 7zFormat.txt "REAL_UINT64": leading 1 bits of the first byte count the
  // extra little-endian bytes.
  for (unsigned extra = 0; extra < 8; ++extra) {
    if (value < (std::uint64_t{1} << (7 * (extra + 1)))) {
      const std::uint32_t first =
          (0xFF00u >> extra) & 0xFFu;  // `extra` leading ones
      PutU8(out, first | static_cast<std::uint32_t>(value >> (8 * extra)));
      for (unsigned i = 0; i < extra; ++i) {
        PutU8(out, static_cast<std::uint32_t>((value >> (8 * i)) & 0xFF));
      }
      return;
    }
  }
  PutU8(out, 0xFF);
  PutU64Le(out, value);
}

void PutVint(Bytes& out, std::uint64_t value) {
  // RAR5 vint: 7 bits a byte, least significant first.
  do {
    std::uint32_t b = static_cast<std::uint32_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) b |= 0x80;
    PutU8(out, b);
  } while (value != 0);
}

void Rar5Header(Bytes& out, const Bytes& body) {
  Bytes sized;
  PutVint(sized, body.size());
  Put(sized, ByteView(body));
  PutU32Le(out, Crc(sized));
  Put(out, ByteView(sized));
}
}  // namespace

Bytes MakeSevenZip(std::size_t min_size) {
  const Bytes packed = PseudoRandomBytes(min_size, 0x377A);
  Bytes header = {0x01, 0x04, 0x06};  // kHeader, kMainStreamsInfo, kPackInfo
  Put7zNumber(header, 0);             // pack position
  Put7zNumber(header, 1);             // one pack stream
  header.push_back(0x09);             // kSize
  Put7zNumber(header, packed.size());
  header.insert(header.end(), {0x00, 0x00, 0x00});  // kEnd x3
  Bytes start;
  PutU64Le(start, packed.size());
  PutU64Le(start, header.size());
  PutU32Le(start, Crc(header));
  Bytes out = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04};
  PutU32Le(out, Crc(start));
  Put(out, ByteView(start));
  Put(out, ByteView(packed));
  Put(out, ByteView(header));
  return out;
}

Bytes MakeRar(std::size_t min_size) {
  Bytes out = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00};
  Rar5Header(out, {0x01, 0x00, 0x00});  // main: type 1, flags 0, archive 0
  const Bytes data = MakeText(min_size);
  Bytes file;
  PutVint(file, 2);       // type: file
  PutVint(file, 0x0002);  // header flags: data area present
  PutVint(file, data.size());
  PutVint(file, 0x0004);  // file flags: CRC32 present
  PutVint(file, data.size());
  PutVint(file, 0x1A4);  // attributes
  PutU32Le(file, Crc(data));
  PutVint(file, 0);  // stored
  PutVint(file, 1);  // Unix
  PutVint(file, 10);
  Put(file, "sample.txt");
  Rar5Header(out, file);
  Put(out, ByteView(data));
  Rar5Header(out, {0x05, 0x00, 0x00});  // end of archive
  return out;
}

Bytes MakeRar4() {
  Bytes out = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x00};
  auto block = [&](Bytes body) {
    const std::uint32_t crc = Crc(body) & 0xFFFF;
    PutU16Le(out, crc);
    Put(out, ByteView(body));
  };
  block({0x73, 0x00, 0x00, 0x0D, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  block({0x7B, 0x00, 0x40, 0x07, 0x00});
  return out;
}

Bytes MakeGzip(std::size_t uncompressed_size) {
  return Deflate(MakeText(uncompressed_size), 31);
}

Bytes MakeBzip2(std::size_t uncompressed_size) {
  Bytes input = MakeText(uncompressed_size);
  unsigned int out_size =
      static_cast<unsigned int>(input.size() + input.size() / 100 + 700);
  Bytes out(out_size);
  if (BZ2_bzBuffToBuffCompress(
          reinterpret_cast<char*>(out.data()), &out_size,  // NOLINT
          reinterpret_cast<char*>(input.data()),           // NOLINT
          static_cast<unsigned int>(input.size()), 9, 0, 0) != BZ_OK) {
    std::abort();
  }
  out.resize(out_size);
  return out;
}

Bytes MakeSqlite(std::size_t min_size) {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) std::abort();
  auto exec = [&](const std::string& sql) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::abort();
    }
  };
  exec(
      "PRAGMA page_size=4096; CREATE TABLE notes(id INTEGER PRIMARY KEY, "
      "body TEXT);");
  std::size_t written = 0;
  int row = 0;
  do {
    exec("INSERT INTO notes(body) VALUES('row " + std::to_string(row++) + " " +
         std::string(1000, 'x') + "');");
    written += 1000;
  } while (written < min_size);
  sqlite3_int64 size = 0;
  unsigned char* image = sqlite3_serialize(db, "main", &size, 0);
  if (image == nullptr) std::abort();
  Bytes out(image, image + size);
  sqlite3_free(image);
  sqlite3_close(db);
  return out;
}

Bytes MakeMp3(std::size_t min_size) {
  Bytes out;
  // ID3v2.3 tag with one TIT2 frame; syncsafe size.
  Bytes frame;
  Put(frame, "TIT2");
  PutU32Be(frame, 8);
  PutU16Be(frame, 0);
  frame.push_back(0x00);  // ISO-8859-1
  Put(frame, "Sample!");
  Put(out, "ID3");
  out.insert(out.end(), {0x03, 0x00, 0x00});
  const std::uint32_t tag = Size32(frame.size());
  for (int shift = 21; shift >= 0; shift -= 7)
    PutU8(out, (tag >> shift) & 0x7F);
  Put(out, ByteView(frame));
  constexpr std::size_t kFrame = 417;  // 144 * 128000 / 44100, no padding
  const std::size_t frames = std::max<std::size_t>(4, min_size / kFrame + 1);
  for (std::size_t i = 0; i < frames; ++i) {
    out.insert(out.end(), {0xFF, 0xFB, 0x90, 0x00});
    out.resize(out.size() + kFrame - 4, 0);
  }
  Put(out, "TAG");
  out.resize(out.size() + 125, 0);
  return out;
}

Bytes MakeSample(FileKind kind, std::size_t min_size) {
  switch (kind) {
    case FileKind::kPdf:
      return MakePdf(min_size);
    case FileKind::kZip: {
      const Bytes text = MakeText(min_size);
      return MakeZip(
          {{"readme.txt", "hello\n", false},
           {"data/notes.txt", std::string(text.begin(), text.end()), true}});
    }
    case FileKind::kOoxml:
      return MakeDocx(min_size);
    case FileKind::kOdf:
      return MakeOdt(min_size);
    case FileKind::kOle2:
      return MakeOle2(min_size);
    case FileKind::kPng: {
      const std::uint32_t side = static_cast<std::uint32_t>(
          std::max<std::size_t>(4, min_size / 3 / 64 + 1));
      return MakePng(64, side);
    }
    case FileKind::kJpeg:
      return MakeJpeg(min_size);
    case FileKind::kGif:
      return MakeGif(min_size);
    case FileKind::kBmp:
      return MakeBmp(16, static_cast<std::uint32_t>(
                             std::max<std::size_t>(4, min_size / 48 + 1)));
    case FileKind::kSevenZip:
      return MakeSevenZip(min_size);
    case FileKind::kRar:
      return MakeRar(min_size);
    case FileKind::kGzip:
      return MakeGzip(std::max<std::size_t>(min_size, 16));
    case FileKind::kBzip2:
      return MakeBzip2(std::max<std::size_t>(min_size, 16));
    case FileKind::kSqlite:
      return MakeSqlite(min_size);
    case FileKind::kMp3:
      return MakeMp3(min_size);
    case FileKind::kText:
      return MakeText(std::max<std::size_t>(min_size, 1));
  }
  return {};
}

}  // namespace kintsugi::formats::samples
