#pragma once

// Test-only: checks a JSON document against a shape, a JSON Schema in
// miniature that lists every key. A shape is
//   "string" | "number" | "integer" | "boolean" | "null" | "object" |
//   "array", or several joined by '|' ("null|string"): the value's type;
//   {"key": shape, "optional?": shape}: an object with exactly these keys
//   (a key ending in '?' may be absent);
//   [shape]: an array whose every element has the shape.
// Shapes live in tests/json/*.shape.json, beside docs/cli.md's examples.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kintsugi::testing {

inline bool HasJsonType(const nlohmann::json& value, std::string_view type) {
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") return value.is_number_integer();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  return false;
}

// Appends one line per mismatch ("$.candidates[0].score: want number").
inline void CheckJsonShape(const nlohmann::json& value,
                           const nlohmann::json& shape, const std::string& at,
                           std::vector<std::string>& errors) {
  if (shape.is_string()) {
    const std::string types = shape.get<std::string>();
    std::size_t start = 0;
    while (start <= types.size()) {
      const std::size_t bar = std::min(types.find('|', start), types.size());
      if (HasJsonType(value,
                      std::string_view(types).substr(start, bar - start))) {
        return;
      }
      start = bar + 1;
    }
    errors.push_back(at + ": want " + types + ", got " + value.dump());
    return;
  }
  if (shape.is_array()) {
    if (!value.is_array()) {
      errors.push_back(at + ": want an array");
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      CheckJsonShape(value[i], shape.at(0), at + "[" + std::to_string(i) + "]",
                     errors);
    }
    return;
  }
  if (!value.is_object()) {
    errors.push_back(at + ": want an object");
    return;
  }
  for (const auto& [key, sub] : shape.items()) {
    const bool optional = !key.empty() && key.back() == '?';
    const std::string name = optional ? key.substr(0, key.size() - 1) : key;
    if (!value.contains(name)) {
      if (!optional) errors.push_back(at + ": missing \"" + name + "\"");
      continue;
    }
    CheckJsonShape(value[name], sub, at + "." + name, errors);
  }
  for (const auto& [key, sub] : value.items()) {
    if (!shape.contains(key) && !shape.contains(key + "?")) {
      errors.push_back(at + ": unexpected \"" + key + "\"");
    }
  }
}

inline std::vector<std::string> JsonShapeErrors(const nlohmann::json& value,
                                                const nlohmann::json& shape) {
  std::vector<std::string> errors;
  CheckJsonShape(value, shape, "$", errors);
  return errors;
}

}  // namespace kintsugi::testing
