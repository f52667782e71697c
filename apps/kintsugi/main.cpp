// The `kintsugi` command line. Subcommands live in cmd_<name>.cpp; this file
// parses global options and turns anything thrown by CLI11 into an exit code.

#include <cstdio>
#include <exception>

#include "cli.h"
#include "kintsugi/log.h"

int main(int argc, char** argv) {
  using namespace kintsugi::cli;
  using kintsugi::kExitInternal;
  using kintsugi::kExitUsage;
  CLI::App app{
      "Kintsugi: identify ransomware and recover encrypted files, offline.",
      "kintsugi"};
  app.require_subcommand(1);
  app.fallthrough();  // Global options may follow the subcommand.
  app.set_version_flag("--version",
                       std::string("kintsugi ") + KINTSUGI_VERSION);
  GlobalOptions options;
  app.add_flag("--json", options.json,
               "Machine-readable JSON on stdout; messages on stderr");
  app.add_flag("-q,--quiet", options.quiet, "Print only errors on stderr");
  app.add_option("--kb", options.kb_dir,
                 "Knowledge-base folder (default: the built-in kb/)");
  app.footer("Exit codes and examples: docs/cli.md");

  Handler handler;
  AddIdentifyCommand(app, options, &handler);
  AddRecoverCommand(app, options, &handler);
  AddScanCommand(app, options, &handler);
  AddServeCommand(app, options, &handler);
  AddKbCommand(app, options, &handler);
  AddKeysCommand(app, options, &handler);
  AddFamiliesCommand(app, options, &handler);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  kintsugi::SetLogLevel(options.quiet ? kintsugi::LogLevel::kError
                                      : kintsugi::LogLevel::kWarning);
  if (!handler) {
    std::fprintf(stderr, "kintsugi: no subcommand given; see --help\n");
    return kExitUsage;
  }
  try {
    return handler();
  } catch (const std::exception& e) {
    // Our API does not throw; this is a bug (or std::bad_alloc).
    std::fprintf(stderr, "kintsugi: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
