// Document and media validators: PDF, SQLite, MP3 and plain text. Magics:
// recovery-schemes.md §4.4; structure: ISO 32000 §7.5 (PDF file structure),
// the SQLite file format §1.3 (database header), ISO 11172-3 / 13818-3 frame
// headers and ID3v2.3/2.4 §3.1 (MP3), RFC 3629 (UTF-8), RFC 2781 (UTF-16).

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <deque>
#include <span>
#include <string>

#include "formats/checkers.h"
#include "kintsugi/limits.h"

namespace kintsugi::formats::internal {
namespace {

std::string Num(std::uint64_t v) { return std::to_string(v); }

bool IsDigit(std::uint8_t c) { return c >= '0' && c <= '9'; }
bool IsPdfSpace(std::uint8_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

// The last offset of `needle` in `v`.
std::optional<std::size_t> FindLast(ByteView v, std::string_view needle) {
  std::optional<std::size_t> last;
  std::size_t from = 0;
  while (auto at = v.Find(ByteView::FromString(needle), from)) {
    last = at;
    from = *at + 1;
  }
  return last;
}

// --- PDF --------------------------------------------------------------------

class PdfChecker final : public KindChecker {
 public:
  void Update(ByteView chunk) override {
    // Remember where "xref" starts a line, to confirm startxref's target.
    // Byte by byte for the first 4 bytes (an "xref" that began in the
    // previous chunk ends there); then from 'x' to 'x' with memchr for
    // those that start at index 1 or later and end in this chunk.
    const std::span<const std::uint8_t> s = chunk.span();
    const std::uint64_t base = offset_;
    const std::size_t head = std::min<std::size_t>(4, s.size());
    for (std::size_t i = 0; i < head; ++i) Step(s[i]);
    if (s.size() <= head) return;
    for (std::size_t j = 1; j + 4 <= s.size(); ++j) {
      const auto candidates = s.subspan(j, s.size() - 3 - j);
      const void* x = std::memchr(candidates.data(), 'x', candidates.size());
      if (x == nullptr) break;
      j += static_cast<std::size_t>(static_cast<const std::uint8_t*>(x) -
                                    candidates.data());
      if (s[j + 1] == 'r' && s[j + 2] == 'e' && s[j + 3] == 'f' &&
          (s[j - 1] == '\n' || s[j - 1] == '\r')) {
        Remember(base + j);
      }
    }
    last5_ = 0;
    for (std::uint8_t b : s.last(5)) last5_ = (last5_ << 8) | b;
    offset_ = base + s.size();
  }

  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kPdf, "PDF: " + d);
    };
    const ByteView h = w.head;
    if (!h.StartsWith(ByteView::FromString("%PDF-")) || h.size() < 8 ||
        !IsDigit(h.U8(5).value_or(0)) || h.U8(6).value_or(0) != '.' ||
        !IsDigit(h.U8(7).value_or(0))) {
      return bad("no %PDF-n.n header");
    }
    // ISO 32000 §7.5.5: the file ends with startxref, an offset and %%EOF;
    // readers accept %%EOF within the last 1024 bytes.
    const ByteView end = w.tail.Last(1024);
    auto eof = FindLast(end, "%%EOF");
    if (!eof) return bad("%%EOF not found near the end");
    const ByteView before_eof =
        w.tail.Last(4096).First(w.tail.Last(4096).size() - (end.size() - *eof));
    auto startxref = FindLast(before_eof, "startxref");
    if (!startxref) return bad("startxref not found before %%EOF");
    std::size_t p = *startxref + 9;
    while (IsPdfSpace(before_eof.U8(p).value_or('x'))) ++p;
    std::uint64_t target = 0;
    std::size_t digits = 0;
    while (IsDigit(before_eof.U8(p).value_or('x')) && digits < 19) {
      target = target * 10 + (before_eof.U8(p).value_or('0') - '0');
      ++p;
      ++digits;
    }
    if (digits == 0) return bad("startxref has no offset");
    if (target >= w.size) {
      return bad("startxref offset " + Num(target) + " is past the end");
    }
    if (std::find(xrefs_.begin(), xrefs_.end(), target) != xrefs_.end()) {
      return Valid(FileKind::kPdf,
                   "PDF: header, %%EOF and an xref table at the startxref "
                   "offset");
    }
    auto at = w.At(target, static_cast<std::size_t>(
                               std::min<std::uint64_t>(32, w.size - target)));
    if (!at) {
      return Valid(FileKind::kPdf,
                   "PDF: header and %%EOF; startxref target not retained");
    }
    // An xref stream: "N G obj".
    std::size_t q = 0;
    auto number = [&]() {
      const std::size_t start = q;
      while (IsDigit(at->U8(q).value_or('x'))) ++q;
      return q > start;
    };
    auto spaces = [&]() {
      const std::size_t start = q;
      while (IsPdfSpace(at->U8(q).value_or('x'))) ++q;
      return q > start;
    };
    if (number() && spaces() && number() && spaces() &&
        at->MatchesAt(q, ByteView::FromString("obj"))) {
      return Valid(FileKind::kPdf,
                   "PDF: header, %%EOF and an xref stream object at the "
                   "startxref offset");
    }
    return bad("startxref offset " + Num(target) +
               " points at neither an xref table nor an object");
  }

 private:
  void Step(std::uint8_t b) {
    last5_ = ((last5_ << 8) | b) & 0xFFFFFFFFFFull;
    ++offset_;
    if ((last5_ & 0xFFFFFFFFull) == 0x78726566ull) {  // "xref"
      const std::uint64_t before = last5_ >> 32;
      if (before == '\n' || before == '\r' || offset_ == 4) {
        Remember(offset_ - 4);
      }
    }
  }

  void Remember(std::uint64_t xref) {
    xrefs_.push_back(xref);
    if (xrefs_.size() > limits::kMaxVerifyPdfXrefs) xrefs_.pop_front();
  }

  std::uint64_t last5_ = 0;  // The last 5 bytes seen, the latest lowest.
  std::uint64_t offset_ = 0;
  std::deque<std::uint64_t> xrefs_;
};

// --- SQLite -----------------------------------------------------------------

class SqliteChecker final : public KindChecker {
 public:
  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kSqlite, "SQLite: " + d);
    };
    const ByteView h = w.head;
    if (h.size() < 108) return bad("too short for a database header");
    if (!h.StartsWith(
            ByteView::FromString(std::string_view("SQLite format 3\0", 16)))) {
      return bad("bad magic");
    }
    std::uint64_t page = h.U16Be(16).value_or(0);
    if (page == 1) page = 65536;
    if (page < 512 || page > 65536 || (page & (page - 1)) != 0) {
      return bad("page size " + Num(page) +
                 " is not a power of two in "
                 "512..65536");
    }
    const std::uint8_t write = h.U8(18).value_or(0);
    const std::uint8_t read = h.U8(19).value_or(0);
    if (write < 1 || write > 2 || read < 1 || read > 2) {
      return bad("unknown file format version");
    }
    if (page - h.U8(20).value_or(0) < 480) return bad("reserved space");
    if (h.U8(21).value_or(0) != 64 || h.U8(22).value_or(0) != 32 ||
        h.U8(23).value_or(0) != 32) {
      return bad("payload fractions are not 64/32/32");
    }
    if (w.size % page != 0) {
      return bad("file size " + Num(w.size) +
                 " is not a multiple of the "
                 "page size " +
                 Num(page));
    }
    const std::uint64_t pages = w.size / page;
    const std::uint64_t header_pages = h.U32Be(28).value_or(0);
    if (header_pages != 0 &&
        h.U32Be(24).value_or(0) == h.U32Be(92).value_or(1) &&
        header_pages != pages) {
      return bad("header says " + Num(header_pages) + " pages, file has " +
                 Num(pages));
    }
    if (h.U32Be(32).value_or(0) > pages || h.U32Be(36).value_or(0) > pages) {
      return bad("freelist out of range");
    }
    if (h.U32Be(44).value_or(9) > 4 || h.U32Be(56).value_or(9) > 3) {
      return bad("unknown schema format or text encoding");
    }
    for (std::size_t i = 72; i < 92; ++i) {
      if (h.U8(i).value_or(1) != 0) return bad("reserved header bytes set");
    }
    const std::uint8_t root = h.U8(100).value_or(0);
    if (root != 0x0D && root != 0x05) {
      return bad("page 1 is not a table b-tree page");
    }
    return Valid(FileKind::kSqlite, "SQLite: " + Num(pages) + " pages of " +
                                        Num(page) + " bytes, header intact");
  }
};

// --- MP3 --------------------------------------------------------------------

class Mp3Checker final : public KindChecker {
 public:
  void Update(ByteView chunk) override {
    for (std::uint8_t b : chunk) {
      if (offset_ < 10) {
        first_[offset_] = b;
        if (offset_ == 9) PlanProbe();
      } else if (offset_ >= probe_start_ &&
                 probe_.size() < limits::kVerifyMp3ProbeBytes) {
        probe_.push_back(b);
      }
      ++offset_;
      if (offset_ > probe_start_ &&
          probe_.size() >= limits::kVerifyMp3ProbeBytes) {
        break;
      }
    }
    seen_ += chunk.size();
  }

  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kMp3, "MP3: " + d);
    };
    if (w.size < 4) return bad("too short");
    const bool id3 = w.head.StartsWith(ByteView::FromString("ID3"));
    if (id3) {
      if (w.size < 10) return bad("truncated ID3v2 header");
      const ByteView tag = w.head.First(10);
      const std::uint8_t version = tag.U8(3).value_or(0);
      if (version < 2 || version > 4 || tag.U8(4).value_or(0) == 0xFF) {
        return bad("unknown ID3v2 version");
      }
      for (std::size_t i = 6; i < 10; ++i) {
        if (tag.U8(i).value_or(0x80) >= 0x80) {
          return bad("ID3v2 size is not syncsafe");
        }
      }
    } else if (w.size < 10) {
      probe_ = w.head.ToBytes();  // never planned: the file is tiny
    }
    if (probe_start_ >= w.size) {
      return bad("ID3v2 tag runs past the end of the file");
    }
    const ByteView probe(probe_);
    std::size_t p = 0;
    while (id3 && p < probe.size() && probe.U8(p).value_or(1) == 0) ++p;
    std::size_t frames = 0;
    std::uint8_t signature = 0;
    while (true) {
      auto header = probe.Sub(p, 4);
      if (!header) break;
      const std::size_t length = Mp3FrameLength(*header);
      // Version, layer and sample rate must not change within a stream.
      const std::uint8_t sig = static_cast<std::uint8_t>(
          (header->U8(1).value_or(0) & 0x1E) |
          ((header->U8(2).value_or(0) >> 2) & 3) << 5);
      if (length == 0 || (frames > 0 && sig != signature)) break;
      signature = sig;
      ++frames;
      p += length;
    }
    const std::uint64_t chain_end = probe_start_ + p;
    const bool ends_file =
        chain_end == w.size ||
        (chain_end + 128 == w.size &&
         w.tail.Last(128).StartsWith(ByteView::FromString("TAG")));
    if (frames >= 3 || (frames >= 1 && ends_file)) {
      return Valid(FileKind::kMp3,
                   std::string("MP3: ") + (id3 ? "ID3v2 tag, then " : "") +
                       Num(frames) + " consecutive MPEG audio frames");
    }
    if (frames == 0) {
      return bad("no MPEG audio frame at offset " +
                 Num(probe_start_ + std::min(p, probe.size())));
    }
    return bad("MPEG frame chain breaks at offset " + Num(chain_end));
  }

 private:
  void PlanProbe() {
    const ByteView tag(first_, 10);
    if (tag.StartsWith(ByteView::FromString("ID3"))) {
      std::uint64_t size = 0;
      for (std::size_t i = 6; i < 10; ++i) {
        size = (size << 7) | (tag.U8(i).value_or(0) & 0x7F);
      }
      const bool footer = (tag.U8(5).value_or(0) & 0x10) != 0;
      probe_start_ = 10 + size + (footer ? 10 : 0);
    } else {
      probe_start_ = 0;
      probe_.assign(first_, first_ + 10);
    }
  }

  std::uint8_t first_[10] = {};
  std::uint64_t offset_ = 0;
  std::uint64_t seen_ = 0;
  std::uint64_t probe_start_ = 0;
  Bytes probe_;
};

// --- Text -------------------------------------------------------------------

// Control characters that do not appear in text: all C0 but tab, LF, VT,
// FF, CR, SUB (DOS end of file) and ESC (terminal logs); and DEL.
bool OddControl(std::uint32_t c) {
  if (c == 0x7F) return true;
  if (c >= 0x20) return false;
  return c != '\t' && c != '\n' && c != 0x0B && c != '\f' && c != '\r' &&
         c != 0x1A && c != 0x1B && c != 0;
}

// True for the bytes ByteStats counts nothing for outside a UTF-8 sequence:
// printable ASCII and the whitespace controls tab, LF, VT, FF, CR.
bool QuietTextByte(std::uint8_t b) {
  return static_cast<std::uint8_t>(b - 0x20) <= 0x5E ||
         static_cast<std::uint8_t>(b - 0x09) <= 4;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KINTSUGI_TEXT_SIMD 1

// Quiet bytes, 64 at a time (plain text is nearly all quiet, so this is the
// text checker's hot loop): b in 0x20..0x7E is (int8)(b + 1) > 0x20, and b
// in 0x09..0x0D is (int8)(b + 0x77) < -123. Returns how many whole 64-byte
// blocks at the start of `bytes` are quiet, in bytes.
constexpr std::size_t kQuietBlock = 64;

std::size_t QuietBlocksSse2(std::span<const std::uint8_t> bytes) {
  const __m128i plus_one = _mm_set1_epi8(1);
  const __m128i space_bound = _mm_set1_epi8(0x20);
  const __m128i tab_shift = _mm_set1_epi8(0x77);
  const __m128i tab_bound = _mm_set1_epi8(-123);
  auto quiet = [&](std::span<const std::uint8_t> v) {
    __m128i x;
    std::memcpy(&x, v.first(sizeof x).data(), sizeof x);
    return _mm_or_si128(_mm_cmpgt_epi8(_mm_add_epi8(x, plus_one), space_bound),
                        _mm_cmpgt_epi8(tab_bound, _mm_add_epi8(x, tab_shift)));
  };
  std::size_t i = 0;
  while (bytes.size() - i >= kQuietBlock) {
    const auto block = bytes.subspan(i, kQuietBlock);
    const __m128i all = _mm_and_si128(
        _mm_and_si128(quiet(block), quiet(block.subspan(16))),
        _mm_and_si128(quiet(block.subspan(32)), quiet(block.subspan(48))));
    if (_mm_movemask_epi8(all) != 0xFFFF) break;
    i += kQuietBlock;
  }
  return i;
}

__attribute__((target("avx2"))) std::size_t QuietBlocksAvx2(
    std::span<const std::uint8_t> bytes) {
  const __m256i plus_one = _mm256_set1_epi8(1);
  const __m256i space_bound = _mm256_set1_epi8(0x20);
  const __m256i tab_shift = _mm256_set1_epi8(0x77);
  const __m256i tab_bound = _mm256_set1_epi8(-123);
  std::size_t i = 0;
  while (bytes.size() - i >= kQuietBlock) {
    const auto block = bytes.subspan(i, kQuietBlock);
    __m256i x;
    __m256i y;
    std::memcpy(&x, block.first(sizeof x).data(), sizeof x);
    std::memcpy(&y, block.subspan(sizeof x).data(), sizeof y);
    const __m256i qx = _mm256_or_si256(
        _mm256_cmpgt_epi8(_mm256_add_epi8(x, plus_one), space_bound),
        _mm256_cmpgt_epi8(tab_bound, _mm256_add_epi8(x, tab_shift)));
    const __m256i qy = _mm256_or_si256(
        _mm256_cmpgt_epi8(_mm256_add_epi8(y, plus_one), space_bound),
        _mm256_cmpgt_epi8(tab_bound, _mm256_add_epi8(y, tab_shift)));
    if (_mm256_movemask_epi8(_mm256_and_si256(qx, qy)) != -1) break;
    i += kQuietBlock;
  }
  return i;
}

// One 64-byte block's quiet bytes as a mask (AVX-512BW: two subtractions
// and two unsigned compares into mask registers).
__attribute__((target("avx512f,avx512bw"))) inline __mmask64 QuietMask512(
    std::span<const std::uint8_t> block) {
  const __m512i x = _mm512_loadu_si512(block.first(kQuietBlock).data());
  return _kor_mask64(
      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8(0x20)),
                             _mm512_set1_epi8(0x5F)),
      _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8(0x09)),
                             _mm512_set1_epi8(0x05)));
}

// 256 bytes per branch while they are quiet, then 64 at a time.
__attribute__((target("avx512f,avx512bw"))) std::size_t QuietBlocksAvx512(
    std::span<const std::uint8_t> bytes) {
  constexpr __mmask64 kAll = ~__mmask64{0};
  std::size_t i = 0;
  while (bytes.size() - i >= 4 * kQuietBlock) {
    const auto run = bytes.subspan(i, 4 * kQuietBlock);
    const __mmask64 all =
        _kand_mask64(_kand_mask64(QuietMask512(run.first(64)),
                                  QuietMask512(run.subspan(64, 64))),
                     _kand_mask64(QuietMask512(run.subspan(128, 64)),
                                  QuietMask512(run.subspan(192, 64))));
    if (all != kAll) break;
    i += 4 * kQuietBlock;
  }
  while (bytes.size() - i >= kQuietBlock) {
    if (QuietMask512(bytes.subspan(i, kQuietBlock)) != kAll) break;
    i += kQuietBlock;
  }
  return i;
}
#endif

}  // namespace

std::size_t QuietTextRun(std::span<const std::uint8_t> bytes, int simd_level) {
  std::size_t i = 0;
#if defined(KINTSUGI_TEXT_SIMD)
  static const int cpu_level = __builtin_cpu_supports("avx512bw") != 0 ? 3
                               : __builtin_cpu_supports("avx2") != 0   ? 2
                                                                       : 1;
  switch (std::min(simd_level, cpu_level)) {
    case 3:
      i = QuietBlocksAvx512(bytes);
      break;
    case 2:
      i = QuietBlocksAvx2(bytes);
      break;
    case 1:
      i = QuietBlocksSse2(bytes);
      break;
    default:
      break;
  }
#else
  (void)simd_level;
#endif
  while (i < bytes.size() && QuietTextByte(bytes[i])) ++i;
  return i;
}

namespace {

class TextChecker final : public KindChecker {
 public:
  void Update(ByteView chunk) override {
    const std::span<const std::uint8_t> bytes = chunk.span();
    std::size_t i = 0;
    // The first two bytes: a byte order mark decides which statistics
    // count.
    for (; i < bytes.size() && offset_ < 2; ++i, ++offset_) {
      const std::uint8_t b = bytes[i];
      ByteStats(b);
      Utf16Byte(b);
      if (offset_ == 1) {
        utf16_ =
            (pending_ == 0xFF && b == 0xFE) || (pending_ == 0xFE && b == 0xFF);
      }
    }
    if (utf16_) {
      for (; i < bytes.size(); ++i, ++offset_) Utf16Byte(bytes[i]);
      return;
    }
    while (i < bytes.size()) {
      if (utf8_need_ == 0) {
        // Quiet bytes count for nothing (the common case, fast).
        const std::size_t run = QuietTextRun(bytes.subspan(i));
        i += run;
        offset_ += run;
        if (i == bytes.size()) break;
      }
      ByteStats(bytes[i]);
      ++i;
      ++offset_;
    }
  }

  Verification Finish(const FileWindow& w) override {
    auto bad = [](const std::string& d) {
      return Invalid(FileKind::kText, "not text: " + d);
    };
    if (w.size == 0) {
      return Valid(FileKind::kText, "text: empty file", Strength::kNone);
    }
    const bool le = w.head.StartsWith(ByteView::FromString("\xFF\xFE"));
    const bool be = w.head.StartsWith(ByteView::FromString("\xFE\xFF"));
    if (le || be) {
      const Utf16& s = le ? le_ : be_;
      const char* name = le ? "UTF-16LE" : "UTF-16BE";
      if (w.size % 2 != 0) return bad(std::string(name) + " with odd length");
      if (s.invalid > 0 || s.expect_low) {
        return bad(std::string(name) + " with unpaired surrogates");
      }
      if (s.nuls > 0) return bad(std::string(name) + " with NUL characters");
      if (s.odd_controls * 100 > w.size / 2) {
        return bad(std::string(name) + " with control characters");
      }
      return Valid(FileKind::kText, std::string("text: ") + name + ", " +
                                        Num(w.size / 2 - 1) + " characters");
    }
    if (nuls_ > 0) return bad("NUL byte at offset " + Num(first_nul_));
    if (odd_controls_ * 100 > w.size) {
      return bad(Num(odd_controls_) + " control characters");
    }
    if (utf8_invalid_ == 0 && utf8_need_ == 0) {
      return Valid(FileKind::kText, std::string("text: ") +
                                        (high_ == 0 ? "ASCII" : "UTF-8") +
                                        ", " + Num(w.size) + " bytes");
    }
    if (w.head.StartsWith(ByteView::FromString("\xEF\xBB\xBF"))) {
      return bad("invalid UTF-8 after a UTF-8 byte order mark at offset " +
                 Num(first_utf8_invalid_));
    }
    if (undefined_1252_ > 0) {
      return bad("invalid UTF-8, and byte at offset " + Num(first_undefined_) +
                 " is undefined in Windows-1252");
    }
    if (high_ * 10 > w.size * 3) {
      return bad("invalid UTF-8 and mostly non-ASCII bytes");
    }
    return Valid(FileKind::kText,
                 "text: Windows-1252, " + Num(w.size) + " bytes");
  }

 private:
  void ByteStats(std::uint8_t b) {
    Utf8Byte(b);
    if (b == 0 && nuls_++ == 0) first_nul_ = offset_;
    if (OddControl(b)) ++odd_controls_;
    if (b >= 0x80) {
      ++high_;
      if ((b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) &&
          undefined_1252_++ == 0) {
        first_undefined_ = offset_;
      }
    }
  }

  void Utf16Byte(std::uint8_t b) {
    if ((offset_ & 1) == 0) {
      pending_ = b;
    } else {
      Utf16Unit(le_, static_cast<std::uint16_t>(pending_ | (b << 8)));
      Utf16Unit(be_, static_cast<std::uint16_t>((pending_ << 8) | b));
    }
  }

  struct Utf16 {
    bool expect_low = false;
    std::uint64_t invalid = 0, nuls = 0, odd_controls = 0;
  };

  static void Utf16Unit(Utf16& s, std::uint16_t u) {
    if (s.expect_low) {
      s.expect_low = false;
      if (u < 0xDC00 || u > 0xDFFF) ++s.invalid;
      return;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      s.expect_low = true;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      ++s.invalid;
    } else if (u == 0) {
      ++s.nuls;
    } else if (OddControl(u)) {
      ++s.odd_controls;
    }
  }

  void Utf8Byte(std::uint8_t b) {
    // RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF.
    if (utf8_need_ > 0) {
      if (b < utf8_low_ || b > utf8_high_) {
        Utf8Invalid();
        utf8_need_ = 0;
        Utf8Byte(b);  // re-read as a lead byte
        return;
      }
      utf8_low_ = 0x80;
      utf8_high_ = 0xBF;
      --utf8_need_;
      return;
    }
    if (b < 0x80) return;
    utf8_low_ = 0x80;
    utf8_high_ = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      utf8_need_ = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      utf8_need_ = 2;
      if (b == 0xE0) utf8_low_ = 0xA0;
      if (b == 0xED) utf8_high_ = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      utf8_need_ = 3;
      if (b == 0xF0) utf8_low_ = 0x90;
      if (b == 0xF4) utf8_high_ = 0x8F;
    } else {
      Utf8Invalid();
    }
  }

  void Utf8Invalid() {
    if (utf8_invalid_++ == 0) first_utf8_invalid_ = offset_;
  }

  std::uint64_t offset_ = 0;
  std::uint64_t nuls_ = 0, first_nul_ = 0;
  std::uint64_t odd_controls_ = 0;
  std::uint64_t high_ = 0;
  std::uint64_t undefined_1252_ = 0, first_undefined_ = 0;
  unsigned utf8_need_ = 0;
  std::uint8_t utf8_low_ = 0x80, utf8_high_ = 0xBF;
  std::uint64_t utf8_invalid_ = 0, first_utf8_invalid_ = 0;
  std::uint8_t pending_ = 0;
  bool utf16_ = false;  // the file starts with a UTF-16 byte order mark
  Utf16 le_, be_;
};

}  // namespace

std::size_t Mp3FrameLength(ByteView h) {
  static constexpr std::uint16_t kBitrates[5][16] = {
      {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
       0},  // MPEG-1 Layer I
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
       0},  // MPEG-1 Layer II
      {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
       0},  // MPEG-1 Layer III
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
       0},  // MPEG-2/2.5 Layer I
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160,
       0},  // MPEG-2/2.5 Layer II and III
  };
  static constexpr std::uint32_t kRates[3][3] = {
      {44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}};
  const std::uint8_t b0 = h.U8(0).value_or(0), b1 = h.U8(1).value_or(0),
                     b2 = h.U8(2).value_or(0), b3 = h.U8(3).value_or(0);
  if (h.size() < 4 || b0 != 0xFF || (b1 & 0xE0) != 0xE0) return 0;
  const unsigned version = (b1 >> 3) & 3;  // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const unsigned layer = (b1 >> 1) & 3;    // 1: III, 2: II, 3: I
  const unsigned bitrate_index = b2 >> 4;
  const unsigned rate_index = (b2 >> 2) & 3;
  const unsigned padding = (b2 >> 1) & 1;
  if (version == 1 || layer == 0 || rate_index == 3 || (b3 & 3) == 2) {
    return 0;
  }
  const bool mpeg1 = version == 3;
  const unsigned table = mpeg1 ? 3 - layer : (layer == 3 ? 3u : 4u);
  const std::uint32_t kbps = kBitrates[table][bitrate_index];
  if (kbps == 0) return 0;  // free format or invalid
  const std::uint32_t rate =
      kRates[mpeg1 ? 0 : (version == 2 ? 1 : 2)][rate_index];
  const std::uint32_t bps = kbps * 1000;
  if (layer == 3) return (12 * bps / rate + padding) * 4;
  if (layer == 1 && !mpeg1) return 72 * bps / rate + padding;
  return 144 * bps / rate + padding;
}

std::unique_ptr<KindChecker> MakePdfChecker() {
  return std::make_unique<PdfChecker>();
}
std::unique_ptr<KindChecker> MakeSqliteChecker() {
  return std::make_unique<SqliteChecker>();
}
std::unique_ptr<KindChecker> MakeMp3Checker() {
  return std::make_unique<Mp3Checker>();
}
std::unique_ptr<KindChecker> MakeTextChecker() {
  return std::make_unique<TextChecker>();
}

}  // namespace kintsugi::formats::internal
