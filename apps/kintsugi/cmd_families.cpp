// `kintsugi families [--json]`: every family with id, name, aliases and
// decryptor (issue #3, CLI contract).

#include <cstdio>
#include <string>

#include "cli.h"
#include "kintsugi/kb.h"
#include "kintsugi/report_json.h"

namespace kintsugi::cli {
namespace {

int RunFamilies(const GlobalOptions& options) {
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded.has_value()) {
    int code = ReportFailure(options, loaded.error());
    return code == kExitIo ? code : kExitKbInvalid;
  }
  if (options.json) {
    std::printf("%s\n", FamiliesJson(*loaded).c_str());
    return kExitOk;
  }
  std::size_t with_decryptor = 0;
  for (const auto& family : loaded->families) {
    with_decryptor += family.recovery.decryptor.empty() ? 0u : 1u;
  }
  std::printf("%zu families known, %zu with a decryptor.\n\n",
              loaded->families.size(), with_decryptor);
  for (const auto& family : loaded->families) {
    std::string line = family.id + "  " + family.name;
    if (!family.aliases.empty()) {
      line += "  (also: ";
      for (std::size_t i = 0; i < family.aliases.size(); ++i) {
        line += (i == 0 ? "" : ", ") + family.aliases[i];
      }
      line += ")";
    }
    if (!family.recovery.decryptor.empty()) {
      line += "  [decryptor: " + family.recovery.decryptor + "]";
    }
    std::printf("%s\n", line.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddFamiliesCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "families", "List every known family with its aliases and decryptor");
  command->callback([&options, handler] {
    *handler = [&options] { return RunFamilies(options); };
  });
}

}  // namespace kintsugi::cli
