#include "recover/journal_format.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/crc32c.h"

namespace kintsugi::recover {
namespace {

// docs/journal-format.md, "Segment header": like PNG's signature, a high
// byte first (a 7-bit channel breaks it, and no record of the older text
// format starts with it), then CR LF, ^Z and LF (line-ending conversion
// breaks it).
constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 'K',  'S',  'J',
                                                0x0D, 0x0A, 0x1A, 0x0A};
// Payload status bytes of a kFinished record.
constexpr std::uint8_t kStatusRecovered = 1;
constexpr std::uint8_t kStatusUnverified = 2;
constexpr std::uint8_t kStatusPartial = 3;

void PutU16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xFFu));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

void PutU32(Bytes& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFFu));
  }
}

void PutU64(Bytes& out, std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) {
    out.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFFu));
  }
}

// docs/journal-format.md, "Record types": the record types that carry an
// output's digest in version 2.
bool CarriesDigest(RecordType type) {
  return type == RecordType::kCommitting || type == RecordType::kFinished;
}

// A digest field (version 2): u64 size, then the 16 bytes of the XXH3-128.
Result<OutputDigest> ReadDigest(ByteReader& reader) {
  OutputDigest digest;
  KINTSUGI_ASSIGN_OR_RETURN(digest.size, reader.ReadU64Le());
  KINTSUGI_ASSIGN_OR_RETURN(ByteView hash,
                            reader.ReadBytes(digest.xxh3.size()));
  std::copy(hash.begin(), hash.end(), digest.xxh3.begin());
  return digest;
}

void PutDigest(Bytes& out, const OutputDigest& digest) {
  PutU64(out, digest.size);
  out.insert(out.end(), digest.xxh3.begin(), digest.xxh3.end());
}

bool IsRecordType(std::uint8_t byte) {
  return byte == 'B' || byte == 'C' || byte == 'D' || byte == 'A';
}

// A path field: u32 length, then that many bytes, none of them NUL.
Result<Path> ReadPath(ByteReader& reader) {
  KINTSUGI_ASSIGN_OR_RETURN(std::uint32_t length, reader.ReadU32Le());
  if (length == 0) return CorruptError("empty path");
  KINTSUGI_ASSIGN_OR_RETURN(ByteView bytes, reader.ReadBytes(length));
  const std::string_view text = bytes.AsChars();
  if (text.find('\0') != std::string_view::npos) {
    return CorruptError("NUL byte in a path");
  }
  return Path(std::string(text));
}

Status PutPath(Bytes& out, const Path& path) {
  const std::string& text = path.native();
  if (text.empty()) return InvalidArgumentError("journal path is empty");
  if (text.find('\0') != std::string::npos) {
    return InvalidArgumentError("journal path holds a NUL byte");
  }
  if (text.size() > kMaxJournalRecordBytes) {
    return ResourceExhaustedError("journal path is too long");
  }
  PutU32(out, static_cast<std::uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
  return Status::Ok();
}

// docs/journal-format.md, "Record types": the payload of a record in a
// segment of `version`.
Result<JournalRecord> DecodePayload(ByteView payload, std::uint16_t version) {
  ByteReader reader(payload);
  JournalRecord record;
  KINTSUGI_ASSIGN_OR_RETURN(std::uint8_t type, reader.ReadU8());
  if (!IsRecordType(type)) return CorruptError("unknown record type");
  record.type = static_cast<RecordType>(type);
  KINTSUGI_ASSIGN_OR_RETURN(record.encrypted, ReadPath(reader));
  switch (record.type) {
    case RecordType::kBegin: {
      KINTSUGI_ASSIGN_OR_RETURN(record.temp, ReadPath(reader));
      break;
    }
    case RecordType::kCommitting: {
      KINTSUGI_ASSIGN_OR_RETURN(record.temp, ReadPath(reader));
      KINTSUGI_ASSIGN_OR_RETURN(record.final_path, ReadPath(reader));
      break;
    }
    case RecordType::kFinished: {
      KINTSUGI_ASSIGN_OR_RETURN(record.final_path, ReadPath(reader));
      KINTSUGI_ASSIGN_OR_RETURN(std::uint8_t status, reader.ReadU8());
      if (status == kStatusRecovered) {
        record.status = RecoverStatus::kRecovered;
      } else if (status == kStatusUnverified) {
        record.status = RecoverStatus::kUnverified;
      } else if (status == kStatusPartial) {
        record.status = RecoverStatus::kPartial;
      } else {
        return CorruptError("unknown status");
      }
      break;
    }
    case RecordType::kAbandoned:
      break;
  }
  if (version >= 2 && CarriesDigest(record.type)) {
    KINTSUGI_ASSIGN_OR_RETURN(record.digest, ReadDigest(reader));
  }
  if (!reader.AtEnd()) return CorruptError("bytes after the last field");
  return record;
}

// The start of a text-format segment: "B ", "C ", "D " or "A ".
bool LooksLikeLegacyText(ByteView segment) {
  auto type = segment.U8(0);
  auto space = segment.U8(1);
  return type && space && IsRecordType(*type) && *space == ' ';
}

}  // namespace

std::string_view SegmentEndName(SegmentEnd end) {
  switch (end) {
    case SegmentEnd::kClean:
      return "clean";
    case SegmentEnd::kTornHeader:
      return "torn header";
    case SegmentEnd::kBadMagic:
      return "not a journal segment";
    case SegmentEnd::kLegacyText:
      return "older text format";
    case SegmentEnd::kBadHeaderChecksum:
      return "header checksum mismatch";
    case SegmentEnd::kUnsupportedVersion:
      return "unsupported version";
    case SegmentEnd::kTruncatedRecord:
      return "truncated record";
    case SegmentEnd::kBadLength:
      return "bad record length";
    case SegmentEnd::kBadChecksum:
      return "record checksum mismatch";
    case SegmentEnd::kMalformedRecord:
      return "malformed record";
  }
  return "unknown";
}

SegmentParse ParseJournalSegment(ByteView segment) {
  SegmentParse parse;
  // docs/journal-format.md, "Loading", step 1: the header.
  if (segment.empty()) return parse;  // Created, crashed before the header.
  const ByteView magic(kMagic.data(), kMagic.size());
  if (!magic.StartsWith(segment.First(magic.size()))) {
    parse.end = LooksLikeLegacyText(segment) ? SegmentEnd::kLegacyText
                                             : SegmentEnd::kBadMagic;
    return parse;
  }
  if (segment.size() < kJournalHeaderBytes) {
    parse.end = SegmentEnd::kTornHeader;
    return parse;
  }
  const std::uint32_t header_crc = Crc32c(segment.First(12));
  if (segment.U32Le(12).value() != header_crc) {
    parse.end = SegmentEnd::kBadHeaderChecksum;
    return parse;
  }
  parse.version = segment.U16Le(8).value();
  const std::uint16_t flags = segment.U16Le(10).value();
  if (parse.version < kOldestJournalVersion ||
      parse.version > kJournalVersion || flags != 0) {
    parse.end = SegmentEnd::kUnsupportedVersion;
    return parse;
  }
  // Step 2: records, until the first one that is not whole and valid.
  std::size_t offset = kJournalHeaderBytes;
  parse.valid_bytes = offset;
  while (offset < segment.size()) {
    const ByteView rest = segment.From(offset).value();
    if (rest.size() < kJournalRecordHeaderBytes) {
      parse.end = SegmentEnd::kTruncatedRecord;
      return parse;
    }
    const std::uint32_t length = rest.U32Le(0).value();
    if (length == 0 || length > kMaxJournalRecordBytes) {
      parse.end = SegmentEnd::kBadLength;
      return parse;
    }
    auto payload = rest.Sub(kJournalRecordHeaderBytes, length);
    if (!payload) {
      parse.end = SegmentEnd::kTruncatedRecord;
      return parse;
    }
    const std::uint32_t crc = Crc32cExtend(Crc32c(rest.First(4)), *payload);
    if (rest.U32Le(4).value() != crc) {
      parse.end = SegmentEnd::kBadChecksum;
      return parse;
    }
    auto record = DecodePayload(*payload, parse.version);
    if (!record) {
      parse.end = SegmentEnd::kMalformedRecord;
      return parse;
    }
    parse.records.push_back(std::move(*record));
    offset += kJournalRecordHeaderBytes + length;
    parse.valid_bytes = offset;
  }
  return parse;
}

Bytes EncodeJournalHeader(std::uint16_t version) {
  Bytes header(kMagic.begin(), kMagic.end());
  PutU16(header, version);
  PutU16(header, 0);  // Flags: none defined in versions 1 and 2.
  PutU32(header, Crc32c(header));
  return header;
}

Result<Bytes> EncodeJournalRecord(const JournalRecord& record,
                                  std::uint16_t version) {
  if (version < kOldestJournalVersion || version > kJournalVersion) {
    return InvalidArgumentError("no such journal version");
  }
  const bool wants_digest = version >= 2 && CarriesDigest(record.type);
  if (wants_digest != record.digest.has_value()) {
    return InvalidArgumentError(
        wants_digest ? "a version-2 C or D record needs the output's digest"
                     : "this record carries no digest in this version");
  }
  Bytes payload;
  payload.push_back(static_cast<std::uint8_t>(record.type));
  KINTSUGI_RETURN_IF_ERROR(PutPath(payload, record.encrypted));
  switch (record.type) {
    case RecordType::kBegin:
      KINTSUGI_RETURN_IF_ERROR(PutPath(payload, record.temp));
      break;
    case RecordType::kCommitting:
      KINTSUGI_RETURN_IF_ERROR(PutPath(payload, record.temp));
      KINTSUGI_RETURN_IF_ERROR(PutPath(payload, record.final_path));
      break;
    case RecordType::kFinished:
      KINTSUGI_RETURN_IF_ERROR(PutPath(payload, record.final_path));
      if (record.status == RecoverStatus::kRecovered) {
        payload.push_back(kStatusRecovered);
      } else if (record.status == RecoverStatus::kUnverified) {
        payload.push_back(kStatusUnverified);
      } else if (record.status == RecoverStatus::kPartial) {
        payload.push_back(kStatusPartial);
      } else {
        return InvalidArgumentError(
            "only a recovered, unverified or partial output is journaled");
      }
      break;
    case RecordType::kAbandoned:
      break;
  }
  if (wants_digest) PutDigest(payload, *record.digest);
  if (payload.size() > kMaxJournalRecordBytes) {
    return ResourceExhaustedError("journal record is too long");
  }
  Bytes out;
  out.reserve(kJournalRecordHeaderBytes + payload.size());
  PutU32(out, static_cast<std::uint32_t>(payload.size()));
  const std::uint32_t crc = Crc32cExtend(Crc32c(out), payload);
  PutU32(out, crc);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace kintsugi::recover
