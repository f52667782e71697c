#pragma once

// What the partner pages share (partner_site.cpp: the session, CSRF and
// layout; partner_pages.cpp: the pages). English only: the partners'
// working language (issue 12 asks for English at least); every text that
// came from a user or the store is HTML-escaped (HtmlEscape, site.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/partners.h"
#include "portal/http_server.h"
#include "portal/partner.h"

namespace kintsugi::portal {

// One request of a signed-in partner.
struct PartnerContext {
  PortalState& state;
  const HttpRequest& request;
  partners::SessionInfo session;
  // The form of a POST (its CSRF token already checked).
  std::vector<std::pair<std::string, std::string>> form;

  const partners::Principal& who() const { return session.principal; }
  std::string Field(std::string_view name) const;
};

// A whole page: the partner layout (menu, who is signed in, the logout
// button) around `body`. `current` is the menu path of the page
// ("", "submit", ...). `context` null: signed out (the login page).
std::string PartnerLayout(const PartnerContext* context, std::string_view title,
                          std::string_view current, const std::string& body);

// The answer of every partner page: HTML, Cache-Control: no-store, and a
// Referrer-Policy that lets the browser send Origin on same-origin posts
// (no-referrer, the public pages' policy, makes it "null").
HttpResponse PartnerHtml(int status, std::string html);

// 303 See Other to `location` (after a form post).
HttpResponse SeeOther(std::string location);

// The hidden CSRF field every form of a signed-in page carries.
std::string CsrfField(const PartnerContext& context);

// A page saying why `status` failed, with PartnerHttpStatus's code.
HttpResponse PartnerFailurePage(const PartnerContext& context,
                                const Status& status);

// --- the pages (partner_pages.cpp) -------------------------------------------

HttpResponse HomePage(PartnerContext& context);
// GET: the form; POST: the submission.
HttpResponse SubmitPage(PartnerContext& context);
HttpResponse SubmissionPage(PartnerContext& context, std::int64_t id);
HttpResponse WithdrawAction(PartnerContext& context, std::int64_t id);
HttpResponse ReviewAction(PartnerContext& context, std::int64_t id);
HttpResponse ReviewQueuePage(PartnerContext& context);
HttpResponse ReleasesPage(PartnerContext& context);
HttpResponse AuditPage(PartnerContext& context);
// GET: the list and the form; POST: a new token, shown once.
HttpResponse TokensPage(PartnerContext& context);
HttpResponse RevokeAction(PartnerContext& context, std::int64_t id);

}  // namespace kintsugi::portal
