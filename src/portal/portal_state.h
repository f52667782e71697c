#pragma once

// What the portal's handlers share (portal.cpp for the API, site.cpp for
// the pages): the knowledge base, the key stores, the limits, the metrics.
// Immutable after start except the pools, limiters and counters, which
// are safe to use from every server thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/partners.h"
#include "kintsugi/portal.h"
#include "kintsugi/store.h"
#include "portal/metrics.h"
#include "portal/rate_limiter.h"

namespace kintsugi::portal {

// Key stores for the server's threads: a KeyStore is used by one thread at
// a time (store.h), so each lookup borrows one, opening another when all
// are busy.
class KeyStorePool {
 public:
  explicit KeyStorePool(std::string db) : db_(std::move(db)) {}
  bool empty() const { return db_.empty(); }
  // Runs `use` with a store of its own.
  Status With(const std::function<Status(KeyStore&)>& use);

 private:
  std::string db_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<KeyStore>> idle_;
};

// The same for the partner area: a Partners is used by one thread at a
// time too (partners.h), opened over the served KB and the portal's clock.
class PartnersPool {
 public:
  PartnersPool(std::string db, partners::PartnersOptions options)
      : db_(std::move(db)), options_(std::move(options)) {}
  // Runs `use` with a Partners of its own.
  Status With(const std::function<Status(partners::Partners&)>& use);

 private:
  std::string db_;
  partners::PartnersOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<partners::Partners>> idle_;
};

struct PortalState {
  explicit PortalState(const PortalOptions& o)
      : options(o),
        keys(o.db),
        request_limit(o.requests.per_second, o.requests.burst),
        identify_limit(o.identify.per_second, o.identify.burst),
        key_limit(o.keys.per_second, o.keys.burst),
        partners(o.partners ? o.db : std::string(),
                 partners::PartnersOptions{o.kb, o.partners_clock,
                                           KeyStoreCreation::kMustExist}),
        partner_failures(o.partner_failures.per_second,
                         o.partner_failures.burst) {}

  PortalOptions options;
  std::map<std::string, const kb::Family*, std::less<>> families;
  std::string families_json;
  // GET /api/v1/families/{id}'s answers, made once.
  std::map<std::string, std::string, std::less<>> family_json;
  KeyStorePool keys;
  RateLimiter request_limit;
  RateLimiter identify_limit;
  RateLimiter key_limit;
  // Empty (never used) unless options.partners.
  PartnersPool partners;
  RateLimiter partner_failures;
  Metrics metrics;
};

}  // namespace kintsugi::portal
