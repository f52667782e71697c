#pragma once

// Shared pieces of the `kintsugi` command: global options, exit codes and
// output helpers. Exit codes are documented in docs/cli.md and append-only.

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kintsugi/status.h"

namespace kintsugi::cli {

// Process exit codes (docs/cli.md). Append-only: scripts depend on them.
enum ExitCode : int {
  kExitOk = 0,             // The work was done (a verdict, even "unknown").
  kExitPartial = 1,        // Done, but some items failed (see per-item status).
  kExitUsage = 2,          // Bad command line.
  kExitBadInput = 3,       // Input unreadable, malformed, empty or wrong kind.
  kExitNotAvailable = 4,   // Subcommand not available in this version yet.
  kExitLimit = 5,          // A limit was reached: size, time, count, disk.
  kExitIo = 6,             // I/O failure (permission denied, read error...).
  kExitKbInvalid = 7,      // The knowledge base failed to load or lint.
  kExitInternal = 8,       // A bug in Kintsugi; please report it.
  kExitInterrupted = 130,  // Stopped by SIGINT/SIGTERM.
};

// Maps a failure to its exit code.
int ExitCodeFor(const Status& status);

// Options every subcommand sees.
struct GlobalOptions {
  bool json = false;   // Machine output on stdout, messages on stderr.
  bool quiet = false;  // Only errors on stderr.
  std::string kb_dir;  // --kb DIR; empty = embedded/default KB.
};

// A subcommand's work: returns the exit code.
using Handler = std::function<int()>;

// Prints `status` as a clear message on stderr (and, in --json mode, as
// {"error": {"code", "message"}} on stdout); returns its exit code.
int ReportFailure(const GlobalOptions& options, const Status& status);

// Prints a JSON document on stdout.
void PrintJson(const nlohmann::json& document);

// Each cmd_<name>.cpp defines one of these: it adds its subcommand to `app`
// and sets `*handler` when the subcommand is chosen.
void AddIdentifyCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler);
void AddRecoverCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler);
void AddScanCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler);
void AddServeCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler);
void AddKbCommand(CLI::App& app, const GlobalOptions& options,
                  Handler* handler);
void AddKeysCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler);
void AddFamiliesCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler);

// For subcommands not built yet: prints that clearly and returns
// kExitNotAvailable.
int NotAvailableYet(const GlobalOptions& options, std::string_view command,
                    std::string_view issue);

}  // namespace kintsugi::cli
