#pragma once

// The victim-facing portal and its public API (issue 14; docs/api.md,
// docs/portal.md): `kintsugi serve`. One process serves the pages in every
// language of web/i18n/ and /api/v1/ from the knowledge base it was given,
// and answers key lookups from a key store. It keeps nothing of what a
// victim sends: bodies are read into memory, answered and freed; no body,
// query or path reaches a log, the metrics or the disk.
//
// With PortalOptions::partners it also serves the partner area (issue 12;
// docs/portal.md "The partner area"): pages under /partner/ behind a login,
// and /api/v1/partner/ behind API tokens, over partners.h. The public pages
// and API stay cookie-free either way.

#include <cstdint>
#include <memory>
#include <string>

#include "kintsugi/audit.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi {

// Requests per second and burst for one client address (0 per second: no
// limit).
struct RateLimit {
  double per_second = 0;
  double burst = 0;
};

struct PortalOptions {
  // ADDRESS:PORT ("127.0.0.1:8080", "[::1]:8080"); port 0 takes a free one.
  std::string listen = "127.0.0.1:8080";
  // The knowledge base: as loaded (families, the pages) and compiled
  // (identify). Required.
  std::shared_ptr<const kb::KnowledgeBase> kb;
  std::shared_ptr<const identify::CompiledKb> compiled_kb;
  // The key store answering /api/v1/keys (a path or a PostgreSQL URL,
  // store.h); empty: none, every lookup finds nothing.
  std::string db;
  // PEM files: serve HTTPS.
  std::string tls_cert_file;
  std::string tls_key_file;
  unsigned threads = 0;  // 0: one per core.
  // Behind a reverse proxy on this machine (deploy/nginx): the client is
  // X-Real-IP when the peer is loopback.
  bool trust_proxy = false;
  // Per client address. Every request counts against `requests`; identify
  // and key lookups against their own limit too.
  RateLimit requests{50, 200};
  // Open connections from one client address (0: no limit). Behind a
  // trusted proxy every connection comes from it: not limited then.
  unsigned connections_per_client = 64;
  RateLimit identify{5, 20};
  RateLimit keys{0.2, 10};
  // The partner area (/partner/ and /api/v1/partner/); off by default, so
  // that a public-only deployment offers no login at all. Needs `db`: the
  // partner accounts live in the store (partners.h).
  bool partners = false;
  // Failed partner authentications (a wrong login, an unknown or expired
  // token) per client address; past it, 429 before any check. Account
  // delays and lockouts (credentials.h) come on top of it.
  RateLimit partner_failures{0.1, 10};
  // The partners' clock (times, expiries, embargoes, TOTP); the system
  // clock when empty. Tests set it.
  AuditClock partners_clock;
};

class Portal {
 public:
  // Starts serving. kInvalidArgument for bad options (no KB, an address
  // that is not ADDRESS:PORT, unreadable TLS files), kUnavailable when the
  // address cannot be bound; the key store's error when it cannot be
  // opened.
  static Result<std::unique_ptr<Portal>> Start(const PortalOptions& options);
  ~Portal();  // Stop().
  Portal(const Portal&) = delete;
  Portal& operator=(const Portal&) = delete;

  // The port it listens on (the one chosen when the options said 0).
  std::uint16_t port() const;

  // Stops accepting, lets the requests in progress finish (up to
  // `grace_seconds`), and closes. Idempotent.
  void Stop(unsigned grace_seconds = 10);

  struct Impl;

 private:
  explicit Portal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kintsugi
