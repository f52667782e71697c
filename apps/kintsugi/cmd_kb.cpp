// `kintsugi kb import|lint|compile|stats` (docs/kb-format.md §8-10); `kb
// verify|update` live in cmd_release.cpp.

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/recover.h"

namespace kintsugi::cli {
namespace {

// A KB that fails to load is "the KB is invalid", whatever the cause, except
// for I/O trouble reading it.
int ReportKbFailure(const GlobalOptions& options, const Status& status) {
  int code = ReportFailure(options, status);
  return code == kExitIo ? code : kExitKbInvalid;
}

// Lints against this build's decryptors, so that a KB family's
// recovery.decryptor is checked against the registry.
std::vector<kb::Diagnostic> LintAgainstThisBuild(const kb::KnowledgeBase& kb) {
  kb::LintOptions lint;
  lint.decryptors.emplace();
  for (const DecryptorSummary& d : ListDecryptors()) {
    lint.decryptors->push_back({d.id, d.family, d.strategy});
  }
  return kb::Lint(kb, lint);
}

std::string Where(const kb::Location& where) {
  return where.file + ":" + std::to_string(where.line);
}

// Prints the diagnostics; returns the number of errors.
std::size_t PrintDiagnostics(const GlobalOptions& options,
                             const std::vector<kb::Diagnostic>& problems,
                             nlohmann::json* list) {
  std::size_t errors = 0;
  for (const auto& d : problems) {
    bool error = d.severity == kb::Diagnostic::Severity::kError;
    errors += error ? 1u : 0u;
    if (options.json) {
      list->push_back({{"file", d.where.file},
                       {"line", d.where.line},
                       {"severity", error ? "error" : "warning"},
                       {"message", d.message}});
    } else if (!options.quiet || error) {
      std::fprintf(stderr, "%s: %s: %s\n", Where(d.where).c_str(),
                   error ? "error" : "warning", d.message.c_str());
    }
  }
  return errors;
}

int RunLint(const GlobalOptions& options) {
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded.has_value()) return ReportKbFailure(options, loaded.error());
  std::vector<kb::Diagnostic> problems = LintAgainstThisBuild(*loaded);
  nlohmann::json list = nlohmann::json::array();
  std::size_t errors = PrintDiagnostics(options, problems, &list);
  if (options.json) {
    PrintJson({{"clean", errors == 0},
               {"families", loaded->families.size()},
               {"errors", errors},
               {"diagnostics", list}});
  } else if (!options.quiet) {
    std::printf("%s: %zu families, %zu error(s), %zu warning(s)\n",
                errors == 0 ? "The KB is clean" : "The KB has problems",
                loaded->families.size(), errors, problems.size() - errors);
  }
  return errors == 0 ? kExitOk : kExitKbInvalid;
}

int RunCompile(const GlobalOptions& options) {
  auto start = std::chrono::steady_clock::now();
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded.has_value()) return ReportKbFailure(options, loaded.error());
  std::vector<kb::Diagnostic> problems = LintAgainstThisBuild(*loaded);
  nlohmann::json list = nlohmann::json::array();
  std::size_t errors = PrintDiagnostics(options, problems, &list);
  if (errors > 0) {
    if (options.json) {
      PrintJson(
          {{"compiled", false}, {"errors", errors}, {"diagnostics", list}});
    } else {
      std::fprintf(stderr, "kintsugi: the KB has %zu lint error(s)\n", errors);
    }
    return kExitKbInvalid;
  }
  auto compiled = identify::Compile(*loaded);
  if (!compiled.has_value()) return ReportKbFailure(options, compiled.error());
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  const identify::CompileStats& stats = (*compiled)->stats();
  if (options.json) {
    PrintJson({{"compiled", true},
               {"families", stats.families},
               {"name_patterns", stats.name_patterns},
               {"note_patterns", stats.note_patterns},
               {"markers", stats.markers},
               {"contacts", stats.contacts},
               {"reference_notes", stats.reference_notes},
               {"skipped_rules", stats.skipped_rules},
               {"warnings", stats.warnings},
               {"milliseconds", millis}});
  } else if (!options.quiet) {
    std::printf(
        "The KB compiles: %zu families, %zu name patterns, %zu note "
        "patterns, %zu markers, %zu contacts, %zu reference notes "
        "(%lld ms)\n",
        stats.families, stats.name_patterns, stats.note_patterns, stats.markers,
        stats.contacts, stats.reference_notes, static_cast<long long>(millis));
    for (const auto& warning : stats.warnings) {
      std::fprintf(stderr, "%s\n", warning.c_str());
    }
  }
  return kExitOk;
}

int RunStats(const GlobalOptions& options) {
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded.has_value()) return ReportKbFailure(options, loaded.error());
  const kb::KnowledgeBase& base = *loaded;
  std::size_t aliases = 0, rules = 0, contacts = 0, with_rules = 0,
              with_recovery = 0, with_decryptor = 0, with_fixtures = 0,
              with_aliases = 0, with_notes = 0, disabled = 0;
  std::map<std::string, std::size_t> by_kind, by_strength, contact_kinds;
  for (const auto& family : base.families) {
    aliases += family.aliases.size();
    with_aliases += family.aliases.empty() ? 0u : 1u;
    rules += family.rules.size();
    contacts += family.contacts.size();
    with_rules += family.rules.empty() ? 0u : 1u;
    with_notes += family.reference_notes.empty() ? 0u : 1u;
    disabled += family.disabled ? 1u : 0u;
    with_fixtures += family.fixtures.empty() ? 0u : 1u;
    bool recoverable =
        family.recovery.possible == kb::RecoveryPossible::kYes ||
        family.recovery.possible == kb::RecoveryPossible::kPartial;
    with_recovery += recoverable ? 1u : 0u;
    with_decryptor += family.recovery.decryptor.empty() ? 0u : 1u;
    for (const auto& rule : family.rules) {
      ++by_kind[std::string(kb::RuleKindName(rule.kind))];
      ++by_strength[std::string(kb::StrengthName(rule.strength))];
    }
    for (const auto& contact : family.contacts) {
      ++contact_kinds[std::string(kb::ContactKindName(contact.kind))];
    }
  }
  nlohmann::json stats = {
      {"families", base.families.size()},
      {"families_with_aliases", with_aliases},
      {"aliases", aliases},
      {"families_with_rules", with_rules},
      {"rules", rules},
      {"rules_by_kind", by_kind},
      {"rules_by_strength", by_strength},
      {"contacts", contacts},
      {"contacts_by_kind", contact_kinds},
      {"families_with_recovery", with_recovery},
      {"families_with_decryptor", with_decryptor},
      {"families_with_fixtures", with_fixtures},
      {"families_with_reference_notes", with_notes},
      {"reference_notes", base.note_texts.size()},
      {"allow_list", base.allow_list.size()},
      {"disabled", base.disabled.size()},
      {"disabled_families", disabled},
      {"skipped_rules", base.skipped_rules},
  };
  if (options.json) {
    PrintJson(stats);
    return kExitOk;
  }
  std::printf(
      "%zu families (%zu with aliases, %zu aliases), %zu with rules "
      "(%zu rules), %zu contacts, %zu recoverable, %zu with fixtures\n",
      base.families.size(), with_aliases, aliases, with_rules, rules, contacts,
      with_recovery, with_fixtures);
  for (const auto& [kind, count] : by_kind) {
    std::printf("  %-18s %zu\n", kind.c_str(), count);
  }
  return kExitOk;
}

int RunImport(const GlobalOptions& options, const kb::ImportOptions& import) {
  auto report = kb::ImportKnowledgeBase(RealFileSystem(), import);
  if (!report.has_value()) return ReportFailure(options, report.error());
  if (options.json) {
    PrintJson({{"families", report->families},
               {"aliases", report->aliases},
               {"rules", report->rules},
               {"contacts", report->contacts},
               {"reference_notes", report->reference_notes},
               {"held_out_notes", report->held_out_notes},
               {"merged_entries", report->merged_entries},
               {"dropped_extensions", report->dropped_extensions},
               {"new_families", report->new_families}});
  } else if (!options.quiet) {
    std::printf(
        "Imported %zu families (%zu aliases, %zu rules, %zu contacts, %zu "
        "reference notes) into %s; %zu entries merged, %zu junk extensions "
        "dropped, %zu families not in MISP, %zu notes held out\n",
        report->families, report->aliases, report->rules, report->contacts,
        report->reference_notes, import.out.string().c_str(),
        report->merged_entries, report->dropped_extensions,
        report->new_families.size(), report->held_out_notes);
  }
  return kExitOk;
}

}  // namespace

void AddKbCommand(CLI::App& app, const GlobalOptions& options,
                  Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "kb", "Knowledge base: import, lint, compile, stats, verify, update");
  command->require_subcommand(1);

  static std::string sources, out, hold_out, curated = "kb-curated";
  CLI::App* import_command = command->add_subcommand(
      "import", "Build kb/ from the public sources (kb-sources)");
  import_command->add_option("--sources", sources, "The kb-sources folder")
      ->required()
      ->check(NonEmpty());
  import_command->add_option("--out", out, "The kb/ folder to write")
      ->required()
      ->check(NonEmpty());
  import_command
      ->add_option(
          "--hold-out", hold_out,
          "Hold back one note per family into this folder (accuracy tests)")
      ->check(NonEmpty());
  import_command
      ->add_option("--curated", curated,
                   "The curated facts (default: kb-curated)")
      ->check(NonEmpty());
  import_command->callback([&options, handler] {
    *handler = [&options] {
      kb::ImportOptions import;
      import.sources = sources;
      import.out = out;
      import.hold_out = hold_out;
      import.curated = curated;
      return RunImport(options, import);
    };
  });

  command->add_subcommand("lint", "Check the KB; fails with file:line")
      ->callback([&options, handler] {
        *handler = [&options] { return RunLint(options); };
      });
  command->add_subcommand("compile", "Load, lint and compile the KB")
      ->callback([&options, handler] {
        *handler = [&options] { return RunCompile(options); };
      });
  command->add_subcommand("stats", "Counts of families, rules and contacts")
      ->callback([&options, handler] {
        *handler = [&options] { return RunStats(options); };
      });
  AddKbReleaseCommands(command, options, handler);
  AddKbExportCommand(command, options, handler);
}

}  // namespace kintsugi::cli
