#pragma once

// Reading what `kintsugi ... --json` wrote, for the end-to-end tests.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

namespace kintsugi::testing {

// The JSON document in the file at `path`; discarded (is_discarded()) when
// it is not JSON.
inline nlohmann::json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str(), nullptr, /*allow_exceptions=*/false);
}

// The entry of a recover report's "files" whose path ends in `name`; null
// when there is none.
inline const nlohmann::json* FileEntry(const nlohmann::json& report,
                                       std::string_view name) {
  if (!report.contains("files")) return nullptr;
  for (const nlohmann::json& f : report["files"]) {
    if (std::filesystem::path(f["path"].get<std::string>()).filename() ==
        name) {
      return &f;
    }
  }
  return nullptr;
}

// The string at the JSON pointer `pointer` of `j`; empty when it is absent
// or not a string.
inline std::string JsonText(const nlohmann::json& j,
                            const std::string& pointer) {
  const nlohmann::json::json_pointer at(pointer);
  return j.contains(at) && j.at(at).is_string() ? j.at(at).get<std::string>()
                                                : std::string();
}

}  // namespace kintsugi::testing
