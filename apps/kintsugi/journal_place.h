#pragma once

// Where `kintsugi recover` keeps its journal when neither --journal nor
// --out says (docs/journal-format.md §1): a per-user state folder named by
// the run's inputs, so the same command finds its journal from any folder.
// The environment is read by the caller; these take its values.

#include <string_view>

#include "kintsugi/fs.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"

namespace kintsugi::cli {

// $XDG_STATE_HOME/kintsugi/journals/<RecoverJournalKey(options)>, with
// XDG_STATE_HOME defaulting to $HOME/.local/state. Values that are empty or
// not absolute count as unset (the XDG base directory rule).
// kInvalidArgument when neither is set.
Result<Path> StateJournalDir(const RecoverOptions& options,
                             std::string_view xdg_state_home,
                             std::string_view home);

// Creates `dir` and its missing parents readable by the owner only (0700):
// a journal names the user's files. Folders that exist are left as they are.
Status CreatePrivateDirs(const Path& dir);

}  // namespace kintsugi::cli
