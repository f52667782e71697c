// Engine versions (docs/kb-format.md §6): which rules this engine reads.

#include <charconv>
#include <string_view>

#include "kb/kb_format.h"

namespace kintsugi::kb::internal {
namespace {

// "1.2" -> (1, 2); false when it is not two numbers.
bool ParseVersion(std::string_view v, int* major, int* minor) {
  std::size_t dot = v.find('.');
  std::string_view a = v.substr(0, dot);
  std::string_view b = dot == std::string_view::npos ? "0" : v.substr(dot + 1);
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), *major);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), *minor);
  return !a.empty() && !b.empty() && r1.ec == std::errc() &&
         r1.ptr == a.data() + a.size() && r2.ec == std::errc() &&
         r2.ptr == b.data() + b.size();
}

}  // namespace

bool IsNewerThanEngine(std::string_view version) {
  int major = 0, minor = 0, engine_major = 0, engine_minor = 0;
  if (!ParseVersion(version, &major, &minor)) return true;
  ParseVersion(kEngineVersion, &engine_major, &engine_minor);
  return major != engine_major ? major > engine_major : minor > engine_minor;
}

bool IsOlderThan(std::string_view version, std::string_view than) {
  int major = 0, minor = 0, than_major = 0, than_minor = 0;
  if (!ParseVersion(version, &major, &minor)) return true;
  ParseVersion(than, &than_major, &than_minor);
  return major != than_major ? major < than_major : minor < than_minor;
}

}  // namespace kintsugi::kb::internal
