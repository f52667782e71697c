#pragma once

// The partner area of the portal (issue 12; docs/portal.md "The partner
// area", docs/api.md "The partner API"): the API under /api/v1/partner/
// (partner_api.cpp), authenticated by API tokens only, and the pages under
// /partner/ (partner_site.cpp: login, sessions, CSRF, the layout;
// partner_pages.cpp: the pages), authenticated by a session cookie. Both
// are thin: every decision on who may do what is partners.h's.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/partners.h"
#include "kintsugi/status.h"
#include "portal/http_server.h"
#include "portal/portal_state.h"

namespace kintsugi::portal {

// GET|POST|DELETE /api/v1/partner/`rest`.
HttpResponse PartnerApi(PortalState& state, const HttpRequest& request,
                        std::string_view rest);

// One route of the partner API: its path under /api/v1/partner/, with
// "{id}" for a submission's or token's id, and the methods it takes as an
// Allow header says them. PartnerApi routes by this table alone, and
// web/api/openapi.json documents exactly these (a test compares them).
struct PartnerApiRoute {
  std::string_view path;
  std::string_view methods;
};

// Every route of the partner API, in the order docs/api.md lists them.
std::span<const PartnerApiRoute> PartnerApiRoutes();

// /partner and everything under /partner/.
HttpResponse PartnerPages(PortalState& state, const HttpRequest& request);

// The HTTP status of a partner operation's failure: status_table.h's, but
// kResourceExhausted (a login delay, a rate) is 429 here.
int PartnerHttpStatus(StatusCode code);

// The seconds a kResourceExhausted failure asks to wait: the number of its
// message's "N s" ("try again in 8 s"), else 1.
unsigned RetryAfterSeconds(const Status& status);

// A positive decimal id of at most 18 digits; nullopt otherwise.
std::optional<std::int64_t> ParseId(std::string_view text);

// "read,submit" as {"read", "submit"}.
std::vector<std::string> ScopeList(unsigned scopes);

// What one call of the partners' layer on a pooled Partners gave: its
// value, or the failure (the pool's own, or the call's).
template <typename T>
struct Called {
  std::optional<T> value;
  Status status;
  bool ok() const { return status.ok(); }
};

// Runs `call(Partners&) -> Result<T>` on a Partners of the pool.
template <typename T, typename F>
Called<T> Call(PortalState& state, F&& call) {
  Called<T> called;
  called.status = state.partners.With([&](partners::Partners& p) -> Status {
    Result<T> result = call(p);
    if (!result) return result.error();
    called.value = std::move(*result);
    return Status::Ok();
  });
  return called;
}

}  // namespace kintsugi::portal
