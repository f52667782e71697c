#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {

void AddRecoverCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "recover",
      "Decrypt files where recovery is possible (never touches the originals)");
  // Accept its future arguments meanwhile.
  static std::vector<std::string> arguments;
  command->add_option("ARGS", arguments, "Arguments (not used yet)");
  command->allow_extras();
  command->callback([&options, handler] {
    *handler = [&options] {
      return NotAvailableYet(options, "recover", "issue #4");
    };
  });
}

}  // namespace kintsugi::cli
