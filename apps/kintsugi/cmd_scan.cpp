#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {

void AddScanCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler) {
  CLI::App* command =
      app.add_subcommand("scan",
                         "Triage a tree: which files are encrypted, by what, "
                         "and which can be recovered");
  // Accept its future arguments meanwhile.
  static std::vector<std::string> arguments;
  command->add_option("ARGS", arguments, "Arguments (not used yet)");
  command->allow_extras();
  command->callback([&options, handler] {
    *handler = [&options] {
      return NotAvailableYet(options, "scan", "planned");
    };
  });
}

}  // namespace kintsugi::cli
