// Image validators: PNG, JPEG, GIF (streaming walkers) and BMP (header).
// Byte layouts: recovery-schemes.md §4.4 for the magics; the structure from
// the PNG spec (ISO 15948), JPEG (ITU T.81 Annex B), GIF89a and the BMP
// BITMAPINFOHEADER family.

#include <algorithm>
#include <cstring>
#include <string>

#include "formats/checkers.h"

namespace kintsugi::formats::internal {
namespace {

std::string Hex8(std::uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  out += kDigits[(v >> 4) & 0xF];
  out += kDigits[v & 0xF];
  return out;
}

std::string Num(std::uint64_t v) { return std::to_string(v); }

// --- PNG ------------------------------------------------------------------

bool PngDepthValid(std::uint8_t color_type, std::uint8_t depth) {
  switch (color_type) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
             depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

class PngChecker final : public FieldWalker {
 public:
  PngChecker() { Need(8); }

  Verification Finish(const FileWindow& /*window*/) override {
    if (failed()) return Invalid(FileKind::kPng, "PNG: " + failure());
    if (!done()) {
      return Invalid(FileKind::kPng, "PNG: truncated at offset " +
                                         Num(offset()) + " (no IEND chunk)");
    }
    if (trailing() > 0) {
      return Invalid(FileKind::kPng,
                     "PNG: " + Num(trailing()) + " bytes after IEND");
    }
    // Every byte after the signature is a chunk's length (which the next
    // chunk header or IEND checks) or under its CRC.
    return Valid(FileKind::kPng,
                 "PNG: " + Num(width_) + "x" + Num(height_) + ", " +
                     Num(chunks_) + " chunks, every CRC matches",
                 Strength::kChecksum);
  }

 protected:
  void OnField(ByteView f) override {
    switch (state_) {
      case State::kSignature:
        if (!(f == ByteView::FromString("\x89PNG\r\n\x1A\n"))) {
          return Fail("bad signature");
        }
        state_ = State::kChunkHeader;
        return Need(8);
      case State::kChunkHeader: {
        chunk_offset_ = offset() - 8;
        length_ = f.U32Be(0).value_or(0);
        type_ = f.Sub(4, 4).value_or(ByteView()).ToBytes();
        const std::string name(type_.begin(), type_.end());
        type_name_ = name;
        if (length_ > 0x7FFFFFFFu) {
          return Fail("chunk length too large at offset " + Num(chunk_offset_));
        }
        for (std::uint8_t c : type_) {
          if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            return Fail("invalid chunk type at offset " + Num(chunk_offset_));
          }
        }
        if (chunks_ == 0 && name != "IHDR") {
          return Fail("first chunk is not IHDR");
        }
        if (chunks_ > 0 && name == "IHDR") return Fail("second IHDR chunk");
        if (name == "IDAT") {
          if (color_type_ == 3 && !saw_plte_) {
            return Fail("IDAT before PLTE in a palette image");
          }
          saw_idat_ = true;
        }
        if (name == "PLTE") saw_plte_ = true;
        if (name == "IEND" && length_ != 0) return Fail("IEND is not empty");
        ++chunks_;
        crc_ = Crc32(ByteView(type_));
        if (name == "IHDR") {
          if (length_ != 13) return Fail("IHDR length is not 13");
          state_ = State::kIhdr;
          return Need(13);
        }
        state_ = State::kData;
        return Skip(length_);
      }
      case State::kIhdr: {
        crc_ = Crc32(f, crc_);
        width_ = f.U32Be(0).value_or(0);
        height_ = f.U32Be(4).value_or(0);
        const std::uint8_t depth = f.U8(8).value_or(0);
        color_type_ = f.U8(9).value_or(0xFF);
        if (width_ == 0 || height_ == 0 || width_ > 0x7FFFFFFFu ||
            height_ > 0x7FFFFFFFu) {
          return Fail("IHDR: invalid image size");
        }
        if (!PngDepthValid(color_type_, depth)) {
          return Fail("IHDR: invalid colour type/bit depth");
        }
        if (f.U8(10).value_or(1) != 0 || f.U8(11).value_or(1) != 0 ||
            f.U8(12).value_or(2) > 1) {
          return Fail("IHDR: invalid compression, filter or interlace");
        }
        state_ = State::kCrc;
        return Need(4);
      }
      case State::kData:
        state_ = State::kCrc;
        return Need(4);
      case State::kCrc:
        if (f.U32Be(0).value_or(0) != crc_) {
          return Fail("CRC mismatch in chunk " + type_name_ + " at offset " +
                      Num(chunk_offset_));
        }
        if (type_name_ == "IEND") {
          if (!saw_idat_) return Fail("no IDAT chunk");
          return Done();
        }
        state_ = State::kChunkHeader;
        return Need(8);
    }
  }

  void OnSkipped(ByteView bytes) override { crc_ = Crc32(bytes, crc_); }

 private:
  enum class State { kSignature, kChunkHeader, kIhdr, kData, kCrc };
  State state_ = State::kSignature;
  std::uint32_t length_ = 0;
  Bytes type_;
  std::string type_name_;
  std::uint64_t chunk_offset_ = 0;
  std::uint32_t crc_ = 0;
  std::uint64_t chunks_ = 0;
  std::uint32_t width_ = 0, height_ = 0;
  std::uint8_t color_type_ = 0;
  bool saw_plte_ = false, saw_idat_ = false;
};

// --- JPEG -----------------------------------------------------------------

class JpegChecker final : public FieldWalker {
 public:
  JpegChecker() { Need(2); }

  Verification Finish(const FileWindow& /*window*/) override {
    if (failed()) return Invalid(FileKind::kJpeg, "JPEG: " + failure());
    if (!done()) {
      return Invalid(FileKind::kJpeg, "JPEG: truncated at offset " +
                                          Num(offset()) + " (no EOI marker)");
    }
    std::string detail = "JPEG: " + Num(width_) + "x" + Num(height_) +
                         ", marker chain intact from SOI to EOI";
    if (trailing() > 0) {
      detail += " (" + Num(trailing()) + " bytes after EOI)";
    }
    return Valid(FileKind::kJpeg, detail);
  }

 protected:
  void OnField(ByteView f) override {
    switch (state_) {
      case State::kSoi:
        if (!(f == ByteView::FromString("\xFF\xD8"))) return Fail("no SOI");
        return ExpectMarker();
      case State::kPrefix:
        if (f.U8(0).value_or(0) != 0xFF) {
          return Fail("expected a marker at offset " + Num(offset() - 1));
        }
        state_ = State::kCode;
        return Need(1);
      case State::kCode: {
        const std::uint8_t m = f.U8(0).value_or(0);
        if (m == 0xFF) return Need(1);  // fill byte (T.81 B.1.1.2)
        return OnMarker(m, offset());
      }
      case State::kLength: {
        const std::uint16_t length = f.U16Be(0).value_or(0);
        if (length < 2) {
          return Fail("segment " + Hex8(marker_) + " length < 2");
        }
        segment_left_ = length - 2u;
        const std::size_t want =
            std::min<std::size_t>(segment_left_, kMaxField);
        state_ = State::kSegmentHead;
        if (want == 0) return OnSegmentHead(ByteView());
        return Need(want);
      }
      case State::kSegmentHead:
        return OnSegmentHead(f);
      case State::kSegmentRest:
        return AfterSegment();
    }
  }

  std::size_t OnScan(ByteView bytes) override {
    // Entropy-coded data (T.81 B.1.1.5): 0xFF is followed by 0x00 (stuffing),
    // RSTn, fill 0xFF, or the next marker.
    std::size_t i = 0;
    while (i < bytes.size()) {
      if (!after_ff_) {
        // Skip straight to the next 0xFF: the data between is opaque.
        const auto rest = bytes.span().subspan(i);
        const void* ff = std::memchr(rest.data(), 0xFF, rest.size());
        if (ff == nullptr) return bytes.size();
        after_ff_ = true;
        i += static_cast<std::size_t>(static_cast<const std::uint8_t*>(ff) -
                                      rest.data()) +
             1;
        continue;
      }
      const std::uint8_t b = bytes.U8(i).value_or(0);
      ++i;
      if (b == 0xFF) continue;
      after_ff_ = false;
      if (b == 0x00 || (b >= 0xD0 && b <= 0xD7)) continue;
      // offset() is still where `bytes` starts: the walker advances it by
      // what this call returns.
      OnMarker(b, offset() + i);
      return i;
    }
    return i;
  }

 private:
  enum class State {
    kSoi,
    kPrefix,
    kCode,
    kLength,
    kSegmentHead,
    kSegmentRest
  };

  void ExpectMarker() {
    state_ = State::kPrefix;
    Need(1);
  }

  static bool IsSof(std::uint8_t m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
  }

  // `next` is the offset of the byte after the marker code, so the marker
  // (0xFF, code) starts at next - 2.
  void OnMarker(std::uint8_t m, std::uint64_t next) {
    marker_ = m;
    if (m == 0xD9) {
      if (!saw_sos_) return Fail("EOI before any image data");
      return Done();
    }
    if (m == 0xD8) return Fail("second SOI at offset " + Num(next - 2));
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) return ExpectMarker();
    if (m < 0xC0) {
      return Fail("reserved marker " + Hex8(m) + " at offset " + Num(next - 2));
    }
    state_ = State::kLength;
    Need(2);
  }

  void OnSegmentHead(ByteView f) {
    if (IsSof(marker_)) {
      const std::uint8_t precision = f.U8(0).value_or(0);
      height_ = f.U16Be(1).value_or(0);
      width_ = f.U16Be(3).value_or(0);
      const std::uint8_t components = f.U8(5).value_or(0);
      if (precision != 8 && precision != 12 && precision != 16) {
        return Fail("SOF: invalid sample precision");
      }
      if (width_ == 0 || components == 0 || components > 4 ||
          segment_left_ != 6u + 3u * components) {
        return Fail("SOF: invalid frame header");
      }
      saw_sof_ = true;
    } else if (marker_ == 0xDA) {
      const std::uint8_t components = f.U8(0).value_or(0);
      if (!saw_sof_) return Fail("SOS before SOF");
      if (components == 0 || components > 4 ||
          segment_left_ != 4u + 2u * components) {
        return Fail("SOS: invalid scan header");
      }
      saw_sos_ = true;
    }
    const std::size_t rest = segment_left_ - f.size();
    state_ = State::kSegmentRest;
    if (rest > 0) return Skip(rest);
    AfterSegment();
  }

  void AfterSegment() {
    if (marker_ == 0xDA) {
      after_ff_ = false;
      return Scan();
    }
    ExpectMarker();
  }

  State state_ = State::kSoi;
  std::uint8_t marker_ = 0;
  std::size_t segment_left_ = 0;
  bool after_ff_ = false;
  bool saw_sof_ = false, saw_sos_ = false;
  std::uint32_t width_ = 0, height_ = 0;
};

// --- GIF ------------------------------------------------------------------

class GifChecker final : public FieldWalker {
 public:
  GifChecker() { Need(13); }

  Verification Finish(const FileWindow& /*window*/) override {
    if (failed()) return Invalid(FileKind::kGif, "GIF: " + failure());
    if (!done()) {
      return Invalid(FileKind::kGif, "GIF: truncated at offset " +
                                         Num(offset()) + " (no trailer)");
    }
    if (images_ == 0) return Invalid(FileKind::kGif, "GIF: no image");
    std::string detail = "GIF: " + Num(width_) + "x" + Num(height_) + ", " +
                         Num(images_) + " image(s), block chain intact";
    if (trailing() > 0) {
      detail += " (" + Num(trailing()) + " bytes after the trailer)";
    }
    return Valid(FileKind::kGif, detail);
  }

 protected:
  void OnField(ByteView f) override {
    switch (state_) {
      case State::kHeader: {
        if (!f.StartsWith(ByteView::FromString("GIF87a")) &&
            !f.StartsWith(ByteView::FromString("GIF89a"))) {
          return Fail("bad signature");
        }
        width_ = f.U16Le(6).value_or(0);
        height_ = f.U16Le(8).value_or(0);
        if (width_ == 0 || height_ == 0) return Fail("zero screen size");
        const std::uint8_t packed = f.U8(10).value_or(0);
        state_ = State::kBlock;
        if ((packed & 0x80) != 0) return Skip(3u << ((packed & 7) + 1));
        return Need(1);
      }
      case State::kBlock:
        if (f.empty()) return Need(1);  // after a colour table skip
        switch (f.U8(0).value_or(0)) {
          case 0x21:
            state_ = State::kExtensionLabel;
            return Need(1);
          case 0x2C:
            state_ = State::kImageDescriptor;
            return Need(9);
          case 0x3B:
            return Done();
          default:
            return Fail("unknown block " + Hex8(f.U8(0).value_or(0)) +
                        " at offset " + Num(offset() - 1));
        }
      case State::kExtensionLabel: {
        const std::uint8_t label = f.U8(0).value_or(0);
        if (label != 0xF9 && label != 0xFE && label != 0x01 && label != 0xFF) {
          return Fail("unknown extension " + Hex8(label));
        }
        state_ = State::kSubBlockSize;
        return Need(1);
      }
      case State::kImageDescriptor: {
        if (f.U16Le(4).value_or(0) == 0 || f.U16Le(6).value_or(0) == 0) {
          return Fail("image with zero size");
        }
        const std::uint8_t packed = f.U8(8).value_or(0);
        state_ = State::kLzwCodeSize;
        if ((packed & 0x80) != 0) return Skip(3u << ((packed & 7) + 1));
        return Need(1);
      }
      case State::kLzwCodeSize: {
        if (f.empty()) return Need(1);  // after a local colour table
        const std::uint8_t size = f.U8(0).value_or(0);
        if (size < 1 || size > 11) return Fail("invalid LZW code size");
        ++images_;
        state_ = State::kSubBlockSize;
        return Need(1);
      }
      case State::kSubBlockSize: {
        const std::uint8_t size = f.U8(0).value_or(0);
        if (size == 0) {
          state_ = State::kBlock;
          return Need(1);
        }
        state_ = State::kSubBlockData;
        return Skip(size);
      }
      case State::kSubBlockData:
        state_ = State::kSubBlockSize;
        return Need(1);
    }
  }

 private:
  enum class State {
    kHeader,
    kBlock,
    kExtensionLabel,
    kImageDescriptor,
    kLzwCodeSize,
    kSubBlockSize,
    kSubBlockData
  };
  State state_ = State::kHeader;
  std::uint32_t width_ = 0, height_ = 0;
  std::uint64_t images_ = 0;
};

// --- BMP ------------------------------------------------------------------

class BmpChecker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    const ByteView h = w.head;
    auto bad = [](std::string d) {
      return Invalid(FileKind::kBmp, "BMP: " + d);
    };
    if (h.size() < 26) return bad("too short for a bitmap header");
    if (!h.StartsWith(ByteView::FromString("BM"))) return bad("no BM magic");
    if (h.U32Le(2).value_or(0) != w.size) {
      return bad("size field " + Num(h.U32Le(2).value_or(0)) +
                 " is not the file size " + Num(w.size));
    }
    if (h.U32Le(6).value_or(1) != 0) return bad("reserved fields not zero");
    const std::uint64_t pixels = h.U32Le(10).value_or(0);
    const std::uint32_t dib = h.U32Le(14).value_or(0);
    std::int64_t width = 0, height = 0;
    std::uint32_t planes = 0, bpp = 0, compression = 0, colors = 0;
    std::uint64_t palette_entry = 4;
    if (dib == 12) {
      width = h.U16Le(18).value_or(0);
      height = h.U16Le(20).value_or(0);
      planes = h.U16Le(22).value_or(0);
      bpp = h.U16Le(24).value_or(0);
      palette_entry = 3;
    } else if (dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
               dib == 124) {
      if (h.size() < 14u + dib) return bad("truncated DIB header");
      width = static_cast<std::int32_t>(h.U32Le(18).value_or(0));
      height = static_cast<std::int32_t>(h.U32Le(22).value_or(0));
      planes = h.U16Le(26).value_or(0);
      bpp = h.U16Le(28).value_or(0);
      compression = h.U32Le(30).value_or(0);
      colors = h.U32Le(46).value_or(0);
    } else {
      return bad("unknown DIB header size " + Num(dib));
    }
    if (width <= 0 || height == 0) return bad("invalid image size");
    if (planes != 1) return bad("planes is not 1");
    if (bpp != 1 && bpp != 2 && bpp != 4 && bpp != 8 && bpp != 16 &&
        bpp != 24 && bpp != 32 && bpp != 64) {
      return bad("invalid bits per pixel " + Num(bpp));
    }
    if (compression > 6 && (compression < 11 || compression > 13)) {
      return bad("unknown compression " + Num(compression));
    }
    if ((compression == 1 && bpp != 8) || (compression == 2 && bpp != 4)) {
      return bad("RLE compression with the wrong bit depth");
    }
    std::uint64_t table_end = 14u + dib;
    if (dib == 40 && (compression == 3 || compression == 6)) {
      table_end += compression == 3 ? 12 : 16;  // BITFIELDS masks
    }
    if (bpp <= 8) {
      const std::uint64_t entries = colors != 0 ? colors : (1u << bpp);
      if (entries > (1u << bpp)) return bad("more colours than the depth");
      table_end += entries * palette_entry;
    }
    if (pixels < table_end || pixels > w.size) {
      return bad("pixel data offset " + Num(pixels) + " is out of place");
    }
    if (compression == 0 || compression == 3 || compression == 6) {
      const std::uint64_t row =
          (static_cast<std::uint64_t>(width) * bpp + 31) / 32 * 4;
      const std::uint64_t rows =
          static_cast<std::uint64_t>(height < 0 ? -height : height);
      if (row != 0 && rows > (w.size - pixels) / row) {
        return bad("pixel data is shorter than " +
                   Num(static_cast<std::uint64_t>(width)) + "x" + Num(rows) +
                   " pixels");
      }
    }
    return Valid(
        FileKind::kBmp,
        "BMP: " + Num(static_cast<std::uint64_t>(width)) + "x" +
            Num(static_cast<std::uint64_t>(height < 0 ? -height : height)) +
            ", " + Num(bpp) + "-bit");
  }
};

}  // namespace

std::unique_ptr<KindChecker> MakePngChecker() {
  return std::make_unique<PngChecker>();
}
std::unique_ptr<KindChecker> MakeJpegChecker() {
  return std::make_unique<JpegChecker>();
}
std::unique_ptr<KindChecker> MakeGifChecker() {
  return std::make_unique<GifChecker>();
}
std::unique_ptr<KindChecker> MakeBmpChecker() {
  return std::make_unique<BmpChecker>();
}

}  // namespace kintsugi::formats::internal
