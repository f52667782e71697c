#pragma once

// Ctrl-C (SIGINT) and SIGTERM for the whole `kintsugi` command
// (docs/cli.md "recover", issue 16). The handlers are installed on main's
// first line, before the knowledge base loads, so that a signal at any
// moment is honoured: the first one only sets a flag that the subcommands
// which work through many items (recover, identify) watch; a second one
// stops the process at once with kExitInterrupted.

#include <atomic>

namespace kintsugi::cli {

// What the handler says on stderr for the first and the second signal.
enum class InterruptWording {
  kStopping,       // "interrupted: stopping"
  kFilesInFlight,  // recover: finishing the files in flight; rerun
};

// Installs the handlers and unblocks SIGINT and SIGTERM: a launcher may
// start us with them blocked, and one already pending is then honoured at
// once (it sets the flag). Call first thing in main.
void InstallInterruptHandlers();

// Chooses the wording; `messages` false keeps the handler silent (--quiet).
void SetInterruptWording(InterruptWording wording, bool messages);

// For subcommands that do not watch the flag: puts back the system's
// default (the process ends on a signal). Returns true when a signal came
// before that, so the caller stops with kExitInterrupted without working.
[[nodiscard]] bool LeaveInterruptsToTheSystem();

// The flag the first signal sets (RecoverOptions::cancel).
const std::atomic<bool>* InterruptFlag();

// Whether a signal has come.
bool Interrupted();

}  // namespace kintsugi::cli
