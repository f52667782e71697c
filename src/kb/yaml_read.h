#pragma once

// The YAML reading helpers of the KB format's parsers (kb_format.cpp for
// family files, kb_lists.cpp for the allow, disable and group lists).
// yaml-cpp throws; so do these (FormatError); Guarded turns every exception
// into a kCorrupt Status with file:line taken from the YAML mark.

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi::kb::internal::yaml {

// Thrown by the parsers only, caught by Guarded.
struct FormatError {
  int line;
  std::string message;
};

[[noreturn]] void Fail(const YAML::Node& node, std::string message);
std::string Scalar(const YAML::Node& node, std::string_view key);
bool Bool(const YAML::Node& node, std::string_view key);
std::vector<std::string> StringList(const YAML::Node& node,
                                    std::string_view key);
// "dataset:entry" strings (docs/kb-format.md §4).
std::vector<Source> Sources(const YAML::Node& node);
inline int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

// Calls `handle(key, value)` for each entry of a mapping; a key the handler
// does not know is an error (typos are caught).
template <typename Handler>
void ForEachKey(const YAML::Node& node, std::string_view what,
                Handler&& handle) {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a mapping");
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    std::string key = Scalar(key_node, "key");
    if (!seen.insert(key).second) {
      Fail(key_node, "duplicate key '" + key + "' in " + std::string(what));
    }
    if (!handle(key, entry.second)) {
      Fail(key_node, "unknown key '" + key + "' in " + std::string(what));
    }
  }
}

template <typename T, typename F>
std::vector<T> List(const YAML::Node& node, std::string_view key,
                    F&& parse_one) {
  if (!node.IsSequence()) {
    Fail(node, "'" + std::string(key) + "' must be a list");
  }
  std::vector<T> out;
  out.reserve(node.size());
  for (const auto& item : node) out.push_back(parse_one(item));
  return out;
}

// Runs `parse` on the document in `text`, turning every exception into a
// kCorrupt Status with file:line.
template <typename F>
Status Guarded(std::string_view text, const std::string& file, F&& parse) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) {
      return CorruptError(file + ":1: empty document");
    }
    parse(root);
    return Status::Ok();
  } catch (const FormatError& e) {
    return CorruptError(file + ":" + std::to_string(e.line) + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return CorruptError(file + ":" + std::to_string(e.mark.line + 1) + ": " +
                        e.msg);
  } catch (const std::exception& e) {
    return CorruptError(file + ": " + e.what());
  }
}

}  // namespace kintsugi::kb::internal::yaml
