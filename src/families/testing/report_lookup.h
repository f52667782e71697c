#pragma once

// Looking things up in a RecoverReport, for the decryptors' tests.

#include <string>
#include <string_view>
#include <variant>

#include "kintsugi/fs.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families_testing {

// The outcome of the file at `path`; null when the report has none.
inline const FileOutcome* Find(const RecoverReport& report, const Path& path) {
  for (const FileOutcome& f : report.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// The text argument `name` of `message`; empty when it has none.
inline std::string ArgText(const Message& message, std::string_view name) {
  for (const MessageArg& arg : message.args) {
    if (arg.name == name) {
      if (auto* text = std::get_if<std::string>(&arg.value)) return *text;
    }
  }
  return "";
}

}  // namespace kintsugi::families_testing
