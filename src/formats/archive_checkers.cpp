// Archive and container validators: OLE2, 7z, RAR, gzip, bzip2 (ZIP is in
// zip_checker.cpp). Magics: recovery-schemes.md §4.4; structures: [MS-CFB]
// (OLE2), 7zFormat.txt (7z), RAR 4.x technote / RAR 5.0 archive format
// (RAR), RFC 1952 (gzip), the bzip2 stream format (libbz2 checks the block
// and stream CRCs; the end-of-stream magic past the inflate limit).

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <string>

#include "formats/checkers.h"
#include "kintsugi/limits.h"

namespace kintsugi::formats::internal {
namespace {

std::string Num(std::uint64_t v) { return std::to_string(v); }

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
    return Valid(FileKind::kGzip,
                 "gzip: " + Num(members_) +
                     " member(s), CRC-32 and length of " + Num(inflated_) +
                     " bytes match",
                 Strength::kChecksum);
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

// libbz2 decompresses the stream as it goes by and checks every block's CRC
// and the stream CRC (concatenated streams, as pbzip2 writes, each in
// turn). Past limits::kMaxVerifyInflateBytes, only the structure is checked:
// the header's block magic and the end-of-stream marker at the end.
class Bzip2Checker final : public KindChecker {
 public:
  Bzip2Checker() = default;
  ~Bzip2Checker() override { EndStream(); }
  Bzip2Checker(const Bzip2Checker&) = delete;
  Bzip2Checker& operator=(const Bzip2Checker&) = delete;

  void Update(ByteView chunk) override {
    ByteView rest = chunk;
    while (!rest.empty() && failure_.empty() && !limit_hit_) {
      if (!in_stream_) {
        if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) {
          failure_ = "cannot start decompression";
          return;
        }
        in_stream_ = true;
      }
      // libbz2 takes at most 4 GiB a call.
      const std::size_t n = std::min<std::size_t>(rest.size(), 1u << 30);
      bz_.next_in = const_cast<char*>(  // NOLINT: libbz2 API
          reinterpret_cast<const char*>(rest.data()));
      bz_.avail_in = static_cast<unsigned>(n);
      int ret = BZ_OK;
      while (ret == BZ_OK && !limit_hit_) {
        bz_.next_out = reinterpret_cast<char*>(out_.data());
        bz_.avail_out = static_cast<unsigned>(out_.size());
        const unsigned before = bz_.avail_in;
        ret = BZ2_bzDecompress(&bz_);
        const std::size_t produced = out_.size() - bz_.avail_out;
        decompressed_ += produced;
        if (decompressed_ > limits::kMaxVerifyInflateBytes) limit_hit_ = true;
        // All input taken and all output out, or no progress at all.
        if (bz_.avail_out != 0 &&
            (bz_.avail_in == 0 || (produced == 0 && bz_.avail_in == before))) {
          break;
        }
      }
      const std::size_t used = n - bz_.avail_in;
      if (ret == BZ_STREAM_END) {
        ++streams_;
        EndStream();
      } else if (ret == BZ_OK && used < n && !limit_hit_) {
        failure_ = "decompression stalled near offset " + Num(consumed_ + used);
      } else if (ret != BZ_OK) {
        failure_ =
            ret == BZ_DATA_ERROR_MAGIC && streams_ > 0
                ? "data after the end of stream at offset " + Num(consumed_)
            : ret == BZ_DATA_ERROR_MAGIC
                ? std::string("bad signature")
                : "damaged data or CRC mismatch near offset " +
                      Num(consumed_ + used);
      }
      consumed_ += used;
      rest = rest.From(used).value_or(ByteView());
    }
  }

  Verification Finish(const FileWindow& w) override {
    if (!failure_.empty()) {
      return Invalid(FileKind::kBzip2, "bzip2: " + failure_);
    }
    if (limit_hit_) {
      Verification v = Structure(w);
      if (v.valid()) {
        v.detail += "; CRCs checked for the first " + Num(decompressed_) +
                    " bytes only (limit)";
      }
      return v;
    }
    if (in_stream_ || streams_ == 0) {
      return Invalid(FileKind::kBzip2, "bzip2: truncated (stream not ended)");
    }
    return Valid(FileKind::kBzip2,
                 "bzip2: " + Num(streams_) +
                     " stream(s), every block CRC and stream CRC of " +
                     Num(decompressed_) + " bytes match",
                 Strength::kChecksum);
  }

 private:
  void EndStream() {
    if (in_stream_) BZ2_bzDecompressEnd(&bz_);
    in_stream_ = false;
  }

  static Verification Structure(const FileWindow& w) {
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

  static constexpr char kBlockMagic[] = "\x31\x41\x59\x26\x53\x59";
  static constexpr char kEndMagic[] = "\x17\x72\x45\x38\x50\x90";

  bz_stream bz_{};
  std::array<std::uint8_t, 16384> out_{};
  bool in_stream_ = false;
  bool limit_hit_ = false;
  std::uint64_t streams_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t decompressed_ = 0;
  std::string failure_;
};

}  // namespace

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
