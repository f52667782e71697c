#pragma once

// recover's options that belong to one family (docs/cli.md "Rhysida"): the
// readings a spec leaves open, each tried in turn unless the user pins it.
// They reach the decryptor as RecoverOptions::family_options, by name.

#include <CLI/CLI.hpp>
#include <map>
#include <string>

namespace kintsugi::cli {

// Adds --rhysida-feed, --rhysida-ctr, --rhysida-procs, --rhysida-draw,
// --rhysida-chunks and --rhysida-trailer to `command`; each given one is
// stored in `values` under its name without the dashes.
void AddFamilyOptions(CLI::App* command,
                      std::map<std::string, std::string>* values);

// Whether `values` (as AddFamilyOptions filled them) fit --family `family`:
// nullptr, or the first option given that needs another family.
const char* MisplacedFamilyOption(
    const std::string& family,
    const std::map<std::string, std::string>& values);

}  // namespace kintsugi::cli
