#include "kintsugi/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

#include "core/utf8.h"

namespace kintsugi {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kWarning};
std::mutex g_sink_mutex;
LogSink& Sink() {
  static LogSink sink;
  return sink;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      break;
  }
  return "";
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 for invalid
// bytes and for the characters a terminal or a reader would act on.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const std::optional<Utf8Char> c = DecodeUtf8(text, i);
  if (!c) return 0;
  const std::uint32_t code = c->code;
  // C1 controls (U+0080..U+009F) are terminal controls too; bidirectional
  // controls make a name display as another (ASSURANCE.md).
  if (code >= 0x80 && code <= 0x9F) return 0;
  if (code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
      (code >= 0x2066 && code <= 0x2069)) {
    return 0;
  }
  return c->length;
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(); }

void SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  Sink() = std::move(sink);
}

std::string SanitizeForLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += (c == '\t') ? ' ' : '?';
      ++i;
      continue;
    }
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      // One '?' for an invalid byte; a whole rejected sequence (C1, bidi)
      // is skipped as a unit below.
      out += '?';
      ++i;
      while (i < text.size() &&
             (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
        ++i;
      }
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

namespace internal {
void EmitLog(LogLevel level, std::string message) {
  const std::string clean = SanitizeForLog(message);
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  if (Sink()) {
    Sink()(level, clean);
    return;
  }
  std::fprintf(stderr, "kintsugi: %.*s: %s\n",
               static_cast<int>(LevelName(level).size()),
               LevelName(level).data(), clean.c_str());
}
}  // namespace internal

}  // namespace kintsugi
