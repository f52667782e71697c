#pragma once

// Where Akira's first searched timestamp T3 lies (recovery-schemes-3.md
// §3.9 "Search space and how to narrow it", §5 "Time evidence"), with the
// provenance of each bound so that a failed search can be widened
// deliberately.
//
// The rule:
//   - --seed-range A-B: [A, B], nothing else.
//   - Else the file's modification time M (the last write follows the key
//     generation): the upper bound is M, or the end of M's second when M
//     is a whole second (VMFS keeps mtimes to the second: the true time is
//     anywhere in it); the lower bound is one second below the upper bound
//     (kLookBack: the encryptor's time for a small file; a large VMDK can
//     take longer, then give --seed-range).
//   - Then each --log FILE (ESXi style: lines starting with an ISO-8601
//     UTC time, milliseconds or finer, e.g. hostd.log, shell.log,
//     vmkernel.log) raises the lower bound to the latest logged time, at or
//     below the upper bound, of a line that names the file (its encrypted
//     or original name) or its folder: the encryptor touched the file after
//     that line was written. Logs never lower a bound or move the upper
//     one.
// The search starts at the upper bound and goes down.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families::akira {

inline constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
inline constexpr std::uint64_t kLookBack = kNsPerSecond;
// Logs are read up to this many bytes each (the tail is what matters less:
// the encryption is near the file's mtime, not the log's end; a bigger
// log is read in part and says so through the bound's provenance).
inline constexpr std::uint64_t kMaxLogBytes = 256ULL << 20;

struct Window {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string first_from;  // "--seed-range", "mtime - 1 s", "log F line N".
  std::string last_from;
};

struct WindowEvidence {
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::optional<std::int64_t> mtime_ns;
  std::vector<Path> logs;
  // Names a log line may mention: the file's names and its folder's.
  std::vector<std::string> names;
};

// nullopt when there is no range and no usable mtime. A log that cannot be
// read is an error (the user named it).
Result<std::optional<Window>> ResolveWindow(ReadOnlyFileSystem& fs,
                                            const WindowEvidence& evidence);

// "2025-03-13T05:28:14.361218022Z" for nanoseconds since the epoch.
std::string UtcNanos(std::uint64_t ns);

// The time at the start of a log line ("2025-03-13T05:28:14.361Z ..."),
// in nanoseconds since the epoch; nullopt when the line does not start
// with one.
std::optional<std::uint64_t> LogLineTime(std::string_view line);

}  // namespace kintsugi::families::akira
