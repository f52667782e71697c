// `kintsugi --dump-cli-json` (not listed in --help): every subcommand and
// option the command line defines, as JSON, for the tests that keep
// docs/cli.md (and, with issue 13, the man pages and completions) in step
// with the code.

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

namespace {

// Text as roff reads it: backslashes escaped, hyphens as \-, and a line that
// would start with a control character guarded.
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// One page: `path` ("kintsugi kb update"), the command `app`, and the
// subcommands it has (each its own page, named in SEE ALSO).
std::string ManPage(const CLI::App& app, const std::string& path,
                    const std::string& version,
                    const std::vector<const CLI::App*>& global_from) {
  std::string page_name = path;
  for (char& c : page_name) c = c == ' ' ? '-' : c;
  std::string upper = page_name;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  std::string page = ".TH " + Roff(upper) + " 1 \"\" \"kintsugi " + version +
                     "\" \"Kintsugi manual\"\n";
  page += ".SH NAME\n" + Roff(page_name) + " \\- " +
          Roff(app.get_description()) + "\n";
  page += ".SH SYNOPSIS\n.B " + Roff(path) + "\n";
  std::string usage;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty() && option->get_snames().empty()) {
      usage += " " + option->get_name();
      if (option->get_items_expected_max() > 1) usage += "...";
    }
  }
  if (!app.get_subcommands({}).empty()) usage += " SUBCOMMAND";
  page += Roff("[OPTIONS]" + usage) + "\n";
  const auto options_of = [&](const CLI::App& from, bool with_help) {
    std::string text;
    for (const CLI::Option* option : from.get_options()) {
      if (!with_help && option == from.get_help_ptr()) continue;
      std::string names;
      for (const std::string& s : option->get_snames()) {
        names += (names.empty() ? "" : ", ") + ("-" + s);
      }
      for (const std::string& l : option->get_lnames()) {
        names += (names.empty() ? "" : ", ") + ("--" + l);
      }
      if (names.empty()) names = option->get_name();
      std::string value;
      if (!option->get_lnames().empty() || !option->get_snames().empty()) {
        value = option->get_type_name();
      }
      text += ".TP\n\\fB" + Roff(names) + "\\fR" +
              (value.empty() ? "" : " \\fI" + Roff(value) + "\\fR") + "\n" +
              Roff(option->get_description()) + "\n";
    }
    return text;
  };
  page += ".SH OPTIONS\n" + options_of(app, true);
  for (const CLI::App* global : global_from) {
    page += ".SH GLOBAL OPTIONS\n" + options_of(*global, false);
  }
  const std::vector<const CLI::App*> subs = app.get_subcommands({});
  if (!subs.empty()) {
    page += ".SH SUBCOMMANDS\n";
    for (const CLI::App* sub : subs) {
      page += ".TP\n.B " + Roff(sub->get_name()) + "\n" +
              Roff(sub->get_description()) + "\n";
    }
  }
  page += ".SH SEE ALSO\n";
  std::string also;
  for (const CLI::App* sub : subs) {
    also += (also.empty() ? "" : ",\n") + std::string(".BR ") +
            Roff(page_name + "-" + sub->get_name()) + " (1)";
  }
  if (path != "kintsugi") {
    also = ".BR kintsugi (1)" + std::string(also.empty() ? "" : ",\n") + also;
  }
  if (!also.empty()) page += also + "\n.PP\n";
  page +=
      "The full reference, with examples and exit codes, is "
      "docs/cli.md in the source (/usr/share/doc/kintsugi/cli.md where "
      "installed).\n";
  return page;
}

Status WritePages(const CLI::App& app, const std::string& path,
                  const std::string& version,
                  const std::vector<const CLI::App*>& global_from,
                  const std::filesystem::path& dir) {
  std::string name = path;
  for (char& c : name) c = c == ' ' ? '-' : c;
  std::ofstream out(dir / (name + ".1"), std::ios::binary);
  out << ManPage(app, path, version, global_from);
  if (!out) return IoError("cannot write " + (dir / (name + ".1")).string());
  for (const CLI::App* sub : app.get_subcommands({})) {
    KINTSUGI_RETURN_IF_ERROR(WritePages(*sub, path + " " + sub->get_name(),
                                        version, global_from, dir));
  }
  return Status::Ok();
}

}  // namespace

Status WriteManPages(const CLI::App& app, const std::string& version,
                     const std::filesystem::path& dir) {
  // The root page lists the global options; each subcommand's page repeats
  // them under their own heading.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream out(dir / "kintsugi.1", std::ios::binary);
  out << ManPage(app, "kintsugi", version, {});
  if (!out) return IoError("cannot write " + (dir / "kintsugi.1").string());
  for (const CLI::App* sub : app.get_subcommands({})) {
    KINTSUGI_RETURN_IF_ERROR(
        WritePages(*sub, "kintsugi " + sub->get_name(), version, {&app}, dir));
  }
  return Status::Ok();
}

}  // namespace kintsugi::cli
