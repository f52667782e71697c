// `kintsugi --dump-cli-json` (not listed in --help): every subcommand and
// option the command line defines, as JSON, for the tests that keep
// docs/cli.md (and, with issue 13, the man pages and completions) in step
// with the code.

#include <nlohmann/json.hpp>
#include <string>

#include "cli.h"

namespace kintsugi::cli {

nlohmann::json DescribeCommandLine(const CLI::App& app) {
  nlohmann::json options = nlohmann::json::array();
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      options.push_back("--" + name);
    }
    for (const std::string& name : option->get_snames()) {
      options.push_back("-" + name);
    }
  }
  nlohmann::json subcommands = nlohmann::json::object();
  for (const CLI::App* sub : app.get_subcommands({})) {
    subcommands[sub->get_name()] = DescribeCommandLine(*sub);
  }
  return {{"options", options}, {"subcommands", subcommands}};
}

}  // namespace kintsugi::cli
