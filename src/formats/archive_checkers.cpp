// Archive and container validators: ZIP (and OOXML/ODF), OLE2, 7z, RAR,
// gzip, bzip2. Magics: recovery-schemes.md §4.4; structures: PKWARE
// APPNOTE 6.3 (ZIP), [MS-CFB] (OLE2), 7zFormat.txt (7z), RAR 4.x
// technote / RAR 5.0 archive format (RAR), RFC 1952 (gzip), the bzip2 stream
// format (block and end-of-stream magics).

#include <zlib.h>

#include <algorithm>
#include <array>
#include <string>

#include "formats/checkers.h"
#include "kintsugi/limits.h"

namespace kintsugi::formats::internal {
namespace {

std::string Num(std::uint64_t v) { return std::to_string(v); }

// Inflates `input` (raw deflate when window_bits < 0) and returns the CRC-32
// of the output, or nothing if the stream is damaged, does not end within
// `input`, or inflates to more than `max_output`.
std::optional<std::uint32_t> InflateCrc(ByteView input, int window_bits,
                                        std::uint64_t max_output,
                                        std::uint64_t* output_size) {
  z_stream zs{};
  if (inflateInit2_(&zs, window_bits, ZLIB_VERSION,
                    static_cast<int>(sizeof(z_stream))) != Z_OK) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 16384> out{};
  zs.next_in = const_cast<Bytef*>(input.data());  // NOLINT: zlib API
  zs.avail_in = static_cast<uInt>(input.size());
  std::uint32_t crc = 0;
  std::uint64_t total = 0;
  int ret = Z_OK;
  while (ret == Z_OK && total <= max_output) {
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    ret = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = out.size() - zs.avail_out;
    crc = Crc32(ByteView(out.data(), produced), crc);
    total += produced;
    if (ret == Z_OK && produced == 0 && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (ret != Z_STREAM_END) return std::nullopt;
  if (output_size != nullptr) *output_size = total;
  return crc;
}

// --- ZIP / OOXML / ODF ------------------------------------------------------

class ZipChecker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kZip, "ZIP: " + d);
    };
    if (w.size < 22) return bad("too short for an archive");
    const bool empty_archive =
        w.head.StartsWith(ByteView::FromString("PK\x05\x06"));
    if (!w.head.StartsWith(ByteView::FromString("PK\x03\x04")) &&
        !empty_archive) {
      return bad("no local file header at offset 0");
    }
    // End of central directory (APPNOTE 4.3.16): the last PK\5\6 whose
    // comment runs exactly to the end of the file.
    const ByteView tail = w.tail;
    std::optional<std::size_t> eocd;
    const std::size_t lowest =
        tail.size() > 22 + 65535 ? tail.size() - 22 - 65535 : 0;
    for (std::size_t p = tail.size() - 22 + 1; p-- > lowest;) {
      if (tail.MatchesAt(p, ByteView::FromString("PK\x05\x06")) &&
          p + 22 + tail.U16Le(p + 20).value_or(0) == tail.size()) {
        eocd = p;
        break;
      }
    }
    if (!eocd) return bad("end-of-central-directory record not found");
    const std::uint64_t eocd_offset = w.size - tail.size() + *eocd;
    if (tail.U16Le(*eocd + 4).value_or(1) != 0 ||
        tail.U16Le(*eocd + 6).value_or(1) != 0) {
      return bad("multi-volume archives are not supported");
    }
    std::uint64_t entries = tail.U16Le(*eocd + 10).value_or(0);
    std::uint64_t cd_size = tail.U32Le(*eocd + 12).value_or(0);
    std::uint64_t cd_offset = tail.U32Le(*eocd + 16).value_or(0);
    std::uint64_t cd_end = eocd_offset;
    if (entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
      // ZIP64 end of central directory locator and record (4.3.14-15).
      auto locator =
          w.At(eocd_offset - std::min<std::uint64_t>(eocd_offset, 20), 20);
      if (eocd_offset < 20 || !locator ||
          !locator->StartsWith(ByteView::FromString("PK\x06\x07"))) {
        return bad("ZIP64 locator not found");
      }
      const std::uint64_t record_offset = locator->U64Le(8).value_or(0);
      auto record = w.At(record_offset, 56);
      if (!record || !record->StartsWith(ByteView::FromString("PK\x06\x06"))) {
        return bad("ZIP64 end-of-central-directory record not found");
      }
      entries = record->U64Le(32).value_or(0);
      cd_size = record->U64Le(40).value_or(0);
      cd_offset = record->U64Le(48).value_or(0);
      cd_end = record_offset;
    }
    if (cd_offset > cd_end || cd_end - cd_offset != cd_size) {
      return bad("central directory at " + Num(cd_offset) + " (+" +
                 Num(cd_size) + ") does not end at the end record " +
                 Num(cd_end));
    }
    if (empty_archive) {
      if (entries != 0 || w.size != 22u + tail.U16Le(*eocd + 20).value_or(0)) {
        return bad("malformed empty archive");
      }
      return Valid(FileKind::kZip, "ZIP: empty archive");
    }
    auto cd = w.At(cd_offset, static_cast<std::size_t>(cd_size));
    if (!cd) return FromHeadOnly(w, entries, cd_size);
    return WalkCentralDirectory(w, *cd, entries, cd_offset);
  }

 private:
  // The central directory is too large for the window: classify by the
  // first local header.
  static Verification FromHeadOnly(const FileWindow& w, std::uint64_t entries,
                                   std::uint64_t cd_size) {
    FileKind kind = FileKind::kZip;
    const std::uint16_t name_length = w.head.U16Le(26).value_or(0);
    auto name = w.head.Sub(30, name_length);
    if (name && *name == ByteView::FromString("[Content_Types].xml")) {
      kind = FileKind::kOoxml;
    } else if (name && *name == ByteView::FromString("mimetype") &&
               IsOdfMimetype(w, 0)) {
      kind = FileKind::kOdf;
    }
    return Valid(kind, std::string(KindLabel(kind)) + ": " + Num(entries) +
                           " entries; central directory of " + Num(cd_size) +
                           " bytes too large to check entry by entry");
  }

  static std::string_view KindLabel(FileKind kind) {
    return kind == FileKind::kOoxml ? "OOXML"
           : kind == FileKind::kOdf ? "ODF"
                                    : "ZIP";
  }

  // True if the entry whose local header is at `local` is a stored
  // `mimetype` naming an OpenDocument type.
  static bool IsOdfMimetype(const FileWindow& w, std::uint64_t local) {
    auto header = w.At(local, 30);
    if (!header) return false;
    const std::uint64_t data = local + 30 + header->U16Le(26).value_or(0) +
                               header->U16Le(28).value_or(0);
    static constexpr std::string_view kPrefix =
        "application/vnd.oasis.opendocument";
    auto content = w.At(data, kPrefix.size());
    return header->U16Le(8).value_or(1) == 0 && content &&
           *content == ByteView::FromString(kPrefix);
  }

  static Verification WalkCentralDirectory(const FileWindow& w, ByteView cd,
                                           std::uint64_t entries,
                                           std::uint64_t cd_offset) {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kZip, "ZIP: " + d);
    };
    FileKind kind = FileKind::kZip;
    std::size_t at = 0;
    std::uint64_t crc_checked = 0;
    for (std::uint64_t i = 0; i < entries; ++i) {
      auto fixed = cd.Sub(at, 46);
      if (!fixed || !fixed->StartsWith(ByteView::FromString("PK\x01\x02"))) {
        return bad("central directory entry " + Num(i) + " is damaged");
      }
      const std::uint16_t flags = fixed->U16Le(8).value_or(0);
      const std::uint16_t method = fixed->U16Le(10).value_or(0);
      const std::uint32_t crc = fixed->U32Le(16).value_or(0);
      const std::uint64_t packed = fixed->U32Le(20).value_or(0);
      const std::uint64_t unpacked = fixed->U32Le(24).value_or(0);
      const std::size_t name_length = fixed->U16Le(28).value_or(0);
      const std::size_t extra_length = fixed->U16Le(30).value_or(0);
      const std::size_t comment_length = fixed->U16Le(32).value_or(0);
      const std::uint64_t local = fixed->U32Le(42).value_or(0);
      auto name = cd.Sub(at + 46, name_length);
      if (!name ||
          !cd.Sub(at + 46, name_length + extra_length + comment_length)) {
        return bad("central directory entry " + Num(i) + " is truncated");
      }
      at += 46 + name_length + extra_length + comment_length;
      if (*name == ByteView::FromString("[Content_Types].xml")) {
        kind = FileKind::kOoxml;
      }
      if (i == 0 && *name == ByteView::FromString("mimetype") &&
          IsOdfMimetype(w, local)) {
        kind = FileKind::kOdf;
      }
      if (local == 0xFFFFFFFF || packed == 0xFFFFFFFF) continue;  // ZIP64
      if (local >= cd_offset) {
        return bad("entry " + Num(i) + " points past the central directory");
      }
      auto header = w.At(local, 30 + name_length);
      if (!header) continue;  // in the unretained middle of a large file
      if (!header->StartsWith(ByteView::FromString("PK\x03\x04")) ||
          !(header->Last(name_length) == *name)) {
        return bad("local header of entry " + Num(i) + " at offset " +
                   Num(local) + " does not match the central directory");
      }
      // Entry data, when retained and not encrypted: check its CRC-32.
      const std::uint64_t data =
          local + 30 + name_length + header->U16Le(28).value_or(0);
      auto bytes = w.At(data, static_cast<std::size_t>(packed));
      if (!bytes || (flags & 1) != 0 || (method != 0 && method != 8)) {
        continue;
      }
      std::uint64_t size = 0;
      const std::optional<std::uint32_t> actual =
          method == 0 ? std::optional<std::uint32_t>(Crc32(*bytes))
                      : InflateCrc(*bytes, -15, unpacked, &size);
      if (method == 0) size = bytes->size();
      if (!actual || *actual != crc || size != unpacked) {
        return bad("entry " + Num(i) + " at offset " + Num(local) +
                   (actual ? " fails its CRC-32" : " does not inflate"));
      }
      ++crc_checked;
    }
    if (at != cd.size()) {
      return bad("central directory holds more than its " + Num(entries) +
                 " entries");
    }
    return Valid(kind, std::string(KindLabel(kind)) + ": " + Num(entries) +
                           " entries, central directory intact, " +
                           Num(crc_checked) + " entry CRC-32s checked");
  }
};

// --- OLE2 -------------------------------------------------------------------

class Ole2Checker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kOle2, "OLE2: " + d);
    };
    const ByteView h = w.head;
    if (h.size() < 512) return bad("too short for a compound file header");
    if (!h.StartsWith(
            ByteView::FromString("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))) {
      return bad("bad signature");
    }
    const std::uint16_t major = h.U16Le(26).value_or(0);
    const std::uint16_t shift = h.U16Le(30).value_or(0);
    if (h.U16Le(28).value_or(0) != 0xFFFE) return bad("byte order is not FFFE");
    if (!((major == 3 && shift == 9) || (major == 4 && shift == 12))) {
      return bad("version " + Num(major) + " with sector shift " + Num(shift));
    }
    if (h.U16Le(32).value_or(0) != 6) return bad("mini sector shift is not 6");
    if (h.U32Le(56).value_or(0) != 4096) return bad("mini stream cutoff");
    if (major == 3 && h.U32Le(40).value_or(1) != 0) {
      return bad("directory sector count must be 0 in version 3");
    }
    const std::uint64_t sector = std::uint64_t{1} << shift;
    if (w.size < 2 * sector || (w.size - sector) % sector != 0) {
      return bad("file size " + Num(w.size) +
                 " is not a whole number of sectors");
    }
    const std::uint64_t sectors = (w.size - sector) / sector;
    const std::uint64_t fat_sectors = h.U32Le(44).value_or(0);
    const std::uint64_t difat_sectors = h.U32Le(72).value_or(0);
    const std::uint64_t per_sector = sector / 4;
    if (fat_sectors == 0 || fat_sectors * per_sector < sectors ||
        fat_sectors > 109 + difat_sectors * (per_sector - 1) ||
        fat_sectors > sectors) {
      return bad(Num(fat_sectors) + " FAT sectors do not fit " + Num(sectors) +
                 " sectors");
    }
    for (std::size_t i = 0; i < 109; ++i) {
      const std::uint32_t id = h.U32Le(76 + 4 * i).value_or(0);
      if (i < fat_sectors ? id >= sectors : id != 0xFFFFFFFF) {
        return bad("header DIFAT entry " + Num(i) + " is invalid");
      }
    }
    const std::uint64_t dir = h.U32Le(48).value_or(0xFFFFFFFF);
    if (dir >= sectors) return bad("first directory sector out of range");
    // The first FAT sector marks itself as a FAT sector ([MS-CFB] 2.3).
    const std::uint64_t fat0 = h.U32Le(76).value_or(0);
    if (fat0 < per_sector) {
      if (auto e = w.At((fat0 + 1) * sector + 4 * fat0, 4);
          e && e->U32Le(0).value_or(0) != 0xFFFFFFFD) {
        return bad("the FAT does not mark its own sector");
      }
    }
    // The directory starts with the root entry ([MS-CFB] 2.6.2).
    std::string detail = "compound file, " + Num(sectors) + " sectors";
    if (auto root = w.At((dir + 1) * sector, 128)) {
      static constexpr char16_t kRoot[] = u"Root Entry";
      for (std::size_t i = 0; i < 10; ++i) {
        if (root->U16Le(2 * i).value_or(0) != kRoot[i]) {
          return bad("directory does not start with the root entry");
        }
      }
      if (root->U8(66).value_or(0) != 5) return bad("root entry type");
      detail += ", root directory entry found";
    }
    return Valid(FileKind::kOle2, "OLE2: " + detail);
  }
};

// --- 7z -------------------------------------------------------------------

class SevenZipChecker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kSevenZip, "7z: " + d);
    };
    const ByteView h = w.head;
    if (h.size() < 32) return bad("too short for a signature header");
    if (!h.StartsWith(ByteView::FromString("7z\xBC\xAF\x27\x1C"))) {
      return bad("bad signature");
    }
    if (h.U8(6).value_or(1) != 0) return bad("unknown major version");
    if (Crc32(h.Sub(12, 20).value_or(ByteView())) != h.U32Le(8).value_or(0)) {
      return bad("start header CRC mismatch");
    }
    const std::uint64_t next_offset = h.U64Le(12).value_or(0);
    const std::uint64_t next_size = h.U64Le(20).value_or(0);
    const std::uint32_t next_crc = h.U32Le(28).value_or(0);
    const std::uint64_t body = w.size - 32;
    if (next_offset > body || next_size != body - next_offset) {
      return bad("next header at " + Num(next_offset) + " (+" + Num(next_size) +
                 ") does not end at the end of the file");
    }
    if (next_size == 0) return Valid(FileKind::kSevenZip, "7z: empty archive");
    auto next = w.At(32 + next_offset, static_cast<std::size_t>(next_size));
    if (!next) {
      return Valid(FileKind::kSevenZip,
                   "7z: start header intact; next header too large to check");
    }
    if (Crc32(*next) != next_crc) return bad("next header CRC mismatch");
    const std::uint8_t id = next->U8(0).value_or(0);
    if (id != 0x01 && id != 0x17) return bad("next header has unknown type");
    return Valid(FileKind::kSevenZip,
                 "7z: start header and next header CRCs match");
  }
};

// --- RAR --------------------------------------------------------------------

// RAR5 variable-length integer at *at; advances *at.
std::optional<std::uint64_t> ReadVint(ByteView v, std::size_t* at) {
  std::uint64_t value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    auto b = v.U8(*at);
    if (!b) return std::nullopt;
    ++*at;
    value |= static_cast<std::uint64_t>(*b & 0x7F) << shift;
    if ((*b & 0x80) == 0) return value;
  }
  return std::nullopt;
}

class RarChecker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    if (w.head.StartsWith(ByteView::FromString("Rar!\x1A\x07\x01\x00"))) {
      return Rar5(w);
    }
    if (w.head.StartsWith(ByteView::FromString("Rar!\x1A\x07\x00"))) {
      return Rar4(w);
    }
    return Invalid(FileKind::kRar, "RAR: bad signature");
  }

 private:
  static Verification Rar5(const FileWindow& w) {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kRar, "RAR5: " + d);
    };
    std::uint64_t at = 8;
    std::uint64_t headers = 0;
    while (at < w.size) {
      // CRC32, vint size, then `size` bytes of header; the CRC covers the
      // size field and the header.
      auto prefix = w.At(at, static_cast<std::size_t>(
                                 std::min<std::uint64_t>(w.size - at, 7)));
      if (!prefix) break;  // in the unretained middle of a large file
      std::size_t pos = 4;
      auto size = ReadVint(*prefix, &pos);
      if (!size || *size == 0 || *size > 2 * 1024 * 1024) {
        return bad("bad header size at offset " + Num(at));
      }
      auto header = w.At(at + 4, static_cast<std::size_t>(pos - 4 + *size));
      if (!header) {
        if (at + 4 + (pos - 4) + *size > w.size) {
          return bad("truncated header at offset " + Num(at));
        }
        break;
      }
      if (Crc32(*header) != prefix->U32Le(0).value_or(0)) {
        return bad("header CRC mismatch at offset " + Num(at));
      }
      std::size_t p = pos - 4;
      const auto type = ReadVint(*header, &p);
      const auto flags = ReadVint(*header, &p);
      if (!type || !flags || *type < 1 || *type > 5) {
        return bad("unknown header type at offset " + Num(at));
      }
      if (headers == 0 && *type != 1) return bad("no main archive header");
      ++headers;
      std::uint64_t data = 0;
      if ((*flags & 1) != 0 && !ReadVint(*header, &p)) {
        return bad("bad extra area size");
      }
      if ((*flags & 2) != 0) {
        auto d = ReadVint(*header, &p);
        if (!d) return bad("bad data size");
        data = *d;
      }
      const std::uint64_t next = at + 4 + header->size();
      if (*type == 5) {
        if (next != w.size) return bad("data after the end-of-archive header");
        return Valid(FileKind::kRar, "RAR5: " + Num(headers) +
                                         " header CRCs match, end of "
                                         "archive found");
      }
      if (data > w.size - next) {
        return bad("data of the header at " + Num(at) +
                   " runs past the end of the file");
      }
      at = next + data;
    }
    if (at >= w.size) return bad("no end-of-archive header");
    // Not retained: a large archive. Its end header must close the file:
    // CRC32, size 3, type 5, flags 0, end flags.
    auto end = w.At(w.size - std::min<std::uint64_t>(w.size, 8), 8);
    if (!end || end->U8(4).value_or(0) != 3 || end->U8(5).value_or(0) != 5 ||
        Crc32(end->Sub(4, 4).value_or(ByteView())) !=
            end->U32Le(0).value_or(0)) {
      return bad("no end-of-archive header at the end of the file");
    }
    return Valid(FileKind::kRar, "RAR5: " + Num(headers) +
                                     " leading header CRCs match, end of "
                                     "archive found");
  }

  static Verification Rar4(const FileWindow& w) {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kRar, "RAR4: " + d);
    };
    std::uint64_t at = 7;
    std::uint64_t blocks = 0;
    bool ended = false;
    while (at < w.size) {
      auto fixed = w.At(at, 7);
      if (!fixed) {
        if (at + 7 > w.size) return bad("truncated block at " + Num(at));
        break;
      }
      const std::uint8_t type = fixed->U8(2).value_or(0);
      const std::uint16_t flags = fixed->U16Le(3).value_or(0);
      const std::uint16_t size = fixed->U16Le(5).value_or(0);
      if (type < 0x72 || type > 0x7B || size < 7) {
        return bad("bad block at offset " + Num(at));
      }
      if (blocks == 0 && type != 0x73) return bad("no archive header");
      auto header = w.At(at, size);
      if (!header) {
        if (at + size > w.size) return bad("truncated block at " + Num(at));
        break;
      }
      if ((Crc32(header->From(2).value_or(ByteView())) & 0xFFFF) !=
          fixed->U16Le(0).value_or(0)) {
        return bad("block header CRC mismatch at offset " + Num(at));
      }
      ++blocks;
      std::uint64_t data = 0;
      if ((flags & 0x8000) != 0) {
        auto add = header->U32Le(7);
        if (!add) return bad("bad block at offset " + Num(at));
        data = *add;
      }
      if (type == 0x7B) {
        ended = true;
        break;
      }
      if (data > w.size - at - size) {
        return bad("block data at " + Num(at) + " runs past the end");
      }
      at += size + data;
    }
    return Valid(FileKind::kRar, "RAR4: " + Num(blocks) +
                                     " block header CRCs match" +
                                     (ended ? ", end of archive found" : ""));
  }
};

// --- gzip -------------------------------------------------------------------

class GzipChecker final : public KindChecker {
 public:
  GzipChecker() {
    ok_ = inflateInit2_(&zs_, 16 + 15, ZLIB_VERSION,
                        static_cast<int>(sizeof(z_stream))) == Z_OK;
    if (!ok_) failure_ = "cannot start inflate";
  }
  ~GzipChecker() override { inflateEnd(&zs_); }
  GzipChecker(const GzipChecker&) = delete;
  GzipChecker& operator=(const GzipChecker&) = delete;

  void Update(ByteView chunk) override {
    ByteView rest = chunk;
    while (!rest.empty() && ok_ && !limit_hit_) {
      // zlib takes at most 4 GiB a call.
      const std::size_t n = std::min<std::size_t>(rest.size(), 1u << 30);
      zs_.next_in = const_cast<Bytef*>(rest.data());  // NOLINT: zlib API
      zs_.avail_in = static_cast<uInt>(n);
      while (zs_.avail_in > 0 && ok_ && !limit_hit_) {
        if (in_member_ == false) {
          in_member_ = true;
          if (members_ > 0 && inflateReset(&zs_) != Z_OK) {
            ok_ = false;
          }
        }
        zs_.next_out = out_.data();
        zs_.avail_out = static_cast<uInt>(out_.size());
        const uInt before = zs_.avail_in;
        const int ret = inflate(&zs_, Z_NO_FLUSH);
        consumed_ += before - zs_.avail_in;
        inflated_ += out_.size() - zs_.avail_out;
        if (ret == Z_STREAM_END) {
          in_member_ = false;
          ++members_;
        } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
          ok_ = false;
          failure_ = std::string(zs_.msg != nullptr ? zs_.msg : "bad data") +
                     " near offset " + Num(consumed_) +
                     (members_ > 0
                          ? " (after " + Num(members_) + " complete member(s))"
                          : "");
        }
        if (inflated_ > limits::kMaxVerifyInflateBytes) limit_hit_ = true;
      }
      rest = rest.From(n).value_or(ByteView());
    }
  }

  Verification Finish(const FileWindow& w) override {
    if (!ok_) return Invalid(FileKind::kGzip, "gzip: " + failure_);
    if (limit_hit_) {
      return Valid(FileKind::kGzip,
                   "gzip: deflate stream valid for the first " +
                       Num(inflated_) +
                       " inflated bytes; CRC-32 not checked past the limit");
    }
    if (w.size == 0 || in_member_ || members_ == 0) {
      return Invalid(FileKind::kGzip, "gzip: truncated (member not finished)");
    }
    return Valid(FileKind::kGzip, "gzip: " + Num(members_) +
                                      " member(s), CRC-32 and length of " +
                                      Num(inflated_) + " bytes match");
  }

 private:
  z_stream zs_{};
  std::array<std::uint8_t, 16384> out_{};
  bool ok_ = false;
  bool limit_hit_ = false;
  bool in_member_ = false;
  std::uint64_t members_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t inflated_ = 0;
  std::string failure_;
};

// --- bzip2 ------------------------------------------------------------------

class Bzip2Checker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kBzip2, "bzip2: " + d);
    };
    const ByteView h = w.head;
    if (h.size() < 14) return bad("too short for a stream");
    const std::uint8_t level = h.U8(3).value_or(0);
    if (!h.StartsWith(ByteView::FromString("BZh")) || level < '1' ||
        level > '9') {
      return bad("bad signature");
    }
    const bool block = h.MatchesAt(4, ByteView::FromString(kBlockMagic));
    const bool empty = h.MatchesAt(4, ByteView::FromString(kEndMagic));
    if (!block && !empty) return bad("no block magic after the header");
    // The stream ends with the 48-bit end-of-stream magic, a 32-bit CRC and
    // 0-7 zero padding bits; the magic is not byte-aligned.
    const ByteView last = w.tail.Last(11);
    const std::size_t bits = last.size() * 8;
    auto bit = [&](std::size_t i) {  // i-th bit from the start of `last`
      return (last.U8(i / 8).value_or(0) >> (7 - i % 8)) & 1;
    };
    for (std::size_t pad = 0; pad < 8; ++pad) {
      if (bits < 80 + pad) break;
      bool match = true;
      for (std::size_t i = 0; i < pad && match; ++i) {
        match = bit(bits - 1 - i) == 0;
      }
      const std::size_t start = bits - pad - 80;
      for (std::size_t i = 0; i < 48 && match; ++i) {
        const int want =
            (static_cast<std::uint8_t>(kEndMagic[i / 8]) >> (7 - i % 8)) & 1;
        match = bit(start + i) == want;
      }
      if (match) {
        return Valid(FileKind::kBzip2,
                     "bzip2: block magic and end-of-stream marker found");
      }
    }
    return bad("end-of-stream marker not found (truncated?)");
  }

 private:
  static constexpr char kBlockMagic[] = "\x31\x41\x59\x26\x53\x59";
  static constexpr char kEndMagic[] = "\x17\x72\x45\x38\x50\x90";
};

}  // namespace

std::unique_ptr<KindChecker> MakeZipChecker() {
  return std::make_unique<ZipChecker>();
}
std::unique_ptr<KindChecker> MakeOle2Checker() {
  return std::make_unique<Ole2Checker>();
}
std::unique_ptr<KindChecker> MakeSevenZipChecker() {
  return std::make_unique<SevenZipChecker>();
}
std::unique_ptr<KindChecker> MakeRarChecker() {
  return std::make_unique<RarChecker>();
}
std::unique_ptr<KindChecker> MakeGzipChecker() {
  return std::make_unique<GzipChecker>();
}
std::unique_ptr<KindChecker> MakeBzip2Checker() {
  return std::make_unique<Bzip2Checker>();
}

}  // namespace kintsugi::formats::internal
