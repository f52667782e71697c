#pragma once

// Shared pieces of the `kintsugi` command: global options and output
// helpers. Exit codes, and which failure gets which, are the one table in
// kintsugi/status_table.h (docs/cli.md "Exit codes").

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/release.h"
#include "kintsugi/status.h"
#include "kintsugi/status_table.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {

// Maps a failure to its exit code: its row of the status table.
int ExitCodeFor(const Status& status);

// The default key store: $XDG_DATA_HOME/kintsugi/keys.sqlite, else
// $HOME/.local/share/kintsugi/keys.sqlite (absolute values only, as the XDG
// specification asks); kInvalidArgument when neither is set.
Result<std::string> DefaultKeyStorePath();

// The key store a run reads (recover, scan): `db` (--db), else the default
// one when it exists, with the built-in released keys after it
// (BuiltinKeyStore, docs/key-format.md §8), which are all there is when
// there is no store. A run never creates a store (`kintsugi keys import`
// does): a --db that does not exist is an error.
Result<std::shared_ptr<KeyStore>> OpenRunKeyStore(const std::string& db);

// Options every subcommand sees.
struct GlobalOptions {
  bool json = false;   // Machine output on stdout, messages on stderr.
  bool quiet = false;  // Only errors on stderr.
  std::string kb_dir;  // --kb DIR|BUNDLE; empty = installed or built-in KB.
  // --release-key FILE: the public key release bundles must be signed with,
  // instead of the project's pinned one.
  std::string release_key;
};

// A subcommand's work: returns the exit code.
using Handler = std::function<int()>;

// Prints `status` as a clear message on stderr (and, in --json mode, as
// {"error": {"code", "message"}} on stdout); returns its exit code from
// the status table.
int ReportFailure(const GlobalOptions& options, const Status& status);

// Prints a failure of the key store (or audit log) at `db`, as shown
// (KeyStoreDisplayName; empty: none was chosen), as its message
// (docs/messages.md: an id per status code, the store's own text as the
// detail) with its code, as ReportFailure does; returns its exit code.
// `opening`: an invalid argument then means a file that is not a store.
int ReportStoreFailure(const GlobalOptions& options, const std::string& db,
                       const Status& status, bool opening);

// Prints a JSON document on stdout.
void PrintJson(const nlohmann::json& document);

// Refuses an empty value ("--key ''", "--kb ''"): for every option whose
// value cannot meaningfully be empty, which would otherwise read as "not
// given" (a usage error, exit 2; issue 16).
const CLI::Validator& NonEmpty();

// The public key release bundles are verified with: --release-key FILE,
// else the project's pinned key (kintsugi/release.h).
Result<release::PublicKey> TrustedReleaseKey(const GlobalOptions& options);

// A release bundle read from `path` and verified with the trusted key;
// `sha256`, when given, receives the file's (release::BundleSha256).
Result<release::Bundle> ReadVerifiedBundle(const GlobalOptions& options,
                                           const std::string& path,
                                           std::string* sha256 = nullptr);

// The release `kintsugi kb update` installed, verified again; nullopt when
// none is installed. A bundle that no longer verifies is an error (never
// silently skipped).
Result<std::optional<release::Bundle>> InstalledRelease(
    const GlobalOptions& options);

// The knowledge base the command works with: --kb DIR (a folder, loaded as
// it is) or --kb BUNDLE (a release bundle, verified first), else the
// installed release (verified), else the built-in one. A --kb folder with no
// family definition in it (an empty folder, or one that is not a KB at all) is
// refused rather than answering "unknown" to everything; callers exit
// kExitKbInvalid.
Result<kb::KnowledgeBase> LoadKnowledgeBase(const GlobalOptions& options);

// The KB identify matches against, compiled: the built-in one as it was
// compiled when the binary was built (identify::CompileBuiltInKb, in
// milliseconds), the installed release's from its cache
// (InstalledCompiledKb), or the --kb folder or bundle loaded and compiled
// now. Errors as LoadKnowledgeBase, or the compiler's.
Result<std::shared_ptr<const identify::CompiledKb>> LoadCompiledKb(
    const GlobalOptions& options);

// The installed release `installed` compiled: read from release.compiled
// beside the installed bundle when that was made from its KB bytes
// (kintsugi/compiled_kb_cache.h), else compiled now and the cache written
// (a failure to write it is only a warning).
Result<std::shared_ptr<const identify::CompiledKb>> InstalledCompiledKb(
    const release::Bundle& installed);

// `kintsugi --version` (version.cpp): the version, the build's commit and
// the knowledge base that would answer; returns the exit code.
int PrintVersion(const GlobalOptions& options);

// Every subcommand and option of `app`, nested: {"options": ["--json",
// "-q", ...], "subcommands": {"identify": {...}, ...}} (cli_dump.cpp;
// `kintsugi --dump-cli-json`, for the documentation tests).
nlohmann::json DescribeCommandLine(const CLI::App& app);

// The manual pages of `app` into `dir`: kintsugi.1 (the global options and
// the subcommands) and one page a subcommand, kintsugi-identify.1,
// kintsugi-kb-update.1, ... (cli_dump.cpp; `kintsugi --dump-man DIR`, run
// by the build). Made from the same definitions as the command line.
Status WriteManPages(const CLI::App& app, const std::string& version,
                     const std::filesystem::path& dir);

// Each cmd_<name>.cpp defines one of these: it adds its subcommand to `app`
// and sets `*handler` when the subcommand is chosen.
void AddIdentifyCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler);
// `kintsugi completion bash|zsh` (cmd_completion.cpp): added last, it
// describes every other subcommand.
void AddCompletionCommand(CLI::App& app, const GlobalOptions& options,
                          Handler* handler);
void AddRecoverCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler);
void AddScanCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler);
void AddServeCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler);
void AddReleaseCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler);
// `kb verify` and `kb update` (cmd_release.cpp), added to the `kb` command.
void AddKbReleaseCommands(CLI::App* kb_command, const GlobalOptions& options,
                          Handler* handler);
void AddKbCommand(CLI::App& app, const GlobalOptions& options,
                  Handler* handler);
// `kb export` (cmd_kb_export.cpp), added to the `kb` command.
void AddKbExportCommand(CLI::App* kb_command, const GlobalOptions& options,
                        Handler* handler);
void AddKeysCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler);
void AddFamiliesCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler);
void AddAuditCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler);
void AddPartnersCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler);

}  // namespace kintsugi::cli
