// The ZIP validator (and OOXML / ODF, which are ZIP archives): PKWARE
// APPNOTE 6.3. Two halves:
//   - as the file streams by, the local entries are walked in order and
//     each stored or deflated entry's CRC-32 and sizes are checked against
//     its local header or data descriptor (APPNOTE 4.3.7-4.3.9), inflating
//     in bounded memory (zlib's 32 KiB window);
//   - at the end, the end-of-central-directory record and the central
//     directory (when the tail holds it) are checked against the local
//     headers the window retained, and against what the walk saw.
// The verdict is `checksum` strong only when every entry's data was
// covered by a CRC-32 that matched (recovery-schemes.md §4.4).

#include <zlib.h>

#include <algorithm>
#include <array>
#include <string>

#include "formats/checkers.h"
#include "kintsugi/limits.h"

namespace kintsugi::formats::internal {
namespace {

std::string Num(std::uint64_t v) { return std::to_string(v); }

// Order-independent digest of a multiset of CRC-32s: the local entries'
// and the central directory's must agree (they list the same entries,
// possibly in another order).
std::uint64_t CrcMix(std::uint32_t crc) {
  std::uint64_t z = crc + 0x9E3779B97F4A7C15ull;  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint32_t kLocalSignature = 0x04034b50;       // PK\3\4
constexpr std::uint32_t kCentralSignature = 0x02014b50;     // PK\1\2
constexpr std::uint32_t kEndSignature = 0x06054b50;         // PK\5\6
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;    // PK\6\6
constexpr std::uint32_t kExtraDataSignature = 0x08064b50;   // PK\6\8
constexpr std::uint32_t kDescriptorSignature = 0x08074b50;  // PK\7\8

class ZipChecker final : public FieldWalker {
 public:
  ZipChecker() { Need(4); }
  ~ZipChecker() override {
    if (inflate_ready_) inflateEnd(&zs_);
  }
  ZipChecker(const ZipChecker&) = delete;
  ZipChecker& operator=(const ZipChecker&) = delete;

  Verification Finish(const FileWindow& w) override {
    Central central;
    Verification v = CheckStructure(w, central);
    // A checksum that does not match is the strongest evidence there is.
    if (failed()) return Invalid(FileKind::kZip, "ZIP: " + failure());
    if (!v.valid() || central.entries == 0) return v;
    // The walk saw every entry the end record announces, up to the central
    // directory.
    const bool whole_walk = done() && stopped_.empty() &&
                            walk_end_ == central.cd_offset &&
                            entries_ == central.entries;
    if (whole_walk && central.walked && crc_sum_ != central.crc_sum) {
      return Invalid(FileKind::kZip,
                     "ZIP: the central directory's CRC-32s differ from "
                     "the local entries'");
    }
    if (whole_walk && unchecked_ == 0) {
      v.strength = Strength::kChecksum;
      v.detail += "; every entry's CRC-32 matches";
      return v;
    }
    v.detail += "; " + Num(checked_) + " entry CRC-32s checked";
    if (!stopped_.empty()) {
      v.detail += " (" + stopped_ + ")";
    } else if (unchecked_ > 0) {
      v.detail += " (" + Num(unchecked_) +
                  " encrypted or compressed by another method)";
    }
    return v;
  }

 protected:
  void OnField(ByteView f) override {
    switch (state_) {
      case State::kSignature:
        return OnSignature(f.U32Le(0).value_or(0));
      case State::kHeader:
        return OnHeader(f);
      case State::kName:
        return NextExtra();
      case State::kExtraHeader: {
        const std::uint16_t id = f.U16Le(0).value_or(0);
        const std::uint16_t size = f.U16Le(2).value_or(0);
        extra_left_ -= 4;
        if (size > extra_left_) return Stop("a local extra field overruns");
        extra_left_ -= size;
        if (id == 0x0001 && size >= 16) {
          // ZIP64 extended information (4.5.3): in a local header, both
          // sizes, uncompressed first.
          extra_skip_ = size - 16u;
          state_ = State::kZip64;
          return Need(16);
        }
        state_ = State::kExtraSkip;
        return Skip(size);
      }
      case State::kZip64:
        zip64_ = true;
        if (unpacked_ == 0xFFFFFFFFu) unpacked_ = f.U64Le(0).value_or(0);
        if (packed_ == 0xFFFFFFFFu) packed_ = f.U64Le(8).value_or(0);
        state_ = State::kExtraSkip;
        return Skip(extra_skip_);
      case State::kExtraSkip:
        return NextExtra();
      case State::kStored:
        return EntryEnd(crc_, packed_, packed_);
      case State::kUnchecked:
      case State::kInflateRest:
        return NextEntry();
      case State::kDescriptor: {
        std::size_t at = 0;
        if (f.U32Le(0).value_or(0) == kDescriptorSignature &&
            crc_ != kDescriptorSignature) {
          at = 4;
        }
        descriptor_ = f.ToBytes();
        const std::size_t sizes = zip64_ ? 16 : 8;
        state_ = State::kDescriptorRest;
        return Need(at + 4 + sizes - f.size());
      }
      case State::kDescriptorRest: {
        Bytes d = descriptor_;
        d.insert(d.end(), f.begin(), f.end());
        const ByteView v(d);
        const std::size_t at = v.U32Le(0).value_or(0) == kDescriptorSignature &&
                                       crc_ != kDescriptorSignature
                                   ? 4
                                   : 0;
        const std::uint32_t crc = v.U32Le(at).value_or(0);
        const std::uint64_t packed =
            zip64_ ? v.U64Le(at + 4).value_or(0) : v.U32Le(at + 4).value_or(0);
        const std::uint64_t unpacked =
            zip64_ ? v.U64Le(at + 12).value_or(0) : v.U32Le(at + 8).value_or(0);
        return EntryEnd(crc, packed, unpacked);
      }
    }
  }

  void OnSkipped(ByteView bytes) override {
    if (state_ == State::kStored) crc_ = Crc32(bytes, crc_);
  }

  // Deflated entry data, one run at a time.
  std::size_t OnScan(ByteView bytes) override {
    ByteView in = bytes;
    if (!descriptor_follows_) {
      in = in.First(
          static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), left_)));
    }
    in = in.First(std::min<std::size_t>(in.size(), 1u << 30));
    zs_.next_in = const_cast<Bytef*>(in.data());  // NOLINT: zlib API
    zs_.avail_in = static_cast<uInt>(in.size());
    int ret = Z_OK;
    while (true) {
      zs_.next_out = out_.data();
      zs_.avail_out = static_cast<uInt>(out_.size());
      ret = inflate(&zs_, Z_NO_FLUSH);
      const std::size_t produced = out_.size() - zs_.avail_out;
      crc_ = Crc32(ByteView(out_.data(), produced), crc_);
      inflated_ += produced;
      total_inflated_ += produced;
      if (ret != Z_OK) break;
      if (zs_.avail_in == 0 && zs_.avail_out != 0) break;
    }
    const std::size_t used = in.size() - zs_.avail_in;
    consumed_ += used;
    if (!descriptor_follows_) left_ -= used;
    if (ret == Z_STREAM_END) {
      InflateEnd();
      return used;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      Fail("entry " + Num(entries_) + " at offset " + Num(entry_offset_) +
           " does not inflate (" + (zs_.msg != nullptr ? zs_.msg : "bad data") +
           ")");
      return used;
    }
    if (total_inflated_ > limits::kMaxVerifyInflateBytes) {
      // A bomb, or just a big archive: the rest goes unchecked.
      if (descriptor_follows_) {
        Stop("inflate limit reached");
      } else {
        ++unchecked_;
        state_ = State::kUnchecked;
        Skip(left_);
      }
      return used;
    }
    if (!descriptor_follows_ && left_ == 0) {
      Fail("entry " + Num(entries_) + " at offset " + Num(entry_offset_) +
           " does not inflate (its deflate stream does not end)");
      return used;
    }
    if (used == 0) {
      Fail("entry " + Num(entries_) + " at offset " + Num(entry_offset_) +
           " does not inflate");
    }
    return used;
  }

 private:
  enum class State {
    kSignature,
    kHeader,
    kName,
    kExtraHeader,
    kZip64,
    kExtraSkip,
    kStored,
    kUnchecked,
    kInflateRest,
    kDescriptor,
    kDescriptorRest,
  };

  // What the end record and the central directory say, for Finish.
  struct Central {
    std::uint64_t entries = 0;    // As the end record says.
    std::uint64_t cd_offset = 0;  // Where the central directory starts.
    bool walked = false;          // Every central entry was read: crc_sum.
    std::uint64_t crc_sum = 0;
  };

  void OnSignature(std::uint32_t signature) {
    if (signature == kLocalSignature) {
      entry_offset_ = offset() - 4;
      state_ = State::kHeader;
      return Need(26);
    }
    walk_end_ = offset() - 4;
    if (signature == kCentralSignature || signature == kEndSignature ||
        signature == kZip64EndSignature || signature == kExtraDataSignature) {
      return Done();
    }
    Stop("no local header at offset " + Num(walk_end_));
  }

  // The local file header after its signature (APPNOTE 4.3.7).
  void OnHeader(ByteView h) {
    flags_ = h.U16Le(2).value_or(0);
    method_ = h.U16Le(4).value_or(0);
    local_crc_ = h.U32Le(10).value_or(0);
    packed_ = h.U32Le(14).value_or(0);
    unpacked_ = h.U32Le(18).value_or(0);
    extra_left_ = h.U16Le(24).value_or(0);
    zip64_ = false;
    state_ = State::kName;
    Skip(h.U16Le(22).value_or(0));
  }

  void NextExtra() {
    if (extra_left_ >= 4) {
      state_ = State::kExtraHeader;
      return Need(4);
    }
    if (extra_left_ > 0) {
      state_ = State::kExtraSkip;
      const std::uint64_t rest = extra_left_;
      extra_left_ = 0;
      return Skip(rest);
    }
    EntryData();
  }

  void EntryData() {
    crc_ = 0;
    inflated_ = 0;
    consumed_ = 0;
    const bool encrypted = (flags_ & 1) != 0;
    descriptor_follows_ = (flags_ & 8) != 0;
    if (descriptor_follows_) {
      // The sizes follow the data: only a deflate stream says where it ends.
      if (encrypted || method_ != 8) {
        return Stop("an entry whose size only its data descriptor gives");
      }
      return StartInflate();
    }
    if (encrypted || (method_ != 0 && method_ != 8)) {
      ++unchecked_;
      state_ = State::kUnchecked;
      return Skip(packed_);
    }
    if (method_ == 0) {
      state_ = State::kStored;
      return Skip(packed_);
    }
    left_ = packed_;
    StartInflate();
  }

  void StartInflate() {
    if (total_inflated_ > limits::kMaxVerifyInflateBytes) {
      if (descriptor_follows_) return Stop("inflate limit reached");
      ++unchecked_;
      state_ = State::kUnchecked;
      return Skip(packed_);
    }
    const int ready = inflate_ready_
                          ? inflateReset(&zs_)
                          : inflateInit2_(&zs_, -15, ZLIB_VERSION,
                                          static_cast<int>(sizeof(z_stream)));
    if (ready != Z_OK) return Stop("cannot start inflate");
    inflate_ready_ = true;
    Scan();
  }

  // The deflate stream of the current entry ended.
  void InflateEnd() {
    if (descriptor_follows_) {
      state_ = State::kDescriptor;
      return Need(4);
    }
    if (left_ > 0) {
      // Bytes after the deflate stream, inside the entry's size: allowed,
      // and not under the CRC.
      const std::uint64_t rest = left_;
      left_ = 0;
      // Check now; the rest is skipped.
      EntryEndInflated();
      if (failed()) return;
      state_ = State::kInflateRest;
      return Skip(rest);
    }
    EntryEndInflated();
    if (!failed()) NextEntry();
  }

  void EntryEndInflated() {
    if (crc_ != local_crc_ || inflated_ != unpacked_) {
      return Fail(EntryName() + (crc_ != local_crc_ ? " fails its CRC-32"
                                                    : " has the wrong size"));
    }
    Checked(crc_);
  }

  // Stored data or a data descriptor: compare with what was computed.
  void EntryEnd(std::uint32_t crc, std::uint64_t packed,
                std::uint64_t unpacked) {
    const bool stored = state_ == State::kStored;
    const std::uint32_t want = stored ? local_crc_ : crc;
    const std::uint64_t size = stored ? packed_ : inflated_;
    if (crc_ != want) return Fail(EntryName() + " fails its CRC-32");
    if (size != unpacked || (!stored && consumed_ != packed) ||
        (stored && unpacked_ != packed)) {
      return Fail(EntryName() + " has the wrong size");
    }
    Checked(crc_);
    NextEntry();
  }

  void Checked(std::uint32_t crc) {
    ++checked_;
    crc_sum_ += CrcMix(crc);
  }

  void NextEntry() {
    if (state_ == State::kUnchecked) crc_sum_ += CrcMix(local_crc_);
    ++entries_;
    state_ = State::kSignature;
    Need(4);
  }

  std::string EntryName() const {
    return "entry " + Num(entries_) + " at offset " + Num(entry_offset_);
  }

  // The walk cannot go on (an entry it cannot delimit): the archive is
  // judged by its structure alone.
  void Stop(std::string why) {
    stopped_ = std::move(why);
    Done();
  }

  Verification CheckStructure(const FileWindow& w, Central& central);
  static Verification FromHeadOnly(const FileWindow& w, std::uint64_t entries,
                                   std::uint64_t cd_size);
  static std::string_view KindLabel(FileKind kind) {
    return kind == FileKind::kOoxml ? "OOXML"
           : kind == FileKind::kOdf ? "ODF"
                                    : "ZIP";
  }
  static bool IsOdfMimetype(const FileWindow& w, std::uint64_t local);
  static Verification WalkCentralDirectory(const FileWindow& w, ByteView cd,
                                           std::uint64_t entries,
                                           std::uint64_t cd_offset,
                                           Central& central);

  State state_ = State::kSignature;
  // The current local entry.
  std::uint64_t entry_offset_ = 0;
  std::uint16_t flags_ = 0;
  std::uint16_t method_ = 0;
  std::uint32_t local_crc_ = 0;
  std::uint64_t packed_ = 0;
  std::uint64_t unpacked_ = 0;
  std::uint64_t extra_left_ = 0;
  std::uint64_t extra_skip_ = 0;
  bool zip64_ = false;
  bool descriptor_follows_ = false;
  std::uint64_t left_ = 0;      // Deflated bytes left (size known).
  std::uint64_t consumed_ = 0;  // Deflated bytes read.
  std::uint64_t inflated_ = 0;  // Bytes inflated.
  std::uint32_t crc_ = 0;       // Of the entry's uncompressed data.
  Bytes descriptor_;
  // The whole walk.
  std::uint64_t entries_ = 0;
  std::uint64_t checked_ = 0;
  std::uint64_t unchecked_ = 0;
  std::uint64_t crc_sum_ = 0;
  std::uint64_t total_inflated_ = 0;
  std::uint64_t walk_end_ = 0;
  std::string stopped_;
  z_stream zs_{};
  bool inflate_ready_ = false;
  std::array<std::uint8_t, 16384> out_{};
};

Verification ZipChecker::CheckStructure(const FileWindow& w, Central& central) {
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
    return bad("central directory at " + Num(cd_offset) + " (+" + Num(cd_size) +
               ") does not end at the end record " + Num(cd_end));
  }
  if (empty_archive) {
    if (entries != 0 || w.size != 22u + tail.U16Le(*eocd + 20).value_or(0)) {
      return bad("malformed empty archive");
    }
    return Valid(FileKind::kZip, "ZIP: empty archive");
  }
  central.entries = entries;
  central.cd_offset = cd_offset;
  auto cd = w.At(cd_offset, static_cast<std::size_t>(cd_size));
  if (!cd) return FromHeadOnly(w, entries, cd_size);
  return WalkCentralDirectory(w, *cd, entries, cd_offset, central);
}

// The central directory is too large for the window: classify by the
// first local header.
Verification ZipChecker::FromHeadOnly(const FileWindow& w,
                                      std::uint64_t entries,
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

// True if the entry whose local header is at `local` is a stored
// `mimetype` naming an OpenDocument type.
bool ZipChecker::IsOdfMimetype(const FileWindow& w, std::uint64_t local) {
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

Verification ZipChecker::WalkCentralDirectory(const FileWindow& w, ByteView cd,
                                              std::uint64_t entries,
                                              std::uint64_t cd_offset,
                                              Central& central) {
  auto bad = [](const std::string& d) {
    return Invalid(FileKind::kZip, "ZIP: " + d);
  };
  FileKind kind = FileKind::kZip;
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    auto fixed = cd.Sub(at, 46);
    if (!fixed || !fixed->StartsWith(ByteView::FromString("PK\x01\x02"))) {
      return bad("central directory entry " + Num(i) + " is damaged");
    }
    const std::uint16_t method = fixed->U16Le(10).value_or(0);
    const std::uint32_t crc = fixed->U32Le(16).value_or(0);
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
    central.crc_sum += CrcMix(crc);
    if (*name == ByteView::FromString("[Content_Types].xml")) {
      kind = FileKind::kOoxml;
    }
    if (i == 0 && *name == ByteView::FromString("mimetype") &&
        IsOdfMimetype(w, local)) {
      kind = FileKind::kOdf;
    }
    if (local == 0xFFFFFFFF) continue;  // ZIP64
    if (local >= cd_offset) {
      return bad("entry " + Num(i) + " points past the central directory");
    }
    auto header = w.At(local, 30 + name_length);
    if (!header) continue;  // in the unretained middle of a large file
    if (!header->StartsWith(ByteView::FromString("PK\x03\x04")) ||
        !(header->Last(name_length) == *name) ||
        header->U16Le(8).value_or(0) != method) {
      return bad("local header of entry " + Num(i) + " at offset " +
                 Num(local) + " does not match the central directory");
    }
  }
  if (at != cd.size()) {
    return bad("central directory holds more than its " + Num(entries) +
               " entries");
  }
  central.walked = true;
  return Valid(kind, std::string(KindLabel(kind)) + ": " + Num(entries) +
                         " entries, central directory intact");
}

}  // namespace

std::unique_ptr<KindChecker> MakeZipChecker() {
  return std::make_unique<ZipChecker>();
}

}  // namespace kintsugi::formats::internal
