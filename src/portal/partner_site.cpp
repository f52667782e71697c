// The partner pages' frame (partner_site.h): the login and the session
// cookie, the CSRF token and the Origin check of every form post, the
// layout, and the routing of /partner/ (docs/portal.md "The partner
// area").

#include "portal/partner_site.h"

#include <fmt/format.h>
#include <sodium.h>

#include "kintsugi/log.h"
#include "portal/form.h"
#include "portal/site.h"

namespace kintsugi::portal {

std::string PartnerContext::Field(std::string_view name) const {
  return FormValue(form, name);
}

namespace {

// The session cookie. Under TLS the __Host- prefix binds it to this host
// and to HTTPS; the prefix requires Path=/ (browsers refuse a __Host-
// cookie with another path), so there the cookie also travels to the
// public pages, which never read a cookie. Without TLS (a test, or a
// development machine) it is scoped to /partner/.
constexpr std::string_view kCookieTls = "__Host-kintsugi-partner";
constexpr std::string_view kCookiePlain = "kintsugi-partner";

std::string_view CookieName(const HttpRequest& request) {
  return request.tls ? kCookieTls : kCookiePlain;
}

std::string CookieAttributes(const HttpRequest& request) {
  return request.tls ? "; Path=/; Secure; HttpOnly; SameSite=Strict"
                     : "; Path=/partner/; HttpOnly; SameSite=Strict";
}

// The value of the session cookie in the Cookie header; "" when absent.
std::string SessionCookie(const HttpRequest& request) {
  const std::string_view name = CookieName(request);
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view()
                                            : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The host[:port] of an http(s) URL; "" for anything else ("null").
std::string_view UrlHost(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() &&
        EqualNoCase(url.substr(0, scheme.size()), scheme)) {
      const std::string_view rest = url.substr(scheme.size());
      return rest.substr(0, rest.find('/'));
    }
  }
  return "";
}

// Whether a form post comes from this site: its Origin, or else its
// Referer, names the host the request was sent to. Neither header: let
// the CSRF token decide (a browser of this century sends Origin with
// every post), except where there is no token yet (`need_header`: the
// login form, which another site must not be able to post with its own
// account's name and password).
bool FromThisSite(const HttpRequest& request, bool need_header = false) {
  const std::string* host = request.Header("host");
  for (const char* name : {"origin", "referer"}) {
    if (const std::string* value = request.Header(name)) {
      const std::string_view from = UrlHost(*value);
      return host != nullptr && !from.empty() && EqualNoCase(from, *host);
    }
  }
  return !need_header;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() &&
         sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

HttpResponse Refused(int status, std::string_view title,
                     std::string_view text) {
  return PartnerHtml(
      status,
      PartnerLayout(nullptr, title, "",
                    fmt::format("<h1>{}</h1>\n<p>{}</p>\n<p><a "
                                "href=\"/partner/login\">Log in</a></p>\n",
                                HtmlEscape(title), HtmlEscape(text))));
}

std::string LoginForm(std::string_view user, std::string_view problem) {
  std::string body = "<h1>Partner login</h1>\n";
  if (!problem.empty()) {
    body +=
        "<p class=\"problem\" role=\"alert\">" + HtmlEscape(problem) + "</p>\n";
  }
  body += fmt::format(
      "<p>For the organisations that contribute keys and analyses. Victims "
      "need no account: <a href=\"/\">the public site</a>.</p>\n"
      "<form method=\"post\" action=\"/partner/login\" class=\"narrow\">\n"
      "<div class=\"field\"><label for=\"user\">User name</label>\n"
      "<input type=\"text\" id=\"user\" name=\"user\" value=\"{}\" "
      "autocomplete=\"username\" autocapitalize=\"none\" required></div>\n"
      "<div class=\"field\"><label for=\"password\">Password</label>\n"
      "<input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required></div>\n"
      "<div class=\"field\"><label for=\"code\">Code from your authenticator "
      "app</label>\n<input type=\"text\" id=\"code\" name=\"code\" "
      "inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]*\" "
      "maxlength=\"8\" required></div>\n"
      "<button type=\"submit\">Log in</button>\n</form>\n",
      HtmlEscape(user));
  return body;
}

HttpResponse LoginPage(PortalState& state, const HttpRequest& request) {
  if (request.method != "POST") {
    return PartnerHtml(
        200, PartnerLayout(nullptr, "Log in", "login", LoginForm("", "")));
  }
  unsigned retry = 0;
  if (!state.partner_failures.Check(request.client, &retry)) {
    HttpResponse response = PartnerHtml(
        429, PartnerLayout(
                 nullptr, "Log in", "login",
                 LoginForm("", fmt::format("Too many failed logins from "
                                           "this address: try again in {} s.",
                                           retry))));
    response.headers.emplace_back("Retry-After", std::to_string(retry));
    return response;
  }
  if (!FromThisSite(request, /*need_header=*/true)) {
    return Refused(403, "Refused",
                   "This form was not sent from this site's page.");
  }
  auto form = ParseForm(request);
  if (!form) return Refused(400, "Refused", form.error().message());
  const std::string user = FormValue(*form, "user");
  auto session = Call<partners::WebSession>(state, [&](partners::Partners& p) {
    return p.Login(user, FormValue(*form, "password"), FormValue(*form, "code"),
                   request.client);
  });
  if (session.ok()) {
    HttpResponse response = SeeOther("/partner/");
    response.headers.emplace_back(
        "Set-Cookie", std::string(CookieName(request)) + "=" +
                          session.value->token + CookieAttributes(request));
    return response;
  }
  const Status& status = session.status;
  std::string problem;
  int http = PartnerHttpStatus(status.code());
  HttpResponse response;
  // Every refused login counts against the client, a delayed or locked
  // account's too: each one is written to the audit log.
  state.partner_failures.Allow(request.client);
  switch (status.code()) {
    case StatusCode::kUnauthenticated:
    case StatusCode::kInvalidArgument:
      // One message whatever was wrong: the name, the password or the code.
      http = 401;
      problem = "The user name, password or code is not right.";
      break;
    case StatusCode::kResourceExhausted:
      problem = fmt::format(
          "Too many failed logins for this account: try again in {} s.",
          RetryAfterSeconds(status));
      break;
    case StatusCode::kPermissionDenied:
      problem = "This account is locked or disabled (" + status.message() +
                "). An administrator of this Kintsugi instance can unlock it.";
      break;
    default:
      Log(LogLevel::kWarning,
          "partner pages: a login could not be "
          "checked: {}",
          status.ToString());
      problem = "The login could not be checked; try again later.";
      break;
  }
  response = PartnerHtml(http, PartnerLayout(nullptr, "Log in", "login",
                                             LoginForm(user, problem)));
  if (http == 429) {
    response.headers.emplace_back("Retry-After",
                                  std::to_string(RetryAfterSeconds(status)));
  }
  return response;
}

HttpResponse Logout(PartnerContext& context, const std::string& token) {
  const Status status = context.state.partners.With(
      [&](partners::Partners& p) { return p.Logout(token); });
  if (!status.ok()) return PartnerFailurePage(context, status);
  HttpResponse response = SeeOther("/partner/login");
  response.headers.emplace_back(
      "Set-Cookie", std::string(CookieName(context.request)) + "=" +
                        CookieAttributes(context.request) + "; Max-Age=0");
  return response;
}

HttpResponse NotFound(const PartnerContext& context) {
  return PartnerHtml(
      404, PartnerLayout(&context, "Not found", "",
                         "<h1>Not found</h1>\n<p>There is no such page in "
                         "the partner area.</p>\n"));
}

// /partner/submissions/ID[/ACTION] and /partner/tokens/ID/revoke.
HttpResponse ItemRoute(PartnerContext& context, std::string_view rest,
                       bool post) {
  const std::size_t slash = rest.find('/');
  const std::string_view collection = rest.substr(0, slash);
  if (slash == std::string_view::npos ||
      (collection != "submissions" && collection != "tokens")) {
    return NotFound(context);
  }
  const std::string_view tail = rest.substr(slash + 1);
  const std::size_t next = tail.find('/');
  const auto id = ParseId(tail.substr(0, next));
  const std::string_view action = next == std::string_view::npos
                                      ? std::string_view()
                                      : tail.substr(next + 1);
  if (!id) return NotFound(context);
  const auto wrong_method = [&](std::string_view allow) {
    HttpResponse response =
        PartnerHtml(405, PartnerLayout(&context, "Method not allowed", "",
                                       "<h1>Method not allowed</h1>\n"));
    response.headers.emplace_back("Allow", std::string(allow));
    return response;
  };
  if (collection == "tokens") {
    if (action != "revoke") return NotFound(context);
    if (!post) return wrong_method("POST");
    return RevokeAction(context, *id);
  }
  if (action.empty()) {
    if (post) return wrong_method("GET, HEAD");
    return SubmissionPage(context, *id);
  }
  if (action != "withdraw" && action != "review") return NotFound(context);
  if (!post) return wrong_method("POST");
  return action == "withdraw" ? WithdrawAction(context, *id)
                              : ReviewAction(context, *id);
}

}  // namespace

HttpResponse PartnerHtml(int status, std::string html) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(html);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  return response;
}

HttpResponse SeeOther(std::string location) {
  HttpResponse response = PartnerHtml(303, "");
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

std::string CsrfField(const PartnerContext& context) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" +
         HtmlEscape(context.session.csrf) + "\">\n";
}

std::string PartnerLayout(const PartnerContext* context, std::string_view title,
                          std::string_view current, const std::string& body) {
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n"
      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n"
      "<title>{} – Kintsugi partners</title>\n"
      "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
      "<link rel=\"icon\" href=\"/static/favicon.svg\" "
      "type=\"image/svg+xml\">\n</head>\n<body class=\"partner\">\n"
      "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n<header>\n"
      "<p class=\"brand\"><a href=\"/partner/\">Kintsugi</a> "
      "<span class=\"area\">partners</span></p>\n",
      HtmlEscape(title));
  if (context != nullptr) {
    const partners::Principal& who = context->who();
    html += fmt::format(
        "<p class=\"tagline\">Signed in as <strong>{}</strong> ({}, {})</p>\n"
        "<nav aria-label=\"Partner area\">\n<ul>\n",
        HtmlEscape(who.user), HtmlEscape(who.organisation),
        HtmlEscape(partners::RoleName(who.role)));
    std::vector<std::pair<std::string_view, std::string_view>> menu = {
        {"", "Submissions"}, {"submit", "Submit"}};
    if (who.role >= partners::Role::kReviewer) {
      menu.emplace_back("review", "Review queue");
    }
    menu.emplace_back("releases", "Releases");
    if (who.role >= partners::Role::kAdmin) {
      menu.emplace_back("audit", "Audit log");
    }
    menu.emplace_back("tokens", "API tokens");
    for (const auto& [path, label] : menu) {
      html +=
          fmt::format("<li><a href=\"/partner/{}\"{}>{}</a></li>\n", path,
                      path == current ? " aria-current=\"page\"" : "", label);
    }
    html +=
        "<li><form method=\"post\" action=\"/partner/logout\" "
        "class=\"inline\">\n" +
        CsrfField(*context) +
        "<button type=\"submit\" class=\"link\">Log out</button></form>"
        "</li>\n</ul>\n</nav>\n";
  }
  html += "</header>\n<main id=\"main\">\n" + body +
          "</main>\n<footer>\n<p>The partner area of Kintsugi: every action "
          "here is recorded in the audit log. <a href=\"/\">The public "
          "site</a></p>\n</footer>\n</body>\n</html>\n";
  return html;
}

HttpResponse PartnerFailurePage(const PartnerContext& context,
                                const Status& status) {
  const int http = PartnerHttpStatus(status.code());
  std::string_view title = "That did not work";
  switch (http) {
    case 401:
      title = "Not signed in";
      break;
    case 403:
      title = "Not allowed";
      break;
    case 404:
      title = "Not found";
      break;
    case 409:
      title = "Already decided";
      break;
    case 429:
      title = "Too many requests";
      break;
    default:
      if (http >= 500) title = "The server failed";
      break;
  }
  HttpResponse response = PartnerHtml(
      http, PartnerLayout(
                &context, title, "",
                fmt::format("<h1>{}</h1>\n<p class=\"problem\">{}"
                            "</p>\n<p><a href=\"/partner/\">Back to "
                            "the submissions</a></p>\n",
                            HtmlEscape(title), HtmlEscape(status.message()))));
  if (http == 429) {
    response.headers.emplace_back("Retry-After",
                                  std::to_string(RetryAfterSeconds(status)));
  }
  return response;
}

HttpResponse PartnerPages(PortalState& state, const HttpRequest& request) {
  const std::string_view path = request.path;
  if (path == "/partner") return SeeOther("/partner/");
  const std::string_view rest =
      path.substr(std::string_view("/partner/").size());
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  if (!get && !post) {
    HttpResponse response = PartnerHtml(405, "");
    response.headers.emplace_back("Allow", "GET, HEAD, POST");
    return response;
  }
  if (rest == "login") return LoginPage(state, request);
  const std::string token = SessionCookie(request);
  Called<partners::SessionInfo> session;
  if (!token.empty()) {
    session = Call<partners::SessionInfo>(state, [&](partners::Partners& p) {
      return p.SessionPrincipal(token);
    });
  }
  if (post && !FromThisSite(request)) {
    return Refused(403, "Refused",
                   "This form was not sent from this site's page.");
  }
  if (!session.ok() || !session.value) {
    if (session.status.code() != StatusCode::kOk &&
        session.status.code() != StatusCode::kUnauthenticated) {
      // The store's own words go to the operator's log, not to a visitor
      // nobody has authenticated.
      Log(LogLevel::kWarning,
          "partner pages: a session could not be "
          "checked: {}",
          session.status.ToString());
      return Refused(PartnerHttpStatus(session.status.code()),
                     "The server failed",
                     "Your session could not be checked; try again later.");
    }
    if (get) return SeeOther("/partner/login");
    return Refused(401, "Not signed in",
                   "You are not signed in, or your session has ended.");
  }
  PartnerContext context{state, request, std::move(*session.value), {}};
  if (post) {
    auto form = ParseForm(request);
    if (!form) return PartnerFailurePage(context, form.error());
    context.form = std::move(*form);
    if (!SameSecret(context.Field("csrf"), context.session.csrf)) {
      return PartnerFailurePage(
          context, PermissionDeniedError(
                       "This form has expired or was not sent from this "
                       "site's page: open the page again and resend it."));
    }
  }
  if (rest == "logout") {
    if (!post) return SeeOther("/partner/");
    return Logout(context, token);
  }
  if (rest == "submit") return SubmitPage(context);
  if (rest == "tokens") return TokensPage(context);
  if (rest.empty() || rest == "review" || rest == "releases" ||
      rest == "audit") {
    if (post) {
      HttpResponse response =
          PartnerHtml(405, PartnerLayout(&context, "Method not allowed", "",
                                         "<h1>Method not allowed</h1>\n"));
      response.headers.emplace_back("Allow", "GET, HEAD");
      return response;
    }
    if (rest.empty()) return HomePage(context);
    if (rest == "review") return ReviewQueuePage(context);
    if (rest == "releases") return ReleasesPage(context);
    return AuditPage(context);
  }
  return ItemRoute(context, rest, post);
}

}  // namespace kintsugi::portal
