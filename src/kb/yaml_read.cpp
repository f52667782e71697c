// The YAML reading helpers of the KB format's parsers (yaml_read.h).

#include "kb/yaml_read.h"

#include "kintsugi/limits.h"

namespace kintsugi::kb::internal::yaml {

[[noreturn]] void Fail(const YAML::Node& node, std::string message) {
  throw FormatError{node.Mark().line + 1, std::move(message)};
}

std::string Scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) {
    Fail(node, "'" + std::string(key) + "' must be a string");
  }
  const std::string& value = node.Scalar();
  if (value.size() > limits::kMaxPatternBytes * 64) {
    Fail(node, "'" + std::string(key) + "' is too long");
  }
  return value;
}

bool Bool(const YAML::Node& node, std::string_view key) {
  std::string value = Scalar(node, key);
  if (value == "true") return true;
  if (value == "false") return false;
  Fail(node, "'" + std::string(key) + "' must be true or false");
}

std::vector<std::string> StringList(const YAML::Node& node,
                                    std::string_view key) {
  if (!node.IsSequence()) {
    Fail(node, "'" + std::string(key) + "' must be a list");
  }
  std::vector<std::string> out;
  out.reserve(node.size());
  for (const auto& item : node) out.push_back(Scalar(item, key));
  return out;
}

std::vector<Source> Sources(const YAML::Node& node) {
  std::vector<Source> out;
  for (const auto& text : StringList(node, "sources")) {
    std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
      Fail(node, "source '" + text + "' must be 'dataset:entry'");
    }
    out.push_back({text.substr(0, colon), text.substr(colon + 1)});
  }
  return out;
}

}  // namespace kintsugi::kb::internal::yaml
