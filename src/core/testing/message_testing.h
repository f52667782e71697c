#pragma once

// Reading a library's answer (a Message with arguments) in unit tests.

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "kintsugi/message.h"

namespace kintsugi::testing {

// The message `id`: `message` itself or one nested in its arguments, at
// any depth; null when there is none.
inline const Message* Nested(const Message& message, MessageId id) {
  if (message.id == id) return &message;
  for (const MessageArg& arg : message.args) {
    if (const auto* inner = std::get_if<std::vector<Message>>(&arg.value)) {
      for (const Message& m : *inner) {
        if (const Message* found = Nested(m, id)) return found;
      }
    }
  }
  return nullptr;
}

// The integer argument `name` of `message`; -1 when it has none.
inline std::int64_t ArgNumber(const Message& message, std::string_view name) {
  for (const MessageArg& arg : message.args) {
    if (arg.name != name) continue;
    if (const auto* value = std::get_if<std::int64_t>(&arg.value)) {
      return *value;
    }
  }
  return -1;
}

}  // namespace kintsugi::testing
