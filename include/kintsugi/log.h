#pragma once

// Logging that can never carry file or note contents (ASSURANCE.md,
// "Privacy"): messages are built from a format string and scalar or text
// arguments; byte buffers do not compile as arguments, and every message is
// stripped of control characters so a hostile file name cannot drive the
// terminal. Logs go to stderr unless a sink is installed.

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kintsugi/bytes.h"

namespace kintsugi {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarning, kError, kOff };

using LogSink = std::function<void(LogLevel, std::string_view)>;

// Messages below `level` are dropped. Default: kWarning.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Replaces the sink (nullptr restores stderr). For tests and the portal.
void SetLogSink(LogSink sink);

// Removes control characters (C0, DEL, and the ESC sequences they start)
// and invalid UTF-8 from `text`.
std::string SanitizeForLog(std::string_view text);

namespace internal {
void EmitLog(LogLevel level, std::string message);

template <typename T>
inline constexpr bool kIsByteBuffer =
    std::is_same_v<std::remove_cvref_t<T>, ByteView> ||
    std::is_same_v<std::remove_cvref_t<T>, Bytes> ||
    std::is_same_v<std::remove_cvref_t<T>, std::span<const std::uint8_t>> ||
    std::is_same_v<std::remove_cvref_t<T>, std::span<std::uint8_t>>;
}  // namespace internal

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  static_assert((!internal::kIsByteBuffer<Args> && ...),
                "file or note bytes must never be logged");
  if (level < GetLogLevel()) return;
  internal::EmitLog(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kintsugi
