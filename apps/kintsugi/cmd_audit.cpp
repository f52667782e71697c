// `kintsugi audit verify|export` (issue 12; docs/cli.md, docs/audit-log.md):
// the audit log of the key store's database.

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli.h"
#include "kintsugi/audit.h"
#include "kintsugi/audit_json.h"
#include "kintsugi/fs.h"
#include "kintsugi/log.h"
#include "kintsugi/status_table.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

struct AuditOptions {
  std::string db;           // --db; empty: the default store.
  std::string expect_head;  // verify: --expect-head, in hex.
  std::string out;          // export: --out; empty: stdout.
};

// Opens the audit log of --db, else of the default store; never creates
// a store. `shown` gets its name as printed (a URL's password hidden).
Result<std::unique_ptr<AuditLog>> Open(const AuditOptions& audit,
                                       std::string* shown) {
  std::string location = audit.db;
  if (location.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(location, DefaultKeyStorePath());
  }
  *shown = KeyStoreDisplayName(location);
  return OpenAuditLog(location, KeyStoreCreation::kMustExist);
}

// The one line that says where and how the chain breaks
// (docs/audit-log.md §3).
std::string BreakSentence(const AuditBreak& first_bad,
                          const AuditVerification& verification,
                          const std::optional<AuditHash>& expected_head) {
  const auto seq = static_cast<unsigned long long>(first_bad.seq);
  char line[512];
  switch (first_bad.fault) {
    case AuditFault::kEdited:
      std::snprintf(line, sizeof line,
                    "audit log entry %llu was edited (its hash does not match "
                    "its content)",
                    seq);
      break;
    case AuditFault::kRemoved:
      std::snprintf(line, sizeof line,
                    "audit log entry %llu was removed (a gap in the sequence "
                    "numbers)",
                    seq);
      break;
    case AuditFault::kReordered:
      if (seq <= 1) {
        std::snprintf(line, sizeof line,
                      "audit log entry %llu is out of order (its prev_hash is "
                      "not the 32 zero bytes of a first entry)",
                      seq);
      } else {
        std::snprintf(line, sizeof line,
                      "audit log entry %llu is out of order (its prev_hash is "
                      "not the hash of entry %llu: entries were swapped, or an "
                      "earlier one was rewritten with a new hash)",
                      seq, seq - 1);
      }
      break;
    case AuditFault::kTruncated:
      std::snprintf(line, sizeof line,
                    "audit log entry %llu and any after it are missing: the "
                    "log was truncated (the expected head %s is not the hash "
                    "of any of its %llu entries)",
                    seq,
                    expected_head ? AuditHashHex(*expected_head).c_str() : "",
                    static_cast<unsigned long long>(verification.entries));
      break;
  }
  return line;
}

int RunVerify(const GlobalOptions& options, const AuditOptions& audit) {
  // Checked when parsed (HexHash()): a bad one is a usage error.
  std::optional<AuditHash> expected_head;
  if (auto parsed = ParseAuditHashHex(audit.expect_head); parsed) {
    expected_head = *parsed;
  }
  std::string shown;
  auto log = Open(audit, &shown);
  if (!log) return ReportStoreFailure(options, shown, log.error(), true);
  auto verification = (*log)->Verify(expected_head);
  if (!verification) {
    return ReportStoreFailure(options, shown, verification.error(), false);
  }
  const std::string head = AuditHashHex(verification->head);
  if (options.json) {
    nlohmann::json first_bad = nullptr;
    if (verification->first_bad) {
      first_bad = {
          {"seq", verification->first_bad->seq},
          {"reason",
           std::string(AuditFaultName(verification->first_bad->fault))}};
    }
    PrintJson({{"intact", verification->intact()},
               {"entries", verification->entries},
               {"head", head},
               {"first_bad", first_bad}});
  }
  if (verification->first_bad) {
    std::fprintf(
        stderr, "kintsugi: %s\n",
        BreakSentence(*verification->first_bad, *verification, expected_head)
            .c_str());
    return OutcomeOf(StatusCode::kCorrupt).exit_code;
  }
  if (!options.json && !options.quiet) {
    std::printf("audit log intact: %" PRIu64 " entries, head %s\n",
                verification->entries, head.c_str());
  }
  return kExitOk;
}

// One entry as a line of the export (docs/audit-log.md §5): every field,
// in this order, hashes in hex, the detail as the exact text hashed.
std::string ExportLine(const AuditEntry& entry) {
  return AuditEntryJson(entry).dump(-1, ' ', false,
                                    nlohmann::json::error_handler_t::replace) +
         "\n";
}

int RunExport(const GlobalOptions& options, const AuditOptions& audit) {
  std::string shown;
  auto log = Open(audit, &shown);
  if (!log) return ReportStoreFailure(options, shown, log.error(), true);
  std::uint64_t count = 0;
  if (audit.out.empty()) {
    const Status status = (*log)->Export([&count](const AuditEntry& entry) {
      const std::string line = ExportLine(entry);
      ++count;
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
        return IoError("writing the export to stdout");
      }
      return Status::Ok();
    });
    if (std::fflush(stdout) != 0 && status.ok()) {
      return ReportFailure(options, IoError("writing the export to stdout"));
    }
    if (!status.ok()) return ReportStoreFailure(options, shown, status, false);
    return kExitOk;
  }
  // A new file: an existing one is never overwritten (kAlreadyExists).
  auto out = RealFileSystem().CreateNew(Path(audit.out));
  if (!out) return ReportFailure(options, out.error());
  Status status = (*log)->Export([&](const AuditEntry& entry) {
    const std::string line = ExportLine(entry);
    ++count;
    return (*out)->Append(ByteView::FromString(line));
  });
  if (status.ok()) status = (*out)->Sync();
  const Status closed = (*out)->Close();
  if (status.ok()) status = closed;
  if (!status.ok()) {
    RealFileSystem().Remove(Path(audit.out)).IgnoreError();
    return ReportFailure(options, status);
  }
  if (options.json) {
    PrintJson({{"exported", count}, {"out", audit.out}, {"db", shown}});
  } else if (!options.quiet) {
    std::printf("%" PRIu64 " audit log entries of %s written to %s\n", count,
                SanitizeForLog(shown).c_str(),
                SanitizeForLog(audit.out).c_str());
  }
  return kExitOk;
}

const CLI::Validator& HexHash() {
  static const CLI::Validator validator(
      [](const std::string& value) {
        return ParseAuditHashHex(value).ok()
                   ? std::string()
                   : std::string("a head hash is 64 hex digits");
      },
      /*validator_desc=*/"HEX", "HEX64");
  return validator;
}

}  // namespace

void AddAuditCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "audit", "Check or export the audit log of the key store's database");
  command->require_subcommand(1);
  static AuditOptions audit;
  const auto add_db = [](CLI::App* sub) {
    sub->add_option("--db", audit.db,
                    "The store: an SQLite file (default: "
                    "$XDG_DATA_HOME/kintsugi/keys.sqlite) or a "
                    "postgresql:// URL")
        ->check(NonEmpty());
  };

  CLI::App* verify = command->add_subcommand(
      "verify",
      "Check the hash chain; name the first edited, removed or reordered "
      "entry (exit 3)");
  add_db(verify);
  verify
      ->add_option("--expect-head", audit.expect_head,
                   "The head hash recorded earlier (64 hex digits): a log "
                   "cut short of it is truncated")
      ->check(HexHash());
  verify->callback([&options, handler] {
    *handler = [&options] { return RunVerify(options, audit); };
  });

  CLI::App* export_command = command->add_subcommand(
      "export", "Write every entry as JSON lines, in order");
  add_db(export_command);
  export_command
      ->add_option("--out", audit.out,
                   "The file to write (must not exist; default: stdout)")
      ->check(NonEmpty());
  export_command->callback([&options, handler] {
    *handler = [&options] { return RunExport(options, audit); };
  });
}

}  // namespace kintsugi::cli
