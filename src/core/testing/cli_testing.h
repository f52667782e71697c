#pragma once

// Helpers for end-to-end tests that run the built `kintsugi` binary.

#include <stdlib.h>  // mkdtemp

#include <cstdlib>
#include <filesystem>
#include <string>

namespace kintsugi::testing {

// The binary under test ($KINTSUGI_BINARY, set by the test main), or "" when
// unset.
inline std::string KintsugiBinary() {
  const char* binary = std::getenv("KINTSUGI_BINARY");
  return binary == nullptr ? "" : binary;
}

// A new, empty folder of its own under the system's temporary folder
// ("kintsugi-TAG-XXXXXX"): tests that run side by side never share names.
// Empty path when it cannot be made.
inline std::filesystem::path MakeTestDir(const std::string& tag) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("kintsugi-" + tag + "-XXXXXX"))
          .string();
  const char* made = mkdtemp(pattern.data());
  return made == nullptr ? std::filesystem::path()
                         : std::filesystem::path(made);
}

}  // namespace kintsugi::testing
