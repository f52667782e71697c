#include "interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <string_view>

#include "kintsugi/status_table.h"

namespace kintsugi::cli {
namespace {

// Set by the first SIGINT/SIGTERM. A second signal while that is being
// honoured exits at once (130); what was in flight is then settled by the
// next run, which removes the temporaries the journal lists.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler needs a lock-free flag");
// Whether the handler may say what it does on stderr (not with --quiet).
volatile std::sig_atomic_t g_messages = 1;
volatile std::sig_atomic_t g_wording =
    static_cast<std::sig_atomic_t>(InterruptWording::kStopping);

void SayFromHandler(std::string_view text) {
  if (g_messages == 0) return;
  // write(2) is async-signal-safe; a failed write cannot be reported here.
  [[maybe_unused]] const ssize_t n =
      write(STDERR_FILENO, text.data(), text.size());
}

extern "C" void OnInterrupt(int) {
  const bool recover = g_wording == static_cast<std::sig_atomic_t>(
                                        InterruptWording::kFilesInFlight);
  if (g_interrupted.exchange(true)) {
    SayFromHandler(recover ? "\nkintsugi: stopped at once; run the same "
                             "command again to finish\n"
                           : "\nkintsugi: stopped at once\n");
    _exit(kExitInterrupted);
  }
  SayFromHandler(recover ? "\nkintsugi: interrupted: finishing the files in "
                           "flight (Ctrl-C again to stop at once)\n"
                         : "\nkintsugi: interrupted: stopping (Ctrl-C again "
                           "to stop at once)\n");
}

void SetHandler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // File I/O is not cut short by EINTR.
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

void InstallInterruptHandlers() {
  SetHandler(OnInterrupt);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigprocmask(SIG_UNBLOCK, &signals, nullptr);
}

void SetInterruptWording(InterruptWording wording, bool messages) {
  g_wording = static_cast<std::sig_atomic_t>(wording);
  g_messages = messages ? 1 : 0;
}

bool LeaveInterruptsToTheSystem() {
  SetHandler(SIG_DFL);
  return g_interrupted.load();
}

const std::atomic<bool>* InterruptFlag() { return &g_interrupted; }

bool Interrupted() { return g_interrupted.load(); }

}  // namespace kintsugi::cli
