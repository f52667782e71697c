#pragma once

// Checks shared by both FileSystem implementations so that they refuse the
// same paths.

#include <string>

#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::io {

// A path with an embedded NUL would be silently cut short by the C API and
// name another file: refuse it (kInvalidArgument).
inline Status CheckPath(const Path& path) {
  if (path.native().find('\0') != std::string::npos) {
    return InvalidArgumentError("path contains a NUL byte");
  }
  return Status::Ok();
}

}  // namespace kintsugi::io
