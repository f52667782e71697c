#include "recover/journal.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"

namespace kintsugi::recover {
namespace {

constexpr std::string_view kSegmentPrefix = "segment-";
constexpr std::string_view kSegmentSuffix = ".log";

std::string RandomHex(std::size_t bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  Bytes raw(bytes);
  for (auto& b : raw) b = static_cast<std::uint8_t>(rng());
  return ToHex(raw);
}

// The strict form of our temporary names, as MakeTempName makes them:
// ".<name>.kintsugi-tmp-<16 lowercase hex digits>". Only such a name is ever
// removed on a journal's word.
bool IsMadeTempName(std::string_view name) {
  constexpr std::size_t kRandomDigits = 16;
  if (!IsTempName(name) ||
      name.size() < 1 + kTempMarker.size() + kRandomDigits) {
    return false;
  }
  const std::string_view tail =
      name.substr(name.size() - kTempMarker.size() - kRandomDigits);
  if (tail.substr(0, kTempMarker.size()) != kTempMarker) return false;
  for (char c : tail.substr(kTempMarker.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// No "." or ".." component: the path names the file it spells, so a record
// cannot point a removal somewhere else through a parent reference.
bool IsPlainPath(const Path& path) {
  for (const Path& part : path) {
    if (part == "." || part == "..") return false;
  }
  return true;
}

// "segment-<20-digit sequence>-<random>.log": the sequence orders segments.
std::optional<std::uint64_t> SegmentSequence(std::string_view name) {
  if (name.size() < kSegmentPrefix.size() + 20 ||
      name.substr(0, kSegmentPrefix.size()) != kSegmentPrefix ||
      name.size() < kSegmentSuffix.size() ||
      name.substr(name.size() - kSegmentSuffix.size()) != kSegmentSuffix) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (char c : name.substr(kSegmentPrefix.size(), 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

bool Exists(FileSystem& fs, const Path& path) {
  return fs.Stat(path, false).has_value();
}

}  // namespace

bool IsTempName(std::string_view name) {
  return !name.empty() && name.front() == '.' &&
         name.find(kTempMarker) != std::string_view::npos;
}

std::string MakeTempName(std::string_view output_name) {
  // Keep well under NAME_MAX (255) whatever the output name.
  constexpr std::size_t kMaxShown = 120;
  return "." + std::string(output_name.substr(0, kMaxShown)) +
         std::string(kTempMarker) + RandomHex(8);
}

Journal::Journal(FileSystem& fs, Path dir, bool read_only)
    : fs_(fs), dir_(std::move(dir)), read_only_(read_only) {}

Journal::~Journal() {
  if (segment_) segment_->Close().IgnoreError();
}

Result<std::unique_ptr<Journal>> Journal::Open(FileSystem& fs, const Path& dir,
                                               bool read_only) {
  std::unique_ptr<Journal> journal(new Journal(fs, dir, read_only));
  auto info = fs.Stat(dir, true);
  if (info && info->type != FileType::kDirectory) {
    return AlreadyExistsError(dir.string() + " exists and is not a folder");
  }
  if (!info) {
    if (info.error().code() != StatusCode::kNotFound) return info.status();
    if (read_only) return journal;
    KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(dir));
    KINTSUGI_RETURN_IF_ERROR(fs.SyncDir(dir.parent_path()));
  }
  KINTSUGI_RETURN_IF_ERROR(journal->Load());
  if (!read_only) KINTSUGI_RETURN_IF_ERROR(journal->Recover());
  return journal;
}

Status Journal::Load() {
  KINTSUGI_ASSIGN_OR_RETURN(auto entries, fs_.ListDir(dir_));
  std::vector<std::pair<std::uint64_t, Path>> segments;
  for (const DirEntry& entry : entries) {
    if (entry.type != FileType::kRegular) continue;
    if (auto seq = SegmentSequence(entry.name)) {
      segments.emplace_back(*seq, dir_ / entry.name);
      next_sequence_ = std::max(next_sequence_, *seq + 1);
    }
  }
  std::sort(segments.begin(), segments.end());
  for (const auto& [seq, path] : segments) {
    KINTSUGI_ASSIGN_OR_RETURN(
        Bytes bytes, ReadWholeFile(fs_, path, limits::kMaxJournalBytes));
    SegmentParse parse = ParseJournalSegment(bytes);
    // docs/journal-format.md, "Compatibility": refused, and left as it is.
    if (parse.end == SegmentEnd::kLegacyText) {
      return UnsupportedError(
          path.string() +
          " is in the text format of an older Kintsugi, which this version "
          "does not read; remove the folder " +
          dir_.string() +
          " and run again (outputs already written are recognised by their "
          "content and kept)");
    }
    if (parse.end == SegmentEnd::kUnsupportedVersion) {
      return UnsupportedError(fmt::format(
          "{} is a journal of version {}, which this Kintsugi does not read "
          "(versions {} to {}); use the newer version, or remove the folder "
          "{}",
          path.string(), parse.version, kOldestJournalVersion, kJournalVersion,
          dir_.string()));
    }
    old_segments_.push_back(path);
    ++load_report_.segments;
    load_report_.records += parse.records.size();
    if (parse.end != SegmentEnd::kClean) {
      const std::size_t ignored = bytes.size() - parse.valid_bytes;
      ++load_report_.damaged_segments;
      load_report_.bytes_ignored += ignored;
      const std::string damage =
          fmt::format("{}: {} at byte {}", path.filename().string(),
                      SegmentEndName(parse.end), parse.valid_bytes);
      if (load_report_.first_damage.empty()) {
        load_report_.first_damage = damage;
      }
      Log(LogLevel::kWarning,
          "journal {}; the {} bytes from there on are ignored", damage,
          ignored);
    }
    for (JournalRecord& record : parse.records) {
      const std::string key = record.encrypted.native();
      switch (record.type) {
        case RecordType::kBegin:
          in_flight_[key] =
              InFlight{std::move(record.temp), std::nullopt, std::nullopt};
          done_.erase(key);
          break;
        case RecordType::kCommitting:
          in_flight_[key] =
              InFlight{std::move(record.temp), std::move(record.final_path),
                       record.digest};
          break;
        case RecordType::kFinished:
          outputs_.insert(record.final_path.native());
          done_[key] =
              Done{std::move(record.final_path), record.status, record.digest};
          in_flight_.erase(key);
          break;
        case RecordType::kAbandoned:
          in_flight_.erase(key);
          break;
      }
    }
  }
  return Status::Ok();
}

Status Journal::Recover() {
  // Settle every in-flight file (the header comment has the rules).
  for (const auto& [encrypted, flight] : in_flight_) {
    auto temp_info = fs_.Stat(flight.temp, /*follow_symlinks=*/false);
    if (temp_info) {
      // Only our own temporary, a plain file where the record put it:
      // beside the final name it was to take (C), never the encrypted file.
      const bool ours =
          temp_info->type == FileType::kRegular &&
          IsMadeTempName(flight.temp.filename().native()) &&
          IsPlainPath(flight.temp) && flight.temp.native() != encrypted &&
          (!flight.final_path ||
           flight.final_path->parent_path() == flight.temp.parent_path());
      if (ours) {
        KINTSUGI_RETURN_IF_ERROR(fs_.Remove(flight.temp));
        KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(flight.temp.parent_path()));
        ++stale_removed_;
      }
      continue;
    }
    if (flight.final_path && Exists(fs_, *flight.final_path)) {
      // Its status by the name it was to take (CandidateName).
      const std::string ext = flight.final_path->extension().native();
      const RecoverStatus status =
          ext == ".unverified" ? RecoverStatus::kUnverified
          : ext == ".partial"  ? RecoverStatus::kPartial
                               : RecoverStatus::kRecovered;
      done_[encrypted] = Done{*flight.final_path, status, flight.digest};
      outputs_.insert(flight.final_path->native());
    }
  }
  in_flight_.clear();
  // Compact: one new segment with every finished file, then drop the old.
  // A file done by a version-1 journal has no digest to write: it is left
  // out, like a file never done, since its output cannot be checked
  // (docs/journal-format.md, "Compatibility"); it stays in done_ for this
  // run, which redoes it and records it anew.
  KINTSUGI_RETURN_IF_ERROR(StartSegment());
  Bytes compacted;
  for (const auto& [encrypted, done] : done_) {
    if (!done.digest) continue;
    JournalRecord record;
    record.type = RecordType::kFinished;
    record.encrypted = Path(encrypted);
    record.final_path = done.output;
    record.status = done.status;
    record.digest = done.digest;
    KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes, EncodeJournalRecord(record));
    compacted.insert(compacted.end(), bytes.begin(), bytes.end());
  }
  if (!compacted.empty()) {
    KINTSUGI_RETURN_IF_ERROR(segment_->Append(compacted));
  }
  KINTSUGI_RETURN_IF_ERROR(segment_->Sync());
  for (const Path& old : old_segments_) {
    KINTSUGI_RETURN_IF_ERROR(fs_.Remove(old));
  }
  if (!old_segments_.empty()) KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  old_segments_.clear();
  return Status::Ok();
}

Status Journal::StartSegment() {
  const std::string name =
      fmt::format("{}{:020d}-{}{}", kSegmentPrefix, next_sequence_,
                  RandomHex(4), kSegmentSuffix);
  ++next_sequence_;
  const Path path = dir_ / name;
  KINTSUGI_ASSIGN_OR_RETURN(auto segment, fs_.CreateNew(path));
  // The header is synced with the first record; a crash before that leaves
  // an empty or torn-header segment, which loading counts and ignores.
  Status written = segment->Append(EncodeJournalHeader());
  if (written.ok()) written = fs_.SyncDir(dir_);
  if (!written.ok()) {
    // Not one empty segment per record while the disk stays full.
    segment->Close().IgnoreError();
    fs_.Remove(path).IgnoreError();
    return written;
  }
  segment_ = std::move(segment);
  return Status::Ok();
}

std::optional<Journal::Done> Journal::FindDone(const Path& encrypted) const {
  std::lock_guard lock(mutex_);
  auto it = done_.find(encrypted.native());
  if (it == done_.end()) return std::nullopt;
  return it->second;
}

bool Journal::IsOutput(const Path& path) const {
  std::lock_guard lock(mutex_);
  return outputs_.count(path.native()) > 0;
}

Status Journal::Append(const JournalRecord& record) {
  if (read_only_) return Status::Ok();
  KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes, EncodeJournalRecord(record));
  std::lock_guard lock(mutex_);
  Status written = segment_ ? Status::Ok() : StartSegment();
  if (written.ok()) written = segment_->Append(bytes);
  if (written.ok()) written = segment_->Sync();
  if (!written.ok() && segment_) {
    // Whatever reached the disk of this record is a torn tail now: later
    // records go to a new segment, where they stay readable.
    segment_->Close().IgnoreError();
    segment_.reset();
  }
  if (!written.ok() && write_failure_.ok()) {
    write_failure_ = IoError(fmt::format(
        "cannot write the journal in {}: {} (free some space, or use "
        "--journal DIR to keep it elsewhere, then run again)",
        dir_.string(), written.message()));
    write_failed_ = true;
  }
  return written;
}

Status Journal::write_failure() const {
  std::lock_guard lock(mutex_);
  return write_failure_;
}

Status Journal::Begin(const Path& encrypted, const Path& temp) {
  JournalRecord record;
  record.type = RecordType::kBegin;
  record.encrypted = encrypted;
  record.temp = temp;
  return Append(record);
}

Status Journal::Committing(const Path& encrypted, const Path& temp,
                           const Path& final_path, const OutputDigest& digest) {
  JournalRecord record;
  record.type = RecordType::kCommitting;
  record.encrypted = encrypted;
  record.temp = temp;
  record.final_path = final_path;
  record.digest = digest;
  return Append(record);
}

Status Journal::Finished(const Path& encrypted, const Path& final_path,
                         RecoverStatus status, const OutputDigest& digest) {
  JournalRecord record;
  record.type = RecordType::kFinished;
  record.encrypted = encrypted;
  record.final_path = final_path;
  record.status = status;
  record.digest = digest;
  KINTSUGI_RETURN_IF_ERROR(Append(record));
  std::lock_guard lock(mutex_);
  done_[encrypted.native()] = Done{final_path, status, digest};
  outputs_.insert(final_path.native());
  return Status::Ok();
}

Status Journal::Abandoned(const Path& encrypted) {
  JournalRecord record;
  record.type = RecordType::kAbandoned;
  record.encrypted = encrypted;
  return Append(record);
}

}  // namespace kintsugi::recover
