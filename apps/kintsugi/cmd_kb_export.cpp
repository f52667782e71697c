// `kintsugi kb export` (docs/cli.md "kb export", docs/exports.md): the
// KB's families and indicators as a STIX 2.1 bundle or a MISP galaxy
// cluster, for partners' tools. The library makes the document; this file
// picks the time, refuses to overwrite, writes and says what it did.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"
#include "kintsugi/fs.h"
#include "kintsugi/kb_export.h"
#include "kintsugi/log.h"

namespace kintsugi::cli {
namespace {

struct ExportFlags {
  std::string format;
  std::vector<std::string> families;
  std::string out;
  std::string created;
  bool created_given = false;
};

std::int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Fail(const GlobalOptions& options, const Status& status,
         const std::string& sentence) {
  std::fprintf(stderr, "kintsugi: error: %s\n",
               SanitizeForLog(sentence).c_str());
  if (options.json) {
    PrintJson({{"error",
                {{"code", std::string(StatusCodeName(status.code()))},
                 {"message", sentence}}}});
  }
  return ExitCodeFor(status);
}

// The `created` time: --created, else SOURCE_DATE_EPOCH (set and not
// empty), else the fixed default. Never the clock unless --created now.
Result<std::int64_t> Created(const GlobalOptions& options,
                             const ExportFlags& flags, int* exit_code) {
  std::optional<std::string_view> flag;
  if (flags.created_given) flag = flags.created;
  std::optional<std::string_view> epoch;
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  if (env != nullptr && env[0] != '\0') epoch = env;
  auto created = kb_export::ChooseCreated(flag, epoch, WallClockMs);
  if (!created) {
    if (flag.has_value()) {
      // A bad option value is a usage error, as CLI11's checks make it.
      static_cast<void>(Fail(options, created.error(),
                             "--created '" + flags.created +
                                 "' is not an RFC 3339 date-time from 1970 "
                                 "on (e.g. 2024-05-01T12:00:00Z) nor 'now'"));
      *exit_code = kExitUsage;
    } else {
      *exit_code = Fail(options, created.error(),
                        "SOURCE_DATE_EPOCH='" + std::string(*epoch) +
                            "' is not a number of seconds since 1970");
    }
  }
  return created;
}

// Writes `document` to a new file `out`: a partial file beside it, renamed
// into place only when complete and synced, and only if `out` still does
// not exist, so that a crash or a race never leaves a half export or
// replaces a file.
Status WriteNew(const Path& out, const std::string& document) {
  FileSystem& fs = RealFileSystem();
  const Path partial = Path(out.string() + ".partial");
  KINTSUGI_ASSIGN_OR_RETURN(auto file, fs.CreateNew(partial));
  Status status = file->Append(ByteView(
      reinterpret_cast<const std::uint8_t*>(document.data()), document.size()));
  if (status.ok()) status = file->Sync();
  const Status closed = file->Close();
  if (status.ok()) status = closed;
  if (status.ok()) status = fs.RenameNoReplace(partial, out);
  if (!status.ok()) {
    fs.Remove(partial).IgnoreError();
    return status;
  }
  const Path parent = out.has_parent_path() ? out.parent_path() : Path(".");
  return fs.SyncDir(parent);
}

int RunExport(const GlobalOptions& options, const ExportFlags& flags) {
  const bool to_stdout = flags.out == "-";
  int exit_code = kExitOk;
  auto created = Created(options, flags, &exit_code);
  if (!created) return exit_code;
  if (!to_stdout) {
    // Refused before any work; WriteNew refuses again should one appear
    // meanwhile.
    auto existing = RealFileSystem().Stat(flags.out);
    if (existing.has_value()) {
      return Fail(options, AlreadyExistsError(flags.out),
                  flags.out +
                      " exists: kb export never replaces a file "
                      "(remove it, or choose another --out)");
    }
  }
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded) {
    const int code = ReportFailure(options, loaded.error());
    return code == kExitIo ? code : kExitKbInvalid;
  }
  kb_export::ExportOptions export_options;
  export_options.format =
      kb_export::FormatNamed(flags.format).value_or(kb_export::Format::kStix);
  export_options.families = flags.families;
  export_options.created_ms = *created;
  auto exported = kb_export::ExportKnowledgeBase(*loaded, export_options);
  if (!exported) {
    const Status& status = exported.error();
    if (status.code() == StatusCode::kNotFound) {
      return Fail(options, status,
                  "no family '" + status.message() +
                      "' in the knowledge base (kintsugi families lists "
                      "them)");
    }
    if (status.code() == StatusCode::kInvalidArgument) {
      return Fail(options, status,
                  "family '" + status.message() +
                      "' is disabled in the knowledge base and is never "
                      "exported");
    }
    return ReportFailure(options, status);
  }
  const kb_export::ExportSummary& summary = exported->summary;
  if (to_stdout) {
    const std::string& document = exported->document;
    if (std::fwrite(document.data(), 1, document.size(), stdout) !=
            document.size() ||
        std::fflush(stdout) != 0) {
      return Fail(options, IoError("stdout"), "cannot write the export");
    }
  } else {
    const Status written = WriteNew(flags.out, exported->document);
    if (!written.ok()) return ReportFailure(options, written);
  }
  if (options.json && !to_stdout) {
    PrintJson({{"format", flags.format},
               {"out", flags.out},
               {"families", summary.families},
               {"indicators", summary.indicators},
               {"relationships", summary.relationships},
               {"skipped_regex_rules", summary.skipped_regex_rules},
               {"skipped_contacts", summary.skipped_contacts},
               {"allow_listed", summary.allow_listed},
               {"created", kb_export::FormatTimestamp(*created)}});
  } else if (!options.quiet) {
    // On stderr when the export itself is on stdout.
    std::FILE* where = to_stdout ? stderr : stdout;
    const std::string out =
        to_stdout ? std::string("stdout") : SanitizeForLog(flags.out);
    const std::string created_text = kb_export::FormatTimestamp(*created);
    if (export_options.format == kb_export::Format::kStix) {
      std::fprintf(where,
                   "Exported %zu families, %zu indicators and %zu "
                   "relationships as a STIX 2.1 bundle (created %s) to %s; "
                   "left out: %zu regex rules, %zu contacts STIX has no "
                   "object for (Tox, Telegram, Session), %zu on the allow "
                   "list\n",
                   summary.families, summary.indicators, summary.relationships,
                   created_text.c_str(), out.c_str(),
                   summary.skipped_regex_rules, summary.skipped_contacts,
                   summary.allow_listed);
    } else {
      std::fprintf(where,
                   "Exported %zu families with %zu indicators as a MISP "
                   "galaxy cluster (created %s) to %s; left out: %zu regex "
                   "rules, %zu on the allow list\n",
                   summary.families, summary.indicators, created_text.c_str(),
                   out.c_str(), summary.skipped_regex_rules,
                   summary.allow_listed);
    }
  }
  return kExitOk;
}

}  // namespace

void AddKbExportCommand(CLI::App* kb_command, const GlobalOptions& options,
                        Handler* handler) {
  static ExportFlags flags;
  CLI::App* command = kb_command->add_subcommand(
      "export",
      "Families and indicators as STIX 2.1 or a MISP galaxy (docs/exports.md)");
  command
      ->add_option("--format", flags.format,
                   "stix (a STIX 2.1 bundle) or misp-galaxy (a cluster file)")
      ->required()
      ->check(CLI::IsMember({"stix", "misp-galaxy"}));
  command
      ->add_option("--family", flags.families,
                   "Only this family (id, name or alias); repeatable")
      ->check(NonEmpty());
  command
      ->add_option("--out", flags.out,
                   "The file to create ('-': stdout); never replaced")
      ->required()
      ->check(NonEmpty());
  CLI::Option* created = command->add_option(
      "--created", flags.created,
      "Time stamped on the export (RFC 3339, or 'now'); default: "
      "SOURCE_DATE_EPOCH, else 2024-01-01T00:00:00Z");
  created->check(NonEmpty());
  command->callback([&options, handler, created] {
    flags.created_given = created->count() > 0;
    *handler = [&options] { return RunExport(options, flags); };
  });
}

}  // namespace kintsugi::cli
