#pragma once

// Checks shared by both FileSystem implementations so that they refuse the
// same paths.

#include <cerrno>
#include <string>

#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::io {

// A path with an embedded NUL would be silently cut short by the C API and
// name another file: refuse it (kInvalidArgument).
// A component longer than NAME_MAX (255 bytes on Linux's file systems) is
// refused as the kernel refuses it (ENAMETOOLONG), so that the in-memory
// file system fails where a real one would.
inline Status CheckPath(const Path& path) {
  if (path.native().find('\0') != std::string::npos) {
    return InvalidArgumentError("path contains a NUL byte");
  }
  constexpr std::size_t kNameMax = 255;
  for (const Path& part : path) {
    if (part.native().size() > kNameMax) {
      return ErrnoToStatus(ENAMETOOLONG, path.native());
    }
  }
  return Status::Ok();
}

}  // namespace kintsugi::io
