#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {

void AddKeysCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "keys", "Manage the key database (seized and leaked keys)");
  // Accept its future arguments meanwhile.
  static std::vector<std::string> arguments;
  command->add_option("ARGS", arguments, "Arguments (not used yet)");
  command->allow_extras();
  command->callback([&options, handler] {
    *handler = [&options] {
      return NotAvailableYet(options, "keys", "planned");
    };
  });
}

}  // namespace kintsugi::cli
