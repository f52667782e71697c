#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {

void AddFamiliesCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "families", "List every known family with its aliases and decryptor");
  // Accept its future arguments meanwhile.
  static std::vector<std::string> arguments;
  command->add_option("ARGS", arguments, "Arguments (not used yet)");
  command->allow_extras();
  command->callback([&options, handler] {
    *handler = [&options] {
      return NotAvailableYet(options, "families", "issue #3");
    };
  });
}

}  // namespace kintsugi::cli
