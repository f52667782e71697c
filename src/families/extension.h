#pragma once

// A file name's last extension as the decryptors compare it.

#include <string>
#include <string_view>

#include "recover/decryptor.h"

namespace kintsugi::families {

// The extension after the last dot of `name`, lower-case, without the dot
// ("report.PDF" -> "pdf"); empty when there is none or it is empty.
inline std::string LowerExtension(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return {};
  return recover::AsciiLower(name.substr(dot + 1));
}

}  // namespace kintsugi::families
