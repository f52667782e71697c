// `kintsugi keys import|export|stats|list` (issue 9; docs/cli.md, the dump
// format in docs/key-format.md): the key store of seized and leaked keys,
// and the released keys built into Kintsugi.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "kintsugi/audit.h"
#include "kintsugi/fs.h"
#include "kintsugi/key_dump.h"
#include "kintsugi/key_families.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

struct KeysOptions {
  std::string db;      // --db; empty: the default store.
  std::string file;    // import: the dump; export: --out.
  std::string source;  // import: --source.
};

// The store: --db (an SQLite path or a PostgreSQL URL), else the default
// SQLite file (DefaultKeyStorePath).
Result<std::string> StoreLocation(const KeysOptions& keys) {
  if (!keys.db.empty()) return keys.db;
  return DefaultKeyStorePath();
}

// Opens the store; only an import creates one (`creation`: an SQLite file;
// a PostgreSQL database must exist). `shown` gets its name as printed (a
// URL's password hidden).
Result<std::unique_ptr<KeyStore>> OpenStore(const KeysOptions& keys,
                                            std::string* shown,
                                            KeyStoreCreation creation) {
  KINTSUGI_ASSIGN_OR_RETURN(const std::string location, StoreLocation(keys));
  *shown = KeyStoreDisplayName(location);
  return OpenKeyStore(location, creation);
}

// The line of the record named by the store's "record N: ..." (1-based,
// store.h), or 0.
std::size_t LineOfStoreError(const Status& status,
                             const std::vector<std::size_t>& lines) {
  std::size_t record = 0;
  if (std::sscanf(status.message().c_str(), "record %zu:", &record) != 1 ||
      record == 0 || record > lines.size()) {
    return 0;
  }
  return lines[record - 1];
}

// Prints each problem as FILE:LINE (and the whole as JSON with --json);
// nothing was imported.
int ReportProblems(const GlobalOptions& options, const std::string& file,
                   const ParsedKeyDump& dump) {
  const std::string safe_file = SanitizeForLog(file);
  nlohmann::json problems = nlohmann::json::array();
  for (const KeyDumpProblem& problem : dump.problems) {
    const std::string text = problem.detail.id == MessageId::kCount
                                 ? problem.message
                                 : RenderEnglish(problem.detail);
    std::fprintf(stderr, "%s:%zu: error: %s\n", safe_file.c_str(), problem.line,
                 SanitizeForLog(text).c_str());
    problems.push_back({{"line", problem.line}, {"message", text}});
  }
  if (dump.problems.size() < dump.rejected_count) {
    const std::string more = RenderEnglish(
        Message{MessageId::kKeysMoreProblems,
                {{"file", safe_file},
                 {"count", static_cast<std::int64_t>(dump.rejected_count -
                                                     dump.problems.size())}}});
    std::fprintf(stderr, "%s\n", more.c_str());
  }
  const std::size_t accepted = dump.record_count - dump.rejected_count;
  const Status status = InvalidArgumentError(RenderEnglish(
      Message{MessageId::kKeysRejected,
              {{"file", file},
               {"rejected", static_cast<std::int64_t>(dump.rejected_count)},
               {"records", static_cast<std::int64_t>(dump.record_count)}}}));
  std::fprintf(stderr, "kintsugi: error: %s\n",
               SanitizeForLog(status.ToString()).c_str());
  if (options.json) {
    PrintJson({{"imported", 0},
               {"accepted", accepted},
               {"rejected", dump.rejected_count},
               {"problems", problems},
               {"error",
                {{"code", std::string(StatusCodeName(status.code()))},
                 {"message", status.message()}}}});
  }
  return ExitCodeFor(status);
}

// Appends the import to the store's audit log (docs/audit-log.md §1): who
// ("cli"), the dump's file name, and how many keys of each family; never a
// key or a handle.
Status LogImport(const KeysOptions& keys, const ParsedKeyDump& dump) {
  KINTSUGI_ASSIGN_OR_RETURN(const std::string location, StoreLocation(keys));
  KINTSUGI_ASSIGN_OR_RETURN(
      auto log, OpenAuditLog(location, KeyStoreCreation::kMustExist));
  std::map<std::string, std::uint64_t> per_family;
  for (const KeyRecord& record : dump.records) ++per_family[record.family];
  nlohmann::json families = nlohmann::json::array();
  for (const auto& [family, count] : per_family) {
    families.push_back({{"family", family}, {"keys", count}});
  }
  const std::string file =
      SanitizeForLog(std::filesystem::path(keys.file).filename().string());
  AuditRecord record;
  record.actor = "cli";
  record.action = AuditAction::kKeyImport;
  record.object = "key-dump/" + file;
  record.detail = nlohmann::json{
      {"file", file},
      {"keys", dump.records.size()},
      {"families",
       families}}.dump();
  return log->Append(record).status();
}

int RunImport(const GlobalOptions& options, const KeysOptions& keys) {
  auto text = ReadWholeFile(RealFileSystem(), Path(keys.file),
                            limits::kMaxKeyDumpBytes);
  if (!text) return ReportFailure(options, text.error());
  const std::string_view view(reinterpret_cast<const char*>(text->data()),
                              text->size());
  // A record's family must be a key-lookup family or one of the knowledge
  // base (docs/key-format.md §4).
  auto kb = LoadKnowledgeBase(options);
  if (!kb) {
    ReportFailure(options, kb.error().WithContext("knowledge base: "));
    return kExitKbInvalid;
  }
  KeyDumpDefaults defaults{keys.source, {}};
  for (const kb::Family& family : kb->families) {
    defaults.kb_families.insert(family.id);
  }
  auto dump = ParseKeyDump(view, defaults);
  if (!dump) {
    return ReportFailure(options, dump.error().WithContext(keys.file + ": "));
  }
  if (!dump->problems.empty() || dump->rejected_count > 0) {
    return ReportProblems(options, keys.file, *dump);
  }
  std::string path;
  auto store = OpenStore(keys, &path, KeyStoreCreation::kCreateIfMissing);
  if (!store) {
    return ReportStoreFailure(options, path, store.error(), /*opening=*/true);
  }
  const Status imported = (*store)->Import(dump->records);
  if (!imported.ok()) {
    const std::size_t line = LineOfStoreError(imported, dump->lines);
    if (imported.code() == StatusCode::kAlreadyExists && line > 0) {
      // A key the store holds already: a problem of the dump, with its
      // line, like a duplicate within it.
      const std::string& message = imported.message();
      ParsedKeyDump duplicate;
      duplicate.record_count = dump->records.size();
      duplicate.rejected_count = 1;
      duplicate.problems.push_back(
          {line,
           message.substr(std::min(message.find(": ") + 2, message.size())),
           {}});
      return ReportProblems(options, keys.file, duplicate);
    }
    return ReportStoreFailure(
        options, path,
        imported.WithContext("nothing imported from " + keys.file + ": "),
        /*opening=*/false);
  }
  if (const Status logged = LogImport(keys, *dump); !logged.ok()) {
    return ReportStoreFailure(
        options, path,
        logged.WithContext(std::to_string(dump->records.size()) +
                           " key(s) imported, but the audit log entry was "
                           "not written: "),
        /*opening=*/false);
  }
  // Keys for families of the knowledge base that no decryptor uses yet.
  std::set<std::string> no_decryptor;
  for (const KeyRecord& record : dump->records) {
    if (FindKeyFamily(record.family) == nullptr) {
      no_decryptor.insert(record.family);
    }
  }
  std::string families;
  for (const std::string& family : no_decryptor) {
    families += (families.empty() ? "" : ", ") + family;
  }
  if (options.json) {
    PrintJson({{"imported", dump->records.size()},
               {"accepted", dump->records.size()},
               {"rejected", 0},
               {"no_decryptor", dump->no_decryptor_count},
               {"no_decryptor_families", no_decryptor},
               {"db", path}});
  } else if (!options.quiet) {
    std::printf(
        "%s\n",
        RenderEnglish(
            Message{MessageId::kKeysImported,
                    {{"count", static_cast<std::int64_t>(dump->records.size())},
                     {"file", SanitizeForLog(keys.file)},
                     {"db", SanitizeForLog(path)}}})
            .c_str());
  }
  if (dump->no_decryptor_count > 0 && !options.quiet) {
    std::fprintf(
        stderr, "kintsugi: %s\n",
        SanitizeForLog(
            RenderEnglish(Message{
                MessageId::kKeysNoDecryptor,
                {{"count", static_cast<std::int64_t>(dump->no_decryptor_count)},
                 {"families", families}}}))
            .c_str());
  }
  return kExitOk;
}

int RunExport(const GlobalOptions& options, const KeysOptions& keys) {
  std::string path;
  auto store = OpenStore(keys, &path, KeyStoreCreation::kMustExist);
  if (!store) {
    return ReportStoreFailure(options, path, store.error(), /*opening=*/true);
  }
  // The file holds keys in clear: created new, readable by its owner only.
  auto out = RealFileSystem().CreateNew(Path(keys.file));
  if (!out) return ReportFailure(options, out.error());
  std::size_t count = 0;
  Status status = (*store)->Export([&](const KeyRecord& record) {
    std::string line = KeyDumpLine(record);
    line += '\n';
    ++count;
    return (*out)->Append(ByteView(
        reinterpret_cast<const std::uint8_t*>(line.data()), line.size()));
  });
  if (status.ok()) status = (*out)->Sync();
  const Status closed = (*out)->Close();
  if (status.ok()) status = closed;
  if (!status.ok()) {
    RealFileSystem().Remove(Path(keys.file)).IgnoreError();
    return ReportFailure(options, status);
  }
  if (options.json) {
    PrintJson({{"exported", count}, {"out", keys.file}, {"db", path}});
  } else if (!options.quiet) {
    std::printf(
        "%s\n",
        RenderEnglish(Message{MessageId::kKeysExported,
                              {{"count", static_cast<std::int64_t>(count)},
                               {"db", SanitizeForLog(path)},
                               {"out", SanitizeForLog(keys.file)}}})
            .c_str());
  }
  return kExitOk;
}

int RunStats(const GlobalOptions& options, const KeysOptions& keys) {
  std::string path;
  auto store = OpenStore(keys, &path, KeyStoreCreation::kMustExist);
  if (!store) {
    return ReportStoreFailure(options, path, store.error(), /*opening=*/true);
  }
  auto stats = (*store)->Stats();
  if (!stats) {
    return ReportStoreFailure(options, path, stats.error(), /*opening=*/false);
  }
  if (options.json) {
    nlohmann::json families = nlohmann::json::object();
    for (const KeyStoreStats::Row& row : stats->rows) {
      nlohmann::json& family = families[row.family];
      if (family.is_null()) family = {{"released", 0}, {"embargoed", 0}};
      family[std::string(ReleaseStateName(row.state))] = row.count;
    }
    PrintJson({{"db", path}, {"keys", stats->Total()}, {"families", families}});
    return kExitOk;
  }
  if (options.quiet) return kExitOk;
  std::printf(
      "%s\n",
      RenderEnglish(
          Message{MessageId::kKeysCounted,
                  {{"db", SanitizeForLog(path)},
                   {"count", static_cast<std::int64_t>(stats->Total())}}})
          .c_str());
  for (const KeyStoreStats::Row& row : stats->rows) {
    std::printf("  %-24s %-10s %llu\n", SanitizeForLog(row.family).c_str(),
                std::string(ReleaseStateName(row.state)).c_str(),
                static_cast<unsigned long long>(row.count));
  }
  return kExitOk;
}

// One key as `keys list` shows it: what it is and where it came from, never
// the key.
nlohmann::json ListedKey(const KeyRecord& record) {
  nlohmann::json key = {
      {"family", record.family},
      {"key_type", std::string(KeyTypeName(record.key_type))},
      {"handle_kind", std::string(HandleKindName(record.handle.kind))},
      {"handle", record.handle.kind == HandleKind::kNone
                     ? nlohmann::json()
                     : nlohmann::json(record.handle.value)},
      {"state", std::string(ReleaseStateName(record.state))},
      {"origin", record.built_in ? "built-in" : "store"},
      {"source", record.provenance.source},
      {"case", record.provenance.case_reference}};
  if (!record.provenance.date.empty()) key["date"] = record.provenance.date;
  return key;
}

// The built-in keys, then the store's (--db, else the default store when
// there is one): one line each, never a key.
int RunList(const GlobalOptions& options, const KeysOptions& keys) {
  nlohmann::json listed = nlohmann::json::array();
  const auto add = [&](const KeyRecord& record) {
    listed.push_back(ListedKey(record));
    return Status::Ok();
  };
  auto builtin = BuiltinKeyStore();
  if (!builtin) return ReportFailure(options, builtin.error());
  if (Status status = (*builtin)->Export(add); !status.ok()) {
    return ReportFailure(options, status);
  }
  std::string path;
  bool have_store = !keys.db.empty();
  if (!have_store) {
    auto fallback = DefaultKeyStorePath();
    have_store = fallback && std::filesystem::exists(*fallback);
  }
  if (have_store) {
    auto store = OpenStore(keys, &path, KeyStoreCreation::kMustExist);
    if (!store) {
      return ReportStoreFailure(options, path, store.error(),
                                /*opening=*/true);
    }
    if (Status status = (*store)->Export(add); !status.ok()) {
      return ReportStoreFailure(options, path, status, /*opening=*/false);
    }
  }
  if (options.json) {
    PrintJson({{"db", have_store ? nlohmann::json(path) : nlohmann::json()},
               {"keys", listed}});
    return kExitOk;
  }
  if (options.quiet) return kExitOk;
  for (const nlohmann::json& key : listed) {
    const std::string handle =
        key["handle"].is_null() ? "-" : key["handle"].get<std::string>();
    std::printf("%-20s %-18s %-9s %-8s %s  %s\n",
                SanitizeForLog(key["family"].get<std::string>()).c_str(),
                key["key_type"].get<std::string>().c_str(),
                key["state"].get<std::string>().c_str(),
                key["origin"].get<std::string>().c_str(),
                SanitizeForLog(handle).c_str(),
                SanitizeForLog(key["source"].get<std::string>()).c_str());
  }
  return kExitOk;
}

}  // namespace

void AddKeysCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "keys", "Manage the key database (seized and leaked keys)");
  command->require_subcommand(1);
  static KeysOptions keys;
  const auto add_db = [](CLI::App* sub) {
    sub->add_option("--db", keys.db,
                    "The key store: an SQLite file (default: "
                    "$XDG_DATA_HOME/kintsugi/keys.sqlite) or a "
                    "postgresql:// URL")
        ->check(NonEmpty());
  };

  CLI::App* import_command = command->add_subcommand(
      "import", "Import a key dump (all or nothing; docs/key-format.md)");
  import_command
      ->add_option("FILE", keys.file, "The dump: JSON, JSON lines or CSV")
      ->required()
      ->check(NonEmpty());
  import_command
      ->add_option("--source", keys.source,
                   "Who contributed the keys (records may name their own)")
      ->required()
      ->check(NonEmpty());
  add_db(import_command);
  import_command->callback([&options, handler] {
    *handler = [&options] { return RunImport(options, keys); };
  });

  CLI::App* export_command = command->add_subcommand(
      "export", "Write every key, embargoed ones too, as JSON lines");
  export_command
      ->add_option("--out", keys.file,
                   "The file to write (must not exist; created 0600)")
      ->required()
      ->check(NonEmpty());
  add_db(export_command);
  export_command->callback([&options, handler] {
    *handler = [&options] { return RunExport(options, keys); };
  });

  CLI::App* stats_command = command->add_subcommand(
      "stats", "Count the keys per family, released and embargoed");
  add_db(stats_command);
  stats_command->callback([&options, handler] {
    *handler = [&options] { return RunStats(options, keys); };
  });

  CLI::App* list_command = command->add_subcommand(
      "list",
      "List the built-in released keys and the store's keys (never a key)");
  add_db(list_command);
  list_command->callback([&options, handler] {
    *handler = [&options] { return RunList(options, keys); };
  });
}

}  // namespace kintsugi::cli
