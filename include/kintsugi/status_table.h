#pragma once

// How a failure reaches a user: for each StatusCode, its name, the exit code
// of the `kintsugi` command and the HTTP status of the portal. One table, so
// the CLI, the JSON output and the portal never disagree; docs/cli.md "Exit
// codes" documents it and a test (src/core/status_test.cpp) holds the two
// equal.

#include <span>
#include <string_view>

#include "kintsugi/status.h"

namespace kintsugi {

// Process exit codes of the `kintsugi` command (docs/cli.md "Exit codes").
// Append-only: scripts depend on them.
enum ExitCode : int {
  kExitOk = 0,                // The work was done (a verdict, even "unknown").
  kExitPartial = 1,           // Done, but some items failed (per-item status).
  kExitUsage = 2,             // Bad command line.
  kExitBadInput = 3,          // Input unreadable, malformed, empty, wrong kind.
  kExitNotAvailable = 4,      // Subcommand not available in this version yet.
  kExitLimit = 5,             // A limit was reached: size, time, count, disk.
  kExitIo = 6,                // I/O failure (permission denied, read error...).
  kExitKbInvalid = 7,         // The knowledge base failed to load or lint.
  kExitInternal = 8,          // A bug in Kintsugi; please report it.
  kExitUnavailable = 9,       // A service is down for now; try again later.
  kExitUnauthenticated = 10,  // Credentials are missing, wrong or expired.
  kExitInterrupted = 130,     // Stopped by SIGINT/SIGTERM.
};

// One row of the table.
struct StatusCodeOutcome {
  StatusCode code;
  std::string_view name;  // What StatusCodeName(code) returns.
  ExitCode exit_code;     // What the CLI exits with on this failure.
  int http_status;        // What the portal answers with on this failure.
};

// Every StatusCode, in the enum's order (row i holds code i).
std::span<const StatusCodeOutcome> StatusCodeTable();

// The row of `code`; a value outside the enum (a bug) gets the row of
// kInternal.
const StatusCodeOutcome& OutcomeOf(StatusCode code);

}  // namespace kintsugi
