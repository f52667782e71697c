// `kintsugi completion bash|zsh` (issue 13): a shell completion script for
// every subcommand and option, made from the command line's own
// definitions (DescribeCommandLine), so it cannot fall behind them.

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"

namespace kintsugi::cli {
namespace {

// Each subcommand path ("", "kb", "kb update") with its subcommands and
// options.
struct Level {
  std::vector<std::string> subcommands;
  std::vector<std::string> options;
};

void Collect(const nlohmann::json& command, const std::string& path,
             std::map<std::string, Level>* levels) {
  Level& level = (*levels)[path];
  for (const auto& option : command["options"]) {
    level.options.push_back(option.get<std::string>());
  }
  for (const auto& [name, sub] : command["subcommands"].items()) {
    level.subcommands.push_back(name);
    Collect(sub, path.empty() ? name : path + " " + name, levels);
  }
}

std::string Join(const std::vector<std::string>& words) {
  std::string joined;
  for (const std::string& word : words) {
    joined += (joined.empty() ? "" : " ") + word;
  }
  return joined;
}

// The bash function _kintsugi: the subcommand path typed so far picks the
// words offered; options after "-", subcommands where there are any, else
// file names. The global options are offered at every level.
std::string BashFunction(const CLI::App& app) {
  std::map<std::string, Level> levels;
  Collect(DescribeCommandLine(app), "", &levels);
  std::string paths;
  std::string cases;
  for (const auto& [path, level] : levels) {
    if (!path.empty()) paths += "      \"" + path + "\") path=\"$next\" ;;\n";
    cases += "    \"" + path + "\")\n      subs=\"" + Join(level.subcommands) +
             "\"\n      opts=\"" + Join(level.options) + "\" ;;\n";
  }
  return "_kintsugi() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" next word i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    word=\"${COMP_WORDS[i]}\"\n"
         "    [[ \"$word\" == -* ]] && continue\n"
         "    next=\"${path:+$path }$word\"\n"
         "    case \"$next\" in\n" +
         paths +
         "    esac\n"
         "  done\n"
         "  local subs=\"\" opts=\"\"\n"
         "  case \"$path\" in\n" +
         cases +
         "  esac\n"
         "  [[ -n \"$path\" ]] && opts=\"$opts " +
         Join(levels[""].options) +
         "\"\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "  elif [[ -n \"$subs\" ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "  fi\n"
         "}\n";
}

int RunCompletion(const CLI::App& app, const std::string& shell) {
  if (shell == "bash") {
    std::printf(
        "# bash completion for kintsugi (made by `kintsugi completion "
        "bash`)\n%scomplete -o filenames -F _kintsugi kintsugi\n",
        BashFunction(app).c_str());
  } else {
    // zsh completes through its emulation of bash's, sourced or from
    // $fpath.
    std::printf(
        "#compdef kintsugi\n# zsh completion for kintsugi (made by "
        "`kintsugi completion zsh`)\nautoload -U +X bashcompinit && "
        "bashcompinit\n%scomplete -o filenames -F _kintsugi kintsugi\n",
        BashFunction(app).c_str());
  }
  return kExitOk;
}

}  // namespace

void AddCompletionCommand(CLI::App& app, const GlobalOptions& options,
                          Handler* handler) {
  (void)options;
  CLI::App* command = app.add_subcommand(
      "completion",
      "Print a shell completion script: bash (source it, or install it in "
      "/usr/share/bash-completion/completions/kintsugi) or zsh");
  auto shell = std::make_shared<std::string>();
  command->add_option("SHELL", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  const CLI::App* root = &app;
  command->callback([handler, root, shell] {
    *handler = [root, shell] { return RunCompletion(*root, *shell); };
  });
}

}  // namespace kintsugi::cli
