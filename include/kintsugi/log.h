#pragma once

// Logging that can never carry file or note contents (ASSURANCE.md,
// "Privacy"): messages are built from a format string and scalar or text
// arguments; byte buffers do not compile as arguments, and in every message
// each control character (C0, C1, DEL), invalid UTF-8 byte and bidirectional
// override is replaced by '?', so a hostile file name can neither drive the
// terminal nor display as something else. Logs go to stderr unless a sink is
// installed.

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

// Replaces control characters (C0, C1, DEL), invalid UTF-8 and the
// bidirectional controls U+200E/F, U+202A..E, U+2066..9 in `text` with '?'
// (tab becomes a space).
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
