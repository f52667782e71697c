#include "scan/aggregate.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"
#include "recover/decryptor.h"

namespace kintsugi::scan {
namespace {

constexpr std::int64_t kNsPerMinute = 60'000'000'000;

// What recovering a family's files needs beyond a decryptor, by how the
// decryptor gets its key (docs/cli.md "scan").
std::vector<std::string> NeedsOf(recover::Strategy strategy) {
  switch (strategy) {
    case recover::Strategy::kKeyLookup:
      return {"key-in-store"};
    case recover::Strategy::kHardCodedKey:
      return {};
    case recover::Strategy::kKnownPlaintext:
      return {"original-file"};
    case recover::Strategy::kSeedSearch:
      return {"seed-search"};
  }
  return {};
}

template <typename Key>
std::vector<std::pair<Key, std::uint64_t>> MostFirst(
    const std::map<Key, std::uint64_t>& counts) {
  std::vector<std::pair<Key, std::uint64_t>> sorted(counts.begin(),
                                                    counts.end());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() > limits::kScanListedBuckets) {
    sorted.resize(limits::kScanListedBuckets);
  }
  return sorted;
}

struct FamilyTally {
  FamilyVerdict verdict;
  std::map<std::string, std::uint64_t> decryptors;  // Id -> files.
  Message advice;  // The first file's detail without a decryptor.
};

}  // namespace

std::int64_t MinuteOf(std::int64_t mtime_ns) {
  std::int64_t minute = mtime_ns / kNsPerMinute;
  if (mtime_ns % kNsPerMinute < 0) --minute;  // Before 1970: round down.
  return minute * kNsPerMinute;
}

void Aggregate(std::span<const recover::PreparedDecryptor> runs,
               ScanReport& report) {
  report.counts = {};
  report.counts[static_cast<std::size_t>(ScanClass::kClean)] =
      report.unlisted_clean;
  std::map<std::string, FamilyTally> families;
  std::map<std::int64_t, std::uint64_t> minutes;
  std::map<Path, std::uint64_t> folders;
  std::map<std::string, std::uint64_t> extensions;
  for (const ScannedFile& file : report.files) {
    ++report.counts[static_cast<std::size_t>(file.klass)];
    if (file.klass == ScanClass::kNote && !file.family.empty()) {
      FamilyTally& tally = families[file.family];
      tally.verdict.family = file.family;
      ++tally.verdict.notes;
      if (tally.verdict.note_paths.size() < limits::kScanListedPerFamily) {
        tally.verdict.note_paths.push_back(file.path);
      }
    }
    if (file.klass != ScanClass::kEncrypted) continue;
    FamilyTally& tally = families[file.family];
    FamilyVerdict& verdict = tally.verdict;
    verdict.family = file.family;
    ++verdict.files;
    if (file.recoverable_now) ++verdict.recoverable_now;
    if (file.recoverable_partly) ++verdict.recoverable_partly;
    if (!file.decryptor.empty()) {
      ++tally.decryptors[file.decryptor];
    } else if (tally.advice.id == MessageId::kCount) {
      tally.advice = file.detail;
    }
    if (!file.campaign.empty() &&
        verdict.campaigns.size() < limits::kScanListedPerFamily &&
        std::find(verdict.campaigns.begin(), verdict.campaigns.end(),
                  file.campaign) == verdict.campaigns.end()) {
      verdict.campaigns.push_back(file.campaign);
    }
    report.first_encrypted_ns = std::min(
        report.first_encrypted_ns.value_or(file.mtime_ns), file.mtime_ns);
    report.last_encrypted_ns = std::max(
        report.last_encrypted_ns.value_or(file.mtime_ns), file.mtime_ns);
    ++minutes[MinuteOf(file.mtime_ns)];
    ++folders[file.path.parent_path()];
    ++extensions[recover::AsciiLower(file.path.extension().native())];
  }
  report.per_minute.assign(minutes.begin(), minutes.end());
  report.by_folder = MostFirst(folders);
  report.by_extension = MostFirst(extensions);

  report.families.clear();
  for (auto& [id, tally] : families) {
    FamilyVerdict& verdict = tally.verdict;
    if (tally.decryptors.empty()) {
      // A family known by its notes (or identify) alone: this build's
      // decryptor for it, if any.
      for (const recover::PreparedDecryptor& run : runs) {
        if (run.decryptor->info().family_id == id) {
          ++tally.decryptors[std::string(run.decryptor->info().id)];
          break;
        }
      }
    }
    if (!tally.decryptors.empty()) {
      verdict.decryptor = MostFirst(tally.decryptors).front().first;
      for (const recover::PreparedDecryptor& run : runs) {
        const recover::DecryptorInfo& info = run.decryptor->info();
        if (info.id != verdict.decryptor) continue;
        verdict.strategy = std::string(recover::StrategyName(info.strategy));
        if (verdict.files == 0 || verdict.recoverable_now < verdict.files) {
          verdict.needs = NeedsOf(info.strategy);
          if (info.needs != MessageId::kCount) {
            verdict.advice.push_back(Message{info.needs, {}});
          }
        }
      }
    } else if (tally.advice.id != MessageId::kCount) {
      verdict.advice.push_back(tally.advice);
    }
    report.families.push_back(std::move(verdict));
  }
  std::stable_sort(report.families.begin(), report.families.end(),
                   [](const FamilyVerdict& a, const FamilyVerdict& b) {
                     return a.files != b.files ? a.files > b.files
                                               : a.notes > b.notes;
                   });
}

}  // namespace kintsugi::scan
