// `kintsugi serve [--listen ADDR:PORT] [--db URL] [--tls-cert F --tls-key F]
// [--threads N] [--trust-proxy] [--rate-limit N] [--partners]` (issue 14,
// docs/cli.md): the victim portal and its API, on the knowledge base of
// --kb (or the built-in one); with --partners also the partner area
// (issue 12, docs/portal.md), on the accounts of the --db store. Runs until
// SIGINT or SIGTERM, then stops accepting, finishes the requests in progress
// and exits 0.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "cli.h"
#include "interrupt.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/portal.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string db;
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 0;
  bool trust_proxy = false;
  double rate_limit = -1;  // Requests per second per client; <0: default.
  bool partners = false;
};

int RunServe(const GlobalOptions& options, const ServeArgs& args) {
  if (args.partners && args.db.empty()) {
    // Not the default store: the partner accounts are an operator's
    // deliberate choice of database.
    return ReportFailure(
        options, InvalidArgumentError("--partners needs --db: the store that "
                                      "holds the partner accounts"));
  }
  auto loaded = LoadKnowledgeBase(options);
  if (!loaded) {
    ReportFailure(options, loaded.error().WithContext("knowledge base: "));
    return kExitKbInvalid;
  }
  auto compiled = LoadCompiledKb(options);
  if (!compiled) {
    ReportFailure(options, compiled.error().WithContext("knowledge base: "));
    return kExitKbInvalid;
  }
  PortalOptions portal;
  portal.listen = args.listen;
  portal.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*loaded));
  portal.compiled_kb = *compiled;
  portal.tls_cert_file = args.tls_cert;
  portal.tls_key_file = args.tls_key;
  portal.threads = args.threads;
  portal.trust_proxy = args.trust_proxy;
  portal.partners = args.partners;
  if (args.rate_limit > 0) {
    portal.requests = {args.rate_limit, args.rate_limit * 4};
  } else if (args.rate_limit == 0) {
    // No per-client limits (a load test, or nginx limits in front), except
    // the key lookups': those guard against enumeration.
    portal.requests = {};
    portal.identify = {};
    portal.connections_per_client = 0;
  }
  // The key store: --db, else the default SQLite store, made (empty) when
  // there is none yet, so that keys imported later are served.
  portal.db = args.db;
  if (portal.db.empty()) {
    auto path = DefaultKeyStorePath();
    if (!path) return ReportFailure(options, path.error());
    portal.db = *path;
  }
  if (!IsPostgresKeyStoreUrl(portal.db)) {
    auto created = OpenKeyStore(portal.db, KeyStoreCreation::kCreateIfMissing);
    if (!created) return ReportFailure(options, created.error());
  }
  if (Interrupted()) return kExitInterrupted;
  auto started = Portal::Start(portal);
  if (!started) return ReportFailure(options, started.error());
  const bool tls = !args.tls_cert.empty();
  std::string host = args.listen.substr(0, args.listen.rfind(':'));
  if (host == "0.0.0.0" || host == "[::]") host = "127.0.0.1";
  if (!options.quiet) {
    std::fprintf(
        stderr,
        "kintsugi: serving the portal at %s://%s:%u/ (key store %s)%s; "
        "Ctrl-C stops\n",
        tls ? "https" : "http", host.c_str(),
        static_cast<unsigned>((*started)->port()),
        KeyStoreDisplayName(portal.db).c_str(),
        args.partners ? ", partner area at /partner/" : "");
  }
  if (options.json) {
    std::printf("{\"url\": \"%s://%s:%u/\"}\n", tls ? "https" : "http",
                host.c_str(), static_cast<unsigned>((*started)->port()));
    std::fflush(stdout);
  }
  while (!Interrupted()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (*started)->Stop(10);
  if (!options.quiet) std::fprintf(stderr, "kintsugi: portal stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, const GlobalOptions& options,
                     Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "serve", "Run the victim-facing portal and API (default 127.0.0.1:8080)");
  auto args = std::make_shared<ServeArgs>();
  // An empty value is refused (exit 2), not taken as "not given": in
  // deploy/systemd/kintsugi-portal@.service `--db ${KINTSUGI_DB}` with the
  // variable missing from its EnvironmentFile would otherwise make an
  // empty default store under $HOME, on a file system the unit makes
  // read-only, and fail at every restart.
  command
      ->add_option("--listen", args->listen,
                   "ADDRESS:PORT to listen on (port 0: any free one)")
      ->check(NonEmpty());
  command
      ->add_option("--db", args->db,
                   "Key store answering /api/v1/keys, and with --partners "
                   "the partner accounts: an SQLite path or a "
                   "postgresql:// URL (default: the default store)")
      ->check(NonEmpty());
  command
      ->add_option("--tls-cert", args->tls_cert,
                   "PEM certificate chain: serve HTTPS")
      ->check(NonEmpty());
  command->add_option("--tls-key", args->tls_key, "PEM private key")
      ->check(NonEmpty());
  command->add_option("--threads", args->threads,
                      "Server threads (default: one per core)");
  command->add_flag("--trust-proxy", args->trust_proxy,
                    "Behind a reverse proxy on this machine: the client is "
                    "X-Real-IP when the peer is loopback");
  command->add_option("--rate-limit", args->rate_limit,
                      "Requests per second per client (default 50, bursts of "
                      "4 seconds' worth); 0: no limit but the key lookups' "
                      "and the partners' failed logins'");
  command->add_flag("--partners", args->partners,
                    "Also serve the partner area: pages under /partner/ "
                    "(login with password and TOTP code) and the API under "
                    "/api/v1/partner/ (API tokens), on the accounts of the "
                    "--db store (required then; `kintsugi partners` makes "
                    "them). Off by default: no login is offered");
  command->footer(
      "Exit codes: 0 stopped by SIGINT/SIGTERM, 2 usage error, 3 bad "
      "option, 7 knowledge base invalid, 9 address in use (docs/cli.md).");
  command->callback([&options, handler, args] {
    *handler = [&options, args] { return RunServe(options, *args); };
  });
}

}  // namespace kintsugi::cli
