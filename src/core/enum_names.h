#pragma once

// Stored names of an enum's values (KeyType, Role, SubmissionState...): one
// table of {value, name} pairs per enum, read both ways.

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "kintsugi/status.h"

namespace kintsugi::internal {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `value`; "" for a value not in the table.
template <typename Enum, std::size_t N>
std::string_view EnumName(const EnumNames<Enum, N>& table, Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value) return name;
  }
  return "";
}

// The value named `name`; kInvalidArgument "unknown WHAT "NAME" (one of:
// ...)" otherwise.
template <typename Enum, std::size_t N>
Result<Enum> ParseEnumName(const EnumNames<Enum, N>& table,
                           std::string_view name, std::string_view what) {
  for (const auto& [entry, entry_name] : table) {
    if (entry_name == name) return entry;
  }
  std::string known;
  for (const auto& [entry, entry_name] : table) {
    known += (known.empty() ? "" : ", ") + std::string(entry_name);
  }
  return InvalidArgumentError(
      fmt::format("unknown {} \"{}\" (one of: {})", what, name, known));
}

}  // namespace kintsugi::internal
