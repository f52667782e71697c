// The `kintsugi` command line. Subcommands live in cmd_<name>.cpp; this file
// parses global options and turns anything thrown by CLI11 into an exit code.

#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include "cli.h"
#include "interrupt.h"
#include "kintsugi/log.h"

namespace {

// The first argument that is neither an option nor an option's value: what
// the user meant as the subcommand ("" when there is none).
std::string FirstWord(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return i + 1 < argc ? argv[i + 1] : "";
    if (arg.empty() || arg[0] != '-') return arg;
    // A global option that takes a value as the next argument ("--kb DIR").
    if (arg.find('=') != std::string::npos) continue;
    const CLI::Option* option = app.get_option_no_throw(arg);
    if (option != nullptr && option->get_expected_min() > 0) ++i;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  // First of all, so that Ctrl-C or SIGTERM is honoured at any moment, even
  // while the knowledge base loads (issue 16).
  kintsugi::cli::InstallInterruptHandlers();
  using namespace kintsugi::cli;
  using kintsugi::kExitInternal;
  using kintsugi::kExitInterrupted;
  using kintsugi::kExitUsage;
  CLI::App app{
      "Kintsugi: identify ransomware and recover encrypted files, offline.",
      "kintsugi"};
  // One subcommand, or none with --version (checked after parsing).
  app.require_subcommand(0, 1);
  app.fallthrough();  // Global options may follow the subcommand.
  GlobalOptions options;
  bool version = false;
  app.add_flag("--version", version,
               "The version, the commit it was built from and the knowledge "
               "base in use (with --json, as an object)");
  app.add_flag("--json", options.json,
               "Machine-readable JSON on stdout; messages on stderr");
  app.add_flag("-q,--quiet", options.quiet, "Print only errors on stderr");
  app.add_option("--kb", options.kb_dir,
                 "Knowledge-base folder, or a signed release bundle (default: "
                 "the installed release, else the built-in kb/)")
      ->check(NonEmpty());
  app.add_option("--release-key", options.release_key,
                 "Trust release bundles signed with this public key file "
                 "instead of the project's pinned key")
      ->check(NonEmpty());
  app.footer("Exit codes and examples: docs/cli.md");

  Handler handler;
  AddIdentifyCommand(app, options, &handler);
  AddRecoverCommand(app, options, &handler);
  AddScanCommand(app, options, &handler);
  AddServeCommand(app, options, &handler);
  AddKbCommand(app, options, &handler);
  AddKeysCommand(app, options, &handler);
  AddFamiliesCommand(app, options, &handler);
  AddReleaseCommand(app, options, &handler);
  AddAuditCommand(app, options, &handler);
  AddPartnersCommand(app, options, &handler);
  AddCompletionCommand(app, options, &handler);

  // For the tests that keep docs/cli.md in step: not in --help.
  if (argc == 2 && std::string(argv[1]) == "--dump-cli-json") {
    std::printf("%s\n", DescribeCommandLine(app).dump(2).c_str());
    return 0;
  }
  // The build writes the manual pages with it (apps/kintsugi/CMakeLists).
  if (argc == 3 && std::string(argv[1]) == "--dump-man") {
    const kintsugi::Status written =
        WriteManPages(app, KINTSUGI_VERSION, argv[2]);
    if (!written.ok()) {
      std::fprintf(stderr, "kintsugi: %s\n", written.message().c_str());
      return kintsugi::kExitIo;
    }
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A word where the subcommand goes that names none: say so, and which
    // there are (CLI11 would only say that one is required).
    const std::string word = FirstWord(app, argc, argv);
    std::string known;
    bool is_known = false;
    for (const CLI::App* sub : std::as_const(app).get_subcommands({})) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
      is_known = is_known || sub->get_name() == word;
    }
    if (!word.empty() && !is_known) {
      std::fprintf(stderr,
                   "kintsugi: unknown subcommand '%s'; the subcommands are: "
                   "%s (see --help)\n",
                   kintsugi::SanitizeForLog(word).c_str(), known.c_str());
      return kExitUsage;
    }
    app.exit(e);
    return kExitUsage;
  }
  kintsugi::SetLogLevel(options.quiet ? kintsugi::LogLevel::kError
                                      : kintsugi::LogLevel::kWarning);
  if (version) return PrintVersion(options);
  if (!handler) {
    std::fprintf(stderr, "kintsugi: no subcommand given; see --help\n");
    return kExitUsage;
  }
  // recover, identify and serve watch the flag the first signal sets and
  // stop cleanly (serve: finishing the requests in progress); the other
  // subcommands are short or write nothing that a rerun needs, so a signal
  // simply ends them.
  if (app.got_subcommand("recover")) {
    SetInterruptWording(InterruptWording::kFilesInFlight, !options.quiet);
  } else if (app.got_subcommand("identify") || app.got_subcommand("serve")) {
    SetInterruptWording(InterruptWording::kStopping, !options.quiet);
  } else if (LeaveInterruptsToTheSystem()) {
    return kExitInterrupted;
  }
  try {
    return handler();
  } catch (const std::exception& e) {
    // Our API does not throw; this is a bug (or std::bad_alloc).
    std::fprintf(stderr, "kintsugi: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
