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

std::string PathHex(const Path& path) {
  return ToHex(ByteView::FromString(path.native()));
}

std::optional<Path> HexPath(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes || bytes->empty()) return std::nullopt;
  return Path(std::string(bytes->begin(), bytes->end()));
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  while (!line.empty()) {
    const std::size_t space = line.find(' ');
    fields.push_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return fields;
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
    old_segments_.push_back(path);
    std::string_view text = ByteView(bytes).AsChars();
    while (true) {
      const std::size_t newline = text.find('\n');
      if (newline == std::string_view::npos) break;  // Torn or empty tail.
      const auto fields = SplitFields(text.substr(0, newline));
      text.remove_prefix(newline + 1);
      if (fields.size() < 2) continue;
      const std::string_view kind = fields[0];
      auto encrypted = HexPath(fields[1]);
      if (!encrypted) continue;
      const std::string key = encrypted->native();
      if (kind == "B" && fields.size() == 3) {
        if (auto temp = HexPath(fields[2])) {
          in_flight_[key] = InFlight{*temp, std::nullopt};
          done_.erase(key);
        }
      } else if (kind == "C" && fields.size() == 4) {
        auto temp = HexPath(fields[2]);
        auto final_path = HexPath(fields[3]);
        if (temp && final_path) in_flight_[key] = InFlight{*temp, *final_path};
      } else if (kind == "D" && fields.size() == 4) {
        if (auto final_path = HexPath(fields[2])) {
          const RecoverStatus status = fields[3] == "unverified"
                                           ? RecoverStatus::kUnverified
                                           : RecoverStatus::kRecovered;
          done_[key] = Done{*final_path, status};
          outputs_.insert(final_path->native());
          in_flight_.erase(key);
        }
      } else if (kind == "A") {
        in_flight_.erase(key);
      }
    }
  }
  return Status::Ok();
}

Status Journal::Recover() {
  // Settle every in-flight file (the header comment has the rules).
  for (const auto& [encrypted, flight] : in_flight_) {
    const bool temp_exists = Exists(fs_, flight.temp);
    if (temp_exists) {
      if (IsTempName(flight.temp.filename().native())) {
        KINTSUGI_RETURN_IF_ERROR(fs_.Remove(flight.temp));
        KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(flight.temp.parent_path()));
        ++stale_removed_;
      }
      continue;
    }
    if (flight.final_path && Exists(fs_, *flight.final_path)) {
      const bool unverified =
          flight.final_path->extension().native() == ".unverified";
      done_[encrypted] =
          Done{*flight.final_path, unverified ? RecoverStatus::kUnverified
                                              : RecoverStatus::kRecovered};
      outputs_.insert(flight.final_path->native());
    }
  }
  in_flight_.clear();
  // Compact: one new segment with every finished file, then drop the old.
  const std::string name =
      fmt::format("{}{:020d}-{}{}", kSegmentPrefix, next_sequence_,
                  RandomHex(4), kSegmentSuffix);
  ++next_sequence_;
  KINTSUGI_ASSIGN_OR_RETURN(segment_, fs_.CreateNew(dir_ / name));
  KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  std::string compacted;
  for (const auto& [encrypted, done] : done_) {
    compacted += "D " + PathHex(Path(encrypted)) + " " + PathHex(done.output) +
                 " " + std::string(RecoverStatusName(done.status)) + "\n";
  }
  if (!compacted.empty()) {
    KINTSUGI_RETURN_IF_ERROR(segment_->Append(ByteView::FromString(compacted)));
  }
  KINTSUGI_RETURN_IF_ERROR(segment_->Sync());
  for (const Path& old : old_segments_) {
    KINTSUGI_RETURN_IF_ERROR(fs_.Remove(old));
  }
  if (!old_segments_.empty()) KINTSUGI_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  old_segments_.clear();
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

Status Journal::Append(std::string line) {
  if (read_only_) return Status::Ok();
  std::lock_guard lock(mutex_);
  if (!segment_) return InternalError("journal is not open for writing");
  line += '\n';
  KINTSUGI_RETURN_IF_ERROR(segment_->Append(ByteView::FromString(line)));
  return segment_->Sync();
}

Status Journal::Begin(const Path& encrypted, const Path& temp) {
  return Append("B " + PathHex(encrypted) + " " + PathHex(temp));
}

Status Journal::Committing(const Path& encrypted, const Path& temp,
                           const Path& final_path) {
  return Append("C " + PathHex(encrypted) + " " + PathHex(temp) + " " +
                PathHex(final_path));
}

Status Journal::Finished(const Path& encrypted, const Path& final_path,
                         RecoverStatus status) {
  KINTSUGI_RETURN_IF_ERROR(Append("D " + PathHex(encrypted) + " " +
                                  PathHex(final_path) + " " +
                                  std::string(RecoverStatusName(status))));
  std::lock_guard lock(mutex_);
  done_[encrypted.native()] = Done{final_path, status};
  outputs_.insert(final_path.native());
  return Status::Ok();
}

Status Journal::Abandoned(const Path& encrypted) {
  return Append("A " + PathHex(encrypted));
}

}  // namespace kintsugi::recover
