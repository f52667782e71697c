#include "journal_place.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace kintsugi::cli {

Result<Path> StateJournalDir(const RecoverOptions& options,
                             std::string_view xdg_state_home,
                             std::string_view home) {
  Path state;
  if (!xdg_state_home.empty() && xdg_state_home.front() == '/') {
    state = Path(xdg_state_home);
  } else if (!home.empty() && home.front() == '/') {
    state = Path(home) / ".local" / "state";
  } else {
    return InvalidArgumentError(
        "no folder for the journal: neither XDG_STATE_HOME nor HOME is set "
        "to an absolute path; give --journal DIR or --out DIR");
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::string key, RecoverJournalKey(options));
  return state / "kintsugi" / "journals" / key;
}

Status CreatePrivateDirs(const Path& dir) {
  Path prefix;
  for (const Path& part : dir.lexically_normal()) {
    prefix /= part;
    if (part.empty() || part == "/") continue;
    if (::mkdir(prefix.c_str(), 0700) == 0 || errno == EEXIST) continue;
    const int error = errno;
    const std::string message =
        "cannot create " + prefix.string() + ": " + std::strerror(error);
    return error == EACCES || error == EPERM || error == EROFS
               ? PermissionDeniedError(message)
               : IoError(message);
  }
  return Status::Ok();
}

}  // namespace kintsugi::cli
