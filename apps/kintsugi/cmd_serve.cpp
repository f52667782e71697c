#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {

void AddServeCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "serve", "Run the victim-facing portal and API on 127.0.0.1");
  // Accept its future arguments meanwhile.
  static std::vector<std::string> arguments;
  command->add_option("ARGS", arguments, "Arguments (not used yet)");
  command->allow_extras();
  command->callback([&options, handler] {
    *handler = [&options] {
      return NotAvailableYet(options, "serve", "planned");
    };
  });
}

}  // namespace kintsugi::cli
